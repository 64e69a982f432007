//! Diagnostics: what went wrong, where (a byte span), and a hint, as plain data that the CLI
//! renders (with miette for people, as JSON for tools).

use crate::syntax::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a source file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{summary}")]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short title, Terraform's words where Terraform has them ("Unclosed configuration block").
    pub summary: String,
    /// A sentence or two saying what is wrong, in words a person understands.
    pub detail: String,
    /// The bytes the problem is about.
    pub span: Span,
    /// What the label under the span says (for example "expected `=` or `{`").
    pub label: Option<String>,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            span,
            label: None,
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
