//! Every input the fuzzer (or a property test) ever found a problem with, kept as a regression
//! test: each file in tests/fixtures/fuzz/ must satisfy the formatter's contract
//! (`terrane_dsl::format::check_roundtrip`) without panicking.

use std::path::Path;

#[test]
fn every_found_input_satisfies_the_contract() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/fuzz exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    assert!(
        !entries.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &entries {
        let bytes = std::fs::read(path).expect("readable fixture");
        let Ok(source) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if let Err(problem) = terrane_dsl::format::check_roundtrip(source) {
            failures.push(format!("{}: {problem}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
