//! `terrane validate`: checks the configuration in the working directory (syntax,
//! declarations, references, cycles, types, provider schemas) without variables' values or
//! state. Arguments -> settings -> load and check -> one view per output mode.

use super::Global;
use crate::render::diagnostics::{self, Entry, SourceFile};
use std::io::Write;
use std::path::Path;
use terrane_dsl::line_index::LineIndex;
use terrane_dsl::syntax::ast::Body;
use terrane_dsl::syntax::Span;

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

pub fn run(args: ValidateArgs, global: &Global) -> i32 {
    let settings = Settings {
        json: args.json,
        color: global.color,
    };
    let dir = Path::new(".");
    if let Err(err) = std::fs::read_dir(dir) {
        eprintln!("Error: cannot read the configuration directory: {err}");
        return 1;
    }
    let (sources, mut diags) = check(dir);
    diags.name_rules(&sources);
    let files: Vec<SourceFile> = (0..)
        .map_while(|i| sources.try_get(crate::source::FileId(i)).cloned())
        .collect();
    let none = SourceFile {
        name: String::new(),
        text: String::new(),
    };
    let headers: Vec<Vec<(Span, String)>> = files
        .iter()
        .map(|f| block_headers(&terrane_dsl::syntax::parse(&f.text).body))
        .collect();
    let mut entries = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in &diags.0 {
        if !seen.insert((
            d.file,
            d.diag.span,
            d.diag.summary.clone(),
            d.diag.detail.clone(),
        )) {
            continue;
        }
        let (file, context) = match d.file {
            Some(id) => {
                let i = id.0 as usize;
                let context = headers[i]
                    .iter()
                    .find(|(span, _)| {
                        span.start <= d.diag.span.start && d.diag.span.start < span.end
                    })
                    .map(|(_, header)| header.as_str());
                (&files[i], context)
            }
            None => (&none, None),
        };
        entries.push(Entry {
            file,
            diag: &d.diag,
            context,
        });
    }
    let has_errors = entries.iter().any(|e| e.diag.is_error());
    if settings.json {
        json_view(&entries);
    } else {
        human_view(&entries, settings.color, has_errors);
    }
    i32::from(has_errors)
}

/// Loads and checks the configuration in `dir`: syntax, declarations, references, cycles, and
/// an evaluation with unknown variables (types, functions, provider schemas).
fn check(dir: &Path) -> (crate::source::Sources, crate::source::Diags) {
    let (session, sources, mut diags) = crate::session::Session::load(dir, &[], false);
    let Some(session) = session else {
        return (sources, diags);
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let prior = terrane_state::Snapshot::empty("");
    let input = crate::walk::WalkInput {
        config: &session.config,
        graph: &session.graph,
        inputs: &session.inputs,
        run: crate::walk::scope::RunInfo {
            root_dir: cwd.clone(),
            cwd: cwd.clone(),
            workspace: session.workspace.clone(),
        },
        evaluator: crate::walk::eval::Evaluator::new(None),
        prior: &prior,
        plan: None,
        options: crate::walk::WalkOptions {
            phase: crate::walk::Phase::Validate,
            refresh: false,
            parallelism: 10,
            replace: Vec::new(),
            targets: Vec::new(),
            refresh_only: false,
            destroy: false,
        },
        host: crate::session::EngineHost::shared(&cwd),
        events: None,
    };
    let out = crate::walk::walk(&input, None);
    diags.append(out.diags);
    (sources, diags)
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
