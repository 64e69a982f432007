//! The Markdown rendering of a plan, for pull requests: the summary line, destroys and
//! replacements flagged at the top, a table of the actions by module, then each resource in a
//! collapsible `<details>` block with its diff in a fenced `diff` block (the human rendering,
//! symbols moved to the first column so that GitHub colours them). Sensitive values are hidden
//! as in the terminal. The whole stays under GitHub's 65,536-character comment limit: diffs
//! that do not fit are left out, with a note saying which.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::human::{self, counts, is_destructive, ordered, summary};
use crate::plan::model::{Action, OutputChange, Plan, ResourceChange};

/// GitHub's limit on the length of a comment.
pub const LIMIT: usize = 65_536;

/// The most the drift section takes before it only names the rest.
const DRIFT_BUDGET: usize = LIMIT / 4;

/// Room kept for the closing note.
const NOTE_ROOM: usize = 1_024;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A human-rendered block as a `diff` block body: `+`/`-` at column 0, `~` as `!`.
fn diff_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for l in text.lines() {
        if l.trim().is_empty() {
            out.push('\n');
            continue;
        }
        let trimmed = l.trim_start();
        let lead = l.len() - trimmed.len();
        let (sym, rest) = match trimmed.split_once(' ') {
            Some(("+", r)) => ("+", r),
            Some(("-", r)) => ("-", r),
            Some(("~", r)) => ("!", r),
            Some(("-/+", r)) | Some(("+/-", r)) => ("!", r),
            Some(("<=", r)) => ("!", r),
            _ => (" ", trimmed),
        };
        let _ = writeln!(out, "{sym}{}{rest}", " ".repeat(lead + 1));
    }
    out
}

/// The label of an action in the table and the summaries.
fn verb(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "destroy",
        Action::Read => "read",
        Action::Forget => "forget",
        Action::NoOp => "no-op",
    }
}

const COLUMNS: [&str; 6] = ["create", "update", "replace", "destroy", "read", "forget"];

fn module_table(changes: &[&ResourceChange], out: &mut String) {
    let mut rows: BTreeMap<String, [usize; 6]> = BTreeMap::new();
    for c in changes {
        let module = if c.addr.module.is_root() {
            "(root)".to_string()
        } else {
            c.addr.module.to_string()
        };
        let row = rows.entry(module).or_default();
        if let Some(i) = COLUMNS.iter().position(|v| *v == verb(c.action)) {
            row[i] += 1;
        }
    }
    out.push_str("| Module | Create | Update | Replace | Destroy | Read | Forget |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for (module, row) in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|n| if *n == 0 { "·".into() } else { n.to_string() })
            .collect();
        let _ = writeln!(out, "| `{module}` | {} |", cells.join(" | "));
    }
}

