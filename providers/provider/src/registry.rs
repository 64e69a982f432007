//! The provider registry: provider crates register a factory per provider with
//! `inventory::submit!`, and the engine finds them by local name or by resource type, without
//! naming any provider in its code.

use std::sync::Arc;

use crate::host::Host;
use crate::provider::Provider;

/// How to make one provider. Provider crates register one per provider:
///
/// ```ignore
/// terrane_provider::inventory::submit! {
///     terrane_provider::ProviderFactory {
///         local_name: "random",
///         source: "hashicorp/random",
///         make: make_random,
///     }
/// }
/// ```
#[derive(Debug)]
pub struct ProviderFactory {
    /// The local name ("random"): the default prefix of the provider's type names, and the
    /// name of its `provider` block.
    pub local_name: &'static str,
    /// The source address Terraform users write in `required_providers` ("hashicorp/random";
    /// "terraform.io/builtin/terraform" for the built-in provider).
    pub source: &'static str,
    /// Makes an unconfigured provider instance (one per provider configuration).
    pub make: fn(Arc<dyn Host>) -> Arc<dyn Provider>,
}

inventory::collect!(ProviderFactory);

/// Every registered provider factory, in order of local name (then source), so that the
/// engine's output does not depend on link order.
///
/// Linking: inventory only sees provider crates that are linked into the binary. The engine
/// depends on each provider crate (a Cargo dependency) and calls its `link()` function once
/// (e.g. `terrane_provider_builtin::link()`) before the first lookup; a crate that is a
/// dependency but never referenced may be left out by the linker, and its providers with it.
pub fn registered() -> impl Iterator<Item = &'static ProviderFactory> {
    let mut all: Vec<&'static ProviderFactory> = inventory::iter::<ProviderFactory>().collect();
    all.sort_by(|a, b| (a.local_name, a.source).cmp(&(b.local_name, b.source)));
    all.into_iter()
}

/// The factory registered under a local name ("random").
pub fn find_by_local_name(local_name: &str) -> Option<&'static ProviderFactory> {
    registered().find(|f| f.local_name == local_name)
}

/// The factory registered for a source address. Accepts the short form ("hashicorp/random")
/// and the full one ("registry.terraform.io/hashicorp/random"), case-insensitively as
/// Terraform compares them.
pub fn find_by_source(source: &str) -> Option<&'static ProviderFactory> {
    let want = normalize_source(source);
    registered().find(|f| normalize_source(f.source) == want)
}

fn normalize_source(source: &str) -> String {
    let lower = source.to_ascii_lowercase();
    lower
        .strip_prefix("registry.terraform.io/")
        .map(str::to_string)
        .unwrap_or(lower)
}

/// The local name of the provider a resource or data source type belongs to when the
/// configuration names none, as Terraform implies it: the type name up to its first
/// underscore (`random_id` → `random`, `terraform_data` → `terraform`, `aws_instance` → `aws`).
pub fn implied_provider_name(type_name: &str) -> &str {
    match type_name.split_once('_') {
        Some((prefix, _)) => prefix,
        None => type_name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_names() {
        assert_eq!(implied_provider_name("random_id"), "random");
        assert_eq!(implied_provider_name("terraform_data"), "terraform");
        assert_eq!(implied_provider_name("terraform_remote_state"), "terraform");
        assert_eq!(implied_provider_name("http"), "http");
        assert_eq!(implied_provider_name("aws_s3_bucket"), "aws");
    }

    #[test]
    fn sources_compare_in_either_form() {
        assert_eq!(
            normalize_source("registry.terraform.io/HashiCorp/random"),
            "hashicorp/random"
        );
        assert_eq!(normalize_source("hashicorp/null"), "hashicorp/null");
    }
}
