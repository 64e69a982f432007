//! `StateError`: every way a state operation can fail, each with a message a person can act on.

use std::path::PathBuf;

use crate::record::LockInfo;

/// A state operation failed. Backends map their storage errors onto these variants; nothing in
/// this crate panics on bad input or a bad database.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The storage engine (SQLite, later S3 or PostgreSQL) reported an error.
    #[error("state storage error: {0}")]
    Storage(String),

    /// A file or directory of the store could not be created or opened.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The database was written by a newer terrane whose schema this one does not know.
    #[error(
        "the state database was written by a newer terrane (schema version {found}; this \
         terrane understands up to {supported}): upgrade terrane to use it"
    )]
    NewerSchema { found: i64, supported: i64 },

    /// The workspace's state is locked by someone else.
    #[error(
        "the state of workspace \"{workspace}\" is locked by {} since {} (lock ID {}, \
         operation {:?}); wait for it to finish, or run `terrane force-unlock {}` if that \
         process is gone",
        holder.who, holder.created.to_rfc3339(), holder.id, holder.operation, holder.id
    )]
    Locked {
        workspace: String,
        holder: Box<LockInfo>,
    },

    /// `unlock` or `force_unlock` named a lock that is not the one held (or none is held).
    #[error("workspace \"{workspace}\" is not locked with ID {id}{}", match held { Some(h) => format!(" (it is locked with ID {} by {})", h.id, h.who), None => " (it is not locked)".to_string() })]
    LockMismatch {
        workspace: String,
        id: String,
        held: Option<Box<LockInfo>>,
    },

    /// No workspace of that name exists.
    #[error("workspace \"{0}\" does not exist")]
    NoSuchWorkspace(String),

    /// The workspace has no version with that serial.
    #[error("workspace \"{workspace}\" has no state version {serial}")]
    NoSuchVersion { workspace: String, serial: u64 },

    /// No resource instance at that address.
    #[error("no resource instance in the state at {0}")]
    NoSuchResource(String),

    /// A move would overwrite an existing resource instance.
    #[error("a resource instance already exists in the state at {0}")]
    ResourceExists(String),

    /// An address is not a valid resource (instance) address.
    #[error("invalid resource address {address:?}: {reason}")]
    InvalidAddress { address: String, reason: String },

    /// A record's fields disagree with each other (for example its address and its name).
    #[error("invalid resource record {address}: {reason}")]
    InvalidRecord { address: String, reason: String },

    /// A value could not be stored or read back as JSON.
    #[error("value of {context}: {message}")]
    Value { context: String, message: String },

    /// The stored data is not what this terrane wrote.
    #[error("corrupt state: {0}")]
    Corrupt(String),

    /// The store holds encrypted records but no key was given.
    #[error("the state is encrypted: set TERRANE_STATE_ENCRYPTION_KEY to its key to read {0}")]
    EncryptionKeyMissing(String),

    /// The encryption key given is not usable.
    #[error("invalid TERRANE_STATE_ENCRYPTION_KEY: {0}")]
    EncryptionKeyInvalid(String),

    /// The encryption key given is not the one the store was encrypted with.
    #[error(
        "wrong state encryption key: TERRANE_STATE_ENCRYPTION_KEY does not decrypt this state \
         ({0})"
    )]
    WrongEncryptionKey(String),

    /// A pushed state belongs to another lineage.
    #[error(
        "cannot push a state of lineage {incoming} over workspace \"{workspace}\" of lineage \
         {current}: use force to overwrite"
    )]
    LineageMismatch {
        workspace: String,
        current: String,
        incoming: String,
    },

    /// A pushed state is older than the stored one.
    #[error(
        "cannot push serial {incoming} over workspace \"{workspace}\" at serial {current}: the \
         stored state is newer; use force to overwrite"
    )]
    SerialBehind {
        workspace: String,
        current: u64,
        incoming: u64,
    },

    /// A Terraform state file could not be read.
    #[error("invalid Terraform state file: {0}")]
    InvalidStateFile(String),

    /// `finish` or a write was called on a change set that has already finished.
    #[error("the change set for workspace \"{0}\" has already finished")]
    ChangeSetFinished(String),

    /// Operation-level refusal (e.g. moving a resource into itself).
    #[error("{0}")]
    Invalid(String),
}

impl From<rusqlite::Error> for StateError {
    fn from(e: rusqlite::Error) -> Self {
        StateError::Storage(e.to_string())
    }
}

/// Results of state operations.
pub type Result<T, E = StateError> = std::result::Result<T, E>;
