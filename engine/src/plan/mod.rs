//! Planning: the plan model, and making a plan from the configuration and the prior state
//! (a walk in the plan phase, plus the destruction of what the configuration no longer has).

pub mod file;
pub mod make;
pub mod model;
pub mod moves;
pub mod relevant;
pub mod shape;
