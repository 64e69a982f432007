//! The AWS provider: Terraform's `aws` resource types and data sources over the real AWS APIs,
//! signed with SigV4, credentials from the standard chain, endpoints overridable (for moto).
//!
//! - [`client`] speaks to AWS: credentials, endpoints, signing, retries, the wire protocols.
//! - [`provider`] is the [`terrane_provider::Provider`]: the provider block, `default_tags`,
//!   and dispatch to one file per resource type ([`ec2`]) or data source ([`data`]) through
//!   the traits of [`common`].
//! - Every create tags what it makes with [`tags::TOKEN_TAG`] (the engine's idempotency
//!   token), so [`terrane_provider::Provider::find_by_token`] can adopt what a crash left.
//!
//! **Linking.** The engine calls [`link`] once so the linker keeps this crate's registration.
//!
//! **Partial.** Types of Terraform's AWS provider that are not implemented here are reported
//! by the engine as "Not supported yet" ([`terrane_provider::Provider::implements_all_types`]).

pub mod autoscaling;
pub mod awsquery;
pub mod client;
pub mod cloudwatch;
pub mod common;
pub mod data;
pub mod ec2;
pub mod efs;
pub mod elb;
pub mod iam;
pub mod provider;
pub mod rds;
pub mod route53;
pub mod s3;
pub mod tags;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
#[cfg(any(test, feature = "testing"))]
pub mod testing_inventory;
#[cfg(any(test, feature = "testing"))]
pub mod testing_proxy;

use std::sync::Arc;

use terrane_provider::{Host, Provider, ProviderFactory};

/// Keeps this crate's provider registration in the final binary; returns its local names.
pub fn link() -> &'static [&'static str] {
    std::hint::black_box(&FACTORY);
    &["aws"]
}

/// The AWS provider's factory, also reachable without `inventory`.
pub static FACTORY: ProviderFactory = ProviderFactory {
    local_name: "aws",
    source: "hashicorp/aws",
    make: make_aws,
};

fn make_aws(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(provider::AwsProvider::new(host))
}

terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "aws", source: "hashicorp/aws", make: make_aws }
}
