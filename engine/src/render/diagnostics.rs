//! Diagnostics for people (miette, with the span underlined) and for tools (Terraform's
//! `validate -json` document).

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use terrane_dsl::{Diagnostic, Severity};

/// A source file as the renderers need it: its name as shown to the user and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

#[derive(Debug)]
struct Report<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<String>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diag.summary)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        let detail = self.diag.detail.as_str();
        match (&self.diag.help, detail.is_empty()) {
            (Some(help), _) => Some(Box::new(help)),
            (None, _) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diag.span;
        let label = self
            .diag
            .label
            .clone()
            .or_else(|| (!self.diag.detail.is_empty()).then(|| self.diag.detail.clone()));
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label,
            span.start,
            span.len(),
        ))))
    }
}

/// Renders one diagnostic about `file` for a person.
pub fn human(diag: &Diagnostic, file: &SourceFile, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme);
    let report = Report {
        diag,
        source: NamedSource::new(file.name.clone(), file.text.clone()),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", file.name, diag.summary);
    }
    out
}
