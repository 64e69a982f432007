//! The local state store: one SQLite database (`.terrane/state.db` by default) holding every
//! workspace, its full history, pending intents and locks.
//!
//! # Why one transaction per record
//! An apply writes each resource's new record as soon as its provider call returns, in its own
//! short transaction (`BEGIN IMMEDIATE` … `COMMIT`). A crash loses at most the call in flight,
//! never a record already reported written, and an apply of N resources costs N small writes
//! (O(N)) instead of rewriting the whole state N times (O(N²)) as a JSON state file does.
//!
//! # How history works
//! Rows are never rewritten in place across versions: a row is valid for the serials
//! `serial_from <= s < serial_to` (`serial_to` NULL while current). Changing a record closes
//! its current row (`serial_to = S`) and inserts a new one (`serial_from = S`), removing one
//! only closes it; a second write of the same record within version S updates S's row. So a
//! write touches O(1) rows, the current state is the rows with `serial_to IS NULL` (a partial
//! unique index), and any version S is `serial_from <= S AND (serial_to IS NULL OR serial_to >
//! S)` (a scan of the workspace's rows: history reads are rare, so no index on `serial_from`
//! slows every write). Each change set allocates its serial once, at `begin`, and keeps its
//! added/changed/removed counts as it writes. Writing an identical record is skipped (a digest
//! of the payload is compared), so a refresh that changes nothing adds no rows. The design
//! was chosen over copying the state per version (O(N) per version) and over a change log
//! replayed on read (reads of old versions O(history)).
//!
//! # Cost of a write
//! One `put_resource` is one `BEGIN IMMEDIATE`, an insert that tries the new row first (doing
//! nothing when the record already has a current row: then the current row is looked up,
//! compared by digest and closed, and the insert repeated), and a `COMMIT`. Measured with
//! `examples/state_bench.rs`, `perf` and `strace` (2-core machine, about 40 µs of CPU per new
//! record): most of it is SQLite's own per-transaction floor, which a bare one-row insert with
//! one unique index pays too — about 2.7 WAL frames per commit (table leaf, index leaf, and
//! amortised page splits with page 1), each two `pwrite`s; six `fcntl` locks on the
//! shared-memory file (update of a read mark, read lock, write lock and their releases); and
//! the WAL's copy back into the database file (a checkpoint, with two `fsync`s), which a
//! background thread does (`checkpoint.rs`: nudged every 2048 commits; the writer's own
//! automatic checkpoint is only a backstop). The rest is encoding (JSON written
//! straight into the row's buffers, a SHA-256 digest, the address check) and the insert's
//! constraints, kept cheap: CHECKs are `=` comparisons (an `IN` list of three or more values
//! costs a temporary table per row), statements are prepared once and cached.
//!
//! # Crash safety
//! WAL journal with `synchronous=NORMAL`: a committed transaction survives the process being
//! killed (`kill -9`); only a power loss can drop the last few commits, never corrupt the file.
//! Before a create call the engine records an *intent* (address + idempotency token); the
//! record's put deletes it in the same transaction. An intent found at the next run means a
//! create may have happened without its record: the engine looks the object up by its token
//! instead of creating a second one. A change set whose writer died stays `open`; the next
//! `begin` marks it `interrupted` (its records are kept: they describe real objects).
//!
//! # Locks
//! A `locks` table row per locked workspace, taken atomically (`BEGIN IMMEDIATE`, check,
//! insert), so locking works across processes. A holder that dies leaves its row until
//! `force_unlock`, as with Terraform.

mod checkpoint;
mod lock;
mod read;
mod rows;
pub mod schema;
mod write;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::backend::{Backend, ChangeSet};
use crate::crypto::EncryptionKey;
use crate::error::{Result, StateError};
use crate::record::{LockInfo, ResourceSummary, Snapshot, VersionInfo};

/// The state database's path inside a working directory.
pub const DEFAULT_PATH: &str = ".terrane/state.db";

/// The database a local `path` names, relative to `base`: a directory's store
/// (`DIR/.terrane/state.db`); for a Terraform-style `NAME.tfstate`, the store beside it
/// (`DIR/.terrane/state.db` for Terraform's default `terraform.tfstate`, `DIR/.terrane/NAME.db`
/// otherwise, so two stacks' files in one directory stay apart); any other file name is the
/// database itself. The `local` backend and `terraform_remote_state` both use this, so a path
/// written for one finds the other's store.
pub fn local_store_path(base: &Path, path: &str) -> PathBuf {
    let path = base.join(path);
    if path.is_dir() {
        return path.join(DEFAULT_PATH);
    }
    if path.extension().is_some_and(|e| e == "tfstate") {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return match path.file_stem().and_then(|s| s.to_str()) {
            Some("terraform") | None => dir.join(DEFAULT_PATH),
            Some(stem) => dir.join(".terrane").join(format!("{stem}.db")),
        };
    }
    path
}

