//! Making a plan: a plan-phase walk over the graph (refresh, then each instance planned by its
//! provider), the destruction of state objects the configuration no longer has, and the
//! changes of root outputs.

use std::collections::BTreeSet;

use terrane_dsl::value::Value;
use terrane_state::{Mode, Snapshot};

use super::model::{Action, OutputChange, Plan, Reason, ResourceChange};
use crate::addrs::parse_instance;
use crate::walk::resource_values_cover;
use crate::walk::{walk, WalkInput, WalkOutput};

/// Plans `input` (a plan-phase walk). With `destroy`, plans to destroy everything instead.
pub fn make_plan(input: &WalkInput<'_>, destroy: bool) -> (Plan, WalkOutput) {
    let prior = input.prior;
    let mut plan = Plan {
        destroy,
        prior_lineage: prior.lineage.clone(),
        prior_serial: prior.serial,
        ..Plan::default()
    };
    if destroy {
        // As Terraform, refresh first: what is already gone is not destroyed again, and what
        // changed is destroyed as it is now.
        let (mut out, drift) = refresh_for_destroy(input);
        if out.diags.has_errors() {
            return (plan, out);
        }
        let chosen = destroy_targets(prior, &input.options.targets);
        for rec in prior.resources.iter() {
            if chosen.as_ref().is_some_and(|c| !c.contains(&rec.address)) {
                continue;
            }
            let Ok(addr) = parse_instance(&rec.address) else {
                continue;
            };
            let drifted = drift
                .iter()
                .find(|d| rec.deposed.is_none() && d.addr == addr);
            if drifted.is_some_and(|d| d.action == Action::Delete) {
                continue;
            }
            let before = drifted
                .and_then(|d| d.after.clone())
                .unwrap_or_else(|| crate::walk::restore_marks(rec.clone()));
            if rec.mode == Mode::Managed {
                check_prevent_destroy(input, &addr, &mut out);
            }
            plan.changes.push(ResourceChange {
                addr,
                prev_addr: None,
                deposed: rec.deposed.clone(),
                action: if rec.mode == Mode::Data {
                    Action::Forget
                } else {
                    Action::Delete
                },
                reason: None,
                provider: rec.provider.clone(),
                before: Some(before),
                after: None,
                replace_paths: Vec::new(),
                importing: None,
                adopted: false,
            });
        }
        // Objects of interrupted creates the refresh found (by their intents' tokens): adopted,
        // and destroyed with the rest (the apply records them first, with their dependencies).
        for c in std::mem::take(&mut out.changes) {
            let addr = c.addr.to_string();
            if chosen.is_some()
                && !input
                    .options
                    .targets
                    .iter()
                    .any(|t| super::moves::within(&addr, t).is_some())
            {
                continue;
            }
            check_prevent_destroy(input, &c.addr, &mut out);
            plan.changes.push(c);
        }
        plan.cleared_intents = std::mem::take(&mut out.cleared_intents);
        plan.drift = drift;
        // A targeted destroy leaves the outputs alone.
        let outputs = if chosen.is_some() {
            Default::default()
        } else {
            prior.outputs.clone()
        };
        for (name, o) in &outputs {
            plan.outputs.push(OutputChange {
                name: name.clone(),
                action: Action::Delete,
                before: Some(o.value.clone()),
                after: None,
                sensitive: o.sensitive,
            });
        }
        super::shape::fill_missing(&mut plan, &input.host);
        plan.relevant_attributes = super::relevant::relevant_attributes(input.config, &plan);
        return (plan, out);
    }
    // Moves rename state records first, so the walk plans them at their new addresses.
    // (A copy of the state only when there are moves to make.)
    let mut move_diags = crate::source::Diags::default();
    let mut moved_prior = None;
    let mut moves = Vec::new();
    if !input.config.root().moved.is_empty() {
        let mut copy = prior.clone();
        moves = super::moves::apply_moves(input.config, &mut copy, &mut move_diags);
        moved_prior = Some(copy);
    }
    let prior = moved_prior.as_ref().unwrap_or(prior);
    let moved_input = WalkInput {
        prior,
        run: input.run.clone(),
        evaluator: input.evaluator.clone(),
        options: input.options.clone(),
        host: std::sync::Arc::clone(&input.host),
        events: input.events.clone(),
        ..*input
    };
    let mut out = walk(&moved_input, None);
    if input.options.refresh_only {
        conditions_as_warnings(&mut out.diags);
    }
    out.diags.append(move_diags);
    plan.changes = std::mem::take(&mut out.changes);
    plan.deferred = std::mem::take(&mut out.deferred);
    let planned: BTreeSet<String> = plan.changes.iter().map(|c| c.addr.to_string()).collect();
    for rec in &prior.resources {
        if planned.contains(&rec.address) && rec.deposed.is_none() {
            continue;
        }
        let Ok(addr) = parse_instance(&rec.address) else {
            continue;
        };
        if rec.deposed.is_none() && resource_values_cover(&out.values, &addr) {
            continue;
        }
        let targets = &input.options.targets;
        if !targets.is_empty()
            && !targets
                .iter()
                .any(|t| super::moves::within(&rec.address, t).is_some())
        {
            continue;
        }
        plan.changes.push(ResourceChange {
            addr,
            prev_addr: None,
            deposed: rec.deposed.clone(),
            action: if rec.mode == Mode::Data {
                Action::Forget
            } else {
                Action::Delete
            },
            reason: Some(Reason::DeleteBecauseNoResourceConfig),
            provider: rec.provider.clone(),
            before: Some(crate::walk::restore_marks(rec.clone())),
            after: None,
            replace_paths: Vec::new(),
            importing: None,
            adopted: false,
        });
    }
    plan.changes
        .sort_by(|a, b| a.addr.cmp(&b.addr).then(a.deposed.cmp(&b.deposed)));
    plan.outputs = output_changes(prior, &out);
    plan.cleared_intents = std::mem::take(&mut out.cleared_intents);
    plan.data_reads = std::mem::take(&mut out.data_reads);
    let mut diags = crate::source::Diags::default();
    super::moves::finish(input.config, &mut plan, &moves, &mut diags);
    out.diags.append(diags);
    plan.drift = std::mem::take(&mut out.drift);
    plan.shapes = std::mem::take(&mut out.shapes);
    moved_drift(&mut plan, prior, &moves, input.options.refresh_only);
    plan.drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    if input.options.refresh_only {
        // Only drift and outputs: no resource is created, changed or destroyed.
        plan.refresh_only = true;
        plan.changes.clear();
        plan.deferred.clear();
        plan.cleared_intents.clear();
    }
    super::shape::fill_missing(&mut plan, &input.host);
    plan.relevant_attributes = super::relevant::relevant_attributes(input.config, &plan);
    (plan, out)
}

