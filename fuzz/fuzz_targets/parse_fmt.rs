//! Fuzz target: lexing, parsing and formatting never panic or hang on any input, and
//! formatting is idempotent and keeps the meaning (see `terrane_dsl::syntax::check_roundtrip`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(problem) = terrane_dsl::format::check_roundtrip(source) {
        panic!("{problem}");
    }
});
