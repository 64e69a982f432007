//! `random_string` and `random_password`: `length` characters drawn from the enabled classes
//! (upper, lower, numeric, special), with at least `min_*` of each; the password variant keeps
//! its result sensitive and adds a bcrypt hash of it.

use async_trait::async_trait;
use rand::seq::SliceRandom;
use rand::Rng;
use terrane_dsl::value::{Path, Type, Value};
use terrane_provider::values::{expect_object, get_bool, get_i64, get_str, object_for, with_attrs};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::{arg, check_min, generator, keepers, need_i64};
use crate::common::{apply_trivially, Ctx, ResourceType};

/// The special characters used unless `override_special` is set.
const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC: &str = "0123456789";

const FLAGS: [&str; 5] = ["special", "upper", "lower", "numeric", "number"];
const MINS: [&str; 4] = ["min_upper", "min_lower", "min_numeric", "min_special"];

pub struct RandomString {
    pub password: bool,
}

impl RandomString {
    fn block(&self) -> BlockSchema {
        let mut attrs = vec![
            keepers(),
            (
                "length",
                AttributeSchema::required(Type::Number)
                    .force_new()
                    .describe("The length of the result (at least 1)."),
            ),
            (
                "override_special",
                arg(
                    Type::String,
                    "The special characters to use instead of the default ones.",
                ),
            ),
        ];
        for f in FLAGS {
            attrs.push((
                f,
                AttributeSchema::optional_computed(Type::Bool)
                    .force_new()
                    .describe("Whether to use this class of characters (default true)."),
            ));
        }
        for m in MINS {
            attrs.push((
                m,
                AttributeSchema::optional_computed(Type::Number)
                    .force_new()
                    .describe("The fewest characters of this class (default 0)."),
            ));
        }
        let mut result = AttributeSchema::computed(Type::String).describe("The random string.");
        if self.password {
            result = result.sensitive();
            attrs.push((
                "bcrypt_hash",
                AttributeSchema::computed(Type::String)
                    .sensitive()
                    .describe("A bcrypt hash of the result."),
            ));
        }
        attrs.push(("result", result));
        attrs.push(("id", AttributeSchema::computed(Type::String)));
        BlockSchema::with_attributes(attrs)
    }

    fn defaults(&self, config: &Value) -> Vec<(&'static str, Value)> {
        // `number` is the deprecated spelling of `numeric`: either one set decides both.
        let numeric = get_bool(config, "numeric")
            .or_else(|| get_bool(config, "number"))
            .unwrap_or(true);
        let mut out = vec![
            ("special", Value::bool(true)),
            ("upper", Value::bool(true)),
            ("lower", Value::bool(true)),
            ("numeric", Value::bool(numeric)),
            ("number", Value::bool(numeric)),
        ];
        out.extend(MINS.iter().map(|m| (*m, Value::int(0))));
        out
    }
}

/// What generation needs, read from a known object.
struct Spec {
    length: i64,
    classes: Vec<(Vec<char>, i64)>,
}

fn spec(obj: &Value) -> Result<Spec, ProviderError> {
    let length = need_i64(obj, "length")?;
    let flag = |n: &str| get_bool(obj, n).unwrap_or(true);
    let min = |n: &str| get_i64(obj, n).map(|v| v.unwrap_or(0));
    let special = get_str(obj, "override_special").unwrap_or(SPECIAL);
    let mut classes = Vec::new();
    let numeric = flag("numeric") && flag("number");
    for (on, chars, m) in [
        (flag("upper"), UPPER, "min_upper"),
        (flag("lower"), LOWER, "min_lower"),
        (numeric, NUMERIC, "min_numeric"),
        (flag("special"), special, "min_special"),
    ] {
        if on {
            classes.push((chars.chars().collect::<Vec<char>>(), min(m)?));
        }
    }
    Ok(Spec { length, classes })
}

fn generate(spec: &Spec) -> Result<String, ProviderError> {
    let mut rng = generator(None);
    let all: Vec<char> = spec.classes.iter().flat_map(|(c, _)| c.clone()).collect();
    if all.is_empty() {
        return Err(ProviderError::new(
            "Random Read Error",
            "There was an error during random string generation: no character class is enabled.",
        ));
    }
    let mut out: Vec<char> = Vec::new();
    for (chars, min) in &spec.classes {
        if chars.is_empty() {
            continue;
        }
        for _ in 0..*min {
            out.push(chars[rng.gen_range(0..chars.len())]);
        }
    }
    let rest = spec.length - out.len() as i64;
    for _ in 0..rest.max(0) {
        out.push(all[rng.gen_range(0..all.len())]);
    }
    out.shuffle(&mut rng);
    Ok(out.into_iter().collect())
}

/// A bcrypt hash at cost 10, the cost Go's bcrypt uses by default (as the real provider).
fn hash(result: &str) -> Result<String, ProviderError> {
    bcrypt::hash(result, 10).map_err(|e| {
        ProviderError::new(
            "Random Password Error",
            format!(
                "There was an error during bcrypt hashing of the password.\n\nOriginal Error: {e}"
            ),
        )
    })
}

