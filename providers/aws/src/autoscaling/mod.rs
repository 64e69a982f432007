//! Auto Scaling resource types (one file each) and what they share: the awsquery calls with
//! their `NextToken` pages, how "not found" reads, and names derived from a create's token
//! (for the types that cannot carry tags).

pub mod group;
pub mod group_api;
pub mod launch_configuration;
pub mod lb_health;
pub mod policy;

use terrane_dsl::value::{Type, Value};

pub use crate::awsquery::members;
use crate::client::{endpoint, AwsError, Element, Params};
use crate::common::{Aws, ResourceType};

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(launch_configuration::LaunchConfiguration),
        Box::new(group::Group),
        Box::new(policy::Policy),
    ]
}

/// Every page of a describe call (following `NextToken`): the members of `list`.
pub async fn pages(
    aws: &Aws,
    action: &str,
    params: &Params,
    list: &str,
) -> Result<Vec<Element>, AwsError> {
    aws.pages(&endpoint::AUTOSCALING, action, params, "NextToken", list)
        .await
}

/// Whether Auto Scaling said the named object does not exist (a `ValidationError` saying
/// "... name not found", as DeleteAutoScalingGroup and DeleteLaunchConfiguration answer).
pub fn is_gone(e: &AwsError) -> bool {
    e.is_not_found() || (e.is("ValidationError") && e.message.to_lowercase().contains("not found"))
}

/// `prefix` followed by 26 hex digits derived from the create's idempotency `token`: a name
/// as unique as Terraform's generated ones, which [`token_suffix`] finds again after a crash.
pub fn token_name(prefix: &str, token: &str) -> String {
    format!("{prefix}{}", token_suffix(token))
}

/// The 26 hex digits [`token_name`] appends (FNV-1a, 128 bits, of the token).
pub fn token_suffix(token: &str) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for b in token.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")[..26].to_string()
}

/// A set of strings from AWS, or null when AWS has none and the prior value was null (an
/// optional set left out of the configuration is no difference).
pub fn set_or_null(prior: &Value, name: &str, items: Vec<String>) -> Value {
    let prior_null = prior.get_attr(name).is_none_or(Value::is_null);
    if items.is_empty() && prior_null {
        Value::null(Type::set(Type::String))
    } else {
        crate::common::string_set(items)
    }
}

/// The texts of the members of list `name`.
pub fn member_texts(el: &Element, name: &str) -> Vec<String> {
    el.items(name)
        .iter()
        .filter(|m| !m.text.is_empty())
        .map(|m| m.text.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_names_are_stable_and_distinct() {
        let a = token_name("web-", "terrane-1-2-3");
        assert_eq!(a, token_name("web-", "terrane-1-2-3"));
        assert_eq!(a.len(), 4 + 26);
        assert!(a.ends_with(&token_suffix("terrane-1-2-3")));
        assert_ne!(token_suffix("terrane-1-2-3"), token_suffix("terrane-1-2-4"));
    }
}

#[cfg(test)]
mod autoscaling_tests;
