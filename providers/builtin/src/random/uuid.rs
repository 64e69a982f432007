//! `random_uuid`: a random version 4 UUID in `result` (and `id`).

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, object_for, with_attrs};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::keepers;
use crate::common::{apply_trivially, Ctx, ResourceType};

pub struct RandomUuid;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        keepers(),
        (
            "result",
            AttributeSchema::computed(Type::String).describe("The generated UUID."),
        ),
        ("id", AttributeSchema::computed(Type::String)),
    ])
}

#[async_trait]
impl ResourceType for RandomUuid {
    fn name(&self) -> &'static str {
        "random_uuid"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(super::plan_random(&block(), &[], &req))
    }

    async fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let (None, Some(planned)) = (&req.prior_state, &req.planned_state) else {
            return Ok(apply_trivially(&req));
        };
        let planned = expect_object(planned, "planned state")?;
        let u = uuid::Uuid::new_v4().to_string();
        Ok(ApplyResponse {
            new_state: Some(with_attrs(
                planned,
                [("result", Value::string(&u)), ("id", Value::string(&u))],
            )),
            private: None,
        })
    }

    /// Import by the UUID itself.
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Vec<Value>, ProviderError> {
        let u = uuid::Uuid::parse_str(id).map_err(|e| {
            ProviderError::new(
                "Import Random UUID Error",
                format!(
                    "There was an error during the parsing of the UUID.\n\nOriginal Error: {e}"
                ),
            )
        })?;
        let text = u.to_string();
        Ok(vec![object_for(
            &block(),
            [
                ("result", Value::string(&text)),
                ("id", Value::string(&text)),
            ],
        )])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::testing::{s, Driver, TestHost};
    use terrane_provider::values::string_map;

    #[tokio::test]
    async fn creates_a_v4_uuid() {
        let d = Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "random_uuid",
        );
        let cfg = d.config(vec![]);
        let state = d.create(&cfg).await;
        let u = uuid::Uuid::parse_str(s(&state, "result")).unwrap();
        assert_eq!(u.get_version_num(), 4);
        assert_eq!(d.plan(Some(&state), &cfg).await.planned_state, state);

        // keepers from null to empty: an update in place, no new UUID.
        let empty = d.config(vec![("keepers", string_map(Default::default()))]);
        let upd = d.plan(Some(&state), &empty).await;
        assert!(upd.requires_replace.is_empty());
        assert_eq!(s(&upd.planned_state, "result"), s(&state, "result"));
        let updated = d.apply(Some(&state), &upd.planned_state, &empty).await;
        assert_eq!(s(&updated, "result"), s(&state, "result"));
        // A real keeper value replaces.
        let k = string_map([("a".to_string(), "1".to_string())].into());
        let cfg_k = d.config(vec![("keepers", k)]);
        let re = d.plan(Some(&updated), &cfg_k).await;
        assert_eq!(re.requires_replace.len(), 1);

        let got = d
            .provider
            .import_resource("random_uuid", "6d6a4d4e-7f3b-4b8a-9e2c-1d2f3a4b5c6d")
            .await
            .unwrap();
        assert_eq!(s(&got[0], "id"), "6d6a4d4e-7f3b-4b8a-9e2c-1d2f3a4b5c6d");
        assert!(d
            .provider
            .import_resource("random_uuid", "nope")
            .await
            .is_err());
    }
}
