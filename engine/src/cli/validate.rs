//! `terrane validate`: checks the configuration in the working directory.

use super::Global;

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Print Terraform's `validate -json` document instead of the human report.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ValidateArgs, global: &Global) -> i32 {
    let _ = (args, global);
    eprintln!("Error: terrane validate is not supported yet");
    1
}
