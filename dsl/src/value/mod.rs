//! Terraform's value model (cty): types, values with marks, arbitrary-precision numbers,
//! conversion, unification, type constraints and JSON.
//!
//! - [`Type`]: `string`, `number`, `bool`, `list`/`set`/`map` of a type, `tuple`, `object`
//!   (attributes in lexical order) and `Dynamic` ("any"); names as Terraform prints them.
//! - [`Value`]: a known value, `null` of a type, or unknown of a type (with optional
//!   [`Refinement`]s), carrying [`Marks`] such as [`Mark::Sensitive`]. Sets are deduplicated
//!   and kept in cty's order; strings are NFC. `equals` is the `==` operator (a bool value,
//!   possibly unknown, marked); `raw_equals` is exact sameness.
//! - [`Number`]: Go `big.Float` semantics (512-bit literals, nearest-even, per-value precision,
//!   infinities, `-0`), printed exactly as Terraform prints numbers.
//! - [`convert()`] / [`unify()`]: cty's conversion and unification, errors in Terraform's words.
//! - [`Constraint`]: a variable's `type = ...`, with optional attributes and defaults.
//! - [`json`]: `jsonencode`/`output -json` text, `jsondecode`, types in JSON form.
//! - [`display`]: values as `terraform console` shows them.
//!
//! Operations on marked values follow one pattern: `unmark` (or `unmark_deep`) the operands,
//! compute, then put the union of the operands' marks on the result (`with_marks_of`).

pub mod attrs;
pub mod constraint;
pub mod convert;
mod decimal;
pub mod display;
pub mod json;
pub mod marks;
pub mod number;
pub mod ops;
pub mod path;
pub mod refine;
pub mod types;
pub mod unify;
#[allow(clippy::module_inception)]
pub mod value;

pub use attrs::Attrs;
pub use constraint::{convert_to_constraint, parse_constraint, Constraint};
pub use convert::{convert, convert_safe, ConvertError};
pub use display::format_value;
pub use json::{from_json, to_json, to_json_pretty, type_to_json, JsonError};
pub use marks::{Mark, Marks, PathMarks};
pub use number::{Number, NumberError};
pub use ops::{ArithOp, CompareOp, OpError};
pub use path::{Path, PathStep};
pub use refine::Refinement;
pub use types::Type;
pub use unify::{unify, unify_unsafe, unify_values};
pub use value::{Value, ValueError, ValueKind};

#[cfg(test)]
mod number_oracle_tests;
#[cfg(test)]
mod oracle_tests;
