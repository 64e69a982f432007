//! A test harness for provider crates: drives one resource type or data source through the
//! [`Provider`] trait the way the engine does (proposed new state, plan, plan checks, apply,
//! refresh), so every provider's tests exercise the same contract.

use std::sync::Arc;

use terrane_dsl::value::Value;

use crate::error::{ApplyError, ProviderDiagnostic, ProviderError};
use crate::objchange::{check_planned, proposed_new};
use crate::provider::{ApplyRequest, PlanRequest, PlanResponse, Provider};
use crate::schema::ResourceSchema;
use crate::values::object_for;

/// Why a harness step failed.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("the provider has no resource type or data source {0:?}")]
    UnknownType(String),
    #[error("provider error: {0:?}")]
    Provider(Box<ProviderError>),
    #[error("apply error: {0:?}")]
    Apply(Box<ApplyError>),
    #[error("the plan breaks the contract: {0:?}")]
    InvalidPlan(Vec<ProviderError>),
    #[error("the planned state does not have the schema's type: {0}")]
    WrongType(String),
    #[error("apply of a create or update returned no new state")]
    NoNewState,
    #[error("destroy returned a new state")]
    StateAfterDestroy,
}

impl From<ProviderError> for HarnessError {
    fn from(e: ProviderError) -> HarnessError {
        HarnessError::Provider(Box::new(e))
    }
}

/// Drives one type of one provider.
pub struct Harness {
    pub provider: Arc<dyn Provider>,
    pub type_name: String,
}

impl Harness {
    pub fn new(provider: Arc<dyn Provider>, type_name: &str) -> Harness {
        Harness {
            provider,
            type_name: type_name.to_string(),
        }
    }

    fn resource_schema(&self) -> Result<&ResourceSchema, HarnessError> {
        self.provider
            .schema()
            .resources
            .get(&self.type_name)
            .ok_or_else(|| HarnessError::UnknownType(self.type_name.clone()))
    }

    fn data_schema(&self) -> Result<&ResourceSchema, HarnessError> {
        self.provider
            .schema()
            .data_sources
            .get(&self.type_name)
            .ok_or_else(|| HarnessError::UnknownType(self.type_name.clone()))
    }

    /// A resource configuration: the given attributes, every other one null (absent nested
    /// blocks empty), as the engine decodes a block that sets only these.
    pub fn config(&self, attrs: Vec<(&str, Value)>) -> Result<Value, HarnessError> {
        Ok(object_for(&self.resource_schema()?.block, attrs))
    }

    /// A data source configuration.
    pub fn data_config(&self, attrs: Vec<(&str, Value)>) -> Result<Value, HarnessError> {
        Ok(object_for(&self.data_schema()?.block, attrs))
    }

    pub fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        self.provider.validate_resource(&self.type_name, config)
    }

    pub fn validate_data(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        self.provider.validate_data_source(&self.type_name, config)
    }

    /// Plans as the engine does, then checks the plan keeps the configuration's values and has
    /// the schema's attributes.
    pub async fn plan(
        &self,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, HarnessError> {
        let block = &self.resource_schema()?.block;
        let resp = self
            .provider
            .plan_resource(PlanRequest {
                type_name: self.type_name.clone(),
                prior_state: prior.cloned(),
                proposed_new_state: proposed_new(block, prior, config),
                config: config.clone(),
                prior_private: None,
            })
            .await?;
        let problems = check_planned(block, config, &resp.planned_state);
        if !problems.is_empty() {
            return Err(HarnessError::InvalidPlan(problems));
        }
        let want = block.implied_type();
        let names = |t: &terrane_dsl::value::Type| {
            t.attribute_types()
                .map(|a| a.keys().cloned().collect::<Vec<_>>())
        };
        if names(resp.planned_state.ty()) != names(&want) {
            return Err(HarnessError::WrongType(
                resp.planned_state.ty().type_string(),
            ));
        }
        Ok(resp)
    }

    /// Applies a create (`prior` `None`) or an update.
    pub async fn apply(
        &self,
        prior: Option<&Value>,
        planned: &Value,
        config: &Value,
    ) -> Result<Value, HarnessError> {
        let resp = self
            .provider
            .apply_resource(ApplyRequest {
                type_name: self.type_name.clone(),
                prior_state: prior.cloned(),
                planned_state: Some(planned.clone()),
                config: config.clone(),
                planned_private: None,
                idempotency_token: Some("harness-token".into()),
            })
            .await
            .map_err(|e| HarnessError::Apply(Box::new(e)))?;
        let state = resp.new_state.ok_or(HarnessError::NoNewState)?;
        if !state.is_wholly_known() {
            return Err(HarnessError::WrongType(
                "the new state has unknown values".into(),
            ));
        }
        Ok(state)
    }

    /// Plans and applies a create.
    pub async fn create(&self, config: &Value) -> Result<Value, HarnessError> {
        let plan = self.plan(None, config).await?;
        self.apply(None, &plan.planned_state, config).await
    }

    /// Applies a destroy.
    pub async fn destroy(&self, prior: &Value) -> Result<(), HarnessError> {
        let resp = self
            .provider
            .apply_resource(ApplyRequest {
                type_name: self.type_name.clone(),
                prior_state: Some(prior.clone()),
                planned_state: None,
                config: Value::null(prior.ty().clone()),
                planned_private: None,
                idempotency_token: None,
            })
            .await
            .map_err(|e| HarnessError::Apply(Box::new(e)))?;
        match resp.new_state {
            None => Ok(()),
            Some(_) => Err(HarnessError::StateAfterDestroy),
        }
    }

    /// Refreshes a state.
    pub async fn read(&self, state: &Value) -> Result<Option<Value>, HarnessError> {
        Ok(self
            .provider
            .read_resource(&self.type_name, state.clone(), None)
            .await?)
    }

    /// Imports by id.
    pub async fn import(&self, id: &str) -> Result<Vec<Value>, HarnessError> {
        Ok(self.provider.import_resource(&self.type_name, id).await?)
    }

    /// Reads the data source.
    pub async fn read_data(&self, config: Value) -> Result<Value, HarnessError> {
        Ok(self
            .provider
            .read_data_source(&self.type_name, config)
            .await?)
    }
}
