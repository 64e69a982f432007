//! Benchmark (not a test: `#[ignore]`, run by `scripts/bench-aws-latency`): the apply of
//! `examples/web-asg-rds` against moto with 50 ms of latency added to every call by the proxy,
//! against its lower bound: the longest dependency chain's calls × 50 ms.
//!
//! The lower bound is measured, not guessed: a calibration apply of the same saved plan with
//! `-parallelism=1` and no latency gives, from `apply -json`'s microsecond `apply_start` /
//! `apply_complete` times and the proxy's call log, how many calls each resource instance made;
//! `terrane graph` gives the chains. Then the timed apply (default parallelism,
//! 50 ms a call) runs the same plan against a fresh moto.

#[path = "support/examples.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use support::{text, Sandbox};
use terrane_provider_aws::testing::Moto;
use terrane_provider_aws::testing_proxy::FaultProxy;

const LATENCY: Duration = Duration::from_millis(50);
const VARS: &[(&str, &str)] = &[
    ("TF_VAR_dbpassword", "correct-horse-battery"),
    ("TF_VAR_db_final_snapshot", "false"),
];

/// RFC 3339 with microseconds (`2026-11-29T04:19:13.556495Z`) to a time.
fn parse_ts(ts: &str) -> SystemTime {
    let num = |a: usize, b: usize| ts[a..b].parse::<i64>().expect("a timestamp");
    let (y, m, d) = (num(0, 4), num(5, 7), num(8, 10));
    let secs_of_day = num(11, 13) * 3600 + num(14, 16) * 60 + num(17, 19);
    let micros = ts[20..26].parse::<u64>().expect("microseconds");
    // Days from civil (proleptic Gregorian), the inverse of the engine's clock.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    SystemTime::UNIX_EPOCH
        + Duration::from_secs((days * 86_400 + secs_of_day) as u64)
        + Duration::from_micros(micros)
}

