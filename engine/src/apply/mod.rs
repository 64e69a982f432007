//! Applying a plan: destroys first (in the order `order` decides), then a walk that creates,
//! updates and reads in dependency order, recording each result in the state as it returns,
//! then the deposed objects of create-before-destroy replacements, then the root outputs.

pub mod order;
mod providers;
mod refresh_only;

use std::collections::BTreeMap;
use std::sync::Arc;

use terrane_dsl::Diagnostic;
use terrane_state::{Backend, ChangeSet, OutputValue, ResourceRecord};

use crate::addrs::InstanceKey;
use crate::config::ProvisionerWhen;
use crate::events::Event;
use crate::plan::model::{Action, Plan};
use crate::source::{Diag, Diags};
use crate::walk::provision::Prepared;
use crate::walk::scope::Site;
use crate::walk::values::Repetition;
use crate::walk::{walk, Phase, WalkInput, WalkOutput};
use terrane_dsl::functions::CallContext;
use terrane_dsl::value::Value;

/// The result of an apply.
#[derive(Default)]
pub struct Applied {
    pub diags: Diags,
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    pub walk: Option<WalkOutput>,
}

/// Destroy-time provisioners of the records' resources, each with a scope of `count.index`,
/// `each.key` and `path` (all a destroy provisioner may use besides `self`).
fn destroy_provisioners(
    input: &WalkInput<'_>,
    records: &[ResourceRecord],
) -> BTreeMap<String, Vec<Prepared>> {
    let mut out = BTreeMap::new();
    for rec in records {
        let Ok(addr) = crate::addrs::parse_instance(&rec.address) else {
            continue;
        };
        let Some(module) = input.config.module(&addr.module.module()) else {
            continue;
        };
        let Some(rc) = module.resources.get(&addr.resource) else {
            continue;
        };
        let list: Vec<&crate::config::Provisioner> = rc
            .provisioners
            .iter()
            .filter(|p| p.when == ProvisionerWhen::Destroy)
            .collect();
        if list.is_empty() {
            continue;
        }
        let rep = match &addr.key {
            Some(InstanceKey::Int(i)) => Repetition {
                count_index: Some(Value::int(*i)),
                ..Repetition::default()
            },
            Some(InstanceKey::Str(k)) => Repetition {
                each_key: Some(Value::string(k)),
                each_value: Some(Value::dynamic()),
                ..Repetition::default()
            },
            None => Repetition::default(),
        };
        let values = crate::walk::values::Values::default();
        let prepared = list
            .into_iter()
            .map(|p| {
                let mut refs = crate::graph::build::body_refs(&p.body);
                refs.retain(|t| matches!(t.root.as_str(), "count" | "each" | "path" | "terraform"));
                let site = Site {
                    config: input.config,
                    module,
                    instance: &addr.module,
                    repetition: &rep,
                    self_value: None,
                    run: &input.run,
                };
                let (scope, _) = crate::walk::scope::build(&refs, &site, &values);
                Prepared::new(
                    p,
                    scope,
                    Arc::clone(&input.evaluator.functions),
                    module.functions.clone(),
                    CallContext {
                        base_dir: input.run.cwd.clone(),
                        plan_timestamp: None,
                    },
                )
            })
            .collect();
        out.insert(rec.address.clone(), prepared);
    }
    out
}

