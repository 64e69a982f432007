//! Writing: workspaces, version allocation, change sets (one short transaction per write) and
//! whole-snapshot writes (one transaction). See the module documentation of `sqlite` for the
//! row-validity scheme that keeps every version readable.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::rows::{self, ResourceRow};
use super::{now_text, SqliteBackend};
use crate::backend::ChangeSet;
use crate::error::{Result, StateError};
use crate::record::{NewIntent, Outputs, Snapshot, VersionInfo, TERRANE_VERSION};

/// A workspace row.
pub struct Workspace {
    pub id: i64,
    pub lineage: String,
    pub serial: u64,
}

fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StateError::Corrupt(format!("negative count {n}")))
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StateError::Invalid(format!("serial {n} is too large")))
}

/// The workspace named `name`, if it exists.
pub fn find_workspace(conn: &Connection, name: &str) -> Result<Option<Workspace>> {
    conn.prepare_cached("SELECT id, lineage, serial FROM workspaces WHERE name = ?1")?
        .query_row(params![name], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, i64>(2)?))
        })
        .optional()?
        .map(|(id, lineage, serial)| {
            Ok(Workspace {
                id,
                lineage,
                serial: to_u64(serial)?,
            })
        })
        .transpose()
}

/// The workspace named `name`, created with a fresh lineage if missing.
pub fn ensure_workspace(tx: &Transaction<'_>, name: &str) -> Result<Workspace> {
    if let Some(ws) = find_workspace(tx, name)? {
        return Ok(ws);
    }
    if name.is_empty() {
        return Err(StateError::Invalid(
            "a workspace name cannot be empty".into(),
        ));
    }
    let lineage = uuid::Uuid::new_v4().to_string();
    tx.execute(
        "INSERT INTO workspaces (name, lineage, serial, created) VALUES (?1, ?2, 0, ?3)",
        params![name, lineage, now_text()],
    )?;
    Ok(Workspace {
        id: tx.last_insert_rowid(),
        lineage,
        serial: 0,
    })
}

/// Counts the records added, changed and removed by version `serial` from its rows: rows it
/// opened (a scan: only needed for versions whose writer died, whose counts were not kept),
/// rows it closed, and the keys with both (changed).
fn count_changes(tx: &Connection, ws: i64, serial: i64) -> Result<(i64, i64, i64)> {
    let count = |sql: &str| -> Result<i64> {
        Ok(tx
            .prepare_cached(sql)?
            .query_row(params![ws, serial], |r| r.get(0))?)
    };
    let opened =
        count("SELECT count(*) FROM resources WHERE workspace_id = ?1 AND serial_from = ?2")?;
    let closed = count(
        "SELECT count(*) FROM resources WHERE workspace_id = ?1 AND serial_to = ?2 \
         AND serial_to IS NOT NULL",
    )?;
    let changed = count(
        "SELECT count(*) FROM resources n WHERE n.workspace_id = ?1 AND n.serial_from = ?2 \
         AND EXISTS (SELECT 1 FROM resources o WHERE o.workspace_id = ?1 AND o.serial_to = ?2 \
         AND o.serial_to IS NOT NULL AND o.address = n.address AND o.deposed = n.deposed)",
    )?;
    Ok((opened - changed, changed, closed - changed))
}

/// How one write changed its version's counts (added, changed, removed records).
#[derive(Clone, Copy, Default)]
struct Counts {
    added: i64,
    changed: i64,
    removed: i64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.added += o.added;
        self.changed += o.changed;
        self.removed += o.removed;
    }
}

/// The keys (address, deposed) of the records whose row from before version `serial` that
/// version has closed: kept in memory by the writer of the version (only one writer ever
/// writes a version), so that a write asks no query for it.
type ClosedKeys = HashSet<(String, String)>;

fn key(address: &str, deposed: &str) -> (String, String) {
    (address.to_string(), deposed.to_string())
}

/// Records a version's counts and final status.
fn close_version(
    tx: &Connection,
    ws: i64,
    serial: i64,
    status: &str,
    counts: Counts,
) -> Result<()> {
    let Counts {
        added,
        changed,
        removed,
    } = counts;
    tx.execute(
        "UPDATE versions SET status = ?3, added = ?4, changed = ?5, removed = ?6 \
         WHERE workspace_id = ?1 AND serial = ?2",
        params![ws, serial, status, added, changed, removed],
    )?;
    Ok(())
}

