//! The `state` operations against a real SQLite store: list with filters, show, mv (instance,
//! resource, whole module), rm, replace-provider, taint/untaint and rollback.

use terrane_state::conformance::sample_record;
use terrane_state::ops::{self, Moved};
use terrane_state::{AddressPattern, Backend, ResourceStatus, SqliteBackend, StateError};

fn store(addresses: &[(&str, &str)]) -> (tempfile::TempDir, SqliteBackend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let b = SqliteBackend::open_with(&dir.path().join("state.db"), None).expect("open");
    let mut cs = b.begin("default", "apply").expect("begin");
    for (a, id) in addresses {
        cs.put_resource(&sample_record(a, id)).expect("put");
    }
    cs.finish().expect("finish");
    (dir, b)
}

fn addresses(b: &SqliteBackend) -> Vec<String> {
    b.read("default")
        .expect("read")
        .resources
        .into_iter()
        .map(|r| r.address)
        .collect()
}

const SAMPLE: &[(&str, &str)] = &[
    ("aws_instance.web[0]", "i-0"),
    ("aws_instance.web[1]", "i-1"),
    ("data.aws_ami.ubuntu", "ami-1"),
    ("module.net.aws_subnet.a[\"x\"]", "subnet-x"),
    ("module.net.module.inner.aws_route.r", "r-1"),
    ("module.other.aws_subnet.a", "subnet-o"),
];

fn pats(texts: &[&str]) -> Vec<AddressPattern> {
    texts
        .iter()
        .map(|t| AddressPattern::parse(t).expect("pattern"))
        .collect()
}

#[test]
fn list_filters_by_address_and_id() {
    let (_d, b) = store(SAMPLE);
    let all = ops::list(&b, "default", &[], None).expect("list");
    assert_eq!(all.len(), SAMPLE.len());
    let names = |v: Vec<terrane_state::ResourceSummary>| -> Vec<String> {
        v.into_iter().map(|s| s.address).collect()
    };
    assert_eq!(
        names(ops::list(&b, "default", &pats(&["module.net"]), None).expect("list")),
        [
            "module.net.aws_subnet.a[\"x\"]",
            "module.net.module.inner.aws_route.r"
        ]
    );
    assert_eq!(
        names(
            ops::list(
                &b,
                "default",
                &pats(&["aws_instance.web", "data.aws_ami.ubuntu"]),
                None
            )
            .expect("list")
        ),
        [
            "aws_instance.web[0]",
            "aws_instance.web[1]",
            "data.aws_ami.ubuntu"
        ]
    );
    assert_eq!(
        names(ops::list(&b, "default", &[], Some("subnet-o")).expect("list")),
        ["module.other.aws_subnet.a"]
    );
    assert!(
        ops::list(&b, "default", &pats(&["aws_instance.web[7]"]), None)
            .expect("list")
            .is_empty()
    );
}

#[test]
fn show_finds_one_record() {
    let (_d, b) = store(SAMPLE);
    let r = ops::show(&b, "default", "module.net.aws_subnet.a[\"x\"]").expect("show");
    assert_eq!(r.id(), Some("subnet-x"));
    assert!(matches!(
        ops::show(&b, "default", "aws_instance.nope"),
        Err(StateError::NoSuchResource(_))
    ));
    assert!(matches!(
        ops::show(&b, "default", "not an address"),
        Err(StateError::InvalidAddress { .. })
    ));
}

#[test]
fn mv_instances_resources_and_modules() {
    let (_d, b) = store(SAMPLE);
    let moved = ops::mv(&b, "default", "aws_instance.web[1]", "aws_instance.web[2]").expect("mv");
    assert_eq!(
        moved,
        [Moved {
            from: "aws_instance.web[1]".into(),
            to: "aws_instance.web[2]".into()
        }]
    );
    ops::mv(&b, "default", "aws_instance.web", "aws_instance.app").expect("mv resource");
    ops::mv(&b, "default", "module.net", "module.network").expect("mv module");
    ops::mv(&b, "default", "data.aws_ami.ubuntu", "data.aws_ami.base[0]").expect("mv to key");
    assert_eq!(
        addresses(&b),
        [
            "aws_instance.app[0]",
            "aws_instance.app[2]",
            "data.aws_ami.base[0]",
            "module.network.aws_subnet.a[\"x\"]",
            "module.network.module.inner.aws_route.r",
            "module.other.aws_subnet.a",
        ]
    );
    let r = ops::show(&b, "default", "module.network.aws_subnet.a[\"x\"]").expect("moved");
    assert_eq!(
        (r.module.as_str(), r.id()),
        ("module.network", Some("subnet-x"))
    );
    // One version per mv, each with the move counted; the old addresses stay in history.
    let h = b.history("default").expect("history");
    assert_eq!(h.len(), 5);
    assert_eq!(h[3].operation, "state mv module.net module.network");
    assert_eq!((h[3].added, h[3].removed), (2, 2));
    let v1: Vec<String> = b
        .read_version("default", 1)
        .expect("v1")
        .resources
        .into_iter()
        .map(|r| r.address)
        .collect();
    assert!(v1.contains(&"aws_instance.web[1]".to_string()));

    // Refusals: existing target, type change, nothing to move, kind mismatch.
    assert!(matches!(
        ops::mv(&b, "default", "aws_instance.app[0]", "aws_instance.app[2]"),
        Err(StateError::ResourceExists(_))
    ));
    assert!(matches!(
        ops::mv(&b, "default", "module.network", "module.other"),
        Err(StateError::ResourceExists(_))
    ));
    assert!(matches!(
        ops::mv(&b, "default", "aws_instance.app", "aws_vpc.app"),
        Err(StateError::Invalid(_))
    ));
    assert!(matches!(
        ops::mv(&b, "default", "aws_instance.zzz", "aws_instance.yyy"),
        Err(StateError::NoSuchResource(_))
    ));
    assert!(matches!(
        ops::mv(&b, "default", "module.other", "aws_instance.x"),
        Err(StateError::Invalid(_))
    ));
    assert_eq!(
        b.history("default").expect("history").len(),
        5,
        "no version for refusals"
    );
}

