//! The provider interface: what a provider offers (schemas) and what the engine may ask of it.
//!
//! A provider is a value implementing [`Provider`], made by a [`ProviderFactory`] that its crate
//! registers with [`inventory`]. The engine never names a provider: it depends on the provider
//! crates (a Cargo dependency), calls each crate's `link()` once so the linker keeps it, and
//! looks providers up with [`registered`], [`find_by_local_name`] or [`find_by_source`]. A
//! resource type with no explicit `provider` argument belongs to the provider named by
//! [`implied_provider_name`] (`random_id` → `random`, `terraform_data` → `terraform`).
//!
//! # The contract, in call order
//!
//! 1. **Make and configure.** `(factory.make)(host)` makes an instance per provider
//!    configuration (aliases get their own); [`Host`] gives it the working directory and other
//!    stacks' outputs. [`Provider::configure`] receives the `provider` block, wholly known.
//! 2. **Validate.** [`Provider::validate_resource`] / [`Provider::validate_data_source`] check a
//!    configuration (which may hold unknown values) and return diagnostics carrying an
//!    attribute [`Path`](terrane_dsl::value::Path) for the engine to point at.
//! 3. **Refresh.** [`Provider::read_resource`] returns the object as it now is, or `None` when it
//!    is gone (the engine forgets it and plans a create).
//! 4. **Plan.** The engine computes the proposed new state with [`objchange::proposed_new`]
//!    and calls [`Provider::plan_resource`]. The provider fills in what it can and leaves
//!    *unknown* what only apply will tell (a new id, a value derived from an unknown input);
//!    it lists in `requires_replace` the attributes whose change forces a replacement
//!    ([`objchange::requires_replace`] computes them from the schema's `force_new`). Destroys
//!    are planned by the engine, without a call. Data sources are read with
//!    [`Provider::read_data_source`] at plan time when their configuration is wholly known, at
//!    apply time otherwise.
//! 5. **Apply.** [`Provider::apply_resource`] gets the planned state (the configuration's
//!    unknowns now resolved) and returns the new, wholly known state; `planned_state: None`
//!    destroys. A failure returns an [`ApplyError`] whose `partial_state` says what exists now.
//!
//! **Private data** is an opaque byte string a provider attaches to a state (from plan to
//! apply, and stored with the state); the engine keeps it and hands it back, never reads it.
//!
//! **Idempotency tokens.** Before a create, the engine records a fresh token with the pending
//! instance and passes it in [`ApplyRequest::idempotency_token`]; providers tag what they
//! create with it. If terrane dies mid-create, the next run calls [`Provider::find_by_token`]
//! and adopts the object instead of leaving it orphaned.
//!
//! **Values** cross the interface as objects of the schema's implied type
//! ([`BlockSchema::implied_type`]), without marks; [`values`] has helpers to read and build
//! them. The engine marks sensitive attributes again from the schema.
//!
//! **Helpers** every provider and the engine share: [`objchange::proposed_new`],
//! [`objchange::requires_replace`], [`objchange::check_planned`] (the engine's check that a
//! plan keeps the configured values), [`BlockSchema::mark_sensitive`] (marks from the schema),
//! and [`harness::Harness`], which provider crates' tests use to drive a type as the engine
//! does.
//!
//! **Errors** are [`ProviderError`]s: a summary, a detail, the attribute path they concern and
//! whether retrying may help. Providers never print and never panic.

pub mod duration;
pub mod error;
pub mod harness;
pub mod host;
pub mod objchange;
pub mod provider;
pub mod registry;
pub mod schema;
pub mod values;

pub use async_trait::async_trait;
pub use error::{ApplyError, ProviderDiagnostic, ProviderError};
pub use host::{BasicHost, Host};
pub use inventory;
pub use provider::{ApplyRequest, ApplyResponse, PlanRequest, PlanResponse, Provider};
pub use registry::{
    find_by_local_name, find_by_source, implied_provider_name, registered, ProviderFactory,
};
pub use schema::{
    AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, ProviderSchema, ResourceSchema,
};
