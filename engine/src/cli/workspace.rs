//! `terrane workspace new|select|list|show|delete`: named states of one configuration, kept in
//! the same state store; the selected one is remembered in `.terrane/environment`.

use std::io::Write;
use std::path::Path;

use terrane_state::Backend;

use crate::session::{current_workspace, open_backend};

#[derive(clap::Subcommand, Debug, Clone)]
pub enum WorkspaceCommand {
    /// Create a workspace and select it.
    New { name: String },
    /// Select a workspace.
    Select { name: String },
    /// List the workspaces, the selected one marked with `*`.
    List,
    /// Print the selected workspace.
    Show,
    /// Delete a workspace (not the selected one; an empty one unless -force).
    Delete {
        name: String,
        #[arg(long)]
        force: bool,
    },
}

fn valid(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn select(name: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(".terrane")?;
    std::fs::write(".terrane/environment", name)
}

pub fn run(cmd: WorkspaceCommand) -> i32 {
    let dir = Path::new(".");
    let Some(path) = super::state_path() else {
        return 1;
    };
    let backend = match open_backend(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("Error: Failed to open the state: {e}");
            return 1;
        }
    };
    let current = current_workspace(dir);
    let mut names = backend.workspaces().unwrap_or_default();
    if !names.iter().any(|n| n == "default") {
        names.insert(0, "default".to_string());
    }
    let mut out = std::io::stdout().lock();
    match cmd {
        WorkspaceCommand::Show => {
            let _ = writeln!(out, "{current}");
        }
        WorkspaceCommand::List => {
            for n in &names {
                let mark = if *n == current { "*" } else { " " };
                let _ = writeln!(out, "{mark} {n}");
            }
            let _ = writeln!(out);
        }
        WorkspaceCommand::New { name } => {
            if !valid(&name) {
                eprintln!("Error: The workspace name {name:?} is not allowed. The name must contain only letters, digits, '-', '_' and '.'.");
                return 1;
            }
            if names.contains(&name) {
                eprintln!("Error: Workspace {name:?} already exists");
                return 1;
            }
            if let Err(e) = backend
                .create_workspace(&name)
                .map_err(|e| e.to_string())
                .and_then(|_| select(&name).map_err(|e| e.to_string()))
            {
                eprintln!("Error: Failed to create workspace {name:?}: {e}");
                return 1;
            }
            let _ = writeln!(out, "Created and switched to workspace {name:?}!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"terrane plan\" terrane will not see any existing state\nfor this configuration.");
        }
        WorkspaceCommand::Select { name } => {
            if !names.contains(&name) {
                eprintln!("Error: Workspace {name:?} doesn't exist.\n\nYou can create this workspace with the \"new\" subcommand.");
                return 1;
            }
            if let Err(e) = select(&name) {
                eprintln!("Error: {e}");
                return 1;
            }
            let _ = writeln!(out, "Switched to workspace {name:?}.");
        }
        WorkspaceCommand::Delete { name, force } => {
            if name == current {
                eprintln!("Error: Workspace {name:?} is your active workspace.\n\nYou cannot delete the currently active workspace. Please switch\nto another workspace and try again.");
                return 1;
            }
            if !names.contains(&name) || name == "default" {
                eprintln!("Error: Workspace {name:?} doesn't exist, or is the default workspace, which cannot be deleted.");
                return 1;
            }
            let empty = backend
                .read(&name)
                .map(|s| s.resources.is_empty())
                .unwrap_or(false);
            if !empty && !force {
                eprintln!("Error: Workspace is not empty\n\nWorkspace {name:?} is currently tracking resources. Destroy them first, or use -force to delete it and forget them.");
                return 1;
            }
            if let Err(e) = backend.delete_workspace(&name) {
                eprintln!("Error: {e}");
                return 1;
            }
            let _ = writeln!(out, "Deleted workspace {name:?}!");
        }
    }
    0
}
