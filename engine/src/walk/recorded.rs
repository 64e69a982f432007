//! The provider a recorded provider address names (an object's record, an interrupted
//! create's intent) among a walk's configured providers: shared by the destroys of records
//! whose resource block is gone and the settling of orphaned intents.

use std::collections::HashMap;
use std::sync::Arc;

use terrane_provider::{registry, Provider};

use crate::graph::Node;

/// The provider a recorded provider address names (an object's record, an interrupted
/// create's intent), among the configured ones.
pub enum Recorded {
    /// The configuration it names (module and alias).
    Configured(Arc<dyn Provider>),
    /// The root's default configuration of a provider the configuration does not configure:
    /// made without configuration.
    Unconfigured(&'static registry::ProviderFactory),
}

/// Resolves `recorded` (`module.m.provider["SOURCE"].ALIAS`; empty or unparsable: the default
/// provider of `type_name`) among `configured`. A recorded aliased or module configuration
/// that is no longer configured is an error rather than a call through another configuration.
pub fn recorded_provider(
    configured: &HashMap<Node, Arc<dyn Provider>>,
    recorded: &str,
    type_name: &str,
) -> Result<Recorded, String> {
    let parsed = crate::addrs::parse_provider_config_address(recorded);
    let (module, source, alias) =
        parsed.unwrap_or_else(|| (crate::addrs::ModulePath::root(), recorded.to_string(), None));
    let factory = registry::find_by_source(&source)
        .or_else(|| registry::find_by_local_name(registry::implied_provider_name(type_name)))
        .ok_or_else(|| format!("there is no provider {recorded} to call"))?;
    let found = configured.iter().find(|(node, p)| match node {
        Node::Provider(m, pref) => {
            *m == module
                && pref.alias == alias
                && registry::find_by_local_name(p.name()).map(|f| f.source) == Some(factory.source)
        }
        _ => false,
    });
    if let Some((_, p)) = found {
        return Ok(Recorded::Configured(Arc::clone(p)));
    }
    if alias.is_some() || !module.is_root() {
        return Err(format!(
            "its provider configuration {recorded} is no longer in the configuration; add the provider block back"
        ));
    }
    Ok(Recorded::Unconfigured(factory))
}
