//! The backend conformance suite: every behaviour a [`Backend`] promises (versions, history,
//! change sets, intents, snapshots, workspaces, locks, encryption, concurrent writers), as
//! checks that any backend's tests run with a factory of fresh stores. Built with the
//! `testing` feature; the checks panic (assert) on failure, as test code does.
//!
//! ```ignore
//! terrane_state::conformance::run_all(&|| {
//!     let dir = tempfile::tempdir().unwrap();
//!     let path = dir.path().join("state.db");
//!     std::sync::Arc::new(move |key| {
//!         let _keep = &dir;
//!         Ok(Box::new(SqliteBackend::open_with(&path, key)?) as Box<dyn Backend>)
//!     })
//! });
//! ```

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use terrane_dsl::value::{Path, Type, Value};

use crate::address::ResourceAddress;
use crate::backend::{Backend, LockGuard};
use crate::crypto::EncryptionKey;
use crate::error::{Result, StateError};
use crate::record::{
    LockInfo, NewIntent, OutputValue, Outputs, ResourceRecord, ResourceStatus, Snapshot,
};

/// Opens one store (each call reaches the same store, as a new process would) with a key or
/// none.
pub type Opener = Arc<dyn Fn(Option<EncryptionKey>) -> Result<Box<dyn Backend>> + Send + Sync>;

/// One check of the suite.
pub type Check = fn(&Opener);

/// Every check, by name.
pub const CHECKS: &[(&str, Check)] = &[
    ("empty_workspace", empty_workspace),
    ("change_sets_make_versions", change_sets_make_versions),
    (
        "writes_are_durable_before_finish",
        writes_are_durable_before_finish,
    ),
    ("intents", intents),
    ("write_snapshot", write_snapshot),
    ("workspaces", workspaces),
    ("locks", locks),
    ("lock_waits_for_release", lock_waits_for_release),
    ("encryption", encryption),
    ("concurrent_writers", concurrent_writers),
];

/// Runs every check, each on a fresh store from `new_store`.
pub fn run_all(new_store: &dyn Fn() -> Opener) {
    for (_, check) in CHECKS {
        check(&new_store());
    }
}

fn open(o: &Opener) -> Box<dyn Backend> {
    o(None).expect("the store opens")
}

/// A record whose attributes use every kind of type, so exact round trips are checked.
pub fn sample_record(address: &str, id: &str) -> ResourceRecord {
    let a = ResourceAddress::parse(address).expect("valid address");
    let attrs = Value::object_from([
        ("id", Value::string(id)),
        (
            "tags",
            Value::map(Type::String, [("k".to_string(), Value::string("v"))].into()).expect("map"),
        ),
        (
            "ports",
            Value::set(Type::Number, vec![Value::int(443), Value::int(80)]).expect("set"),
        ),
        (
            "names",
            Value::list(Type::String, vec![Value::string("a")]).expect("list"),
        ),
        ("password", Value::string("hunter2")),
        ("gone", Value::null(Type::list(Type::Bool))),
        (
            "mixed",
            Value::tuple(vec![Value::int(1), Value::bool(true)]),
        ),
    ]);
    let mut r = ResourceRecord::new(
        &a,
        "provider[\"registry.terraform.io/hashicorp/aws\"]",
        attrs,
    );
    r.sensitive_paths = vec![Path::root().attr("password")];
    r.dependencies = vec!["aws_vpc.main".to_string()];
    r.private = Some("eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==".to_string());
    r.schema_version = 1;
    r
}

fn outputs(v: &str) -> Outputs {
    let mut o = Outputs::new();
    o.insert(
        "endpoint".into(),
        OutputValue {
            value: Value::string(v),
            sensitive: false,
        },
    );
    o.insert(
        "secret".into(),
        OutputValue {
            value: Value::object_from([("pw", Value::string("hunter2"))]),
            sensitive: true,
        },
    );
    o
}