/// Each resource instance's [start, end] from an `apply -json` stream, in start order.
fn intervals(stream: &str) -> Vec<(String, SystemTime, SystemTime)> {
    let mut started: BTreeMap<String, SystemTime> = BTreeMap::new();
    let mut out = Vec::new();
    for line in stream.lines() {
        let Ok(m) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let addr = m["hook"]["resource"]["addr"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let ts = parse_ts(
            m["@timestamp"]
                .as_str()
                .unwrap_or("1970-01-01T00:00:00.000000Z"),
        );
        match m["type"].as_str() {
            Some("apply_start") => {
                started.insert(addr, ts);
            }
            Some("apply_complete") => {
                if let Some(start) = started.remove(&addr) {
                    out.push((addr, start, ts));
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|(_, s, _)| *s);
    out
}

/// The configuration address of an instance address (`module.m.aws_x.y[0]` -> `module.m.aws_x.y`).
fn config_addr(instance: &str) -> &str {
    match instance.rfind('[') {
        Some(i) if instance.ends_with(']') => &instance[..i],
        _ => instance,
    }
}

fn apply_json(sb: &Sandbox, dir: &Path, extra_args: &[&str]) -> (String, Duration) {
    let mut args = vec!["apply", "-json"];
    args.extend_from_slice(extra_args);
    args.push("plan.bin");
    let start = Instant::now();
    let o = sb.run(dir, &args, VARS);
    let took = start.elapsed();
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    (String::from_utf8_lossy(&o.stdout).into_owned(), took)
}

fn plan(sb: &Sandbox, dir: &Path) {
    let o = sb.run(dir, &["plan", "-out=plan.bin"], VARS);
    assert!(o.status.success(), "plan failed:\n{}", text(&o));
}

fn destroy(sb: &Sandbox, dir: &Path) {
    let o = sb.run(dir, &["destroy", "-auto-approve"], VARS);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
}

/// moto loads a service's code on that service's first call (0.3 s and more on a loaded
/// machine), and makes some things on first use that AWS has from the start: one read of each
/// service the example uses, straight to moto (not through the proxy: neither delayed nor
/// counted), before the timed apply; KMS, which moto's EC2 and RDS call for encrypted volumes
/// and databases; and the first-use work below.
fn warm_up(moto: &Moto) {
    use terrane_provider_aws::client::s3::S3Request;
    use terrane_provider_aws::client::{endpoint, Idempotency, Params};
    let client = moto.client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        client
            .ec2("DescribeVpcs", &Params::new())
            .await
            .expect("EC2");
        for (service, action) in [
            (&endpoint::IAM, "ListRoles"),
            (&endpoint::STS, "GetCallerIdentity"),
            (&endpoint::ELB, "DescribeLoadBalancers"),
            (&endpoint::AUTOSCALING, "DescribeAutoScalingGroups"),
            (&endpoint::CLOUDWATCH, "DescribeAlarms"),
            (&endpoint::RDS, "DescribeDBInstances"),
        ] {
            client
                .query(service, action, &Params::new(), Idempotency::Safe)
                .await
                .unwrap_or_else(|e| panic!("{action}: {e}"));
        }
        // moto makes the account's `aws/ebs` KMS key (an RSA key pair, ~0.3 s of its CPU) on
        // the first encrypted volume; AWS has it already. One encrypted volume, deleted.
        let volume = client
            .ec2_write(
                "CreateVolume",
                &Params::new()
                    .set(
                        "AvailabilityZone",
                        format!("{}a", terrane_provider_aws::testing::REGION),
                    )
                    .set("Size", "1")
                    .set("Encrypted", "true"),
                Idempotency::Unsafe,
            )
            .await
            .expect("CreateVolume");
        let volume_id = volume.text_of("volumeId").expect("a volume id").to_string();
        client
            .ec2_write(
                "DeleteVolume",
                &Params::new().set("VolumeId", volume_id),
                Idempotency::Unsafe,
            )
            .await
            .expect("DeleteVolume");
        // moto's first database parses its maintenance window with `strptime`, whose
        // first use in a process builds Python's locale tables (~0.1 s). One database, deleted.
        for (action, params) in [
            (
                "CreateDBInstance",
                Params::new()
                    .set("DBInstanceIdentifier", "warm-up")
                    .set("DBInstanceClass", "db.t3.micro")
                    .set("Engine", "mysql")
                    .set("AllocatedStorage", "5")
                    .set("MasterUsername", "warmup")
                    .set("MasterUserPassword", "warm-up-password"),
            ),
            (
                "DeleteDBInstance",
                Params::new()
                    .set("DBInstanceIdentifier", "warm-up")
                    .set("SkipFinalSnapshot", "true"),
            ),
        ] {
            client
                .query(&endpoint::RDS, action, &params, Idempotency::Unsafe)
                .await
                .unwrap_or_else(|e| panic!("{action}: {e}"));
        }
        let kms = endpoint::Service {
            key: "kms",
            env_suffix: "KMS",
            signing_name: "kms",
            host_prefix: "kms",
            target_prefix: "TrentService",
            protocol: terrane_provider_aws::client::Protocol::Json,
            ..endpoint::STS
        };
        client
            .json(&kms, "ListKeys", &serde_json::json!({}), Idempotency::Safe)
            .await
            .expect("KMS");
        let list = S3Request {
            bucket: None,
            key: None,
            query: "",
            headers: Vec::new(),
            body: Vec::new(),
        };
        client
            .s3("ListBuckets", "GET", &list, Idempotency::Safe)
            .await
            .expect("S3");
    });
}

/// A process's user + system CPU time so far, from `/proc/PID/stat` (zero where unreadable).
fn cpu_time(pid: u32) -> Duration {
    proc_times(&pid.to_string(), 11)
}

/// The CPU time of the children this process has waited for (the `terrane` runs).
fn children_cpu_time() -> Duration {
    proc_times("self", 13)
}

/// Two clock-tick counts at `first` and `first + 1` of `/proc/WHO/stat` (counted after the
/// command name), summed.
fn proc_times(who: &str, first: usize) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{who}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) closed by the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the name), cutime
    // and cstime 16 and 17; the kernel counts them in USER_HZ, 100 a second on Linux.
    Duration::from_millis((ticks(first) + ticks(first + 1)) * 10)
}

