//! End-to-end: the `backend "local"` block through the real binary. Its `path` may use input
//! variables (from -var, -var-file, tfvars files, TF_VAR_ and defaults) and locals built from
//! them, evaluated before the state is opened by every command that opens it; a literal path
//! works as in Terraform; references to anything else are diagnostics at their span.

#[path = "support/work.rs"]
mod work;

use work::{text, Work};

const BY_ENV: &str = r#"
variable "env" {
  type    = string
  default = "dev"
}

locals {
  dir = "stacks/${var.env}"
}

terraform {
  backend "local" {
    path = "${local.dir}/state.db"
  }
}

resource "terraform_data" "x" {
  input = var.env
}

output "env" {
  value = terraform_data.x.output
}
"#;

#[test]
fn variables_and_locals_choose_the_state_database() {
    let w = Work::with_main("backend", "by-env", BY_ENV);
    let dev = w.path().join("stacks/dev/state.db");
    let prod = w.path().join("stacks/prod/state.db");
    w.ok(&["init"]);
    w.ok(&["apply", "-auto-approve"]);
    assert!(dev.is_file(), "the default's database");
    assert!(!w.path().join(".terrane/state.db").exists());
    // -var, -var-file and a saved plan.
    std::fs::write(w.path().join("prod.tfvars"), "env = \"prod\"\n").expect("write");
    w.ok(&["plan", "-var-file", "prod.tfvars", "-out", "prod.plan"]);
    w.ok(&["apply", "prod.plan"]);
    assert!(prod.is_file(), "the saved plan's database");
    let t = w.ok(&["plan", "-var", "env=prod", "-detailed-exitcode"]);
    assert!(t.contains("No changes"), "{t}");
    // Commands that do not plan: defaults, TF_VAR_, terraform.tfvars.
    assert!(w.ok(&["output", "-raw", "env"]).starts_with("dev"));
    let o = w.run_env(&["output", "-raw", "env"], &[("TF_VAR_env", "prod")]);
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("prod"),
        "{}",
        text(&o)
    );
    std::fs::write(w.path().join("terraform.tfvars"), "env = \"prod\"\n").expect("write");
    assert!(w.ok(&["output", "-raw", "env"]).starts_with("prod"));
    assert!(w.ok(&["state", "list"]).contains("terraform_data.x"));
    assert!(w.ok(&["show", "-json"]).contains("\"prod\""));
    w.ok(&["workspace", "new", "staging"]);
    w.ok(&["workspace", "select", "default"]);
    let t = w.ok(&["workspace", "list"]);
    assert!(t.contains("staging"), "{t}");
    // The workspace lives in prod's database, not in dev's.
    std::fs::remove_file(w.path().join("terraform.tfvars")).expect("remove");
    let t = w.ok(&["workspace", "list"]);
    assert!(!t.contains("staging"), "{t}");
    // Destroying prod leaves dev alone.
    w.ok(&["destroy", "-auto-approve", "-var", "env=prod"]);
    let o = w.run_env(&["state", "list"], &[("TF_VAR_env", "prod")]);
    assert!(o.status.success() && o.stdout.is_empty(), "{}", text(&o));
    assert!(w.ok(&["state", "list"]).contains("terraform_data.x"));
}

const VALIDATED: &str = r#"
variable "env" {
  type = string
  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "env must be dev or prod."
  }
}

variable "unrelated" {
  type    = string
  default = "x"
}

terraform {
  backend "local" {
    path = "state-${var.env}.db"
  }
}

resource "terraform_data" "x" {}
"#;

#[test]
fn validation_rules_hold_before_a_variable_names_the_state() {
    let w = Work::with_main("backend", "validated", VALIDATED);
    // A value the rule refuses never names a database.
    for args in [
        &["plan", "-var", "env=bogus"][..],
        &["init", "-var", "env=bogus"][..],
    ] {
        let o = w.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains("Invalid value for variable"), "{t}");
        assert!(t.contains("env must be dev or prod."), "{t}");
        assert_eq!(t.matches("env must be dev or prod.").count(), 1, "{t}");
        // The rule is named with its place, as Terraform names it.
        assert!(
            t.contains("This was checked by the validation rule at main.tn:4,3-13."),
            "{t}"
        );
        assert!(
            !w.path().join("state-bogus.db").exists(),
            "{args:?} made a state"
        );
    }
    // init takes -var (and -var-file) for the backend's variables, and no others matter.
    let t = w.ok(&["init", "-var", "env=prod", "-var", "unrelated=y"]);
    assert!(t.contains("Initializing the backend"), "{t}");
    w.ok(&["apply", "-auto-approve", "-var", "env=prod"]);
    assert!(w.path().join("state-prod.db").is_file());
}

