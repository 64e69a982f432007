//! `terraform_data`: stores `input` and reflects it in `output` after apply; a change of
//! `triggers_replace` replaces it. Behaves as Terraform's built-in resource.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::objchange::requires_replace;
use terrane_provider::values::{expect_object, object_for, with_attrs};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use crate::common::{Ctx, ResourceType};

pub struct TerraformData;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "input",
            AttributeSchema::optional(Type::Dynamic)
                .describe("A value to store; it is reflected in output after apply."),
        ),
        (
            "output",
            AttributeSchema::computed(Type::Dynamic)
                .describe("The value of input, known after apply when input changes."),
        ),
        (
            "triggers_replace",
            AttributeSchema::optional(Type::Dynamic)
                .force_new()
                .describe("A value whose change replaces the resource."),
        ),
        (
            "id",
            AttributeSchema::computed(Type::String).describe("A unique id (a UUID)."),
        ),
    ])
}

fn unknown_like(v: Option<&Value>) -> Value {
    Value::unknown(v.map(|v| v.ty().clone()).unwrap_or(Type::Dynamic))
}

#[async_trait]
impl ResourceType for TerraformData {
    fn name(&self) -> &'static str {
        "terraform_data"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let proposed = &req.proposed_new_state;
        let input = proposed.get_attr("input");
        let mut planned = proposed.clone();
        let mut requires = Vec::new();
        match &req.prior_state {
            None => {
                planned = with_attrs(
                    &planned,
                    [
                        ("id", Value::unknown(Type::String)),
                        ("output", unknown_like(input)),
                    ],
                );
            }
            Some(prior) => {
                requires = requires_replace(&block(), prior, proposed);
                let input_changed = match (prior.get_attr("input"), input) {
                    (Some(a), Some(b)) => !a.raw_equals(b),
                    (a, b) => a.is_some() != b.is_some(),
                };
                if input_changed || !requires.is_empty() {
                    planned = with_attrs(&planned, [("output", unknown_like(input))]);
                }
                if !requires.is_empty() {
                    planned = with_attrs(&planned, [("id", Value::unknown(Type::String))]);
                }
            }
        }
        Ok(PlanResponse {
            planned_state: planned,
            requires_replace: requires,
            planned_private: None,
        })
    }

    async fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let Some(planned) = &req.planned_state else {
            return Ok(ApplyResponse {
                new_state: None,
                private: None,
            });
        };
        let planned = expect_object(planned, "planned state")?;
        let input = planned
            .get_attr("input")
            .cloned()
            .unwrap_or_else(|| Value::null(Type::Dynamic));
        let id = match planned.get_attr("id") {
            Some(id) if id.is_known() && !id.is_null() => id.clone(),
            _ => Value::string(uuid::Uuid::new_v4().to_string()),
        };
        Ok(ApplyResponse {
            new_state: Some(with_attrs(planned, [("id", id), ("output", input)])),
            private: None,
        })
    }

    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Vec<Value>, ProviderError> {
        Ok(vec![object_for(&block(), [("id", Value::string(id))])])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::{s, unknown, Driver, TestHost};
    use terrane_dsl::value::Path;

    fn driver() -> Driver {
        Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "terraform_data",
        )
    }

    #[tokio::test]
    async fn create_then_update_input() {
        let d = driver();
        let cfg = d.config(vec![("input", Value::string("a"))]);
        let plan = d.plan(None, &cfg).await;
        assert!(unknown(&plan.planned_state, "id"));
        assert_eq!(
            plan.planned_state.get_attr("output"),
            Some(&Value::unknown(Type::String))
        );
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        assert_eq!(s(&state, "output"), "a");
        assert_eq!(s(&state, "id").len(), 36);

        // The same input plans no change.
        let same = d.plan(Some(&state), &cfg).await;
        assert_eq!(same.planned_state, state);
        assert!(same.requires_replace.is_empty());

        // A new input updates in place, output unknown until apply; the id stays.
        let cfg2 = d.config(vec![("input", Value::int(5))]);
        let upd = d.plan(Some(&state), &cfg2).await;
        assert!(upd.requires_replace.is_empty());
        assert_eq!(s(&upd.planned_state, "id"), s(&state, "id"));
        assert_eq!(
            upd.planned_state.get_attr("output"),
            Some(&Value::unknown(Type::Number))
        );
        let state2 = d.apply(Some(&state), &upd.planned_state, &cfg2).await;
        assert_eq!(state2.get_attr("output"), Some(&Value::int(5)));
        assert_eq!(s(&state2, "id"), s(&state, "id"));
    }

    #[tokio::test]
    async fn triggers_replace_forces_replacement() {
        let d = driver();
        let cfg = d.config(vec![("triggers_replace", Value::string("v1"))]);
        let state = d.create(&cfg).await;
        assert!(state.get_attr("output").unwrap().is_null());
        let cfg2 = d.config(vec![("triggers_replace", Value::string("v2"))]);
        let plan = d.plan(Some(&state), &cfg2).await;
        assert_eq!(
            plan.requires_replace,
            vec![Path::root().attr("triggers_replace")]
        );
        assert!(unknown(&plan.planned_state, "id"));
        let new = d.apply(None, &plan.planned_state, &cfg2).await;
        assert_ne!(s(&new, "id"), s(&state, "id"));
        assert!(d.read(&new).await.is_some());
        d.destroy(&new).await;
    }

    #[tokio::test]
    async fn unknown_input_and_import() {
        let d = driver();
        let cfg = d.config(vec![("input", Value::unknown(Type::Dynamic))]);
        let plan = d.plan(None, &cfg).await;
        assert!(unknown(&plan.planned_state, "output"));
        let imported = d
            .provider
            .import_resource("terraform_data", "abc")
            .await
            .unwrap();
        assert_eq!(s(&imported[0], "id"), "abc");
        assert!(imported[0].get_attr("input").unwrap().is_null());
    }
}
