//! The SQLite schema and its migrations.
//!
//! Tables (schema version 4):
//! - `schema_version(version, applied, terrane_version)`: one row per migration applied. A
//!   database whose highest version is above [`SCHEMA_VERSION`] was written by a newer terrane
//!   and is refused rather than misread.
//! - `meta(key, value)`: store-wide facts (`encryption_check`: a known text sealed with the
//!   key the store is encrypted with, so a wrong key is refused at open).
//! - `workspaces(id, name UNIQUE, lineage, serial, created)`: `serial` is the last version
//!   allocated.
//! - `versions(workspace_id, serial, lineage, terrane_version, time, operation, status,
//!   added, changed, removed)`: the history, one row per version (`open` while its change
//!   set runs, `complete` when finished, `interrupted` if its writer died).
//! - `resources(...)`: one row per resource record *version*, valid for the serials
//!   `serial_from <= s < serial_to` (`serial_to` NULL while current). A partial UNIQUE index
//!   keeps at most one current row per `(workspace, address, deposed)`; `resources_to`
//!   (closed rows only) finds the rows a version closed. Reading an old version scans the
//!   workspace's rows: history reads are rare, writes are not.
//! - `outputs(...)`: the same scheme for root outputs.
//! - `intents(workspace_id, address, token, operation, created, provider, encrypted, config,
//!   config_type)`: unconfirmed create calls.
//! - `locks(workspace, id, who, operation, created, version, path)`: held locks.
//!
//! Foreign keys tie versions to workspaces and record rows to the versions that bound them;
//! CHECK constraints keep flags, modes and statuses to their values (in `resources`, the
//! table every record write inserts into, as `=` comparisons rather than `IN` lists of three
//! or more, which SQLite evaluates through a temporary table per row).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Result, StateError};
use crate::record::TERRANE_VERSION;

/// The schema version this terrane writes.
pub const SCHEMA_VERSION: i64 = 4;

/// Version 1: the first layout.
pub const V1: &str = r#"
CREATE TABLE schema_version (
    version INTEGER NOT NULL PRIMARY KEY CHECK (version > 0),
    applied TEXT NOT NULL,
    terrane_version TEXT NOT NULL
);
CREATE TABLE meta (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    lineage TEXT NOT NULL CHECK (lineage <> ''),
    serial INTEGER NOT NULL DEFAULT 0 CHECK (serial >= 0),
    created TEXT NOT NULL
);
CREATE TABLE versions (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    serial INTEGER NOT NULL CHECK (serial > 0),
    lineage TEXT NOT NULL,
    terrane_version TEXT NOT NULL,
    time TEXT NOT NULL,
    operation TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete', 'interrupted')),
    added INTEGER NOT NULL DEFAULT 0 CHECK (added >= 0),
    changed INTEGER NOT NULL DEFAULT 0 CHECK (changed >= 0),
    removed INTEGER NOT NULL DEFAULT 0 CHECK (removed >= 0),
    PRIMARY KEY (workspace_id, serial)
) WITHOUT ROWID;
CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    address TEXT NOT NULL CHECK (address <> ''),
    deposed TEXT NOT NULL DEFAULT '',
    serial_from INTEGER NOT NULL,
    serial_to INTEGER CHECK (serial_to IS NULL OR serial_to > serial_from),
    mode TEXT NOT NULL CHECK (mode IN ('managed', 'data')),
    module TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    index_key TEXT,
    provider TEXT NOT NULL,
    schema_version INTEGER NOT NULL CHECK (schema_version >= 0),
    status TEXT NOT NULL CHECK (status IN ('ready', 'tainted', 'pending')),
    create_before_destroy INTEGER NOT NULL CHECK (create_before_destroy IN (0, 1)),
    dependencies TEXT NOT NULL,
    encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
    attributes BLOB NOT NULL,
    attributes_type BLOB NOT NULL,
    sensitive_paths BLOB NOT NULL,
    private BLOB,
    digest BLOB NOT NULL,
    FOREIGN KEY (workspace_id, serial_from) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, serial_to) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE
);
CREATE UNIQUE INDEX resources_current ON resources(workspace_id, address, deposed)
    WHERE serial_to IS NULL;
CREATE UNIQUE INDEX resources_key ON resources(workspace_id, address, deposed, serial_from);
CREATE INDEX resources_from ON resources(workspace_id, serial_from);
CREATE INDEX resources_to ON resources(workspace_id, serial_to);
CREATE TABLE outputs (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (name <> ''),
    serial_from INTEGER NOT NULL,
    serial_to INTEGER CHECK (serial_to IS NULL OR serial_to > serial_from),
    sensitive INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
    encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
    value BLOB NOT NULL,
    value_type BLOB NOT NULL,
    digest BLOB NOT NULL,
    FOREIGN KEY (workspace_id, serial_from) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, serial_to) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE
);
CREATE UNIQUE INDEX outputs_current ON outputs(workspace_id, name) WHERE serial_to IS NULL;
CREATE INDEX outputs_from ON outputs(workspace_id, serial_from);
CREATE INDEX outputs_to ON outputs(workspace_id, serial_to);
CREATE TABLE intents (
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    token TEXT NOT NULL,
    operation TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (workspace_id, address)
) WITHOUT ROWID;
CREATE TABLE locks (
    workspace TEXT NOT NULL PRIMARY KEY,
    id TEXT NOT NULL CHECK (id <> ''),
    who TEXT NOT NULL,
    operation TEXT NOT NULL,
    created TEXT NOT NULL,
    version TEXT NOT NULL,
    path TEXT NOT NULL
) WITHOUT ROWID;
"#;