#[test]
fn a_literal_path_is_used_as_terraform_uses_it() {
    let main = "terraform {\n  backend \"local\" {\n    path = \"state/terraform.tfstate\"\n  }\n}\nresource \"terraform_data\" \"x\" {\n  input = \"v\"\n}\noutput \"x\" {\n  value = terraform_data.x.output\n}\n";
    let net = Work::with_main("backend", "literal", main);
    net.ok(&["apply", "-auto-approve"]);
    // Terraform's default state file name maps to terrane's store beside it.
    assert!(net.path().join("state/.terrane/state.db").is_file());
    assert!(!net.path().join(".terrane/state.db").exists());
    // Another stack reads it with the same path.
    let reader = format!(
        "data \"terraform_remote_state\" \"net\" {{\n  backend = \"local\"\n  config = {{\n    path = {:?}\n  }}\n}}\noutput \"x\" {{\n  value = data.terraform_remote_state.net.outputs.x\n}}\n",
        net.path().join("state/terraform.tfstate").to_string_lossy()
    );
    let app = Work::with_main("backend", "literal-reader", &reader);
    app.ok(&["apply", "-auto-approve"]);
    assert_eq!(app.ok(&["output", "-raw", "x"]), "v");
    // Any other file name is the database itself.
    std::fs::write(
        net.path().join("main.tn"),
        main.replace("state/terraform.tfstate", "other.db"),
    )
    .expect("write");
    net.ok(&["apply", "-auto-approve"]);
    assert!(net.path().join("other.db").is_file());
}

const BAD: &str = r#"
variable "env" {
  default = "dev"
}

locals {
  id = terraform_data.x.id
}

terraform {
  backend "local" {
    path          = "${local.id}/${terraform.workspace}.db"
    workspace_dir = data.http.x.response_body
    bucket        = var.bucket
  }
}

resource "terraform_data" "x" {
  input = var.env
}
"#;

#[test]
fn references_the_backend_cannot_see_are_diagnostics() {
    let w = Work::with_main("backend", "bad", BAD);
    let o = w.run(&["validate"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    insta::assert_snapshot!(stderr);
    // Every command that opens the state says the same, and opens nothing.
    for args in [
        &["plan"][..],
        &["output"],
        &["state", "list"],
        &["workspace", "list"],
        &["init"],
    ] {
        let o = w.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("Invalid reference in backend configuration"),
            "{args:?}: {}",
            text(&o)
        );
    }
    assert!(!w.path().join(".terrane/state.db").exists());
}

#[test]
fn values_the_backend_cannot_use_are_diagnostics() {
    let w = Work::with_main("backend", 
        "values",
        "variable \"p\" {\n  type    = list(string)\n  default = []\n}\nterraform {\n  backend \"local\" {\n    path = var.p\n  }\n}\n",
    );
    let o = w.run(&["plan"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("The backend argument \"path\" must be a string"),
        "{t}"
    );
    assert!(t.contains("main.tn:7:12"), "{t}");
    // A required variable without a value: the usual error, from any command.
    std::fs::write(
        w.path().join("main.tn"),
        "variable \"p\" {\n  type = string\n}\nterraform {\n  backend \"local\" {\n    path = var.p\n  }\n}\n",
    )
    .expect("write");
    let o = w.run(&["state", "list"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("No value for required variable"),
        "{}",
        text(&o)
    );
}

#[test]
fn remote_backends_are_not_supported_yet_at_their_span() {
    let w = Work::with_main(
        "backend",
        "s3",
        "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n  }\n}\n",
    );
    for args in [&["validate"][..], &["plan"], &["output"]] {
        let o = w.run(args);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let t = text(&o);
        assert!(t.contains("Not supported yet"), "{t}");
        assert!(t.contains("The \"s3\" backend is not supported yet"), "{t}");
        assert!(t.contains("main.tn:2:3"), "{t}");
    }
}
