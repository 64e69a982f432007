//! End-to-end tests of the engine through the real binary: updates and replacements in plans,
//! orphaned instances destroyed, a failure in the middle of a graph, and plan exit codes.

#[path = "support/work.rs"]
mod work;

use std::process::Command;

use work::{text, Work};

const UPDATE: &str = r#"
variable "v" {
  default = "one"
}
variable "t" {
  default = "t1"
}
resource "terraform_data" "x" {
  input            = var.v
  triggers_replace = var.t
}
output "x" {
  value = terraform_data.x.output
}
"#;

#[test]
fn updates_and_replacements_are_planned_and_applied() {
    let w = Work::with_main("engine", "update", UPDATE);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["plan", "-detailed-exitcode", "-var", "v=two"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("terraform_data.x will be updated in-place"),
        "{t}"
    );
    assert!(
        t.contains("~ input") && t.contains("\"one\" -> \"two\""),
        "{t}"
    );
    assert!(
        t.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{t}"
    );
    let o = w.run(&["plan", "-var=t=t2"]);
    let t = text(&o);
    assert!(t.contains("terraform_data.x must be replaced"), "{t}");
    assert!(t.contains("# forces replacement"), "{t}");
    assert!(
        t.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{t}"
    );
    let o = w.run(&["apply", "-auto-approve", "-var=v=two", "-var=t=t2"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["output", "-raw", "x"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "two");
    let o = w.run(&["plan", "-detailed-exitcode", "-var=v=two", "-var=t=t2"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn fewer_instances_destroy_the_orphans() {
    let main = r#"
variable "n" {
  type    = number
  default = 3
}
resource "terraform_data" "r" {
  count = var.n
  input = count.index
}
output "n" {
  value = length(terraform_data.r)
}
"#;
    let w = Work::with_main("engine", "orphans", main);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["apply", "-auto-approve", "-var", "n=1"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("terraform_data.r[2] will be destroyed"), "{t}");
    assert!(t.contains("0 added, 0 changed, 2 destroyed"), "{t}");
    let o = w.run(&["output", "-json", "n"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "1");
}

#[test]
fn a_failure_keeps_independent_work_and_skips_dependents() {
    let main = r#"
resource "terraform_data" "a" {
  input = "a"
}
resource "local_file" "bad" {
  filename = "${path.module}/not-a-dir/inner.txt"
  content  = terraform_data.a.output
}
resource "terraform_data" "after_bad" {
  input = local_file.bad.id
}
resource "terraform_data" "independent" {
  input = "d"
}
"#;
    let w = Work::with_main("engine", "failure", main);
    // A regular file where the provider needs a directory: creating the file fails.
    std::fs::write(w.path().join("not-a-dir"), "x").expect("writing a file");
    let o = w.run(&["apply", "-auto-approve"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("local_file.bad"),
        "the error names the resource: {t}"
    );
    // What succeeded is in the state: the next plan creates only the failed part.
    let o = w.run(&["plan", "-detailed-exitcode"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("local_file.bad will be created"), "{t}");
    assert!(
        t.contains("terraform_data.after_bad will be created"),
        "{t}"
    );
    assert!(!t.contains("terraform_data.a will be created"), "{t}");
    assert!(
        !t.contains("terraform_data.independent will be created"),
        "{t}"
    );
}

#[test]
fn undeclared_references_are_reported_with_a_suggestion() {
    let main = r#"
variable "region" {
  default = "x"
}
output "o" {
  value = var.regoin
}
"#;
    let w = Work::with_main("engine", "undeclared", main);
    let o = w.run(&["plan"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("Reference to undeclared input variable"), "{t}");
    assert!(t.contains("main.tn:6"), "{t}");
    assert!(t.contains("did you mean var.region?"), "{t}");
}

#[test]
fn cycles_name_every_member() {
    let main = r#"
locals {
  a = local.b
  b = local.c
  c = local.a
}
"#;
    let w = Work::with_main("engine", "cycle", main);
    let o = w.run(&["validate"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    for m in ["local.a", "local.b", "local.c"] {
        assert!(t.contains(m), "{m} missing: {t}");
    }
}

#[test]
fn lifecycle_ignore_changes_prevent_destroy_and_triggers() {
    let v1 = r#"
variable "a" {
  default = "a1"
}
variable "b" {
  default = "b1"
}
resource "terraform_data" "a" {
  input = var.a
}
resource "terraform_data" "b" {
  input = var.b
  lifecycle {
    ignore_changes       = [input]
    replace_triggered_by = [terraform_data.a]
  }
}
resource "terraform_data" "kept" {
  input = "k"
  lifecycle {
    prevent_destroy = true
  }
}
"#;
    let w = Work::with_main("engine", "lifecycle", v1);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    // ignore_changes: a new value of b's input is not a change.
    let o = w.run(&["plan", "-detailed-exitcode", "-var", "b=b2"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // replace_triggered_by: a change of a replaces b.
    let o = w.run(&["plan", "-var", "a=a2"]);
    let t = text(&o);
    assert!(
        t.contains("terraform_data.a will be updated in-place"),
        "{t}"
    );
    assert!(t.contains("-/+ resource \"terraform_data\" \"b\""), "{t}");
    assert!(
        t.contains("replace_triggered_by"),
        "the reason is given: {t}"
    );
    // prevent_destroy: destroying is refused, and nothing is destroyed.
    let o = w.run(&["destroy", "-auto-approve"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("Instance cannot be destroyed"), "{t}");
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn create_before_destroy_replaces_without_a_gap() {
    let main = r#"
variable "t" {
  default = "1"
}
resource "terraform_data" "x" {
  input            = "v${var.t}"
  triggers_replace = var.t
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "user" {
  input = terraform_data.x.id
}
output "x" {
  value = terraform_data.x.output
}
"#;
    let w = Work::with_main("engine", "cbd", main);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["apply", "-auto-approve", "-var", "t=2"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("+/- resource \"terraform_data\" \"x\""), "{t}");
    assert!(t.contains("1 added, 1 changed, 1 destroyed"), "{t}");
    let o = w.run(&["output", "-raw", "x"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "v2");
    let o = w.run(&["plan", "-detailed-exitcode", "-var", "t=2"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn conditions_and_checks() {
    let main = r#"
variable "n" {
  type    = number
  default = 2
}
resource "terraform_data" "r" {
  input = var.n
  lifecycle {
    precondition {
      condition     = var.n < 10
      error_message = "n must stay below 10."
    }
    postcondition {
      condition     = self.output == var.n
      error_message = "output must echo input."
    }
  }
}
check "small" {
  assert {
    condition     = var.n < 3
    error_message = "n is getting large."
  }
}
"#;
    let w = Work::with_main("engine", "conditions", main);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["plan", "-var", "n=5"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "a failed check is a warning: {t}");
    assert!(
        t.contains("Check block assertion failed") && t.contains("n is getting large."),
        "{t}"
    );
    let o = w.run(&["plan", "-var", "n=50"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("Resource precondition failed") && t.contains("n must stay below 10."),
        "{t}"
    );
}

#[test]
fn moved_and_removed_blocks() {
    let v1 = r#"
resource "terraform_data" "old" {
  count = 2
  input = "x${count.index}"
}
resource "terraform_data" "gone" {
  input = "g"
}
"#;
    let w = Work::with_main("engine", "moved", v1);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let v2 = r#"
resource "terraform_data" "new" {
  count = 2
  input = "x${count.index}"
}
moved {
  from = terraform_data.old
  to   = terraform_data.new
}
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = false
  }
}
"#;
    std::fs::write(w.path().join("main.tn"), v2).expect("writing main.tn");
    let o = w.run(&["plan"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        !t.contains("will be created"),
        "a moved resource is not created again: {t}"
    );
    assert!(
        t.contains("terraform_data.gone will no longer be managed"),
        "{t}"
    );
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn local_exec_provisioners_run_stream_and_taint() {
    let main = r#"
resource "terraform_data" "x" {
  input = "hello"
  provisioner "local-exec" {
    command = "echo created ${self.output} > created.txt && echo $GREETING"
    environment = {
      GREETING = "streamed"
    }
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo bye > destroyed.txt"
  }
}
resource "terraform_data" "fails" {
  input = "f"
  provisioner "local-exec" {
    command = "exit 3"
  }
}
"#;
    let w = Work::with_main("engine", "provisioners", main);
    let o = w.run(&["apply", "-auto-approve"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("terraform_data.x (local-exec): streamed"),
        "output is streamed: {t}"
    );
    assert!(t.contains("exit status 3"), "{t}");
    let created = std::fs::read_to_string(w.path().join("created.txt")).unwrap_or_default();
    assert_eq!(created.trim(), "created hello");
    // The failed provisioner tainted its resource: the next plan replaces it, and only it.
    let o = w.run(&["plan"]);
    let t = text(&o);
    assert!(
        t.contains("-/+ resource \"terraform_data\" \"fails\""),
        "{t}"
    );
    assert!(t.contains("tainted"), "the reason is given: {t}");
    assert!(!t.contains("terraform_data.x "), "{t}");
    std::fs::write(w.path().join("main.tn"), main.replace("exit 3", "true"))
        .expect("writing main.tn");
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        w.path().join("destroyed.txt").exists(),
        "the destroy-time provisioner ran"
    );
}

#[test]
fn ctrl_c_finishes_calls_in_flight_records_them_and_stops() {
    let main = r#"
resource "terraform_data" "slow" {
  input = "s"
  provisioner "local-exec" {
    command = "sleep 2"
  }
}
resource "terraform_data" "after" {
  input = terraform_data.slow.id
}
"#;
    let w = Work::with_main("engine", "ctrlc", main);
    let child = Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(w.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starting terrane");
    std::thread::sleep(std::time::Duration::from_millis(800));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("running kill");
    assert!(status.success());
    let o = child.wait_with_output().expect("waiting for terrane");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("Operation interrupted"), "{t}");
    // The call in flight finished and was recorded; what depends on it was not started.
    let o = w.run(&["plan"]);
    let t = text(&o);
    assert!(t.contains("terraform_data.after will be created"), "{t}");
    assert!(!t.contains("terraform_data.slow will be created"), "{t}");
}

#[test]
fn target_limits_the_plan_to_a_resource_and_its_dependencies() {
    let main = r#"
resource "terraform_data" "base" {
  input = "b"
}
resource "terraform_data" "app" {
  input = terraform_data.base.output
}
resource "terraform_data" "other" {
  input = "o"
}
"#;
    let w = Work::with_main("engine", "target", main);
    let o = w.run(&["apply", "-auto-approve", "-target=terraform_data.app"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("2 added"), "{t}");
    let o = w.run(&["plan"]);
    let t = text(&o);
    assert!(t.contains("terraform_data.other will be created"), "{t}");
    assert!(!t.contains("terraform_data.app will be created"), "{t}");
}

#[test]
fn console_workspaces_graph_and_init() {
    let main = r#"
variable "n" {
  default = 2
}
resource "terraform_data" "a" {
  count = var.n
  input = "item-${count.index}"
}
"#;
    let w = Work::with_main("engine", "commands", main);
    let o = w.run(&["init"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let mut child = Command::new(env!("CARGO_BIN_EXE_terrane"))
        .arg("console")
        .current_dir(w.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("starting terrane console");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(
                b"terraform_data.a[1].output\nvar.n * 10\nlength(terraform_data.a)\ntype(var.n)\n",
            )
            .expect("writing to console");
    }
    let o = child.wait_with_output().expect("console");
    // `type` is a console function only (a module calling it gets "unknown function").
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "\"item-1\"\n20\n2\nnumber\n"
    );
    std::fs::write(
        w.path().join("type.tn"),
        "output \"t\" {\n  value = type(1)\n}\n",
    )
    .expect("writing type.tn");
    let o = w.run(&["validate"]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("Call to unknown function"), "{t}");
    assert!(t.contains("type.tn:2"), "{t}");
    std::fs::remove_file(w.path().join("type.tn")).expect("removing type.tn");
    let o = w.run(&["graph"]);
    let t = text(&o);
    assert!(t.contains("\"terraform_data.a\" -> \"var.n\""), "{t}");
    // A new workspace has its own, empty state.
    let o = w.run(&["workspace", "new", "staging"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = w.run(&["workspace", "select", "default"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = w.run(&["workspace", "list"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "* default\n  staging\n\n"
    );
}

#[test]
fn import_blocks_bring_objects_under_management() {
    let main = r#"
locals {
  ids = { one = "id-1", two = "id-2" }
}
import {
  for_each = local.ids
  to       = terraform_data.x[each.key]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = local.ids
}
output "ids" {
  value = { for k, v in terraform_data.x : k => v.id }
}
"#;
    let w = Work::with_main("engine", "import", main);
    let o = w.run(&["plan"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(!t.contains("will be created"), "imported, not created: {t}");
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = w.run(&["output", "-json", "ids"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v, serde_json::json!({"one": "id-1", "two": "id-2"}));
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn remote_state_reads_another_stacks_outputs() {
    let net = Work::with_main(
        "engine",
        "remote-net",
        "output \"vpc\" {\n  value = \"vpc-123\"\n}\n",
    );
    let o = net.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let app_main = format!(
        "data \"terraform_remote_state\" \"net\" {{\n  backend = \"local\"\n  config = {{\n    path = {:?}\n  }}\n}}\noutput \"vpc\" {{\n  value = data.terraform_remote_state.net.outputs.vpc\n}}\n",
        net.path().to_string_lossy()
    );
    let app = Work::with_main("engine", "remote-app", &app_main);
    let o = app.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = app.run(&["output", "-raw", "vpc"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "vpc-123");
}
