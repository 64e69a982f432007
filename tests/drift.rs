//! End-to-end tests of drift through the real binary, with the builtin `local_file` (which
//! drifts when its file changes or vanishes): the "changed outside terrane" section and the
//! reason on the action it causes, `resource_drift`/`relevant_attributes` in `show -json`, an
//! apply that undoes the drift, `-refresh-only` plans and applies (fresh and saved: a new state
//! serial, no object touched), and `-compact-warnings`.

#[path = "support/work.rs"]
mod support;

use serde_json::Value as Json;
use support::{text, Work};

/// The state's serial (from `state pull`).
fn serial(w: &Work) -> u64 {
    let state: Json = serde_json::from_str(&w.ok(&["state", "pull"])).expect("state pull is JSON");
    state["serial"].as_u64().expect("a serial")
}

const CONFIG: &str = r#"
resource "local_file" "conf" {
  filename = "${path.module}/conf.txt"
  content  = "a=1"
}

resource "local_file" "quiet" {
  filename = "${path.module}/quiet.txt"
  content  = "q"
}

resource "terraform_data" "app" {
  input = local_file.conf.id
}

output "conf" {
  value = local_file.conf.content
}
"#;

#[test]
fn drift_is_shown_explained_and_undone() {
    let w = Work::empty("drift", "undo");
    w.write("main.tf", CONFIG);
    w.ok(&["apply", "-auto-approve"]);
    // Nothing drifted: no section.
    let plan = w.ok(&["plan"]);
    assert!(plan.contains("No changes."), "{plan}");
    // The file changes outside terrane: local_file reads it as gone.
    w.write("conf.txt", "edited by hand");
    std::fs::remove_file(w.path().join("quiet.txt")).expect("removing a file");
    let plan = w.ok(&["plan", "-out=p.plan"]);
    assert!(
        plan.contains("Note: Objects have changed outside of terrane"),
        "{plan}"
    );
    assert!(
        plan.contains("  # local_file.conf has been deleted"),
        "{plan}"
    );
    // quiet.txt vanished too, but nothing that changes refers to it: not in the section.
    assert!(
        !plan.contains("local_file.quiet has been deleted"),
        "{plan}"
    );
    assert!(
        plan.contains("  # local_file.conf will be created\n  # (drift found by refresh: the object was deleted outside terrane)"),
        "{plan}"
    );
    assert!(
        plan.contains("Plan: 2 to add, 1 to change, 0 to destroy."),
        "{plan}"
    );
    let doc: Json = serde_json::from_str(&w.ok(&["show", "-json", "p.plan"])).expect("JSON");
    let drift: Vec<&str> = doc["resource_drift"]
        .as_array()
        .expect("resource_drift")
        .iter()
        .map(|d| d["address"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(drift, ["local_file.conf", "local_file.quiet"]);
    assert_eq!(doc["resource_drift"][0]["change"]["actions"][0], "delete");
    assert_eq!(
        doc["relevant_attributes"],
        serde_json::json!([{"resource": "local_file.conf", "attribute": ["id"]}])
    );
    // The prior state is the refreshed one: the vanished objects are not in it.
    let prior = doc["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .expect("prior resources");
    assert_eq!(prior.len(), 1, "{prior:?}");
    // The -json stream reports drift first, as Terraform's does.
    let events = w.ok(&["plan", "-json"]);
    let drift_event = events.lines().position(|l| {
        l.contains("\"type\":\"resource_drift\"")
            && l.contains("local_file.conf: Drift detected (delete)")
    });
    let planned = events
        .lines()
        .position(|l| l.contains("\"type\":\"planned_change\""));
    assert!(drift_event.is_some() && drift_event < planned, "{events}");
    let md = w.ok(&["show", "-markdown", "p.plan"]);
    assert!(md.contains("changed outside terrane"), "{md}");
    // Applying puts the files back.
    let out = w.ok(&["apply", "p.plan"]);
    assert!(out.contains("Resources: 2 added"), "{out}");
    assert_eq!(w.read("conf.txt").as_deref(), Some("a=1"));
    assert_eq!(w.read("quiet.txt").as_deref(), Some("q"));
    let o = w.run_stdin(&["plan", "-detailed-exitcode"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn refresh_only_plans_and_applies() {
    let w = Work::empty("drift", "refresh-only");
    w.write("main.tf", CONFIG);
    w.ok(&["apply", "-auto-approve"]);
    let plan = w.ok(&["plan", "-refresh-only"]);
    assert!(
        plan.contains("No changes. Your infrastructure still matches the configuration."),
        "{plan}"
    );
    std::fs::remove_file(w.path().join("quiet.txt")).expect("removing a file");
    let o = w.run_stdin(&["plan", "-refresh-only", "-detailed-exitcode"], "");
    let plan = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        plan.contains("  # local_file.quiet has been deleted"),
        "{plan}"
    );
    assert!(plan.contains("This is a refresh-only plan"), "{plan}");
    assert!(!plan.contains("will be created"), "{plan}");
    assert!(!plan.contains("Plan:"), "{plan}");
    // Declined: nothing written.
    let before = serial(&w);
    let o = w.run_stdin(&["apply", "-refresh-only"], "no\n");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "Would you like to update the terrane state to reflect these detected changes?"
        ),
        "{}",
        text(&o)
    );
    assert_eq!(serial(&w), before);
    // A saved refresh-only plan: the JSON has the drift and no resource changes.
    w.ok(&["plan", "-refresh-only", "-out=r.plan"]);
    let doc: Json = serde_json::from_str(&w.ok(&["show", "-json", "r.plan"])).expect("JSON");
    assert!(doc.get("resource_changes").is_none(), "{doc}");
    assert_eq!(doc["resource_drift"][0]["address"], "local_file.quiet");
    assert_eq!(doc["applyable"], true);
    let out = w.ok(&["apply", "r.plan"]);
    assert!(out.contains("0 added, 0 changed, 0 destroyed"), "{out}");
    assert_eq!(serial(&w), before + 1);
    let list = w.ok(&["state", "list"]);
    assert!(!list.contains("local_file.quiet"), "{list}");
    // No object was touched: the file is still gone, and a normal plan creates it again.
    assert!(w.read("quiet.txt").is_none());
    let plan = w.ok(&["plan"]);
    assert!(plan.contains("local_file.quiet will be created"), "{plan}");
    // The refresh-only mode excludes -destroy and -refresh=false.
    let o = w.run_stdin(&["plan", "-refresh-only", "-destroy"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Incompatible plan mode options"));
    let o = w.run_stdin(&["plan", "-refresh-only", "-refresh=false"], "");
    assert_eq!(o.status.code(), Some(1));
    let o = w.run_stdin(&["plan", "-refresh-only", "-replace=local_file.conf"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Unsupported plan mode"));
}

/// A refresh-only plan neither adopts nor forgets what an interrupted create may have made (it
/// adds no object to the state, as Terraform's adds none), and says so; the intent is still
/// there for the next normal plan, which settles it.
#[test]
fn refresh_only_leaves_interrupted_creates_and_says_so() {
    use terrane_state::{Backend, SqliteBackend};
    let w = Work::empty("drift", "refresh-only-intents");
    w.write("main.tf", CONFIG);
    w.ok(&["apply", "-auto-approve"]);
    let intents = || {
        SqliteBackend::open(w.path())
            .expect("state")
            .read("default")
            .expect("read")
            .intents
    };
    {
        let b = SqliteBackend::open(w.path()).expect("state");
        let mut cs = b.begin("default", "apply").expect("change set");
        cs.record_intent(&terrane_state::NewIntent {
            address: "terraform_data.gone",
            token: "tok-gone",
            provider: "provider[\"terraform.io/builtin/terraform\"]",
            config: None,
        })
        .expect("intent");
        // The run dies here.
    }
    let o = w.run_stdin(&["apply", "-refresh-only", "-auto-approve"], "");
    assert!(o.status.success(), "{}", text(&o));
    let all = text(&o);
    assert!(
        all.contains("Interrupted creates left as they are")
            && all.contains("records 1 create that a crash or a timeout interrupted")
            && all.contains("terraform_data.gone"),
        "{all}"
    );
    assert_eq!(intents().len(), 1);
    // The normal plan looks for the object (a builtin one never carries the token) and the
    // apply clears the intent.
    w.ok(&["apply", "-auto-approve"]);
    assert!(intents().is_empty());
}

#[test]
fn compact_warnings_summarize() {
    let w = Work::empty("drift", "compact");
    w.write(
        "main.tf",
        r#"
resource "terraform_data" "a" {
  input = "x"
}

check "first" {
  assert {
    condition     = terraform_data.a.input == "y"
    error_message = "not y"
  }
}
"#,
    );
    let out = w.ok(&["plan", "-compact-warnings"]);
    assert!(
        out.contains("\nWarnings:\n\n- Check block assertion failed\n  on main.tf line 8\n\nTo see the full warning notes, run terrane without -compact-warnings.\n"),
        "{out}"
    );
    let o = w.run_stdin(&["plan"], "");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not y"),
        "{}",
        text(&o)
    );
}

#[test]
fn refresh_only_records_moves() {
    let w = Work::empty("drift", "moves");
    w.write(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  input = \"one\"\n}\n",
    );
    w.ok(&["apply", "-auto-approve"]);
    w.write(
        "main.tf",
        "resource \"terraform_data\" \"b\" {\n  input = \"one\"\n}\n\nmoved {\n  from = terraform_data.a\n  to   = terraform_data.b\n}\n",
    );
    let plan = w.ok(&["plan", "-refresh-only"]);
    assert!(
        plan.contains("  # terraform_data.a has moved to terraform_data.b\n    resource \"terraform_data\" \"b\" {"),
        "{plan}"
    );
    let o = w.run_stdin(&["apply", "-refresh-only"], "yes\n");
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(w.ok(&["state", "list"]).trim(), "terraform_data.b");
    let o = w.run_stdin(&["plan", "-detailed-exitcode"], "");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// `relevant_attributes` follow locals, module variables and module outputs back to resource
/// attributes, and stop at resources (as Terraform's).
#[test]
fn relevant_attributes_follow_named_values() {
    let w = Work::empty("drift", "relevant");
    std::fs::create_dir_all(w.path().join("child")).expect("a module directory");
    w.write(
        "child/main.tf",
        r#"
variable "text" {}

resource "terraform_data" "inner" {
  input = var.text
}

output "echo" {
  value = terraform_data.inner.output
}
"#,
    );
    w.write(
        "main.tf",
        r#"
resource "terraform_data" "src" {
  input = "a"
}

resource "terraform_data" "other" {
  input = terraform_data.src.id
}

locals {
  via_local = terraform_data.src.output
}

module "child" {
  source = "./child"
  text   = local.via_local
}

output "from_child" {
  value = module.child.echo
}

output "changing" {
  value = terraform_data.other.output
}
"#,
    );
    w.ok(&["plan", "-out=p.plan"]);
    let doc: Json = serde_json::from_str(&w.ok(&["show", "-json", "p.plan"])).expect("JSON");
    assert_eq!(
        doc["relevant_attributes"],
        serde_json::json!([
            {"resource": "module.child.terraform_data.inner", "attribute": ["output"]},
            {"resource": "terraform_data.other", "attribute": ["output"]},
            {"resource": "terraform_data.src", "attribute": ["id"]},
            {"resource": "terraform_data.src", "attribute": ["output"]},
        ])
    );
}

/// A destroy refreshes first, as Terraform's: what is already gone is not destroyed again and
/// leaves the state.
#[test]
fn destroy_skips_what_is_already_gone() {
    let w = Work::empty("drift", "destroy");
    w.write("main.tf", CONFIG);
    w.ok(&["apply", "-auto-approve"]);
    std::fs::remove_file(w.path().join("quiet.txt")).expect("removing a file");
    let plan = w.ok(&["plan", "-destroy"]);
    assert!(
        plan.contains("Plan: 0 to add, 0 to change, 2 to destroy."),
        "{plan}"
    );
    assert!(
        !plan.contains("local_file.quiet will be destroyed"),
        "{plan}"
    );
    let out = w.ok(&["destroy", "-auto-approve"]);
    assert!(
        out.contains("Destroy complete! Resources: 2 destroyed."),
        "{out}"
    );
    assert_eq!(w.ok(&["state", "list"]).trim(), "");
    let out = w.ok(&["destroy", "-auto-approve"]);
    assert!(
        out.contains("No changes. No objects need to be destroyed.\n\nEither you have not created any objects yet or the existing objects were\nalready deleted outside of terrane.\n"),
        "{out}"
    );
}

/// `destroy -target=ADDR` destroys the target and what depends on it, nothing else, and keeps
/// the outputs (as Terraform).
#[test]
fn targeted_destroy_takes_dependents_only() {
    let w = Work::empty("drift", "target");
    w.write("main.tf", CONFIG);
    w.ok(&["apply", "-auto-approve"]);
    let out = w.ok(&["destroy", "-target=local_file.conf", "-auto-approve"]);
    assert!(
        out.contains("Destroy complete! Resources: 2 destroyed."),
        "{out}"
    );
    assert_eq!(w.ok(&["state", "list"]).trim(), "local_file.quiet");
    assert_eq!(w.read("quiet.txt").as_deref(), Some("q"));
    assert!(w.ok(&["output"]).contains("conf = \"a=1\""));
}
