//! Test support: a host on a temporary directory with canned remote states, and helpers that
//! drive a provider through the trait as the engine does (validate, plan, apply, read).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use terrane_dsl::value::Value;
use terrane_provider::objchange::{check_planned, proposed_new};
use terrane_provider::values::object_for;
use terrane_provider::{
    ApplyRequest, Host, PlanRequest, PlanResponse, Provider, ProviderDiagnostic, ProviderError,
};

/// A host whose working directory is a fresh temporary directory.
pub struct TestHost {
    pub dir: tempfile::TempDir,
    /// Outputs by `(backend, workspace)`.
    pub states: BTreeMap<(String, String), Value>,
}

impl TestHost {
    pub fn new() -> Arc<TestHost> {
        Arc::new(TestHost::with_states(BTreeMap::new()))
    }

    pub fn with_states(states: BTreeMap<(String, String), Value>) -> TestHost {
        TestHost {
            dir: tempfile::tempdir().expect("temporary directory"),
            states,
        }
    }
}

#[async_trait]
impl Host for TestHost {
    fn working_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    async fn read_remote_state_outputs(
        &self,
        backend: &str,
        _config: &Value,
        workspace: &str,
    ) -> Result<Value, ProviderError> {
        self.states
            .get(&(backend.to_string(), workspace.to_string()))
            .cloned()
            .ok_or_else(|| ProviderError::new("No such state", backend.to_string()))
    }
}

/// Drives one resource type of a provider as the engine would.
pub struct Driver {
    pub provider: Arc<dyn Provider>,
    pub type_name: &'static str,
}

impl Driver {
    pub fn new(provider: Arc<dyn Provider>, type_name: &'static str) -> Driver {
        Driver {
            provider,
            type_name,
        }
    }

    /// A configuration object: the given attributes, every other one null.
    pub fn config(&self, attrs: Vec<(&str, Value)>) -> Value {
        let schema = &self.provider.schema().resources[self.type_name];
        object_for(&schema.block, attrs)
    }

    /// A data source configuration object.
    pub fn data_config(&self, attrs: Vec<(&str, Value)>) -> Value {
        let schema = &self.provider.schema().data_sources[self.type_name];
        object_for(&schema.block, attrs)
    }

    pub fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        self.provider.validate_resource(self.type_name, config)
    }

    pub async fn plan(&self, prior: Option<&Value>, config: &Value) -> PlanResponse {
        self.try_plan(prior, config).await.expect("plan")
    }

    pub async fn try_plan(
        &self,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, ProviderError> {
        let schema = &self.provider.schema().resources[self.type_name];
        let proposed = proposed_new(&schema.block, prior, config);
        let resp = self
            .provider
            .plan_resource(PlanRequest {
                type_name: self.type_name.to_string(),
                prior_state: prior.cloned(),
                proposed_new_state: proposed,
                config: config.clone(),
                prior_private: None,
            })
            .await?;
        let problems = check_planned(&schema.block, config, &resp.planned_state);
        assert!(problems.is_empty(), "invalid plan: {problems:?}");
        assert_eq!(
            resp.planned_state.ty().attribute_types().map(|a| a.len()),
            schema
                .block
                .implied_type()
                .attribute_types()
                .map(|a| a.len())
        );
        Ok(resp)
    }

    pub async fn apply(&self, prior: Option<&Value>, planned: &Value, config: &Value) -> Value {
        self.provider
            .apply_resource(ApplyRequest {
                type_name: self.type_name.to_string(),
                prior_state: prior.cloned(),
                planned_state: Some(planned.clone()),
                config: config.clone(),
                planned_private: None,
                idempotency_token: Some("tok".into()),
            })
            .await
            .expect("apply")
            .new_state
            .expect("a new state")
    }

    /// Plans and applies a create.
    pub async fn create(&self, config: &Value) -> Value {
        let plan = self.plan(None, config).await;
        assert!(plan.requires_replace.is_empty());
        self.apply(None, &plan.planned_state, config).await
    }

    pub async fn destroy(&self, prior: &Value) {
        let out = self
            .provider
            .apply_resource(ApplyRequest {
                type_name: self.type_name.to_string(),
                prior_state: Some(prior.clone()),
                planned_state: None,
                config: Value::null(prior.ty().clone()),
                planned_private: None,
                idempotency_token: None,
            })
            .await
            .expect("destroy");
        assert!(out.new_state.is_none());
    }

    pub async fn read(&self, state: &Value) -> Option<Value> {
        self.provider
            .read_resource(self.type_name, state.clone(), None)
            .await
            .expect("read")
    }

    pub async fn read_data(&self, config: Value) -> Result<Value, ProviderError> {
        self.provider.read_data_source(self.type_name, config).await
    }
}

/// A string attribute of a state.
pub fn s<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get_attr(name)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{name} is not a known string in {v:?}"))
}

/// Whether an attribute is unknown.
pub fn unknown(v: &Value, name: &str) -> bool {
    v.get_attr(name).is_some_and(|a| !a.is_known())
}
