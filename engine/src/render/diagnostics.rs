//! Diagnostics for people (miette, with the span underlined) and for tools (Terraform's
//! `validate -json` document).

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;
use terrane_dsl::line_index::{LineIndex, Position};
use terrane_dsl::{Diagnostic, Severity};

pub use crate::source::SourceFile;

/// One diagnostic to render, with the file it is about and, when known, the header of the
/// top-level block it is in (`resource "aws_instance" "web"`), which Terraform shows as context.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub file: &'a SourceFile,
    pub diag: &'a Diagnostic,
    pub context: Option<&'a str>,
}

#[derive(Debug)]
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Named<'a>,
}

/// A file's text and name for miette, borrowed, with its line index: miette's own lookup scans
/// the text from the start for every diagnostic, which is quadratic for files with many errors.
#[derive(Debug)]
struct Named<'a> {
    name: &'a str,
    text: &'a str,
    index: &'a LineIndex,
}

impl miette::SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let text = self.text;
        let start = span.offset().min(text.len());
        let end = (start + span.len()).min(text.len());
        let first = self.index.position(text, start).line;
        let last = self.index.position(text, end).line;
        let window_first = first.saturating_sub(context_lines_before).max(1);
        let window_last = (last + context_lines_after).min(self.index.line_count());
        let window_start = self.index.line_start(window_first);
        let window_end = self.index.line_start(window_last + 1).max(window_start);
        let window = text.get(window_start..window_end).unwrap_or("");
        let local = miette::SourceSpan::new((start - window_start).into(), end - start);
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let inner_span = *inner.span();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            miette::SourceSpan::new(
                (inner_span.offset() + window_start).into(),
                inner_span.len(),
            ),
            inner.line() + window_first - 1,
            inner.column(),
            inner.line_count(),
        )))
    }
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

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diag.span;
        let label = self.diag.label.clone();
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label,
            span.start,
            span.len(),
        ))))
    }
}

/// The width human output is wrapped to.
const WIDTH: usize = 100;

/// Splits `text` into lines of at most `width` characters at spaces (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Renders one diagnostic for a person: the summary, `file:line:col` with the source line and
/// the span underlined and labelled (by miette), then the detail and the help.
pub fn human(diag: &Diagnostic, file: &SourceFile, color: bool) -> String {
    human_indexed(diag, file, &LineIndex::new(&file.text), color)
}

/// [`human`] with the file's line index built once by the caller (for many diagnostics).
pub fn human_indexed(
    diag: &Diagnostic,
    file: &SourceFile,
    index: &LineIndex,
    color: bool,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(WIDTH);
    let report = Report {
        diag,
        source: Named {
            name: &file.name,
            text: &file.text,
            index,
        },
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        let pos = index.position(&file.text, diag.span.start);
        out = format!(
            "Error: {}\n  at {}:{}:{}\n",
            diag.summary, file.name, pos.line, pos.column
        );
    }
    for line in diag.detail.lines() {
        if line.is_empty() {
            out.push('\n');
        }
        for wrapped in wrap(line, WIDTH - 2) {
            out.push_str("  ");
            out.push_str(&wrapped);
            out.push('\n');
        }
    }
    if let Some(help) = &diag.help {
        out.push_str("  help: ");
        out.push_str(help);
        out.push('\n');
    }
    out
}

/// Terraform's `validate -json` document.
#[derive(Serialize)]
struct Document<'a> {
    format_version: &'static str,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    summary: &'a str,
    detail: &'a str,
    range: JsonRange<'a>,
    snippet: Snippet<'a>,
}

#[derive(Serialize)]
struct JsonRange<'a> {
    filename: &'a str,
    start: JsonPos,
    end: JsonPos,
}

#[derive(Serialize)]
struct JsonPos {
    line: usize,
    column: usize,
    byte: usize,
}

impl From<Position> for JsonPos {
    fn from(p: Position) -> JsonPos {
        JsonPos {
            line: p.line,
            column: p.column,
            byte: p.byte,
        }
    }
}

#[derive(Serialize)]
struct Snippet<'a> {
    context: Option<&'a str>,
    code: &'a str,
    start_line: usize,
    highlight_start_offset: usize,
    highlight_end_offset: usize,
    values: [(); 0],
}

/// Renders every diagnostic as Terraform's `validate -json` document (pretty-printed, as
/// Terraform prints it), followed by a newline.
pub fn json_document(entries: &[Entry<'_>]) -> String {
    let error_count = entries.iter().filter(|e| e.diag.is_error()).count();
    let warning_count = entries.len() - error_count;
    let mut indexes: Vec<(&str, LineIndex)> = Vec::new();
    let mut diagnostics = Vec::with_capacity(entries.len());
    for entry in entries {
        let text = entry.file.text.as_str();
        let index = match indexes
            .iter()
            .position(|(name, _)| *name == entry.file.name)
        {
            Some(i) => &indexes[i].1,
            None => {
                indexes.push((entry.file.name.as_str(), LineIndex::new(text)));
                &indexes[indexes.len() - 1].1
            }
        };
        let span = entry.diag.span;
        let start = index.position(text, span.start);
        let end = index.position(text, span.end.max(span.start));
        let first = index.line_range(text, start.line);
        let last = index.line_range(text, end.line);
        let code_end = last.end.max(first.start);
        let code = &text[first.start..code_end];
        let clamp = |offset: usize| offset.saturating_sub(first.start).min(code.len());
        diagnostics.push(JsonDiagnostic {
            severity: match entry.diag.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            summary: &entry.diag.summary,
            detail: &entry.diag.detail,
            range: JsonRange {
                filename: &entry.file.name,
                start: start.into(),
                end: end.into(),
            },
            snippet: Snippet {
                context: entry.context,
                code,
                start_line: start.line,
                highlight_start_offset: clamp(start.byte),
                highlight_end_offset: clamp(end.byte),
                values: [],
            },
        });
    }
    let doc = Document {
        format_version: "1.0",
        valid: error_count == 0,
        error_count,
        warning_count,
        diagnostics,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|err| {
        format!("{{\"format_version\":\"1.0\",\"valid\":false,\"error\":\"{err}\"}}")
    });
    out.push('\n');
    out
}
