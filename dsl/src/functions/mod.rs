//! Terraform's built-in function library: the `Function` interface, the table of built-ins,
//! and the call machinery that checks and converts arguments, propagates unknown values and
//! marks, and names the argument in every error.
//!
//! Interface contract between the evaluator (`crate::eval`) and this module:
//! - the evaluator evaluates the arguments (expanding a final `...` argument itself) and calls
//!   [`FunctionTable::call`] with the values and a [`CallContext`];
//! - `try`, `can`, `templatefile` and `templatestring` need to evaluate expressions lazily and
//!   live in the evaluator, not here;
//! - errors come back as [`CallError`], which says which argument (if any) was wrong, so the
//!   evaluator can put the diagnostic on that argument's span.

use crate::value::{Type, Value};

/// What a function may know about where it is called from.
#[derive(Clone, Debug, Default)]
pub struct CallContext {
    /// The directory relative paths are resolved against (`path.module` for `file()` etc.).
    pub base_dir: std::path::PathBuf,
    /// The plan's timestamp, RFC 3339 (`plantimestamp()`); `None` gives an unknown value.
    pub plan_timestamp: Option<String>,
}

/// One parameter of a function.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    /// The type the argument is converted to; `Type::Dynamic` accepts anything.
    pub ty: Type,
    /// A null argument reaches the implementation (otherwise it is an error).
    pub allow_null: bool,
    /// An unknown argument reaches the implementation (otherwise the result is unknown).
    pub allow_unknown: bool,
    /// A marked (sensitive) argument reaches the implementation with its marks (otherwise the
    /// marks are removed before the call and put on the result).
    pub allow_marked: bool,
}

/// A function's parameters: fixed ones, then optionally a variadic one.
#[derive(Clone, Debug)]
pub struct Signature {
    pub params: Vec<Param>,
    pub variadic: Option<Param>,
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CallError {
    /// The argument at fault (0-based, counting variadic arguments), when there is one.
    pub arg: Option<usize>,
    /// Terraform's words, e.g. `Invalid value for "number" parameter: ...`.
    pub message: String,
}

/// A built-in function.
pub trait Function: Send + Sync {
    fn name(&self) -> &'static str;
    fn signature(&self) -> Signature;
    /// The result type for arguments of these types (values may be unknown).
    fn return_type(&self, args: &[Value]) -> Result<Type, CallError>;
    /// Runs the function on arguments already checked and converted by the call machinery.
    fn call(&self, args: &[Value], ctx: &CallContext) -> Result<Value, CallError>;
}

/// The functions callable by name.
pub struct FunctionTable {
    functions: std::collections::BTreeMap<&'static str, Box<dyn Function>>,
}

impl FunctionTable {
    /// Every built-in function of Terraform 1.15 (except the lazy ones the evaluator owns).
    pub fn builtin() -> FunctionTable {
        FunctionTable {
            functions: std::collections::BTreeMap::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&dyn Function> {
        self.functions.get(name).map(|f| f.as_ref())
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.functions.keys().copied()
    }

    /// Checks arity, converts arguments to parameter types, handles null/unknown/marked
    /// arguments as the signature says, and calls the function.
    pub fn call(
        &self,
        name: &str,
        args: Vec<Value>,
        ctx: &CallContext,
    ) -> Result<Value, CallError> {
        let _ = (args, ctx);
        Err(CallError {
            arg: None,
            message: format!("There is no function named \"{name}\"."),
        })
    }
}
