//! terrane's engine: configuration, dependency graph, planning, apply, renderers and the
//! command-line interface, as a library the `terrane` binary runs.

pub mod addrs;
pub mod cli;
pub mod config;
pub mod graph;
pub mod inputs;
pub mod plan;
pub mod render;
pub mod source;
pub mod walk;
