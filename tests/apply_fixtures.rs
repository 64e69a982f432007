//! End-to-end fixtures of plan and apply: each directory under `tests/fixtures/apply/` is a
//! configuration (with an optional `args` file of extra `apply` arguments, one per line) and
//! the `output -json` document it must produce (`expected.json`; values compared, as the
//! shared conformance runner compares them). For each, the real binary applies it, a second
//! plan must show no changes (`-detailed-exitcode` 0), and destroy must leave no output.
//! Expected documents of Terraform-compatible fixtures were produced by real Terraform.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn terrane(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(args)
        .current_dir(dir)
        .env_remove("TF_WORKSPACE")
        .output()
        .expect("running terrane")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating a directory");
    for e in std::fs::read_dir(from).expect("reading a fixture") {
        let e = e.expect("reading a fixture entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copying a fixture file");
        }
    }
}

fn values(doc: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    doc.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v["value"].clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn check(case: &Path, work: &Path) -> Result<(), String> {
    copy_dir(case, work);
    let _ = std::fs::remove_file(work.join("expected.json"));
    let extra: Vec<String> = std::fs::read_to_string(case.join("args"))
        .map(|s| {
            s.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let with = |cmd: &[&str]| -> Vec<String> {
        cmd.iter()
            .map(|s| s.to_string())
            .chain(extra.iter().cloned())
            .collect()
    };
    let out = terrane(work, &with(&["apply", "-auto-approve", "-no-color"]));
    if !out.status.success() {
        return Err(format!(
            "apply failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let out = terrane(work, &["output".into(), "-json".into()]);
    let got: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("output -json is not JSON: {e}"))?;
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    if values(&got) != values(&want) {
        return Err(format!(
            "outputs differ\n  got:  {}\n  want: {}",
            serde_json::Value::Object(values(&got)),
            serde_json::Value::Object(values(&want))
        ));
    }
    let out = terrane(work, &with(&["plan", "-detailed-exitcode", "-no-color"]));
    if out.status.code() != Some(0) {
        return Err(format!(
            "second plan is not empty (exit {:?}):\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let out = terrane(work, &with(&["destroy", "-auto-approve", "-no-color"]));
    if !out.status.success() {
        return Err(format!(
            "destroy failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let out = terrane(work, &["output".into(), "-json".into()]);
    let left: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    if left != serde_json::json!({}) {
        return Err(format!("outputs left after destroy: {left}"));
    }
    Ok(())
}

#[test]
fn apply_fixtures() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/apply");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("reading tests/fixtures/apply")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "fixtures missing");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let work =
            std::env::temp_dir().join(format!("terrane-apply-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&work);
        if let Err(e) = check(case, &work) {
            failures.push(format!("{name}: {e}"));
        }
        let _ = std::fs::remove_dir_all(&work);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
