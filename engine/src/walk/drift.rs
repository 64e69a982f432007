//! Drift: what refresh finds changed or gone outside terrane. A plan-phase job compares the
//! object the state recorded with the one the provider reads back, and reports the difference
//! as a drift entry of the plan (`Update` or `Delete`, before as recorded, after as read). At
//! apply, a job starts from the object as the plan refreshed it, so that the apply undoes the
//! drift the plan showed instead of planning again from the stale record. Also what the plan
//! records beside the changes for rendering them: the nested-block shape of each type.

use terrane_dsl::value::{Mark, PathMarks, Value};
use terrane_state::ResourceRecord;

use super::job::Job;
use crate::plan::model::{Action, Plan, ResourceChange};

impl Job {
    /// The sensitive marks the state recorded on the prior object.
    pub(super) fn prior_marks(&self) -> Vec<PathMarks> {
        self.prior
            .as_ref()
            .map(|r| {
                r.sensitive_paths
                    .iter()
                    .map(|p| PathMarks {
                        path: p.clone(),
                        marks: [Mark::Sensitive].into_iter().collect(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The drift entry for an object recorded as `before` and read back as `after` (`None`:
    /// gone).
    pub(super) fn drift(&self, before: Value, after: Option<Value>) -> Option<ResourceChange> {
        if self.prior.as_ref().is_some_and(|r| r.deposed.is_some()) {
            return None;
        }
        let marks = self.prior_marks();
        let action = if after.is_some() {
            Action::Update
        } else {
            Action::Delete
        };
        Some(self.change(
            action,
            Some(self.remark(before, &marks)),
            after.map(|a| self.remark(a, &marks)),
            None,
        ))
    }
}

/// The plan's drift entries of current objects, by instance address.
pub(super) fn index(plan: &Plan) -> std::collections::HashMap<String, usize> {
    plan.drift
        .iter()
        .enumerate()
        .filter(|(_, d)| d.deposed.is_none())
        .map(|(i, d)| (d.addr.to_string(), i))
        .collect()
}

/// At apply: the prior record of `address` as the plan refreshed it (`drifted`: [`index`] of
/// the plan). An object the plan found gone is absent (the plan creates it again); one it found
/// changed carries the attributes read back then. Without drift, the record is returned
/// unchanged.
pub(super) fn refreshed_prior(
    plan: Option<&Plan>,
    drifted: &std::collections::HashMap<String, usize>,
    address: &str,
    prior: Option<ResourceRecord>,
) -> Option<ResourceRecord> {
    let mut rec = prior?;
    let Some(d) = plan.and_then(|p| p.drift.get(*drifted.get(address)?)) else {
        return Some(rec);
    };
    match (&d.action, &d.after) {
        (Action::Delete, _) => None,
        (Action::Update, Some(after)) => {
            let (plain, paths) = after.clone().unmark_deep_with_paths();
            rec.attributes = plain;
            rec.sensitive_paths = paths.into_iter().map(|p| p.path).collect();
            Some(rec)
        }
        _ => Some(rec),
    }
}

/// Records the nested-block shape of `r`'s type, for rendering the plan (once per type).
pub(super) fn record_shape(
    out: &mut super::WalkOutput,
    provider: &str,
    r: &crate::addrs::Resource,
    schema: &terrane_provider::ResourceSchema,
) {
    let key = crate::plan::shape::shape_key(provider, r.mode, &r.type_name);
    out.shapes
        .entry(key)
        .or_insert_with(|| crate::plan::shape::BlockShape::of(&schema.block));
}

/// At apply, for an instance the plan leaves alone: writes its record as refresh found it, when
/// the plan found it changed outside terrane (as Terraform, the apply's state holds the
/// refreshed objects).
pub(super) fn record_refreshed(
    plan: Option<&Plan>,
    drifted: &std::collections::HashMap<String, usize>,
    rec: &ResourceRecord,
    state: &mut dyn terrane_state::ChangeSet,
) -> terrane_state::Result<()> {
    let changed = plan
        .and_then(|p| p.drift.get(*drifted.get(&rec.address)?))
        .is_some_and(|d| d.action == Action::Update);
    if changed {
        state.put_resource(rec)?;
    }
    Ok(())
}
