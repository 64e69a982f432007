//! Renderers: turn the engine's models (diagnostics, plans, values) into text. One renderer per
//! output mode; the engine itself never formats text.

pub mod diagnostics;
pub mod outputs;
pub mod plan_human;
pub mod values;
