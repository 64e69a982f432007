//! End-to-end tests of saved plans and `show` through the real binary: `plan -out`, `apply
//! FILE` (exact, no -var needed, refused when stale or when the configuration changed),
//! `show -json` / `-markdown` of a plan, `show -json` of the state, `plan -json` messages, and
//! `show -json` compared with real Terraform's for the same `terraform_data` configuration.

#[path = "support/work.rs"]
mod work;

use work::{text, Work};

use serde_json::Value as Json;

const CONFIG: &str = r#"
variable "v" {
  type = string
}

resource "terraform_data" "a" {
  input = var.v
}

output "o" {
  value = terraform_data.a.output
}
"#;

#[test]
fn saved_plan_applies_exactly_and_refuses_when_stale() {
    let w = Work::empty("show", "saved");
    w.write("main.tn", CONFIG);
    let plan = w.ok(&["plan", "-var=v=one", "-out=p.plan"]);
    assert!(plan.contains("Saved the plan to: p.plan"), "{plan}");
    assert!(plan.contains("terrane apply \"p.plan\""), "{plan}");
    // The file is private: it may hold sensitive values.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.path().join("p.plan"))
            .expect("plan file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let shown = w.ok(&["show", "p.plan"]);
    assert!(
        shown.contains("terraform_data.a will be created"),
        "{shown}"
    );
    // No -var: the values are in the file.
    let applied = w.ok(&["apply", "p.plan"]);
    assert!(
        applied.contains("Apply complete! Resources: 1 added"),
        "{applied}"
    );
    let out = w.ok(&["output", "-raw", "o"]);
    assert_eq!(out, "one");
    // Applying it again: the state moved on.
    let again = w.run(&["apply", "p.plan"]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("Saved plan is stale"),
        "{}",
        text(&again)
    );
    // A plan for a configuration changed since is refused.
    w.ok(&["plan", "-var=v=two", "-out=q.plan"]);
    w.write("main.tn", &format!("{CONFIG}\n# changed\n"));
    let changed = w.run(&["apply", "q.plan"]);
    assert!(!changed.status.success());
    assert!(
        text(&changed).contains("Saved plan does not match the configuration"),
        "{}",
        text(&changed)
    );
    // -var with a saved plan is refused.
    let with_var = w.run(&["apply", "-var=v=x", "q.plan"]);
    assert!(!with_var.status.success());
    // Not a plan file.
    w.write("junk.plan", "{}");
    let junk = w.run(&["show", "junk.plan"]);
    assert!(!junk.status.success());
    assert!(
        text(&junk).contains("not a terrane plan file"),
        "{}",
        text(&junk)
    );
}

/// A data source that counts its reads in `reads` (one line each) and returns the count.
const COUNTED_READS: &str = r#"
data "external" "n" {
  program = ["sh", "-c", "echo read >> reads; printf '{\"n\": \"%s\"}' $(wc -l < reads)"]
}

resource "terraform_data" "a" {
  input = data.external.n.result.n
}

output "n" {
  value = terraform_data.a.output
}
"#;

#[test]
fn apply_uses_the_data_sources_the_plan_read() {
    let w = Work::empty("show", "data-reads");
    w.write("main.tn", COUNTED_READS);
    let reads = || {
        std::fs::read_to_string(w.path().join("reads"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    // A saved plan carries what it read: applying it reads nothing again.
    w.ok(&["plan", "-out=p.plan"]);
    assert_eq!(reads(), 1);
    w.ok(&["apply", "p.plan"]);
    assert_eq!(
        reads(),
        1,
        "the apply of a saved plan read the data source again"
    );
    assert_eq!(w.ok(&["output", "-raw", "n"]), "1");
    // So does the plan an apply makes for itself (the new count changes the resource).
    w.ok(&["apply", "-auto-approve"]);
    assert_eq!(reads(), 2, "apply read the data source twice");
    assert_eq!(w.ok(&["output", "-raw", "n"]), "2");
}

#[test]
fn show_json_markdown_and_plan_json() {
    let w = Work::empty("show", "views");
    w.write("main.tn", CONFIG);
    w.ok(&["apply", "-auto-approve", "-var=v=one"]);
    let state: Json = serde_json::from_str(&w.ok(&["show", "-json"])).expect("state JSON");
    assert_eq!(state["format_version"], "1.0");
    let res = &state["values"]["root_module"]["resources"][0];
    assert_eq!(res["address"], "terraform_data.a");
    assert_eq!(res["values"]["input"], "one");
    assert_eq!(state["values"]["outputs"]["o"]["value"], "one");
    let human_state = w.ok(&["show"]);
    assert!(human_state.contains("# terraform_data.a:"), "{human_state}");

    w.ok(&["plan", "-var=v=two", "-out=p.plan"]);
    let doc: Json = serde_json::from_str(&w.ok(&["show", "-json", "p.plan"])).expect("plan JSON");
    assert_eq!(doc["format_version"], "1.2");
    assert_eq!(doc["variables"]["v"]["value"], "two");
    let rc = &doc["resource_changes"][0];
    assert_eq!(rc["change"]["actions"], serde_json::json!(["update"]));
    assert_eq!(rc["change"]["before"]["input"], "one");
    assert_eq!(rc["change"]["after"]["input"], "two");
    assert_eq!(rc["change"]["after_unknown"]["output"], true);
    assert_eq!(
        doc["prior_state"]["values"]["root_module"]["resources"][0]["values"]["input"],
        "one"
    );
    assert_eq!(
        doc["configuration"]["root_module"]["resources"][0]["expressions"]["input"]["references"],
        serde_json::json!(["var.v"])
    );

    let md = w.ok(&["show", "-markdown", "p.plan"]);
    assert!(
        md.starts_with("### terrane plan: 0 to add, 1 to change, 0 to destroy."),
        "{md}"
    );
    assert!(md.contains("```diff"), "{md}");
    let md2 = w.ok(&["plan", "-markdown", "-var=v=two"]);
    assert_eq!(md, md2);

    let stream = w.ok(&["plan", "-json", "-var=v=two"]);
    let messages: Vec<Json> = stream
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let types: Vec<&str> = messages.iter().filter_map(|m| m["type"].as_str()).collect();
    assert_eq!(
        types,
        ["version", "planned_change", "change_summary", "outputs"],
        "{stream}"
    );
    assert_eq!(messages[1]["change"]["action"], "update");
    assert_eq!(messages[2]["changes"]["change"], 1);
    let bad = w.ok_or_err(&["plan", "-json"]);
    assert!(
        bad.lines().any(|l| l.contains("\"type\":\"diagnostic\"")),
        "{bad}"
    );
}

impl Work {
    fn ok_or_err(&self, args: &[&str]) -> String {
        let o = self.run(args);
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

#[path = "show_terraform.rs"]
mod terraform;
