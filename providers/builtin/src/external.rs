//! The `external` provider's `external` data source: runs a program, writes `query` to its
//! standard input as a JSON object, and reads a JSON object of strings from its standard
//! output into `result`, reporting failures in the words hashicorp/external uses.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use std::process::Stdio;
use std::sync::Arc;

use async_trait::async_trait;
use terrane_dsl::value::{Path, Type, Value};
use terrane_provider::values::{
    expect_object, get_str, get_string_list, get_string_map, string_map, with_attrs,
};
use terrane_provider::{
    AttributeSchema, BlockSchema, Host, ProviderDiagnostic, ProviderError, ResourceSchema,
};
use tokio::io::AsyncWriteExt;

use crate::common::{Ctx, DataSourceType, TableProvider};

/// The `external` provider.
pub fn provider(host: Arc<dyn Host>) -> TableProvider {
    TableProvider::new("external", host, vec![], vec![Box::new(ExternalData)])
}

pub struct ExternalData;

fn missing_program() -> ProviderError {
    ProviderError::new(
        "External Program Missing",
        "The data source was configured without a program to execute. Verify the configuration \
         contains at least one non-empty value.",
    )
    .at_attr("program")
}

/// Finds the program as Go's `exec.LookPath` does: a name with a slash is a path (relative to
/// the working directory); any other name is searched for in `PATH`.
fn look_path(ctx: &Ctx, name: &str) -> Result<PathBuf, String> {
    if name.contains('/') {
        let p = FsPath::new(name);
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            ctx.host.working_dir().join(p)
        };
        return if is_executable(&p) {
            Ok(p)
        } else {
            Err(format!("exec: {name:?}: not found or not executable"))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
        .ok_or_else(|| format!("exec: {name:?}: executable file not found in $PATH"))
}

#[cfg(unix)]
fn is_executable(p: &FsPath) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &FsPath) -> bool {
    p.is_file()
}

fn query_json(query: &BTreeMap<String, String>) -> String {
    let obj: serde_json::Map<String, serde_json::Value> = query
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(obj).to_string()
}

async fn run(
    ctx: &Ctx,
    program: &[String],
    working_dir: Option<&str>,
    query: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ProviderError> {
    let first = program
        .first()
        .filter(|p| !p.is_empty())
        .ok_or_else(missing_program)?;
    let exe = look_path(ctx, first).map_err(|e| {
        ProviderError::new(
            "External Program Lookup Failed",
            format!(
                "The data source received an unexpected error while attempting to find the \
                 program.\n\nThe program must be accessible according to the platform where \
                 terrane is running. On Unix-based platforms, programs named without a slash \
                 are searched for in the directories of the '$PATH' environment variable, and \
                 the file must have the executable bit set.\n\nIf the program is relative to \
                 the configuration, include 'path.module' in its name, for example: \
                 \"${{path.module}}/my-program\"\n\nPlatform: {}\nProgram: {first}\nError: {e}",
                std::env::consts::OS
            ),
        )
        .at(Path::root().attr("program").index_int(0))
    })?;
    let dir = match working_dir.filter(|d| !d.is_empty()) {
        Some(d) if FsPath::new(d).is_absolute() => PathBuf::from(d),
        Some(d) => ctx.host.working_dir().join(d),
        None => ctx.host.working_dir(),
    };
    let exec_error = |detail: String| {
        ProviderError::new(
            "External Program Execution Failed",
            format!(
                "The data source received an unexpected error while attempting to execute the \
                 program.\n\nProgram: {}\n{detail}",
                exe.display()
            ),
        )
        .at_attr("program")
    };
    let mut child = tokio::process::Command::new(&exe)
        .args(&program[1..])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| exec_error(format!("Error Message: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that does not read its input may close it early: not an error.
        let _ = stdin.write_all(query_json(query).as_bytes()).await;
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| exec_error(format!("Error Message: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let state = match out.status.code() {
            Some(c) => format!("exit status {c}"),
            None => "signal: killed".to_string(),
        };
        let msg = if stderr.is_empty() {
            String::new()
        } else {
            format!("Error Message: {stderr}\n")
        };
        return Err(exec_error(format!("{msg}State: {state}")));
    }
    parse_result(&out.stdout).map_err(|e| {
        ProviderError::new(
            "Unexpected External Program Results",
            format!(
                "The data source received unexpected results after executing the program.\n\n\
                 Program output must be a JSON encoded map of string keys and string values.\n\n\
                 Program: {}\nResult Error: {e}",
                exe.display()
            ),
        )
        .at_attr("program")
    })
}

/// Go's name for a JSON value's kind, as its decoder's errors say it.
fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// The program's output: a JSON object whose values are all strings.
fn parse_result(stdout: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let v: serde_json::Value = serde_json::from_slice(stdout).map_err(|e| e.to_string())?;
    let serde_json::Value::Object(m) = v else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]string",
            json_kind(&v)
        ));
    };
    m.into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k, s)),
            // As Go's decoder into map[string]string: null leaves the zero value.
            serde_json::Value::Null => Ok((k, String::new())),
            other => Err(format!(
                "json: cannot unmarshal {} into Go value of type string",
                json_kind(&other)
            )),
        })
        .collect()
}

#[async_trait]
impl DataSourceType for ExternalData {
    fn name(&self) -> &'static str {
        "external"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                (
                    "program",
                    AttributeSchema::required(Type::list(Type::String))
                        .describe("The program and its arguments."),
                ),
                (
                    "working_dir",
                    AttributeSchema::optional(Type::String)
                        .describe("The directory the program runs in."),
                ),
                (
                    "query",
                    AttributeSchema::optional(Type::map(Type::String))
                        .describe("Written to the program's standard input as a JSON object."),
                ),
                (
                    "result",
                    AttributeSchema::computed(Type::map(Type::String))
                        .describe("The JSON object of strings the program printed."),
                ),
                ("id", AttributeSchema::computed(Type::String)),
            ]),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        match config.get_attr("program") {
            Some(p) if p.is_known() && !p.is_null() && p.length() == Some(0) => {
                vec![missing_program().into()]
            }
            _ => Vec::new(),
        }
    }

    async fn read(&self, ctx: &Ctx, config: Value) -> Result<Value, ProviderError> {
        let config = expect_object(&config, "configuration")?;
        let program = get_string_list(config, "program").unwrap_or_default();
        let query = get_string_map(config, "query").unwrap_or_default();
        let result = run(ctx, &program, get_str(config, "working_dir"), &query).await?;
        Ok(with_attrs(
            config,
            [("result", string_map(result)), ("id", Value::string("-"))],
        ))
    }
}

#[cfg(test)]
#[path = "external_tests.rs"]
mod tests;
