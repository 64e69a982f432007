//! Helpers shared by the function families: a table-driven [`Builtin`], parameter builders and
//! error constructors.

use super::{CallContext, CallError, Function, Param, Signature};
use crate::value::{Number, Type, Value};

pub(crate) type ReturnFn = fn(&[Value]) -> Result<Type, CallError>;
pub(crate) type ImplFn = fn(&[Value], &CallContext) -> Result<Value, CallError>;

/// How a built-in computes its result type.
#[derive(Clone)]
pub(crate) enum Ret {
    Fixed(Type),
    Computed(ReturnFn),
}

/// A built-in function described by data.
pub(crate) struct Builtin {
    pub name: &'static str,
    pub params: Vec<Param>,
    pub variadic: Option<Param>,
    pub ret: Ret,
    pub imp: ImplFn,
    /// Nested marks of arguments reach the implementation (see
    /// [`Function::keeps_nested_marks`]).
    pub keep_nested_marks: bool,
}

impl Function for Builtin {
    fn name(&self) -> &'static str {
        self.name
    }
    fn signature(&self) -> Signature {
        Signature {
            params: self.params.clone(),
            variadic: self.variadic.clone(),
        }
    }
    fn return_type(&self, args: &[Value]) -> Result<Type, CallError> {
        match &self.ret {
            Ret::Fixed(t) => Ok(t.clone()),
            Ret::Computed(f) => f(args),
        }
    }
    fn call(&self, args: &[Value], ctx: &CallContext) -> Result<Value, CallError> {
        (self.imp)(args, ctx)
    }
    fn keeps_nested_marks(&self) -> bool {
        self.keep_nested_marks
    }
}

/// A plain parameter: no nulls, no unknowns, no marks reach the implementation.
pub(crate) fn p(name: &'static str, ty: Type) -> Param {
    Param {
        name,
        ty,
        allow_null: false,
        allow_unknown: false,
        allow_marked: false,
    }
}

/// Builder-style flags on a parameter.
pub(crate) trait ParamExt {
    fn null(self) -> Param;
    fn unknown(self) -> Param;
    fn marked(self) -> Param;
}

impl ParamExt for Param {
    fn null(mut self) -> Param {
        self.allow_null = true;
        self
    }
    fn unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }
    fn marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

/// A built-in with fixed parameters and a fixed return type.
pub(crate) fn simple(name: &'static str, params: Vec<Param>, ret: Type, imp: ImplFn) -> Builtin {
    Builtin {
        name,
        params,
        variadic: None,
        ret: Ret::Fixed(ret),
        imp,
        keep_nested_marks: false,
    }
}

/// A built-in whose return type depends on its arguments.
pub(crate) fn computed(
    name: &'static str,
    params: Vec<Param>,
    variadic: Option<Param>,
    ret: ReturnFn,
    imp: ImplFn,
) -> Builtin {
    Builtin {
        name,
        params,
        variadic,
        ret: Ret::Computed(ret),
        imp,
        keep_nested_marks: false,
    }
}

/// An error about argument `i` (the call machinery adds the parameter's name).
pub(crate) fn arg_err(i: usize, msg: impl Into<String>) -> CallError {
    CallError {
        arg: Some(i),
        message: msg.into(),
    }
}

/// An error about the call as a whole.
pub(crate) fn fail(msg: impl Into<String>) -> CallError {
    CallError {
        arg: None,
        message: msg.into(),
    }
}

/// The string in argument `i` (already converted to string by the machinery).
pub(crate) fn s(args: &[Value], i: usize) -> Result<&str, CallError> {
    args.get(i)
        .and_then(Value::as_str)
        .ok_or_else(|| arg_err(i, "string required"))
}

/// The number in argument `i`.
pub(crate) fn n(args: &[Value], i: usize) -> Result<&Number, CallError> {
    args.get(i)
        .and_then(Value::as_number)
        .ok_or_else(|| arg_err(i, "number required"))
}

/// Argument `i` as a whole number fitting in i64 (cty's `gocty.FromCtyValue` into an int).
pub(crate) fn int(args: &[Value], i: usize) -> Result<i64, CallError> {
    let num = n(args, i)?;
    if !num.is_integer() {
        return Err(arg_err(i, "value must be a whole number"));
    }
    num.to_i64().ok_or_else(|| {
        arg_err(
            i,
            "value must be a whole number, between -9223372036854775808 and 9223372036854775807",
        )
    })
}

/// The argument, or an error when missing (never happens after the arity check).
pub(crate) fn a(args: &[Value], i: usize) -> Result<&Value, CallError> {
    args.get(i).ok_or_else(|| fail("missing argument"))
}

/// A list of strings.
pub(crate) fn string_list(items: Vec<String>) -> Value {
    let elems = items.into_iter().map(Value::string).collect();
    Value::list(Type::String, elems).unwrap_or_else(|_| Value::dynamic())
}

/// list(string) type.
pub(crate) fn list_str() -> Type {
    Type::list(Type::String)
}

/// Result type: same as argument `i`'s type.
pub(crate) fn same_as_0(args: &[Value]) -> Result<Type, CallError> {
    Ok(args
        .first()
        .map(|v| v.ty().clone())
        .unwrap_or(Type::Dynamic))
}

/// Result type: unknown until the call.
pub(crate) fn dynamic_ret(_: &[Value]) -> Result<Type, CallError> {
    Ok(Type::Dynamic)
}
