//! The engine's view of registration: a crate that depends on this one and calls `link()` finds
//! every builtin provider through `terrane_provider`'s registry, by local name, by source and
//! by resource type.

use std::sync::Arc;

use terrane_provider::{find_by_local_name, find_by_source, implied_provider_name, BasicHost};

#[test]
fn every_builtin_provider_is_registered() {
    let names = terrane_provider_builtin::link();
    let registered: Vec<&str> = terrane_provider::registered()
        .map(|f| f.local_name)
        .collect();
    for name in names {
        assert!(registered.contains(name), "{name} not in {registered:?}");
    }
    let host = Arc::new(BasicHost::new("."));
    for (type_name, is_resource) in [
        ("terraform_data", true),
        ("terraform_remote_state", false),
        ("null_resource", true),
        ("random_pet", true),
        ("local_file", true),
        ("local_file", false),
        ("http", false),
        ("external", false),
    ] {
        let factory = find_by_local_name(implied_provider_name(type_name))
            .unwrap_or_else(|| panic!("no provider for {type_name}"));
        let provider = (factory.make)(host.clone());
        assert_eq!(provider.name(), factory.local_name);
        let schema = provider.schema();
        let table = if is_resource {
            &schema.resources
        } else {
            &schema.data_sources
        };
        assert!(table.contains_key(type_name), "{type_name}");
    }
    assert_eq!(
        find_by_source("registry.terraform.io/hashicorp/random").map(|f| f.local_name),
        Some("random")
    );
    assert_eq!(
        find_by_source("terraform.io/builtin/terraform").map(|f| f.local_name),
        Some("terraform")
    );
}
