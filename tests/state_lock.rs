//! Locking end to end: 10 concurrent `terrane apply -auto-approve -lock-timeout=60s` on one
//! state, each replacing a different instance. Every run must succeed (or fail only with a
//! clear lock timeout), each serial must be used exactly once in the history, and no change
//! may be lost: every instance ends replaced. Then a held lock makes a run with a short
//! timeout fail with a message naming the holder and since when.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use terrane_state::{Backend, LockInfo, SqliteBackend};

const RUNS: usize = 10;

const CONFIG: &str = r#"
resource "terraform_data" "r" {
  count = 10
  input = "r${count.index}"
}
"#;

fn terrane(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(args)
        .current_dir(dir)
        .env_remove("TF_WORKSPACE")
        .output()
        .expect("running terrane")
}

fn ids(dir: &Path) -> BTreeMap<String, String> {
    let b = SqliteBackend::open(dir).expect("open");
    b.read("default")
        .expect("read")
        .resources
        .into_iter()
        .map(|r| (r.address.clone(), r.id().unwrap_or_default().to_string()))
        .collect()
}

#[test]
fn concurrent_applies_take_turns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("main.tf"), CONFIG).expect("write main.tf");
    let first = terrane(d, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = ids(d);
    assert_eq!(before.len(), RUNS);
    let versions_before = SqliteBackend::open(d)
        .expect("open")
        .history("default")
        .expect("history")
        .len();

    let handles: Vec<_> = (0..RUNS)
        .map(|i| {
            let d = d.to_path_buf();
            std::thread::spawn(move || {
                let target = format!("-replace=terraform_data.r[{i}]");
                terrane(
                    &d,
                    &[
                        "apply",
                        "-auto-approve",
                        "-no-color",
                        "-lock-timeout=60s",
                        &target,
                    ],
                )
            })
        })
        .collect();
    let mut failures = Vec::new();
    for (i, h) in handles.into_iter().enumerate() {
        let out = h.join().expect("thread");
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            // The only acceptable failure is a clear lock timeout.
            assert!(
                err.contains("Error acquiring the state lock") && err.contains("is locked by"),
                "run {i} failed for another reason than the lock:\n{err}"
            );
            failures.push(i);
        }
    }
    assert!(
        failures.is_empty(),
        "runs {failures:?} timed out waiting 60s for the lock"
    );

    let history = SqliteBackend::open(d)
        .expect("open")
        .history("default")
        .expect("history");
    let serials: Vec<u64> = history.iter().map(|v| v.serial).collect();
    let mut unique = serials.clone();
    unique.dedup();
    assert_eq!(serials, unique, "a serial was used twice: {serials:?}");
    assert_eq!(
        serials,
        (1..=serials.len() as u64).collect::<Vec<_>>(),
        "serials are not consecutive"
    );
    assert_eq!(history.len(), versions_before + RUNS);
    for v in &history[versions_before..] {
        assert!(v.complete, "version {} is incomplete", v.serial);
        assert_eq!(v.operation, "apply");
        assert_eq!((v.added, v.removed), (0, 0), "version {}", v.serial);
        assert_eq!(v.changed, 1, "version {} changed {}", v.serial, v.changed);
    }
    // No change lost: every instance was replaced (a new id), and the plan is empty.
    let after = ids(d);
    assert_eq!(after.len(), RUNS);
    for (addr, id) in &before {
        assert_ne!(after.get(addr), Some(id), "{addr} was not replaced");
    }
    let plan = terrane(d, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.status.code(), Some(0));

    // A held lock: a run with a short timeout fails naming the holder and when.
    let b = SqliteBackend::open(d).expect("open");
    let mut info = LockInfo::new("apply");
    info.who = "someone@elsewhere".into();
    let id = b
        .lock("default", &info, std::time::Duration::ZERO)
        .expect("lock");
    let t = std::time::Instant::now();
    let out = terrane(d, &["apply", "-auto-approve", "-lock-timeout=1s"]);
    assert!(t.elapsed() >= std::time::Duration::from_secs(1));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("someone@elsewhere"), "{err}");
    // Since when: the time to the second (the store keeps microseconds).
    assert!(err.contains(&info.created.to_rfc3339()[..19]), "{err}");
    assert!(err.contains(&id), "{err}");
    b.unlock("default", &id).expect("unlock");
}
