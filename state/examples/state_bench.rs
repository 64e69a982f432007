//! Benchmark of the SQLite state store: 100,000 resource records written each in its own
//! transaction (one change set), then listed, read whole, and one old version read back.
//! Run with `cargo run --release -p terrane-state --example state_bench [-- COUNT [write]]`
//! (`write`: stop after the writes, for profiling). Besides wall-clock rates it prints the
//! CPU time the process got (Linux), since on a shared machine the two differ.

use std::time::{Duration, Instant};

use terrane_dsl::value::{Type, Value};
use terrane_state::{Backend, ResourceAddress, ResourceRecord, SqliteBackend};

fn record(i: usize) -> ResourceRecord {
    let a = ResourceAddress::parse(&format!("module.m{}.aws_instance.web[{}]", i % 100, i))
        .expect("valid address");
    let attrs = Value::object_from([
        ("id", Value::string(format!("i-{i:08x}"))),
        ("ami", Value::string("ami-0123456789abcdef0")),
        ("instance_type", Value::string("t3.micro")),
        (
            "tags",
            Value::map(
                Type::String,
                [("Name".to_string(), Value::string(format!("web-{i}")))].into(),
            )
            .expect("map"),
        ),
        ("ebs_optimized", Value::bool(false)),
        ("cpu_core_count", Value::int(2)),
    ]);
    ResourceRecord::new(
        &a,
        "provider[\"registry.terraform.io/hashicorp/aws\"]",
        attrs,
    )
}

/// CPU time every thread of the process has run (the writer and the background checkpoint
/// thread), the sum of `/proc/self/task/*/schedstat` (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let b = SqliteBackend::open(dir.path())?;
    let records: Vec<ResourceRecord> = (0..count).map(record).collect();

    let start = Instant::now();
    let cpu_start = cpu_time();
    let mut cs = b.begin("default", "apply")?;
    for r in &records {
        cs.put_resource(r)?;
    }
    cs.finish()?;
    let write = start.elapsed();
    let write_cpu = cpu_time().saturating_sub(cpu_start);
    println!(
        "write {count} records, one transaction each: {:.2} s, {:.0} records/s \
         (CPU time {:.2} s: {:.0} records per CPU second)",
        write.as_secs_f64(),
        count as f64 / write.as_secs_f64(),
        write_cpu.as_secs_f64(),
        count as f64 / write_cpu.as_secs_f64().max(1e-9)
    );
    if std::env::args().nth(2).as_deref() == Some("write") {
        return Ok(());
    }

    // A second apply changing 1% of the records: history keeps version 1 readable.
    let mut cs = b.begin("default", "apply")?;
    for r in records.iter().step_by(100) {
        let mut r = r.clone();
        r.attributes = Value::object_from([("id", Value::string("changed"))]);
        cs.put_resource(&r)?;
    }
    cs.finish()?;

    let start = Instant::now();
    let cpu_start = cpu_time();
    let listed = b.list("default")?;
    let list = start.elapsed();
    let list_cpu = cpu_time().saturating_sub(cpu_start);
    assert_eq!(listed.len(), count);
    println!(
        "list {count} resources (addresses, ids): {:.3} s (CPU time {:.3} s)",
        list.as_secs_f64(),
        list_cpu.as_secs_f64()
    );

    let start = Instant::now();
    let snapshot = b.read("default")?;
    let read = start.elapsed();
    assert_eq!(snapshot.resources.len(), count);
    println!(
        "read the whole current state (every value decoded): {:.3} s",
        read.as_secs_f64()
    );

    let start = Instant::now();
    let old = b.read_version("default", 1)?;
    let read_old = start.elapsed();
    assert_eq!(old.resources.len(), count);
    println!(
        "read version 1 back from history: {:.3} s",
        read_old.as_secs_f64()
    );

    let size = std::fs::metadata(b.path())?.len()
        + std::fs::metadata(b.path().with_extension("db-wal")).map_or(0, |m| m.len());
    println!("database size: {:.1} MiB", size as f64 / (1024.0 * 1024.0));
    Ok(())
}
