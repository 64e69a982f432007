//! One resource instance's provider work, run as a task: refresh, plan, and (at apply) the
//! apply call. Inputs are owned (the configuration value is already evaluated); the outcome is
//! sent back to the walk, which records it. Values cross the provider boundary unmarked; marks
//! from the configuration and the schema's sensitive attributes are put back on the way out.

use std::sync::Arc;

use petgraph::graph::NodeIndex;
use terrane_dsl::value::{Mark, PathMarks, Value};
use terrane_dsl::Diagnostic;
use terrane_provider::{objchange, ApplyRequest, PlanRequest, Provider, ResourceSchema};
use terrane_state::{ResourceAddress, ResourceRecord, ResourceStatus};

use super::Phase;
use crate::addrs::{InstanceKey, ModuleInstance, ResourceInstance, ResourceMode};
use crate::config::IgnoreChanges;
use crate::plan::model::{Action, Reason, ResourceChange};

/// Everything one instance's work needs.
pub struct Job {
    pub node: NodeIndex,
    pub module: ModuleInstance,
    pub key: Option<InstanceKey>,
    pub addr: ResourceInstance,
    pub provider: Arc<dyn Provider>,
    pub provider_addr: String,
    pub schema: Arc<ResourceSchema>,
    /// The evaluated configuration (with marks).
    pub config: Value,
    pub prior: Option<ResourceRecord>,
    pub phase: Phase,
    pub refresh: bool,
    /// `-refresh-only`: refresh, plan nothing (plan phase).
    pub refresh_only: bool,
    /// The refresh walk of a destroy plan: an interrupted create's object (`adopt_token`) is
    /// adopted and planned for destruction.
    pub destroying: bool,
    /// Replace even if nothing forces it (tainted, `-replace`, `replace_triggered_by`).
    pub force_replace: Option<Reason>,
    pub create_before_destroy: bool,
    /// `lifecycle { prevent_destroy = true }`: planning to destroy this instance is an error.
    pub prevent_destroy: bool,
    /// `lifecycle { ignore_changes = ... }`: attributes whose configured value is replaced by
    /// the prior one before planning.
    pub ignore_changes: IgnoreChanges,
    /// At apply: the action the plan decided.
    pub planned: Option<Action>,
    /// At apply, for creates: the idempotency token recorded as an intent.
    pub token: Option<String>,
    pub dependencies: Vec<String>,
    pub semaphore: Arc<tokio::sync::Semaphore>,
    /// Create-time provisioners, run after a successful create (apply only).
    pub provisioners: Vec<super::provision::Prepared>,
    pub events: Option<crate::events::EventSink>,
    /// An `import` block brings this instance under management with this id (when the state
    /// does not have it yet).
    pub import_id: Option<String>,
    /// The token of an interrupted create of this instance (an intent left in the state).
    pub adopt_token: Option<String>,
    /// A data source whose dependencies have changes planned: read at apply, not now.
    pub dependency_pending: bool,
    /// At apply, a data source the plan read: its value then, used without reading again.
    pub read_at_plan: Option<Value>,
}

/// What a job reports back.
pub struct Outcome {
    pub node: NodeIndex,
    pub module: ModuleInstance,
    pub key: Option<InstanceKey>,
    /// The value references to the instance see (planned at plan time, new at apply).
    pub value: Value,
    pub change: Option<ResourceChange>,
    /// What refresh found changed or gone outside terrane (plan phase).
    pub drift: Option<ResourceChange>,
    /// A record to write to the state (apply, and refreshed records at plan time are not
    /// written).
    pub record: Option<ResourceRecord>,
    /// The instance no longer exists (refresh found it gone, or it was destroyed).
    pub removed: bool,
    pub diags: Vec<Diagnostic>,
    pub ok: bool,
    /// The "... complete" progress event, sent by the walk's task once the record is in the
    /// state (so that what a user saw reported applied survives a crash right after).
    pub finished: Option<crate::events::Event>,
    /// The provider found no object for the instance's pending intent, which a destroy plan
    /// therefore clears.
    pub intent_gone: bool,
    /// A create that timed out: its intent stays in the state, so a later plan adopts
    /// whatever the abandoned call created.
    pub keep_intent: bool,
    /// A data source read now, at plan time: the plan carries its value to the apply.
    pub data_read: bool,
}

