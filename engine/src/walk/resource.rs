//! Visiting a resource node: its expansion in each module instance, each instance's
//! configuration decoded against the provider's schema, then one job per instance; orphaned
//! instances (in the state, not in the configuration) planned for destruction. Recording the
//! jobs' outcomes is `outcome.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use terrane_dsl::value::Value;
use terrane_dsl::Diagnostic;
use terrane_provider::{Provider, ResourceSchema};
use terrane_state::ResourceRecord;

use super::job::{Job, Outcome};
use super::scope::Site;
use super::values::{Expansion, InstanceValues, Repetition, ResourceValues};
use super::{Phase, Visit, Walker};
use crate::addrs::{AbsResource, InstanceKey, ModuleInstance, ModulePath, Resource, ResourceMode};
use crate::graph::Node;
use crate::plan::model::{Action, Deferred, Reason, ResourceChange};
use crate::source::{Diag, FileId};

/// A resource node whose jobs are running.
pub(crate) struct PendingNode {
    pub remaining: usize,
    pub ok: bool,
    pub file: FileId,
    pub decl: terrane_dsl::syntax::Span,
    pub instances: BTreeMap<ModuleInstance, (Expansion, InstanceValues)>,
    pub resource: Resource,
    pub path: ModulePath,
}

/// The provider address recorded in the state: `provider["SOURCE"]`.
pub fn provider_address(source: &str) -> String {
    format!("provider[\"{}\"]", full_source(source))
}

/// A provider source with its registry host (`hashicorp/aws` ->
/// `registry.terraform.io/hashicorp/aws`).
pub fn full_source(source: &str) -> String {
    if source.matches('/').count() >= 2 {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    }
}

impl<'a, 'w> Walker<'a, 'w> {
    fn provider_of(
        &mut self,
        path: &ModulePath,
        r: &Resource,
    ) -> Option<(Arc<dyn Provider>, Arc<ResourceSchema>, String)> {
        let module = self.module(path);
        let rc = &module.resources[r];
        let (ppath, pref) =
            crate::graph::build::provider_for(self.input.config, path, &rc.provider);
        let provider = self
            .providers
            .get(&Node::Provider(ppath.clone(), pref.clone()))
            .cloned();
        let Some(provider) = provider else {
            self.error(Diag::at(
                rc.file,
                Diagnostic::error(
                    "Not supported yet",
                    format!(
                        "terrane has no provider \"{}\" yet, so the {} type \"{}\" cannot be used.",
                        pref.name,
                        if r.mode == ResourceMode::Data {
                            "data source"
                        } else {
                            "resource"
                        },
                        r.type_name
                    ),
                    rc.decl.span,
                ),
            ));
            return None;
        };
        let schemas = if r.mode == ResourceMode::Data {
            &provider.schema().data_sources
        } else {
            &provider.schema().resources
        };
        let Some(schema) = schemas.get(&r.type_name) else {
            let what = if r.mode == ResourceMode::Data {
                "data source"
            } else {
                "resource type"
            };
            let (summary, detail) = if provider.implements_all_types() {
                (
                    format!("Invalid {what}"),
                    format!(
                        "The provider {} does not support {what} \"{}\".",
                        provider.name(),
                        r.type_name
                    ),
                )
            } else {
                (
                    "Not supported yet".to_string(),
                    format!(
                        "terrane's provider \"{}\" does not implement the {what} \"{}\" yet.",
                        provider.name(),
                        r.type_name
                    ),
                )
            };
            self.error(Diag::at(
                rc.file,
                Diagnostic::error(summary, detail, rc.decl.span),
            ));
            return None;
        };
        let source = terrane_provider::registry::find_by_local_name(provider.name())
            .map(|f| f.source)
            .unwrap_or("terraform.io/builtin/terraform");
        // The configuration's address, as Terraform records it: a destroy of the object after
        // its block is gone still finds the provider configuration (alias, module) it used.
        Some((
            Arc::clone(&provider),
            Arc::new(schema.clone()),
            crate::addrs::provider_config_address(
                &ppath,
                &full_source(source),
                pref.alias.as_deref(),
            ),
        ))
    }