#[async_trait]
impl ResourceType for RandomString {
    fn name(&self) -> &'static str {
        if self.password {
            "random_password"
        } else {
            "random_string"
        }
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: if self.password { 3 } else { 2 },
            block: self.block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        check_min(config, "length", 1, &mut out);
        for m in MINS {
            check_min(config, m, 0, &mut out);
        }
        let length = get_i64(config, "length").ok().flatten();
        let mins: Option<i64> = MINS
            .iter()
            .map(|m| {
                if config.get_attr(m).is_some_and(|v| !v.is_known()) {
                    None
                } else {
                    Some(get_i64(config, m).ok().flatten().unwrap_or(0))
                }
            })
            .sum();
        if let (Some(length), Some(sum)) = (length, mins) {
            if length < sum {
                out.push(ProviderDiagnostic::error(
                    "Invalid Attribute Value",
                    format!(
                        "Attribute length value must be at least sum of min_upper + \
                         min_lower + min_numeric + min_special ({sum}), got: {length}"
                    ),
                    Path::root().attr("length"),
                ));
            }
        }
        out
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = self.defaults(&req.config);
        Ok(super::plan_random(&self.block(), &defaults, &req))
    }

    async fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let (None, Some(planned)) = (&req.prior_state, &req.planned_state) else {
            return Ok(apply_trivially(&req));
        };
        let planned = expect_object(planned, "planned state")?;
        let result = generate(&spec(planned)?)?;
        let mut attrs = vec![("result", Value::string(&result))];
        if self.password {
            attrs.push(("bcrypt_hash", Value::string(hash(&result)?)));
            attrs.push(("id", Value::string("none")));
        } else {
            attrs.push(("id", Value::string(&result)));
        }
        Ok(ApplyResponse {
            new_state: Some(with_attrs(planned, attrs)),
            private: None,
        })
    }

    /// Import by the value itself: every class enabled, no minimums.
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Vec<Value>, ProviderError> {
        let mut attrs = self.defaults(&Value::null(Type::Dynamic));
        attrs.push(("length", Value::int(id.chars().count() as i64)));
        attrs.push(("result", Value::string(id)));
        if self.password {
            attrs.push(("bcrypt_hash", Value::string(hash(id)?)));
            attrs.push(("id", Value::string("none")));
        } else {
            attrs.push(("id", Value::string(id)));
        }
        Ok(vec![object_for(&self.block(), attrs)])
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::testing::{s, unknown, Driver, TestHost};
    use terrane_provider::Provider;

    #[tokio::test]
    async fn string_classes_and_minimums() {
        let d = Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "random_string",
        );
        let cfg = d.config(vec![
            ("length", Value::int(24)),
            ("special", Value::bool(false)),
            ("upper", Value::bool(false)),
            ("min_numeric", Value::int(20)),
        ]);
        assert!(d.validate(&cfg).is_empty());
        let plan = d.plan(None, &cfg).await;
        assert_eq!(
            plan.planned_state.get_attr("lower"),
            Some(&Value::bool(true))
        );
        assert_eq!(
            plan.planned_state.get_attr("min_upper"),
            Some(&Value::int(0))
        );
        assert!(unknown(&plan.planned_state, "result"));
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        let r = s(&state, "result");
        assert_eq!(r.chars().count(), 24);
        assert_eq!(s(&state, "id"), r);
        assert!(r
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert!(r.chars().filter(char::is_ascii_digit).count() >= 20);
        // No change on a second plan; a changed length replaces.
        assert_eq!(d.plan(Some(&state), &cfg).await.planned_state, state);
        let cfg2 = d.config(vec![
            ("length", Value::int(25)),
            ("special", Value::bool(false)),
            ("upper", Value::bool(false)),
            ("min_numeric", Value::int(20)),
        ]);
        let re = d.plan(Some(&state), &cfg2).await;
        assert_eq!(re.requires_replace, vec![Path::root().attr("length")]);

        let too_short = d.config(vec![
            ("length", Value::int(2)),
            ("min_upper", Value::int(3)),
        ]);
        assert_eq!(d.validate(&too_short).len(), 1);
        let imported = d
            .provider
            .import_resource("random_string", "abc")
            .await
            .unwrap();
        assert_eq!(s(&imported[0], "result"), "abc");
        assert_eq!(imported[0].get_attr("length"), Some(&Value::int(3)));
    }

    #[tokio::test]
    async fn password_is_sensitive_and_hashed() {
        let p = Arc::new(super::super::provider(TestHost::new()));
        let schema = &p.schema().resources["random_password"].block;
        assert!(schema.attributes["result"].sensitive);
        let d = Driver::new(p.clone(), "random_password");
        let cfg = d.config(vec![
            ("length", Value::int(12)),
            ("override_special", Value::string("_")),
            ("number", Value::bool(false)),
        ]);
        let plan = d.plan(None, &cfg).await;
        assert_eq!(
            plan.planned_state.get_attr("numeric"),
            Some(&Value::bool(false))
        );
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        let r = s(&state, "result");
        assert!(r.chars().all(|c| c.is_ascii_alphabetic() || c == '_'));
        assert_eq!(s(&state, "id"), "none");
        assert!(bcrypt::verify(r, s(&state, "bcrypt_hash")).unwrap());
        assert_eq!(d.read(&state).await, Some(state.clone()));

        let imported = p
            .import_resource("random_password", "s3cr3t!")
            .await
            .unwrap();
        assert_eq!(s(&imported[0], "id"), "none");
        assert_eq!(s(&imported[0], "result"), "s3cr3t!");
        assert!(bcrypt::verify("s3cr3t!", s(&imported[0], "bcrypt_hash")).unwrap());
        // A configuration matching the imported value plans no change.
        let cfg = d.config(vec![("length", Value::int(7))]);
        assert!(d
            .plan(Some(&imported[0]), &cfg)
            .await
            .requires_replace
            .is_empty());
    }
}
