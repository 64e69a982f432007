//! Where the state lives: the root module's `backend` block, checked and evaluated before the
//! state is opened. Beyond Terraform (which refuses any reference there), its arguments may use
//! input variables, locals computed from them and `path.*`; anything known only later (resources,
//! data sources, module outputs, `terraform.workspace`, ...) is an error at its span.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use terrane_dsl::eval::{references, Traversal};
use terrane_dsl::syntax::ast::{BodyItem, Expr};
use terrane_dsl::Diagnostic;

use crate::addrs::{ModuleInstance, ModulePath};
use crate::config::{BackendConfig, Config, Module};
use crate::inputs::{collect, CliVar, InputValue};
use crate::source::{Diag, Diags, FileId, Sources};
use crate::walk::eval::Evaluator;
use crate::walk::scope::{RunInfo, Site};
use crate::walk::values::{Repetition, Values};

/// The arguments of the `local` backend.
const LOCAL_ARGUMENTS: &[&str] = &["path", "workspace_dir"];

/// What a reference in the backend block may not name, and why, for the diagnostic.
fn refused(t: &Traversal) -> Option<String> {
    let what = match t.root.as_str() {
        "var" | "local" => return None,
        "path" => match t.attr_names().next() {
            Some("module" | "root" | "cwd") | None => return None,
            Some(other) => format!("path.{other} is not a path terrane knows"),
        },
        "data" => "a data source is read only during the plan".to_string(),
        "module" => "a module's outputs are computed only during the plan".to_string(),
        "terraform" => "terraform.workspace is chosen inside the state store".to_string(),
        "count" | "each" | "self" => format!("\"{}\" exists only inside a repeated block", t.root),
        _ => "a resource is known only once the state is read".to_string(),
    };
    Some(what)
}

/// Every expression the backend block's arguments depend on: its own arguments first, then
/// the locals they reach, each with the file it is written in and the names it refers to.
struct Reached<'a> {
    exprs: Vec<(FileId, &'a Expr)>,
    /// Locals reached, in an order where each comes after those it uses.
    locals: Vec<String>,
    variables: BTreeSet<String>,
}

fn reach<'a>(module: &'a Module, backend: &'a BackendConfig) -> Reached<'a> {
    let mut out = Reached {
        exprs: Vec::new(),
        locals: Vec::new(),
        variables: BTreeSet::new(),
    };
    let mut visiting = BTreeSet::new();
    for a in backend.body.attributes() {
        out.exprs.push((backend.file, &a.expr));
    }
    for a in backend.body.attributes() {
        reach_expr(module, &a.expr, &mut out, &mut visiting);
    }
    out
}

fn reach_expr<'a>(
    module: &'a Module,
    expr: &'a Expr,
    out: &mut Reached<'a>,
    visiting: &mut BTreeSet<String>,
) {
    for t in references(expr) {
        let Some(name) = t.attr_names().next() else {
            continue;
        };
        match t.root.as_str() {
            "var" => {
                out.variables.insert(name.to_string());
            }
            "local" => {
                if out.locals.iter().any(|l| l == name) || !visiting.insert(name.to_string()) {
                    continue; // done, or a cycle (the graph reports cycles)
                }
                if let Some(local) = module.locals.get(name) {
                    out.exprs.push((local.value.file, &local.value.expr));
                    reach_expr(module, &local.value.expr, out, visiting);
                }
                out.locals.push(name.to_string());
            }
            _ => {}
        }
    }
}

