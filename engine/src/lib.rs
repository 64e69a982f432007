//! terrane's engine: configuration, dependency graph, planning, apply, renderers and the
//! command-line interface, as a library the `terrane` binary runs.

pub mod addrs;
pub mod apply;
pub mod cli;
pub mod clock;
pub mod config;
pub mod events;
pub mod graph;
pub mod inputs;
pub mod plan;
pub mod render;
pub mod session;
pub mod source;
pub mod state_location;
pub mod walk;
