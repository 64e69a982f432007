//! The command-line interface: arguments -> resolved settings -> a command -> a view per output
//! mode. The CLI (with `render`) is the only part of terrane that prints.

mod apply;
mod args;
mod console;
mod fmt;
mod fmt_files;
mod force_unlock;
mod import_cmd;
mod info;
mod output;
mod plan;
mod progress;
mod report;
mod show;
mod state_cmd;
mod state_edit;
mod state_schema;
mod state_show;
mod taint;
mod validate;
mod vars;
mod workspace;

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "terrane",
    version,
    about = "Infrastructure as code, Terraform-style",
    // Terraform spells long flags with one dash (`-check`); `args::normalize` accepts both.
    disable_help_subcommand = true
)]
struct Cli {
    /// Switch to this directory before running the command.
    #[arg(long = "chdir", global = true, value_name = "DIR")]
    chdir: Option<PathBuf>,
    /// Never use colour in the output.
    #[arg(long = "no-color", global = true)]
    no_color: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check that the configuration is valid.
    Validate(validate::ValidateArgs),
    /// Rewrite configuration files in the canonical format.
    Fmt(fmt::FmtArgs),
    /// Show the changes an apply would make.
    Plan(plan::PlanArgs),
    /// Create or update infrastructure.
    Apply(apply::ApplyArgs),
    /// Destroy everything this configuration manages.
    Destroy(apply::ApplyArgs),
    /// Show the root outputs.
    Output(output::OutputArgs),
    /// Prepare the working directory.
    Init(info::InitArgs),
    /// Show terrane's version and its built-in providers.
    Version(info::VersionArgs),
    /// Show the providers the configuration uses.
    Providers,
    /// Print the dependency graph in DOT.
    Graph,
    /// Evaluate expressions against the configuration and state.
    Console(console::ConsoleArgs),
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(workspace::WorkspaceCommand),
    /// Show a saved plan or the current state.
    Show(show::ShowArgs),
    /// Inspect and change the state.
    #[command(subcommand)]
    State(state_cmd::StateCommand),
    /// Bring an existing object under management: import ADDR ID.
    Import(import_cmd::ImportArgs),
    /// Mark a resource instance for replacement at the next apply.
    Taint(taint::TaintArgs),
    /// Clear a resource instance's taint.
    Untaint(taint::TaintArgs),
    /// Release a stale state lock: force-unlock LOCK_ID.
    ForceUnlock(force_unlock::ForceUnlockArgs),
}

/// Settings every command shares, resolved from the global options and the environment.
#[derive(Clone, Debug)]
pub struct Global {
    /// Colour is used only on a terminal and never with `-no-color`.
    pub color: bool,
}

/// Whether diagnostics printed outside a command's own view use colour (set once by [`run`]).
static COLOR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The working directory's state database, its backend block evaluated (for commands that do
/// not plan); prints the diagnostics, `None` on errors.
pub(crate) fn state_path() -> Option<PathBuf> {
    state_path_with(&[])
}

/// [`state_path`] with `-var`/`-var-file` values (`init`).
pub(crate) fn state_path_with(vars: &[crate::inputs::CliVar]) -> Option<PathBuf> {
    let (path, sources, diags) = crate::state_location::locate(std::path::Path::new("."), vars);
    if !diags.0.is_empty() {
        report::human(
            &sources,
            &diags,
            COLOR.load(std::sync::atomic::Ordering::Relaxed),
        );
    }
    path
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let argv = args::normalize(std::env::args_os());
    let matches = match <Cli as clap::CommandFactory>::command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(err) => {
            let code = if err.use_stderr() { 1 } else { 0 };
            let _ = err.print();
            return code;
        }
    };
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return 1;
        }
    };
    let vars = vars::ordered(&matches);
    if let Some(dir) = &cli.chdir {
        if let Err(err) = std::env::set_current_dir(dir) {
            eprintln!(
                "Error: Invalid -chdir option: cannot change to {}: {err}",
                dir.display()
            );
            return 1;
        }
    }
    let global = Global {
        color: !cli.no_color
            && std::env::var_os("NO_COLOR").is_none()
            && std::io::stderr().is_terminal(),
    };
    COLOR.store(global.color, std::sync::atomic::Ordering::Relaxed);
    match cli.command {
        Command::Validate(args) => validate::run(args, &global),
        Command::Fmt(args) => fmt::run(args, &global),
        Command::Plan(args) => plan::run(args, vars, &global),
        Command::Apply(args) => apply::run(args, vars, &global, false),
        Command::Destroy(args) => apply::run(args, vars, &global, true),
        Command::Output(args) => output::run(args, &global),
        Command::Init(args) => info::init(args, vars, &global),
        Command::Version(args) => info::version(args),
        Command::Providers => info::providers(&global),
        Command::Graph => info::graph(&global),
        Command::Console(_) => console::run(vars, &global),
        Command::Workspace(cmd) => workspace::run(cmd),
        Command::Show(args) => show::run(args, &global),
        Command::State(cmd) => state_cmd::run(cmd),
        Command::Import(args) => import_cmd::run(args, vars, &global),
        Command::Taint(args) => taint::run(args, false),
        Command::Untaint(args) => taint::run(args, true),
        Command::ForceUnlock(args) => force_unlock::run(args),
    }
}
