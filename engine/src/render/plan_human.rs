//! The human rendering of a plan, in the layout Terraform users know: one block per changed
//! resource instance with its attributes, then the summary line.

use terrane_dsl::value::Value;

use super::values::{key, render};
use crate::plan::model::{Action, Plan, ResourceChange};

fn symbol(a: Action) -> &'static str {
    match a {
        Action::Create => "+",
        Action::Delete => "-",
        Action::Update => "~",
        Action::DeleteThenCreate => "-/+",
        Action::CreateThenDelete => "+/-",
        Action::Read => "<=",
        Action::Forget => ".",
        Action::NoOp => " ",
    }
}

fn headline(c: &ResourceChange) -> String {
    let what = match c.action {
        Action::Create => "will be created",
        Action::Delete => "will be destroyed",
        Action::Update => "will be updated in-place",
        Action::DeleteThenCreate => "must be replaced",
        Action::CreateThenDelete => "must be replaced",
        Action::Read => "will be read during apply",
        Action::Forget => "will no longer be managed by terrane",
        Action::NoOp => "has no changes",
    };
    format!("  # {} {what}", c.addr)
}

/// Attribute lines of one change.
fn attributes(c: &ResourceChange, out: &mut String) {
    let empty = std::collections::BTreeMap::new();
    let before = c.before.as_ref().and_then(Value::entries).unwrap_or(&empty);
    let after = c.after.as_ref().and_then(Value::entries).unwrap_or(&empty);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let width = names.iter().map(|n| key(n).len()).max().unwrap_or(0);
    let mut hidden = 0;
    for n in names {
        let b = before.get(n).filter(|v| !(v.is_null() && v.is_known()));
        let a = after.get(n).filter(|v| !(v.is_null() && v.is_known()));
        let forces = c
            .replace_paths
            .iter()
            .any(|p| p.to_string().trim_start_matches('.') == n.as_str());
        let suffix = if forces { " # forces replacement" } else { "" };
        let line = match (b, a) {
            (None, None) => continue,
            (None, Some(a)) => format!("      + {:width$} = {}{suffix}", key(n), render(a, 6)),
            (Some(b), None) if c.action == Action::Delete => {
                format!("      - {:width$} = {}", key(n), render(b, 6))
            }
            (Some(b), None) => format!(
                "      - {:width$} = {} -> null{suffix}",
                key(n),
                render(b, 6)
            ),
            (Some(b), Some(a)) => {
                if b.raw_equals(a) {
                    hidden += 1;
                    continue;
                }
                format!(
                    "      ~ {:width$} = {} -> {}{suffix}",
                    key(n),
                    render(b, 6),
                    render(a, 6)
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    if hidden > 0 && c.action != Action::Create {
        out.push_str(&format!(
            "        # ({hidden} unchanged attribute{} hidden)\n",
            if hidden == 1 { "" } else { "s" }
        ));
    }
}

/// The whole plan as text.
pub fn render_plan(plan: &Plan) -> String {
    let changes: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .collect();
    let outputs: Vec<_> = plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    if changes.is_empty() && outputs.is_empty() && plan.deferred.is_empty() {
        return "\nNo changes. Your infrastructure matches the configuration.\n\nterrane has compared your real infrastructure against your configuration and found no\ndifferences, so no changes are needed.\n".into();
    }
    let mut out = String::new();
    if !changes.is_empty() {
        out.push_str("\nterrane will perform the following actions:\n\n");
        for c in &changes {
            out.push_str(&headline(c));
            out.push('\n');
            if let Some(p) = &c.prev_addr {
                out.push_str(&format!("  # (moved from {p})\n"));
            }
            let r = &c.addr.resource;
            let mode = if r.mode == crate::addrs::ResourceMode::Data {
                "data"
            } else {
                "resource"
            };
            out.push_str(&format!(
                "  {} {mode} \"{}\" \"{}\" {{\n",
                symbol(c.action),
                r.type_name,
                r.name
            ));
            attributes(c, &mut out);
            out.push_str("    }\n\n");
        }
    }
    for d in &plan.deferred {
        out.push_str(&format!("  # {} is deferred: {}\n", d.address, d.reason));
    }
    let (add, change, destroy) = plan.counts();
    out.push_str(&format!(
        "Plan: {add} to add, {change} to change, {destroy} to destroy.\n"
    ));
    if !outputs.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        for o in outputs {
            let v = match (&o.after, o.sensitive) {
                (_, true) => "(sensitive value)".to_string(),
                (Some(a), _) => render(a, 2),
                (None, _) => "null".to_string(),
            };
            let line = match o.action {
                Action::Create => format!("  + {} = {v}", o.name),
                Action::Delete => format!(
                    "  - {} = {} -> null",
                    o.name,
                    o.before.as_ref().map(|b| render(b, 2)).unwrap_or_default()
                ),
                _ => format!(
                    "  ~ {} = {} -> {v}",
                    o.name,
                    o.before.as_ref().map(|b| render(b, 2)).unwrap_or_default()
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