const KEY_CHECK_TEXT: &[u8] = b"terrane state encryption check";

/// The local SQLite state store. Cheap to share between threads (one connection behind a
/// mutex); open one per process, or several: they coordinate through SQLite's locking.
pub struct SqliteBackend {
    path: PathBuf,
    conn: Mutex<Connection>,
    key: Option<EncryptionKey>,
    /// The store holds an encryption check: writes need the key.
    encrypted_store: bool,
    /// The background checkpoint thread, started by the first change set.
    checkpointer: Mutex<Option<checkpoint::Checkpointer>>,
    /// Commits since the last nudge of the checkpointer.
    commits: std::sync::atomic::AtomicU32,
}

impl Drop for SqliteBackend {
    fn drop(&mut self) {
        // Stop the checkpoint thread before the writer's connection closes (that close
        // checkpoints what is left).
        let checkpointer = self
            .checkpointer
            .get_mut()
            .unwrap_or_else(|e| e.into_inner());
        drop(checkpointer.take());
    }
}

/// The time as stored: RFC 3339, UTC, microseconds.
pub(crate) fn now_text() -> String {
    time_text(Utc::now())
}

pub(crate) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StateError::Corrupt(format!("time {text:?}: {e}")))
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
    move |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates the directory (mode 0700 on unix for directories it creates) and the empty
/// database file (mode 0600) if they do not exist.
fn prepare_file(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(io_error(dir))?;
        }
    }
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path).map_err(io_error(path))?;
    }
    Ok(())
}

impl SqliteBackend {
    /// Opens (creating if needed) the store of the working directory `dir`, at
    /// `dir/.terrane/state.db`, with the key from `TERRANE_STATE_ENCRYPTION_KEY` if set.
    pub fn open(dir: &Path) -> Result<SqliteBackend> {
        SqliteBackend::open_file(&dir.join(DEFAULT_PATH))
    }

    /// Opens (creating if needed) the database at `path`, with the key from the environment.
    pub fn open_file(path: &Path) -> Result<SqliteBackend> {
        SqliteBackend::open_with(path, EncryptionKey::from_env()?)
    }

    /// Opens the database at `path` with an explicit key (or none). A key that does not match
    /// the one the store was encrypted with is refused here.
    pub fn open_with(path: &Path, key: Option<EncryptionKey>) -> Result<SqliteBackend> {
        prepare_file(path)?;
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StateError::Storage(format!(
                "{}: cannot use the WAL journal (got {mode})",
                path.display()
            )));
        }
        // NORMAL: in WAL mode a commit survives the process being killed; only the WAL sync
        // at checkpoints is paid. A 32 MiB page cache and a WAL of up to 64 MiB between
        // checkpoints keep per-record commits cheap on large states; statement journals stay in
        // memory.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16384; PRAGMA temp_store = MEMORY;",
        )?;
        schema::migrate(&mut conn)?;
        let encrypted_store = check_key(&mut conn, key.as_ref())?;
        Ok(SqliteBackend {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            key,
            encrypted_store,
            checkpointer: Mutex::new(None),
            commits: std::sync::atomic::AtomicU32::new(0),
        })
    }

    /// Starts the background checkpoints (once; by the first change set), handing the WAL's
    /// copy-back from the writer's commits to their own thread.
    pub(crate) fn start_checkpoints(&self) {
        let mut slot = self.checkpointer.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            if let Some(c) = checkpoint::Checkpointer::start(&self.path) {
                let backstop =
                    format!("PRAGMA wal_autocheckpoint = {}", checkpoint::BACKSTOP_PAGES);
                if self.conn().execute_batch(&backstop).is_ok() {
                    *slot = Some(c);
                }
            }
        }
    }

    /// Counts a commit of a change set, nudging the checkpointer every so many.
    pub(crate) fn committed(&self) {
        use std::sync::atomic::Ordering;
        let n = self.commits.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(checkpoint::NUDGE_EVERY) {
            if let Some(c) = &*self.checkpointer.lock().unwrap_or_else(|e| e.into_inner()) {
                c.nudge();
            }
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the store is encrypted (it holds a key check).
    pub fn is_encrypted(&self) -> bool {
        self.encrypted_store
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64> {
        schema::current_version(&self.conn())
    }

    /// Runs SQLite's `integrity_check` and `foreign_key_check`; returns the problems found
    /// (empty when the database is sound).
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut problems = Vec::new();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(row);
            }
        }
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let fk = stmt.query_map([], |r| {
            Ok(format!(
                "foreign key violation in {} row {:?}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?
            ))
        })?;
        for row in fk {
            problems.push(row?);
        }
        Ok(problems)
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction open (rusqlite rolls back
        // on drop), so the connection is still usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` in one read transaction, so that everything it reads comes from the same
    /// committed state even while another process writes.
    fn reading<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.finish()?;
        // A whole-state read fills the page cache with pages nothing reads again soon; give
        // that memory back to the allocator, for the values just decoded to grow into.
        conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(out)
    }

    pub(crate) fn key(&self) -> Option<&EncryptionKey> {
        self.key.as_ref()
    }

    /// Refuses to write plain records into an encrypted store.
    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.encrypted_store && self.key.is_none() {
            return Err(StateError::EncryptionKeyMissing(
                "or write to it (writing plain records into an encrypted state is refused)".into(),
            ));
        }
        Ok(())
    }
}

