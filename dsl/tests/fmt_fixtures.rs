//! Fixture tests of the formatter: each `fixtures/fmt/<case>/input.tf` must format to
//! `expected.tf` byte for byte (expected files were written by real `terraform fmt`), and
//! formatting the expected output, when it parses, must change nothing.

use std::path::{Path, PathBuf};
use terrane_dsl::format::format;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fmt");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("reading {}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("input.tf").is_file())
        .collect();
    cases.sort();
    cases
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn every_fixture_formats_to_its_expected_output() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} fixture cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        let input = read(&case.join("input.tf"));
        let expected = read(&case.join("expected.tf"));
        match format(&input) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => failures.push(format!(
                "{name}:\n--- expected\n{expected}\n--- actual\n{actual}"
            )),
            Err(diags) => failures.push(format!("{name}: syntax errors {diags:?}")),
        }
        // (Terraform's output is not always valid syntax: `x[null]` becomes `x[]`.)
        match format(&expected) {
            Ok(again) if again != expected => {
                failures.push(format!("{name}: expected output is not a fixed point"))
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