/// An intent without provider or configuration.
fn bare_intent<'a>(address: &'a str, token: &'a str) -> NewIntent<'a> {
    NewIntent {
        address,
        token,
        provider: "",
        config: None,
    }
}

/// A create's configuration with a secret in it.
fn intent_config() -> Value {
    Value::object_from([
        ("name", Value::string("db")),
        ("password", Value::string("hunter2")),
        ("port", Value::null(Type::Number)),
    ])
}

fn addresses(s: &Snapshot) -> Vec<String> {
    s.resources.iter().map(|r| r.address.clone()).collect()
}

/// An unknown workspace reads as empty, has no history and no versions.
pub fn empty_workspace(o: &Opener) {
    let b = open(o);
    let s = b.read("default").expect("read");
    assert_eq!((s.serial, s.lineage.as_str()), (0, ""));
    assert!(s.resources.is_empty() && s.outputs.is_empty() && s.intents.is_empty());
    assert!(b.history("default").expect("history").is_empty());
    assert!(b.workspaces().expect("workspaces").is_empty());
    assert!(b.list("default").expect("list").is_empty());
    assert!(matches!(
        b.read_version("default", 1),
        Err(StateError::NoSuchWorkspace(_))
    ));
}

/// Each change set is one version; every version reads back exactly; history counts changes.
pub fn change_sets_make_versions(o: &Opener) {
    let b = open(o);
    let a1 = sample_record("aws_instance.a", "i-1");
    let b1 = sample_record("module.net.aws_subnet.b[\"x\"]", "s-1");
    let mut cs = b.begin("default", "apply").expect("begin");
    assert_eq!(cs.serial(), 1);
    cs.put_resource(&a1).expect("put");
    cs.put_resource(&b1).expect("put");
    cs.set_outputs(&outputs("one")).expect("outputs");
    let v1 = cs.finish().expect("finish");
    assert_eq!((v1.serial, v1.added, v1.changed, v1.removed), (1, 2, 0, 0));
    assert!(v1.complete);

    let s1 = b.read("default").expect("read");
    assert_eq!(s1.serial, 1);
    assert!(!s1.lineage.is_empty());
    assert_eq!(s1.resources, vec![a1.clone(), b1.clone()]);
    for (got, want) in s1.resources.iter().zip([&a1, &b1]) {
        assert_eq!(
            got.attributes.ty(),
            want.attributes.ty(),
            "types round-trip"
        );
    }
    assert_eq!(s1.outputs, outputs("one"));

    let mut a2 = a1.clone();
    a2.attributes = Value::object_from([("id", Value::string("i-2"))]);
    let c = sample_record("data.aws_ami.c", "ami-1");
    let mut cs = b.begin("default", "apply").expect("begin");
    assert_eq!(cs.serial(), 2);
    cs.put_resource(&a1).expect("identical put");
    cs.put_resource(&a2).expect("put");
    cs.put_resource(&a2).expect("second put in one version");
    cs.remove_resource(&b1.address, None).expect("remove");
    cs.remove_resource("aws_instance.missing", None)
        .expect("removing a missing record is fine");
    cs.put_resource(&c).expect("put");
    cs.set_outputs(&outputs("two")).expect("outputs");
    let v2 = cs.finish().expect("finish");
    assert_eq!((v2.serial, v2.added, v2.changed, v2.removed), (2, 1, 1, 1));

    let s2 = b.read("default").expect("read");
    assert_eq!(s2.serial, 2);
    assert_eq!(s2.lineage, s1.lineage, "lineage is fixed");
    assert_eq!(addresses(&s2), ["aws_instance.a", "data.aws_ami.c"]);
    assert_eq!(s2.resource("aws_instance.a"), Some(&a2));
    let old = b.read_version("default", 1).expect("version 1");
    assert_eq!(old.resources, s1.resources);
    assert_eq!(old.outputs, s1.outputs);
    assert_eq!(old.lineage, s1.lineage);
    let again = b.read_version("default", 2).expect("version 2");
    assert_eq!(again.resources, s2.resources);
    assert!(matches!(
        b.read_version("default", 3),
        Err(StateError::NoSuchVersion { serial: 3, .. })
    ));
    let h = b.history("default").expect("history");
    assert_eq!(h.iter().map(|v| v.serial).collect::<Vec<_>>(), [1, 2]);
    assert!(h.iter().all(|v| v.complete && v.operation == "apply"));

    // Counts follow what a version did in the end: removed then put back is a change, put
    // then removed is nothing, a re-put of a changed record counts once.
    let mut a3 = a2.clone();
    a3.attributes = Value::object_from([("id", Value::string("i-3"))]);
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.remove_resource(&a2.address, None).expect("remove");
    cs.put_resource(&a3).expect("put back");
    cs.put_resource(&b1).expect("put new");
    cs.remove_resource(&b1.address, None).expect("remove new");
    cs.put_resource(&c).expect("identical");
    let v = cs.finish().expect("finish");
    assert_eq!((v.added, v.changed, v.removed), (0, 1, 0));
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&a2).expect("put");
    cs.put_resource(&a3).expect("put again");
    cs.put_resource(&a2).expect("and back");
    cs.remove_resource(&a2.address, None).expect("then remove");
    cs.remove_resource(&c.address, None).expect("remove");
    let v = cs.finish().expect("finish");
    assert_eq!((v.added, v.changed, v.removed), (0, 0, 2));
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&a2).expect("put");
    cs.put_resource(&c).expect("put");
    cs.finish().expect("finish");
    assert_eq!(b.read("default").expect("read").resources, s2.resources);
    assert_eq!(
        b.read_version("default", 2).expect("v2").resources,
        s2.resources
    );

    // Deposed objects live beside the current one.
    let mut deposed = a2.clone();
    deposed.deposed = Some("00000001".into());
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&deposed).expect("put deposed");
    cs.finish().expect("finish");
    let s3 = b.read("default").expect("read");
    assert_eq!(s3.resources.len(), 3);
    assert_eq!(s3.resource("aws_instance.a"), Some(&a2));
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.remove_resource("aws_instance.a", Some("00000001"))
        .expect("remove deposed");
    cs.finish().expect("finish");
    assert_eq!(b.read("default").expect("read").resources, s2.resources);

    // Invalid records are refused, not stored.
    let mut bad = a1.clone();
    bad.name = "other".into();
    let mut cs = b.begin("default", "apply").expect("begin");
    assert!(matches!(
        cs.put_resource(&bad),
        Err(StateError::InvalidRecord { .. })
    ));
    let mut unknown = a1.clone();
    unknown.attributes = Value::unknown(Type::String);
    assert!(matches!(
        cs.put_resource(&unknown),
        Err(StateError::Value { .. })
    ));
    cs.finish().expect("finish");
}

