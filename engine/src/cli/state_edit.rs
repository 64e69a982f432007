//! The `state` subcommands that write a new state version: `mv`, `rm`, `replace-provider`,
//! `push` and `rollback`. Each takes the state lock (`-lock`, `-lock-timeout`) first.

use std::io::{Read, Write};

use terrane_state::{Backend, StateError};

use super::state_cmd::{confirm, lock, open, patterns, LockArgs};

fn print(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `state mv [-dry-run] FROM TO`.
pub fn mv(from: &str, to: &str, dry_run: bool, lock_args: &LockArgs) -> i32 {
    let Some(o) = open(true) else {
        return 1;
    };
    let Ok(_guard) = lock(&o, lock_args, "state mv") else {
        return 1;
    };
    let result = if dry_run {
        terrane_state::ops::mv_dry_run(&o.backend, &o.workspace, from, to)
    } else {
        terrane_state::ops::mv(&o.backend, &o.workspace, from, to)
    };
    match result {
        Ok(moves) if dry_run => {
            let mut text = String::new();
            for m in &moves {
                text.push_str(&format!("Would move {:?} to {:?}\n", m.from, m.to));
            }
            print(&text);
            0
        }
        Ok(moves) => {
            print(&format!(
                "Move {from:?} to {to:?}\nSuccessfully moved {} object(s).\n",
                moves.len()
            ));
            0
        }
        Err(StateError::NoSuchResource(_)) => {
            eprintln!("Error: Invalid source address\n\nCannot move {from}: does not match anything in the current state.");
            1
        }
        Err(StateError::ResourceExists(what)) => {
            eprintln!("Error: Invalid target address\n\nCannot move to {to}: there is already a resource instance at {what}.");
            1
        }
        Err(e) => {
            eprintln!("Error: Invalid state move request\n\n{e}");
            1
        }
    }
}

/// `state rm [-dry-run] ADDR...`.
pub fn rm(addresses: &[String], dry_run: bool, lock_args: &LockArgs) -> i32 {
    let Some(pats) = patterns(addresses) else {
        return 1;
    };
    let Some(o) = open(true) else {
        return 1;
    };
    let Ok(_guard) = lock(&o, lock_args, "state rm") else {
        return 1;
    };
    let result = if dry_run {
        terrane_state::ops::list(&o.backend, &o.workspace, &pats, None).map(|found| {
            let mut names: Vec<String> = found.into_iter().map(|s| s.address).collect();
            names.dedup();
            names
        })
    } else {
        terrane_state::ops::rm(&o.backend, &o.workspace, &pats)
    };
    match result {
        Ok(removed) if !removed.is_empty() => {
            let verb = if dry_run { "Would remove" } else { "Removed" };
            let mut text: String = removed.iter().map(|a| format!("{verb} {a}\n")).collect();
            if !dry_run {
                text.push_str(&format!(
                    "Successfully removed {} resource instance(s).\n",
                    removed.len()
                ));
            }
            print(&text);
            0
        }
        Ok(_) | Err(StateError::NoSuchResource(_)) => {
            eprintln!("Error: Invalid target address\n\nNo matching objects found. To view the available instances, use \"terrane state list\".\nPlease modify the address to reference a specific instance.");
            1
        }
        Err(e) => {
            eprintln!("Error: Failed to write state: {e}");
            1
        }
    }
}

/// `state replace-provider [-auto-approve] FROM TO`.
pub fn replace_provider(from: &str, to: &str, auto_approve: bool, lock_args: &LockArgs) -> i32 {
    let Some(o) = open(true) else {
        return 1;
    };
    let Ok(_guard) = lock(&o, lock_args, "state replace-provider") else {
        return 1;
    };
    let from_q = terrane_state::ops::qualify_provider(from);
    let to_q = terrane_state::ops::qualify_provider(to);
    let needle = format!("provider[\"{from_q}\"]");
    let snapshot = match o.backend.read(&o.workspace) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: Failed to load state: {e}");
            return 1;
        }
    };
    let mut matching: Vec<&str> = snapshot
        .resources
        .iter()
        .filter(|r| r.provider.contains(&needle))
        .map(|r| r.address.as_str())
        .collect();
    matching.dedup();
    if matching.is_empty() {
        print("No matching resources found.\n");
        return 0;
    }
    let mut text = format!(
        "terrane will perform the following actions:\n\n  ~ Updating provider:\n    - {from_q}\n    + {to_q}\n\nChanging {} resources:\n\n",
        matching.len()
    );
    for a in &matching {
        text.push_str(&format!("  {a}\n"));
    }
    print(&text);
    if !auto_approve
        && !confirm(
            "\nDo you want to make these changes?\nOnly 'yes' will be accepted to continue.",
        )
    {
        eprintln!("Error: Operation cancelled.");
        return 1;
    }
    match terrane_state::ops::replace_provider(&o.backend, &o.workspace, from, to) {
        Ok(n) => {
            print(&format!(
                "\nSuccessfully replaced provider for {n} resources.\n"
            ));
            0
        }
        Err(e) => {
            eprintln!("Error: Failed to write state: {e}");
            1
        }
    }
}

/// `state push [-force] FILE`: a Terraform v4 state file (or a pulled one) becomes the state.
pub fn push(path: &str, force: bool, lock_args: &LockArgs) -> i32 {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    if let Err(e) = read {
        eprintln!("Error: Failed to read the state file {path}: {e}");
        return 1;
    }
    let Some(o) = open(false) else {
        return 1;
    };
    let Ok(_guard) = lock(&o, lock_args, "state push") else {
        return 1;
    };
    let mut incoming = match terrane_state::tfstate::from_v4(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: Failed to read the state file {path}: {e}");
            return 1;
        }
    };
    super::state_schema::conform_snapshot(&mut incoming);
    match terrane_state::tfstate::push_snapshot(&o.backend, &o.workspace, incoming, force) {
        Ok(_) => 0,
        Err(e @ (StateError::LineageMismatch { .. } | StateError::SerialBehind { .. })) => {
            eprintln!("Error: Failed to write state: {e}\n\nUse -force to replace the state anyway (the current state stays in the history:\nsee \"terrane state history\" and \"terrane state rollback\").");
            1
        }
        Err(e) => {
            eprintln!("Error: Failed to write state: {e}");
            1
        }
    }
}

/// `state rollback SERIAL`: a new version equal to version SERIAL.
pub fn rollback(serial: u64, lock_args: &LockArgs) -> i32 {
    let Some(o) = open(true) else {
        return 1;
    };
    let Ok(_guard) = lock(&o, lock_args, "state rollback") else {
        return 1;
    };
    match terrane_state::ops::rollback(&o.backend, &o.workspace, serial) {
        Ok(new) => {
            print(&format!(
                "Rolled back to version {serial}: the state is now version {new}.\n"
            ));
            0
        }
        Err(e) => {
            eprintln!("Error: Failed to roll back: {e}");
            1
        }
    }
}
