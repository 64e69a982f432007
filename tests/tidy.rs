//! Tidy checks of the repository itself: the crate layering (read from `cargo metadata`),
//! printing only in the CLI, a `//!` line opening every Rust file, and no god-modules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the engine crate lives inside the workspace")
        .to_path_buf()
}

/// Which terrane crates each terrane crate may depend on (normal and build dependencies).
/// A crate missing from this table is a tidy failure: add it here with its allowed layer.
fn allowed_dependencies() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        // The language: grammar, syntax tree, formatter, values, evaluation. No terrane crate.
        ("terrane-dsl", &[][..]),
        // State and the provider interface see only the DSL's value model.
        ("terrane-state", &["terrane-dsl"][..]),
        ("terrane-provider", &["terrane-dsl"][..]),
        // Providers implement the provider interface; they never see the engine or the state.
        (
            "terrane-provider-builtin",
            &["terrane-dsl", "terrane-provider"][..],
        ),
        (
            "terrane-provider-aws",
            &["terrane-dsl", "terrane-provider"][..],
        ),
        (
            "terrane-provider-google",
            &["terrane-dsl", "terrane-provider"][..],
        ),
        // The engine owns configuration, graph, plan, apply and the CLI: it may use everything.
        (
            "terrane-engine",
            &[
                "terrane-dsl",
                "terrane-state",
                "terrane-provider",
                "terrane-provider-builtin",
                "terrane-provider-aws",
                "terrane-provider-google",
            ][..],
        ),
    ])
}

#[test]
fn crate_layering_is_respected() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let allowed = allowed_dependencies();
    let mut problems = Vec::new();
    let packages = meta["packages"].as_array().expect("packages array");
    assert!(!packages.is_empty(), "cargo metadata listed no packages");
    for package in packages {
        let name = package["name"].as_str().unwrap_or_default();
        let Some(permitted) = allowed.get(name) else {
            problems.push(format!(
                "crate `{name}` has no layer in tests/tidy.rs: add it to allowed_dependencies"
            ));
            continue;
        };
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            let dep_name = dep["name"].as_str().unwrap_or_default();
            let is_dev = dep["kind"].as_str() == Some("dev");
            if dep_name.starts_with("terrane-") && !is_dev && !permitted.contains(&dep_name) {
                problems.push(format!(
                    "crate `{name}` depends on `{dep_name}`, which its layer does not allow"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering violations:\n{}",
        problems.join("\n")
    );
}

/// Every Rust file of the repository, except build output.
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if name == "target" || name.starts_with('.') {
                    continue;
                }
                walk(&path, out);
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&workspace_root(), &mut files);
    files.sort();
    assert!(files.len() > 5, "found too few Rust files: {files:?}");
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let missing: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text
                .lines()
                .take_while(|l| l.trim().is_empty() || l.starts_with("//") || l.starts_with("#!"))
                .any(|l| l.starts_with("//!"))
        })
        .map(|p| relative(&p))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!` line saying what they are for:\n{}",
        missing.join("\n")
    );
}

/// Printing to the terminal belongs to the CLI and its renderers (and to tests, fuzz targets
/// and benchmarks, which are programs of their own).
fn may_print(rel: &str) -> bool {
    rel.starts_with("engine/src/cli/")
        || rel == "engine/src/main.rs"
        || rel.starts_with("tests/")
        || rel.starts_with("fuzz/")
        || rel.contains("/tests/")
        || rel.contains("/benches/")
        || rel.contains("/examples/")
        || rel.contains("/bin/")
}

#[test]
fn only_the_cli_prints() {
    let macros = ["println!(", "print!(", "eprintln!(", "eprint!(", "dbg!("];
    let mut offenders = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        if may_print(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Unit tests at the bottom of a file may print.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            if macros.iter().any(|m| {
                line.match_indices(m).any(|(i, _)| {
                    // `eprintln!(` contains `println!(`: only count whole macro names.
                    i == 0 || !line.as_bytes()[i - 1].is_ascii_alphanumeric()
                })
            }) {
                offenders.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "printing outside the CLI (return data and let engine/src/cli render it):\n{}",
        offenders.join("\n")
    );
}

/// No god-modules: a source file is split by job before it grows past this many lines.
const MAX_SOURCE_LINES: usize = 800;

#[test]
fn no_source_file_is_a_god_module() {
    let long: Vec<String> = rust_files()
        .into_iter()
        .filter(|p| {
            let rel = relative(p);
            !rel.starts_with("tests/") && !rel.contains("/tests/") && !rel.starts_with("fuzz/")
        })
        .filter_map(|p| {
            let lines = std::fs::read_to_string(&p)
                .unwrap_or_default()
                .lines()
                .count();
            (lines > MAX_SOURCE_LINES).then(|| format!("{} ({lines} lines)", relative(&p)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "source files over {MAX_SOURCE_LINES} lines (split them by job):\n{}",
        long.join("\n")
    );
}