/// With `-target`: the addresses a destroy plan destroys, the targets and, as Terraform, every
/// object that depends on them (directly or not); `None` without targets (everything).
fn destroy_targets(prior: &Snapshot, targets: &[String]) -> Option<BTreeSet<String>> {
    if targets.is_empty() {
        return None;
    }
    let mut chosen: BTreeSet<String> = prior
        .resources
        .iter()
        .filter(|r| {
            targets
                .iter()
                .any(|t| super::moves::within(&r.address, t).is_some())
        })
        .map(|r| r.address.clone())
        .collect();
    loop {
        let more: Vec<String> = prior
            .resources
            .iter()
            .filter(|r| !chosen.contains(&r.address))
            .filter(|r| {
                r.dependencies
                    .iter()
                    .any(|d| chosen.iter().any(|c| super::moves::within(c, d).is_some()))
            })
            .map(|r| r.address.clone())
            .collect();
        if more.is_empty() {
            return Some(chosen);
        }
        chosen.extend(more);
    }
}

/// As Terraform, failed preconditions and postconditions are warnings when nothing is planned
/// (a refresh-only plan, the refresh before a destroy): they must not stop recording or
/// destroying what exists.
fn conditions_as_warnings(diags: &mut crate::source::Diags) {
    for d in &mut diags.0 {
        if matches!(
            d.diag.summary.as_str(),
            "Resource precondition failed"
                | "Resource postcondition failed"
                | "Module output value precondition failed"
        ) {
            d.diag.severity = terrane_dsl::Severity::Warning;
        }
    }
}

