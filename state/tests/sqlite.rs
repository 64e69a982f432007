//! SQLite-specific behaviour: the default location, file modes, pragmas, schema migration from
//! a hand-written version-1 database, refusal of newer or foreign databases, encryption at
//! rest (no plain secret in the file), the integrity check, and background checkpoints.

use std::path::Path;

use rusqlite::Connection;
use terrane_state::conformance::sample_record;
use terrane_state::sqlite::schema::SCHEMA_VERSION;
use terrane_state::{Backend, EncryptionKey, SqliteBackend, StateError};

fn write_one(b: &SqliteBackend, address: &str) {
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&sample_record(address, "i-1"))
        .expect("put");
    cs.finish().expect("finish");
}

/// An intent whose create's configuration holds a secret.
fn write_intent(b: &SqliteBackend, address: &str, secret: &str) {
    let config = terrane_dsl::value::Value::object_from([(
        "password",
        terrane_dsl::value::Value::string(secret),
    )]);
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.record_intent(&terrane_state::NewIntent {
        address,
        token: "tok",
        provider: "provider[\"registry.terraform.io/hashicorp/aws\"]",
        config: Some(&config),
    })
    .expect("intent");
    cs.finish().expect("finish");
}

#[test]
fn opens_in_the_working_directory_with_private_modes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let b = SqliteBackend::open(dir.path()).expect("open");
    let db = dir.path().join(".terrane").join("state.db");
    assert_eq!(b.path(), db);
    write_one(&b, "aws_instance.a");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&dir.path().join(".terrane")), 0o700);
        let wal = dir.path().join(".terrane").join("state.db-wal");
        assert!(wal.exists(), "WAL journal in use");
        assert_eq!(mode(&wal), 0o600);
    }
    let conn = Connection::open(&db).expect("raw open");
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(journal, "wal");
    assert!(b.integrity_check().expect("check").is_empty());
    assert_eq!(b.schema_version().expect("version"), SCHEMA_VERSION);
}

/// The version-1 layout, written out by hand as an older terrane left it (no identity
/// columns), with one workspace, one version and one record.
const V1_BY_HAND: &str = r#"
CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY CHECK (version > 0),
    applied TEXT NOT NULL, terrane_version TEXT NOT NULL);
CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE workspaces (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    lineage TEXT NOT NULL CHECK (lineage <> ''), serial INTEGER NOT NULL DEFAULT 0
    CHECK (serial >= 0), created TEXT NOT NULL);
CREATE TABLE versions (workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    serial INTEGER NOT NULL CHECK (serial > 0), lineage TEXT NOT NULL,
    terrane_version TEXT NOT NULL, time TEXT NOT NULL, operation TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'interrupted')),
    added INTEGER NOT NULL DEFAULT 0, changed INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (workspace_id, serial)) WITHOUT ROWID;
CREATE TABLE resources (id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL,
    address TEXT NOT NULL, deposed TEXT NOT NULL DEFAULT '', serial_from INTEGER NOT NULL,
    serial_to INTEGER, mode TEXT NOT NULL, module TEXT NOT NULL, type TEXT NOT NULL,
    name TEXT NOT NULL, index_key TEXT, provider TEXT NOT NULL, schema_version INTEGER NOT NULL,
    status TEXT NOT NULL, create_before_destroy INTEGER NOT NULL, dependencies TEXT NOT NULL,
    encrypted INTEGER NOT NULL, attributes BLOB NOT NULL, attributes_type BLOB NOT NULL,
    sensitive_paths BLOB NOT NULL, private BLOB, digest BLOB NOT NULL,
    FOREIGN KEY (workspace_id, serial_from) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, serial_to) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE);
CREATE UNIQUE INDEX resources_current ON resources(workspace_id, address, deposed) WHERE serial_to IS NULL;
CREATE UNIQUE INDEX resources_key ON resources(workspace_id, address, deposed, serial_from);
CREATE INDEX resources_from ON resources(workspace_id, serial_from);
CREATE INDEX resources_to ON resources(workspace_id, serial_to);
CREATE TABLE outputs (id INTEGER PRIMARY KEY, workspace_id INTEGER NOT NULL, name TEXT NOT NULL,
    serial_from INTEGER NOT NULL, serial_to INTEGER, sensitive INTEGER NOT NULL,
    encrypted INTEGER NOT NULL, value BLOB NOT NULL, value_type BLOB NOT NULL,
    digest BLOB NOT NULL);
