//! `terrane validate`: checks the configuration in the working directory (syntax only, for
//! now). Arguments -> settings -> load and parse every file -> one view per output mode.

use super::Global;
use crate::render::diagnostics::{self, Entry, SourceFile};
use std::io::Write;
use std::path::Path;
use terrane_dsl::line_index::LineIndex;
use terrane_dsl::syntax::ast::Body;
use terrane_dsl::syntax::Span;
use terrane_dsl::Diagnostic;

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Print Terraform's `validate -json` document instead of the human report.
    #[arg(long)]
    pub json: bool,
}

/// What the command was asked to do, resolved from the arguments.
struct Settings {
    json: bool,
    color: bool,
}

/// One configuration file, read and parsed.
struct Checked {
    file: SourceFile,
    diagnostics: Vec<Diagnostic>,
    /// The header of each top-level block and its span, for diagnostics' context.
    blocks: Vec<(Span, String)>,
}

pub fn run(args: ValidateArgs, global: &Global) -> i32 {
    let settings = Settings {
        json: args.json,
        color: global.color,
    };
    let checked = match check_directory(Path::new(".")) {
        Ok(checked) => checked,
        Err(err) => {
            eprintln!("Error: cannot read the configuration directory: {err}");
            return 1;
        }
    };
    let mut entries = Vec::new();
    for c in &checked {
        for diag in &c.diagnostics {
            let context = c
                .blocks
                .iter()
                .find(|(span, _)| span.start <= diag.span.start && diag.span.start < span.end)
                .map(|(_, header)| header.as_str());
            entries.push(Entry {
                file: &c.file,
                diag,
                context,
            });
        }
    }
    let has_errors = entries.iter().any(|e| e.diag.is_error());
    if settings.json {
        json_view(&entries);
    } else {
        human_view(&entries, settings.color, has_errors);
    }
    i32::from(has_errors)
}

fn json_view(entries: &[Entry<'_>]) {
    let doc = diagnostics::json_document(entries);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(doc.as_bytes());
}

fn human_view(entries: &[Entry<'_>], color: bool, has_errors: bool) {
    let mut err = std::io::stderr().lock();
    let mut index: Option<(&str, LineIndex)> = None;
    for entry in entries {
        let name = entry.file.name.as_str();
        if index.as_ref().is_none_or(|(n, _)| *n != name) {
            index = Some((name, LineIndex::new(&entry.file.text)));
        }
        if let Some((_, index)) = &index {
            let text = diagnostics::human_indexed(entry.diag, entry.file, index, color);
            let _ = writeln!(err, "{text}");
        }
    }
    if !has_errors {
        let mut out = std::io::stdout().lock();
        let _ = if color {
            writeln!(
                out,
                "\x1b[32m\x1b[1mSuccess!\x1b[0m The configuration is valid.\n"
            )
        } else {
            // Terraform ends the message with an empty line.
            writeln!(out, "Success! The configuration is valid.\n")
        };
    }
}

/// Reads and parses every `*.tn` and `*.tf` file of `dir` (not its subdirectories), sorted by
/// name.
fn check_directory(dir: &Path) -> std::io::Result<Vec<Checked>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_config = name.ends_with(".tn") || name.ends_with(".tf");
        if is_config && !name.starts_with('.') && entry.path().is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names
        .into_iter()
        .map(|name| check_file(&dir.join(&name), name))
        .collect())
}

fn check_file(path: &Path, name: String) -> Checked {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            return Checked {
                file: SourceFile {
                    name,
                    text: String::new(),
                },
                diagnostics: vec![Diagnostic::error(
                    "Failed to read file",
                    format!("The configuration file could not be read: {err}."),
                    Span::empty(0),
                )],
                blocks: Vec::new(),
            }
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let parsed = terrane_dsl::syntax::parse(&text);
            let blocks = block_headers(&parsed.body);
            Checked {
                file: SourceFile { name, text },
                diagnostics: parsed.diagnostics,
                blocks,
            }
        }
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            // The lossy text has the same bytes up to the first invalid sequence.
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            Checked {
                file: SourceFile { name, text },
                diagnostics: vec![Diagnostic::error(
                    "Invalid character encoding",
                    "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.",
                    Span::new(at, end),
                )
                .with_label("not valid UTF-8")
                .with_help("save the file as UTF-8")],
                blocks: Vec::new(),
            }
        }
    }
}

/// `type "label" "label"` for every top-level block, with the block's span.
fn block_headers(body: &Body) -> Vec<(Span, String)> {
    body.blocks()
        .map(|block| {
            let mut header = block.ident.name.clone();
            for label in &block.labels {
                header.push_str(&format!(" {:?}", label.value));
            }
            let span = Span::new(block.span.start, block.span.end.max(block.span.start + 1));
            (span, header)
        })
        .collect()
}
