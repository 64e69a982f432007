//! Runs the backend conformance suite against the SQLite backend, one test per check.

use std::sync::Arc;

use terrane_state::conformance::{self, Opener};
use terrane_state::{Backend, SqliteBackend};

fn fresh() -> (tempfile::TempDir, Opener) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(".terrane").join("state.db");
    let opener: Opener =
        Arc::new(
            move |key| Ok(Box::new(SqliteBackend::open_with(&path, key)?) as Box<dyn Backend>),
        );
    (dir, opener)
}

macro_rules! checks {
    ($($name:ident),*) => {$(
        #[test]
        fn $name() {
            let (_dir, opener) = fresh();
            conformance::$name(&opener);
        }
    )*};
}

checks!(
    empty_workspace,
    change_sets_make_versions,
    writes_are_durable_before_finish,
    intents,
    write_snapshot,
    workspaces,
    locks,
    lock_waits_for_release,
    encryption,
    concurrent_writers
);

#[test]
fn every_check_is_run_here() {
    assert_eq!(conformance::CHECKS.len(), 10);
}
