//! Root module input variables: their values gathered from every source in Terraform's order of
//! precedence (environment `TF_VAR_*`, `terraform.tfvars`, `*.auto.tfvars`, then `-var` and
//! `-var-file` in command-line order; `.tnvars` twins beside each tfvars file), converted to
//! their type constraints, defaulted, null-checked, and marked sensitive. Validation rules run
//! later, in the graph walk, since they may refer to other values.

use std::collections::BTreeMap;
use std::path::Path;

use terrane_dsl::syntax::ast::BodyItem;
use terrane_dsl::syntax::Span;
use terrane_dsl::value::{convert_to_constraint, Constraint, Mark, Value};
use terrane_dsl::Diagnostic;

use crate::config::content::constant;
use crate::config::{Module, Variable};
use crate::source::{Diag, Diags, FileId, Sources};

/// One `-var` or `-var-file` option, in command-line order.
#[derive(Clone, Debug)]
pub enum CliVar {
    /// `-var NAME=VALUE`
    Var(String),
    /// `-var-file FILE`
    File(String),
}

/// Where a variable's value was written, for diagnostics.
#[derive(Clone, Copy, Debug)]
pub struct ValueRange {
    pub file: Option<FileId>,
    pub span: Span,
}

/// A variable's final value and where it came from (`None`: its default).
#[derive(Clone, Debug)]
pub struct InputValue {
    pub value: Value,
    pub range: Option<ValueRange>,
}

/// A value before conversion: parsed from a file, or a raw string from the environment or
/// `-var` (parsed as an expression unless the variable's type is primitive).
enum Raw {
    Value(Value, ValueRange),
    Text(String),
}

/// Gathers the root module's variables.
pub fn collect(
    root: &Module,
    dir: &Path,
    cli: &[CliVar],
    sources: &mut Sources,
    diags: &mut Diags,
) -> BTreeMap<String, InputValue> {
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    for (key, val) in std::env::vars() {
        if let Some(name) = key.strip_prefix("TF_VAR_") {
            if root.variables.contains_key(name) {
                raw.insert(name.to_string(), Raw::Text(val));
            }
        }
    }
    let mut files: Vec<String> = Vec::new();
    for name in [
        "terraform.tfvars",
        "terraform.tnvars",
        "terraform.tfvars.json",
        "terraform.tnvars.json",
    ] {
        if dir.join(name).is_file() {
            files.push(name.to_string());
        }
    }
    let mut autos: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    [
                        ".auto.tfvars",
                        ".auto.tnvars",
                        ".auto.tfvars.json",
                        ".auto.tnvars.json",
                    ]
                    .iter()
                    .any(|s| n.ends_with(s))
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    files.extend(autos);
    for f in files {
        read_vars_file(&dir.join(&f), f, root, false, &mut raw, sources, diags);
    }
    for opt in cli {
        match opt {
            CliVar::File(f) => {
                let path = dir.join(f);
                if !path.is_file() {
                    diags.0.push(Diag::bare(Diagnostic::error(
                        "Failed to read variables file",
                        format!("Given variables file {f} does not exist."),
                        Span::empty(0),
                    )));
                    continue;
                }
                read_vars_file(&path, f.clone(), root, true, &mut raw, sources, diags);
            }
            CliVar::Var(text) => {
                let Some((name, value)) = text.split_once('=') else {
                    diags.0.push(Diag::bare(Diagnostic::error(
                        "Invalid -var option",
                        format!("The given -var option {text:?} is not correctly specified. It must be a variable name and value separated an equals sign, like -var=\"key=value\"."),
                        Span::empty(0),
                    )));
                    continue;
                };
                let name = name.trim();
                if !root.variables.contains_key(name) {
                    diags.0.push(Diag::bare(
                        Diagnostic::error(
                            "Value for undeclared variable",
                            format!("A variable named \"{name}\" was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."),
                            Span::empty(0),
                        )
                        .with_help(suggest_variable(name, root).unwrap_or_default()),
                    ));
                    continue;
                }
                raw.insert(name.to_string(), Raw::Text(value.to_string()));
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, var) in &root.variables {
        let given = raw.remove(name);
        if let Some(v) = finalize(var, given, sources, diags) {
            out.insert(name.clone(), v);
        }
    }
    out
}

fn suggest_variable(name: &str, root: &Module) -> Option<String> {
    root.variables
        .keys()
        .find(|k| strsim_close(k, name))
        .map(|k| format!("did you mean \"{k}\"?"))
}

/// A cheap closeness test for suggestions: same length ±2 and most characters shared.
fn strsim_close(a: &str, b: &str) -> bool {
    let common = a.chars().filter(|c| b.contains(*c)).count();
    a.len().abs_diff(b.len()) <= 2 && common * 3 >= a.len().max(b.len()) * 2
}

fn read_vars_file(
    path: &Path,
    display: String,
    root: &Module,
    explicit: bool,
    raw: &mut BTreeMap<String, Raw>,
    sources: &mut Sources,
    diags: &mut Diags,
) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(err) => {
            diags.0.push(Diag::bare(Diagnostic::error(
                "Failed to read variables file",
                format!("Error reading {display}: {err}."),
                Span::empty(0),
            )));
            return;
        }
    };
    if display.ends_with(".json") {
        let id = sources.add(display.clone(), text.clone());
        match terrane_dsl::value::from_json(&text) {
            Ok(v) => {
                if let Some(entries) = v.entries() {
                    for (k, val) in entries {
                        if root.variables.contains_key(k) {
                            raw.insert(
                                k.clone(),
                                Raw::Value(
                                    val.clone(),
                                    ValueRange {
                                        file: Some(id),
                                        span: Span::new(0, text.len()),
                                    },
                                ),
                            );
                        }
                    }
                }
            }
            Err(e) => diags.push(
                id,
                Diagnostic::error("Invalid JSON variables file", e.to_string(), Span::empty(0)),
            ),
        }
        return;
    }
    let parsed = terrane_dsl::syntax::parse(&text);
    let id = sources.add(display, text);
    diags.extend_in(id, parsed.diagnostics);
    for item in &parsed.body.items {
        match item {
            BodyItem::Attribute(a) => {
                let name = &a.name.name;
                if !root.variables.contains_key(name) {
                    // Terraform warns about undeclared variables in files (an error for -var).
                    let _ = explicit;
                    diags.push(
                        id,
                        Diagnostic {
                            severity: terrane_dsl::Severity::Warning,
                            summary: "Value for undeclared variable".into(),
                            detail: format!("The root module does not declare a variable named \"{name}\" but a value was found in file \"{}\". If you meant to use this value, add a \"variable\" block to the configuration.", sources.get(id).name),
                            span: a.name.span,
                            label: None,
                            help: None,
                        },
                    );
                    continue;
                }
                match constant(&a.expr) {
                    Ok(v) => {
                        raw.insert(name.clone(), Raw::Value(v, ValueRange { file: Some(id), span: a.expr.span }));
                    }
                    Err(ds) => diags.extend_in(id, ds),
                }
            }
            BodyItem::Block(b) => diags.push(
                id,
                Diagnostic::error(
                    "Unexpected block",
                    "Blocks are not allowed here; a variables file contains only NAME = VALUE definitions.",
                    b.ident.span,
                ),
            ),
        }
    }
}