/// Verifies `key` against the store's check, writing the check on first use of a key.
/// Returns whether the store is encrypted.
fn check_key(conn: &mut Connection, key: Option<&EncryptionKey>) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let check: Option<String> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'encryption_check'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let encrypted = match (check, key) {
        (Some(check), Some(key)) => {
            let sealed = b64
                .decode(check)
                .map_err(|e| StateError::Corrupt(format!("encryption check: {e}")))?;
            let plain = key
                .decrypt("encryption_check", &sealed, "the store")
                .map_err(|_| {
                    StateError::WrongEncryptionKey(
                        "the store was encrypted with another key".into(),
                    )
                })?;
            if plain != KEY_CHECK_TEXT {
                return Err(StateError::Corrupt("encryption check text".into()));
            }
            true
        }
        (Some(_), None) => true,
        (None, Some(key)) => {
            let sealed = key.encrypt("encryption_check", KEY_CHECK_TEXT)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('encryption_check', ?1)",
                params![b64.encode(sealed)],
            )?;
            true
        }
        (None, None) => false,
    };
    tx.commit()?;
    Ok(encrypted)
}

impl Backend for SqliteBackend {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn workspaces(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT name FROM workspaces ORDER BY name")?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }

    fn create_workspace(&self, workspace: &str) -> Result<String> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ws = write::ensure_workspace(&tx, workspace)?;
        tx.commit()?;
        Ok(ws.lineage)
    }

    fn delete_workspace(&self, workspace: &str) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute("DELETE FROM workspaces WHERE name = ?1", params![workspace])?;
        tx.execute("DELETE FROM locks WHERE workspace = ?1", params![workspace])?;
        if n == 0 {
            return Err(StateError::NoSuchWorkspace(workspace.to_string()));
        }
        tx.commit()?;
        Ok(())
    }

    fn read(&self, workspace: &str) -> Result<Snapshot> {
        self.reading(|conn| read::current(conn, self.key(), workspace))
    }

    fn list(&self, workspace: &str) -> Result<Vec<ResourceSummary>> {
        self.reading(|conn| read::list(conn, self.key(), workspace))
    }

    fn read_version(&self, workspace: &str, serial: u64) -> Result<Snapshot> {
        self.reading(|conn| read::version(conn, self.key(), workspace, serial))
    }

    fn history(&self, workspace: &str) -> Result<Vec<VersionInfo>> {
        self.reading(|conn| read::history(conn, workspace))
    }

    fn lock(&self, workspace: &str, info: &LockInfo, timeout: Duration) -> Result<String> {
        lock::acquire(self, workspace, info, timeout)
    }

    fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        lock::release(self, workspace, id)
    }

    fn force_unlock(&self, workspace: &str, id: &str) -> Result<()> {
        lock::release(self, workspace, id)
    }

    fn lock_info(&self, workspace: &str) -> Result<Option<LockInfo>> {
        lock::holder(&self.conn(), workspace)
    }

    fn begin(&self, workspace: &str, operation: &str) -> Result<Box<dyn ChangeSet + '_>> {
        Ok(Box::new(write::SqliteChangeSet::begin(
            self, workspace, operation,
        )?))
    }

    fn write_snapshot(&self, workspace: &str, snapshot: &Snapshot, operation: &str) -> Result<u64> {
        write::write_snapshot(self, workspace, snapshot, operation)
    }
}
