//! The `terrane` binary: parses the command line and runs the command.

fn main() {
    std::process::exit(terrane_engine::cli::run());
}
