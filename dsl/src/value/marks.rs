//! Marks: annotations such as `sensitive` that travel with a value through every operation.
//! A value carries its own marks, and nested values carry theirs; these helpers strip marks
//! before an operation and put them back on its result.

use std::collections::BTreeSet;

use super::path::Path;

/// One mark.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// The value is sensitive: never shown.
    Sensitive,
    /// The value is ephemeral: never stored.
    Ephemeral,
    /// Any other mark an evaluator wants to carry.
    Other(String),
}

/// A set of marks, ordered for determinism.
pub type Marks = BTreeSet<Mark>;

/// The marks found at one place inside a value.
#[derive(Clone, Debug, PartialEq)]
pub struct PathMarks {
    pub path: Path,
    pub marks: Marks,
}

/// The union of several mark sets.
pub fn combine<'a>(sets: impl IntoIterator<Item = &'a Marks>) -> Marks {
    let mut out = Marks::new();
    for s in sets {
        out.extend(s.iter().cloned());
    }
    out
}

/// A single-mark set.
pub fn only(mark: Mark) -> Marks {
    std::iter::once(mark).collect()
}
