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

/// The object an interrupted create made: found by its token, or (a type whose objects
/// cannot carry it) by the create's configuration when that is wholly known.
async fn find_made(
    provider: &dyn Provider,
    type_name: &str,
    token: &str,
    config: Option<&Value>,
) -> Result<Option<Value>, ProviderError> {
    if let Some(v) = provider.find_by_token(type_name, token).await? {
        return Ok(Some(v));
    }
    match config {
        Some(c) if c.is_wholly_known() && !c.is_null() => {
            provider.find_by_config(type_name, c.clone()).await
        }
        _ => Ok(None),
    }
}

impl Job {
    /// The object an interrupted create of this instance made (see [`find_made`]).
    pub(super) async fn find_interrupted(
        &self,
        type_name: &str,
        token: &str,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        find_made(&*self.provider, type_name, token, Some(config)).await
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
        if opts.phase == Phase::Plan && opts.refresh_only && !opts.destroy && !self.stopping {
            self.warn_unsettled_intents();
            return;
        }
        if opts.phase != Phase::Plan || self.stopping || self.out.diags.has_errors() {
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
            let (provider, provider_addr) = match self.orphan_provider(&addr, &intent.provider) {
                Ok(found) => found,
                Err(why) => {
                    self.error(Diag::bare(Diagnostic::error(
                        "Provider not available",
                        format!(
                            "{addr}: an interrupted create left an intent, and {why} to look for its object with."
                        ),
                        terrane_dsl::syntax::Span::empty(0),
                    )));
                    continue;
                }
            };
            let type_name = addr.resource.type_name.clone();
            match find_made(
                &*provider,
                &type_name,
                &intent.token,
                intent.config.as_ref(),
            )
            .await
            {
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

    /// A refresh-only plan updates the objects the state has, as Terraform's does: it adds
    /// none. The objects interrupted creates may have made are neither adopted nor cleared
    /// then, and the plan says so.
    fn warn_unsettled_intents(&mut self) {
        let pending: Vec<&str> = self
            .input
            .prior
            .intents
            .iter()
            .filter(|i| !self.prior_by_addr.contains_key(&i.address))
            .map(|i| i.address.as_str())
            .collect();
        if pending.is_empty() {
            return;
        }
        let mut d = Diagnostic::error(
            "Interrupted creates left as they are",
            format!(
                "The state records {} create{} that a crash or a timeout interrupted before the object was recorded: {}. A refresh-only plan only updates the objects the state already has, so it neither adopts what those creates made nor forgets them; a normal plan or apply (or a destroy) does.",
                pending.len(),
                if pending.len() == 1 { "" } else { "s" },
                pending.join(", ")
            ),
            terrane_dsl::syntax::Span::empty(0),
        );
        d.severity = terrane_dsl::Severity::Warning;
        self.out.diags.0.push(Diag::bare(d));
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

    /// The provider to look for an orphaned intent's object with, and its address as the state
    /// records it: the provider configuration the intent recorded (module and alias; an error
    /// when that configuration is gone); for an intent that recorded none (written by an older
    /// terrane), the configured default provider of its type's local name (in its module, else
    /// the root), else one configured from the environment alone (as destroys of records
    /// whose configuration is gone).
    fn orphan_provider(
        &self,
        addr: &ResourceInstance,
        recorded: &str,
    ) -> Result<(Arc<dyn Provider>, String), String> {
        if !recorded.is_empty() {
            use super::recorded::{recorded_provider, Recorded};
            let provider =
                match recorded_provider(&self.providers, recorded, &addr.resource.type_name)? {
                    Recorded::Configured(p) => p,
                    Recorded::Unconfigured(f) => (f.make)(Arc::clone(&self.input.host)),
                };
            return Ok((provider, recorded.to_string()));
        }
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
            .or_else(|| terrane_provider::registry::find_by_local_name(name))
            .ok_or_else(|| "there is no provider".to_string())?;
        let provider = match configured {
            Some(p) => Arc::clone(p),
            None => (factory.make)(Arc::clone(&self.input.host)),
        };
        Ok((provider, super::resource::provider_address(factory.source)))
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
