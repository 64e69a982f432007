//! Renderers: turn the engine's models (diagnostics, plans, values, states) into text. One
//! renderer per output mode (human, Markdown, JSON); the engine itself never formats text.

pub mod diagnostics;
pub mod human;
pub mod json_config;
pub mod json_events;
pub mod json_hooks;
pub mod json_plan;
pub mod json_state;
pub mod json_values;
pub mod markdown;
pub mod outputs;
pub mod values;
