//! `terraform_remote_state`: the root module outputs of another stack's state, read through
//! the engine's [`terrane_provider::Host`], with `defaults` for outputs the state lacks.

use std::collections::BTreeMap;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, get_str, with_attrs};
use terrane_provider::{AttributeSchema, BlockSchema, ProviderError, ResourceSchema};

use crate::common::{Ctx, DataSourceType};

pub struct RemoteState;

#[async_trait]
impl DataSourceType for RemoteState {
    fn name(&self) -> &'static str {
        "terraform_remote_state"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                (
                    "backend",
                    AttributeSchema::required(Type::String)
                        .describe("The type of backend the other state is stored in."),
                ),
                (
                    "config",
                    AttributeSchema::optional(Type::Dynamic)
                        .describe("The backend's configuration."),
                ),
                (
                    "defaults",
                    AttributeSchema::optional(Type::Dynamic)
                        .describe("Values for outputs the state does not have."),
                ),
                (
                    "workspace",
                    AttributeSchema::optional(Type::String)
                        .describe("The workspace to read; \"default\" unless set."),
                ),
                (
                    "outputs",
                    AttributeSchema::computed(Type::Dynamic)
                        .describe("The root module outputs of the state."),
                ),
            ]),
        }
    }

    async fn read(&self, ctx: &Ctx, config: Value) -> Result<Value, ProviderError> {
        let config = expect_object(&config, "configuration")?;
        let backend = get_str(config, "backend").ok_or_else(|| {
            ProviderError::new("Invalid backend configuration", "backend must be set.")
                .at_attr("backend")
        })?;
        let workspace = get_str(config, "workspace")
            .unwrap_or("default")
            .to_string();
        let backend_config = config
            .get_attr("config")
            .cloned()
            .unwrap_or_else(|| Value::null(Type::Dynamic));
        let outputs = ctx
            .host
            .read_remote_state_outputs(backend, &backend_config, &workspace)
            .await?;
        let mut merged: BTreeMap<String, Value> = BTreeMap::new();
        if let Some(defaults) = config.get_attr("defaults").filter(|d| !d.is_null()) {
            let entries = defaults.entries().ok_or_else(|| {
                ProviderError::new("Invalid default values", "defaults must be an object.")
                    .at_attr("defaults")
            })?;
            merged.extend(entries.clone());
        }
        if let Some(entries) = outputs.entries() {
            merged.extend(entries.clone());
        }
        Ok(with_attrs(
            config,
            [
                ("outputs", Value::object(merged)),
                ("workspace", Value::string(workspace)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::testing::{Driver, TestHost};
    use terrane_dsl::value::Mark;

    #[tokio::test]
    async fn reads_outputs_with_defaults() {
        let outputs = Value::object_from([
            ("vpc_id", Value::string("vpc-1")),
            ("secret", Value::string("pw").mark(Mark::Sensitive)),
        ]);
        let mut states = BTreeMap::new();
        states.insert(("local".to_string(), "default".to_string()), outputs);
        let host = Arc::new(TestHost::with_states(states));
        let d = Driver::new(
            Arc::new(super::super::provider(host)),
            "terraform_remote_state",
        );
        let cfg = d.data_config(vec![
            ("backend", Value::string("local")),
            (
                "config",
                Value::object_from([("path", Value::string("../net/.terrane/state.db"))]),
            ),
            (
                "defaults",
                Value::object_from([
                    ("vpc_id", Value::string("none")),
                    ("region", Value::string("eu-west-1")),
                ]),
            ),
        ]);
        let got = d.read_data(cfg).await.unwrap();
        let out = got.get_attr("outputs").unwrap();
        assert_eq!(out.get_attr("vpc_id"), Some(&Value::string("vpc-1")));
        assert_eq!(out.get_attr("region"), Some(&Value::string("eu-west-1")));
        assert!(out.get_attr("secret").unwrap().is_sensitive());
        assert_eq!(got.get_attr("workspace"), Some(&Value::string("default")));

        let other = d.data_config(vec![
            ("backend", Value::string("local")),
            ("workspace", Value::string("staging")),
        ]);
        assert!(d.read_data(other).await.is_err());
    }
}
