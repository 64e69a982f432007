//! `random_integer`: a whole number between `min` and `max` inclusive; with a `seed`, the same
//! number every time.

use async_trait::async_trait;
use rand::Rng;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, get_i64, get_str, object_for, with_attrs};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::{arg, generator, keepers, need_i64};
use crate::common::{apply_trivially, Ctx, ResourceType};

pub struct RandomInteger;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        keepers(),
        (
            "min",
            AttributeSchema::required(Type::Number)
                .force_new()
                .describe("The smallest possible result."),
        ),
        (
            "max",
            AttributeSchema::required(Type::Number)
                .force_new()
                .describe("The largest possible result."),
        ),
        ("seed", arg(Type::String, "Makes the result deterministic.")),
        ("result", AttributeSchema::computed(Type::Number)),
        ("id", AttributeSchema::computed(Type::String)),
    ])
}

fn draw(min: i64, max: i64, seed: Option<&str>) -> Result<i64, ProviderError> {
    if min > max {
        return Err(min_max_error());
    }
    Ok(generator(seed).gen_range(min..=max))
}

fn min_max_error() -> ProviderError {
    ProviderError::new(
        "Invalid Attribute Value",
        "The minimum (min) value needs to be smaller than or equal to maximum (max) value.",
    )
    .at_attr("max")
}

#[async_trait]
impl ResourceType for RandomInteger {
    fn name(&self) -> &'static str {
        "random_integer"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        let min = get_i64(config, "min");
        let max = get_i64(config, "max");
        for r in [&min, &max] {
            if let Err(e) = r {
                out.push(e.clone().into());
            }
        }
        if let (Ok(Some(min)), Ok(Some(max))) = (min, max) {
            if min > max {
                out.push(min_max_error().into());
            }
        }
        out
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(super::plan_random(&block(), &[], &req))
    }

    async fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let (None, Some(planned)) = (&req.prior_state, &req.planned_state) else {
            return Ok(apply_trivially(&req));
        };
        let planned = expect_object(planned, "planned state")?;
        let n = draw(
            need_i64(planned, "min")?,
            need_i64(planned, "max")?,
            get_str(planned, "seed"),
        )?;
        Ok(ApplyResponse {
            new_state: Some(with_attrs(
                planned,
                [
                    ("result", Value::int(n)),
                    ("id", Value::string(n.to_string())),
                ],
            )),
            private: None,
        })
    }

    /// Import as `result,min,max` or `result,min,max,seed`.
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Vec<Value>, ProviderError> {
        let parts: Vec<&str> = id.split(',').collect();
        let bad = || {
            ProviderError::new(
                "Invalid Import ID",
                format!(
                    "Invalid import usage: expecting {{result}},{{min}},{{max}} or \
                     {{result}},{{min}},{{max}},{{seed}}, got {id:?}"
                ),
            )
        };
        if parts.len() != 3 && parts.len() != 4 {
            return Err(bad());
        }
        let num = |s: &str| s.trim().parse::<i64>().map_err(|_| bad());
        let (result, min, max) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
        let mut attrs = vec![
            ("result", Value::int(result)),
            ("id", Value::string(parts[0].trim())),
            ("min", Value::int(min)),
            ("max", Value::int(max)),
        ];
        if let Some(seed) = parts.get(3) {
            attrs.push(("seed", Value::string(*seed)));
        }
        Ok(vec![object_for(&block(), attrs)])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::{s, unknown, Driver, TestHost};
    use terrane_dsl::value::Path;

    #[tokio::test]
    async fn range_seed_and_import() {
        let d = Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "random_integer",
        );
        let cfg = d.config(vec![
            ("min", Value::int(1)),
            ("max", Value::int(50000)),
            ("seed", Value::string("s1")),
        ]);
        let plan = d.plan(None, &cfg).await;
        assert!(unknown(&plan.planned_state, "result"));
        let a = d.apply(None, &plan.planned_state, &cfg).await;
        let b = d.apply(None, &plan.planned_state, &cfg).await;
        assert_eq!(a, b, "a seed makes the result deterministic");
        let n = a.get_attr("result").and_then(Value::as_i64).unwrap();
        assert!((1..=50000).contains(&n));
        assert_eq!(s(&a, "id"), n.to_string());

        let cfg2 = d.config(vec![
            ("min", Value::int(1)),
            ("max", Value::int(50000)),
            ("seed", Value::string("s2")),
        ]);
        let re = d.plan(Some(&a), &cfg2).await;
        assert_eq!(re.requires_replace, vec![Path::root().attr("seed")]);

        let bad = d.config(vec![("min", Value::int(3)), ("max", Value::int(1))]);
        assert_eq!(d.validate(&bad).len(), 1);

        let got = d
            .provider
            .import_resource("random_integer", "15,1,50,x")
            .await
            .unwrap();
        assert_eq!(got[0].get_attr("result"), Some(&Value::int(15)));
        assert_eq!(s(&got[0], "seed"), "x");
        assert!(d
            .provider
            .import_resource("random_integer", "15")
            .await
            .is_err());
    }
}