    pub(crate) fn visit_resource(
        &mut self,
        n: NodeIndex,
        path: &ModulePath,
        r: &Resource,
        tx: &tokio::sync::mpsc::UnboundedSender<Outcome>,
        semaphore: &Arc<tokio::sync::Semaphore>,
        pending: &mut std::collections::HashMap<NodeIndex, PendingNode>,
    ) -> Visit {
        let module = self.module(path);
        let rc = &module.resources[r];
        let Some((provider, schema, provider_addr)) = self.provider_of(path, r) else {
            if self.input.options.phase == Phase::Validate {
                // Keep validating what depends on it, with an unknown value.
                for inst in self.values.module_instances(path) {
                    self.values.resources.insert(
                        (inst, r.clone()),
                        ResourceValues {
                            expansion: Expansion::Unknown,
                            instances: InstanceValues::new(),
                        },
                    );
                }
                self.unavailable.insert(n);
                return Visit::Done;
            }
            return Visit::Failed;
        };
        let phase = self.input.options.phase;
        let mut node = PendingNode {
            remaining: 0,
            ok: true,
            file: rc.file,
            decl: rc.decl.span,
            instances: BTreeMap::new(),
            resource: r.clone(),
            path: path.clone(),
        };
        let imports = if path.is_root()
            && r.mode == ResourceMode::Managed
            && matches!(phase, Phase::Plan | Phase::Apply)
        {
            self.imports_for(r)
        } else {
            Default::default()
        };
        for inst in self.values.module_instances(path) {
            let exp = self.expansion(rc.count.as_ref(), rc.for_each.as_ref(), module, &inst);
            // Validation checks what it can of count/for_each, then decodes one instance with
            // unknown `count.index`/`each`.
            let exp = if phase == Phase::Validate {
                exp.map(|_| Expansion::Single)
            } else {
                exp
            };
            let Some(exp) = exp else {
                node.ok = false;
                continue;
            };
            let abs = AbsResource {
                module: inst.clone(),
                resource: r.clone(),
            };
            if exp == Expansion::Unknown {
                self.out.deferred.push(Deferred {
                    address: abs.to_string(),
                    reason: if rc.count.is_some() {
                        "its count depends on values known only after apply".into()
                    } else {
                        "its for_each depends on values known only after apply".into()
                    },
                });
                node.instances
                    .insert(inst.clone(), (Expansion::Unknown, InstanceValues::new()));
                continue;
            }
            let keys = exp.keys();
            if phase == Phase::Plan {
                self.plan_orphans(
                    &abs,
                    &keys,
                    &exp,
                    rc.lifecycle.prevent_destroy,
                    (rc.file, rc.decl.span),
                );
            }
            let dependencies = dependencies_of(self.input.graph, n, &inst);
            let dependency_pending = r.mode == ResourceMode::Data
                && phase == Phase::Plan
                && self.out.changes.iter().any(|c| {
                    c.action != Action::NoOp
                        && c.action != Action::Read
                        && dependencies.contains(&c.addr.abs_resource().to_string())
                });
            let mut values = InstanceValues::new();
            for key in keys {
                let rep = if phase == Phase::Validate {
                    Repetition::unknown(&exp, rc.count.is_some(), rc.for_each.is_some())
                } else {
                    exp.repetition(&key)
                };
                let mut diags = Vec::new();
                let config = {
                    let site = Site {
                        config: self.input.config,
                        module,
                        instance: &inst,
                        repetition: &rep,
                        self_value: None,
                        run: &self.input.run,
                    };
                    let values = &self.values;
                    let ev = &self.input.evaluator;
                    let evalf = |e: &terrane_dsl::syntax::ast::Expr, extra: &[(String, Value)]| {
                        ev.eval(e, &site, values, extra)
                    };
                    super::body::decode(&rc.body, &schema.block, rc.decl.span, &evalf, &mut diags)
                };
                if phase == Phase::Validate {
                    super::body::check_ignore_changes(
                        &rc.lifecycle.ignore_changes,
                        &schema.block,
                        &mut diags,
                    );
                }
                let failed = diags.iter().any(Diagnostic::is_error);
                for d in diags {
                    self.error(Diag::at(rc.file, d));
                }
                if failed {
                    node.ok = false;
                    continue;
                }
                if !rc.lifecycle.preconditions.is_empty()
                    && matches!(phase, Phase::Plan | Phase::Apply)
                    && !self.check_conditions(
                        &rc.lifecycle.preconditions,
                        module,
                        &inst,
                        &rep,
                        None,
                        "Resource precondition failed",
                        (Some(rc.file), rc.decl.span),
                    )
                {
                    node.ok = false;
                    continue;
                }
                let pdiags = if r.mode == ResourceMode::Data {
                    provider.validate_data_source(&r.type_name, &config.clone().unmark_deep().0)
                } else {
                    provider.validate_resource(&r.type_name, &config.clone().unmark_deep().0)
                };
                let mut perr = false;
                for d in pdiags {
                    let diag = provider_diag(d, rc.decl.span);
                    perr |= diag.is_error();
                    self.error(Diag::at(rc.file, diag));
                }
                if r.mode == ResourceMode::Managed {
                    let plain = config.clone().unmark_deep().0;
                    for d in super::timeouts::check(&rc.body, &plain, rc.decl.span) {
                        perr = true;
                        self.error(Diag::at(rc.file, d));
                    }
                }
                if perr {
                    node.ok = false;
                    continue;
                }
                if phase == Phase::Validate {
                    values.insert(key, Value::unknown(schema.block.implied_type()));
                    continue;
                }
                let addr = abs.instance(key.clone());
                let addr_s = addr.to_string();
                let prior: Option<ResourceRecord> = self
                    .prior_by_addr
                    .get(&addr_s)
                    .map(|i| self.input.prior.resources[*i].clone());
                let prior = if phase == Phase::Apply {
                    super::drift::refreshed_prior(self.input.plan, &self.drifted, &addr_s, prior)
                } else {
                    prior
                };
                let planned = self.planned_actions.get(&addr_s).copied();
                let force_replace = if self.input.options.replace.contains(&addr_s) {
                    Some(Reason::ReplaceByRequest)
                } else if phase == Phase::Plan
                    && self.triggered(&rc.lifecycle.replace_triggered_by, &inst)
                {
                    Some(Reason::ReplaceByTriggers)
                } else {
                    None
                };
                // Evaluating against the state (console, outputs): recorded values, no calls.
                if matches!(phase, Phase::Eval | Phase::Providers) {
                    let v = prior
                        .map(restore_marks)
                        .unwrap_or_else(|| Value::unknown(schema.block.implied_type()));
                    values.insert(key, v);
                    continue;
                }
                // At apply, an instance the plan left alone keeps its state (as refresh found
                // it, when it drifted).
                if phase == Phase::Apply
                    && planned.is_none_or(|a| a == Action::NoOp)
                    && prior.is_some()
                    && r.mode == ResourceMode::Managed
                {
                    if let (Some(rec), Some(state)) = (&prior, self.state.as_deref_mut()) {
                        if let Err(e) = super::drift::record_refreshed(
                            self.input.plan,
                            &self.drifted,
                            rec,
                            state,
                        ) {
                            self.error(Diag::at(
                                rc.file,
                                Diagnostic::error(
                                    "Failed to write the state",
                                    format!("Recording {addr_s}: {e}."),
                                    rc.decl.span,
                                ),
                            ));
                        }
                    }
                    let v = prior.map(restore_marks).unwrap_or_else(Value::dynamic);
                    values.insert(key, v);
                    continue;
                }
                let mut token = None;
                if phase == Phase::Apply
                    && r.mode == ResourceMode::Managed
                    && planned.is_none_or(Action::creates)
                {
                    let t = new_token();
                    if let Some(state) = self.state.as_deref_mut() {
                        // The configuration, for finding the object by it should the address
                        // leave the configuration before the intent is settled.
                        let plain = (config.is_wholly_known() && !config.is_null())
                            .then(|| config.clone().unmark_deep().0);
                        let intent = terrane_state::NewIntent {
                            address: &addr_s,
                            token: &t,
                            provider: &provider_addr,
                            config: plain.as_ref(),
                        };
                        if let Err(e) = state.record_intent(&intent) {
                            self.error(Diag::at(
                                rc.file,
                                Diagnostic::error(
                                    "Failed to write the state",
                                    format!("Recording the create of {addr_s}: {e}."),
                                    rc.decl.span,
                                ),
                            ));
                            node.ok = false;
                            continue;
                        }
                    }
                    token = Some(t);
                }
                let provisioners = if phase == Phase::Apply {
                    self.prepare_provisioners(
                        rc,
                        module,
                        &inst,
                        &rep,
                        crate::config::ProvisionerWhen::Create,
                    )
                } else {
                    Vec::new()
                };
                let job = Job {
                    node: n,
                    module: inst.clone(),
                    key: key.clone(),
                    addr,
                    provider: Arc::clone(&provider),
                    provider_addr: provider_addr.clone(),
                    schema: Arc::clone(&schema),
                    config,
                    prior,
                    phase,
                    refresh: self.input.options.refresh,
                    refresh_only: self.input.options.refresh_only,
                    destroying: self.input.options.destroy,
                    force_replace,
                    create_before_destroy: rc.lifecycle.create_before_destroy,
                    prevent_destroy: rc.lifecycle.prevent_destroy,
                    ignore_changes: rc.lifecycle.ignore_changes.clone(),
                    planned,
                    token,
                    dependencies: dependencies.clone(),
                    semaphore: Arc::clone(semaphore),
                    provisioners,
                    events: self.input.events.clone(),
                    import_id: imports.get(&addr_s).cloned(),
                    adopt_token: self
                        .input
                        .prior
                        .intents
                        .iter()
                        .find(|i| i.address == addr_s)
                        .map(|i| i.token.clone()),
                    dependency_pending,
                    read_at_plan: self
                        .input
                        .plan
                        .and_then(|p| p.data_reads.get(&addr_s))
                        .cloned(),
                };
                if !schema.block.blocks.is_empty() {
                    super::drift::record_shape(&mut self.out, &provider_addr, r, &schema);
                }
                node.remaining += 1;
                // Queued, not spawned: the walk starts at most `parallelism` jobs at a time, so
                // a large graph never holds thousands of suspended tasks in memory.
                let _ = tx;
                self.queue.push_back(job);
            }
            // Validation decoded one instance of a repeated resource: what references see is
            // the unknown value of the whole (a tuple or object), as for a deferred count.
            let exp = if phase == Phase::Validate && (rc.count.is_some() || rc.for_each.is_some()) {
                values.clear();
                Expansion::Unknown
            } else {
                exp
            };
            node.instances.insert(inst.clone(), (exp, values));
        }
        if node.remaining == 0 {
            let ok = node.ok;
            self.finish_resource(node);
            return if ok { Visit::Done } else { Visit::Failed };
        }
        pending.insert(n, node);
        Visit::Pending
    }

