//! `terrane fmt`: rewrites configuration files in the canonical format, with Terraform's flags,
//! output and exit codes (0 done, 2 errors such as syntax errors, 3 `-check` found files to
//! format).

use super::fmt_files::{
    display_path, display_path_from, is_formattable, is_ignored, write_atomically,
};
use super::Global;
use crate::render::diagnostics::{human, SourceFile};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// List the files whose formatting differs (`-list=false` to not).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_value_t = true, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub list: bool,
    /// Write the result to the source files (`-write=false` to not).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_value_t = true, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub write: bool,
    /// Print the differences.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_value_t = false, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub diff: bool,
    /// Check whether the files are formatted: exit 0 if they are, 3 if not. Writes nothing.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_value_t = false, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub check: bool,
    /// Also format the files in subdirectories.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_value_t = false, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub recursive: bool,
    /// Files or directories to format (default: the current directory); `-` reads standard
    /// input and writes standard output.
    pub targets: Vec<PathBuf>,
}

/// What to do with each file, after Terraform's adjustments of the flags.
#[derive(Clone, Copy)]
struct Mode {
    list: bool,
    write: bool,
    diff: bool,
    recursive: bool,
    color: bool,
}

/// What formatting one file produced: the chunks for standard output and the errors.
#[derive(Default)]
struct Outcome {
    out: Vec<u8>,
    errors: Vec<String>,
}

impl Outcome {
    /// One write to the output, as Terraform's UI writer does it: a final newline is dropped
    /// and one newline added.
    fn emit(&mut self, chunk: &[u8]) {
        let chunk = chunk.strip_suffix(b"\n").unwrap_or(chunk);
        self.out.extend_from_slice(chunk);
        self.out.push(b'\n');
    }

    fn absorb(&mut self, other: Outcome) {
        self.out.extend(other.out);
        self.errors.extend(other.errors);
    }
}

pub fn run(args: FmtArgs, global: &Global) -> i32 {
    let stdin = args.targets.first().is_some_and(|t| t.as_os_str() == "-");
    let mut mode = Mode {
        list: args.list,
        write: args.write,
        diff: args.diff,
        recursive: args.recursive,
        color: global.color,
    };
    if stdin {
        mode.list = false;
        mode.write = false;
    }
    if args.check {
        mode.list = true;
        mode.write = false;
    }
    let mut total = Outcome::default();
    if stdin {
        let mut src = Vec::new();
        match std::io::stdin().read_to_end(&mut src) {
            Ok(_) => total.absorb(format_file(mode, "<stdin>", None, src)),
            Err(_) => total
                .errors
                .push("Error: Failed to read <stdin>\n".to_string()),
        }
    } else {
        let mut files = Vec::new();
        if args.targets.is_empty() {
            collect_target(mode, Path::new("."), &mut files, &mut total.errors);
        } else {
            for target in &args.targets {
                if !collect_target(mode, target, &mut files, &mut total.errors) {
                    break;
                }
            }
        }
        for outcome in format_files(mode, &files) {
            total.absorb(outcome);
        }
    }

    let had_errors = !total.errors.is_empty();
    let changed = !total.out.is_empty();
    if !args.check || args.list {
        print_chunk(&total.out);
    }
    for error in &total.errors {
        eprint!("{error}");
    }
    if had_errors {
        2
    } else if args.check && changed {
        3
    } else {
        0
    }
}

/// Writes what the run produced (already shaped by [`Outcome::emit`]) to standard output.
fn print_chunk(out: &[u8]) {
    if out.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out);
    let _ = stdout.flush();
}

/// Adds a file or a directory target's files to `files`, in Terraform's order. False when the
/// target does not exist (Terraform stops there).
fn collect_target(
    mode: Mode,
    path: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<String>,
) -> bool {
    let shown = display_path(path);
    let Ok(meta) = std::fs::metadata(path) else {
        errors.push(format!("Error: No file or directory at {shown}\n"));
        return false;
    };
    if meta.is_dir() {
        collect_dir(mode, path, files, errors);
    } else if is_formattable(path) {
        files.push(path.to_path_buf());
    } else {
        errors.push(
            "Error: Only .tn, .tnvars, .tf, .tfvars, and .tftest.hcl files can be processed \
             with terrane fmt\n"
                .to_string(),
        );
    }
    true
}

fn collect_dir(mode: Mode, dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(_) => {
            let shown = display_path(dir);
            errors.push(format!("Error: Cannot read directory {shown}\n"));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if is_ignored(&name.to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            if mode.recursive {
                collect_dir(mode, &path, files, errors);
            }
            continue;
        }
        if is_formattable(&path) {
            files.push(path);
        }
    }
}

/// Formats `files` on every core; the outcomes come back in the files' order, so the output
/// is the same as one file after the other.
fn format_files(mode: Mode, files: &[PathBuf]) -> Vec<Outcome> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.as_deref();
    let mut results: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else {
                            return done;
                        };
                        done.push((i, format_path(mode, path, cwd)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                // A worker that panicked lost its files: say so rather than exit 0.
                h.join().unwrap_or_else(|_| {
                    vec![(
                        usize::MAX,
                        Outcome {
                            out: Vec::new(),
                            errors: vec!["Error: internal error while formatting\n".into()],
                        },
                    )]
                })
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, outcome)| outcome).collect()
}

fn format_path(mode: Mode, path: &Path, cwd: Option<&Path>) -> Outcome {
    let shown = display_path_from(path, cwd);
    match std::fs::read(path) {
        Ok(src) => format_file(mode, &shown, Some(path), src),
        Err(_) => Outcome {
            out: Vec::new(),
            errors: vec![format!("Error: Failed to read file {shown}\n")],
        },
    }
}

/// Formats one file's contents; `path` is where to write it back (none for stdin).
fn format_file(mode: Mode, shown: &str, path: Option<&Path>, src: Vec<u8>) -> Outcome {
    let mut outcome = Outcome::default();
    let text = match String::from_utf8(src) {
        Ok(text) => text,
        Err(_) => {
            outcome.errors.push(format!(
                "Error: Invalid character encoding\n\n  {shown} is not valid UTF-8.\n"
            ));
            return outcome;
        }
    };
    let result = match terrane_dsl::format::format(&text) {
        Ok(result) => result,
        Err(diags) => {
            let file = SourceFile {
                name: shown.to_string(),
                text: text.clone(),
            };
            for diag in diags {
                outcome.errors.push(human(&diag, &file, mode.color));
            }
            return outcome;
        }
    };
    if result != text {
        if mode.list {
            outcome.emit(format!("{shown}\n").as_bytes());
        }
        if mode.write {
            if let Some(path) = path {
                if write_atomically(path, result.as_bytes()).is_err() {
                    outcome
                        .errors
                        .push(format!("Error: Failed to write {shown}\n"));
                    return outcome;
                }
            }
        }
        if mode.diff {
            let diff = similar::TextDiff::from_lines(&text, &result)
                .unified_diff()
                .context_radius(3)
                .header(&format!("old/{shown}"), &format!("new/{shown}"))
                .to_string();
            outcome.emit(diff.as_bytes());
        }
    }
    if !mode.list && !mode.write && !mode.diff {
        outcome.emit(result.as_bytes());
    }
    outcome
}
