//! End-to-end tests of the state commands on the real binary and a real SQLite store in a
//! temporary directory: `state list/show/mv/rm/replace-provider/pull/push/history/rollback`,
//! `taint`/`untaint`, `import`, `force-unlock`, their refusals, and the selected workspace.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use terrane_state::{Backend, LockInfo, SqliteBackend};

const CONFIG: &str = r#"
variable "pw" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

resource "terraform_data" "a" {
  input = "hello"
}

resource "terraform_data" "b" {
  count = 2
  input = "b${count.index}"
}

resource "terraform_data" "s" {
  input = { user = "admin", pw = var.pw }
}
"#;

fn terrane_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(args)
        .current_dir(dir)
        .env_remove("TF_WORKSPACE")
        .env_remove("TERRANE_STATE_ENCRYPTION_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running terrane");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("waiting for terrane")
}

fn terrane(dir: &Path, args: &[&str]) -> Output {
    terrane_in(dir, args, "")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects success, returning standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let o = terrane(dir, args);
    assert!(
        o.status.success(),
        "terrane {args:?} failed:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs and expects exit 1, returning standard error.
fn fails(dir: &Path, args: &[&str]) -> String {
    let o = terrane(dir, args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "terrane {args:?} should fail:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    stderr(&o)
}

fn plan_code(dir: &Path) -> i32 {
    let o = terrane(dir, &["plan", "-detailed-exitcode", "-no-color"]);
    o.status.code().expect("plan exit code")
}

fn applied(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.tf"), config).expect("writing main.tf");
    ok(dir.path(), &["apply", "-auto-approve", "-no-color"]);
    dir
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().collect()
}

#[test]
fn list_and_show() {
    let dir = applied(CONFIG);
    let d = dir.path();
    assert_eq!(
        lines(&ok(d, &["state", "list"])),
        [
            "terraform_data.a",
            "terraform_data.b[0]",
            "terraform_data.b[1]",
            "terraform_data.s"
        ]
    );
    assert_eq!(
        lines(&ok(d, &["state", "list", "terraform_data.b"])),
        ["terraform_data.b[0]", "terraform_data.b[1]"]
    );
    let shown = ok(d, &["state", "show", "terraform_data.a"]);
    assert!(shown.starts_with("# terraform_data.a:\nresource \"terraform_data\" \"a\" {\n"));
    assert!(shown.contains("    input  = \"hello\"\n"), "{shown}");
    let id = shown
        .lines()
        .find_map(|l| l.trim().strip_prefix("id     = "))
        .expect("an id line")
        .trim_matches('"')
        .to_string();
    assert_eq!(
        lines(&ok(d, &["state", "list", &format!("-id={id}")])),
        ["terraform_data.a"]
    );
    assert_eq!(ok(d, &["state", "list", "-id=nope"]), "");
    // Sensitive values are not printed. (`output` is a copy the provider computed, which
    // Terraform does not mark either: its `state show` prints it the same way.)
    let s = ok(d, &["state", "show", "terraform_data.s"]);
    let input = s
        .split("output = ")
        .next()
        .expect("the text before the output");
    assert!(input.contains("pw   = (sensitive value)"), "{s}");
    assert!(!input.contains("hunter2"), "{s}");
    let err = fails(d, &["state", "show", "terraform_data.zz"]);
    assert!(
        err.contains("No instance found for the given address!"),
        "{err}"
    );
    let err = fails(d, &["state", "show", "not an address"]);
    assert!(err.contains("Invalid address"), "{err}");
    // A directory that never had a state.
    let empty = tempfile::tempdir().expect("temp dir");
    let err = fails(empty.path(), &["state", "list"]);
    assert!(err.contains("No state file was found!"), "{err}");
}

#[test]
fn mv_rm_and_rollback() {
    let dir = applied(CONFIG);
    let d = dir.path();
    let before = ok(d, &["state", "list"]);
    assert_eq!(
        ok(
            d,
            &[
                "state",
                "mv",
                "-dry-run",
                "terraform_data.a",
                "terraform_data.c"
            ]
        ),
        "Would move \"terraform_data.a\" to \"terraform_data.c\"\n"
    );
    assert_eq!(ok(d, &["state", "list"]), before);
    assert_eq!(
        ok(d, &["state", "mv", "terraform_data.a", "terraform_data.c"]),
        "Move \"terraform_data.a\" to \"terraform_data.c\"\nSuccessfully moved 1 object(s).\n"
    );
    let after = ok(d, &["state", "list"]);
    assert!(after.contains("terraform_data.c\n") && !after.contains("terraform_data.a\n"));
    // A whole resource with its instances.
    assert_eq!(
        ok(d, &["state", "mv", "terraform_data.b", "terraform_data.d"]),
        "Move \"terraform_data.b\" to \"terraform_data.d\"\nSuccessfully moved 2 object(s).\n"
    );
    let err = fails(
        d,
        &["state", "mv", "terraform_data.c", "terraform_data.d[0]"],
    );
    assert!(err.contains("Invalid target address"), "{err}");
    let err = fails(
        d,
        &["state", "mv", "terraform_data.nope", "terraform_data.x"],
    );
    assert!(err.contains("Invalid source address"), "{err}");
    let err = fails(d, &["state", "mv", "terraform_data.c", "null_resource.c"]);
    assert!(err.contains("cannot change its type"), "{err}");
    // Back to where the configuration has them: no changes.
    ok(d, &["state", "mv", "terraform_data.c", "terraform_data.a"]);
    ok(d, &["state", "mv", "terraform_data.d", "terraform_data.b"]);
    assert_eq!(plan_code(d), 0);

    assert_eq!(
        ok(d, &["state", "rm", "-dry-run", "terraform_data.b"]),
        "Would remove terraform_data.b[0]\nWould remove terraform_data.b[1]\n"
    );
    let history_before = ok(d, &["state", "history"]);
    assert_eq!(
        ok(d, &["state", "rm", "terraform_data.b"]),
        "Removed terraform_data.b[0]\nRemoved terraform_data.b[1]\nSuccessfully removed 2 resource instance(s).\n"
    );
    let err = fails(d, &["state", "rm", "terraform_data.b"]);
    assert!(err.contains("No matching objects found"), "{err}");
    assert_eq!(plan_code(d), 2);

    // History lists every version; rolling back writes a new one equal to the old.
    let history = ok(d, &["state", "history"]);
    let rows: Vec<&str> = history.lines().collect();
    assert!(rows[0].contains("SERIAL") && rows[0].contains("OPERATION"));
    assert!(rows[1].contains("apply"), "{history}");
    assert!(history.contains("state mv terraform_data.a terraform_data.c"));
    let last = rows.last().expect("a version");
    assert!(last.contains("state rm"), "{history}");
    assert_eq!(last.split_whitespace().next_back(), Some("2"), "{last}");
    let serial_before_rm = history_before
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .expect("a serial")
        .to_string();
    let out = ok(d, &["state", "rollback", &serial_before_rm]);
    assert!(out.starts_with(&format!("Rolled back to version {serial_before_rm}")));
    assert_eq!(ok(d, &["state", "list"]), before);
    assert_eq!(plan_code(d), 0);
    let err = fails(d, &["state", "rollback", "999"]);
    assert!(err.contains("has no state version 999"), "{err}");
}

#[test]
fn taint_untaint_and_replace_provider() {
    let dir = applied(CONFIG);
    let d = dir.path();
    assert_eq!(
        ok(d, &["taint", "terraform_data.b[1]"]),
        "Resource instance terraform_data.b[1] has been marked as tainted.\n"
    );
    assert!(ok(d, &["state", "show", "terraform_data.b[1]"])
        .starts_with("# terraform_data.b[1]: (tainted)"));
    let plan = ok(d, &["plan", "-no-color"]);
    assert!(plan.contains("terraform_data.b[1]"), "{plan}");
    assert_eq!(plan_code(d), 2);
    assert_eq!(
        ok(d, &["untaint", "terraform_data.b[1]"]),
        "Resource instance terraform_data.b[1] has been successfully untainted.\n"
    );
    assert_eq!(plan_code(d), 0);
    let err = fails(d, &["untaint", "terraform_data.b[1]"]);
    assert!(err.contains("Resource instance is not tainted"), "{err}");
    let err = fails(d, &["taint", "terraform_data.nope"]);
    assert!(err.contains("No such resource instance"), "{err}");
    ok(d, &["taint", "-allow-missing", "terraform_data.nope"]);

    // replace-provider asks first unless -auto-approve.
    let o = terrane_in(
        d,
        &[
            "state",
            "replace-provider",
            "terraform.io/builtin/terraform",
            "example.com/acme/terraform",
        ],
        "no\n",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Changing 4 resources:"),
        "{}",
        stdout(&o)
    );
    assert!(!ok(d, &["state", "pull"]).contains("example.com/acme/terraform"));
    let out = ok(
        d,
        &[
            "state",
            "replace-provider",
            "-auto-approve",
            "terraform.io/builtin/terraform",
            "example.com/acme/terraform",
        ],
    );
    assert!(
        out.contains("Successfully replaced provider for 4 resources."),
        "{out}"
    );
    let pulled = ok(d, &["state", "pull"]);
    assert_eq!(
        pulled
            .matches("\"provider\": \"provider[\\\"example.com/acme/terraform\\\"]\"")
            .count(),
        3,
        "{pulled}"
    );
    let out = ok(
        d,
        &[
            "state",
            "replace-provider",
            "-auto-approve",
            "hashicorp/nothing",
            "hashicorp/other",
        ],
    );
    assert_eq!(out, "No matching resources found.\n");
}

#[test]
fn pull_push_round_trip_and_refusals() {
    let dir = applied(CONFIG);
    let d = dir.path();
    let pulled = ok(d, &["state", "pull"]);
    let doc: serde_json::Value = serde_json::from_str(&pulled).expect("pull is JSON");
    assert_eq!(doc["version"], 4);
    assert_eq!(doc["resources"].as_array().map(Vec::len), Some(3));
    let file = d.join("pulled.tfstate");
    std::fs::write(&file, &pulled).expect("writing the pulled state");

    // Into an empty directory: read back unchanged, byte for byte.
    let other = tempfile::tempdir().expect("temp dir");
    std::fs::write(other.path().join("main.tf"), CONFIG).expect("writing main.tf");
    ok(
        other.path(),
        &["state", "push", file.to_str().expect("utf-8")],
    );
    assert_eq!(ok(other.path(), &["state", "pull"]), pulled);
    assert_eq!(plan_code(other.path()), 0);

    // Over the same state: a new version, equal but for the serial.
    ok(d, &["state", "push", "pulled.tfstate"]);
    let again: serde_json::Value = serde_json::from_str(&ok(d, &["state", "pull"])).expect("JSON");
    let mut want = doc.clone();
    want["serial"] = again["serial"].clone();
    assert_eq!(again, want);
    assert!(again["serial"].as_u64() > doc["serial"].as_u64());

    // Refusals: another lineage, an older serial; -force overrides both.
    let mut foreign = doc.clone();
    foreign["lineage"] = "00000000-0000-0000-0000-000000000000".into();
    foreign["serial"] = 100.into();
    std::fs::write(d.join("foreign.tfstate"), foreign.to_string()).expect("write");
    let err = fails(d, &["state", "push", "foreign.tfstate"]);
    assert!(err.contains("lineage"), "{err}");
    assert!(err.contains("-force"), "{err}");
    let mut old = doc.clone();
    old["serial"] = 1.into();
    std::fs::write(d.join("old.tfstate"), old.to_string()).expect("write");
    let err = fails(d, &["state", "push", "old.tfstate"]);
    assert!(err.contains("serial"), "{err}");
    ok(d, &["state", "push", "-force", "old.tfstate"]);
    ok(d, &["state", "push", "-force", "foreign.tfstate"]);
    let now: serde_json::Value = serde_json::from_str(&ok(d, &["state", "pull"])).expect("JSON");
    assert_eq!(now["lineage"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(now["serial"], 100);
    // From standard input, and garbage refused.
    let o = terrane_in(d, &["state", "push", "-force", "-"], &pulled);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(d.join("bad.tfstate"), "{\"version\": 3}").expect("write");
    let err = fails(d, &["state", "push", "bad.tfstate"]);
    assert!(err.contains("version 4"), "{err}");
    let err = fails(d, &["state", "push", "missing.tfstate"]);
    assert!(err.contains("missing.tfstate"), "{err}");
}

#[test]
fn import_through_the_provider() {
    let config = "resource \"terraform_data\" \"imp\" {}\n\nresource \"terraform_data\" \"many\" {\n  count = 2\n}\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::write(d.join("main.tf"), config).expect("write");
    let out = ok(d, &["import", "terraform_data.imp", "abc-123"]);
    assert!(out.contains("Import successful!"), "{out}");
    assert!(
        out.contains("terraform_data.imp: Importing from ID \"abc-123\"..."),
        "{out}"
    );
    let shown = ok(d, &["state", "show", "terraform_data.imp"]);
    assert!(shown.contains("id = \"abc-123\""), "{shown}");
    let err = fails(d, &["import", "terraform_data.imp", "other"]);
    assert!(err.contains("Resource already managed by terrane"), "{err}");
    let err = fails(d, &["import", "terraform_data.nope", "x"]);
    assert!(err.contains("does not exist in the configuration"), "{err}");
    let err = fails(d, &["import", "terraform_data.many", "x"]);
    assert!(err.contains("Missing resource instance key"), "{err}");
    let err = fails(d, &["import", "terraform_data.imp[0]", "x"]);
    assert!(err.contains("Unexpected resource instance key"), "{err}");
    ok(d, &["import", "terraform_data.many[1]", "m1"]);
    let hist = ok(d, &["state", "history"]);
    assert_eq!(hist.matches("import").count(), 2, "{hist}");
    // The imported objects are kept; only many[0] is still to create.
    let plan = ok(d, &["plan", "-no-color"]);
    assert!(
        plan.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
}

#[test]
fn locks_and_force_unlock() {
    let dir = applied(CONFIG);
    let d = dir.path();
    // A lock left behind by a process that died.
    let id = {
        let b = SqliteBackend::open(d).expect("open the store");
        b.lock(
            "default",
            &LockInfo::new("apply"),
            std::time::Duration::ZERO,
        )
        .expect("lock")
    };
    let err = fails(
        d,
        &["state", "rm", "-lock-timeout=300ms", "terraform_data.a"],
    );
    assert!(err.contains("Error acquiring the state lock"), "{err}");
    assert!(err.contains(&id), "{err}");
    let err = fails(d, &["taint", "terraform_data.a"]);
    assert!(err.contains("Error acquiring the state lock"), "{err}");
    let err = fails(d, &["plan"]);
    assert!(err.contains(&id), "{err}");
    // -lock=false ignores it (as Terraform's).
    ok(
        d,
        &[
            "state",
            "mv",
            "-lock=false",
            "terraform_data.a",
            "terraform_data.z",
        ],
    );
    ok(
        d,
        &[
            "state",
            "mv",
            "-lock=false",
            "terraform_data.z",
            "terraform_data.a",
        ],
    );
    let err = fails(d, &["force-unlock", "-force", "not-the-id"]);
    assert!(err.contains("Failed to unlock state"), "{err}");
    let o = terrane_in(d, &["force-unlock", &id], "no\n");
    assert_eq!(o.status.code(), Some(1));
    let out = ok(d, &["force-unlock", "-force", &id]);
    assert!(out.contains("successfully unlocked"), "{out}");
    assert_eq!(plan_code(d), 0);
    ok(d, &["taint", "terraform_data.a"]);
    let err = fails(d, &["force-unlock", "-force", &id]);
    assert!(err.contains("not locked"), "{err}");
}

#[test]
fn commands_use_the_selected_workspace() {
    let dir = applied(CONFIG);
    let d = dir.path();
    ok(d, &["workspace", "new", "staging"]);
    assert_eq!(ok(d, &["state", "list"]), "");
    ok(d, &["apply", "-auto-approve", "-no-color"]);
    ok(d, &["state", "rm", "terraform_data.a"]);
    assert!(!ok(d, &["state", "list"]).contains("terraform_data.a\n"));
    ok(d, &["workspace", "select", "default"]);
    assert!(ok(d, &["state", "list"]).contains("terraform_data.a\n"));
    let o = Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(["state", "list"])
        .current_dir(d)
        .env("TF_WORKSPACE", "staging")
        .output()
        .expect("running terrane");
    assert!(!stdout(&o).contains("terraform_data.a\n"), "{}", stdout(&o));
}
