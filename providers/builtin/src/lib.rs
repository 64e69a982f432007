//! The builtin provider: resources and data sources that need no cloud.
//!
//! Six providers, each registered with the engine under the local name Terraform gives it, and
//! behaving as Terraform's does:
//!
//! | local name | source | resources | data sources |
//! |---|---|---|---|
//! | `terraform` | `terraform.io/builtin/terraform` | `terraform_data` | `terraform_remote_state` |
//! | `null` | `hashicorp/null` | `null_resource` | |
//! | `random` | `hashicorp/random` | `random_id`, `random_string`, `random_password`, `random_integer`, `random_uuid`, `random_shuffle`, `random_pet` | |
//! | `local` | `hashicorp/local` | `local_file`, `local_sensitive_file` | `local_file`, `local_sensitive_file` |
//! | `http` | `hashicorp/http` | | `http` |
//! | `external` | `hashicorp/external` | | `external` |
//!
//! Each resource type and data source lives in its own file and implements
//! [`common::ResourceType`] or [`common::DataSourceType`]; [`common::TableProvider`] turns a
//! table of them into a [`terrane_provider::Provider`].
//!
//! **Linking.** The engine calls [`link`] once before looking providers up, so that the linker
//! keeps this crate and its `inventory` registrations.
//!
//! **Deliberate difference.** `random_integer` and `random_shuffle` with a `seed` are
//! deterministic (the same seed gives the same result on every run and machine), but they do
//! not give the same numbers as Terraform's provider, which draws them from Go's `math/rand`.

pub mod common;
pub mod external;
pub mod http;
pub mod local;
pub mod null;
pub mod random;
pub mod terraform;

#[cfg(test)]
mod testing;

use std::sync::Arc;

use terrane_provider::{Host, Provider, ProviderFactory};

/// Keeps this crate's provider registrations in the final binary. The engine calls it once
/// (any number of calls is fine); it returns the local names registered here.
pub fn link() -> &'static [&'static str] {
    std::hint::black_box(&FACTORIES);
    &["external", "http", "local", "null", "random", "terraform"]
}

/// The factories of this crate, also reachable without `inventory` (for tools and tests).
pub static FACTORIES: [ProviderFactory; 6] = [
    ProviderFactory {
        local_name: "terraform",
        source: "terraform.io/builtin/terraform",
        make: make_terraform,
    },
    ProviderFactory {
        local_name: "null",
        source: "hashicorp/null",
        make: make_null,
    },
    ProviderFactory {
        local_name: "random",
        source: "hashicorp/random",
        make: make_random,
    },
    ProviderFactory {
        local_name: "local",
        source: "hashicorp/local",
        make: make_local,
    },
    ProviderFactory {
        local_name: "http",
        source: "hashicorp/http",
        make: make_http,
    },
    ProviderFactory {
        local_name: "external",
        source: "hashicorp/external",
        make: make_external,
    },
];

fn make_terraform(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(terraform::provider(host))
}

fn make_null(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(null::provider(host))
}

fn make_random(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(random::provider(host))
}

fn make_local(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(local::provider(host))
}

fn make_http(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(http::provider(host))
}

fn make_external(host: Arc<dyn Host>) -> Arc<dyn Provider> {
    Arc::new(external::provider(host))
}

terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "terraform", source: "terraform.io/builtin/terraform", make: make_terraform }
}
terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "null", source: "hashicorp/null", make: make_null }
}
terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "random", source: "hashicorp/random", make: make_random }
}
terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "local", source: "hashicorp/local", make: make_local }
}
terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "http", source: "hashicorp/http", make: make_http }
}
terrane_provider::inventory::submit! {
    ProviderFactory { local_name: "external", source: "hashicorp/external", make: make_external }
}
