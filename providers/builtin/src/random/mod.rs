//! The `random` provider: random values made once at create and kept in the state until a
//! `keepers` value or an argument changes, as Terraform's hashicorp/random provider does.

mod id;
mod integer;
mod pet;
mod shuffle;
mod string;
mod uuid;
mod words;

use std::sync::Arc;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use terrane_dsl::value::{Type, Value};
use terrane_provider::{AttributeSchema, Host, ProviderDiagnostic, ProviderError};

use crate::common::TableProvider;

/// The `random` provider.
pub fn provider(host: Arc<dyn Host>) -> TableProvider {
    TableProvider::new(
        "random",
        host,
        vec![
            Box::new(id::RandomId),
            Box::new(string::RandomString { password: false }),
            Box::new(string::RandomString { password: true }),
            Box::new(integer::RandomInteger),
            Box::new(uuid::RandomUuid),
            Box::new(shuffle::RandomShuffle),
            Box::new(pet::RandomPet),
        ],
        vec![],
    )
}

/// `keepers`: arbitrary strings whose change makes a new random value.
fn keepers() -> (&'static str, AttributeSchema) {
    (
        "keepers",
        AttributeSchema::optional(Type::map(Type::String))
            .force_new()
            .describe("Arbitrary values whose change makes a new random value."),
    )
}

/// Plans a random resource: every argument forces replacement, except that `keepers` going
/// between null, empty and null-valued entries does not (the real provider's
/// "requires replace if values not null" rule): only a change of a non-null value does.
fn plan_random(
    block: &terrane_provider::BlockSchema,
    defaults: &[(&str, Value)],
    req: &terrane_provider::PlanRequest,
) -> terrane_provider::PlanResponse {
    crate::common::plan_immutable_except(block, defaults, req, |name, prior, planned| {
        name == "keepers" && non_null_entries(prior) == non_null_entries(planned)
    })
}

fn non_null_entries(v: &Value) -> Vec<(String, String)> {
    v.entries()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// An argument: optional, forcing replacement.
fn arg(ty: Type, description: &str) -> AttributeSchema {
    AttributeSchema::optional(ty)
        .force_new()
        .describe(description)
}

/// A generator: the operating system's when `seed` is `None`, otherwise a deterministic one
/// derived from the seed text (the same seed always gives the same sequence).
fn generator(seed: Option<&str>) -> Box<dyn RngCore + Send> {
    match seed {
        None => Box::new(rand::rngs::OsRng),
        Some(seed) => {
            let digest = Sha256::digest(seed.as_bytes());
            let mut key = [0u8; 32];
            key.copy_from_slice(&digest);
            Box::new(ChaCha20Rng::from_seed(key))
        }
    }
}

/// A number argument that must be a whole number at least `min` (unknown or null: no check).
fn check_min(config: &Value, name: &str, min: i64, out: &mut Vec<ProviderDiagnostic>) {
    match terrane_provider::values::get_i64(config, name) {
        Ok(Some(n)) if n < min => out.push(ProviderDiagnostic::error(
            "Invalid Attribute Value",
            format!("Attribute {name} value must be at least {min}, got: {n}"),
            terrane_dsl::value::Path::root().attr(name),
        )),
        Err(e) => out.push(e.into()),
        _ => {}
    }
}

/// A whole-number argument the apply needs.
fn need_i64(planned: &Value, name: &str) -> Result<i64, ProviderError> {
    terrane_provider::values::get_i64(planned, name)?.ok_or_else(|| crate::common::missing(name))
}
