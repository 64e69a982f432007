//! The command-line interface: arguments -> resolved settings -> a command -> a view per output
//! mode. The only place that prints.

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "terrane", version, about = "Infrastructure as code, Terraform-style")]
struct Cli {
    /// Switch to this directory before running the command.
    #[arg(long = "chdir", global = true)]
    chdir: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check that the configuration is valid.
    Validate,
    /// Rewrite configuration files in the canonical format.
    Fmt,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let _ = cli;
    0
}
