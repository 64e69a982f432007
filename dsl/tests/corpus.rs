//! Parses the shared corpora: every `.tf` of terraform-aws-modules must parse without error,
//! and every `.hcl` of HCL's spec suite must parse, or fail on the lines its `.t` file expects.
//!
//! The corpora live in the shared directory next to the workspace (`../shared`, found from
//! CARGO_MANIFEST_DIR). CI always has it; on a machine without it these tests say so and pass.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use terrane_dsl::line_index::LineIndex;
use terrane_dsl::syntax::ast::{Body, ExprKind};
use terrane_dsl::syntax::parse;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "shared directory not found at {}: corpus not checked",
            dir.display()
        );
        None
    }
}

fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files_with_ext(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// `file:line:col: summary` for every error in `text`.
fn errors(path: &Path, text: &str) -> Vec<(usize, String)> {
    let parsed = parse(text);
    let index = LineIndex::new(text);
    parsed
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let pos = index.position(text, d.span.start);
            (
                pos.line,
                format!(
                    "{}:{}:{}: {}",
                    path.display(),
                    pos.line,
                    pos.column,
                    d.summary
                ),
            )
        })
        .collect()
}

#[test]
fn terraform_aws_modules_parse_without_errors() {
    let Some(shared) = shared() else { return };
    let mut files = Vec::new();
    files_with_ext(
        &shared.join("corpus/terraform-aws-modules"),
        "tf",
        &mut files,
    );
    assert!(!files.is_empty(), "no .tf files found in the corpus");
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        failures.extend(errors(path, &text).into_iter().map(|(_, msg)| msg));
    }
    assert!(
        failures.is_empty(),
        "{} errors in {} files:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// The `from` lines of the `diagnostics { error { from { line = N } } }` blocks of a `.t` file.
fn expected_error_lines(t_file: &str) -> BTreeSet<usize> {
    let parsed = parse(t_file);
    assert!(
        !parsed.has_errors(),
        "cannot parse .t file: {:?}",
        parsed.diagnostics
    );
    let mut lines = BTreeSet::new();
    let blocks = |body: &Body, name: &str| -> Vec<Body> {
        body.blocks()
            .filter(|b| b.ident.name == name)
            .map(|b| b.body.clone())
            .collect()
    };
    for diags in blocks(&parsed.body, "diagnostics") {
        for error in blocks(&diags, "error") {
            for from in blocks(&error, "from") {
                for attr in from.attributes().filter(|a| a.name.name == "line") {
                    if let ExprKind::Number(n) = &attr.expr.kind {
                        lines.insert(n.parse().unwrap_or(0));
                    }
                }
            }
        }
    }
    lines
}

/// Cases whose expected error comes from the decoder's schema (hcldec), not from the syntax.
const SCHEMA_ERRORS: &[&str] = &["structure/attributes/unexpected"];

#[test]
fn hcl_spec_suite_parses_as_expected() {
    let Some(shared) = shared() else { return };
    let root = shared.join("corpus/hcl-specsuite");
    let mut files = Vec::new();
    files_with_ext(&root, "hcl", &mut files);
    assert!(!files.is_empty(), "no .hcl files found in the spec suite");
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let t_path = path.with_extension("t");
        let t_text = std::fs::read_to_string(&t_path).unwrap_or_default();
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .with_extension("")
            .display()
            .to_string();
        let mut expected = expected_error_lines(&t_text);
        if SCHEMA_ERRORS.contains(&name.as_str()) {
            expected.clear();
        }
        let found = errors(path, &text);
        let found_lines: BTreeSet<usize> = found.iter().map(|(line, _)| *line).collect();
        if expected.is_empty() && !found.is_empty() {
            failures.push(format!("{name}: unexpected errors: {found:?}"));
        }
        for line in &expected {
            if !found_lines.contains(line) {
                failures.push(format!(
                    "{name}: expected an error on line {line}, found {found:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `key -> literal text` for the items of the object attribute `outer.inner` (or the
/// attributes named `inner` of an object), skipping values that are not plain text.
fn literal_items(body: &Body, path: &[&str]) -> Vec<(String, String)> {
    use terrane_dsl::syntax::ast::Expr;
    fn object_field<'a>(expr: &'a Expr, name: &str) -> Option<&'a Expr> {
        let ExprKind::Object(items) = &expr.kind else {
            return None;
        };
        items.iter().find_map(|item| match &item.key.kind {
            ExprKind::Variable(id) if id.name == name => Some(&item.value),
            _ => None,
        })
    }
    let Some(attr) = body.attributes().find(|a| a.name.name == path[0]) else {
        return Vec::new();
    };
    let mut expr = &attr.expr;
    for name in &path[1..] {
        match object_field(expr, name) {
            Some(e) => expr = e,
            None => return Vec::new(),
        }
    }
    let ExprKind::Object(items) = &expr.kind else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let ExprKind::Variable(key) = &item.key.kind else {
                return None;
            };
            let ExprKind::Template(t) = &item.value.kind else {
                return None;
            };
            Some((key.name.clone(), t.literal_text()?))
        })
        .collect()
}

#[test]
fn hcl_spec_suite_heredoc_values() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("corpus/hcl-specsuite/expressions");
    let source = std::fs::read_to_string(dir.join("heredoc.hcl")).unwrap_or_default();
    let expected = std::fs::read_to_string(dir.join("heredoc.t")).unwrap_or_default();
    let parsed = parse(&source);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let want = parse(&expected);
    let mut compared = 0;
    for form in ["normal", "flush"] {
        let got = literal_items(&parsed.body, &[form]);
        let want = literal_items(&want.body, &["result", form]);
        for (key, text) in &got {
            if let Some((_, expected)) = want.iter().find(|(k, _)| k == key) {
                assert_eq!(text, expected, "{form}.{key}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "only {compared} heredocs compared");
}

/// Every prefix of a real file (cut at many points, also inside strings, heredocs and
/// brackets) must parse without panicking or hanging, and a cut file must report an error
/// only where the text really is incomplete: here, just that parsing returns.
#[test]
fn truncated_corpus_files_never_panic() {
    let Some(shared) = shared() else { return };
    let mut files = Vec::new();
    files_with_ext(
        &shared.join("corpus/terraform-aws-modules"),
        "tf",
        &mut files,
    );
    files_with_ext(&shared.join("corpus/hcl-specsuite"), "hcl", &mut files);
    let mut parsed = 0usize;
    for path in files.iter().take(60) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let step = (text.len() / 25).max(1);
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let _ = parse(&text[..cut]);
                // And with the rest of the file after a stray character.
                let _ = parse(&format!("{}\u{1}{}", &text[..cut], &text[cut..]));
                parsed += 2;
            }
            cut += step;
        }
    }
    assert!(parsed > 0);
}