/// Checks the root module's `backend` block without evaluating it: a backend type terrane
/// supports, its arguments, and references only to what exists before the state is opened.
pub fn check(module: &Module, diags: &mut Diags) {
    let Some(b) = &module.backend else {
        return;
    };
    if b.kind != "local" {
        diags.push(
            b.decl.file,
            Diagnostic::error(
                "Not supported yet",
                format!("The \"{}\" backend is not supported yet: terrane keeps state in its local SQLite store (.terrane/state.db). Remove the backend block, or use backend \"local\".", b.kind),
                b.decl.span,
            ),
        );
        return;
    }
    for item in &b.body.items {
        match item {
            BodyItem::Attribute(a) if !LOCAL_ARGUMENTS.contains(&a.name.name.as_str()) => {
                diags.push(
                    b.file,
                    Diagnostic::error(
                        "Unsupported argument",
                        format!("An argument named \"{}\" is not expected here.", a.name.name),
                        a.name.span,
                    ),
                );
            }
            BodyItem::Attribute(a) if a.name.name == "workspace_dir" => diags.push(
                b.file,
                Diagnostic {
                    severity: terrane_dsl::diagnostic::Severity::Warning,
                    ..Diagnostic::error(
                        "Argument not used",
                        "terrane keeps every workspace in the one state database that \"path\" names, so \"workspace_dir\" has no effect.",
                        a.name.span,
                    )
                },
            ),
            BodyItem::Attribute(_) => {}
            BodyItem::Block(blk) => diags.push(
                b.file,
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type \"{}\" are not expected here.", blk.ident.name),
                    blk.ident.span,
                ),
            ),
        }
    }
    let reached = reach(module, b);
    for (i, (file, expr)) in reached.exprs.iter().enumerate() {
        for t in references(expr) {
            if let Some(why) = refused(&t) {
                diags.push(
                    *file,
                    Diagnostic::error(
                        "Invalid reference in backend configuration",
                        format!("The backend configuration is evaluated before the state is opened, so it can use only input variables, locals computed from them, and path.module, path.root or path.cwd; {why}."),
                        t.span,
                    )
                    .with_label("not available before the state is opened"),
                );
                continue;
            }
            // Undeclared names inside locals are reported by the graph; the backend's own
            // arguments are not part of the graph.
            let own = i < b.body.attributes().count();
            let name = t.attr_names().next().unwrap_or_default();
            let missing = match t.root.as_str() {
                "var" => (!module.variables.contains_key(name)).then_some((
                    "Reference to undeclared input variable",
                    "An input variable",
                )),
                "local" => (!module.locals.contains_key(name))
                    .then_some(("Reference to undeclared local value", "A local value")),
                _ => None,
            };
            if let (true, Some((summary, kind))) = (own, missing) {
                diags.push(
                    *file,
                    Diagnostic::error(
                        summary,
                        format!("{kind} with the name \"{name}\" has not been declared."),
                        t.span,
                    ),
                );
            }
        }
    }
}

/// The root variables the backend block needs (directly or through locals).
pub fn needed_variables(module: &Module) -> BTreeSet<String> {
    match &module.backend {
        Some(b) => reach(module, b).variables,
        None => BTreeSet::new(),
    }
}

