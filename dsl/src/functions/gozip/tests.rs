//! Byte-exactness against Terraform: the inputs of dsl/tests/fixtures/base64gzip.json are
//! regenerated from their specs and gzipped; the expected bytes were recorded from real
//! Terraform 1.15.5 by scripts/gen-base64gzip-fixtures. Plus round trips through flate2.

use std::io::Read;

use base64::Engine;
use proptest::prelude::*;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::gzip;

fn xorshift(seed: u64) -> impl Iterator<Item = usize> {
    let mut x = seed as u32;
    std::iter::repeat_with(move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as usize
    })
}

/// An alphabet is a string (its characters) or a list of strings.
fn alphabet(spec: &Json) -> Vec<String> {
    match &spec["alphabet"] {
        Json::String(s) => s.chars().map(String::from).collect(),
        Json::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_string())
            .collect(),
        _ => panic!("bad alphabet in {spec}"),
    }
}

fn num(spec: &Json, key: &str) -> usize {
    spec[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {spec}")) as usize
}

/// The input a spec describes; keep in step with `gen` in the generator script.
fn generate(spec: &Json, words: &[String]) -> String {
    let text = || spec["text"].as_str().unwrap_or_default().to_string();
    match spec["kind"].as_str().unwrap_or_default() {
        "text" => text(),
        "repeat" => text().repeat(num(spec, "count")),
        "chars" => (num(spec, "from")..=num(spec, "to"))
            .filter_map(|c| char::from_u32(c as u32))
            .collect(),
        "random" => {
            let a = alphabet(spec);
            let r = xorshift(num(spec, "seed") as u64);
            r.take(num(spec, "count"))
                .map(|x| a[x % a.len()].as_str())
                .collect()
        }
        "words" => {
            let r = xorshift(num(spec, "seed") as u64);
            let picked: Vec<&str> = r
                .take(num(spec, "count"))
                .map(|x| words[x % words.len()].as_str())
                .collect();
            picked.join(" ")
        }
        "runs" => {
            let a = alphabet(spec);
            let mut r = xorshift(num(spec, "seed") as u64);
            let mut out = String::new();
            for _ in 0..num(spec, "count") {
                let c = &a[r.next().unwrap_or_default() % a.len()];
                let n = 1 + r.next().unwrap_or_default() % num(spec, "max");
                out.push_str(&c.repeat(n));
            }
            out
        }
        "concat" => spec["parts"]
            .as_array()
            .map(|parts| parts.iter().map(|p| generate(p, words)).collect())
            .unwrap_or_default(),
        other => panic!("unknown spec kind {other}"),
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn byte_identical_to_terraform() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/base64gzip.json"
    );
    let doc: Json = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture file"))
        .expect("fixture JSON");
    let words: Vec<String> = doc["words"]
        .as_array()
        .expect("words")
        .iter()
        .map(|w| w.as_str().unwrap_or_default().to_string())
        .collect();
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 58);
    let mut failed = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or_default();
        let input = generate(&case["spec"], &words);
        assert_eq!(input.len(), num(case, "input_len"), "{name}: input length");
        assert_eq!(
            hex_sha256(input.as_bytes()),
            case["input_sha256"].as_str().unwrap_or_default(),
            "{name}: regenerated input differs from the recorded one"
        );
        let got = super::super::encoding::b64().encode(gzip(input.as_bytes()));
        let ok = match case.get("expected").and_then(Json::as_str) {
            Some(want) => got == want,
            None => hex_sha256(got.as_bytes()) == case["expected_sha256"].as_str().unwrap_or(""),
        };
        if !ok {
            failed.push(name.to_string());
        }
    }
    assert!(failed.is_empty(), "differs from Terraform: {failed:?}");
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

#[test]
fn round_trips_across_window_slides() {
    // Mostly-incompressible data past several window slides, then a long repeat.
    let mut data: Vec<u8> = xorshift(99)
        .take(200_000)
        .map(|x| (x % 251) as u8)
        .collect();
    data.extend(std::iter::repeat_n(b'z', 70_000));
    assert_eq!(gunzip(&gzip(&data)), data);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn decompresses_to_the_input(
        parts in proptest::collection::vec(
            (proptest::collection::vec(0u8..8, 0..400), 1usize..40), 0..12)
    ) {
        // Small alphabets and repeated chunks give matches of every length and distance.
        let mut data = Vec::new();
        for (chunk, times) in &parts {
            for _ in 0..*times {
                data.extend_from_slice(chunk);
            }
        }
        prop_assert_eq!(gunzip(&gzip(&data)), data);
    }

    #[test]
    fn arbitrary_bytes_round_trip(data in proptest::collection::vec(any::<u8>(), 0..3000)) {
        prop_assert_eq!(gunzip(&gzip(&data)), data);
    }
}