    /// State instances of `abs` that the expansion no longer has: planned for destruction.
    /// The provisioners of `rc` that run `when`, each with the scope its body needs (all but
    /// `self`, which the job adds once the object exists).
    fn prepare_provisioners(
        &self,
        rc: &crate::config::ResourceConfig,
        module: &'a crate::config::Module,
        inst: &ModuleInstance,
        rep: &Repetition,
        when: crate::config::ProvisionerWhen,
    ) -> Vec<super::provision::Prepared> {
        rc.provisioners
            .iter()
            .filter(|p| p.when == when)
            .map(|p| {
                let mut refs = crate::graph::build::body_refs(&p.body);
                refs.retain(|t| t.root != "self");
                let site = Site {
                    config: self.input.config,
                    module,
                    instance: inst,
                    repetition: rep,
                    self_value: None,
                    run: &self.input.run,
                };
                let (scope, _) = super::scope::build(&refs, &site, &self.values);
                super::provision::Prepared::new(
                    p,
                    scope,
                    Arc::clone(&self.input.evaluator.functions),
                    module.functions.clone(),
                    terrane_dsl::functions::CallContext {
                        base_dir: self.input.run.cwd.clone(),
                        plan_timestamp: self.input.evaluator.plan_timestamp.clone(),
                    },
                )
            })
            .collect()
    }

