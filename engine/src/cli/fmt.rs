//! `terrane fmt`: rewrites configuration files in the canonical format.

use super::Global;

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or directories to format; `-` reads standard input and writes standard output.
    pub targets: Vec<std::path::PathBuf>,
}

pub fn run(args: FmtArgs, global: &Global) -> i32 {
    let _ = (args, global);
    eprintln!("Error: terrane fmt is not supported yet");
    1
}
