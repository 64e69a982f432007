//! Reading: the current state, any past version, the history and the fast listing.

use rusqlite::{params, Connection, OptionalExtension};

use super::parse_time;
use super::rows::{self, RESOURCE_COLUMNS};
use super::write::find_workspace;
use crate::crypto::EncryptionKey;
use crate::error::{Result, StateError};
use crate::record::{
    Outputs, ResourceRecord, ResourceStatus, ResourceSummary, Snapshot, VersionInfo,
    TERRANE_VERSION,
};

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StateError::Invalid(format!("serial {n} is too large")))
}

/// Records and outputs valid at `serial` (`None`: the current ones).
fn records(
    conn: &Connection,
    key: Option<&EncryptionKey>,
    ws: i64,
    serial: Option<i64>,
) -> Result<(Vec<ResourceRecord>, Outputs)> {
    let (filter, args): (&str, Vec<i64>) = match serial {
        None => ("serial_to IS NULL", vec![ws]),
        Some(s) => (
            "serial_from <= ?2 AND (serial_to IS NULL OR serial_to > ?2)",
            vec![ws, s],
        ),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RESOURCE_COLUMNS} FROM resources WHERE workspace_id = ?1 AND {filter} \
         ORDER BY address, deposed"
    ))?;
    let mut q = stmt.query(rusqlite::params_from_iter(&args))?;
    let mut resources = Vec::new();
    let mut types = crate::codec::TypeCache::default();
    while let Some(row) = q.next()? {
        resources.push(rows::decode_resource(row, key, &mut types)?);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT name, sensitive, encrypted, value, value_type FROM outputs \
         WHERE workspace_id = ?1 AND {filter} ORDER BY name"
    ))?;
    let mut q = stmt.query(rusqlite::params_from_iter(&args))?;
    let mut outputs = Outputs::new();
    while let Some(row) = q.next()? {
        let (name, o) = rows::decode_output(row, key)?;
        outputs.insert(name, o);
    }
    Ok((resources, outputs))
}

/// The terrane version that wrote version `serial`.
fn writer_version(conn: &Connection, ws: i64, serial: i64) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT terrane_version, lineage FROM versions WHERE workspace_id = ?1 AND serial = ?2",
        )?
        .query_row(params![ws, serial], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The current state of `workspace`, with its pending intents.
pub fn current(
    conn: &Connection,
    key: Option<&EncryptionKey>,
    workspace: &str,
) -> Result<Snapshot> {
    let Some(ws) = find_workspace(conn, workspace)? else {
        return Ok(Snapshot::empty(""));
    };
    let (resources, outputs) = records(conn, key, ws.id, None)?;
    let terrane_version = writer_version(conn, ws.id, to_i64(ws.serial)?)?
        .map_or_else(|| TERRANE_VERSION.to_string(), |(v, _)| v);
    let mut stmt = conn.prepare_cached(
        "SELECT address, token, operation, created, provider, encrypted, config, config_type \
         FROM intents WHERE workspace_id = ?1 ORDER BY address",
    )?;
    let mut q = stmt.query(params![ws.id])?;
    let mut intents = Vec::new();
    while let Some(r) = q.next()? {
        intents.push(rows::decode_intent(r, key)?);
    }
    Ok(Snapshot {
        lineage: ws.lineage,
        serial: ws.serial,
        terrane_version,
        resources,
        outputs,
        intents,
    })
}

/// The state of `workspace` at `serial`.
pub fn version(
    conn: &Connection,
    key: Option<&EncryptionKey>,
    workspace: &str,
    serial: u64,
) -> Result<Snapshot> {
    let ws = find_workspace(conn, workspace)?
        .ok_or_else(|| StateError::NoSuchWorkspace(workspace.to_string()))?;
    let s = to_i64(serial)?;
    let (terrane_version, lineage) =
        writer_version(conn, ws.id, s)?.ok_or_else(|| StateError::NoSuchVersion {
            workspace: workspace.to_string(),
            serial,
        })?;
    let (resources, outputs) = records(conn, key, ws.id, Some(s))?;
    Ok(Snapshot {
        lineage,
        serial,
        terrane_version,
        resources,
        outputs,
        intents: Vec::new(),
    })
}

const VERSION_COLUMNS: &str = "serial, time, operation, status, added, changed, removed";

fn version_row(r: &rusqlite::Row<'_>) -> Result<VersionInfo> {
    let n = |v: i64| u64::try_from(v).map_err(|_| StateError::Corrupt(format!("count {v}")));
    Ok(VersionInfo {
        serial: n(r.get(0)?)?,
        time: parse_time(&r.get::<_, String>(1)?)?,
        operation: r.get(2)?,
        complete: r.get::<_, String>(3)? == "complete",
        added: n(r.get(4)?)?,
        changed: n(r.get(5)?)?,
        removed: n(r.get(6)?)?,
    })
}

/// Every version of `workspace`, oldest first (empty for an unknown workspace).
pub fn history(conn: &Connection, workspace: &str) -> Result<Vec<VersionInfo>> {
    let Some(ws) = find_workspace(conn, workspace)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM versions WHERE workspace_id = ?1 ORDER BY serial"
    ))?;
    let mut q = stmt.query(params![ws.id])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        out.push(version_row(r)?);
    }
    Ok(out)
}

/// One version's history entry.
pub fn version_info(conn: &Connection, ws: i64, serial: i64) -> Result<Option<VersionInfo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM versions WHERE workspace_id = ?1 AND serial = ?2"
    ))?;
    let mut q = stmt.query(params![ws, serial])?;
    q.next()?.map(version_row).transpose()
}

/// The current records' summaries, reading the `id` attribute without decoding values (plain
/// rows: SQLite's JSON functions; encrypted rows: decrypt and parse).
pub fn list(
    conn: &Connection,
    key: Option<&EncryptionKey>,
    workspace: &str,
) -> Result<Vec<ResourceSummary>> {
    let Some(ws) = find_workspace(conn, workspace)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT address, deposed, status, encrypted, \
         CASE WHEN encrypted = 0 THEN json_extract(CAST(attributes AS TEXT), '$.id') END, \
         CASE WHEN encrypted = 1 THEN attributes END \
         FROM resources WHERE workspace_id = ?1 AND serial_to IS NULL ORDER BY address, deposed",
    )?;
    let mut q = stmt.query(params![ws.id])?;
    let mut out = Vec::new();
    while let Some(r) = q.next()? {
        let address: String = r.get(0)?;
        let deposed: String = r.get(1)?;
        let status: String = r.get(2)?;
        let encrypted: bool = r.get(3)?;
        let id = if encrypted {
            let sealed: Vec<u8> = r.get(5)?;
            let key = key.ok_or_else(|| StateError::EncryptionKeyMissing(address.clone()))?;
            let plain = key.decrypt("attributes", &sealed, &address)?;
            let json: serde_json::Value = serde_json::from_slice(&plain)
                .map_err(|e| StateError::Corrupt(format!("{address}: {e}")))?;
            json.get("id").and_then(|v| v.as_str()).map(str::to_string)
        } else {
            match r.get_ref(4)? {
                rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                _ => None,
            }
        };
        out.push(ResourceSummary {
            status: ResourceStatus::parse(&status)
                .ok_or_else(|| StateError::Corrupt(format!("{address}: status {status}")))?,
            deposed: (!deposed.is_empty()).then_some(deposed),
            address,
            id,
        });
    }
    Ok(out)
}