    /// Whether a `replace_triggered_by` reference names a resource with a planned change (or
    /// replacement) in `inst`.
    fn triggered(&self, exprs: &[crate::config::Ex], inst: &ModuleInstance) -> bool {
        exprs.iter().any(|e| {
            terrane_dsl::eval::references(&e.expr).iter().any(|t| {
                let Some(terrane_dsl::eval::TraversalStep::Attr(name, _)) = t.steps.first() else {
                    return false;
                };
                let r = Resource::managed(&t.root, name);
                let key = match t.steps.get(1) {
                    Some(terrane_dsl::eval::TraversalStep::Index(k, _)) => Some(
                        k.as_i64()
                            .map(InstanceKey::Int)
                            .or_else(|| k.as_str().map(|s| InstanceKey::Str(s.to_string()))),
                    ),
                    _ => None,
                };
                self.out.changes.iter().any(|c| {
                    c.addr.module == *inst
                        && c.addr.resource == r
                        && key.as_ref().is_none_or(|k| c.addr.key == *k)
                        && matches!(
                            c.action,
                            Action::Update | Action::DeleteThenCreate | Action::CreateThenDelete
                        )
                })
            })
        })
    }

    fn plan_orphans(
        &mut self,
        abs: &AbsResource,
        keys: &[Option<InstanceKey>],
        exp: &Expansion,
        prevent_destroy: bool,
        decl: (FileId, terrane_dsl::syntax::Span),
    ) {
        let prefix = abs.to_string();
        let candidates = self
            .prior_by_resource
            .get(&prefix)
            .cloned()
            .unwrap_or_default();
        let wanted: BTreeSet<String> = keys
            .iter()
            .map(|k| abs.instance(k.clone()).to_string())
            .collect();
        for rec in candidates.iter().map(|i| &self.input.prior.resources[*i]) {
            if rec.deposed.is_some() || wanted.contains(&rec.address) {
                continue;
            }
            let rest = &rec.address[..];
            let belongs = rest == prefix
                || (rest.starts_with(&prefix) && rest[prefix.len()..].starts_with('['));
            if !belongs {
                continue;
            }
            let Ok(addr) = crate::addrs::parse_instance(&rec.address) else {
                continue;
            };
            if prevent_destroy && abs.resource.mode == ResourceMode::Managed {
                self.out.diags.0.push(Diag::at(
                    decl.0,
                    Diagnostic::error(
                        "Instance cannot be destroyed",
                        format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option."),
                        decl.1,
                    ),
                ));
                continue;
            }
            let reason = match exp {
                Expansion::Count(_) => Reason::DeleteBecauseCountIndex,
                Expansion::ForEach(_) => Reason::DeleteBecauseEachKey,
                _ => Reason::DeleteBecauseNoResourceConfig,
            };
            self.out.changes.push(ResourceChange {
                addr,
                prev_addr: None,
                deposed: None,
                action: if abs.resource.mode == ResourceMode::Data {
                    Action::Forget
                } else {
                    Action::Delete
                },
                reason: Some(reason),
                provider: rec.provider.clone(),
                before: Some(restore_marks(rec.clone())),
                after: None,
                replace_paths: Vec::new(),
                importing: None,
                adopted: false,
            });
        }
    }
}