/// `lifecycle.prevent_destroy` of `addr`'s resource: destroying it is an error.
fn check_prevent_destroy(
    input: &WalkInput<'_>,
    addr: &crate::addrs::ResourceInstance,
    out: &mut WalkOutput,
) {
    let Some(rc) = input
        .config
        .module(&addr.module.module())
        .and_then(|m| m.resources.get(&addr.resource))
    else {
        return;
    };
    if rc.lifecycle.prevent_destroy {
        out.diags.push(
            rc.file,
            terrane_dsl::Diagnostic::error(
                "Instance cannot be destroyed",
                format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option."),
                rc.decl.span,
            ),
        );
    }
}

/// The refresh before a destroy plan: a refresh-only walk (none with `-refresh=false` or an
/// empty state, unless interrupted creates left intents). Its diagnostics, the objects of
/// interrupted creates it adopted (`changes`), the intents whose object is gone, and the drift
/// it found.
fn refresh_for_destroy(input: &WalkInput<'_>) -> (WalkOutput, Vec<ResourceChange>) {
    let settle = !input.prior.intents.is_empty();
    if (!input.options.refresh || input.prior.resources.is_empty()) && !settle {
        return (WalkOutput::default(), Vec::new());
    }
    let refresh = WalkInput {
        run: input.run.clone(),
        evaluator: input.evaluator.clone(),
        options: crate::walk::WalkOptions {
            refresh_only: true,
            destroy: true,
            ..input.options.clone()
        },
        host: std::sync::Arc::clone(&input.host),
        events: input.events.clone(),
        ..*input
    };
    let mut r = walk(&refresh, None);
    conditions_as_warnings(&mut r.diags);
    let mut drift = std::mem::take(&mut r.drift);
    drift.sort_by(|a, b| a.addr.cmp(&b.addr));
    let out = WalkOutput {
        diags: r.diags,
        changes: r.changes,
        cleared_intents: r.cleared_intents,
        ..WalkOutput::default()
    };
    (out, drift)
}

/// Moves are drift too: a drifted object that moved carries its previous address, and in a
/// refresh-only plan (as Terraform) an object that only moved is a no-op drift entry, so that
/// applying the plan records the move. `prior` is the state with the moves made.
fn moved_drift(plan: &mut Plan, prior: &Snapshot, moves: &[(String, String)], refresh_only: bool) {
    for (old, new) in moves {
        let Ok(prev) = parse_instance(old) else {
            continue;
        };
        if let Some(d) = plan.drift.iter_mut().find(|d| d.addr.to_string() == *new) {
            d.prev_addr = Some(prev);
            continue;
        }
        if !refresh_only {
            continue;
        }
        let (Some(rec), Ok(addr)) = (
            prior
                .resources
                .iter()
                .find(|r| r.address == *new && r.deposed.is_none() && r.mode == Mode::Managed),
            parse_instance(new),
        ) else {
            continue;
        };
        let value = crate::walk::restore_marks(rec.clone());
        plan.drift.push(ResourceChange {
            addr,
            prev_addr: Some(prev),
            deposed: None,
            action: Action::NoOp,
            reason: None,
            provider: rec.provider.clone(),
            before: Some(value.clone()),
            after: Some(value),
            replace_paths: Vec::new(),
            importing: None,
            adopted: false,
        });
    }
    plan.drift.sort_by(|a, b| a.addr.cmp(&b.addr));
}

fn output_changes(prior: &Snapshot, out: &WalkOutput) -> Vec<OutputChange> {
    let mut changes = Vec::new();
    for (name, (v, sensitive)) in &out.outputs {
        let before = prior.outputs.get(name).map(|o| o.value.clone());
        let action = match &before {
            None if v.is_null() => Action::NoOp,
            None => Action::Create,
            Some(b)
                if v.is_wholly_known()
                    && b.clone()
                        .unmark_deep()
                        .0
                        .raw_equals(&v.clone().unmark_deep().0) =>
            {
                Action::NoOp
            }
            Some(_) => Action::Update,
        };
        changes.push(OutputChange {
            name: name.clone(),
            action,
            before,
            after: Some(v.clone()),
            sensitive: *sensitive,
        });
    }
    for (name, o) in &prior.outputs {
        if !out.outputs.contains_key(name) {
            changes.push(OutputChange {
                name: name.clone(),
                action: Action::Delete,
                before: Some(o.value.clone()),
                after: None,
                sensitive: o.sensitive,
            });
        }
    }
    changes
}

/// Whether a value is null (for outputs Terraform leaves out).
pub fn is_null(v: &Value) -> bool {
    v.is_null()
}
