//! `terrane force-unlock [-force] LOCK_ID`: releases the selected workspace's lock that a
//! process which is gone left behind. The ID must name the lock held, as in Terraform.

use std::io::Write;

use terrane_state::Backend;

use super::state_cmd::{confirm, open};

#[derive(clap::Args, Debug, Clone)]
pub struct ForceUnlockArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    pub force: bool,
    pub lock_id: String,
}

pub fn run(args: ForceUnlockArgs) -> i32 {
    let Some(o) = open(false) else {
        return 1;
    };
    if !args.force && !confirm("Do you really want to force-unlock?\n  terrane will remove the lock on the state.\n  This will allow local terrane commands to modify this state, even though it\n  may still be in use. Only 'yes' will be accepted to confirm.") {
        eprintln!("force-unlock cancelled.");
        return 1;
    }
    match o.backend.force_unlock(&o.workspace, &args.lock_id) {
        Ok(()) => {
            let _ = std::io::stdout().lock().write_all(b"terrane state has been successfully unlocked!\n\nThe state has been unlocked, and terrane commands should now be able to\nobtain a new lock on the state.\n");
            0
        }
        Err(e) => {
            eprintln!("Error: Failed to unlock state: {e}");
            1
        }
    }
}
