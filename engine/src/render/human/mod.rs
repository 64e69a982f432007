//! The human rendering of a plan, in the layout Terraform users know (`# addr will be updated
//! in-place`, `~ attr = old -> new`, `-/+` with `# forces replacement`, the summary line), plus:
//! destroys and replacements gathered first under a warning, the reason for every action, line
//! diffs of multi-line strings and structural diffs of JSON/YAML strings. Colour is added last
//! (`style`), only when asked for.

pub mod blocks;
pub mod diff;
pub mod drift;
pub mod state;
pub mod style;
pub mod text;

use std::fmt::Write as _;

use terrane_dsl::value::{Attrs, Value};

use crate::addrs::ResourceMode;
use crate::plan::model::{Action, OutputChange, Plan, Reason, ResourceChange};
use crate::plan::shape::BlockShape;
use diff::{change, Sym};

/// Options of the human rendering.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// ANSI colours (only on a terminal).
    pub color: bool,
}

/// The symbol in front of a resource block.
pub fn symbol(a: Action) -> &'static str {
    match a {
        Action::Create => "  +",
        Action::Delete => "  -",
        Action::Update => "  ~",
        Action::DeleteThenCreate => "-/+",
        Action::CreateThenDelete => "+/-",
        Action::Read => " <=",
        Action::Forget => "  .",
        Action::NoOp => "   ",
    }
}

/// Whether the change destroys an object (a destroy, a replacement).
pub fn is_destructive(c: &ResourceChange) -> bool {
    c.action.deletes()
}

/// The address as the headline names it (with the deposed key, if any).
pub(crate) fn shown_addr(c: &ResourceChange) -> String {
    match &c.deposed {
        Some(d) => format!("{} (deposed object {d})", c.addr),
        None => c.addr.to_string(),
    }
}

/// `# addr will be ...`, and the lines saying why.
pub fn headline(c: &ResourceChange) -> Vec<String> {
    let addr = shown_addr(c);
    let mut lines = Vec::new();
    let main = match (c.action, &c.reason) {
        (Action::Create, _) => "will be created".to_string(),
        (Action::Delete, _) => "will be destroyed".to_string(),
        (Action::Update, _) => "will be updated in-place".to_string(),
        (Action::Read, _) => "will be read during apply".to_string(),
        (Action::Forget, _) => "will no longer be managed by terrane".to_string(),
        (a, Some(Reason::ReplaceBecauseTainted)) if a.is_replace() => {
            "is tainted, so must be replaced".to_string()
        }
        (a, Some(Reason::ReplaceByRequest)) if a.is_replace() => {
            "will be replaced, as requested".to_string()
        }
        (a, Some(Reason::ReplaceByTriggers)) if a.is_replace() => {
            "will be replaced due to changes in replace_triggered_by".to_string()
        }
        (a, _) if a.is_replace() => "must be replaced".to_string(),
        (_, _) if c.importing.is_some() => "will be imported".to_string(),
        (_, _) => match &c.prev_addr {
            Some(p) => {
                lines.push(format!("  # {p} has moved to {addr}"));
                String::new()
            }
            None => "has no changes".to_string(),
        },
    };
    if !main.is_empty() {
        lines.push(format!("  # {addr} {main}"));
    }
    if let Some(why) = reason_note(c) {
        lines.push(format!("  # ({why})"));
    }
    if c.action != Action::NoOp {
        if let Some(p) = &c.prev_addr {
            lines.push(format!("  # (moved from {p})"));
        }
        if let Some(id) = &c.importing {
            lines.push(format!("  # (imported from \"{id}\")"));
        }
        if c.adopted {
            lines.push("  # (adopted: an interrupted create made it, found by its intent)".into());
        }
    }
    if c.action == Action::CreateThenDelete {
        lines.push("  # (create_before_destroy: the new object is created first)".into());
    }
    lines
}