fn is_primitive(c: &Constraint) -> bool {
    matches!(
        c,
        Constraint::String | Constraint::Number | Constraint::Bool
    )
}

/// Converts, defaults and marks one variable's value.
fn finalize(
    var: &Variable,
    given: Option<Raw>,
    sources: &mut Sources,
    diags: &mut Diags,
) -> Option<InputValue> {
    let (value, range) = match given {
        Some(Raw::Value(v, r)) => (v, Some(r)),
        Some(Raw::Text(t)) => {
            if is_primitive(&var.constraint) || !var.typed {
                (Value::string(&t), None)
            } else {
                let parsed = terrane_dsl::syntax::parse(&format!("v = {t}\n"));
                let expr = parsed.body.attributes().next().map(|a| a.expr.clone());
                match (parsed.diagnostics.is_empty(), expr) {
                    (true, Some(e)) => match constant(&e) {
                        Ok(v) => (v, None),
                        Err(_) => (Value::string(&t), None),
                    },
                    _ => {
                        diags.0.push(Diag::bare(Diagnostic::error(
                            "Invalid value for input variable",
                            format!(
                                "The value given for var.{} is not a valid expression.",
                                var.name
                            ),
                            Span::empty(0),
                        )));
                        return None;
                    }
                }
            }
        }
        None => match &var.default {
            Some(d) => match constant(&d.expr) {
                Ok(v) => (v, None),
                Err(_) => return None, // reported when the configuration was decoded
            },
            None => {
                diags.push(
                    var.decl.file,
                    Diagnostic::error(
                        "No value for required variable",
                        format!("The root module input variable \"{}\" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.", var.name),
                        var.decl.span,
                    ),
                );
                return None;
            }
        },
    };
    let value = if value.is_null() && !var.nullable {
        match &var.default {
            Some(d) if range.is_some() => constant(&d.expr).unwrap_or(value),
            _ => value,
        }
    } else {
        value
    };
    if value.is_null() && !var.nullable {
        let (file, span) = place(var, range);
        diags.0.push(Diag::in_file(
            file,
            Diagnostic::error(
                "Required variable not set",
                format!("Unsuitable value for var.{} set from outside of the configuration: required variable may not be set to null.", var.name),
                span,
            ),
        ));
        return None;
    }
    match convert_to_constraint(&value, &var.constraint) {
        Ok(v) => {
            let v = if var.sensitive {
                v.mark(Mark::Sensitive)
            } else {
                v
            };
            Some(InputValue { value: v, range })
        }
        Err(e) => {
            let (file, span) = place(var, range);
            let declared = crate::source::place(sources.get(var.decl.file), var.decl.span);
            diags.0.push(Diag::in_file(
                file,
                Diagnostic::error(
                    "Invalid value for input variable",
                    format!(
                        "The given value is not suitable for var.{} declared at {declared}: {e}.",
                        var.name
                    ),
                    span,
                ),
            ));
            None
        }
    }
}

/// Where to report a problem with a variable's value: the value when it is in a file, else the
/// declaration.
pub fn place(var: &Variable, range: Option<ValueRange>) -> (Option<FileId>, Span) {
    match range {
        Some(ValueRange {
            file: Some(f),
            span,
        }) => (Some(f), span),
        _ => (Some(var.decl.file), var.decl.span),
    }
}
