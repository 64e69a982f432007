//! Background WAL checkpoints: a change set's commits append to the WAL; a thread with its own
//! connection copies the WAL back into the database file (`PRAGMA wal_checkpoint(PASSIVE)`),
//! so the writer does not pay the copy and its two `fsync`s inside a commit.
//!
//! The writer nudges the thread every [`NUDGE_EVERY`] commits; a nudge never blocks (a full
//! channel means a checkpoint is already due). A passive checkpoint takes no lock a writer or
//! reader waits for, and one that finds another checkpoint running gives up until the next
//! nudge. If the thread cannot run (no connection, errors), the writer's own automatic
//! checkpoint at [`BACKSTOP_PAGES`] still bounds the WAL. Dropping the [`Checkpointer`] stops
//! and joins the thread; the last connection to close checkpoints what is left, as always.

use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// Commits between two nudges (about 2.7 WAL frames each: a checkpoint per ~20 MiB of WAL).
pub(crate) const NUDGE_EVERY: u32 = 2048;

/// The writer's own automatic checkpoint, in WAL pages, while a checkpointer runs (256 MiB
/// at 4 KiB pages): reached only if the background checkpoints cannot keep up or fail.
pub(crate) const BACKSTOP_PAGES: u32 = 65536;

/// A running checkpoint thread.
pub(crate) struct Checkpointer {
    nudge: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread with its own connection to `path`; `None` if either cannot be had
    /// (the writer then keeps checkpointing by itself).
    pub(crate) fn start(path: &Path) -> Option<Checkpointer> {
        let conn = Connection::open(path).ok()?;
        conn.busy_timeout(Duration::from_millis(100)).ok()?;
        let (nudge, nudged) = sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("terrane-checkpoint".into())
            .spawn(move || {
                while nudged.recv().is_ok() {
                    // Busy (another checkpoint running) or failed: the next nudge retries, and
                    // the writer's backstop bounds the WAL meanwhile.
                    let _ = conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
                }
            })
            .ok()?;
        Some(Checkpointer {
            nudge: Some(nudge),
            thread: Some(thread),
        })
    }

    /// Asks for a checkpoint; returns at once.
    pub(crate) fn nudge(&self) {
        if let Some(tx) = &self.nudge {
            // Full: a checkpoint is already due. Disconnected: the thread has stopped, and the
            // writer's backstop checkpoints instead.
            let _: Result<(), TrySendError<()>> = tx.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop after the checkpoint in progress.
        self.nudge = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
