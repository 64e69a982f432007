//! Terraform's value model (cty): types, values with marks, arbitrary-precision numbers,
//! conversion, unification, type constraints and JSON.

pub mod marks;
pub mod number;
pub mod path;
pub mod types;
#[allow(clippy::module_inception)]
pub mod value;

pub use marks::{Mark, Marks, PathMarks};
pub use number::{Number, NumberError};
pub use path::{Path, PathStep};
pub use types::Type;
pub use value::{Value, ValueError, ValueKind};
