//! Drift in the human rendering: Terraform's "Objects have changed outside of Terraform"
//! section, worded for terrane (`# X has changed`, `# X has been deleted`, each with its diff
//! from the object as the state recorded it to the object as refresh read it), and the note
//! on a planned action that drift caused. Outside a refresh-only plan, only drift in relevant
//! attributes (those the planned changes refer to) is shown: other attributes count as
//! unchanged, and a resource left with no change is not shown at all.

use terrane_dsl::value::{PathStep, Value};

use super::{resource_block_with, shown_addr};
use crate::plan::model::{Action, Plan, ResourceChange};

/// Terraform's horizontal rule between sections (77 columns).
pub const RULE: &str =
    "\n─────────────────────────────────────────────────────────────────────────────\n";

/// `# addr has changed` / `# addr has been deleted`.
pub fn headline(d: &ResourceChange) -> Vec<String> {
    let addr = shown_addr(d);
    let mut lines = vec![match (d.action, &d.prev_addr) {
        (Action::NoOp, Some(p)) => format!("  # {p} has moved to {addr}"),
        (Action::Delete, _) => format!("  # {addr} has been deleted"),
        _ => format!("  # {addr} has changed"),
    }];
    if let (Some(p), false) = (&d.prev_addr, d.action == Action::NoOp) {
        lines.push(format!("  # (moved from {p})"));
    }
    lines
}

/// Whether attribute `name` of `address` is relevant to the plan.
fn relevant(plan: &Plan, address: &str, name: &str) -> bool {
    plan.relevant_attributes
        .iter()
        .filter(|r| r.resource == address)
        .any(|r| match r.attr.0.first() {
            None => true,
            Some(PathStep::GetAttr(n)) => n == name,
            Some(PathStep::Index(_)) => false,
        })
}

/// The drift worth showing, with attributes that are not relevant reset to their recorded
/// values (all of it in a refresh-only plan).
pub fn shown(plan: &Plan) -> Vec<ResourceChange> {
    let mut out = Vec::new();
    for d in &plan.drift {
        if plan.refresh_only {
            out.push(d.clone());
            continue;
        }
        let address = d.addr.to_string();
        if !plan
            .relevant_attributes
            .iter()
            .any(|r| r.resource == address)
        {
            continue;
        }
        let Some(before) = &d.before else { continue };
        let Some(b) = before.entries() else { continue };
        if d.action == Action::Delete {
            let whole = plan
                .relevant_attributes
                .iter()
                .any(|r| r.resource == address && r.attr.0.is_empty());
            let mut d = d.clone();
            if !whole {
                // Only the relevant attributes go; the others show as unchanged.
                let mut entries = b.clone();
                for (name, v) in entries.iter_mut() {
                    if relevant(plan, &address, name) {
                        *v = Value::null(v.ty().clone());
                    }
                }
                d.after = Some(Value::object_of(entries));
            }
            out.push(d);
            continue;
        }
        let Some(a) = d.after.as_ref().and_then(Value::entries) else {
            continue;
        };
        let mut entries = a.clone();
        for (name, v) in entries.iter_mut() {
            if !relevant(plan, &address, name) {
                if let Some(old) = b.get(name) {
                    *v = old.clone();
                }
            }
        }
        let filtered = Value::object_of(entries);
        if filtered.raw_equals(before) {
            continue;
        }
        let mut d = d.clone();
        d.after = Some(filtered);
        out.push(d);
    }
    out
}

/// The section listing drift, if there is any to show; returns whether it wrote one.
pub fn section(plan: &Plan, out: &mut String) -> bool {
    let drift = shown(plan);
    if drift.is_empty() {
        return false;
    }
    out.push_str("\nNote: Objects have changed outside of terrane\n\n");
    out.push_str("terrane detected the following changes made outside of terrane since the last\n\"terrane apply\" which may have affected this plan:\n");
    for d in &drift {
        out.push('\n');
        resource_block_with(d, headline(d), plan.shape_of(d), out);
    }
    if plan.refresh_only {
        out.push_str("\n\nThis is a refresh-only plan, so terrane will not take any actions to undo\nthese. If you were expecting these changes then you can apply this plan to\nrecord the updated values in the terrane state without changing any remote\nobjects.\n");
    } else {
        out.push_str("\n\nUnless you have made equivalent changes to your configuration, or ignored the\nrelevant attributes using ignore_changes, the following plan may include\nactions to undo or respond to these changes.\n");
    }
    true
}

/// The note on a planned action that drift caused (`drift found by refresh: ...`).
pub fn note(plan: &Plan, c: &ResourceChange) -> Option<&'static str> {
    if c.action == Action::NoOp {
        return None;
    }
    Some(match plan.drift_of(c)?.action {
        Action::Delete => "drift found by refresh: the object was deleted outside terrane",
        _ => "drift found by refresh: the object changed outside terrane",
    })
}
