//! `terrane state ...`: the subcommands and what they share (opening the selected workspace's
//! store, taking the state lock, Terraform's error texts). The read-only subcommands live in
//! `state_show.rs`, the ones that write a new state version in `state_edit.rs`.

use std::io::{BufRead, Write};
use std::path::Path;

use terrane_state::sqlite::SqliteBackend;
use terrane_state::{LockGuard, LockInfo};

use super::{state_edit, state_show};
use crate::session::{current_workspace, open_backend};

/// `-lock` and `-lock-timeout`, for every command that writes the state.
#[derive(clap::Args, Debug, Clone)]
pub struct LockArgs {
    /// Hold the state lock during the operation (default true).
    #[arg(long, default_value = "true", num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub lock: bool,
    /// How long to wait for the state lock (e.g. 10s, 1m).
    #[arg(long = "lock-timeout", default_value = "0s")]
    pub lock_timeout: String,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum StateCommand {
    /// List the resource instances in the state.
    List {
        /// Only the instances whose `id` attribute is this.
        #[arg(long)]
        id: Option<String>,
        /// Only instances matching these addresses (modules, resources or instances).
        addresses: Vec<String>,
    },
    /// Show one resource instance's attributes.
    Show { address: String },
    /// Move (rename) a module, resource or instance in the state.
    Mv {
        /// Show what would move, change nothing.
        #[arg(long = "dry-run")]
        dry_run: bool,
        #[command(flatten)]
        lock: LockArgs,
        from: String,
        to: String,
    },
    /// Forget instances (the real objects are not destroyed).
    Rm {
        /// Show what would be removed, change nothing.
        #[arg(long = "dry-run")]
        dry_run: bool,
        #[command(flatten)]
        lock: LockArgs,
        #[arg(required = true)]
        addresses: Vec<String>,
    },
    /// Point the instances of one provider at another.
    ReplaceProvider {
        /// Do not ask for confirmation.
        #[arg(long = "auto-approve")]
        auto_approve: bool,
        #[command(flatten)]
        lock: LockArgs,
        from: String,
        to: String,
    },
    /// Print the state in Terraform's v4 JSON format.
    Pull,
    /// Replace the state with a Terraform v4 state file (`-` for standard input).
    Push {
        /// Write even over another lineage or a newer serial.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        lock: LockArgs,
        path: String,
    },
    /// List every version of the state.
    History,
    /// Write a new version equal to an older one.
    Rollback {
        #[command(flatten)]
        lock: LockArgs,
        serial: u64,
    },
}

pub fn run(cmd: StateCommand) -> i32 {
    match cmd {
        StateCommand::List { id, addresses } => state_show::list(id.as_deref(), &addresses),
        StateCommand::Show { address } => state_show::show(&address),
        StateCommand::Pull => state_show::pull(),
        StateCommand::History => state_show::history(),
        StateCommand::Mv {
            dry_run,
            lock,
            from,
            to,
        } => state_edit::mv(&from, &to, dry_run, &lock),
        StateCommand::Rm {
            dry_run,
            lock,
            addresses,
        } => state_edit::rm(&addresses, dry_run, &lock),
        StateCommand::ReplaceProvider {
            auto_approve,
            lock,
            from,
            to,
        } => state_edit::replace_provider(&from, &to, auto_approve, &lock),
        StateCommand::Push { force, lock, path } => state_edit::push(&path, force, &lock),
        StateCommand::Rollback { lock, serial } => state_edit::rollback(serial, &lock),
    }
}

/// The opened store and the selected workspace.
pub struct Opened {
    pub backend: SqliteBackend,
    pub workspace: String,
}

/// Opens the working directory's store. With `must_exist`, a directory without one is
/// Terraform's "No state file was found!" error (commands that only read).
pub fn open(must_exist: bool) -> Option<Opened> {
    let dir = Path::new(".");
    let path = super::state_path()?;
    if must_exist && !path.exists() {
        eprintln!("Error: No state file was found!\n\nState management commands require a state file. Run this command\nin a directory where terrane has been run.");
        return None;
    }
    match open_backend(&path) {
        Ok(backend) => Some(Opened {
            backend,
            workspace: current_workspace(dir),
        }),
        Err(e) => {
            eprintln!("Error: Failed to load state: {e}");
            None
        }
    }
}

/// Takes the workspace's lock for `operation` as `-lock` and `-lock-timeout` say, printing the
/// reason on failure.
pub fn lock<'b>(
    o: &'b Opened,
    args: &LockArgs,
    operation: &str,
) -> Result<Option<LockGuard<'b>>, ()> {
    if !args.lock {
        return Ok(None);
    }
    let Some(timeout) = super::plan::parse_duration(&args.lock_timeout) else {
        eprintln!(
            "Error: Invalid -lock-timeout value {:?}: use a duration such as 10s or 1m.",
            args.lock_timeout
        );
        return Err(());
    };
    match LockGuard::acquire(&o.backend, &o.workspace, &LockInfo::new(operation), timeout) {
        Ok(g) => Ok(Some(g)),
        Err(e) => {
            eprintln!("Error: Error acquiring the state lock\n\n{e}\n\nterrane acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.");
            Err(())
        }
    }
}

/// Asks `question` on standard output; true when the answer is `yes`.
pub fn confirm(question: &str) -> bool {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question}\n\n  Enter a value: ");
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let _ = writeln!(out);
    line.trim() == "yes"
}

/// Parses the address patterns `state list`/`rm` take, printing the first bad one.
pub fn patterns(addresses: &[String]) -> Option<Vec<terrane_state::AddressPattern>> {
    let mut out = Vec::new();
    for a in addresses {
        match terrane_state::AddressPattern::parse(a) {
            Ok(p) => out.push(p),
            Err(e) => {
                eprintln!("Error: Invalid address\n\n{e}");
                return None;
            }
        }
    }
    Some(out)
}