/// Destroys `records` wave by wave, removing each from the state as it goes.
fn destroy_all(
    records: Vec<ResourceRecord>,
    cs: &mut dyn ChangeSet,
    input: &WalkInput<'_>,
    applied: &mut Applied,
) -> bool {
    if records.is_empty() {
        return true;
    }
    let mut providers = match providers::DestroyProviders::configure(input) {
        Ok(p) => p,
        Err(diags) => {
            applied.diags.append(diags);
            return false;
        }
    };
    let parallelism = input.options.parallelism;
    let events = input.events.clone();
    let destroy_provisioners = destroy_provisioners(input, &records);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return false,
    };
    let sem = Arc::new(tokio::sync::Semaphore::new(parallelism.max(1)));
    let mut ok = true;
    for wave in order::destroy_waves(records) {
        let mut handles = Vec::new();
        for rec in wave {
            let p = match providers.for_record(&rec, input) {
                Ok(p) => p,
                Err(why) => {
                    applied.diags.0.push(Diag::bare(Diagnostic::error(
                        "Provider not available",
                        format!("{}: {why}.", rec.address),
                        terrane_dsl::syntax::Span::empty(0),
                    )));
                    ok = false;
                    continue;
                }
            };
            let sem = Arc::clone(&sem);
            let provisioners = destroy_provisioners
                .get(&rec.address)
                .cloned()
                .unwrap_or_default();
            let events = events.clone();
            handles.push(rt.spawn(async move {
                let value = crate::walk::restore_marks(rec.clone());
                for p in &provisioners {
                    if let Err(e) =
                        crate::walk::provision::run(p, &rec.address, &value, events.as_ref()).await
                    {
                        if !p.continue_on_failure {
                            return (rec, Err(e));
                        }
                    }
                }
                let started = std::time::Instant::now();
                if let Some(sink) = &events {
                    sink(Event::Started {
                        address: rec.address.clone(),
                        verb: "Destroying",
                    });
                }
                let r = crate::walk::job::destroy(p, rec.clone(), sem).await;
                if let (Some(sink), Ok(())) = (&events, &r) {
                    sink(Event::Finished {
                        address: rec.address.clone(),
                        verb: "Destroying",
                        elapsed: started.elapsed(),
                        id: None,
                    });
                }
                (rec, r)
            }));
        }
        for h in handles {
            let Ok((rec, r)) = rt.block_on(h) else {
                ok = false;
                continue;
            };
            match r {
                Ok(()) => {
                    applied.destroyed += 1;
                    if let Err(e) = cs.remove_resource(&rec.address, rec.deposed.as_deref()) {
                        applied.diags.0.push(Diag::bare(Diagnostic::error(
                            "Failed to write the state",
                            format!("{}: {e}", rec.address),
                            terrane_dsl::syntax::Span::empty(0),
                        )));
                        ok = false;
                    }
                }
                Err(msg) => {
                    applied.diags.0.push(Diag::bare(Diagnostic::error(
                        "Failed to destroy",
                        format!("{}: {msg}", rec.address),
                        terrane_dsl::syntax::Span::empty(0),
                    )));
                    ok = false;
                }
            }
        }
        if !ok {
            break;
        }
    }
    ok
}

