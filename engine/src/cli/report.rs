//! Printing a run's diagnostics: for people on standard error (miette, span underlined), or as
//! Terraform's `validate -json` document.

use std::io::Write;

use crate::render::diagnostics::{self, Entry, SourceFile};
use crate::source::{Diags, Sources};

/// Stands in for the file of a diagnostic about no file.
fn no_file() -> SourceFile {
    SourceFile {
        name: String::new(),
        text: String::new(),
    }
}

/// Prints every diagnostic for people, each once, errors and warnings in the order found.
pub fn human(sources: &Sources, diags: &Diags, color: bool) {
    let none = no_file();
    let mut err = std::io::stderr().lock();
    let mut seen = std::collections::HashSet::new();
    for d in &diags.0 {
        let shown = d.shown(sources);
        let key = (
            d.file,
            shown.span,
            shown.summary.clone(),
            shown.detail.clone(),
        );
        if !seen.insert(key) {
            continue;
        }
        let text = match d.file {
            Some(f) => diagnostics::human(&shown, sources.get(f), color),
            None => {
                let kind = if shown.is_error() { "Error" } else { "Warning" };
                format!(
                    "{kind}: {}\n\n  {}\n",
                    shown.summary,
                    shown.detail.replace('\n', "\n  ")
                )
            }
        };
        let _ = writeln!(err, "{text}");
    }
    let _ = none;
}

/// Terraform's `validate -json` document for `diags`.
pub fn json(sources: &Sources, diags: &Diags) -> String {
    let none = no_file();
    let shown: Vec<terrane_dsl::Diagnostic> = diags.0.iter().map(|d| d.shown(sources)).collect();
    let entries: Vec<Entry<'_>> = diags
        .0
        .iter()
        .zip(&shown)
        .map(|(d, diag)| Entry {
            file: d.file.map_or(&none, |f| sources.get(f)),
            diag,
            context: None,
        })
        .collect();
    diagnostics::json_document(&entries)
}

/// Terraform's `-compact-warnings` text when every diagnostic is a warning: each summary once,
/// with where it was found (warnings with the same summary grouped, except failed `check`
/// assertions, which Terraform never groups). `None` when there is an error (then every
/// diagnostic is shown in full) or nothing to show.
pub fn compact_warnings(sources: &Sources, diags: &Diags) -> Option<String> {
    if diags.0.is_empty() || diags.has_errors() {
        return None;
    }
    // (summary, places "file line N")
    let mut groups: Vec<(String, Vec<Option<String>>)> = Vec::new();
    for d in &diags.0 {
        let place = d.file.map(|f| {
            let file = sources.get(f);
            let line = terrane_dsl::line_index::LineIndex::new(&file.text)
                .position(&file.text, d.diag.span.start)
                .line;
            format!("{} line {line}", file.name)
        });
        let groupable = place.is_some() && d.diag.summary != "Check block assertion failed";
        match groups
            .iter_mut()
            .find(|(s, p)| groupable && s == &d.diag.summary && p[0].is_some())
        {
            Some((_, places)) => places.push(place),
            None => groups.push((d.diag.summary.clone(), vec![place])),
        }
    }
    let mut out = String::from("\nWarnings:\n\n");
    for (summary, places) in groups {
        out.push_str(&format!("- {summary}\n"));
        match (&places[0], places.len()) {
            (Some(p), 1) => out.push_str(&format!("  on {p}\n")),
            (Some(p), n) => out.push_str(&format!("  on {p} (and {} more)\n", n - 1)),
            (None, n) if n > 1 => out.push_str(&format!("  ({n} occurences of this warning)\n")),
            _ => {}
        }
    }
    out.push_str("\nTo see the full warning notes, run terrane without -compact-warnings.\n");
    Some(out)
}
