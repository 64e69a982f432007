//! The `terrane` binary: parses the command line and runs the command.

mod cli;
mod render;

fn main() {
    std::process::exit(cli::run());
}