/// The reason in words, for the line under the headline.
fn reason_note(c: &ResourceChange) -> Option<String> {
    let r = c.reason.as_ref()?;
    Some(match r {
        Reason::DeleteBecauseNoResourceConfig => {
            format!("because {} is not in configuration", c.addr.abs_resource())
        }
        Reason::DeleteBecauseCountIndex => format!(
            "because index {} is out of range for count",
            c.addr
                .key
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        Reason::DeleteBecauseEachKey => format!(
            "because key {} is not in for_each map",
            c.addr
                .key
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        Reason::DeleteBecauseNoModule => {
            format!("because {} is not in configuration", c.addr.module)
        }
        Reason::ReadBecauseConfigUnknown => "config refers to values not yet known".into(),
        Reason::ReadBecauseDependencyPending => {
            "depends on a resource or a module with changes pending".into()
        }
        Reason::ReplaceBecauseCannotUpdate => {
            let forced: Vec<String> = c
                .replace_paths
                .iter()
                .map(|p| p.to_string().trim_start_matches('.').to_string())
                .collect();
            if forced.is_empty() {
                return None;
            }
            format!("{} cannot be updated in place", forced.join(", "))
        }
        Reason::ReplaceBecauseTainted | Reason::ReplaceByRequest | Reason::ReplaceByTriggers => {
            return None
        }
    })
}

/// The resource block of one change: header, attributes, closing brace.
pub fn resource_block(c: &ResourceChange, out: &mut String) {
    resource_block_with(c, headline(c), None, out);
}

/// The resource block of one planned change, with the note when drift caused it.
pub fn planned_block(plan: &Plan, c: &ResourceChange, out: &mut String) {
    resource_block_with(c, planned_headline(plan, c), plan.shape_of(c), out);
}

/// The headline of a planned change, with the note when drift caused it.
pub fn planned_headline(plan: &Plan, c: &ResourceChange) -> Vec<String> {
    let mut lines = headline(c);
    if let Some(n) = drift::note(plan, c) {
        lines.insert(1.min(lines.len()), format!("  # ({n})"));
    }
    lines
}

/// The resource block of `c` under these headline lines.
pub fn resource_block_with(
    c: &ResourceChange,
    headline: Vec<String>,
    shape: Option<&BlockShape>,
    out: &mut String,
) {
    for l in headline {
        out.push_str(&l);
        out.push('\n');
    }
    let r = &c.addr.resource;
    let mode = if r.mode == ResourceMode::Data {
        "data"
    } else {
        "resource"
    };
    let _ = writeln!(
        out,
        "{} {mode} \"{}\" \"{}\" {{",
        symbol(c.action),
        r.type_name,
        r.name
    );
    let empty = Attrs::new();
    let entries = |v: &Option<Value>| v.as_ref().and_then(Value::entries).cloned();
    // Drift that deleted an object, narrowed to its relevant attributes: those go, the others
    // count as unchanged.
    let partial_delete = c.action == Action::Delete && c.after.is_some();
    let (before, after) = match c.action {
        Action::Delete if partial_delete => (entries(&c.before), entries(&c.after)),
        // A destroyed or forgotten object shows what goes; a created one what comes.
        Action::Delete | Action::Forget => (entries(&c.before), None),
        Action::Create | Action::Read => (None, entries(&c.after)),
        _ => (entries(&c.before), entries(&c.after)),
    };
    let forces = |name: &str| {
        c.replace_paths.iter().any(|p| {
            p.0.first()
                .is_some_and(|s| matches!(s, terrane_dsl::value::PathStep::GetAttr(n) if n == name))
        })
    };
    let lines = blocks::body(
        shape,
        before.as_ref().unwrap_or(&empty),
        after.as_ref().unwrap_or(&empty),
        6,
        partial_delete || !matches!(c.action, Action::Create | Action::Delete | Action::Read),
        &forces,
    );
    if c.action == Action::Forget {
        // Nothing is destroyed: the attributes are listed as they are.
        for l in lines.lines() {
            let trimmed = l.trim_start();
            match trimmed.strip_prefix("- ") {
                Some(rest) => {
                    let lead = l.len() - trimmed.len();
                    let rest = rest.strip_suffix(" -> null").unwrap_or(rest);
                    let _ = writeln!(out, "{}  {rest}", " ".repeat(lead));
                }
                None => {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
    } else {
        out.push_str(&lines);
    }
    out.push_str("    }\n");
}

/// One line per output change, Terraform's `Changes to Outputs:` section body.
pub fn output_lines(outputs: &[&OutputChange], out: &mut String) {
    let width = outputs.iter().map(|o| o.name.len()).max().unwrap_or(0);
    for o in outputs {
        let (sym, text) = if o.sensitive {
            let sym = match o.action {
                Action::Create => Sym::Add,
                Action::Delete => Sym::Del,
                _ => Sym::Upd,
            };
            (sym, "(sensitive value)".to_string())
        } else {
            match change(o.before.as_ref(), o.after.as_ref(), 2) {
                Some(r) => (r.sym, r.text),
                None => continue,
            }
        };
        let _ = writeln!(out, "  {} {:width$} = {text}", sym.as_str(), o.name);
    }
}

/// The counts of the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub import: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    pub forget: usize,
    pub moved: usize,
}

/// Counts the plan's changes.
pub fn counts(plan: &Plan) -> Counts {
    let (add, change, destroy) = plan.counts();
    let mut c = Counts {
        add,
        change,
        destroy,
        ..Counts::default()
    };
    for rc in &plan.changes {
        if rc.importing.is_some() {
            c.import += 1;
        }
        if rc.prev_addr.is_some() {
            c.moved += 1;
        }
        if rc.action == Action::Forget {
            c.forget += 1;
        }
    }
    c
}

/// `Plan: 1 to import, 1 to add, 0 to change, 1 to destroy, 1 to move, 1 to forget.`
pub fn summary(c: Counts) -> String {
    let mut s = String::from("Plan: ");
    if c.import > 0 {
        let _ = write!(s, "{} to import, ", c.import);
    }
    let _ = write!(
        s,
        "{} to add, {} to change, {} to destroy",
        c.add, c.change, c.destroy
    );
    if c.moved > 0 {
        let _ = write!(s, ", {} to move", c.moved);
    }
    if c.forget > 0 {
        let _ = write!(s, ", {} to forget", c.forget);
    }
    s.push('.');
    s
}

/// The message of a plan without changes.
pub const NO_CHANGES: &str = "\nNo changes. Your infrastructure matches the configuration.\n\nterrane has compared your real infrastructure against your configuration and found no\ndifferences, so no changes are needed.\n";

/// The message of a destroy plan with nothing to destroy.
pub const NO_CHANGES_DESTROY: &str = "\nNo changes. No objects need to be destroyed.\n\nEither you have not created any objects yet or the existing objects were\nalready deleted outside of terrane.\n";

/// The message of a refresh-only plan that found nothing changed.
pub const NO_CHANGES_REFRESH_ONLY: &str = "\nNo changes. Your infrastructure still matches the configuration.\n\nterrane has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.\n";

/// Whether a change is shown (a no-op is shown only when it moves or imports).
pub fn is_shown(c: &ResourceChange) -> bool {
    c.action != Action::NoOp || c.prev_addr.is_some() || c.importing.is_some()
}

/// The changes in the order they are shown: destroys and replacements first, then the rest,
/// each group in address order (stable).
pub fn ordered(plan: &Plan) -> Vec<&ResourceChange> {
    let mut shown: Vec<&ResourceChange> = plan.changes.iter().filter(|c| is_shown(c)).collect();
    shown.sort_by_key(|c| !is_destructive(c));
    shown
}

fn legend(changes: &[&ResourceChange], out: &mut String) {
    let mut used: Vec<Action> = changes.iter().map(|c| c.action).collect();
    used.sort();
    used.dedup();
    let words = |a: Action| match a {
        Action::Create => Some("create"),
        Action::Update => Some("update in-place"),
        Action::Delete => Some("destroy"),
        Action::DeleteThenCreate => Some("destroy and then create replacement"),
        Action::CreateThenDelete => Some("create replacement and then destroy"),
        Action::Read => Some("read (data resources)"),
        Action::Forget => Some("forget (remove from the state, keep the object)"),
        Action::NoOp => None,
    };
    let order = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::DeleteThenCreate,
        Action::CreateThenDelete,
        Action::Read,
        Action::Forget,
    ];
    let lines: Vec<String> = order
        .iter()
        .filter(|a| used.contains(a))
        .filter_map(|a| words(*a).map(|w| format!("{} {w}", symbol(*a))))
        .collect();
    if lines.is_empty() {
        return;
    }
    out.push_str("\nterrane used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n");
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
}

/// The warning listing every destroy and replacement, before the details.
fn destructive_warning(changes: &[&ResourceChange], out: &mut String) {
    let bad: Vec<&&ResourceChange> = changes.iter().filter(|c| is_destructive(c)).collect();
    if bad.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nWarning: this plan destroys {} object{}:",
        bad.len(),
        if bad.len() == 1 { "" } else { "s" }
    );
    for c in bad {
        let what = if c.action.is_replace() {
            "replaced"
        } else {
            "destroyed"
        };
        let _ = writeln!(out, "{} {} ({what})", symbol(c.action), shown_addr(c));
    }
}

/// The whole plan as text.
pub fn render_plan(plan: &Plan, opts: Options) -> String {
    let changes = ordered(plan);
    let outputs: Vec<&OutputChange> = plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    let empty = changes.is_empty() && outputs.is_empty() && plan.deferred.is_empty();
    let mut out = String::new();
    // As Terraform: drift is shown when the plan has changes, or in a refresh-only plan.
    let drifted = (!empty || plan.refresh_only) && drift::section(plan, &mut out);
    if empty {
        if plan.destroy {
            out.push_str(NO_CHANGES_DESTROY);
        } else if !plan.refresh_only {
            out.push_str(NO_CHANGES);
        } else if !drifted {
            out.push_str(NO_CHANGES_REFRESH_ONLY);
        }
        return if opts.color {
            style::colorize(&out)
        } else {
            out
        };
    }
    if drifted {
        out.push_str(drift::RULE);
        out.push('\n');
    }
    if !changes.is_empty() {
        legend(&changes, &mut out);
        destructive_warning(&changes, &mut out);
        out.push_str("\nterrane will perform the following actions:\n\n");
        for c in &changes {
            planned_block(plan, c, &mut out);
            out.push('\n');
        }
    }
    if !plan.deferred.is_empty() {
        out.push_str("Deferred until a later plan (their count or for_each is not known yet):\n");
        for d in &plan.deferred {
            let _ = writeln!(out, "  # {} ({})", d.address, d.reason);
        }
        out.push('\n');
    }
    if !changes.is_empty() || !plan.deferred.is_empty() {
        out.push_str(&summary(counts(plan)));
        out.push('\n');
    }
    if !outputs.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        output_lines(&outputs, &mut out);
        if changes.is_empty() {
            out.push_str("\nYou can apply this plan to save these new output values to the terrane state,\nwithout changing any real infrastructure.\n");
        }
    }
    if opts.color {
        style::colorize(&out)
    } else {
        out
    }
}
