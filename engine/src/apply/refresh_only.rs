//! Applying a refresh-only plan: no provider call; one new state version in which each object
//! refresh found changed takes the attributes read back, each object found gone is removed,
//! each moved object takes its new address, and the root outputs take the values the plan evaluated against the refreshed objects.

use terrane_state::{ChangeSet, OutputValue, Snapshot};

use super::Applied;
use crate::plan::model::{Action, Plan};
use crate::walk::WalkOutput;

/// Writes `plan`'s drift and outputs into `cs` (`prior`: the state the plan was made from).
pub fn apply(plan: &Plan, prior: &Snapshot, cs: &mut dyn ChangeSet) -> Applied {
    let mut applied = Applied::default();
    let mut result = Ok(());
    for d in &plan.drift {
        // A moved object is found at its previous address and recorded at its new one.
        let address = d.addr.to_string();
        let source = d
            .prev_addr
            .as_ref()
            .map_or(address.clone(), |p| p.to_string());
        let Some(rec) = prior
            .resources
            .iter()
            .find(|r| r.address == source && r.deposed.is_none())
        else {
            continue;
        };
        result = result.and_then(|_| {
            if d.action == Action::Delete {
                return cs.remove_resource(&source, None);
            }
            let mut rec = rec.clone();
            if source != address {
                let Ok(new) = terrane_state::ResourceAddress::parse(&address) else {
                    return Ok(());
                };
                rec.set_address(&new);
            }
            if let (Action::Update, Some(after)) = (d.action, &d.after) {
                let (plain, paths) = after.clone().unmark_deep_with_paths();
                rec.attributes = plain;
                rec.sensitive_paths = paths.into_iter().map(|p| p.path).collect();
            }
            cs.put_resource(&rec)?;
            if source != address {
                cs.remove_resource(&source, None)?;
            }
            Ok(())
        });
    }
    let mut walk = WalkOutput::default();
    let mut outputs = terrane_state::Outputs::default();
    for o in &plan.outputs {
        let Some(v) = o
            .after
            .as_ref()
            .filter(|v| !v.is_null() && v.is_wholly_known())
        else {
            continue;
        };
        outputs.insert(
            o.name.clone(),
            OutputValue {
                value: v.clone().unmark_deep().0,
                sensitive: o.sensitive,
            },
        );
        walk.outputs
            .insert(o.name.clone(), (v.clone(), o.sensitive));
    }
    result = result.and_then(|_| cs.set_outputs(&outputs));
    if let Err(e) = result {
        applied
            .diags
            .0
            .push(crate::source::Diag::bare(terrane_dsl::Diagnostic::error(
                "Failed to write the state",
                e.to_string(),
                terrane_dsl::syntax::Span::empty(0),
            )));
    }
    applied.walk = Some(walk);
    applied
}