/// Allocates the next version of `ws` (at least `min_serial`), marking versions left open by
/// a dead writer as interrupted. Returns the serial.
fn new_version(
    tx: &Transaction<'_>,
    ws: &Workspace,
    lineage: &str,
    operation: &str,
    min_serial: u64,
) -> Result<u64> {
    let open: Vec<i64> = tx
        .prepare("SELECT serial FROM versions WHERE workspace_id = ?1 AND status = 'open'")?
        .query_map(params![ws.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for serial in open {
        let (added, changed, removed) = count_changes(tx, ws.id, serial)?;
        let counts = Counts {
            added,
            changed,
            removed,
        };
        close_version(tx, ws.id, serial, "interrupted", counts)?;
    }
    let serial = (ws.serial + 1).max(min_serial);
    tx.execute(
        "INSERT INTO versions (workspace_id, serial, lineage, terrane_version, time, operation) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            ws.id,
            to_i64(serial)?,
            lineage,
            TERRANE_VERSION,
            now_text(),
            operation
        ],
    )?;
    tx.execute(
        "UPDATE workspaces SET serial = ?2, lineage = ?3 WHERE id = ?1",
        params![ws.id, to_i64(serial)?, lineage],
    )?;
    Ok(serial)
}

const INSERT_RESOURCE: &str = "INSERT INTO resources (workspace_id, serial_from, address, \
    deposed, mode, module, type, name, index_key, provider, schema_version, status, \
    create_before_destroy, dependencies, encrypted, attributes, attributes_type, \
    sensitive_paths, private, identity_schema_version, identity, digest) VALUES (?1, ?2, ?3, \
    ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";

/// [`INSERT_RESOURCE`] that does nothing when the record already has a current row.
const INSERT_RESOURCE_IF_NEW: &str = concat!(
    "INSERT INTO resources (workspace_id, serial_from, address, \
    deposed, mode, module, type, name, index_key, provider, schema_version, status, \
    create_before_destroy, dependencies, encrypted, attributes, attributes_type, \
    sensitive_paths, private, identity_schema_version, identity, digest) VALUES (?1, ?2, ?3, \
    ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    " ON CONFLICT (workspace_id, address, deposed) WHERE serial_to IS NULL DO NOTHING"
);

/// Writes one record into version `serial`. Returns how the version's counts change, and
/// whether the write closed a row from before the version (the caller adds its key to
/// `closed` once the write has committed).
///
/// The insert is tried first, doing nothing if the record has a current row: a new record
/// (most writes of an apply) then costs one statement and one probe of `resources_current`;
/// otherwise the current row is looked up, compared and closed, and the insert repeated.
fn put(
    tx: &Connection,
    ws: i64,
    serial: i64,
    row: &ResourceRow<'_>,
    closed: &ClosedKeys,
) -> Result<(Counts, bool)> {
    let inserted = tx
        .prepare_cached(INSERT_RESOURCE_IF_NEW)?
        .execute(rows::resource_params(&ws, &serial, row))?;
    if inserted == 1 {
        // Removed earlier in this version, back now: a change, not a removal.
        let counts = if !closed.is_empty() && closed.contains(&key(row.address, row.deposed)) {
            Counts {
                changed: 1,
                removed: -1,
                ..Counts::default()
            }
        } else {
            Counts {
                added: 1,
                ..Counts::default()
            }
        };
        return Ok((counts, false));
    }
    let (id, from, digest): (i64, i64, Vec<u8>) = tx
        .prepare_cached(
            "SELECT id, serial_from, digest FROM resources WHERE workspace_id = ?1 \
             AND address = ?2 AND deposed = ?3 AND serial_to IS NULL",
        )?
        .query_row(params![ws, row.address, row.deposed], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if digest == row.digest {
        return Ok((Counts::default(), false));
    }
    if from > serial {
        return Err(StateError::Invalid(format!(
            "version {serial} is no longer the newest: version {from} was started since"
        )));
    }
    let (counts, closes) = if from == serial {
        // Rewritten within this version: already counted.
        tx.prepare_cached("DELETE FROM resources WHERE id = ?1")?
            .execute(params![id])?;
        (Counts::default(), false)
    } else {
        tx.prepare_cached("UPDATE resources SET serial_to = ?2 WHERE id = ?1")?
            .execute(params![id, serial])?;
        let counts = Counts {
            changed: 1,
            ..Counts::default()
        };
        (counts, true)
    };
    tx.prepare_cached(INSERT_RESOURCE)?
        .execute(rows::resource_params(&ws, &serial, row))?;
    Ok((counts, closes))
}

/// Removes one record from version `serial` on. Returns how the version's counts change, and
/// whether it closed a row from before the version (see [`put`]).
fn remove(
    tx: &Connection,
    ws: i64,
    serial: i64,
    address: &str,
    deposed: &str,
    closed: &ClosedKeys,
) -> Result<(Counts, bool)> {
    let current: Option<(i64, i64)> = tx
        .prepare_cached(
            "SELECT id, serial_from FROM resources WHERE workspace_id = ?1 \
             AND address = ?2 AND deposed = ?3 AND serial_to IS NULL",
        )?
        .query_row(params![ws, address, deposed], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((id, from)) = current else {
        return Ok((Counts::default(), false));
    };
    if from == serial {
        tx.prepare_cached("DELETE FROM resources WHERE id = ?1")?
            .execute(params![id])?;
        // Written in this version: undo its count.
        let counts = if closed.contains(&key(address, deposed)) {
            Counts {
                changed: -1,
                removed: 1,
                ..Counts::default()
            }
        } else {
            Counts {
                added: -1,
                ..Counts::default()
            }
        };
        return Ok((counts, false));
    }
    tx.prepare_cached("UPDATE resources SET serial_to = ?2 WHERE id = ?1")?
        .execute(params![id, serial])?;
    let counts = Counts {
        removed: 1,
        ..Counts::default()
    };
    Ok((counts, true))
}

/// Replaces the current outputs with `outputs` from version `serial` on.
fn set_outputs(
    tx: &Connection,
    backend: &SqliteBackend,
    ws: i64,
    serial: i64,
    outputs: &Outputs,
) -> Result<()> {
    let current: Vec<(i64, String, i64, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT id, name, serial_from, digest FROM outputs \
             WHERE workspace_id = ?1 AND serial_to IS NULL",
        )?
        .query_map(params![ws], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut unchanged = HashSet::new();
    for (id, name, from, digest) in current {
        if let Some(o) = outputs.get(&name) {
            if rows::encode_output(&name, o, backend.key())?.digest == digest {
                unchanged.insert(name);
                continue;
            }
        }
        if from == serial {
            tx.execute("DELETE FROM outputs WHERE id = ?1", params![id])?;
        } else {
            tx.execute(
                "UPDATE outputs SET serial_to = ?2 WHERE id = ?1",
                params![id, serial],
            )?;
        }
    }
    for (name, o) in outputs {
        if unchanged.contains(name) {
            continue;
        }
        let row = rows::encode_output(name, o, backend.key())?;
        tx.execute(
            "INSERT INTO outputs (workspace_id, name, serial_from, sensitive, encrypted, value, \
             value_type, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                ws,
                name,
                serial,
                row.sensitive,
                row.encrypted,
                row.value,
                row.value_type,
                row.digest
            ],
        )?;
    }
    Ok(())
}

/// The SQLite change set: each write its own immediate transaction.
pub struct SqliteChangeSet<'a> {
    backend: &'a SqliteBackend,
    workspace: String,
    ws: i64,
    serial: i64,
    finished: bool,
    /// Whether the workspace may hold intents (some were left when the change set began, or
    /// it recorded one): when not, a put skips clearing one.
    may_have_intents: bool,
    /// The version's counts so far (each added after its write committed).
    counts: Counts,
    /// The records whose row from before the version it has closed (after commits only).
    closed: ClosedKeys,
}

impl<'a> SqliteChangeSet<'a> {
    pub fn begin(
        backend: &'a SqliteBackend,
        workspace: &str,
        operation: &str,
    ) -> Result<SqliteChangeSet<'a>> {
        backend.check_writable()?;
        let mut conn = backend.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ws = ensure_workspace(&tx, workspace)?;
        let lineage = ws.lineage.clone();
        let serial = new_version(&tx, &ws, &lineage, operation, 0)?;
        let may_have_intents = tx
            .prepare_cached("SELECT 1 FROM intents WHERE workspace_id = ?1 LIMIT 1")?
            .exists(params![ws.id])?;
        tx.commit()?;
        drop(conn);
        backend.start_checkpoints();
        Ok(SqliteChangeSet {
            backend,
            workspace: workspace.to_string(),
            ws: ws.id,
            serial: to_i64(serial)?,
            finished: false,
            may_have_intents,
            counts: Counts::default(),
            closed: ClosedKeys::new(),
        })
    }

    /// Runs `f` in one immediate transaction (its BEGIN and COMMIT prepared once and cached:
    /// this is the hot path of an apply).
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.finished {
            return Err(StateError::ChangeSetFinished(self.workspace.clone()));
        }
        let conn = self.backend.conn();
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        let out = f(&conn).and_then(|out| {
            conn.prepare_cached("COMMIT")?.execute([])?;
            Ok(out)
        });
        if out.is_err() && !conn.is_autocommit() {
            // Best effort: the error that matters is the one returned.
            let _ = conn.execute_batch("ROLLBACK");
        }
        drop(conn);
        if out.is_ok() {
            self.backend.committed();
        }
        out
    }
}

