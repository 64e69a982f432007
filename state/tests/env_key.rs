//! The key from `TERRANE_STATE_ENCRYPTION_KEY`: parsed, used, checked against the store. Alone
//! in its test binary, because it changes the process environment.

use terrane_state::conformance::sample_record;
use terrane_state::{Backend, SqliteBackend, StateError};

fn write_one(b: &SqliteBackend, address: &str) {
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&sample_record(address, "i-1"))
        .expect("put");
    cs.finish().expect("finish");
}

#[test]
fn the_environment_key_is_used_and_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::env::set_var(terrane_state::KEY_ENV, "too short");
    let err = SqliteBackend::open(dir.path()).err().expect("bad key");
    assert!(
        matches!(err, StateError::EncryptionKeyInvalid(_)),
        "{err:?}"
    );
    std::env::set_var(
        terrane_state::KEY_ENV,
        "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
    );
    let b = SqliteBackend::open(dir.path()).expect("open with env key");
    assert!(b.is_encrypted());
    write_one(&b, "aws_instance.a");
    drop(b);
    std::env::set_var(terrane_state::KEY_ENV, "passphrase:wrong");
    let err = SqliteBackend::open(dir.path()).err().expect("wrong key");
    assert!(matches!(err, StateError::WrongEncryptionKey(_)), "{err:?}");
    std::env::remove_var(terrane_state::KEY_ENV);
    let b = SqliteBackend::open(dir.path()).expect("open without key");
    let err = b.read("default").expect_err("needs the key");
    assert!(
        err.to_string().contains("TERRANE_STATE_ENCRYPTION_KEY"),
        "{err}"
    );
}
