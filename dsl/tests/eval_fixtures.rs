//! Evaluator fixtures: each `fixtures/eval/<case>/input.tn` defines locals and outputs;
//! `expected.json` is what real Terraform printed for `terraform output -json` on the same
//! file. Locals are evaluated in dependency order, then every output is compared by value
//! (integers exactly, other numbers as doubles, object keys unordered).
//!
//! Outputs that call a built-in function the function table does not provide yet are skipped
//! (the built-ins are written separately); every other output must match.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;
use terrane_dsl::eval::{references, EvalContext, Scope};
use terrane_dsl::functions::FunctionTable;
use terrane_dsl::syntax::{self, ast};
use terrane_dsl::value::{to_json, Value};

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    let (sa, sb) = (a.to_string(), b.to_string());
    if sa == sb {
        return true;
    }
    match (sa.parse::<i128>(), sb.parse::<i128>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => match (sa.parse::<f64>(), sb.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
    }
}

fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => numbers_equal(x, y),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

struct Outcome {
    checked: usize,
    skipped: Vec<String>,
    failures: Vec<String>,
}

fn run_case(dir: &Path, table: &FunctionTable) -> Outcome {
    let name = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let src = std::fs::read_to_string(dir.join("input.tn")).unwrap_or_default();
    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default(),
    )
    .unwrap_or(Json::Null);
    let parsed = syntax::parse(&src);
    assert!(
        !parsed.has_errors(),
        "{name}: parse errors {:?}",
        parsed.diagnostics
    );
    let mut out = Outcome {
        checked: 0,
        skipped: Vec::new(),
        failures: Vec::new(),
    };
    let mut pending: Vec<&ast::Attribute> = parsed
        .body
        .blocks()
        .filter(|b| b.ident.name == "locals")
        .flat_map(|b| b.body.attributes())
        .collect();
    let mut locals: BTreeMap<String, Value> = BTreeMap::new();
    // Evaluate locals whose references to other locals are all available, until none is left.
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for attr in pending {
            let ready = references(&attr.expr).iter().all(|t| {
                t.root != "local" || t.attr_names().next().is_none_or(|n| locals.contains_key(n))
            });
            if !ready {
                rest.push(attr);
                continue;
            }
            let scope = Scope::new().with("local", Value::object(locals.clone()));
            let ctx = EvalContext::new(scope, table);
            match ctx.eval(&attr.expr) {
                Ok(v) => {
                    locals.insert(attr.name.name.clone(), v);
                }
                Err(diags) => {
                    if diags
                        .iter()
                        .any(|d| d.summary == "Call to unknown function")
                    {
                        out.skipped
                            .push(format!("{name}: local.{}", attr.name.name));
                    } else {
                        out.failures
                            .push(format!("{name}: local.{}: {diags:?}", attr.name.name));
                    }
                    // Stands in for the value so that dependants are still tried.
                    locals.insert(attr.name.name.clone(), Value::dynamic());
                }
            }
        }
        pending = rest;
        if pending.len() == before {
            out.failures.push(format!("{name}: locals form a cycle"));
            break;
        }
    }
    let scope = Scope::new().with("local", Value::object(locals.clone()));
    let ctx = EvalContext::new(scope, table);
    for block in parsed.body.blocks().filter(|b| b.ident.name == "output") {
        let Some(label) = block.labels.first() else {
            continue;
        };
        let Some(attr) = block.body.attributes().find(|a| a.name.name == "value") else {
            continue;
        };
        let want = &expected[&label.value]["value"];
        match ctx.eval(&attr.expr) {
            Ok(v) if !v.is_wholly_known() && !out.skipped.is_empty() => {
                out.skipped.push(format!(
                    "{name}: {} (depends on a skipped value)",
                    label.value
                ));
            }
            Ok(v) => {
                let got: Json = to_json(&v)
                    .ok()
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or(Json::Null);
                if json_equal(&got, want) {
                    out.checked += 1;
                } else {
                    out.failures.push(format!(
                        "{name}: output {}: got {got}, want {want}",
                        label.value
                    ));
                }
            }
            Err(diags) => {
                if diags
                    .iter()
                    .any(|d| d.summary == "Call to unknown function")
                {
                    out.skipped.push(format!("{name}: {}", label.value));
                } else {
                    out.failures
                        .push(format!("{name}: output {}: errors {diags:?}", label.value));
                }
            }
        }
    }
    out
}

/// Runs the cases under `EVAL_FIXTURES_DIR` (for example a copy of the shared conformance
/// cases that use only locals) when it is set.
#[test]
fn eval_fixtures_from_environment() {
    let Ok(dir) = std::env::var("EVAL_FIXTURES_DIR") else {
        return;
    };
    let mut dirs: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    let table = FunctionTable::builtin();
    let mut report = Vec::new();
    for d in &dirs {
        let o = run_case(d, &table);
        report.extend(o.failures);
        report.extend(o.skipped.into_iter().map(|s| format!("skipped {s}")));
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn eval_fixtures_match_terraform() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    assert!(
        dirs.len() >= 30,
        "expected at least 30 fixture cases, found {}",
        dirs.len()
    );
    let table = FunctionTable::builtin();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut skipped = Vec::new();
    for d in &dirs {
        let o = run_case(d, &table);
        checked += o.checked;
        failures.extend(o.failures);
        skipped.extend(o.skipped);
    }
    // Outputs that need a built-in not written yet are skipped; never more than a few.
    assert!(
        skipped.len() <= 10,
        "outputs skipped for missing functions: {skipped:?}"
    );
    assert!(
        failures.is_empty(),
        "{} fixture outputs differ from Terraform:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 180, "only {checked} outputs were checked");
}