/// A put is durable (visible to another opener) before the change set finishes; a change set
/// abandoned without `finish` keeps its writes and shows as incomplete.
pub fn writes_are_durable_before_finish(o: &Opener) {
    let b = open(o);
    let r = sample_record("aws_instance.a", "i-1");
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&r).expect("put");
    let other = open(o);
    assert_eq!(
        other.read("default").expect("read").resources,
        vec![r.clone()]
    );
    drop(cs);
    let mut cs = b.begin("default", "apply").expect("begin after abandon");
    assert_eq!(cs.serial(), 2);
    cs.put_resource(&sample_record("aws_instance.b", "i-2"))
        .expect("put");
    cs.finish().expect("finish");
    let h = b.history("default").expect("history");
    assert_eq!(h.len(), 2);
    assert!(!h[0].complete, "the abandoned version is marked incomplete");
    assert_eq!(h[0].added, 1);
    assert!(h[1].complete);
    assert_eq!(b.read_version("default", 1).expect("v1").resources, vec![r]);
}

/// Intents are recorded, survive until cleared, and are cleared by the record's put.
pub fn intents(o: &Opener) {
    let b = open(o);
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.record_intent(&bare_intent("aws_instance.a", "token-a"))
        .expect("intent");
    cs.record_intent(&bare_intent("aws_instance.b", "token-b"))
        .expect("intent");
    let config = intent_config();
    let west = "provider[\"registry.terraform.io/hashicorp/aws\"].west";
    cs.record_intent(&NewIntent {
        address: "aws_instance.b",
        token: "token-b2",
        provider: west,
        config: Some(&config),
    })
    .expect("replace intent");
    let s = open(o).read("default").expect("read");
    let got: Vec<(&str, &str)> = s
        .intents
        .iter()
        .map(|i| (i.address.as_str(), i.token.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("aws_instance.a", "token-a"),
            ("aws_instance.b", "token-b2")
        ]
    );
    assert_eq!(s.intents[0].operation, "apply");
    assert_eq!(
        (s.intents[0].provider.as_str(), &s.intents[0].config),
        ("", &None)
    );
    // The provider and the configuration read back exactly (null attributes with their type).
    assert_eq!(s.intents[1].provider, west);
    assert_eq!(s.intents[1].config, Some(config));
    cs.put_resource(&sample_record("aws_instance.a", "i-1"))
        .expect("put");
    cs.clear_intent("aws_instance.missing")
        .expect("clear nothing");
    cs.finish().expect("finish");
    let s = b.read("default").expect("read");
    assert_eq!(s.intents.len(), 1);
    assert_eq!(s.intents[0].address, "aws_instance.b");
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.clear_intent("aws_instance.b").expect("clear");
    cs.finish().expect("finish");
    assert!(b.read("default").expect("read").intents.is_empty());
    assert!(b.read_version("default", 1).expect("v1").intents.is_empty());
}

