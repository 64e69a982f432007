//! The providers that destroys use, configured from their provider blocks as for plan and
//! apply. A walk in `Phase::Providers` evaluates the configuration against the state (no
//! resource calls) and configures every provider configuration; each record to destroy then
//! gets the configuration its resource block names (through `providers = {}` of module calls),
//! or, for an object whose block is gone, the configuration its recorded provider address
//! names (module and alias). A provider with no configuration at all is used unconfigured, as
//! the walk uses it; a recorded aliased or module configuration that no longer exists is an
//! error rather than a destroy through some other configuration.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use terrane_provider::{registry, Host, Provider};
use terrane_state::ResourceRecord;

use crate::graph::Node;
use crate::source::Diags;
use crate::walk::{recorded_provider, walk, Phase, Recorded, WalkInput};

/// The configured providers of one apply's destroys.
pub struct DestroyProviders {
    configured: HashMap<Node, Arc<dyn Provider>>,
    /// Providers without any configuration, made on first use.
    unconfigured: BTreeMap<String, Arc<dyn Provider>>,
    host: Arc<dyn Host>,
}

impl DestroyProviders {
    /// Configures every provider configuration of `input`'s configuration against its prior
    /// state. Errors (a provider block that does not evaluate or configure) are returned.
    pub fn configure(input: &WalkInput<'_>) -> Result<DestroyProviders, Diags> {
        let walk_input = WalkInput {
            config: input.config,
            graph: input.graph,
            inputs: input.inputs,
            run: input.run.clone(),
            evaluator: input.evaluator.clone(),
            prior: input.prior,
            plan: None,
            options: crate::walk::WalkOptions {
                phase: Phase::Providers,
                targets: Vec::new(),
                ..input.options.clone()
            },
            host: Arc::clone(&input.host),
            events: None,
        };
        let out = walk(&walk_input, None);
        if out.diags.has_errors() {
            return Err(out.diags);
        }
        Ok(DestroyProviders {
            configured: out.providers,
            unconfigured: BTreeMap::new(),
            host: Arc::clone(&input.host),
        })
    }

    /// The provider to destroy `rec` with, or why there is none.
    pub fn for_record(
        &mut self,
        rec: &ResourceRecord,
        input: &WalkInput<'_>,
    ) -> Result<Arc<dyn Provider>, String> {
        // A resource still in the configuration uses the configuration's provider.
        if let Ok(addr) = crate::addrs::parse_instance(&rec.address) {
            let path = addr.module.module();
            if let Some(rc) = input
                .config
                .module(&path)
                .and_then(|m| m.resources.get(&addr.resource))
            {
                let (ppath, pref) =
                    crate::graph::build::provider_for(input.config, &path, &rc.provider);
                if let Some(p) = self.configured.get(&Node::Provider(ppath, pref)) {
                    return Ok(Arc::clone(p));
                }
            }
        }
        let factory = match recorded_provider(&self.configured, &rec.provider, &rec.type_name)? {
            Recorded::Configured(p) => return Ok(p),
            Recorded::Unconfigured(f) => f,
        };
        if let Some(p) = self.unconfigured.get(factory.source) {
            return Ok(Arc::clone(p));
        }
        let p = (factory.make)(Arc::clone(&self.host));
        self.unconfigured
            .insert(factory.source.to_string(), Arc::clone(&p));
        Ok(p)
    }
}

/// The schema version of `rec`'s type, from its provider (unconfigured: a schema needs no
/// configuration); 0 when no provider has the type.
pub fn schema_version(rec: &ResourceRecord, host: &Arc<dyn Host>) -> u64 {
    let source = crate::addrs::parse_provider_config_address(&rec.provider)
        .map_or_else(|| rec.provider.clone(), |(_, source, _)| source);
    registry::find_by_source(&source)
        .or_else(|| registry::find_by_local_name(registry::implied_provider_name(&rec.type_name)))
        .and_then(|f| {
            (f.make)(Arc::clone(host))
                .schema()
                .resources
                .get(&rec.type_name)
                .map(|s| s.version)
        })
        .unwrap_or(0)
}
