//! End-to-end: every AWS example (`examples/docker-swarm`, `examples/web-asg-rds`,
//! `examples/ha-three-layer`) run by the real `terrane` binary against moto, pointed there
//! through the environment only. Each stack, in alphabetical order: a saved plan that checkov
//! reads (`show -json`, `--framework terraform_plan`), apply of that plan, a second plan with no
//! changes (`-detailed-exitcode` gives 0); then destroy in reverse order leaves nothing in moto.

#[path = "support/examples.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{repo, stacks, text, Sandbox};
use terrane_provider_aws::testing::Moto;
use terrane_provider_aws::testing_inventory::inventory_blocking;

fn checkov() -> PathBuf {
    if let Ok(p) = std::env::var("CHECKOV") {
        return PathBuf::from(p);
    }
    let venv = repo().join(".venv-checkov/bin/checkov");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("checkov")
}

/// checkov reads the JSON of a saved plan: no parsing error, as many resources as the plan
/// has, and its AWS checks evaluated on them.
fn check_with_checkov(plan_json: &Path, stack: &Path) {
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(plan_json).expect("reading the plan's JSON"))
            .expect("show -json gives JSON");
    let managed = plan["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .filter(|r| r["mode"] == "managed")
        .count();
    let o = Command::new(checkov())
        .args([
            "--skip-download",
            "--framework",
            "terraform_plan",
            "-o",
            "json",
            "-f",
        ])
        .arg(plan_json)
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("HOME", stack)
        .output()
        .unwrap_or_else(|e| panic!("running checkov ({}): {e}", checkov().display()));
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov's output is not JSON ({e}) for {}:\n{}",
            stack.display(),
            text(&o)
        )
    });
    let report = match &out {
        serde_json::Value::Array(reports) => reports
            .iter()
            .find(|r| r["check_type"] == "terraform_plan")
            .cloned()
            .expect("a terraform_plan report"),
        r => r.clone(),
    };
    let summary = &report["summary"];
    assert_eq!(
        summary["parsing_errors"],
        0,
        "checkov could not parse the plan of {}: {summary}",
        stack.display()
    );
    assert_eq!(
        summary["resource_count"].as_u64(),
        Some(managed as u64),
        "checkov counts other resources than the plan of {}: {summary}",
        stack.display()
    );
    let evaluated =
        summary["passed"].as_u64().unwrap_or(0) + summary["failed"].as_u64().unwrap_or(0);
    assert!(
        evaluated > 0,
        "checkov evaluated no check on {}: {summary}",
        stack.display()
    );
}

/// Plan (saved, read by checkov), apply that plan, plan again with no changes, for each stack
/// in order; then destroy in reverse order; moto holds nothing afterwards.
fn run_example(name: &str, extra: &[(&str, &str)]) -> Sandbox {
    let moto = Moto::start_blocking();
    let client = moto.client();
    let before = inventory_blocking(&client);
    let sb = Sandbox::new(&moto, &moto.endpoint, name);
    let stacks = stacks(&sb.example(name));
    assert!(!stacks.is_empty(), "no stack in examples/{name}");
    for s in &stacks {
        let o = sb.run(s, &["plan", "-out=plan.bin"], extra);
        assert!(
            o.status.success(),
            "plan of {} failed:\n{}",
            s.display(),
            text(&o)
        );
        assert!(
            text(&o).contains(" to add, 0 to change, 0 to destroy."),
            "{}",
            text(&o)
        );
        let o = sb.run(s, &["show", "-json", "plan.bin"], extra);
        assert!(o.status.success(), "show -json failed:\n{}", text(&o));
        let plan_json = s.join("plan.json");
        std::fs::write(&plan_json, &o.stdout).expect("writing plan.json");
        check_with_checkov(&plan_json, s);

        let o = sb.run(s, &["apply", "plan.bin"], extra);
        assert!(
            o.status.success(),
            "apply of {} failed:\n{}",
            s.display(),
            text(&o)
        );
        assert!(text(&o).contains("Apply complete!"), "{}", text(&o));
        let o = sb.run(s, &["plan", "-detailed-exitcode"], extra);
        assert_eq!(
            o.status.code(),
            Some(0),
            "the second plan of {} shows changes:\n{}",
            s.display(),
            text(&o)
        );
    }
    assert_ne!(
        inventory_blocking(&client),
        before,
        "the apply made nothing in moto"
    );
    for s in stacks.iter().rev() {
        let o = sb.run(s, &["destroy", "-auto-approve"], extra);
        assert!(
            o.status.success(),
            "destroy of {} failed:\n{}",
            s.display(),
            text(&o)
        );
        assert!(text(&o).contains("Destroy complete!"), "{}", text(&o));
    }
    assert_eq!(
        inventory_blocking(&client),
        before,
        "the destroy left something behind in moto"
    );
    sb
}

#[test]
fn docker_swarm_three_stacks_against_moto() {
    let sb = run_example("docker-swarm", &[]);
    let inventory = sb
        .example("docker-swarm")
        .join("2-swarm-cluster/inventory/hosts.ini");
    assert!(
        !inventory.exists(),
        "destroy leaves the Ansible inventory behind"
    );
}

#[test]
fn web_asg_rds_against_moto() {
    let sb = run_example(
        "web-asg-rds",
        &[
            ("TF_VAR_dbpassword", "correct-horse-battery"),
            ("TF_VAR_db_final_snapshot", "false"),
        ],
    );
    // Ansible provisioned Jenkins once, from the playbooks' directory, with its address.
    let log = std::fs::read_to_string(sb.home.join("ansible.log")).unwrap_or_default();
    assert_eq!(log.lines().count(), 1, "ansible-playbook runs: {log}");
    assert!(
        log.contains("web-asg-rds/ansible -i ")
            && log.contains(", -u ubuntu")
            && log.contains("-e backup_bucket=myapp-jenkins-backups-")
            && log.trim_end().ends_with("jenkins.yml"),
        "{log}"
    );
}

#[test]
fn ha_three_layer_against_moto() {
    run_example("ha-three-layer", &[]);
}
