//! The human rendering of a state (`terrane show` without a plan file): each object as a
//! resource block with its attributes, sensitive ones hidden, then the root outputs.

use std::fmt::Write as _;

use terrane_dsl::value::{Attrs, Mark, PathMarks};
use terrane_state::{Mode, Snapshot};

use super::diff::attribute_lines;

/// The state as text.
pub fn render(snapshot: &Snapshot) -> String {
    if snapshot.resources.is_empty() && snapshot.outputs.is_empty() {
        return "No state.\n".into();
    }
    let mut out = String::new();
    let empty = Attrs::new();
    for r in &snapshot.resources {
        let marks: Vec<PathMarks> = r
            .sensitive_paths
            .iter()
            .map(|p| PathMarks {
                path: p.clone(),
                marks: [Mark::Sensitive].into_iter().collect(),
            })
            .collect();
        let attrs = r.attributes.clone().mark_with_paths(&marks);
        let entries = attrs.entries().unwrap_or(&empty);
        let mode = if r.mode == Mode::Data {
            "data"
        } else {
            "resource"
        };
        match &r.deposed {
            Some(d) => {
                let _ = writeln!(out, "# {}: (deposed object {d})", r.address);
            }
            None => {
                let _ = writeln!(out, "# {}:", r.address);
            }
        }
        let _ = writeln!(out, "{mode} \"{}\" \"{}\" {{", r.type_name, r.name);
        let (lines, _) = attribute_lines(entries, entries, 2, false, false, &|_| false);
        out.push_str(&lines);
        out.push_str("}\n\n");
    }
    if !snapshot.outputs.is_empty() {
        out.push_str("\nOutputs:\n\n");
        out.push_str(&crate::render::outputs::human(&snapshot.outputs));
        out.push('\n');
    }
    out
}