/// The headline without the address (the summary names it already).
fn headline_text(plan: &Plan, c: &ResourceChange) -> String {
    let addr = format!("{} ", c.addr);
    human::planned_headline(plan, c)
        .iter()
        .map(|l| {
            let l = l.trim_start().trim_start_matches("# ");
            l.strip_prefix(&addr).unwrap_or(l).to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn details(plan: &Plan, c: &ResourceChange) -> String {
    let mut block = String::new();
    human::planned_block(plan, c, &mut block);
    let icon = if is_destructive(c) { "⚠️ " } else { "" };
    format!(
        "<details><summary>{icon}<code>{} {}</code>: {}</summary>\n\n```diff\n{}```\n\n</details>\n",
        human::symbol(c.action).trim(),
        escape(&c.addr.to_string()),
        escape(&headline_text(plan, c)),
        diff_lines(&block)
    )
}

/// The drift worth showing, each object in a `<details>` block under a note.
fn drift_section(plan: &Plan) -> String {
    let drift = human::drift::shown(plan);
    if drift.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "> [!NOTE]\n> {} object{} changed outside terrane since the last apply{}.\n\n",
        drift.len(),
        if drift.len() == 1 { "" } else { "s" },
        if plan.refresh_only {
            ": applying this refresh-only plan records them in the state, changing no real infrastructure"
        } else {
            ": the planned changes may undo or respond to them"
        }
    );
    for (i, d) in drift.iter().enumerate() {
        if out.len() > DRIFT_BUDGET {
            // Drift must not crowd out the planned changes: the rest are only named.
            let mut rest: Vec<String> = drift[i..]
                .iter()
                .take(50)
                .map(|d| format!("`{}`", escape(&d.addr.to_string())))
                .collect();
            if drift.len() - i > 50 {
                rest.push("…".into());
            }
            let _ = writeln!(
                out,
                "\n> {} more changed outside terrane: {}.",
                drift.len() - i,
                rest.join(", ")
            );
            break;
        }
        let mut block = String::new();
        human::resource_block_with(d, Vec::new(), plan.shape_of(d), &mut block);
        let what = match (d.action, &d.prev_addr) {
            (Action::NoOp, Some(p)) => {
                format!("moved from <code>{}</code>", escape(&p.to_string()))
            }
            (Action::Delete, _) => "has been deleted outside terrane".to_string(),
            _ => "has changed outside terrane".to_string(),
        };
        let _ = write!(
            out,
            "<details><summary>🔀 <code>{}</code>: {what}</summary>\n\n```diff\n{}```\n\n</details>\n",
            escape(&d.addr.to_string()),
            diff_lines(&block)
        );
    }
    out.push('\n');
    out
}

fn outputs_section(outputs: &[&OutputChange]) -> String {
    let mut text = String::new();
    human::output_lines(outputs, &mut text);
    format!(
        "<details><summary>Changes to outputs ({})</summary>\n\n```diff\n{}```\n\n</details>\n",
        outputs.len(),
        diff_lines(&text)
    )
}

/// The plan as Markdown, at most [`LIMIT`] characters.
pub fn render(plan: &Plan) -> String {
    let changes = ordered(plan);
    let outputs: Vec<&OutputChange> = plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    let mut out = String::new();
    let empty = changes.is_empty() && outputs.is_empty() && plan.deferred.is_empty();
    let drift = if empty && !plan.refresh_only {
        String::new()
    } else {
        drift_section(plan)
    };
    if empty && drift.is_empty() {
        out.push_str(if plan.refresh_only {
            "### terrane refresh-only plan: no changes\n\nYour infrastructure still matches the configuration.\n"
        } else {
            "### terrane plan: no changes\n\nYour infrastructure matches the configuration.\n"
        });
        return out;
    }
    if plan.refresh_only {
        out.push_str(
            "### terrane refresh-only plan: the state is updated, no infrastructure changes\n\n",
        );
    } else {
        let _ = writeln!(
            out,
            "### terrane plan: {}\n",
            summary(counts(plan)).trim_start_matches("Plan: ")
        );
    }
    out.push_str(&drift);
    let bad: Vec<&&ResourceChange> = changes.iter().filter(|c| is_destructive(c)).collect();
    if !bad.is_empty() {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> This plan destroys {} object{}:",
            bad.len(),
            if bad.len() == 1 { "" } else { "s" }
        );
        for c in &bad {
            let _ = writeln!(out, "> - `{}`: {}", c.addr, escape(&headline_text(plan, c)));
        }
        out.push('\n');
    }
    if !changes.is_empty() {
        module_table(&changes, &mut out);
        out.push('\n');
    }
    if !plan.deferred.is_empty() {
        out.push_str("**Deferred** (count or for_each not known yet):\n\n");
        for d in &plan.deferred {
            let _ = writeln!(out, "- `{}`: {}", d.address, escape(&d.reason));
        }
        out.push('\n');
    }
    let budget = LIMIT - NOTE_ROOM;
    let mut left_out: Vec<String> = Vec::new();
    for c in &changes {
        let d = details(plan, c);
        if left_out.is_empty() && out.len() + d.len() <= budget {
            out.push_str(&d);
        } else {
            left_out.push(c.addr.to_string());
        }
    }
    if !outputs.is_empty() {
        let o = outputs_section(&outputs);
        if left_out.is_empty() && out.len() + o.len() <= budget {
            out.push_str(&o);
        } else {
            left_out.push("the changes to outputs".into());
        }
    }
    if !left_out.is_empty() {
        let mut note = format!(
            "\n> [!NOTE]\n> {} diff{} left out to stay under GitHub's 65,536-character limit",
            left_out.len(),
            if left_out.len() == 1 { "" } else { "s" }
        );
        let mut names = String::new();
        for n in &left_out {
            if note.len() + names.len() + n.len() + 40 > NOTE_ROOM {
                names.push_str(", …");
                break;
            }
            if !names.is_empty() {
                names.push_str(", ");
            }
            let _ = write!(names, "`{n}`");
        }
        let _ = writeln!(
            note,
            " ({names}); run `terrane show PLANFILE` for the whole plan."
        );
        out.push_str(&note);
    }
    out
}
