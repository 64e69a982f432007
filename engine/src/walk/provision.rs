//! Provisioners: `local-exec` run after a create (or before a destroy), with its output streamed
//! as events. The body is evaluated in the job once `self` is known: the walk prepares a scope
//! with everything else the body refers to.

use std::collections::BTreeMap;
use std::sync::Arc;

use terrane_dsl::eval::{EvalContext, Scope, UserFunctions};
use terrane_dsl::functions::{CallContext, FunctionTable};
use terrane_dsl::syntax::ast::{Body, BodyItem};
use terrane_dsl::value::{convert, Type, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::config::{Provisioner, ProvisionerWhen};
use crate::events::{Event, EventSink};

/// A provisioner ready to run once `self` is known.
#[derive(Clone)]
pub struct Prepared {
    pub kind: String,
    pub when: ProvisionerWhen,
    pub continue_on_failure: bool,
    pub body: Body,
    pub scope: Scope,
    pub functions: Arc<FunctionTable>,
    pub user_functions: UserFunctions,
    pub call_context: CallContext,
}

impl Prepared {
    pub fn new(
        p: &Provisioner,
        scope: Scope,
        functions: Arc<FunctionTable>,
        user_functions: UserFunctions,
        call_context: CallContext,
    ) -> Prepared {
        Prepared {
            kind: p.kind.clone(),
            when: p.when,
            continue_on_failure: p.continue_on_failure,
            body: p.body.clone(),
            scope,
            functions,
            user_functions,
            call_context,
        }
    }
}

/// What a `local-exec` block asks for, evaluated.
struct LocalExec {
    command: String,
    working_dir: Option<String>,
    interpreter: Vec<String>,
    environment: BTreeMap<String, String>,
    quiet: bool,
}

fn evaluate(p: &Prepared, self_value: &Value) -> Result<LocalExec, String> {
    let mut scope = p.scope.clone();
    scope.set("self", self_value.clone());
    let mut ctx = EvalContext::new(scope, &p.functions);
    ctx.user_functions = p.user_functions.clone();
    ctx.call_context = p.call_context.clone();
    let mut attrs: BTreeMap<String, Value> = BTreeMap::new();
    for item in &p.body.items {
        if let BodyItem::Attribute(a) = item {
            let v = ctx.eval(&a.expr).map_err(|ds| {
                ds.iter()
                    .map(|d| format!("{}: {}", d.summary, d.detail))
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
            attrs.insert(a.name.name.clone(), v.unmark_deep().0);
        }
    }
    let string = |v: &Value| {
        convert(v, &Type::String)
            .ok()
            .and_then(|s| s.as_str().map(str::to_string))
    };
    let command = attrs
        .get("command")
        .and_then(string)
        .ok_or("the \"command\" argument must be a string")?;
    let working_dir = attrs
        .get("working_dir")
        .filter(|v| !v.is_null())
        .and_then(string);
    let interpreter = match attrs.get("interpreter").filter(|v| !v.is_null()) {
        Some(v) => convert(v, &Type::list(Type::String))
            .ok()
            .and_then(|l| {
                l.elements().map(|es| {
                    es.iter()
                        .filter_map(|e| e.as_str().map(str::to_string))
                        .collect()
                })
            })
            .ok_or("the \"interpreter\" argument must be a list of strings")?,
        None => vec!["/bin/sh".to_string(), "-c".to_string()],
    };
    let environment = match attrs.get("environment").filter(|v| !v.is_null()) {
        Some(v) => convert(v, &Type::map(Type::String))
            .ok()
            .and_then(|m| {
                m.entries().map(|es| {
                    es.iter()
                        .filter_map(|(k, e)| e.as_str().map(|s| (k.clone(), s.to_string())))
                        .collect()
                })
            })
            .ok_or("the \"environment\" argument must be a map of strings")?,
        None => BTreeMap::new(),
    };
    let quiet = attrs.get("quiet").and_then(Value::as_bool).unwrap_or(false);
    Ok(LocalExec {
        command,
        working_dir,
        interpreter,
        environment,
        quiet,
    })
}

/// Runs one provisioner for `address`; `Err` carries the reason it failed.
pub async fn run(
    p: &Prepared,
    address: &str,
    self_value: &Value,
    events: Option<&EventSink>,
) -> Result<(), String> {
    let spec = evaluate(p, self_value)?;
    let Some((program, args)) = spec.interpreter.split_first() else {
        return Err("the \"interpreter\" argument is empty".into());
    };
    let label = format!("{} ({})", address, p.kind);
    if let Some(sink) = events {
        if !spec.quiet {
            sink(Event::Output {
                address: address.to_string(),
                provisioner: p.kind.clone(),
                line: format!(
                    "Executing: {:?}",
                    spec.interpreter
                        .iter()
                        .chain(std::iter::once(&spec.command))
                        .collect::<Vec<_>>()
                ),
            });
        }
    }
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .arg(&spec.command)
        .envs(&spec.environment)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    if let Some(dir) = &spec.working_dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("{label}: cannot start {program}: {e}"))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let forward = |stream: Option<Box<dyn tokio::io::AsyncRead + Unpin + Send>>| {
        let sink = events.cloned();
        let address = address.to_string();
        let kind = p.kind.clone();
        async move {
            let Some(stream) = stream else { return };
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(sink) = &sink {
                    sink(Event::Output {
                        address: address.clone(),
                        provisioner: kind.clone(),
                        line,
                    });
                }
            }
        }
    };
    let out_task =
        forward(stdout.map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>));
    let err_task =
        forward(stderr.map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>));
    let (_, _, status) = tokio::join!(out_task, err_task, child.wait());
    let status = status.map_err(|e| format!("{label}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "local-exec provisioner error: Error running command '{}': exit status {}.",
            spec.command,
            status
                .code()
                .map_or("unknown (killed by a signal)".to_string(), |c| c
                    .to_string())
        ))
    }
}
