//! filesystem functions.

use super::Builtin;

pub(super) fn register(_list: &mut Vec<Builtin>) {}
