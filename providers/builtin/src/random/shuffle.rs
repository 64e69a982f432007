//! `random_shuffle`: a random permutation of `input`, cut to (or repeated up to)
//! `result_count` elements; with a `seed`, the same permutation every time.

use async_trait::async_trait;
use rand::seq::SliceRandom;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    expect_object, get_i64, get_str, get_string_list, string_list, with_attrs,
};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::{arg, check_min, generator, keepers};
use crate::common::{apply_trivially, Ctx, ResourceType};

pub struct RandomShuffle;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        keepers(),
        (
            "input",
            AttributeSchema::required(Type::list(Type::String))
                .force_new()
                .describe("The strings to shuffle."),
        ),
        (
            "result_count",
            arg(
                Type::Number,
                "How many elements to return (default: as many as input).",
            ),
        ),
        (
            "seed",
            arg(Type::String, "Makes the permutation deterministic."),
        ),
        (
            "result",
            AttributeSchema::computed(Type::list(Type::String)).describe("The shuffled list."),
        ),
        ("id", AttributeSchema::computed(Type::String)),
    ])
}

/// Whole permutations of `input`, one after another, until `count` elements are taken.
fn shuffle(input: &[String], count: usize, seed: Option<&str>) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    if input.is_empty() {
        return out;
    }
    let mut rng = generator(seed);
    while out.len() < count {
        let mut perm: Vec<&String> = input.iter().collect();
        perm.shuffle(&mut rng);
        for s in perm {
            if out.len() >= count {
                break;
            }
            out.push(s.clone());
        }
    }
    out
}

#[async_trait]
impl ResourceType for RandomShuffle {
    fn name(&self) -> &'static str {
        "random_shuffle"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        check_min(config, "result_count", 0, &mut out);
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
        let input = get_string_list(planned, "input").unwrap_or_default();
        let count = match get_i64(planned, "result_count")? {
            Some(n) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => input.len(),
        };
        let result = shuffle(&input, count, get_str(planned, "seed"));
        Ok(ApplyResponse {
            new_state: Some(with_attrs(
                planned,
                [("result", string_list(result)), ("id", Value::string("-"))],
            )),
            private: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::{unknown, Driver, TestHost};

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn counts_and_repeats() {
        let input = strings(&["a", "b", "c"]);
        let mut two = shuffle(&input, 2, None);
        assert_eq!(two.len(), 2);
        two.dedup();
        assert_eq!(two.len(), 2);
        let seven = shuffle(&input, 7, Some("x"));
        assert_eq!(seven.len(), 7);
        let mut first: Vec<String> = seven[..3].to_vec();
        first.sort();
        assert_eq!(first, input);
        assert_eq!(seven, shuffle(&input, 7, Some("x")));
        assert!(shuffle(&[], 3, None).is_empty());
    }

    #[tokio::test]
    async fn plan_and_apply() {
        let d = Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "random_shuffle",
        );
        let cfg = d.config(vec![
            (
                "input",
                string_list(strings(&["us-west-1a", "us-west-1c", "us-west-1d"])),
            ),
            ("result_count", Value::int(2)),
        ]);
        let plan = d.plan(None, &cfg).await;
        assert!(unknown(&plan.planned_state, "result"));
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        assert_eq!(state.get_attr("result").and_then(Value::length), Some(2));
        assert_eq!(d.plan(Some(&state), &cfg).await.planned_state, state);
    }
}
