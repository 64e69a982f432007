//! Fixture tests: every `tests/fixtures/parse/<case>/input.tf` is parsed, and its diagnostics
//! (`line:col-line:col summary`, one per line) followed by a dump of the tree must equal
//! `expected.txt`. The `err-*` cases were run through real Terraform 1.15: the first error is
//! on Terraform's start line in every case, and nearly always has its summary and column too
//! (exceptions: an unterminated `/*` comment is an "Invalid character" here, and a stray `'`
//! is reported at both quotes). The `ok-*` cases are valid and show the tree.
//!
//! `BLESS=1 cargo test --test parse_fixtures` rewrites the expected files from the output.

use std::path::Path;
use terrane_dsl::line_index::LineIndex;
use terrane_dsl::syntax::{dump, parse};

fn render(source: &str) -> String {
    let parsed = parse(source);
    let index = LineIndex::new(source);
    let mut out = String::new();
    for d in &parsed.diagnostics {
        let start = index.position(source, d.span.start);
        let end = index.position(source, d.span.end);
        out.push_str(&format!(
            "{}:{}-{}:{} {}\n",
            start.line, start.column, end.line, end.column, d.summary
        ));
    }
    out.push_str("---\n");
    out.push_str(&dump::body(&parsed.body));
    out
}

#[test]
fn parse_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    cases.sort();
    assert!(!cases.is_empty(), "no fixtures in {}", root.display());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let input = std::fs::read_to_string(case.join("input.tf")).unwrap_or_default();
        let actual = render(&input);
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap_or_else(|e| panic!("{e}"));
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
