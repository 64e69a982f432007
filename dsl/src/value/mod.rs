//! Terraform's value model (cty): types, values with marks, arbitrary-precision numbers,
//! conversion, unification, type constraints and JSON.

pub mod constraint;
pub mod convert;
mod decimal;
pub mod display;
pub mod json;
pub mod marks;
pub mod number;
pub mod path;
pub mod refine;
pub mod types;
pub mod unify;
#[allow(clippy::module_inception)]
pub mod value;

pub use constraint::{convert_to_constraint, parse_constraint, Constraint};
pub use convert::{convert, convert_safe, ConvertError};
pub use display::format_value;
pub use json::{from_json, to_json, to_json_pretty, type_to_json, JsonError};
pub use marks::{Mark, Marks, PathMarks};
pub use number::{Number, NumberError};
pub use path::{Path, PathStep};
pub use refine::Refinement;
pub use types::Type;
pub use unify::{unify, unify_unsafe, unify_values};
pub use value::{Value, ValueError, ValueKind};

#[cfg(test)]
mod number_oracle_tests;
#[cfg(test)]
mod oracle_tests;
