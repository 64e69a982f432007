//! `terrane taint ADDR` and `terrane untaint ADDR`: mark a managed resource instance for
//! replacement at the next apply, or clear that mark.

use std::io::Write;

use terrane_state::StateError;

use super::state_cmd::{lock, open, LockArgs};

#[derive(clap::Args, Debug, Clone)]
pub struct TaintArgs {
    /// Succeed (with a warning) when the instance is not in the state.
    #[arg(long = "allow-missing")]
    pub allow_missing: bool,
    #[command(flatten)]
    pub lock: LockArgs,
    pub address: String,
}

/// Runs `taint` (or `untaint` when `untaint`).
pub fn run(args: TaintArgs, untaint: bool) -> i32 {
    let Some(o) = open(false) else {
        return 1;
    };
    let Ok(_guard) = lock(&o, &args.lock, if untaint { "untaint" } else { "taint" }) else {
        return 1;
    };
    let result = if untaint {
        terrane_state::ops::untaint(&o.backend, &o.workspace, &args.address)
    } else {
        terrane_state::ops::taint(&o.backend, &o.workspace, &args.address)
    };
    let addr = &args.address;
    match result {
        Ok(()) => {
            let text = if untaint {
                format!("Resource instance {addr} has been successfully untainted.\n")
            } else {
                format!("Resource instance {addr} has been marked as tainted.\n")
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            0
        }
        Err(StateError::NoSuchResource(_)) if args.allow_missing => {
            eprintln!("Warning: No such resource instance\n\nResource instance {addr} was not found, but this is not an error because\n-allow-missing was set.");
            0
        }
        Err(StateError::NoSuchResource(_)) => {
            let why = if untaint { "untainted" } else { "tainted" };
            eprintln!("Error: No such resource instance\n\nThere is no resource instance in the state with the address {addr}. If the\nresource configuration has just been added, you must run \"terrane apply\" first\nto create the object before it can be {why}.");
            1
        }
        Err(StateError::Invalid(msg)) if untaint && msg.ends_with("is not tainted") => {
            eprintln!("Error: Resource instance is not tainted\n\nResource instance {addr} is not currently tainted, and so it cannot be\nuntainted.");
            1
        }
        Err(e) => {
            eprintln!("Error: {e}");
            1
        }
    }
}