/// `write_snapshot` replaces the state as one version, keeps a higher serial, adopts lineage.
pub fn write_snapshot(o: &Opener) {
    let b = open(o);
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&sample_record("aws_instance.old", "i-0"))
        .expect("put");
    cs.finish().expect("finish");
    let mut snap = Snapshot::empty("0f3f1c6e-0000-4000-8000-000000000001");
    snap.serial = 10;
    snap.resources = vec![
        sample_record("aws_instance.a", "i-1"),
        sample_record("aws_instance.b[0]", "i-2"),
    ];
    snap.outputs = outputs("x");
    assert_eq!(
        b.write_snapshot("default", &snap, "push").expect("write"),
        10
    );
    let s = b.read("default").expect("read");
    assert_eq!(s.serial, 10);
    assert_eq!(s.lineage, snap.lineage);
    assert_eq!(s.resources, snap.resources);
    assert_eq!(s.outputs, snap.outputs);
    let h = b.history("default").expect("history");
    let last = h.last().expect("a version");
    assert_eq!(
        (
            last.serial,
            last.added,
            last.removed,
            last.operation.as_str()
        ),
        (10, 2, 1, "push")
    );
    // A lower serial gives current + 1; an empty lineage keeps the workspace's.
    let mut smaller = snap.clone();
    smaller.serial = 3;
    smaller.lineage = String::new();
    smaller.resources.pop();
    assert_eq!(
        b.write_snapshot("default", &smaller, "state rm")
            .expect("write"),
        11
    );
    let s = b.read("default").expect("read");
    assert_eq!(s.lineage, snap.lineage);
    assert_eq!(addresses(&s), ["aws_instance.a"]);
    assert_eq!(
        b.read_version("default", 10).expect("v10").resources,
        snap.resources
    );
    // Duplicates are refused.
    let mut dup = snap.clone();
    dup.resources.push(dup.resources[0].clone());
    assert!(b.write_snapshot("default", &dup, "push").is_err());
    assert_eq!(b.read("default").expect("read").serial, 11);
}