/// The resources node `n`'s resource depends on (through locals, variables and outputs), as
/// `AbsResource` strings in `inst`, for the state's `dependencies`.
pub(super) fn dependencies_of(
    graph: &crate::graph::Graph,
    n: NodeIndex,
    inst: &ModuleInstance,
) -> Vec<String> {
    let g = &graph.graph;
    let mut seen = BTreeSet::new();
    let mut stack: Vec<NodeIndex> = g.neighbors(n).collect();
    let mut out = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        match &g[i] {
            Node::Resource(path, r) => {
                if path == &inst.module() {
                    out.insert(
                        AbsResource {
                            module: inst.clone(),
                            resource: r.clone(),
                        }
                        .to_string(),
                    );
                }
            }
            Node::Provider(..) => {}
            _ => stack.extend(g.neighbors(i)),
        }
    }
    out.into_iter().collect()
}

/// A state record's attributes with its sensitive paths marked again.
pub fn restore_marks(rec: ResourceRecord) -> Value {
    let marks: Vec<terrane_dsl::value::PathMarks> = rec
        .sensitive_paths
        .iter()
        .map(|p| terrane_dsl::value::PathMarks {
            path: p.clone(),
            marks: [terrane_dsl::value::Mark::Sensitive].into_iter().collect(),
        })
        .collect();
    rec.attributes.mark_with_paths(&marks)
}

/// A fresh idempotency token for a create.
fn new_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "terrane-{:x}-{:x}-{:x}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A provider's validation finding as a diagnostic on the resource block.
fn provider_diag(
    d: terrane_provider::ProviderDiagnostic,
    span: terrane_dsl::syntax::Span,
) -> Diagnostic {
    let mut diag = Diagnostic::error(d.summary.clone(), d.detail.clone(), span);
    if !d.is_error() {
        diag.severity = terrane_dsl::Severity::Warning;
    }
    diag
}
