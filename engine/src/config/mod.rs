//! Configuration: module directories read from disk, parsed, and decoded into the model that
//! the graph and the planner work from. Loading never stops at the first problem: it returns the
//! configuration it could read and every diagnostic.

pub mod content;
mod decode;
mod decode_resource;
pub mod load;
pub mod model;
pub mod version;

pub use load::load_config;
pub use model::*;