impl Job {
    pub(super) fn outcome(&self, value: Value) -> Outcome {
        Outcome {
            node: self.node,
            module: self.module.clone(),
            key: self.key.clone(),
            value,
            change: None,
            drift: None,
            record: None,
            removed: false,
            diags: Vec::new(),
            ok: true,
            finished: None,
            intent_gone: false,
            keep_intent: false,
            data_read: false,
        }
    }

    /// The outcome of a job that never started (the run was interrupted).
    pub fn skipped(self) -> Outcome {
        let mut o = self.outcome(Value::unknown(self.schema.block.implied_type()));
        o.ok = false;
        o
    }

    pub(super) fn fail(&self, summary: &str, detail: String) -> Outcome {
        let mut o = self.outcome(Value::unknown(self.schema.block.implied_type()));
        o.ok = false;
        o.diags.push(Diagnostic::error(
            summary,
            detail,
            terrane_dsl::syntax::Span::empty(0),
        ));
        o
    }

    /// Puts back the configuration's marks and the schema's sensitive attributes.
    pub(super) fn remark(&self, v: Value, marks: &[PathMarks]) -> Value {
        if v.is_null() || !v.is_known() {
            return v.mark_with_paths(marks);
        }
        let mut v = v.mark_with_paths(marks);
        let sensitive: Vec<String> = self
            .schema
            .block
            .sensitive_attributes()
            .map(str::to_string)
            .collect();
        if !sensitive.is_empty() {
            if let Some(entries) = v.entries() {
                let mut entries = entries.clone();
                for s in sensitive {
                    if let Some(a) = entries.get_mut(&s) {
                        *a = a.clone().mark(Mark::Sensitive);
                    }
                }
                let (_, outer) = v.clone().unmark();
                v = Value::object_of(entries).with_marks(outer.iter().cloned());
            }
        }
        v
    }

    /// The state record for `attrs` (unmarked, with the marks' paths).
    fn record(&self, attrs: Value, private: Option<Vec<u8>>) -> Option<ResourceRecord> {
        let address = ResourceAddress::parse(&self.addr.to_string()).ok()?;
        let (plain, paths) = attrs.unmark_deep_with_paths();
        let mut rec = ResourceRecord::new(&address, &self.provider_addr, plain);
        rec.sensitive_paths = paths.into_iter().map(|p| p.path).collect();
        rec.schema_version = self.schema.version;
        rec.dependencies = self.dependencies.clone();
        rec.create_before_destroy = self.create_before_destroy;
        rec.private = private.map(|p| String::from_utf8_lossy(&p).into_owned());
        Some(rec)
    }

    pub async fn run(self) -> Outcome {
        let _permit = self.semaphore.clone().acquire_owned().await;
        match self.addr.resource.mode {
            ResourceMode::Data => self.run_data().await,
            ResourceMode::Managed => self.run_managed().await,
        }
    }

    async fn run_data(self) -> Outcome {
        let (config, marks) = self.config.clone().unmark_deep_with_paths();
        let type_name = self.addr.resource.type_name.clone();
        if !config.is_wholly_known() {
            let mut o = self.outcome(Value::unknown(self.schema.block.implied_type()));
            o.change = Some(self.change(
                Action::Read,
                None,
                None,
                Some(Reason::ReadBecauseConfigUnknown),
            ));
            return o;
        }
        if self.phase == Phase::Plan && self.dependency_pending {
            // As Terraform: what it depends on changes in this apply, so read it then.
            let mut o = self.outcome(Value::unknown(self.schema.block.implied_type()));
            o.change = Some(self.change(
                Action::Read,
                None,
                None,
                Some(Reason::ReadBecauseDependencyPending),
            ));
            return o;
        }
        if let (Phase::Apply, Some(v)) = (self.phase, &self.read_at_plan) {
            // Applied as planned: the value the plan was made with, not a new read.
            let mut o = self.outcome(v.clone());
            o.record = self.record(v.clone(), None);
            return o;
        }
        match self.provider.read_data_source(&type_name, config).await {
            Ok(v) => {
                let v = self.remark(v, &marks);
                let mut o = self.outcome(v.clone());
                if self.phase == Phase::Apply {
                    o.record = self.record(v, None);
                } else {
                    o.data_read = self.phase == Phase::Plan;
                }
                o
            }
            Err(e) => self.fail(&e.summary, format!("{}: {}", self.addr, e.detail)),
        }
    }

    pub(super) fn change(
        &self,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
        reason: Option<Reason>,
    ) -> ResourceChange {
        ResourceChange {
            addr: self.addr.clone(),
            prev_addr: None,
            deposed: None,
            action,
            reason,
            provider: self.provider_addr.clone(),
            before,
            after,
            replace_paths: Vec::new(),
            importing: None,
            adopted: false,
        }
    }