/// Version 2: resource identities (Terraform 1.12's `identity` and its schema version), and
/// cheaper writes: inserting a current row touches only the table and `resources_current`
/// (`resources_key` and `resources_from` are dropped: change sets keep their counts as they
/// write; `resources_to` only holds closed rows, keyed for exact lookups).
pub const V2: &str = r#"
ALTER TABLE resources ADD COLUMN identity_schema_version INTEGER NOT NULL DEFAULT 0
    CHECK (identity_schema_version >= 0);
ALTER TABLE resources ADD COLUMN identity BLOB;
DROP INDEX IF EXISTS resources_key;
DROP INDEX IF EXISTS resources_from;
DROP INDEX IF EXISTS resources_to;
CREATE INDEX resources_to ON resources(workspace_id, serial_to, address, deposed)
    WHERE serial_to IS NOT NULL;
DROP INDEX IF EXISTS outputs_to;
CREATE INDEX outputs_to ON outputs(workspace_id, serial_to) WHERE serial_to IS NOT NULL;
"#;

/// Version 3: `resources` rebuilt with the same columns, indexes and constraints, its CHECKs
/// written as comparisons: SQLite evaluates `status IN ('ready', 'tainted', 'pending')` (three
/// values or more) by filling a temporary table on every insert, a few microseconds of each
/// record write. A version-1 table written without CHECKs gains them here.
pub const V3: &str = r#"
CREATE TABLE resources_v3 (
    id INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    address TEXT NOT NULL CHECK (address <> ''),
    deposed TEXT NOT NULL DEFAULT '',
    serial_from INTEGER NOT NULL,
    serial_to INTEGER CHECK (serial_to IS NULL OR serial_to > serial_from),
    mode TEXT NOT NULL CHECK (mode = 'managed' OR mode = 'data'),
    module TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    index_key TEXT,
    provider TEXT NOT NULL,
    schema_version INTEGER NOT NULL CHECK (schema_version >= 0),
    status TEXT NOT NULL CHECK (status = 'ready' OR status = 'tainted' OR status = 'pending'),
    create_before_destroy INTEGER NOT NULL
        CHECK (create_before_destroy = 0 OR create_before_destroy = 1),
    dependencies TEXT NOT NULL,
    encrypted INTEGER NOT NULL CHECK (encrypted = 0 OR encrypted = 1),
    attributes BLOB NOT NULL,
    attributes_type BLOB NOT NULL,
    sensitive_paths BLOB NOT NULL,
    private BLOB,
    digest BLOB NOT NULL,
    identity_schema_version INTEGER NOT NULL DEFAULT 0 CHECK (identity_schema_version >= 0),
    identity BLOB,
    FOREIGN KEY (workspace_id, serial_from) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, serial_to) REFERENCES versions(workspace_id, serial) ON DELETE CASCADE
);
INSERT INTO resources_v3 (id, workspace_id, address, deposed, serial_from, serial_to, mode,
    module, type, name, index_key, provider, schema_version, status, create_before_destroy,
    dependencies, encrypted, attributes, attributes_type, sensitive_paths, private, digest,
    identity_schema_version, identity)
SELECT id, workspace_id, address, deposed, serial_from, serial_to, mode, module, type, name,
    index_key, provider, schema_version, status, create_before_destroy, dependencies,
    encrypted, attributes, attributes_type, sensitive_paths, private, digest,
    identity_schema_version, identity
FROM resources ORDER BY id;
DROP TABLE resources;
ALTER TABLE resources_v3 RENAME TO resources;
CREATE UNIQUE INDEX resources_current ON resources(workspace_id, address, deposed)
    WHERE serial_to IS NULL;
CREATE INDEX resources_to ON resources(workspace_id, serial_to, address, deposed)
    WHERE serial_to IS NOT NULL;
"#;

/// Version 4: an intent records the provider configuration of its create and the create's
/// configuration (JSON and type JSON, sealed as attributes are when the store has a key), so
/// that an interrupted create whose address has left the configuration is looked for through
/// the same provider configuration, and by its configuration for a type without tags.
pub const V4: &str = r#"
ALTER TABLE intents ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE intents ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0
    CHECK (encrypted = 0 OR encrypted = 1);
ALTER TABLE intents ADD COLUMN config BLOB;
ALTER TABLE intents ADD COLUMN config_type BLOB;
"#;

/// Every migration, in order: `MIGRATIONS[i]` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// The highest schema version recorded in the database, 0 for a new database.
pub fn current_version(conn: &Connection) -> Result<i64> {
    let has_table: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    if !has_table {
        let others: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if others > 0 {
            return Err(StateError::Corrupt(
                "the database has tables but no schema_version table: it is not a terrane \
                 state database"
                    .into(),
            ));
        }
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?)
}

/// Brings the schema up to [`SCHEMA_VERSION`], each migration in its own transaction;
/// refuses a database from a newer terrane.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = current_version(&tx)?;
        if version > SCHEMA_VERSION {
            return Err(StateError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        let next = version + 1;
        let sql = MIGRATIONS[usize::try_from(version)
            .map_err(|_| StateError::Corrupt(format!("invalid schema version {version}")))?];
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied, terrane_version) VALUES (?1, ?2, ?3)",
            params![next, crate::sqlite::now_text(), TERRANE_VERSION],
        )?;
        tx.commit()?;
    }
}
