//! Test support: a host on a temporary directory with canned remote states, and a driver that
//! runs a type through `terrane_provider`'s harness (as the engine would) and unwraps results.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::{Host, PlanResponse, Provider, ProviderDiagnostic, ProviderError};

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

/// Drives one resource type or data source; every step must succeed unless it says otherwise.
pub struct Driver {
    pub provider: Arc<dyn Provider>,
    harness: Harness,
}

impl Driver {
    pub fn new(provider: Arc<dyn Provider>, type_name: &'static str) -> Driver {
        Driver {
            harness: Harness::new(provider.clone(), type_name),
            provider,
        }
    }

    pub fn config(&self, attrs: Vec<(&str, Value)>) -> Value {
        self.harness.config(attrs).expect("resource type")
    }

    pub fn data_config(&self, attrs: Vec<(&str, Value)>) -> Value {
        self.harness.data_config(attrs).expect("data source")
    }

    pub fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        self.harness.validate(config)
    }

    pub async fn plan(&self, prior: Option<&Value>, config: &Value) -> PlanResponse {
        self.harness.plan(prior, config).await.expect("plan")
    }

    pub async fn apply(&self, prior: Option<&Value>, planned: &Value, config: &Value) -> Value {
        self.harness
            .apply(prior, planned, config)
            .await
            .expect("apply")
    }

    pub async fn create(&self, config: &Value) -> Value {
        self.harness.create(config).await.expect("create")
    }

    pub async fn destroy(&self, prior: &Value) {
        self.harness.destroy(prior).await.expect("destroy")
    }

    pub async fn read(&self, state: &Value) -> Option<Value> {
        self.harness.read(state).await.expect("read")
    }

    pub async fn read_data(&self, config: Value) -> Result<Value, ProviderError> {
        self.provider
            .read_data_source(&self.harness.type_name, config)
            .await
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