    async fn run_managed(self) -> Outcome {
        let type_name = self.addr.resource.type_name.clone();
        let (config, marks) = self.config.clone().unmark_deep_with_paths();
        let mut prior = self.prior.as_ref().map(|r| r.attributes.clone());
        let prior_private = self
            .prior
            .as_ref()
            .and_then(|r| r.private.clone())
            .map(String::into_bytes);
        let mut drift = None;
        if self.refresh && self.phase == Phase::Plan {
            // `prior` is the recorded object here: compared with what comes back, it is drift.
            if let (Some(p), Some(recorded)) = (prior.take(), self.prior.as_ref()) {
                match self
                    .provider
                    .read_resource(&type_name, p, prior_private.clone())
                    .await
                {
                    Ok(Some(v)) => {
                        prior = if v.raw_equals(&recorded.attributes) {
                            // Unchanged: keep the recorded copy only.
                            Some(recorded.attributes.clone())
                        } else {
                            drift = self.drift(recorded.attributes.clone(), Some(v.clone()));
                            Some(v)
                        };
                    }
                    Ok(None) => {
                        drift = self.drift(recorded.attributes.clone(), None);
                    }
                    Err(e) => {
                        return self.fail(
                            &e.summary,
                            format!("{}: refreshing: {}", self.addr, e.detail),
                        )
                    }
                }
            }
        }
        if self.destroying && self.phase == Phase::Plan && prior.is_none() {
            if let Some(token) = &self.adopt_token {
                let mut o = self.adopt_for_destroy(&type_name, token, &config).await;
                o.drift = drift;
                return o;
            }
        }
        if self.refresh_only && self.phase == Phase::Plan {
            // Nothing is planned: references see the objects as refresh found them.
            let v = match &prior {
                Some(p) => self.remark(p.clone(), &self.prior_marks()),
                None => Value::unknown(self.schema.block.implied_type()),
            };
            let mut o = self.outcome(v);
            o.drift = drift;
            return o;
        }
        let mut importing = None;
        let mut adopted = false;
        if prior.is_none() {
            // A create interrupted by a crash: the provider may find what it made by the
            // token recorded before the call, and then the object is adopted, not made twice.
            if let Some(token) = &self.adopt_token {
                match self.find_interrupted(&type_name, token, &config).await {
                    Ok(Some(v)) => {
                        prior = Some(v);
                        adopted = true;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        return self.fail(
                            &e.summary,
                            format!(
                                "{}: looking for an interrupted create: {}",
                                self.addr, e.detail
                            ),
                        )
                    }
                }
            }
        }
        if prior.is_none() {
            if let Some(id) = &self.import_id {
                match self.import(&type_name, id).await {
                    Ok(v) => {
                        prior = Some(v);
                        importing = Some(id.clone());
                    }
                    Err(e) => {
                        return self.fail(
                            &e.summary,
                            format!("{}: importing {id:?}: {}", self.addr, e.detail),
                        )
                    }
                }
            }
        }
        let tainted = self
            .prior
            .as_ref()
            .is_some_and(|r| r.status == ResourceStatus::Tainted);
        // At apply, a delete-then-create's old object is already gone: plan a create.
        if self.phase == Phase::Apply && self.planned == Some(Action::DeleteThenCreate) {
            prior = None;
        }
        let replanned_replace =
            self.phase == Phase::Apply && self.planned.is_some_and(Action::is_replace);
        let replacing =
            prior.is_some() && (tainted || self.force_replace.is_some() || replanned_replace);
        let config = match &prior {
            Some(p) if !replacing => ignore_changes(config, p, &self.ignore_changes, &self.schema),
            _ => config,
        };
        let plan_prior = if replacing { None } else { prior.clone() };
        let proposed = objchange::proposed_new(&self.schema.block, plan_prior.as_ref(), &config);
        let resp = match self
            .provider
            .plan_resource(PlanRequest {
                type_name: type_name.clone(),
                prior_state: plan_prior.clone(),
                proposed_new_state: proposed,
                config: config.clone(),
                prior_private: if replacing {
                    None
                } else {
                    prior_private.clone()
                },
            })
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return self.fail(&e.summary, format!("{}: planning: {}", self.addr, e.detail))
            }
        };
        let mut planned = resp.planned_state;
        let mut replace_paths = resp.requires_replace;
        let mut reason = None;
        let action = match &prior {
            None => Action::Create,
            Some(_) if replacing => {
                reason = Some(if tainted {
                    Reason::ReplaceBecauseTainted
                } else {
                    self.force_replace
                        .clone()
                        .unwrap_or(Reason::ReplaceByRequest)
                });
                if self.create_before_destroy {
                    Action::CreateThenDelete
                } else {
                    Action::DeleteThenCreate
                }
            }
            Some(p) => {
                if !replace_paths.is_empty() {
                    // Plan again as a create, so computed attributes become unknown.
                    let proposed = objchange::proposed_new(&self.schema.block, None, &config);
                    match self
                        .provider
                        .plan_resource(PlanRequest {
                            type_name: type_name.clone(),
                            prior_state: None,
                            proposed_new_state: proposed,
                            config: config.clone(),
                            prior_private: None,
                        })
                        .await
                    {
                        Ok(r) => planned = r.planned_state,
                        Err(e) => {
                            return self
                                .fail(&e.summary, format!("{}: planning: {}", self.addr, e.detail))
                        }
                    }
                    reason = Some(Reason::ReplaceBecauseCannotUpdate);
                    if self.create_before_destroy {
                        Action::CreateThenDelete
                    } else {
                        Action::DeleteThenCreate
                    }
                } else if p.raw_equals(&planned) {
                    Action::NoOp
                } else {
                    Action::Update
                }
            }
        };
        if action != Action::NoOp && !action.is_replace() {
            replace_paths.clear();
        }
        if action.is_replace() && self.prevent_destroy && self.phase == Phase::Plan {
            return self.fail(
                "Instance cannot be destroyed",
                format!("Resource {} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option.", self.addr),
            );
        }
        if action == Action::NoOp {
            // The plan is the prior object: keep one copy, so the configuration's value and
            // the provider's answer can go.
            if let Some(p) = &prior {
                planned = p.clone();
            }
        }
        if self.phase == Phase::Plan {
            let after = self.remark(planned.clone(), &marks);
            let before = prior.clone().map(|p| self.remark(p, &self.prior_marks()));
            let mut o = self.outcome(after.clone());
            o.drift = drift;
            let mut ch = self.change(action, before, Some(after), reason);
            ch.replace_paths = replace_paths;
            ch.importing = importing;
            ch.adopted = adopted;
            o.change = Some(ch);
            return o;
        }
        // Apply.
        if action == Action::NoOp {
            let v = self.remark(prior.unwrap_or(planned), &marks);
            let mut o = self.outcome(v.clone());
            if importing.is_some() || adopted {
                o.record = self.record(v, None);
            }
            return o;
        }
        let req = ApplyRequest {
            type_name: type_name.clone(),
            prior_state: if action.creates() {
                None
            } else {
                prior.clone()
            },
            planned_state: Some(planned.clone()),
            config: config.clone(),
            planned_private: resp.planned_private,
            idempotency_token: self.token.clone(),
        };
        let verb = if action.creates() {
            "Creating"
        } else {
            "Modifying"
        };
        let started = std::time::Instant::now();
        if let Some(sink) = &self.events {
            sink(crate::events::Event::Started {
                address: self.addr.to_string(),
                verb,
            });
        }
        let action_key = if action.creates() { "create" } else { "update" };
        let result = match super::timeouts::limit(&config, action_key) {
            Some((limit, text)) => {
                match tokio::time::timeout(limit, self.provider.apply_resource(req)).await {
                    Ok(r) => r,
                    Err(_) => {
                        // The call is abandoned (its future dropped).
                        let mut o = self.fail(
                            "Operation timed out",
                            format!(
                                "{}: {action_key} timed out after {text} (timeouts.{action_key})",
                                self.addr
                            ),
                        );
                        o.keep_intent = action.creates();
                        return o;
                    }
                }
            }
            None => self.provider.apply_resource(req).await,
        };
        let finished = match (&self.events, &result) {
            (Some(_), Ok(r)) => {
                let id = r
                    .new_state
                    .as_ref()
                    .and_then(|v| v.get_attr("id"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                Some(crate::events::Event::Finished {
                    address: self.addr.to_string(),
                    verb,
                    elapsed: started.elapsed(),
                    id,
                })
            }
            _ => None,
        };
        match result {
            Ok(r) => match r.new_state {
                Some(ns) => {
                    let v = self.remark(ns, &marks);
                    let mut o = self.outcome(v.clone());
                    o.finished = finished;
                    o.record = self.record(v.clone(), r.private);
                    if action.creates() {
                        for p in &self.provisioners {
                            let addr = self.addr.to_string();
                            if let Err(e) =
                                super::provision::run(p, &addr, &v, self.events.as_ref()).await
                            {
                                let mut d = Diagnostic::error(
                                    "Provisioner failed",
                                    format!("{addr}: {e}"),
                                    terrane_dsl::syntax::Span::empty(0),
                                );
                                if p.continue_on_failure {
                                    d.severity = terrane_dsl::Severity::Warning;
                                    o.diags.push(d);
                                    continue;
                                }
                                // As Terraform: a failed create-time provisioner taints the object.
                                if let Some(rec) = o.record.as_mut() {
                                    rec.status = ResourceStatus::Tainted;
                                }
                                o.diags.push(d);
                                o.ok = false;
                                break;
                            }
                        }
                    }
                    let mut ch = self.change(
                        action,
                        prior.map(|p| self.remark(p, &self.prior_marks())),
                        Some(v),
                        reason,
                    );
                    ch.replace_paths = replace_paths;
                    o.change = Some(ch);
                    o
                }
                None => {
                    let mut o = self.outcome(Value::null(self.schema.block.implied_type()));
                    o.removed = true;
                    o
                }
            },
            Err(e) => {
                let mut o = self.fail(
                    &e.error.summary,
                    format!("{}: {}", self.addr, e.error.detail),
                );
                if let Some(ps) = e.partial_state {
                    let v = self.remark(ps, &marks);
                    if let Some(mut rec) = self.record(v, e.private) {
                        if action.creates() {
                            rec.status = ResourceStatus::Tainted;
                        }
                        o.record = Some(rec);
                    }
                }
                o
            }
        }
    }
}