CREATE UNIQUE INDEX outputs_current ON outputs(workspace_id, name) WHERE serial_to IS NULL;
CREATE INDEX outputs_from ON outputs(workspace_id, serial_from);
CREATE INDEX outputs_to ON outputs(workspace_id, serial_to);
CREATE TABLE intents (workspace_id INTEGER NOT NULL, address TEXT NOT NULL, token TEXT NOT NULL,
    operation TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (workspace_id, address))
    WITHOUT ROWID;
CREATE TABLE locks (workspace TEXT NOT NULL PRIMARY KEY, id TEXT NOT NULL,
    who TEXT NOT NULL, operation TEXT NOT NULL, created TEXT NOT NULL, version TEXT NOT NULL,
    path TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00Z', '0.0.1');
INSERT INTO workspaces VALUES (1, 'default', 'aaaaaaaa-0000-4000-8000-000000000000', 1,
    '2026-01-01T00:00:00Z');
INSERT INTO versions VALUES (1, 1, 'aaaaaaaa-0000-4000-8000-000000000000', '0.0.1',
    '2026-01-01T00:00:00Z', 'apply', 'complete', 1, 0, 0);
INSERT INTO resources (workspace_id, address, deposed, serial_from, mode, module, type, name,
    index_key, provider, schema_version, status, create_before_destroy, dependencies,
    encrypted, attributes, attributes_type, sensitive_paths, private, digest)
    VALUES (1, 'aws_instance.web[0]', '', 1, 'managed', '', 'aws_instance', 'web', '0',
    'provider["registry.terraform.io/hashicorp/aws"]', 1, 'ready', 0, '[]', 0,
    CAST('{"id":"i-123","ami":"ami-1"}' AS BLOB),
    CAST('["object",{"ami":"string","id":"string"}]' AS BLOB), CAST('[]' AS BLOB), NULL,
    x'00');
INSERT INTO intents VALUES (1, 'aws_instance.web[1]', 'tok-1', 'apply', '2026-01-01T00:00:00Z');
"#;

#[test]
fn migrates_a_version_1_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    Connection::open(&path)
        .expect("raw open")
        .execute_batch(V1_BY_HAND)
        .expect("v1 layout");
    let b = SqliteBackend::open_with(&path, None).expect("open migrates");
    assert_eq!(b.schema_version().expect("version"), SCHEMA_VERSION);
    let s = b.read("default").expect("read");
    assert_eq!(s.serial, 1);
    assert_eq!(s.lineage, "aaaaaaaa-0000-4000-8000-000000000000");
    let r = s.resource("aws_instance.web[0]").expect("record kept");
    assert_eq!(r.id(), Some("i-123"));
    assert_eq!(r.identity_schema_version, 0);
    assert_eq!(r.identity, None);
    // An intent written before version 4 reads back with no provider or configuration.
    assert_eq!(s.intents.len(), 1);
    assert_eq!(
        (s.intents[0].token.as_str(), s.intents[0].provider.as_str()),
        ("tok-1", "")
    );
    assert_eq!(s.intents[0].config, None);
    // The migrated store takes new writes, with the new columns.
    let mut rec = r.clone();
    rec.identity = Some(r#"{"id":"i-123"}"#.into());
    rec.identity_schema_version = 1;
    let mut cs = b.begin("default", "apply").expect("begin");
    cs.put_resource(&rec).expect("put");
    cs.finish().expect("finish");
    assert_eq!(b.read("default").expect("read").resources, vec![rec]);
    assert_eq!(
        b.read_version("default", 1).expect("v1").resources,
        vec![r.clone()]
    );
    assert!(b.integrity_check().expect("check").is_empty());
    let applied: Vec<i64> = Connection::open(&path)
        .expect("raw")
        .prepare("SELECT version FROM schema_version ORDER BY version")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(applied, [1, 2, 3, 4]);
    // Version 3 rebuilt `resources` with its constraints, as comparisons.
    let raw = Connection::open(&path).expect("raw");
    let sql: String = raw
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'resources'",
            [],
            |r| r.get(0),
        )
        .expect("table");
    assert!(
        sql.contains("status = 'pending'") && !sql.contains(" IN ("),
        "{sql}"
    );
    let bad_status = raw.execute(
        "UPDATE resources SET status = 'gone' WHERE address = 'aws_instance.web[0]'",
        [],
    );
    assert!(bad_status.is_err(), "the status CHECK holds");
    let indexes: Vec<String> = raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'resources' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(indexes, ["resources_current", "resources_to"]);
}

