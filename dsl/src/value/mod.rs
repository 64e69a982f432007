//! Terraform's value model (cty): types, values with marks, arbitrary-precision numbers,
//! conversion, unification, type constraints and JSON.

pub mod number;

pub use number::{Number, NumberError};
