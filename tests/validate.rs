//! End-to-end tests of `terrane validate`: the real binary in temporary directories, its exit
//! codes, its human output without colour, and its `-json` document.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh directory under the target directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("terrane-validate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a temporary directory");
        TempDir(dir)
    }

    fn write(&self, name: &str, text: impl AsRef<[u8]>) -> &TempDir {
        std::fs::write(self.0.join(name), text).expect("writing a file");
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn terrane(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrane"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("running terrane")
}

fn json(dir: &Path) -> (i32, serde_json::Value) {
    let out = terrane(dir, &["validate", "-json"]);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

#[test]
fn valid_configuration_succeeds() {
    let dir = TempDir::new("valid");
    dir.write(
        "main.tn",
        "resource \"terraform_data\" \"x\" {\n  input = [for i in range(3) : \"${i}\"]\n}\n",
    )
    .write("vars.tf", "variable \"v\" {\n  default = { a = 1 }\n}\n");
    let out = terrane(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Success! The configuration is valid.\n\n"
    );
    let (code, doc) = json(dir.path());
    assert_eq!(code, 0);
    assert_eq!(
        doc,
        serde_json::json!({
            "format_version": "1.0",
            "valid": true,
            "error_count": 0,
            "warning_count": 0,
            "diagnostics": []
        })
    );
}

#[test]
fn json_document_has_terraform_shape() {
    let dir = TempDir::new("json");
    dir.write("main.tn", "locals {\n  a = \"bad \\q escape\"\n}\n");
    let (code, doc) = json(dir.path());
    assert_eq!(code, 1);
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["error_count"], 1);
    assert_eq!(doc["warning_count"], 0);
    assert_eq!(
        doc["diagnostics"][0],
        serde_json::json!({
            "severity": "error",
            "summary": "Invalid escape sequence",
            "detail": "The symbol \"q\" is not a valid escape sequence selector.",
            "range": {
                "filename": "main.tn",
                "start": {"line": 2, "column": 12, "byte": 20},
                "end": {"line": 2, "column": 14, "byte": 22}
            },
            "snippet": {
                "context": "locals",
                "code": "  a = \"bad \\q escape\"",
                "start_line": 2,
                "highlight_start_offset": 11,
                "highlight_end_offset": 13,
                "values": []
            }
        })
    );
}

#[test]
fn every_error_of_every_file_is_reported() {
    let dir = TempDir::new("several");
    dir.write("a.tn", "locals {\n  a = )\n  b = [1 2]\n}\n")
        .write("b.tf", "x {\n  y = 1\n  y = 2\n}\n}\n")
        .write("ignored.txt", "not { configuration")
        .write("c.tn", "ok = 1\n");
    let (code, doc) = json(dir.path());
    assert_eq!(code, 1);
    let found: Vec<String> = doc["diagnostics"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["range"]["filename"].as_str().unwrap_or(""),
                d["range"]["start"]["line"],
                d["summary"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "a.tn:2 Invalid expression",
            "a.tn:3 Missing item separator",
            "b.tf:3 Attribute redefined",
            "b.tf:5 Argument or block definition required",
            // Terraform 1.15 reports these two as well: the files are decoded after parsing.
            "b.tf:1 Unsupported block type",
            "c.tn:1 Unsupported argument",
        ]
    );
    assert_eq!(doc["error_count"], 6);
}

#[test]
fn human_output_without_colour() {
    let dir = TempDir::new("human");
    dir.write(
        "main.tn",
        "resource \"terraform_data\" \"x\" {\n  input = 1\n  ami \"x\"\n}\n",
    );
    let out = terrane(dir.path(), &["validate", "-no-color"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains('\x1b'), "colour codes in {stderr:?}");
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(stderr);
}

#[test]
fn piped_output_has_no_colour() {
    let dir = TempDir::new("piped");
    dir.write("main.tn", "a = (\n");
    let out = terrane(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\x1b'));
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let dir = TempDir::new("utf8");
    dir.write("main.tn", b"a = \"\xff\"\n");
    let (code, doc) = json(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        doc["diagnostics"][0]["summary"],
        "Invalid character encoding"
    );
    assert_eq!(doc["diagnostics"][0]["range"]["start"]["byte"], 5);
}

#[test]
fn chdir_selects_the_directory() {
    let dir = TempDir::new("chdir");
    dir.write("main.tn", "a = [\n");
    let parent = dir.path().parent().unwrap_or(Path::new("/"));
    let name = dir
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let out = terrane(parent, &[&format!("-chdir={name}"), "validate", "-json"]);
    assert_eq!(out.status.code(), Some(1));
}

/// Errors Terraform 1.15 reports at validate, each on the line it reports (checked with the
/// real binary): an attribute read off a resource with `count`/`for_each` without an instance
/// key, an `ignore_changes` element the type does not have, and a `replace_triggered_by`
/// element that is not a resource reference.
#[test]
fn instance_keys_and_lifecycle_references_are_checked() {
    let dir = TempDir::new("lifecycle");
    let config = r#"resource "terraform_data" "a" {
  count = 2
}
output "o" { value = terraform_data.a.id }
output "fine" { value = terraform_data.a[*].id }
resource "terraform_data" "b" {
  for_each = toset(["x"])
  lifecycle {
    ignore_changes       = [nope, input]
    replace_triggered_by = [TRIGGER]
  }
}
output "p" { value = terraform_data.b.output }
locals { x = 1 }
"#;
    let found = |dir: &TempDir| {
        let (code, doc) = json(dir.path());
        assert_eq!(code, 1);
        let mut found: Vec<String> = doc["diagnostics"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d["range"]["start"]["line"],
                    d["range"]["start"]["column"],
                    d["summary"].as_str().unwrap_or("")
                )
            })
            .collect();
        found.sort();
        (found, doc)
    };
    // Decoding errors first (Terraform stops there as well).
    dir.write(
        "main.tn",
        config.replace("TRIGGER", "local.x, terraform_data.a[0]"),
    );
    assert_eq!(
        found(&dir).0,
        [
            "10:29 Invalid reference in replace_triggered_by expression",
            "10:29 Invalid replace_triggered_by expression",
        ]
    );
    // References next (the graph's): Terraform reports them at the same lines.
    dir.write("main.tn", config.replace("TRIGGER", "terraform_data.a[0]"));
    let (found_refs, doc) = found(&dir);
    assert_eq!(
        found_refs,
        [
            "13:22 Missing resource instance key",
            "4:22 Missing resource instance key",
        ]
    );
    // Then the bodies against their schemas.
    let fixed = config
        .replace("TRIGGER", "terraform_data.a[0]")
        .replace("terraform_data.a.id", "terraform_data.a[0].id")
        .replace("terraform_data.b.output", "terraform_data.b[\"x\"].output");
    dir.write("main.tn", fixed);
    assert_eq!(found(&dir).0, ["9:29 Unsupported attribute"]);
    let detail = doc["diagnostics"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|d| d["range"]["start"]["line"] == 13)
                .and_then(|d| d["detail"].as_str())
        })
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("terraform_data.b[each.key]"), "{detail}");
}

#[test]
fn timeouts_must_be_durations() {
    let dir = TempDir::new("timeouts");
    dir.write(
        "main.tn",
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.0.0.0/16\"\n  timeouts {\n    create = \"10 minutes\"\n    delete = \"1h30m\"\n  }\n}\n",
    );
    let out = terrane(dir.path(), &["validate", "-no-color"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.contains("Invalid timeout duration"), "{stderr}");
    assert!(stderr.contains("main.tn:4:14"), "{stderr}");
    assert!(!stderr.contains("\"delete\""), "{stderr}");
}
