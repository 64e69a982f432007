//! The `terrane` binary: parses the command line and runs the command.

/// jemalloc rather than the system allocator: the engine holds many small values, built on
/// several threads and freed in a different order than made, and glibc's allocator left a
/// sixth more resident memory for the same heap (plan of 30,000 resources: 293 MiB with glibc,
/// 270 MiB with jemalloc; it was faster too).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    std::process::exit(terrane_engine::cli::run());
}