#[test]
fn refuses_a_newer_or_foreign_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    drop(SqliteBackend::open_with(&path, None).expect("create"));
    Connection::open(&path)
        .expect("raw")
        .execute(
            "INSERT INTO schema_version VALUES (?1, 'now', '9.9.9')",
            [SCHEMA_VERSION + 5],
        )
        .expect("future version");
    let err = SqliteBackend::open_with(&path, None)
        .err()
        .expect("refused");
    assert!(matches!(err, StateError::NewerSchema { .. }), "{err:?}");
    assert!(err.to_string().contains("newer terrane"), "{err}");

    let other = dir.path().join("other.db");
    Connection::open(&other)
        .expect("raw")
        .execute_batch("CREATE TABLE users (id INTEGER);")
        .expect("foreign table");
    assert!(matches!(
        SqliteBackend::open_with(&other, None),
        Err(StateError::Corrupt(_))
    ));
}

#[test]
fn encrypted_stores_hold_no_plain_secret() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    let key = EncryptionKey::parse("passphrase:swordfish").expect("key");
    let b = SqliteBackend::open_with(&path, Some(key)).expect("open");
    assert!(b.is_encrypted());
    write_one(&b, "aws_db_instance.db");
    write_intent(&b, "aws_db_instance.next", "correct-horse");
    drop(b);
    let plain_dir = tempfile::tempdir().expect("temp dir");
    let plain_path = plain_dir.path().join("state.db");
    let p = SqliteBackend::open_with(&plain_path, None).expect("open");
    write_one(&p, "aws_db_instance.db");
    write_intent(&p, "aws_db_instance.next", "correct-horse");
    drop(p);
    // Checkpoint the WAL into the file so every committed byte is in one place.
    let file_bytes = |path: &Path| {
        let conn = Connection::open(path).expect("raw");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint");
        drop(conn);
        std::fs::read(path).expect("read file")
    };
    let has = |bytes: &[u8], needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(&file_bytes(&plain_path), b"hunter2"),
        "the plain store shows it"
    );
    assert!(
        !has(&file_bytes(&path), b"hunter2"),
        "the encrypted store hides it"
    );
    // The same for an intent's configuration.
    assert!(has(&file_bytes(&plain_path), b"correct-horse"));
    assert!(!has(&file_bytes(&path), b"correct-horse"));
}

#[test]
fn constraints_reject_inconsistent_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("state.db");
    let b = SqliteBackend::open_with(&path, None).expect("open");
    write_one(&b, "aws_instance.a");
    let conn = Connection::open(&path).expect("raw");
    conn.execute_batch("PRAGMA foreign_keys = ON;").expect("fk");
    // A second current row for the same address.
    assert!(conn
        .execute(
            "INSERT INTO resources (workspace_id, address, deposed, serial_from, mode, module, \
             type, name, provider, schema_version, status, create_before_destroy, dependencies, \
             encrypted, attributes, attributes_type, sensitive_paths, digest) SELECT \
             workspace_id, address, deposed, serial_from, mode, module, type, name, provider, \
             schema_version, status, create_before_destroy, dependencies, encrypted, \
             attributes, attributes_type, sensitive_paths, x'01' FROM resources",
            [],
        )
        .is_err());
    // A bad status, a row of a version that does not exist, a bad validity range.
    assert!(conn
        .execute("UPDATE resources SET status = 'weird'", [])
        .is_err());
    assert!(conn
        .execute("UPDATE resources SET serial_from = 99", [])
        .is_err());
    assert!(conn
        .execute("UPDATE resources SET serial_to = serial_from", [])
        .is_err());
    assert!(b.integrity_check().expect("check").is_empty());
}

/// A change set's commits go to the WAL; the background thread copies them into the database
/// file while the change set is still writing (the writer's own automatic checkpoint is set far
/// above what these writes reach, so only that thread can have grown the file).
#[test]
fn checkpoints_run_in_the_background_during_a_change_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let b = SqliteBackend::open(dir.path()).expect("open");
    let db = dir.path().join(".terrane").join("state.db");
    let db_size = || std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let before = db_size();
    let mut cs = b.begin("default", "apply").expect("begin");
    for i in 0..5000 {
        cs.put_resource(&sample_record(&format!("aws_instance.a[{i}]"), "i-1"))
            .expect("put");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while db_size() < before + 512 * 1024 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        db_size() >= before + 512 * 1024,
        "the database file did not grow ({before} -> {} bytes): no checkpoint ran",
        db_size()
    );
    cs.finish().expect("finish");
    assert!(b.integrity_check().expect("check").is_empty());
    assert_eq!(b.list("default").expect("list").len(), 5000);
}