impl ChangeSet for SqliteChangeSet<'_> {
    fn serial(&self) -> u64 {
        // The serial was converted from a u64 in `begin`.
        self.serial as u64
    }

    fn put_resource(&mut self, record: &crate::record::ResourceRecord) -> Result<()> {
        let row = rows::encode_resource(record, self.backend.key())?;
        let (ws, serial) = (self.ws, self.serial);
        let may_have_intents = self.may_have_intents;
        let (counts, closes) = self.write(|tx| {
            let out = put(tx, ws, serial, &row, &self.closed)?;
            if may_have_intents {
                tx.prepare_cached("DELETE FROM intents WHERE workspace_id = ?1 AND address = ?2")?
                    .execute(params![ws, row.address])?;
            }
            Ok(out)
        })?;
        self.counts += counts;
        if closes {
            self.closed.insert(key(row.address, row.deposed));
        }
        Ok(())
    }

    fn remove_resource(&mut self, address: &str, deposed: Option<&str>) -> Result<()> {
        let (ws, serial) = (self.ws, self.serial);
        let deposed = deposed.unwrap_or("");
        let (counts, closes) =
            self.write(|tx| remove(tx, ws, serial, address, deposed, &self.closed))?;
        self.counts += counts;
        if closes {
            self.closed.insert(key(address, deposed));
        }
        Ok(())
    }

    fn record_intent(&mut self, intent: &NewIntent<'_>) -> Result<()> {
        self.may_have_intents = true;
        let ws = self.ws;
        let (config, config_type) = rows::encode_intent_config(intent, self.backend.key())?.unzip();
        let encrypted = self.backend.key().is_some();
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO intents (workspace_id, address, token, operation, created, \
                 provider, encrypted, config, config_type) \
                 SELECT ?1, ?2, ?3, operation, ?4, ?6, ?7, ?8, ?9 FROM versions \
                 WHERE workspace_id = ?1 AND serial = ?5",
            )?
            .execute(params![
                ws,
                intent.address,
                intent.token,
                now_text(),
                self.serial,
                intent.provider,
                encrypted,
                config,
                config_type
            ])?;
            Ok(())
        })
    }

    fn clear_intent(&mut self, address: &str) -> Result<()> {
        let ws = self.ws;
        self.write(|tx| {
            tx.prepare_cached("DELETE FROM intents WHERE workspace_id = ?1 AND address = ?2")?
                .execute(params![ws, address])?;
            Ok(())
        })
    }

    fn set_outputs(&mut self, outputs: &Outputs) -> Result<()> {
        let (ws, serial, backend) = (self.ws, self.serial, self.backend);
        self.write(|tx| set_outputs(tx, backend, ws, serial, outputs))
    }

    fn finish(mut self: Box<Self>) -> Result<VersionInfo> {
        let (ws, serial) = (self.ws, self.serial);
        let counts = self.counts;
        self.write(|tx| close_version(tx, ws, serial, "complete", counts))?;
        self.finished = true;
        super::read::version_info(&self.backend.conn(), ws, serial)?
            .ok_or_else(|| StateError::Corrupt(format!("version {serial} vanished")))
    }
}

