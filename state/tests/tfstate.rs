//! Terraform v4 state files: a real `terraform.tfstate` written by Terraform 1.15 (see
//! `fixtures/terraform_data.tf.txt` for its configuration) pushed into a SQLite store and
//! pulled back as the same document, and the push refusals.

use terrane_state::tfstate::{from_v4, pull, push, to_v4};
use terrane_state::{Backend, IndexKey, Mode, ResourceStatus, SqliteBackend, StateError};

const FIXTURE: &str = include_str!("fixtures/terraform_data.tfstate");

fn store() -> (tempfile::TempDir, SqliteBackend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let b = SqliteBackend::open_with(&dir.path().join("state.db"), None).expect("open");
    (dir, b)
}

#[test]
fn reads_a_terraform_state() {
    let s = from_v4(FIXTURE).expect("parse");
    assert_eq!(s.serial, 7);
    assert_eq!(s.lineage, "cacdf73f-255f-fbcb-2270-49bfabc307ca");
    assert_eq!(s.terrane_version, "1.15.5");
    let addrs: Vec<&str> = s.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addrs,
        [
            "module.m.terraform_data.t",
            "terraform_data.a",
            "terraform_data.b[0]",
            "terraform_data.b[1]",
            "terraform_data.c[\"k1\"]",
            "terraform_data.c[\"k2\"]",
        ]
    );
    let b0 = s.resource("terraform_data.b[0]").expect("b[0]");
    assert_eq!(b0.index_key, Some(IndexKey::Int(0)));
    assert_eq!(b0.dependencies, ["terraform_data.a"]);
    assert_eq!(b0.mode, Mode::Managed);
    let a = s.resource("terraform_data.a").expect("a");
    assert_eq!(a.sensitive_paths.len(), 1);
    assert_eq!(a.sensitive_paths[0].to_string(), ".input.pw");
    assert_eq!(a.provider, "provider[\"terraform.io/builtin/terraform\"]");
    // No types in v4: arrays become tuples, objects objects.
    let list = a
        .attributes
        .get_attr("input")
        .and_then(|i| i.get_attr("value"))
        .and_then(|v| v.get_attr("list"))
        .expect("list");
    assert!(list.ty().is_tuple());
    assert!(s.outputs["s"].sensitive);
    assert!(!s.outputs["o"].sensitive);
    assert!(s.outputs["complex"].value.ty().is_object());
}

#[test]
fn push_then_pull_gives_back_the_same_file() {
    let (_dir, b) = store();
    let serial = push(&b, "default", FIXTURE, false).expect("push");
    assert_eq!(serial, 7, "the pushed serial is kept");
    let pulled = pull(&b, "default").expect("pull");
    // terraform_version says which program wrote the version: terrane, now.
    let expected = FIXTURE.replace(
        "\"terraform_version\": \"1.15.5\"",
        &format!(
            "\"terraform_version\": \"{}\"",
            terrane_state::TERRANE_VERSION
        ),
    );
    // The same document: Terraform keeps `{"value", "type"}` in that order inside dynamic
    // attributes, terrane's objects sort their keys, so compare as JSON; the layout
    // (indentation, escaping, one value per line) gives the same lines, in another order.
    let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).expect("json");
    assert_eq!(parse(&pulled), parse(&expected));
    let lines = |t: &str| {
        let mut l: Vec<String> = t
            .lines()
            .map(|l| l.trim_end_matches(',').to_string())
            .collect();
        l.sort();
        l
    };
    assert_eq!(lines(&pulled), lines(&expected));
    // And pull -> push -> pull is stable.
    let (_dir2, b2) = store();
    push(&b2, "default", &pulled, false).expect("push again");
    assert_eq!(pull(&b2, "default").expect("pull"), pulled);
}

#[test]
fn push_refuses_other_lineages_and_older_serials_unless_forced() {
    let (_dir, b) = store();
    push(&b, "default", FIXTURE, false).expect("push");
    let other = FIXTURE.replace(
        "cacdf73f-255f-fbcb-2270-49bfabc307ca",
        "11111111-2222-3333-4444-555555555555",
    );
    assert!(matches!(
        push(&b, "default", &other, false),
        Err(StateError::LineageMismatch { .. })
    ));
    let older = FIXTURE.replace("\"serial\": 7", "\"serial\": 3");
    assert!(matches!(
        push(&b, "default", &older, false),
        Err(StateError::SerialBehind {
            current: 7,
            incoming: 3,
            ..
        })
    ));
    assert_eq!(
        b.read("default").expect("read").serial,
        7,
        "nothing written"
    );
    assert_eq!(push(&b, "default", &older, true).expect("forced"), 8);
    assert_eq!(push(&b, "default", &other, true).expect("forced"), 9);
    assert_eq!(
        b.read("default").expect("read").lineage,
        "11111111-2222-3333-4444-555555555555"
    );
    // The same serial and lineage again is accepted (a new version).
    assert_eq!(
        push(&b, "default", &pulled_now(&b), false).expect("same"),
        10
    );
}

fn pulled_now(b: &SqliteBackend) -> String {
    pull(b, "default").expect("pull")
}

#[test]
fn tainted_deposed_and_private_round_trip() {
    let (_dir, b) = store();
    push(&b, "default", FIXTURE, false).expect("push");
    let mut s = b.read("default").expect("read");
    let mut dep = s.resource("terraform_data.a").expect("a").clone();
    dep.deposed = Some("abcd1234".into());
    dep.create_before_destroy = true;
    dep.private = Some("eyJhIjoxfQ==".into());
    dep.identity = Some(r#"{"id":"x"}"#.into());
    s.resources.push(dep);
    for r in &mut s.resources {
        if r.address == "terraform_data.c[\"k1\"]" {
            r.status = ResourceStatus::Tainted;
        }
    }
    s.serial = 0;
    b.write_snapshot("default", &s, "test").expect("write");
    let text = pull(&b, "default").expect("pull");
    assert!(text.contains("\"status\": \"tainted\""));
    assert!(text.contains("\"deposed\": \"abcd1234\""));
    assert!(text.contains("\"create_before_destroy\": true"));
    let back = from_v4(&text).expect("parse");
    assert_eq!(to_v4(&back).expect("print"), text);
    let dep = back
        .resources
        .iter()
        .find(|r| r.deposed.is_some())
        .expect("deposed");
    assert_eq!(dep.private.as_deref(), Some("eyJhIjoxfQ=="));
    assert_eq!(dep.identity.as_deref(), Some(r#"{"id":"x"}"#));
}

#[test]
fn bad_files_are_clear_errors() {
    for (text, want) in [
        ("{", "not JSON"),
        (r#"{"version": 3}"#, "version 4"),
        (r#"{"version": 4, "serial": 1}"#, "lineage"),
        (
            r#"{"version":4,"terraform_version":"1","serial":1,"lineage":"l","resources":[{"mode":"odd","type":"t","name":"n","provider":"p","instances":[]}]}"#,
            "unknown mode",
        ),
        (
            r#"{"version":4,"terraform_version":"1","serial":1,"lineage":"l","resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"attributes_flat":{}}]}]}"#,
            "flat attributes",
        ),
    ] {
        let err = from_v4(text).expect_err(text);
        assert!(err.to_string().contains(want), "{err} (wanted {want})");
    }
}
