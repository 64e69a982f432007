//! `random_id`: `byte_length` random bytes, shown as URL-safe and standard base64, hex and
//! decimal (each after `prefix`); `id` is the unprefixed URL-safe base64.

use async_trait::async_trait;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{expect_object, get_str, object_for, with_attrs};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, PlanRequest,
    PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::{arg, check_min, generator, keepers, need_i64};
use crate::common::{apply_trivially, Ctx, ResourceType};

pub struct RandomId;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        keepers(),
        (
            "byte_length",
            AttributeSchema::required(Type::Number)
                .force_new()
                .describe("The number of random bytes (at least 1)."),
        ),
        (
            "prefix",
            arg(Type::String, "Text put before each encoding."),
        ),
        (
            "id",
            AttributeSchema::computed(Type::String).describe("URL-safe base64, no prefix."),
        ),
        ("b64_url", AttributeSchema::computed(Type::String)),
        ("b64_std", AttributeSchema::computed(Type::String)),
        ("hex", AttributeSchema::computed(Type::String)),
        ("dec", AttributeSchema::computed(Type::String)),
    ])
}

/// The decimal digits of a big-endian unsigned number.
fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new(); // little-endian base 10
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

fn encodings(prefix: &str, bytes: &[u8]) -> [(&'static str, Value); 5] {
    let id = URL_SAFE_NO_PAD.encode(bytes);
    [
        ("b64_url", Value::string(format!("{prefix}{id}"))),
        ("id", Value::string(id)),
        (
            "b64_std",
            Value::string(format!("{prefix}{}", STANDARD.encode(bytes))),
        ),
        (
            "hex",
            Value::string(format!("{prefix}{}", hex::encode(bytes))),
        ),
        ("dec", Value::string(format!("{prefix}{}", decimal(bytes)))),
    ]
}

#[async_trait]
impl ResourceType for RandomId {
    fn name(&self) -> &'static str {
        "random_id"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        check_min(config, "byte_length", 1, &mut out);
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
        let n = need_i64(planned, "byte_length")?;
        let len = usize::try_from(n).map_err(|_| {
            ProviderError::new("Invalid byte_length", "byte_length must be at least 1.")
                .at_attr("byte_length")
        })?;
        let mut bytes = vec![0u8; len];
        generator(None).fill_bytes(&mut bytes);
        let prefix = get_str(planned, "prefix").unwrap_or("");
        Ok(ApplyResponse {
            new_state: Some(with_attrs(planned, encodings(prefix, &bytes))),
            private: None,
        })
    }

    /// Import by the URL-safe base64 id, optionally as `prefix,id`.
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Vec<Value>, ProviderError> {
        let (prefix, encoded) = match id.split_once(',') {
            Some((p, e)) => (Some(p), e),
            None => (None, id),
        };
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|e| {
            ProviderError::new(
                "Import Random ID Error",
                format!("While attempting to import a random id there was a decoding error.\n\nOriginal Error: {e}"),
            )
        })?;
        let mut attrs: Vec<(&str, Value)> = encodings(prefix.unwrap_or(""), &bytes).into();
        attrs.push(("byte_length", Value::int(bytes.len() as i64)));
        if let Some(p) = prefix {
            attrs.push(("prefix", Value::string(p)));
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
    use terrane_provider::values::string_map;

    fn driver() -> Driver {
        Driver::new(
            Arc::new(super::super::provider(TestHost::new())),
            "random_id",
        )
    }

    #[test]
    fn decimal_of_bytes() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[1, 0]), "256");
        assert_eq!(decimal(&[0xff; 8]), u64::MAX.to_string());
        assert_eq!(
            decimal(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
            "18446744073709551616"
        );
    }

    #[tokio::test]
    async fn create_keep_and_replace_on_keepers() {
        let d = driver();
        let k = |v: &str| string_map([("ami".to_string(), v.to_string())].into());
        let cfg = d.config(vec![
            ("byte_length", Value::int(8)),
            ("prefix", Value::string("p-")),
            ("keepers", k("a")),
        ]);
        let plan = d.plan(None, &cfg).await;
        for a in ["id", "b64_url", "b64_std", "hex", "dec"] {
            assert!(unknown(&plan.planned_state, a), "{a}");
        }
        let state = d.apply(None, &plan.planned_state, &cfg).await;
        let id = s(&state, "id").to_string();
        assert_eq!(id.len(), 11);
        assert_eq!(s(&state, "b64_url"), format!("p-{id}"));
        assert_eq!(s(&state, "hex").len(), 2 + 16);
        assert!(s(&state, "b64_std").ends_with('='));

        assert_eq!(d.plan(Some(&state), &cfg).await.planned_state, state);
        let cfg2 = d.config(vec![
            ("byte_length", Value::int(8)),
            ("prefix", Value::string("p-")),
            ("keepers", k("b")),
        ]);
        let re = d.plan(Some(&state), &cfg2).await;
        assert_eq!(re.requires_replace, vec![Path::root().attr("keepers")]);
        assert!(unknown(&re.planned_state, "hex"));
    }

    #[tokio::test]
    async fn validate_and_import() {
        let d = driver();
        let bad = d.config(vec![("byte_length", Value::int(0))]);
        assert_eq!(d.validate(&bad).len(), 1);
        let ok = d.config(vec![("byte_length", Value::unknown(Type::Number))]);
        assert!(d.validate(&ok).is_empty());

        let got = d
            .provider
            .import_resource("random_id", "x,AQID")
            .await
            .unwrap();
        assert_eq!(s(&got[0], "hex"), "x010203");
        assert_eq!(s(&got[0], "dec"), "x66051");
        assert_eq!(s(&got[0], "id"), "AQID");
        assert_eq!(got[0].get_attr("byte_length"), Some(&Value::int(3)));
        assert!(d.provider.import_resource("random_id", "!!").await.is_err());
    }
}