/// Applies `plan` against the state in `backend`. `input.prior` must be the state the plan
/// was made from; `input.plan` is set here.
pub fn apply(
    input: &WalkInput<'_>,
    plan: &Plan,
    backend: &dyn Backend,
    workspace: &str,
) -> Applied {
    let mut applied = Applied::default();
    let bare = |summary: &str, detail: String| {
        Diag::bare(Diagnostic::error(
            summary,
            detail,
            terrane_dsl::syntax::Span::empty(0),
        ))
    };
    let mut cs = match backend.begin(workspace, if plan.destroy { "destroy" } else { "apply" }) {
        Ok(cs) => cs,
        Err(e) => {
            applied
                .diags
                .0
                .push(bare("Failed to write the state", e.to_string()));
            return applied;
        }
    };
    if plan.refresh_only {
        let mut done = refresh_only::apply(plan, input.prior, cs.as_mut());
        if let Err(e) = cs.finish() {
            done.diags
                .0
                .push(bare("Failed to write the state", e.to_string()));
        }
        return done;
    }
    // What the plan's refresh found gone leaves the state (a create planned for it records the
    // new object).
    for d in plan.drift.iter().filter(|d| d.action == Action::Delete) {
        let address = d.prev_addr.as_ref().unwrap_or(&d.addr).to_string();
        if let Err(e) = cs.remove_resource(&address, None) {
            applied
                .diags
                .0
                .push(bare("Failed to write the state", e.to_string()));
        }
    }
    // Moves first: the records take their new addresses in the state.
    let mut moved_prior = input.prior.clone();
    for c in &plan.changes {
        let Some(prev) = &c.prev_addr else { continue };
        let (old, new) = (prev.to_string(), c.addr.to_string());
        let Ok(new_addr) = terrane_state::ResourceAddress::parse(&new) else {
            continue;
        };
        for rec in moved_prior
            .resources
            .iter_mut()
            .filter(|r| r.address == old)
        {
            let deposed = rec.deposed.clone();
            rec.set_address(&new_addr);
            let res = cs
                .put_resource(rec)
                .and_then(|_| cs.remove_resource(&old, deposed.as_deref()));
            if let Err(e) = res {
                applied
                    .diags
                    .0
                    .push(bare("Failed to write the state", e.to_string()));
            }
        }
    }
    // Intents of interrupted creates whose object the plan did not find: nothing to adopt.
    for address in &plan.cleared_intents {
        if let Err(e) = cs.clear_intent(address) {
            applied
                .diags
                .0
                .push(bare("Failed to write the state", e.to_string()));
        }
    }
    // Objects of interrupted creates that the plan adopted and now destroys or replaces enter
    // the state first (clearing their intents in the same transaction), with the dependencies
    // their resource records: they are then destroyed like any recorded object, in the one
    // destroy order, and the new intent of a replacement cannot make them orphans.
    for c in plan
        .changes
        .iter()
        .filter(|c| c.adopted && (c.action.is_replace() || c.action == Action::Delete))
    {
        let address = c.addr.to_string();
        let recorded = moved_prior
            .resources
            .iter()
            .any(|r| r.address == address && r.deposed.is_none());
        let (Some(before), Ok(parsed)) =
            (&c.before, terrane_state::ResourceAddress::parse(&address))
        else {
            continue;
        };
        if recorded {
            continue;
        }
        let (plain, paths) = before.clone().unmark_deep_with_paths();
        let mut rec = ResourceRecord::new(&parsed, &c.provider, plain);
        rec.sensitive_paths = paths.into_iter().map(|p| p.path).collect();
        rec.dependencies = crate::walk::adopted_dependencies(input, &c.addr);
        rec.schema_version = providers::schema_version(&rec, &input.host);
        match cs.put_resource(&rec) {
            Ok(()) => moved_prior.resources.push(rec),
            Err(e) => applied
                .diags
                .0
                .push(bare("Failed to write the state", e.to_string())),
        }
    }
    let by_addr: BTreeMap<(String, Option<String>), &ResourceRecord> = moved_prior
        .resources
        .iter()
        .map(|r| ((r.address.clone(), r.deposed.clone()), r))
        .collect();
    // Destroys, forgets, and the destroy half of delete-then-create (invariant 2).
    let mut to_destroy = Vec::new();
    let mut deposed = Vec::new();
    for c in &plan.changes {
        let key = (c.addr.to_string(), c.deposed.clone());
        let Some(rec) = by_addr.get(&key) else {
            continue;
        };
        match c.action {
            Action::Delete | Action::DeleteThenCreate => to_destroy.push((*rec).clone()),
            Action::Forget => {
                if let Err(e) = cs.remove_resource(&rec.address, rec.deposed.as_deref()) {
                    applied
                        .diags
                        .0
                        .push(bare("Failed to write the state", e.to_string()));
                }
            }
            Action::CreateThenDelete => {
                // Invariant 3: keep the old object as deposed until the end.
                let mut old = (*rec).clone();
                let key = format!("{:08x}", std::process::id() ^ (old.address.len() as u32));
                old.deposed = Some(key);
                let res = cs
                    .put_resource(&old)
                    .and_then(|_| cs.remove_resource(&rec.address, None));
                if let Err(e) = res {
                    applied
                        .diags
                        .0
                        .push(bare("Failed to write the state", e.to_string()));
                }
                deposed.push(old);
            }
            _ => {}
        }
    }
    if !destroy_all(to_destroy, cs.as_mut(), input, &mut applied) {
        let _ = cs.finish();
        return applied;
    }
    if !plan.destroy {
        let prior = match backend.read(workspace) {
            Ok(s) => s,
            Err(e) => {
                applied
                    .diags
                    .0
                    .push(bare("Failed to read the state", e.to_string()));
                let _ = cs.finish();
                return applied;
            }
        };
        let walk_input = WalkInput {
            config: input.config,
            graph: input.graph,
            inputs: input.inputs,
            run: input.run.clone(),
            evaluator: input.evaluator.clone(),
            prior: &prior,
            plan: Some(plan),
            options: crate::walk::WalkOptions {
                phase: Phase::Apply,
                ..input.options.clone()
            },
            host: Arc::clone(&input.host),
            events: input.events.clone(),
        };
        let out = walk(&walk_input, Some(cs.as_mut()));
        for c in &out.changes {
            match c.action {
                Action::Create => applied.added += 1,
                Action::Update => applied.changed += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => applied.added += 1,
                _ => {}
            }
        }
        applied.diags.append(out.diags.clone());
        let failed = out.diags.has_errors();
        if !failed {
            // Invariant 3: deposed objects last.
            destroy_all(deposed, cs.as_mut(), input, &mut applied);
            let mut outputs: terrane_state::Outputs = if input.options.targets.is_empty() {
                Default::default()
            } else {
                // A targeted apply keeps the outputs it did not evaluate.
                input.prior.outputs.clone()
            };
            outputs.extend(out.outputs.iter().filter(|(_, (v, _))| !v.is_null()).map(
                |(k, (v, s))| {
                    (
                        k.clone(),
                        OutputValue {
                            value: v.clone().unmark_deep().0,
                            sensitive: *s,
                        },
                    )
                },
            ));
            if let Err(e) = cs.set_outputs(&outputs) {
                applied
                    .diags
                    .0
                    .push(bare("Failed to write the state", e.to_string()));
            }
        }
        applied.walk = Some(out);
    } else if !input.options.targets.is_empty() {
        // A targeted destroy leaves the outputs alone.
    } else if let Err(e) = cs.set_outputs(&Default::default()) {
        applied
            .diags
            .0
            .push(bare("Failed to write the state", e.to_string()));
    }
    if let Err(e) = cs.finish() {
        applied
            .diags
            .0
            .push(bare("Failed to write the state", e.to_string()));
    }
    applied
}
