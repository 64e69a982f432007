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
        let key = (
            d.file,
            d.diag.span,
            d.diag.summary.clone(),
            d.diag.detail.clone(),
        );
        if !seen.insert(key) {
            continue;
        }
        let text = match d.file {
            Some(f) => diagnostics::human(&d.diag, sources.get(f), color),
            None => {
                let kind = if d.diag.is_error() {
                    "Error"
                } else {
                    "Warning"
                };
                format!(
                    "{kind}: {}\n\n  {}\n",
                    d.diag.summary,
                    d.diag.detail.replace('\n', "\n  ")
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
    let entries: Vec<Entry<'_>> = diags
        .0
        .iter()
        .map(|d| Entry {
            file: d.file.map_or(&none, |f| sources.get(f)),
            diag: &d.diag,
            context: None,
        })
        .collect();
    diagnostics::json_document(&entries)
}
