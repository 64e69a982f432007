//! The `Provider` trait the engine calls, and the requests and responses of each call.

use async_trait::async_trait;
use terrane_dsl::value::{Path, Value};

use crate::error::{ApplyError, ProviderDiagnostic, ProviderError};
use crate::schema::ProviderSchema;

/// Planning a create or an update of one resource instance.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    pub type_name: String,
    /// The state recorded for the instance; `None` when it is to be created.
    pub prior_state: Option<Value>,
    /// What the object would be if the configuration were applied as is (see
    /// [`crate::objchange::proposed_new`]): the configuration's values where it sets them, the
    /// prior values of computed attributes it leaves null, unknown for those on create.
    pub proposed_new_state: Value,
    /// The configuration, converted to the resource's implied type (it may contain unknowns).
    pub config: Value,
    /// Private data recorded with the prior state.
    pub prior_private: Option<Vec<u8>>,
}

/// The planned new state of one resource instance.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanResponse {
    /// The object after apply, as far as it is known now: unknown values for what only the
    /// apply will tell. Attributes set in the configuration must keep their configured values.
    pub planned_state: Value,
    /// Attributes whose change cannot be made in place; non-empty means the engine plans a
    /// replacement (and shows which attribute forces it).
    pub requires_replace: Vec<Path>,
    /// Private data to hand back to `apply_resource`.
    pub planned_private: Option<Vec<u8>>,
}

/// Applying one planned change: create (`prior_state` is `None`), update (both are `Some`) or
/// destroy (`planned_state` is `None`). A replacement is a destroy and a create, in the order
/// `create_before_destroy` asks for, as two calls.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyRequest {
    pub type_name: String,
    pub prior_state: Option<Value>,
    /// The planned state, with the unknowns of the plan now resolved where the configuration's
    /// own values became known (values only the provider knows stay unknown). `None`: destroy.
    pub planned_state: Option<Value>,
    /// The configuration with every value known (null for destroy).
    pub config: Value,
    /// What `plan_resource` returned as `planned_private` (for destroy, the recorded private).
    pub planned_private: Option<Vec<u8>>,
    /// On create: a token the engine generated and recorded (in the state, before the call)
    /// so that if terrane dies mid-create it can find what was made with
    /// [`Provider::find_by_token`]. Providers whose remote objects can carry tags store it on
    /// the object they create (e.g. a `terrane:token` tag); others ignore it.
    pub idempotency_token: Option<String>,
}

/// The outcome of a successful apply.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyResponse {
    /// The object as it now is, wholly known; `None` after a destroy.
    pub new_state: Option<Value>,
    /// Private data to record with the new state.
    pub private: Option<Vec<u8>>,
}

/// A provider: the schemas it offers and the operations on its resources and data sources.
///
/// Only the engine calls these. For each resource instance in a run the order is:
/// [`validate_resource`](Provider::validate_resource) (with the configuration, possibly with
/// unknowns), [`read_resource`](Provider::read_resource) to refresh the recorded state,
/// [`plan_resource`](Provider::plan_resource), then at apply time
/// [`apply_resource`](Provider::apply_resource) once per planned action. The provider is
/// [`configure`](Provider::configure)d once per provider configuration before any call that
/// touches remote objects. Calls may run concurrently (up to `-parallelism` at once), so
/// implementations keep no per-call state in `self` without synchronising it.
///
/// Values passed in and out are objects of the type the schema implies
/// ([`crate::BlockSchema::implied_type`]), without marks (the engine removes `sensitive` marks
/// before a call and puts them back from the schema and configuration afterwards).
#[async_trait]
pub trait Provider: Send + Sync {
    /// The provider's local name ("random", "terraform", "aws"): the prefix of its type names.
    fn name(&self) -> &str;

    /// The provider's schema. Stays the same for the provider's lifetime.
    fn schema(&self) -> &ProviderSchema;

    /// Configures the provider from its `provider` block (an object of
    /// `schema().provider.implied_type()`, wholly known). Called once before planning.
    /// The default accepts any configuration.
    async fn configure(&self, config: Value) -> Result<(), ProviderError> {
        let _ = config;
        Ok(())
    }

    /// Checks the `provider` block's configuration (which may hold unknowns) beyond what the
    /// schema's types say. The default finds nothing wrong.
    fn validate_provider(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let _ = config;
        Vec::new()
    }

    /// Checks a resource's configuration beyond what its schema's types say (value ranges,
    /// conflicting arguments). The configuration may contain unknowns: check only what is known.
    fn validate_resource(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic>;

    /// As [`validate_resource`](Provider::validate_resource), for a data source.
    fn validate_data_source(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic>;

    /// Plans a create or update. (The engine plans destroys itself, without a call.)
    async fn plan_resource(&self, req: PlanRequest) -> Result<PlanResponse, ProviderError>;

    /// Applies a create, update or destroy.
    async fn apply_resource(&self, req: ApplyRequest) -> Result<ApplyResponse, ApplyError>;

    /// Refreshes a recorded object: its current state, or `None` when it no longer exists
    /// (the engine then drops it from the state and plans to create it again).
    async fn read_resource(
        &self,
        type_name: &str,
        current_state: Value,
        private: Option<Vec<u8>>,
    ) -> Result<Option<Value>, ProviderError>;

    /// Imports an existing object by its id: the objects found (usually one), each an object of
    /// the resource's implied type with at least its id set. The engine then calls
    /// `read_resource` on each. The default says the type cannot be imported.
    async fn import_resource(
        &self,
        type_name: &str,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let _ = id;
        Err(ProviderError::new(
            "Resource Import Not Implemented",
            format!("The {type_name} resource type does not support import."),
        ))
    }

    /// Reads a data source: the configuration (wholly known) in, the full object out.
    async fn read_data_source(
        &self,
        type_name: &str,
        config: Value,
    ) -> Result<Value, ProviderError>;

    /// Crash recovery: the object an interrupted create tagged with `token`, in the form of a
    /// state, if it exists. The default finds nothing (providers whose objects cannot be
    /// tagged).
    async fn find_by_token(
        &self,
        type_name: &str,
        token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        let _ = (type_name, token);
        Ok(None)
    }

    /// Crash recovery for a type whose objects cannot carry the token (an association, a
    /// mount target): the object an interrupted create of `config` (wholly known) made, found
    /// by what the configuration identifies it by. The engine asks after `find_by_token` found
    /// nothing. The default finds nothing.
    async fn find_by_config(
        &self,
        type_name: &str,
        config: Value,
    ) -> Result<Option<Value>, ProviderError> {
        let _ = (type_name, config);
        Ok(None)
    }

    /// Whether the provider has every resource type and data source of the real provider it
    /// stands for. A provider that implements only part of them (terrane's `aws`) answers
    /// `false`, and the engine reports a type it lacks as "Not supported yet" rather than as
    /// an invalid type.
    fn implements_all_types(&self) -> bool {
        true
    }

    /// Upgrades a state written at schema `version` to the current version. The default
    /// returns it unchanged.
    fn upgrade_state(
        &self,
        type_name: &str,
        version: u64,
        raw: Value,
    ) -> Result<Value, ProviderError> {
        let _ = (type_name, version);
        Ok(raw)
    }
}
