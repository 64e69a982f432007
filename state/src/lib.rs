//! terrane's state store: what terrane manages, per workspace, with history and locking.
//!
//! # Summary
//! - [`record`]: the data — [`ResourceRecord`] (one resource instance or deposed object, its
//!   attributes a terrane [`Value`](terrane_dsl::value::Value) kept with its type),
//!   [`OutputValue`], [`Intent`] (a create call not yet confirmed), [`Snapshot`] (a workspace
//!   at one serial), [`VersionInfo`] (history), [`LockInfo`].
//! - [`backend`]: the [`Backend`] and [`ChangeSet`] traits every store implements; the engine
//!   only sees `dyn Backend`.
//! - [`address`]: instance addresses and the patterns `state list/mv/rm` take.
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
    default_who, IndexKey, Intent, LockInfo, Mode, OutputValue, Outputs, ResourceRecord,
    ResourceStatus, ResourceSummary, Snapshot, VersionInfo, TERRANE_VERSION,
};
pub use sqlite::SqliteBackend;
