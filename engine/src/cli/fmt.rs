//! `terrane fmt`: rewrites configuration files in the canonical format, with Terraform's flags,
//! output and exit codes (0 done, 2 errors such as syntax errors, 3 `-check` found files to
//! format).

use super::fmt_files::{display_path, is_formattable, is_ignored, write_atomically};
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
struct Mode {
    list: bool,
    write: bool,
    diff: bool,
    recursive: bool,
}

/// Output collected while running: what goes to standard output, the errors for standard error.
struct Run<'g> {
    mode: Mode,
    out: Vec<u8>,
    errors: Vec<String>,
    global: &'g Global,
}

pub fn run(args: FmtArgs, global: &Global) -> i32 {
    let stdin = args.targets.first().is_some_and(|t| t.as_os_str() == "-");
    let mut mode = Mode {
        list: args.list,
        write: args.write,
        diff: args.diff,
        recursive: args.recursive,
    };
    if stdin {
        mode.list = false;
        mode.write = false;
    }
    if args.check {
        mode.list = true;
        mode.write = false;
    }
    let mut run = Run {
        mode,
        out: Vec::new(),
        errors: Vec::new(),
        global,
    };
    if stdin {
        let mut src = Vec::new();
        match std::io::stdin().read_to_end(&mut src) {
            Ok(_) => run.file("<stdin>", None, src),
            Err(_) => run
                .errors
                .push("Error: Failed to read <stdin>\n".to_string()),
        }
    } else if args.targets.is_empty() {
        run.target(Path::new("."));
    } else {
        for target in &args.targets {
            if !run.target(target) {
                break;
            }
        }
    }

    let had_errors = !run.errors.is_empty();
    let changed = !run.out.is_empty();
    if !args.check || args.list {
        print_chunk(&run.out);
    }
    for error in &run.errors {
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

/// Writes what the run produced (already shaped by [`Run::emit`]) to standard output.
fn print_chunk(out: &[u8]) {
    if out.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out);
    let _ = stdout.flush();
}

impl Run<'_> {
    /// Formats a file or a directory target. False when the target does not exist (Terraform
    /// stops there).
    fn target(&mut self, path: &Path) -> bool {
        let shown = display_path(path);
        let Ok(meta) = std::fs::metadata(path) else {
            self.errors
                .push(format!("Error: No file or directory at {shown}\n"));
            return false;
        };
        if meta.is_dir() {
            self.dir(path);
        } else if is_formattable(path) {
            self.path(path);
        } else {
            self.errors.push(
                "Error: Only .tn, .tnvars, .tf, .tfvars, and .tftest.hcl files can be processed \
                 with terrane fmt\n"
                    .to_string(),
            );
        }
        true
    }

    fn dir(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(_) => {
                let shown = display_path(dir);
                self.errors
                    .push(format!("Error: Cannot read directory {shown}\n"));
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
                if self.mode.recursive {
                    self.dir(&path);
                }
                continue;
            }
            if is_formattable(&path) {
                self.path(&path);
            }
        }
    }

    fn path(&mut self, path: &Path) {
        let shown = display_path(path);
        match std::fs::read(path) {
            Ok(src) => self.file(&shown, Some(path), src),
            Err(_) => self
                .errors
                .push(format!("Error: Failed to read file {shown}\n")),
        }
    }

    /// Formats one file's contents; `path` is where to write it back (none for stdin).
    fn file(&mut self, shown: &str, path: Option<&Path>, src: Vec<u8>) {
        let text = match String::from_utf8(src) {
            Ok(text) => text,
            Err(_) => {
                self.errors.push(format!(
                    "Error: Invalid character encoding\n\n  {shown} is not valid UTF-8.\n"
                ));
                return;
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
                    self.errors.push(human(&diag, &file, self.global.color));
                }
                return;
            }
        };
        if result != text {
            if self.mode.list {
                self.emit(format!("{shown}\n").as_bytes());
            }
            if self.mode.write {
                if let Some(path) = path {
                    if write_atomically(path, result.as_bytes()).is_err() {
                        self.errors
                            .push(format!("Error: Failed to write {shown}\n"));
                        return;
                    }
                }
            }
            if self.mode.diff {
                let diff = similar::TextDiff::from_lines(&text, &result)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("old/{shown}"), &format!("new/{shown}"))
                    .to_string();
                self.emit(diff.as_bytes());
            }
        }
        if !self.mode.list && !self.mode.write && !self.mode.diff {
            self.emit(result.as_bytes());
        }
    }

    /// One write to the output, as Terraform's UI writer does it: a final newline is dropped
    /// and one newline added.
    fn emit(&mut self, chunk: &[u8]) {
        let chunk = chunk.strip_suffix(b"\n").unwrap_or(chunk);
        self.out.extend_from_slice(chunk);
        self.out.push(b'\n');
    }
}
