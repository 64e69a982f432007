//! Tests of `local_file` and `local_sensitive_file` through the provider trait.

use std::sync::Arc;

use super::*;
use crate::testing::{s, unknown, Driver, TestHost};
use terrane_provider::Host;

#[tokio::test]
async fn create_read_drift_and_destroy() {
    let host = TestHost::new();
    let dir = host.working_dir();
    let d = Driver::new(Arc::new(super::super::provider(host)), "local_file");
    let cfg = d.config(vec![
        ("filename", Value::string("out/sub/hello.txt")),
        ("content", Value::string("hello\n")),
    ]);
    assert!(d.validate(&cfg).is_empty());
    let plan = d.plan(None, &cfg).await;
    assert_eq!(s(&plan.planned_state, "file_permission"), "0777");
    assert!(unknown(&plan.planned_state, "id"));
    assert!(unknown(&plan.planned_state, "content_sha256"));
    let state = d.apply(None, &plan.planned_state, &cfg).await;
    let path = dir.join("out/sub/hello.txt");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
    assert_eq!(s(&state, "id"), "f572d396fae9206628714fb2ce00f72e94f2258f");
    assert_eq!(
        s(&state, "content_sha256"),
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    );
    assert_eq!(
        s(&state, "content_base64sha256"),
        "WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="
    );

    // Unchanged: refresh keeps it, plan is a no-op.
    assert_eq!(d.read(&state).await, Some(state.clone()));
    assert_eq!(d.plan(Some(&state), &cfg).await.planned_state, state);

    // Changed content: replace.
    let cfg2 = d.config(vec![
        ("filename", Value::string("out/sub/hello.txt")),
        ("content", Value::string("bye\n")),
    ]);
    let re = d.plan(Some(&state), &cfg2).await;
    assert_eq!(re.requires_replace, vec![Path::root().attr("content")]);

    // Drift: edited or deleted files are forgotten.
    std::fs::write(&path, "edited").unwrap();
    assert_eq!(d.read(&state).await, None);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(d.read(&state).await, None);

    std::fs::write(&path, "hello\n").unwrap();
    d.destroy(&state).await;
    assert!(!path.exists());
    // Destroying a file that is already gone succeeds.
    d.destroy(&state).await;
}

#[cfg(unix)]
#[tokio::test]
async fn permissions_base64_and_source() {
    use std::os::unix::fs::PermissionsExt;
    let host = TestHost::new();
    let dir = host.working_dir();
    std::fs::write(dir.join("src.bin"), [0u8, 159, 146, 150]).unwrap();
    let p = Arc::new(super::super::provider(host));
    let d = Driver::new(p.clone(), "local_sensitive_file");
    let cfg = d.config(vec![
        ("filename", Value::string("secret.bin")),
        ("content_base64", Value::string("AJ+Slg==")),
        ("file_permission", Value::string("0600")),
    ]);
    let state = d.create(&cfg).await;
    assert_eq!(s(&state, "directory_permission"), "0700");
    let meta = std::fs::metadata(dir.join("secret.bin")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read(dir.join("secret.bin")).unwrap(),
        [0u8, 159, 146, 150]
    );

    let copy = Driver::new(p, "local_file");
    let cfg = copy.config(vec![
        ("filename", Value::string("copy.bin")),
        ("source", Value::string("src.bin")),
    ]);
    let st = copy.create(&cfg).await;
    assert_eq!(s(&st, "id"), s(&state, "id"));
}

#[tokio::test]
async fn validation() {
    let d = Driver::new(
        Arc::new(super::super::provider(TestHost::new())),
        "local_file",
    );
    let none = d.config(vec![("filename", Value::string("a"))]);
    assert_eq!(
        d.validate(&none)[0].summary,
        "Invalid Attribute Combination"
    );
    let two = d.config(vec![
        ("filename", Value::string("a")),
        ("content", Value::string("x")),
        ("source", Value::string("y")),
    ]);
    assert_eq!(d.validate(&two).len(), 1);
    let unknown = d.config(vec![
        ("filename", Value::string("a")),
        ("content", Value::unknown(Type::String)),
    ]);
    assert!(d.validate(&unknown).is_empty());
    let bad_mode = d.config(vec![
        ("filename", Value::string("a")),
        ("content", Value::string("x")),
        ("file_permission", Value::string("0778")),
    ]);
    assert_eq!(d.validate(&bad_mode).len(), 1);
    assert!(parse_mode("644").is_ok());
    assert!(parse_mode("12345").is_err());
}
