//! Refinements of unknown values (cty's refined unknowns): what is already known about a value
//! that is not yet known — that it will not be null, a string prefix, a number range, a
//! collection length range. As in cty, `==` uses only "not null" to answer early (an unknown
//! that will not be null is not equal to `null`); the other facts are for functions to use.

use std::cmp::Ordering;

use super::number::Number;
use super::value::{Value, ValueKind};

/// Facts about an unknown value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refinement {
    pub not_null: bool,
    /// Strings: the value will start with this.
    pub string_prefix: Option<String>,
    /// Numbers: lower bound and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// Numbers: upper bound and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// Collections: fewest elements.
    pub length_lower: Option<usize>,
    /// Collections: most elements.
    pub length_upper: Option<usize>,
}

impl Refinement {
    pub fn not_null() -> Refinement {
        Refinement {
            not_null: true,
            ..Refinement::default()
        }
    }

    /// Whether a known value is ruled out by these facts (so an unknown with them cannot
    /// equal it).
    pub fn excludes(&self, known: &Value) -> bool {
        if known.is_null() {
            return self.not_null;
        }
        match known.kind() {
            ValueKind::String(s) => self
                .string_prefix
                .as_ref()
                .is_some_and(|p| !s.starts_with(p.as_str())),
            ValueKind::Number(n) => {
                let below = self.number_lower.as_ref().is_some_and(|(b, inclusive)| {
                    let c = n.cmp_num(b);
                    c == Ordering::Less || (c == Ordering::Equal && !inclusive)
                });
                let above = self.number_upper.as_ref().is_some_and(|(b, inclusive)| {
                    let c = n.cmp_num(b);
                    c == Ordering::Greater || (c == Ordering::Equal && !inclusive)
                });
                below || above
            }
            _ => match known.length() {
                Some(len) if known.ty().is_collection() => {
                    self.length_lower.is_some_and(|l| len < l)
                        || self.length_upper.is_some_and(|u| len > u)
                }
                _ => false,
            },
        }
    }
}
