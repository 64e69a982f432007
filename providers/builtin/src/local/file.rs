//! Resources `local_file` and `local_sensitive_file`: a file written with the given content
//! (text, base64 or a copy of `source`) and permissions. Refresh forgets the file when it is
//! gone or its content changed, so the next plan writes it again, as hashicorp/local does.

use std::path::Path as FsPath;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use terrane_dsl::value::{Path, Type, Value};
use terrane_provider::values::{expect_object, get_str, with_attrs};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::{checksum_schema, checksums, resolve};
use crate::common::{apply_trivially, plan_immutable, Ctx, ResourceType};

pub struct LocalFile {
    pub sensitive: bool,
}

impl LocalFile {
    /// The arguments that give the content; exactly one must be set.
    fn sources(&self) -> &'static [&'static str] {
        if self.sensitive {
            &["content", "content_base64", "source"]
        } else {
            &["content", "sensitive_content", "content_base64", "source"]
        }
    }

    fn default_mode(&self) -> &'static str {
        if self.sensitive {
            "0700"
        } else {
            "0777"
        }
    }

    fn block(&self) -> BlockSchema {
        let content = |d: &str| {
            let a = AttributeSchema::optional(Type::String)
                .force_new()
                .describe(d);
            if self.sensitive {
                a.sensitive()
            } else {
                a
            }
        };
        let mut attrs = vec![
            (
                "filename",
                AttributeSchema::required(Type::String)
                    .force_new()
                    .describe(
                        "The path of the file to write (relative: to the working directory).",
                    ),
            ),
            ("content", content("The content, as UTF-8 text.")),
            (
                "content_base64",
                content("The content, base64-encoded (for binary files)."),
            ),
            (
                "source",
                AttributeSchema::optional(Type::String)
                    .force_new()
                    .describe("A file whose content is copied."),
            ),
            (
                "file_permission",
                AttributeSchema::optional_computed(Type::String)
                    .force_new()
                    .describe("The file's permissions, in octal."),
            ),
            (
                "directory_permission",
                AttributeSchema::optional_computed(Type::String)
                    .force_new()
                    .describe("The permissions of directories created for the file, in octal."),
            ),
        ];
        if !self.sensitive {
            attrs.push((
                "sensitive_content",
                AttributeSchema::optional(Type::String)
                    .sensitive()
                    .force_new()
                    .describe("Deprecated: use local_sensitive_file."),
            ));
        }
        attrs.extend(checksum_schema());
        BlockSchema::with_attributes(attrs)
    }

    /// The bytes to write, from whichever content argument is set.
    async fn content(&self, ctx: &Ctx, planned: &Value) -> Result<Vec<u8>, ProviderError> {
        if let Some(c) =
            get_str(planned, "content").or_else(|| get_str(planned, "sensitive_content"))
        {
            return Ok(c.as_bytes().to_vec());
        }
        if let Some(b) = get_str(planned, "content_base64") {
            return STANDARD.decode(b).map_err(|e| {
                ProviderError::new(
                    "Create local file error",
                    format!("An unexpected error occurred while decoding the content_base64.\n\nOriginal Error: {e}"),
                )
                .at_attr("content_base64")
            });
        }
        if let Some(src) = get_str(planned, "source") {
            return tokio::fs::read(resolve(ctx, src)).await.map_err(|e| {
                ProviderError::new(
                    "Create local file error",
                    format!("An unexpected error occurred while reading the source file.\n\nOriginal Error: {e}"),
                )
                .at_attr("source")
            });
        }
        Err(ProviderError::new(
            "Invalid Attribute Combination",
            format!(
                "Exactly one of these attributes must be configured: [{}]",
                self.sources().join(",")
            ),
        ))
    }
}

/// A permission string: 3 or 4 octal digits.
fn parse_mode(text: &str) -> Result<u32, String> {
    if !(3..=4).contains(&text.len()) {
        return Err(format!(
            "bad mode for file - string length should be 3 or 4 digits: {text}"
        ));
    }
    u32::from_str_radix(text, 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| format!("bad mode for file - must be octal digits: {text}"))
}

fn write_error(what: &str, e: std::io::Error) -> ProviderError {
    ProviderError::new(
        "Create local file error",
        format!("An unexpected error occurred while {what}.\n\nOriginal Error: {e}"),
    )
}

