//! Parser and formatter throughput over a directory of configuration files (MB/s on one
//! thread): `cargo run --release -p terrane-dsl --example throughput -- DIR [ROUNDS]`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("tf" | "tn" | "tfvars" | "tnvars")
        ) {
            out.push(path);
        }
    }
}

/// Best of `rounds` timings of `f` over every source.
fn best(rounds: usize, sources: &[String], f: impl Fn(&str)) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for s in sources {
                f(s);
            }
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: throughput DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let mut files = Vec::new();
    collect(Path::new(&dir), &mut files);
    files.sort();
    let sources: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let bytes: usize = sources.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {:.2} MB, best of {rounds} rounds",
        sources.len(),
        mb
    );
    let report = |what: &str, d: Duration| {
        println!(
            "{what:<22} {:>8.1} ms  {:>7.1} MB/s",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64()
        );
    };
    report(
        "lex",
        best(rounds, &sources, |s| {
            std::hint::black_box(terrane_dsl::syntax::lex(s));
        }),
    );
    report(
        "parse (lex + tree)",
        best(rounds, &sources, |s| {
            std::hint::black_box(terrane_dsl::syntax::parse(s));
        }),
    );
    report(
        "format",
        best(rounds, &sources, |s| {
            let _ = std::hint::black_box(terrane_dsl::format::format(s));
        }),
    );
}
