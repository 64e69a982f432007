//! Workspace locks in the `locks` table: taken atomically with `BEGIN IMMEDIATE`, polled with
//! backoff up to a timeout, released by ID.

use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{parse_time, time_text, SqliteBackend};
use crate::backend::Backend;
use crate::error::{Result, StateError};
use crate::record::LockInfo;

/// Who holds `workspace`'s lock.
pub fn holder(conn: &Connection, workspace: &str) -> Result<Option<LockInfo>> {
    conn.prepare_cached(
        "SELECT id, who, operation, created, version, path FROM locks WHERE workspace = ?1",
    )?
    .query_row(params![workspace], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })
    .optional()?
    .map(|(id, who, operation, created, version, path)| {
        Ok(LockInfo {
            id,
            who,
            operation,
            created: parse_time(&created)?,
            version,
            path,
        })
    })
    .transpose()
}

/// One attempt: takes the lock if free, else returns the holder.
fn try_acquire(
    backend: &SqliteBackend,
    workspace: &str,
    info: &LockInfo,
) -> Result<Option<LockInfo>> {
    let mut conn = backend.conn();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(h) = holder(&tx, workspace)? {
        return Ok(Some(h));
    }
    let path = if info.path.is_empty() {
        backend.location()
    } else {
        info.path.clone()
    };
    tx.execute(
        "INSERT INTO locks (workspace, id, who, operation, created, version, path) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            workspace,
            info.id,
            info.who,
            info.operation,
            time_text(info.created),
            info.version,
            path
        ],
    )?;
    tx.commit()?;
    Ok(None)
}

/// Takes the lock, polling with backoff (10 ms doubling to 500 ms) until `timeout`.
pub fn acquire(
    backend: &SqliteBackend,
    workspace: &str,
    info: &LockInfo,
    timeout: Duration,
) -> Result<String> {
    if info.id.is_empty() {
        return Err(StateError::Invalid("a lock needs an ID".into()));
    }
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(10);
    loop {
        let Some(h) = try_acquire(backend, workspace, info)? else {
            return Ok(info.id.clone());
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(StateError::Locked {
                workspace: workspace.to_string(),
                holder: Box::new(h),
            });
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

/// Releases the lock held with `id`.
pub fn release(backend: &SqliteBackend, workspace: &str, id: &str) -> Result<()> {
    let mut conn = backend.conn();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "DELETE FROM locks WHERE workspace = ?1 AND id = ?2",
        params![workspace, id],
    )?;
    if n == 0 {
        let held = holder(&tx, workspace)?.map(Box::new);
        return Err(StateError::LockMismatch {
            workspace: workspace.to_string(),
            id: id.to_string(),
            held,
        });
    }
    tx.commit()?;
    Ok(())
}
