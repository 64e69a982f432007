//! Pending intents (creates a crash interrupted, recorded before the provider call) that a plan
//! settles. An instance the configuration has is settled by its job: adopted when the provider
//! finds the object (by its token, or by its configuration for a type that cannot carry the
//! token), planned for destruction instead in a destroy plan. An intent whose address the
//! configuration no longer has is settled at the end of the walk: its object adopted and
//! planned for destruction. An intent whose object is not found is cleared by the apply.
//! Adopted objects are recorded by the apply with the dependencies given here, so that the
//! one destroy order (`apply/order.rs`) destroys them before what they depend on.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_dsl::Diagnostic;
use terrane_provider::{Provider, ProviderError};

use super::job::{Job, Outcome};
use super::values::Expansion;
use super::{Phase, WalkInput, Walker};
use crate::addrs::{ModulePath, ResourceInstance, ResourceMode};
use crate::config::ProviderRef;
use crate::graph::Node;
use crate::plan::model::{Action, Reason, ResourceChange};
use crate::source::Diag;

impl Job {
    /// The object an interrupted create of this instance made: found by its token, or (a type
    /// whose objects cannot carry it) by its configuration when that is wholly known.
    pub(super) async fn find_interrupted(
        &self,
        type_name: &str,
        token: &str,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        if let Some(v) = self.provider.find_by_token(type_name, token).await? {
            return Ok(Some(v));
        }
        if config.is_wholly_known() && !config.is_null() {
            return self
                .provider
                .find_by_config(type_name, config.clone())
                .await;
        }
        Ok(None)
    }

    /// In a destroy plan's refresh: the interrupted create's object adopted and planned for
    /// destruction, or (none found) the intent to clear.
    pub(super) async fn adopt_for_destroy(
        &self,
        type_name: &str,
        token: &str,
        config: &Value,
    ) -> Outcome {
        match self.find_interrupted(type_name, token, config).await {
            Ok(Some(v)) => {
                let v = self.remark(v, &[]);
                let mut o = self.outcome(v.clone());
                let mut ch = self.change(Action::Delete, Some(v), None, None);
                ch.adopted = true;
                o.change = Some(ch);
                o
            }
            Ok(None) => {
                let mut o = self.outcome(Value::unknown(self.schema.block.implied_type()));
                o.intent_gone = true;
                o
            }
            Err(e) => self.fail(
                &e.summary,
                format!(
                    "{}: looking for an interrupted create: {}",
                    self.addr, e.detail
                ),
            ),
        }
    }
}

impl<'a, 'w> Walker<'a, 'w> {
    /// After a plan walk (or a destroy plan's refresh): the pending intents of addresses the
    /// configuration no longer has. The object the provider finds by the token is adopted and
    /// planned for destruction; an intent whose object is not found is to be cleared.
    pub(crate) async fn settle_orphan_intents(&mut self) {
        let opts = &self.input.options;
        if opts.phase != Phase::Plan
            || (opts.refresh_only && !opts.destroy)
            || self.stopping
            || self.out.diags.has_errors()
        {
            return;
        }
        let targets = opts.targets.clone();
        let destroy = opts.destroy;
        let intents = self.input.prior.intents.clone();
        for intent in intents {
            // A recorded object's intent is settled by the record's next write.
            if self.prior_by_addr.contains_key(&intent.address) {
                continue;
            }
            let Ok(addr) = crate::addrs::parse_instance(&intent.address) else {
                continue;
            };
            if addr.resource.mode != ResourceMode::Managed
                || super::resource_values_cover(&self.values, &addr)
            {
                continue;
            }
            if !targets.is_empty()
                && !targets
                    .iter()
                    .any(|t| crate::plan::moves::within(&intent.address, t).is_some())
            {
                continue;
            }
            let Some((provider, provider_addr)) = self.orphan_provider(&addr) else {
                self.error(Diag::bare(Diagnostic::error(
                    "Provider not available",
                    format!(
                        "{addr}: an interrupted create left an intent, and there is no provider to look for its object with."
                    ),
                    terrane_dsl::syntax::Span::empty(0),
                )));
                continue;
            };
            let type_name = addr.resource.type_name.clone();
            match provider.find_by_token(&type_name, &intent.token).await {
                Ok(Some(v)) => {
                    let reason = if destroy {
                        None
                    } else {
                        Some(self.orphan_reason(&addr))
                    };
                    self.out.changes.push(ResourceChange {
                        addr,
                        prev_addr: None,
                        deposed: None,
                        action: Action::Delete,
                        reason,
                        provider: provider_addr,
                        before: Some(v),
                        after: None,
                        replace_paths: Vec::new(),
                        importing: None,
                        adopted: true,
                    });
                }
                Ok(None) => self.out.cleared_intents.push(intent.address.clone()),
                Err(e) => self.error(Diag::bare(Diagnostic::error(
                    e.summary,
                    format!("{addr}: looking for an interrupted create: {}", e.detail),
                    terrane_dsl::syntax::Span::empty(0),
                ))),
            }
        }
    }

    /// Why an instance the configuration no longer has is destroyed.
    fn orphan_reason(&self, addr: &ResourceInstance) -> Reason {
        let expansion = self
            .values
            .resources
            .get(&(addr.module.clone(), addr.resource.clone()))
            .map(|r| &r.expansion);
        match expansion {
            Some(Expansion::Count(_)) => Reason::DeleteBecauseCountIndex,
            Some(Expansion::ForEach(_)) => Reason::DeleteBecauseEachKey,
            _ => Reason::DeleteBecauseNoResourceConfig,
        }
    }

    /// The provider to look for an orphaned intent's object with: the configured default
    /// provider of its type's local name (in its module, else the root), else one configured
    /// from the environment alone (as destroys of records whose configuration is gone); and
    /// its address as the state records it.
    fn orphan_provider(&self, addr: &ResourceInstance) -> Option<(Arc<dyn Provider>, String)> {
        let name = terrane_provider::registry::implied_provider_name(&addr.resource.type_name);
        let pref = ProviderRef {
            name: name.to_string(),
            alias: None,
        };
        let configured = [addr.module.module(), ModulePath::root()]
            .into_iter()
            .find_map(|path| self.providers.get(&Node::Provider(path, pref.clone())));
        let source = self
            .input
            .config
            .root()
            .required_providers
            .get(name)
            .and_then(|r| r.source.clone());
        let factory = source
            .as_deref()
            .and_then(terrane_provider::registry::find_by_source)
            .or_else(|| terrane_provider::registry::find_by_local_name(name))?;
        let provider = match configured {
            Some(p) => Arc::clone(p),
            None => (factory.make)(Arc::clone(&self.input.host)),
        };
        Some((provider, super::resource::provider_address(factory.source)))
    }
}

/// The dependencies an adopted object is recorded with: those of its resource in the
/// configuration (as a create records them), else those recorded for another instance of the
/// same resource, else none.
pub fn adopted_dependencies(input: &WalkInput<'_>, addr: &ResourceInstance) -> Vec<String> {
    let node = Node::Resource(addr.module.module(), addr.resource.clone());
    if let Some(n) = input.graph.index.get(&node) {
        return super::resource::dependencies_of(input.graph, *n, &addr.module);
    }
    let resource = addr.abs_resource().to_string();
    input
        .prior
        .resources
        .iter()
        .find(|r| crate::apply::order::resource_part(&r.address) == resource)
        .map(|r| r.dependencies.clone())
        .unwrap_or_default()
}