/// Workspaces are independent, listed, created with a lineage and deletable.
pub fn workspaces(o: &Opener) {
    let b = open(o);
    let lineage = b.create_workspace("staging").expect("create");
    assert!(!lineage.is_empty());
    assert_eq!(b.create_workspace("staging").expect("again"), lineage);
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&sample_record("aws_instance.a", "i-1"))
        .expect("put");
    cs.finish().expect("finish");
    assert_eq!(b.workspaces().expect("list"), ["default", "staging"]);
    let staging = b.read("staging").expect("read");
    assert!(staging.resources.is_empty());
    assert_eq!(staging.lineage, lineage);
    assert_ne!(b.read("default").expect("read").lineage, lineage);
    b.delete_workspace("staging").expect("delete");
    assert_eq!(b.workspaces().expect("list"), ["default"]);
    assert!(matches!(
        b.delete_workspace("staging"),
        Err(StateError::NoSuchWorkspace(_))
    ));
    b.delete_workspace("default").expect("delete");
    assert_eq!(b.read("default").expect("read").serial, 0);
}

/// Locks exclude a second holder (in this or another opener), name the holder, and are
/// released by ID or forced.
pub fn locks(o: &Opener) {
    let b = open(o);
    let mut info = LockInfo::new("apply");
    info.who = "alice@host1".into();
    let id = b
        .lock("default", &info, Duration::from_secs(1))
        .expect("lock");
    assert_eq!(id, info.id);
    let held = b.lock_info("default").expect("info").expect("held");
    assert_eq!(
        (held.who.as_str(), held.operation.as_str()),
        ("alice@host1", "apply")
    );
    assert!(!held.path.is_empty(), "the path is filled in");

    let other = open(o);
    let start = Instant::now();
    let err = other
        .lock(
            "default",
            &LockInfo::new("plan"),
            Duration::from_millis(300),
        )
        .expect_err("locked");
    assert!(
        start.elapsed() >= Duration::from_millis(290),
        "waited for the timeout"
    );
    match &err {
        StateError::Locked { holder, .. } => {
            assert_eq!(holder.id, id);
            assert_eq!(holder.who, "alice@host1");
        }
        e => panic!("expected Locked, got {e:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("alice@host1") && msg.contains(&id), "{msg}");
    // Another workspace is not locked.
    let id2 = other
        .lock("staging", &LockInfo::new("plan"), Duration::ZERO)
        .expect("lock staging");
    other.unlock("staging", &id2).expect("unlock staging");

    assert!(matches!(
        other.unlock("default", "not-the-id"),
        Err(StateError::LockMismatch { .. })
    ));
    // The holder "died": force-unlock from elsewhere.
    drop(b);
    other.force_unlock("default", &id).expect("force unlock");
    assert!(other.lock_info("default").expect("info").is_none());
    assert!(matches!(
        other.unlock("default", &id),
        Err(StateError::LockMismatch { held: None, .. })
    ));
    {
        let g = LockGuard::acquire(
            other.as_ref(),
            "default",
            &LockInfo::new("apply"),
            Duration::ZERO,
        )
        .expect("guard");
        assert_eq!(
            other.lock_info("default").expect("info").map(|l| l.id),
            Some(g.id().to_string())
        );
    }
    assert!(
        other.lock_info("default").expect("info").is_none(),
        "released on drop"
    );
}

/// A lock request waits while the holder finishes, then succeeds.
pub fn lock_waits_for_release(o: &Opener) {
    let b = open(o);
    let id = b
        .lock("default", &LockInfo::new("apply"), Duration::ZERO)
        .expect("lock");
    let o2 = o.clone();
    let waiter = std::thread::spawn(move || {
        let b2 = open(&o2);
        let start = Instant::now();
        let got = b2.lock("default", &LockInfo::new("plan"), Duration::from_secs(20));
        (got, start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    b.unlock("default", &id).expect("unlock");
    let (got, waited) = waiter.join().expect("thread");
    let id2 = got.expect("acquired after release");
    assert!(waited >= Duration::from_millis(250));
    b.unlock("default", &id2).expect("unlock");
}

/// Encrypted stores need their key: reading without it or with another key fails clearly.
pub fn encryption(o: &Opener) {
    let key = EncryptionKey::from_bytes([42; 32]);
    let b = o(Some(key.clone())).expect("open with key");
    let r = sample_record("aws_db_instance.db", "db-1");
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&r).expect("put");
    cs.set_outputs(&outputs("x")).expect("outputs");
    let config = intent_config();
    cs.record_intent(&NewIntent {
        address: "aws_db_instance.next",
        token: "token-next",
        provider: "provider[\"registry.terraform.io/hashicorp/aws\"]",
        config: Some(&config),
    })
    .expect("intent");
    cs.finish().expect("finish");
    drop(b);

    let b = o(Some(key.clone())).expect("reopen with key");
    let s = b.read("default").expect("read with key");
    assert_eq!(s.resources, vec![r.clone()]);
    // An intent's configuration (which may hold secrets) is sealed like attributes.
    assert_eq!(s.intents[0].config, Some(config));
    assert_eq!(s.outputs, outputs("x"));
    assert_eq!(
        b.list("default").expect("list")[0].id.as_deref(),
        Some("db-1")
    );
    drop(b);

    let plain = open(o);
    assert!(matches!(
        plain.read("default"),
        Err(StateError::EncryptionKeyMissing(_))
    ));
    assert!(matches!(
        plain.begin("default", "apply").map(|_| ()),
        Err(StateError::EncryptionKeyMissing(_))
    ));
    match o(Some(EncryptionKey::from_bytes([7; 32]))) {
        Err(StateError::WrongEncryptionKey(_)) => {}
        Err(e) => panic!("expected WrongEncryptionKey, got {e:?}"),
        Ok(b) => assert!(matches!(
            b.read("default"),
            Err(StateError::WrongEncryptionKey(_))
        )),
    }
    // Nothing was damaged by the failed attempts.
    let b = o(Some(key)).expect("reopen");
    assert_eq!(b.read("default").expect("read").resources, vec![r]);
}

/// Ten writers, each lock → change set → unlock several times: every serial used once, no
/// write lost.
pub fn concurrent_writers(o: &Opener) {
    const THREADS: usize = 10;
    const ROUNDS: usize = 4;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let o = o.clone();
            std::thread::spawn(move || {
                let b = open(&o);
                let mut serials = Vec::new();
                for round in 0..ROUNDS {
                    let id = b
                        .lock("default", &LockInfo::new("apply"), Duration::from_secs(120))
                        .expect("lock");
                    let mut cs = b.begin("default", "apply").expect("begin");
                    serials.push(cs.serial());
                    let r = sample_record(&format!("aws_instance.t{t}[{round}]"), "x");
                    cs.put_resource(&r).expect("put");
                    cs.finish().expect("finish");
                    b.unlock("default", &id).expect("unlock");
                }
                serials
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().expect("writer thread"));
    }
    let unique: BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(all.len(), THREADS * ROUNDS);
    assert_eq!(unique.len(), all.len(), "every serial used once");
    assert_eq!(
        unique.into_iter().collect::<Vec<_>>(),
        (1..=(THREADS * ROUNDS) as u64).collect::<Vec<_>>()
    );
    let b = open(o);
    let s = b.read("default").expect("read");
    assert_eq!(s.resources.len(), THREADS * ROUNDS, "no write lost");
    assert!(s
        .resources
        .iter()
        .all(|r| r.status == ResourceStatus::Ready));
    let h = b.history("default").expect("history");
    assert!(h.iter().all(|v| v.complete && v.added == 1));
}
