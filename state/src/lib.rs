//! terrane's state store: what terrane manages, per workspace, with history and locking.
//!
//! # Summary
//! - [`record`] — the data: [`ResourceRecord`] (one resource instance, or a deposed object of
//!   one; its attributes a terrane [`Value`](terrane_dsl::value::Value) stored with its type so
//!   it reads back exactly, sensitive paths beside it), [`OutputValue`], [`Intent`] (a create
//!   call not yet confirmed), [`Snapshot`] (a workspace at one serial), [`VersionInfo`] (one
//!   history entry), [`LockInfo`].
//! - [`backend`] — the [`Backend`] and [`ChangeSet`] traits every store implements; the engine
//!   holds a `Box<dyn Backend>` and never knows which store it talks to. [`LockGuard`] unlocks
//!   on drop.
//! - [`sqlite`] — [`SqliteBackend`], the default store (`.terrane/state.db`): versioned rows
//!   (`serial_from`/`serial_to`), one short transaction per record write, WAL with
//!   `synchronous=NORMAL`, locks in a table, schema migrations. Its module docs explain the
//!   design.
//! - [`ops`] — `state list/show/mv/rm/replace-provider`, `taint`/`untaint`, rollback, as
//!   functions over any backend; [`tfstate`] — `state pull`/`push` in Terraform's v4 format.
//! - [`crypto`] — optional AES-256-GCM encryption at rest, key from
//!   `TERRANE_STATE_ENCRYPTION_KEY` (format in its docs); [`codec`] — text forms shared by
//!   backends; [`address`] — instance addresses and the patterns `state` commands take.
//! - `conformance` (feature `testing`) — the behaviour every backend must show, as checks a
//!   backend's tests run with a factory of fresh stores.
//!
//! # How the engine uses it
//! Open the store, lock the workspace, read the current [`Snapshot`], plan; to apply, `begin`
//! a change set (one new serial), and for each resource: `record_intent` before the create
//! call, `put_resource` (which clears the intent in the same transaction) or
//! `remove_resource` when the call returns, `set_outputs`, then `finish`; unlock. A crash
//! loses at most the call in flight, and its intent tells the next run to look for it.
//!
//! The crate depends only on `terrane-dsl`'s value model, never on the engine or providers.
//! It never prints: everything is returned as data or as a [`StateError`].

pub mod address;
pub mod backend;
pub mod codec;
#[cfg(feature = "testing")]
pub mod conformance;
pub mod crypto;
pub mod error;
pub mod ops;
pub mod record;
pub mod sqlite;
pub mod tfstate;

pub use address::{AddressPattern, ModuleStep, ResourceAddress};
pub use backend::{Backend, ChangeSet, LockGuard};
pub use crypto::{EncryptionKey, KEY_ENV};
pub use error::{Result, StateError};
pub use record::{
    default_who, IndexKey, Intent, LockInfo, Mode, NewIntent, OutputValue, Outputs, ResourceRecord,
    ResourceStatus, ResourceSummary, Snapshot, VersionInfo, TERRANE_VERSION,
};
pub use sqlite::SqliteBackend;
