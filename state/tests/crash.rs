//! Crash safety: a child process (this test binary, re-run as a writer) puts records one
//! transaction at a time and reports each commit; the parent kills it with SIGKILL mid-write,
//! then reopens the database: it must pass the integrity check and hold every record the child
//! reported committed.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use terrane_state::conformance::sample_record;
use terrane_state::{Backend, SqliteBackend};

const CHILD_ENV: &str = "TERRANE_STATE_CRASH_CHILD_DB";

/// The writer: only does something when started by the parent test with `CHILD_ENV` set.
#[test]
fn crash_child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let b = SqliteBackend::open_with(Path::new(&path), None).expect("child opens");
    let mut cs = b.begin("default", "apply").expect("begin");
    for i in 0u64.. {
        let r = sample_record(&format!("aws_instance.r[{i}]"), &format!("i-{i}"));
        cs.put_resource(&r).expect("put");
        println!("committed {i}");
        if i % 40 == 39 {
            cs.finish().expect("finish");
            cs = b.begin("default", "apply").expect("begin");
        }
    }
}

#[test]
fn killed_writer_loses_nothing_it_committed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("state.db");
    drop(SqliteBackend::open_with(&db, None).expect("create"));
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "crash_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the writer");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let committed = |line: &str| {
        line.trim()
            .strip_prefix("committed ")
            .and_then(|n| n.parse::<u64>().ok())
    };
    let mut last = None;
    let start = Instant::now();
    let mut line = String::new();
    while last.is_none_or(|n| n < 300) {
        line.clear();
        let n = reader.read_line(&mut line).expect("read");
        assert!(n > 0, "the writer stopped before being killed");
        if let Some(i) = committed(&line) {
            last = Some(i);
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "writer too slow"
        );
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    // Lines already in the pipe were printed after their commit too.
    let mut rest = String::new();
    reader.read_to_string(&mut rest).expect("drain");
    for l in rest.lines() {
        if let Some(i) = committed(l) {
            last = Some(i);
        }
    }
    let last = last.expect("some commits");

    let b = SqliteBackend::open_with(&db, None).expect("reopen after the crash");
    assert!(b.integrity_check().expect("check").is_empty());
    let s = b.read("default").expect("read");
    for i in 0..=last {
        let a = format!("aws_instance.r[{i}]");
        let r = s.resource(&a).unwrap_or_else(|| panic!("{a} lost"));
        assert_eq!(r.id(), Some(format!("i-{i}").as_str()));
    }
    assert!(
        s.resources.len() as u64 <= last + 2,
        "at most the write in flight extra"
    );
    // The interrupted change set is closed by the next one.
    let mut cs = b.begin("default", "apply").expect("begin after crash");
    cs.put_resource(&sample_record("aws_instance.after", "x"))
        .expect("put");
    cs.finish().expect("finish");
    let h = b.history("default").expect("history");
    assert!(h.last().expect("version").complete);
    assert!(h.len() as u64 >= last / 40 + 2);
}