/// Replaces the whole state of `workspace` with `snapshot`, as one version, atomically.
pub fn write_snapshot(
    backend: &SqliteBackend,
    workspace: &str,
    snapshot: &Snapshot,
    operation: &str,
) -> Result<u64> {
    backend.check_writable()?;
    let mut encoded = Vec::with_capacity(snapshot.resources.len());
    let mut seen = HashSet::new();
    for r in &snapshot.resources {
        let row = rows::encode_resource(r, backend.key())?;
        if !seen.insert(key(row.address, row.deposed)) {
            return Err(StateError::Invalid(format!(
                "the snapshot holds {} twice",
                r.address
            )));
        }
        encoded.push(row);
    }
    let mut conn = backend.conn();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let ws = ensure_workspace(&tx, workspace)?;
    let lineage = if snapshot.lineage.is_empty() {
        ws.lineage.clone()
    } else {
        snapshot.lineage.clone()
    };
    let serial = new_version(&tx, &ws, &lineage, operation, snapshot.serial)?;
    let s = to_i64(serial)?;
    let current: Vec<(String, String)> = tx
        .prepare(
            "SELECT address, deposed FROM resources WHERE workspace_id = ?1 \
             AND serial_to IS NULL",
        )?
        .query_map(params![ws.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // One transaction: a write's closed key counts at once (a failure rolls back them all).
    let mut counts = Counts::default();
    let mut closed = ClosedKeys::new();
    for (address, deposed) in current {
        if !seen.contains(&(address.clone(), deposed.clone())) {
            let (c, closes) = remove(&tx, ws.id, s, &address, &deposed, &closed)?;
            counts += c;
            if closes {
                closed.insert((address, deposed));
            }
        }
    }
    for row in &encoded {
        let (c, closes) = put(&tx, ws.id, s, row, &closed)?;
        counts += c;
        if closes {
            closed.insert(key(row.address, row.deposed));
        }
    }
    set_outputs(&tx, backend, ws.id, s, &snapshot.outputs)?;
    close_version(&tx, ws.id, s, "complete", counts)?;
    tx.commit()?;
    Ok(serial)
}
