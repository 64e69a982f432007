//! The `null` provider's `null_resource`: does nothing; `triggers` force its replacement, and
//! its id is a random decimal number, as Terraform's null provider makes it.

use std::sync::Arc;

use async_trait::async_trait;
use rand::Rng;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, with_attr};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, Host, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use crate::common::{apply_trivially, plan_immutable, Ctx, ResourceType, TableProvider};

/// The `null` provider.
pub fn provider(host: Arc<dyn Host>) -> TableProvider {
    TableProvider::new("null", host, vec![Box::new(NullResource)], vec![])
}

pub struct NullResource;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "triggers",
            AttributeSchema::optional(Type::map(Type::String))
                .force_new()
                .describe("Values whose change replaces the resource."),
        ),
        (
            "id",
            AttributeSchema::computed(Type::String).describe("A random decimal number."),
        ),
    ])
}

#[async_trait]
impl ResourceType for NullResource {
    fn name(&self) -> &'static str {
        "null_resource"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_immutable(&block(), &[], &req))
    }

    async fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        match (&req.prior_state, &req.planned_state) {
            (None, Some(planned)) => {
                let planned = expect_object(planned, "planned state")?;
                // A non-negative 63-bit number, as Go's rand.Int() gives the real provider.
                let id: i64 = rand::thread_rng().gen_range(0..=i64::MAX);
                Ok(ApplyResponse {
                    new_state: Some(with_attr(planned, "id", Value::string(id.to_string()))),
                    private: None,
                })
            }
            _ => Ok(apply_trivially(&req)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{s, unknown, Driver, TestHost};
    use terrane_dsl::value::Path;
    use terrane_provider::values::string_map;

    #[tokio::test]
    async fn triggers_replace_and_ids_are_decimal() {
        let d = Driver::new(Arc::new(provider(TestHost::new())), "null_resource");
        let trig = |v: &str| string_map([("k".to_string(), v.to_string())].into());
        let cfg = d.config(vec![("triggers", trig("1"))]);
        let plan = d.plan(None, &cfg).await;
        assert!(unknown(&plan.planned_state, "id"));
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        assert!(s(&state, "id").bytes().all(|b| b.is_ascii_digit()));
        let same = d.plan(Some(&state), &cfg).await;
        assert_eq!(same.planned_state, state);
        let cfg2 = d.config(vec![("triggers", trig("2"))]);
        let re = d.plan(Some(&state), &cfg2).await;
        assert_eq!(re.requires_replace, vec![Path::root().attr("triggers")]);
        assert!(unknown(&re.planned_state, "id"));
        assert_eq!(d.read(&state).await, Some(state.clone()));
        d.destroy(&state).await;
        assert!(d
            .provider
            .import_resource("null_resource", "1")
            .await
            .is_err());
    }
}
