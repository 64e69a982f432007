//! The backend interface: what every state store (local SQLite now, S3 and PostgreSQL later)
//! offers the engine. Object-safe and `Send + Sync`, so the engine holds a `Box<dyn Backend>`
//! and never knows which store it talks to.
//!
//! Contract, for every implementation (checked by `crate::conformance` when built with the
//! `testing` feature):
//! - A workspace is created by its first write (or [`Backend::create_workspace`]); its lineage
//!   (a UUID) is fixed then. Reading a workspace never written gives an empty snapshot at
//!   serial 0 with an empty lineage.
//! - Every change set and every `write_snapshot` makes exactly one new version, with a serial
//!   one above the last (or, for `write_snapshot`, the snapshot's own serial when that is
//!   higher). Every version stays readable with `read_version` until the workspace is deleted.
//! - Each `put_resource`/`remove_resource`/`record_intent`/`clear_intent` of a change set is
//!   durable when it returns: a crash right after loses nothing it reported written.
//! - Locks are advisory, as in Terraform: callers lock a workspace around a plan or an apply;
//!   a lock held by a process that died stays until `force_unlock`.

use std::time::Duration;

use crate::error::Result;
use crate::record::{
    LockInfo, NewIntent, Outputs, ResourceRecord, ResourceSummary, Snapshot, VersionInfo,
};

/// A state store holding any number of named workspaces.
pub trait Backend: Send + Sync {
    /// Where the state lives, for messages and lock descriptions (a file path, a URL).
    fn location(&self) -> String;

    /// The names of every workspace written so far, sorted. `default` only once written.
    fn workspaces(&self) -> Result<Vec<String>>;

    /// Creates a workspace with a fresh lineage, or does nothing if it exists. Returns its
    /// lineage.
    fn create_workspace(&self, workspace: &str) -> Result<String>;

    /// Deletes a workspace with all its versions and intents (its lock, if any, too).
    fn delete_workspace(&self, workspace: &str) -> Result<()>;

    /// The current state (with pending intents). An empty snapshot for an unknown workspace.
    fn read(&self, workspace: &str) -> Result<Snapshot>;

    /// The current records' addresses, statuses and ids, ordered as [`Backend::read`] orders
    /// them. Backends may answer this without decoding attributes.
    fn list(&self, workspace: &str) -> Result<Vec<ResourceSummary>> {
        Ok(self
            .read(workspace)?
            .resources
            .into_iter()
            .map(|r| ResourceSummary {
                id: r.id().map(str::to_string),
                address: r.address,
                deposed: r.deposed,
                status: r.status,
            })
            .collect())
    }

    /// The state as it was at `serial` (no intents).
    fn read_version(&self, workspace: &str, serial: u64) -> Result<Snapshot>;

    /// Every version, oldest first.
    fn history(&self, workspace: &str) -> Result<Vec<VersionInfo>>;

    /// Takes the workspace's lock, waiting up to `timeout` (polling with backoff) while someone
    /// else holds it; then fails with [`crate::StateError::Locked`] naming the holder. Returns
    /// the lock ID (`info.id`). `info.path` is filled with [`Backend::location`] if empty.
    fn lock(&self, workspace: &str, info: &LockInfo, timeout: Duration) -> Result<String>;

    /// Releases the lock if `id` holds it; an error if another lock (or none) is held.
    fn unlock(&self, workspace: &str, id: &str) -> Result<()>;

    /// Releases a lock that a dead process left behind; `id` must name the held lock (as
    /// Terraform's `force-unlock LOCK_ID` does).
    fn force_unlock(&self, workspace: &str, id: &str) -> Result<()>;

    /// Who holds the workspace's lock, if anyone.
    fn lock_info(&self, workspace: &str) -> Result<Option<LockInfo>>;

    /// Starts a new version of the workspace (creating the workspace if needed): the serial is
    /// allocated now and every write of the change set is committed as it is made.
    fn begin(&self, workspace: &str, operation: &str) -> Result<Box<dyn ChangeSet + '_>>;

    /// Replaces the whole state with `snapshot` as one new version (push, rollback, `state mv`
    /// and friends), atomically. The new serial is the snapshot's serial if that is above the
    /// current one, else current + 1; a non-empty `snapshot.lineage` becomes the workspace's
    /// lineage. Intents are left alone. Returns the new serial.
    fn write_snapshot(&self, workspace: &str, snapshot: &Snapshot, operation: &str) -> Result<u64>;
}

/// The writes of one new state version. Every write is committed when it returns (one short
/// transaction each, so an apply of N resources costs O(N)); `finish` closes the version and
/// records its counts. Dropping a change set without `finish` leaves the version incomplete:
/// what was written stays, and the next `begin` closes it.
pub trait ChangeSet: Send {
    /// The serial of the version being written.
    fn serial(&self) -> u64;

    /// Writes (inserts or replaces) the record at `(record.address, record.deposed)`, and clears
    /// the intent at `record.address` in the same transaction. A record identical to the
    /// current one is not rewritten.
    fn put_resource(&mut self, record: &ResourceRecord) -> Result<()>;

    /// Removes the record at `(address, deposed)`; removing a missing record does nothing.
    fn remove_resource(&mut self, address: &str, deposed: Option<&str>) -> Result<()>;

    /// Records, before a create call, that `intent.address` is being created with
    /// `intent.token` (the idempotency token or tag the provider call carries), through
    /// `intent.provider`, from `intent.config`. Replaces an earlier intent.
    fn record_intent(&mut self, intent: &NewIntent<'_>) -> Result<()>;

    /// Removes the intent at `address` (the create failed, or the engine resolved it).
    fn clear_intent(&mut self, address: &str) -> Result<()>;

    /// Replaces every root output.
    fn set_outputs(&mut self, outputs: &Outputs) -> Result<()>;

    /// Closes the version: counts its changes and marks it complete. Returns its summary.
    fn finish(self: Box<Self>) -> Result<VersionInfo>;
}

/// A held lock that is released when dropped (errors on release are ignored: a lock that
/// cannot be released shows up to the next user, who can force-unlock it).
pub struct LockGuard<'a> {
    backend: &'a dyn Backend,
    workspace: String,
    id: String,
    released: bool,
}

impl<'a> LockGuard<'a> {
    /// Takes the lock as [`Backend::lock`] does.
    pub fn acquire(
        backend: &'a dyn Backend,
        workspace: &str,
        info: &LockInfo,
        timeout: Duration,
    ) -> Result<LockGuard<'a>> {
        let id = backend.lock(workspace, info, timeout)?;
        Ok(LockGuard {
            backend,
            workspace: workspace.to_string(),
            id,
            released: false,
        })
    }

    /// The lock ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Releases the lock now, reporting errors.
    pub fn release(mut self) -> Result<()> {
        self.released = true;
        self.backend.unlock(&self.workspace, &self.id)
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        if !self.released {
            let _ = self.backend.unlock(&self.workspace, &self.id);
        }
    }
}