/// With `TERRANE_BENCH_TRACE` set: the timed apply's calls and resources on one time line
/// (milliseconds since the apply process started).
fn trace(
    began: SystemTime,
    stream: &str,
    log: &[(SystemTime, String)],
    replies: &[(SystemTime, String)],
) {
    let ms = |t: &SystemTime| t.duration_since(began).unwrap_or_default().as_secs_f64() * 1000.0;
    let mut lines: Vec<(f64, String)> = log
        .iter()
        .map(|(t, what)| (ms(t), format!("  call {what}")))
        .chain(
            replies
                .iter()
                .filter(|(t, _)| *t >= began)
                .map(|(t, what)| (ms(t), format!("  back {what}"))),
        )
        .collect();
    for (addr, s, e) in intervals(stream) {
        lines.push((ms(&s), format!("start {addr}")));
        lines.push((ms(&e), format!("done  {addr} ({:.0} ms)", ms(&e) - ms(&s))));
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (t, l) in lines {
        println!("{t:8.1} {l}");
    }
}

#[test]
#[ignore = "a benchmark: scripts/bench-aws-latency"]
fn web_asg_rds_apply_with_50ms_latency() {
    // Calibration: calls per instance, one instance at a time, no latency.
    let moto = Moto::start_blocking();
    let proxy = FaultProxy::with_latency(&moto.endpoint, usize::MAX, usize::MAX, Duration::ZERO);
    let sb = Sandbox::new(&moto, &proxy.url, "bench-calibrate");
    let dir = sb.example("web-asg-rds");
    plan(&sb, &dir);
    let first = proxy.log.lock().expect("log").len();
    let (stream, _) = apply_json(&sb, &dir, &["-parallelism=1"]);
    let log: Vec<(SystemTime, String)> = proxy.log.lock().expect("log")[first..].to_vec();
    let spans = intervals(&stream);
    let mut calls: BTreeMap<String, usize> = BTreeMap::new();
    let mut unattributed = Vec::new();
    for (at, what) in &log {
        match spans.iter().find(|(_, s, e)| s <= at && at <= e) {
            Some((addr, _, _)) => *calls.entry(addr.clone()).or_default() += 1,
            None => unattributed.push(what.clone()),
        }
    }
    // The dependency graph (`terrane graph`: `"a" -> "b"` when a depends on b), through
    // locals, module variables and outputs.
    let graph = sb.run(&dir, &["graph"], VARS);
    assert!(graph.status.success(), "graph failed:\n{}", text(&graph));
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&graph.stdout).lines() {
        if let Some((from, to)) = line.trim().split_once(" -> ") {
            deps.entry(from.trim_matches('"').to_string())
                .or_default()
                .push(to.trim_matches('"').to_string());
        }
    }
    destroy(&sb, &dir);
    drop(sb);

    // The longest chain over the graph: a configuration node costs the calls of its
    // costliest instance (instances of one resource run side by side), other nodes nothing.
    let mut cost: BTreeMap<&str, usize> = BTreeMap::new();
    for (addr, own) in &calls {
        let c = cost.entry(config_addr(addr)).or_default();
        *c = (*c).max(*own);
    }
    fn longest<'a>(
        node: &'a str,
        deps: &'a BTreeMap<String, Vec<String>>,
        cost: &BTreeMap<&str, usize>,
        memo: &mut BTreeMap<&'a str, (usize, Vec<String>)>,
    ) -> (usize, Vec<String>) {
        if let Some(m) = memo.get(node) {
            return m.clone();
        }
        let mut best = (0, Vec::new());
        for d in deps.get(node).into_iter().flatten() {
            let r = longest(d, deps, cost, memo);
            if r.0 > best.0 {
                best = r;
            }
        }
        let own = cost.get(node).copied().unwrap_or(0);
        if own > 0 {
            best.0 += own;
            best.1.push(format!("{node} ({own})"));
        }
        memo.insert(node, best.clone());
        best
    }
    let mut memo = BTreeMap::new();
    let (longest_calls, longest_path) = deps
        .keys()
        .map(|n| longest(n, &deps, &cost, &mut memo))
        .max_by_key(|(c, _)| *c)
        .unwrap_or_default();
    let lower_bound = LATENCY * longest_calls as u32;

    // The timed apply: default parallelism, 50 ms a call, a fresh moto (warmed up).
    let moto = Moto::start_blocking();
    warm_up(&moto);
    let proxy = FaultProxy::with_latency(&moto.endpoint, usize::MAX, usize::MAX, LATENCY);
    let sb = Sandbox::new(&moto, &proxy.url, "bench-timed");
    let dir = sb.example("web-asg-rds");
    plan(&sb, &dir);
    let first = proxy.log.lock().expect("log").len();
    let began = SystemTime::now();
    let moto_cpu_before = cpu_time(moto.pid());
    let terrane_cpu_before = children_cpu_time();
    let (timed_stream, took) = apply_json(&sb, &dir, &[]);
    let moto_cpu = cpu_time(moto.pid()).saturating_sub(moto_cpu_before);
    let terrane_cpu = children_cpu_time().saturating_sub(terrane_cpu_before);
    let timed_log: Vec<(SystemTime, String)> = proxy.log.lock().expect("log")[first..].to_vec();
    let timed_replies: Vec<(SystemTime, String)> = proxy.replies.lock().expect("replies").clone();
    let timed_calls = timed_log.len();
    destroy(&sb, &dir);
    if std::env::var_os("TERRANE_BENCH_TRACE").is_some() {
        trace(began, &timed_stream, &timed_log, &timed_replies);
    }

    let total: usize = calls.values().sum();
    println!("web-asg-rds apply, {} instances, {total} calls ({} outside any resource: {unattributed:?})", spans.len(), unattributed.len());
    println!(
        "longest chain: {longest_calls} calls: {}",
        longest_path.join(" -> ")
    );
    println!(
        "lower bound (longest chain's calls x 50 ms): {:.2} s",
        lower_bound.as_secs_f64()
    );
    println!(
        "apply with 50 ms a call ({timed_calls} calls): {:.2} s",
        took.as_secs_f64()
    );
    println!(
        "CPU time during that apply: moto {:.2} s, terrane {:.2} s",
        moto_cpu.as_secs_f64(),
        terrane_cpu.as_secs_f64()
    );
    println!(
        "ratio: {:.2} (target <= 1.3)",
        took.as_secs_f64() / lower_bound.as_secs_f64()
    );
}
