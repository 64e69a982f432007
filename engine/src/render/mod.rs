//! Renderers: turn the engine's models (diagnostics, later plans and state) into text. One
//! renderer per output mode; the engine itself never formats text.

pub mod diagnostics;
