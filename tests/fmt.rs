//! End-to-end tests of `terrane fmt`: the real binary on temporary directories (flags, exit
//! codes, output), plus the shared fmt conformance cases and module corpus when present.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const UNFORMATTED: &str = "a=1\nbbb = 2\n";
const FORMATTED: &str = "a   = 1\nbbb = 2\n";

fn terrane(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("running terrane")
}

fn terrane_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running terrane");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("writing stdin");
    }
    child.wait_with_output().expect("waiting for terrane")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("creating directory");
    }
    std::fs::write(&path, text).expect("writing file");
    path
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("reading file")
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("creating a temporary directory")
}

#[test]
fn formats_files_in_place_and_lists_them() {
    let dir = temp();
    let file = write(dir.path(), "main.tf", UNFORMATTED);
    let ok = write(dir.path(), "ok.tf", FORMATTED);
    let out = terrane(dir.path(), &["fmt"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "main.tf\n");
    assert_eq!(read(&file), FORMATTED);
    assert_eq!(read(&ok), FORMATTED);
}

#[cfg(unix)]
#[test]
fn writing_keeps_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp();
    let file = write(dir.path(), "main.tf", UNFORMATTED);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert_eq!(terrane(dir.path(), &["fmt"]).status.code(), Some(0));
    let mode = std::fs::metadata(&file).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(read(&file), FORMATTED);
}

#[test]
fn check_exits_3_and_writes_nothing() {
    let dir = temp();
    let file = write(dir.path(), "main.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt", "-check"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "main.tf\n");
    assert_eq!(read(&file), UNFORMATTED);

    let out = terrane(dir.path(), &["fmt", "-check", "-list=false"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "");
}

#[test]
fn check_exits_0_when_formatted() {
    let dir = temp();
    write(dir.path(), "main.tf", FORMATTED);
    let out = terrane(dir.path(), &["fmt", "-check"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
}

#[test]
fn write_false_prints_the_list_only() {
    let dir = temp();
    let file = write(dir.path(), "main.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt", "-write=false"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "main.tf\n");
    assert_eq!(read(&file), UNFORMATTED);
}

#[test]
fn write_false_list_false_prints_the_formatted_files() {
    let dir = temp();
    write(dir.path(), "main.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt", "-write=false", "-list=false"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), FORMATTED);
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = temp();
    write(dir.path(), "main.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt", "-diff", "-write=false"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "main.tf\n--- old/main.tf\n+++ new/main.tf\n@@ -1,2 +1,2 @@\n-a=1\n+a   = 1\n bbb = 2\n"
    );
}

#[test]
fn stdin_to_stdout() {
    let dir = temp();
    let out = terrane_stdin(dir.path(), &["fmt", "-"], UNFORMATTED.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), FORMATTED);
    // Like Terraform, standard output always ends with one newline.
    let out = terrane_stdin(dir.path(), &["fmt", "-"], b"a=1");
    assert_eq!(stdout(&out), "a = 1\n");
}

#[test]
fn recursive_descends_but_skips_hidden_directories() {
    let dir = temp();
    let top = write(dir.path(), "main.tf", UNFORMATTED);
    let sub = write(dir.path(), "sub/vars.tfvars", UNFORMATTED);
    let tn = write(dir.path(), "sub/deeper/x.tn", UNFORMATTED);
    let hidden = write(dir.path(), ".terraform/modules/m.tf", UNFORMATTED);
    let other = write(dir.path(), "sub/notes.txt", UNFORMATTED);

    let out = terrane(dir.path(), &["fmt"]);
    assert_eq!(stdout(&out), "main.tf\n");
    assert_eq!(read(&sub), UNFORMATTED);

    write(dir.path(), "main.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt", "-recursive"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "main.tf\nsub/deeper/x.tn\nsub/vars.tfvars\n");
    for path in [&top, &sub, &tn] {
        assert_eq!(read(path), FORMATTED);
    }
    assert_eq!(read(&hidden), UNFORMATTED);
    assert_eq!(read(&other), UNFORMATTED);
}

#[test]
fn syntax_error_is_reported_and_the_file_left_untouched() {
    let dir = temp();
    let bad_text = "a=[1,\nb = 2\n";
    let bad = write(dir.path(), "bad.tf", bad_text);
    let good = write(dir.path(), "good.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&bad), bad_text);
    // Other files are still formatted.
    assert_eq!(read(&good), FORMATTED);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.tf"), "stderr: {stderr}");

    let out = terrane_stdin(dir.path(), &["fmt", "-"], bad_text.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
}

#[test]
fn missing_target_and_wrong_extension_are_errors() {
    let dir = temp();
    let out = terrane(dir.path(), &["fmt", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    write(dir.path(), "x.txt", "a=1\n");
    let out = terrane(dir.path(), &["fmt", "x.txt"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explicit_file_target() {
    let dir = temp();
    let file = write(dir.path(), "sub/main.tf", UNFORMATTED);
    let out = terrane(dir.path(), &["fmt", "sub/main.tf"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "sub/main.tf\n");
    assert_eq!(read(&file), FORMATTED);
}

/// `../shared` next to the workspace, when this checkout has it.
fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.is_dir().then_some(dir)
}

#[test]
fn shared_corpus_is_already_formatted() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus/terraform-aws-modules");
    if !corpus.is_dir() {
        return;
    }
    let out = terrane(&corpus, &["fmt", "-check", "-recursive"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn shared_fmt_conformance_cases_match() {
    let Some(shared) = shared() else { return };
    let Ok(entries) = std::fs::read_dir(shared.join("fmtconf/cases")) else {
        return;
    };
    let dir = temp();
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in entries.filter_map(Result::ok) {
        let case = entry.path();
        let (Ok(input), Ok(expected)) = (
            std::fs::read(case.join("input.tf")),
            std::fs::read(case.join("expected.tf")),
        ) else {
            continue;
        };
        count += 1;
        let out = terrane_stdin(dir.path(), &["fmt", "-"], &input);
        if out.stdout != expected {
            failures.push(case.display().to_string());
        }
    }
    assert!(failures.is_empty(), "{count} cases, failing: {failures:#?}");
}