#[cfg(unix)]
fn write_file(
    path: &FsPath,
    bytes: &[u8],
    file_mode: u32,
    dir_mode: u32,
) -> Result<(), ProviderError> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(dir_mode)
            .create(dir)
            .map_err(|e| write_error("creating the directory", e))?;
    }
    // As the real provider: the mode goes through the process umask.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(file_mode)
        .open(path)
        .map_err(|e| write_error("writing the file", e))?;
    f.write_all(bytes)
        .map_err(|e| write_error("writing the file", e))
}

#[cfg(not(unix))]
fn write_file(
    path: &FsPath,
    bytes: &[u8],
    _file_mode: u32,
    _dir_mode: u32,
) -> Result<(), ProviderError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| write_error("creating the directory", e))?;
    }
    std::fs::write(path, bytes).map_err(|e| write_error("writing the file", e))
}

#[async_trait]
impl ResourceType for LocalFile {
    fn name(&self) -> &'static str {
        if self.sensitive {
            "local_sensitive_file"
        } else {
            "local_file"
        }
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: self.block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        let attrs: Vec<&Value> = self
            .sources()
            .iter()
            .filter_map(|n| config.get_attr(n))
            .collect();
        let any_unknown = attrs.iter().any(|v| !v.is_known());
        let set = attrs
            .iter()
            .filter(|v| v.is_known() && !v.is_null())
            .count();
        if !any_unknown && set != 1 {
            out.push(ProviderDiagnostic::error(
                "Invalid Attribute Combination",
                format!(
                    "Exactly one of these attributes must be configured: [{}]",
                    self.sources().join(",")
                ),
                Path::root().attr(if set == 0 {
                    "content"
                } else {
                    self.sources()[1]
                }),
            ));
        }
        for name in ["file_permission", "directory_permission"] {
            if let Some(text) = get_str(config, name) {
                if let Err(msg) = parse_mode(text) {
                    out.push(ProviderDiagnostic::error(
                        "Invalid Attribute Value",
                        msg,
                        Path::root().attr(name),
                    ));
                }
            }
        }
        out
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [
            ("file_permission", Value::string(self.default_mode())),
            ("directory_permission", Value::string(self.default_mode())),
        ];
        Ok(plan_immutable(&self.block(), &defaults, &req))
    }

    async fn apply(&self, ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        match (&req.prior_state, &req.planned_state) {
            (None, Some(planned)) => {
                let planned = expect_object(planned, "planned state")?;
                let filename = get_str(planned, "filename")
                    .ok_or_else(|| crate::common::missing("filename"))?;
                let mode = |n: &str| {
                    parse_mode(get_str(planned, n).unwrap_or(self.default_mode()))
                        .map_err(|m| ProviderError::new("Invalid Attribute Value", m).at_attr(n))
                };
                let (file_mode, dir_mode) =
                    (mode("file_permission")?, mode("directory_permission")?);
                let bytes = self.content(ctx, planned).await?;
                let path = resolve(ctx, filename);
                tokio::task::spawn_blocking(move || {
                    write_file(&path, &bytes, file_mode, dir_mode).map(|_| bytes)
                })
                .await
                .map_err(|e| ProviderError::new("Create local file error", e.to_string()))?
                .map(|bytes| ApplyResponse {
                    new_state: Some(with_attrs(planned, checksums(&bytes))),
                    private: None,
                })
                .map_err(ApplyError::from)
            }
            (Some(prior), None) => {
                if let Some(filename) = get_str(prior, "filename") {
                    match tokio::fs::remove_file(resolve(ctx, filename)).await {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => {
                            return Err(ProviderError::new(
                                "Delete local file error",
                                format!("An unexpected error occurred while deleting the file.\n\nOriginal Error: {e}"),
                            )
                            .into())
                        }
                    }
                }
                Ok(apply_trivially(&req))
            }
            _ => Ok(apply_trivially(&req)),
        }
    }

    async fn read(&self, ctx: &Ctx, state: Value) -> Result<Option<Value>, ProviderError> {
        let Some(filename) = get_str(&state, "filename") else {
            return Ok(None);
        };
        let bytes = match tokio::fs::read(resolve(ctx, filename)).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ProviderError::new(
                    "Read local file error",
                    format!(
                    "An unexpected error occurred while reading the file.\n\nOriginal Error: {e}"
                ),
                ))
            }
        };
        let sha1 = hex::encode(<sha1::Sha1 as sha2::Digest>::digest(&bytes));
        if get_str(&state, "id") != Some(sha1.as_str()) {
            return Ok(None);
        }
        Ok(Some(state))
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