/// The state database for `config`, its backend block evaluated with `inputs` (the root
/// variables). Errors go to `diags`.
pub fn resolve(
    config: &Config,
    dir: &Path,
    inputs: &BTreeMap<String, InputValue>,
    diags: &mut Diags,
) -> Option<PathBuf> {
    let module = config.root();
    let Some(b) = &module.backend else {
        return Some(dir.join(terrane_state::sqlite::DEFAULT_PATH));
    };
    let reached = reach(module, b);
    let root = ModuleInstance::root();
    let mut values = Values::default();
    for name in &reached.variables {
        if let Some(v) = inputs.get(name) {
            values
                .variables
                .insert((root.clone(), name.clone()), v.value.clone());
        }
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| dir.to_path_buf());
    let run = RunInfo {
        root_dir: cwd.clone(),
        cwd,
        workspace: String::new(),
    };
    let repetition = Repetition::default();
    let site = Site {
        config,
        module,
        instance: &root,
        repetition: &repetition,
        self_value: None,
        run: &run,
    };
    let evaluator = Evaluator::new(None);
    let errors_before = diags.0.iter().filter(|d| d.is_error()).count();
    // The variables' validation rules hold before their values choose where the state lives
    // (a value they refuse never names a state file).
    for name in &reached.variables {
        let (Some(var), Some(given)) = (module.variables.get(name), inputs.get(name)) else {
            continue;
        };
        let mut eval_diags = Vec::new();
        let (_, failures) = crate::walk::nodes::check_conditions(
            &var.validations,
            |ex| {
                let (v, ds) = evaluator.eval(&ex.expr, &site, &values, &[]);
                let failed = ds.iter().any(Diagnostic::is_error);
                eval_diags.extend(ds.into_iter().map(|d| Diag::at(ex.file, d)));
                (!failed).then_some(v)
            },
            "Invalid value for variable",
            crate::inputs::place(var, given.range),
        );
        diags.0.extend(eval_diags);
        diags.0.extend(failures);
    }
    for name in &reached.locals {
        let Some(local) = module.locals.get(name) else {
            continue;
        };
        let (v, ds) = evaluator.eval(&local.value.expr, &site, &values, &[]);
        diags.extend_in(local.value.file, ds);
        values.locals.insert((root.clone(), name.clone()), v);
    }
    let mut path = None;
    for a in b.body.attributes() {
        let (v, ds) = evaluator.eval(&a.expr, &site, &values, &[]);
        diags.extend_in(b.file, ds);
        let (v, _) = v.unmark_deep();
        // Strings as Terraform takes them: numbers and bools convert.
        let v = terrane_dsl::value::convert(&v, &terrane_dsl::value::Type::String).unwrap_or(v);
        let bad = |detail: &str| {
            Diagnostic::error(
                "Invalid backend configuration",
                format!("The backend argument \"{}\" {detail}.", a.name.name),
                a.expr.span,
            )
        };
        if !v.is_known() {
            diags.push(b.file, bad("must be known before the state is opened"));
        } else if v.is_null() {
        } else if a.name.name == "path" {
            match v.as_str() {
                Some("") => diags.push(b.file, bad("must not be empty")),
                Some(p) => path = Some(p.to_string()),
                None => diags.push(b.file, bad("must be a string")),
            }
        }
    }
    if diags.0.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    Some(match path {
        Some(p) => terrane_state::sqlite::local_store_path(dir, &p),
        None => dir.join(terrane_state::sqlite::DEFAULT_PATH),
    })
}

/// The state database of the working directory `dir`, for commands that do not plan (output,
/// show, state, workspace, init, ...): only the root module is read, and only the variables the
/// backend block needs are gathered (environment, tfvars files, defaults, and `cli_vars`:
/// `init -var`, of which only the variables the backend needs count).
pub fn locate(dir: &Path, cli_vars: &[CliVar]) -> (Option<PathBuf>, Sources, Diags) {
    let mut sources = Sources::default();
    let mut diags = Diags::default();
    let module =
        crate::config::load::load_module(dir, ModulePath::root(), dir, &mut sources, &mut diags);
    if diags.has_errors() {
        return (None, sources, diags);
    }
    check(&module, &mut diags);
    if diags.has_errors() {
        return (None, sources, diags);
    }
    let needed = needed_variables(&module);
    let inputs = if needed.is_empty() {
        BTreeMap::new()
    } else {
        let subset = Module {
            variables: module
                .variables
                .iter()
                .filter(|(k, _)| needed.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ..Module::default()
        };
        let given: Vec<CliVar> = cli_vars
            .iter()
            .filter(|v| match v {
                CliVar::Var(text) => text
                    .split_once('=')
                    .is_some_and(|(name, _)| needed.contains(name.trim())),
                CliVar::File(_) => true,
            })
            .cloned()
            .collect();
        let mut vdiags = Diags::default();
        let inputs = collect(&subset, dir, &given, &mut sources, &mut vdiags);
        // Warnings about the other variables' values are the planning commands' business.
        diags
            .0
            .extend(vdiags.0.into_iter().filter(|d| d.is_error()));
        inputs
    };
    if diags.has_errors() {
        return (None, sources, diags);
    }
    let mut config = Config::default();
    config.modules.insert(ModulePath::root(), module);
    let path = resolve(&config, dir, &inputs, &mut diags);
    (path, sources, diags)
}