impl Job {
    /// Imports `id` and reads the object back (the state an import records).
    async fn import(
        &self,
        type_name: &str,
        id: &str,
    ) -> Result<Value, terrane_provider::ProviderError> {
        let found = self.provider.import_resource(type_name, id).await?;
        let Some(first) = found.into_iter().next() else {
            return Err(terrane_provider::ProviderError::new("Cannot import non-existent remote object", format!("While attempting to import an existing object to {}, the provider detected that no object exists with the given id.", self.addr)));
        };
        match self.provider.read_resource(type_name, first, None).await? {
            Some(v) => Ok(v),
            None => Err(terrane_provider::ProviderError::new("Cannot import non-existent remote object", format!("While attempting to import an existing object to {}, the provider detected that no object exists with the given id.", self.addr))),
        }
    }
}

/// Replaces the configured values of ignored attributes by their prior values.
fn ignore_changes(
    config: Value,
    prior: &Value,
    ignore: &IgnoreChanges,
    schema: &ResourceSchema,
) -> Value {
    let names: Vec<String> = match ignore {
        IgnoreChanges::None => return config,
        IgnoreChanges::All => schema
            .block
            .attributes
            .iter()
            .filter(|(_, a)| a.required || a.optional)
            .map(|(k, _)| k.clone())
            .chain(schema.block.blocks.keys().cloned())
            .collect(),
        IgnoreChanges::Paths(ts) => ts.iter().map(|t| t.root.clone()).collect(),
    };
    let (Some(entries), Some(prior_entries)) = (config.entries(), prior.entries()) else {
        return config;
    };
    let mut entries = entries.clone();
    for n in names {
        if let (Some(slot), Some(p)) = (entries.get_mut(&n), prior_entries.get(&n)) {
            *slot = p.clone();
        }
    }
    Value::object_of(entries)
}

/// Destroys one object (the destroy phase of an apply).
pub async fn destroy(
    provider: Arc<dyn Provider>,
    record: ResourceRecord,
    semaphore: Arc<tokio::sync::Semaphore>,
) -> Result<(), String> {
    let _permit = semaphore.acquire_owned().await;
    let req = ApplyRequest {
        type_name: record.type_name.clone(),
        prior_state: Some(record.attributes.clone()),
        planned_state: None,
        config: Value::null(record.attributes.ty().clone()),
        planned_private: record.private.clone().map(String::into_bytes),
        idempotency_token: None,
    };
    let result = match super::timeouts::limit(&record.attributes, "delete") {
        Some((limit, text)) => {
            match tokio::time::timeout(limit, provider.apply_resource(req)).await {
                Ok(r) => r,
                Err(_) => return Err(format!("delete timed out after {text} (timeouts.delete)")),
            }
        }
        None => provider.apply_resource(req).await,
    };
    match result {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("{}: {}", e.error.summary, e.error.detail)),
    }
}
