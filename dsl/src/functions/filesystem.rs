//! Filesystem functions, with relative paths resolved against [`CallContext::base_dir`]:
//! abspath basename dirname pathexpand file fileexists fileset filebase64.

use std::path::{Component, Path, PathBuf};

use base64::Engine;

use super::util::{arg_err, fail, p, s, simple, Builtin};
use super::{CallContext, CallError};
use crate::value::{types::go_quote, Type, Value};

/// Largest file the file functions read, so that no configuration can exhaust memory.
const MAX_FILE: u64 = 512 << 20;
/// Most paths `fileset` walks.
const MAX_WALK: usize = 100_000;

fn st() -> Type {
    Type::String
}

fn resolve(ctx: &CallContext, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        ctx.base_dir.join(p)
    }
}

/// The bytes of the file named by argument 0 (for the hash functions).
pub(super) fn read_file(args: &[Value], ctx: &CallContext) -> Result<Vec<u8>, CallError> {
    let path = s(args, 0)?;
    let full = resolve(ctx, path);
    read_limited(&full).map_err(|e| fail(format!("open {path}: {e}")))
}

fn read_limited(full: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(full).map_err(|e| go_io_error(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if meta.len() > MAX_FILE {
        return Err("file is too large".into());
    }
    std::fs::read(full).map_err(|e| go_io_error(&e))
}

fn go_io_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn read_config_file(args: &[Value], ctx: &CallContext) -> Result<Vec<u8>, CallError> {
    let path = s(args, 0)?;
    let full = resolve(ctx, path);
    if !full.exists() {
        return Err(arg_err(0, format!("no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource", go_quote(path))));
    }
    read_limited(&full).map_err(|e| {
        // Go's error names the path it read: the given path joined to the module directory.
        let e = if e == "is a directory" {
            format!("read {}: {e}", clean(path))
        } else {
            e
        };
        arg_err(0, format!("failed to read file: {e}"))
    })
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    list.push(simple("file", vec![p("path", st())], st(), |args, ctx| {
        let bytes = read_config_file(args, ctx)?;
        let path = s(args, 0)?;
        String::from_utf8(bytes).map(Value::string).map_err(|_| {
            fail(format!("contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", go_quote(path)))
        })
    }));
    list.push(simple(
        "filebase64",
        vec![p("path", st())],
        st(),
        |args, ctx| {
            let bytes = read_config_file(args, ctx)?;
            Ok(Value::string(super::encoding::b64().encode(bytes)))
        },
    ));
    list.push(simple(
        "fileexists",
        vec![p("path", st())],
        Type::Bool,
        |args, ctx| {
            let path = s(args, 0)?;
            match std::fs::metadata(resolve(ctx, path)) {
                Ok(m) if m.is_dir() => Err(fail(format!(
                    "{} is a directory, not a file",
                    go_quote(path)
                ))),
                Ok(_) => Ok(Value::bool(true)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::bool(false)),
                Err(e) => Err(fail(format!(
                    "failed to stat {}: {}",
                    go_quote(path),
                    go_io_error(&e)
                ))),
            }
        },
    ));
    list.push(simple(
        "fileset",
        vec![p("path", st()), p("pattern", st())],
        Type::set(st()),
        fileset,
    ));
    list.push(simple(
        "abspath",
        vec![p("path", st())],
        st(),
        |args, ctx| {
            let full = resolve(ctx, s(args, 0)?);
            Ok(Value::string(clean(&full.to_string_lossy())))
        },
    ));
    list.push(simple(
        "basename",
        vec![p("path", st())],
        st(),
        |args, _| Ok(Value::string(basename(s(args, 0)?))),
    ));
    list.push(simple("dirname", vec![p("path", st())], st(), |args, _| {
        Ok(Value::string(dirname(s(args, 0)?)))
    }));
    list.push(simple(
        "pathexpand",
        vec![p("path", st())],
        st(),
        |args, _| {
            let path = s(args, 0)?;
            let home = std::env::var("HOME").unwrap_or_default();
            if path == "~" {
                return Ok(Value::string(home));
            }
            match path.strip_prefix("~/") {
                Some(rest) if !home.is_empty() => Ok(Value::string(format!(
                    "{}/{rest}",
                    home.trim_end_matches('/')
                ))),
                _ => Ok(Value::string(path)),
            }
        },
    ));
}

/// Go's `path/filepath.Clean` for slash-separated paths.
pub(super) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            x => parts.push(x),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `filepath.Base`.
fn basename(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `filepath.Dir`.
fn dirname(path: &str) -> String {
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    clean(dir)
}

fn fileset(args: &[Value], ctx: &CallContext) -> Result<Value, CallError> {
    let path = s(args, 0)?;
    let pattern = s(args, 1)?;
    let bad = || {
        fail(format!(
            "failed to glob pattern {}: syntax error in pattern",
            go_quote(&clean(&format!("{path}/{pattern}")))
        ))
    };
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|_| bad())?
        .compile_matcher();
    let root = resolve(ctx, path);
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    let mut walked = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for ent in rd.flatten() {
            walked += 1;
            if walked > MAX_WALK {
                return Err(fail("too many files to search"));
            }
            let p = ent.path();
            let Ok(ft) = std::fs::metadata(&p) else {
                continue;
            };
            let Ok(rel) = p.strip_prefix(&root) else {
                continue;
            };
            let rel: Vec<String> = rel
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            let rel = rel.join("/");
            if ft.is_dir() {
                stack.push(p);
            } else if glob.is_match(&rel) {
                out.push(Value::string(rel));
            }
        }
    }
    Value::set(Type::String, out).map_err(|e| fail(e.to_string()))
}