#[test]
fn rm_forgets_records() {
    let (_d, b) = store(SAMPLE);
    let removed =
        ops::rm(&b, "default", &pats(&["module.net", "aws_instance.web[0]"])).expect("rm");
    assert_eq!(removed.len(), 3);
    assert_eq!(
        addresses(&b),
        [
            "aws_instance.web[1]",
            "data.aws_ami.ubuntu",
            "module.other.aws_subnet.a"
        ]
    );
    assert!(matches!(
        ops::rm(&b, "default", &pats(&["module.net"])),
        Err(StateError::NoSuchResource(_))
    ));
    let last = b
        .history("default")
        .expect("history")
        .pop()
        .expect("version");
    assert_eq!((last.removed, last.operation.as_str()), (3, "state rm"));
}

#[test]
fn replace_provider_keeps_aliases_and_modules() {
    let (_d, b) = store(SAMPLE);
    let mut r = sample_record("aws_instance.west", "i-w");
    r.provider = "module.x.provider[\"registry.terraform.io/hashicorp/aws\"].west".into();
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&r).expect("put");
    cs.finish().expect("finish");
    let n = ops::replace_provider(&b, "default", "hashicorp/aws", "example.com/acme/aws")
        .expect("replace");
    assert_eq!(n, SAMPLE.len() + 1);
    let r = ops::show(&b, "default", "aws_instance.west").expect("show");
    assert_eq!(
        r.provider,
        "module.x.provider[\"example.com/acme/aws\"].west"
    );
    assert_eq!(
        ops::replace_provider(&b, "default", "aws", "other").expect("none"),
        0
    );
}

#[test]
fn taint_and_untaint() {
    let (_d, b) = store(SAMPLE);
    ops::taint(&b, "default", "aws_instance.web[0]").expect("taint");
    assert_eq!(
        ops::show(&b, "default", "aws_instance.web[0]")
            .expect("show")
            .status,
        ResourceStatus::Tainted
    );
    assert!(matches!(
        ops::taint(&b, "default", "data.aws_ami.ubuntu"),
        Err(StateError::Invalid(_))
    ));
    ops::untaint(&b, "default", "aws_instance.web[0]").expect("untaint");
    assert_eq!(
        ops::show(&b, "default", "aws_instance.web[0]")
            .expect("show")
            .status,
        ResourceStatus::Ready
    );
    assert!(matches!(
        ops::untaint(&b, "default", "aws_instance.web[0]"),
        Err(StateError::Invalid(_))
    ));
}

#[test]
fn rollback_writes_a_new_version_equal_to_the_old_one() {
    let (_d, b) = store(SAMPLE);
    let v1 = b.read("default").expect("read");
    ops::rm(&b, "default", &pats(&["module.net"])).expect("rm");
    ops::taint(&b, "default", "aws_instance.web[0]").expect("taint");
    let serial = ops::rollback(&b, "default", 1).expect("rollback");
    assert_eq!(serial, 4);
    let now = b.read("default").expect("read");
    assert_eq!(now.serial, 4);
    assert_eq!(now.lineage, v1.lineage);
    assert_eq!(now.resources, v1.resources);
    let h = b.history("default").expect("history");
    assert_eq!(h.len(), 4, "history is kept, not rewritten");
    assert_eq!(h[3].operation, "rollback to 1");
    assert_eq!((h[3].added, h[3].changed), (2, 1));
    assert!(matches!(
        ops::rollback(&b, "default", 99),
        Err(StateError::NoSuchVersion { .. })
    ));
}
