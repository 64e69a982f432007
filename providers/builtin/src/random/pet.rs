//! `random_pet`: a random, readable name such as `brave-brisk-otter`: `length` words (adverbs,
//! then an adjective, then a name), joined by `separator`, after `prefix`.

use async_trait::async_trait;
use rand::seq::SliceRandom;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, get_i64, get_str, with_attr};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::words::{ADJECTIVES, ADVERBS, NAMES};
use super::{arg, check_min, generator, keepers};
use crate::common::{apply_trivially, Ctx, ResourceType};

pub struct RandomPet;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        keepers(),
        (
            "length",
            AttributeSchema::optional_computed(Type::Number)
                .force_new()
                .describe("The number of words (default 2)."),
        ),
        ("prefix", arg(Type::String, "A word put first.")),
        (
            "separator",
            AttributeSchema::optional_computed(Type::String)
                .force_new()
                .describe("The text between words (default \"-\")."),
        ),
        (
            "id",
            AttributeSchema::computed(Type::String).describe("The generated name."),
        ),
    ])
}

fn pet_name(length: usize, prefix: Option<&str>, separator: &str) -> String {
    let mut rng = generator(None);
    let mut words: Vec<&str> = Vec::new();
    if let Some(p) = prefix {
        words.push(p);
    }
    let pick = |list: &'static [&'static str], rng: &mut dyn rand::RngCore| {
        list.choose(rng).copied().unwrap_or("pet")
    };
    for _ in 2..length {
        words.push(pick(ADVERBS, &mut rng));
    }
    if length >= 2 {
        words.push(pick(ADJECTIVES, &mut rng));
    }
    if length >= 1 {
        words.push(pick(NAMES, &mut rng));
    }
    words.join(separator)
}

#[async_trait]
impl ResourceType for RandomPet {
    fn name(&self) -> &'static str {
        "random_pet"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        check_min(config, "length", 1, &mut out);
        out
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [("length", Value::int(2)), ("separator", Value::string("-"))];
        Ok(super::plan_random(&block(), &defaults, &req))
    }

    async fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let (None, Some(planned)) = (&req.prior_state, &req.planned_state) else {
            return Ok(apply_trivially(&req));
        };
        let planned = expect_object(planned, "planned state")?;
        let length = get_i64(planned, "length")?.unwrap_or(2).max(0);
        let name = pet_name(
            usize::try_from(length).unwrap_or(2),
            get_str(planned, "prefix"),
            get_str(planned, "separator").unwrap_or("-"),
        );
        Ok(ApplyResponse {
            new_state: Some(with_attr(planned, "id", Value::string(name))),
            private: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::{s, unknown, Driver, TestHost};
    use terrane_dsl::value::Path;

    #[tokio::test]
    async fn names_have_length_words() {
        let d = Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "random_pet",
        );
        let cfg = d.config(vec![]);
        let plan = d.plan(None, &cfg).await;
        assert_eq!(plan.planned_state.get_attr("length"), Some(&Value::int(2)));
        assert!(unknown(&plan.planned_state, "id"));
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        let id = s(&state, "id");
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(parts.len(), 2);
        assert!(ADJECTIVES.contains(&parts[0]) && NAMES.contains(&parts[1]));
        assert_eq!(d.plan(Some(&state), &cfg).await.planned_state, state);

        let cfg3 = d.config(vec![
            ("length", Value::int(4)),
            ("prefix", Value::string("web")),
            ("separator", Value::string(".")),
        ]);
        let re = d.plan(Some(&state), &cfg3).await;
        assert_eq!(
            re.requires_replace,
            vec![
                Path::root().attr("length"),
                Path::root().attr("prefix"),
                Path::root().attr("separator")
            ]
        );
        let st = d.apply(None, &re.planned_state, &cfg3).await;
        let parts: Vec<&str> = s(&st, "id").split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[0], "web");
        assert!(ADVERBS.contains(&parts[1]));
    }
}
