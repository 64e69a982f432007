//! The `terrane` binary: parses the command line and runs the command.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
