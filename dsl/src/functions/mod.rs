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

use crate::value::{convert, Marks, Type, Value};

mod collection;
mod collection2;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod format;
mod gozip;
mod hash;
mod ipnet;
mod numeric;
mod regex;
mod set;
mod string;
mod typeconv;
pub use typeconv::TYPE_MARK;
mod util;
mod yaml;
mod yaml_decode;
mod yaml_events;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_coll;
#[cfg(test)]
mod tests_every;
#[cfg(test)]
mod tests_every2;
#[cfg(test)]
mod tests_misc;
#[cfg(test)]
mod tests_oracle;
#[cfg(test)]
mod tests_text;
#[cfg(test)]
mod tests_yaml;

pub(crate) use util::Builtin;

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

impl CallError {
    /// The diagnostic summary Terraform shows for this error: "Not enough function arguments",
    /// "Too many function arguments", "Invalid function argument" or "Error in function call".
    pub fn summary(&self) -> &'static str {
        if self.arg.is_some() {
            "Invalid function argument"
        } else if self.message.contains(" expects only ") {
            "Too many function arguments"
        } else if self.message.contains(" argument(s). Missing value for ") {
            "Not enough function arguments"
        } else if self.message.starts_with("There is no function named") {
            "Call to unknown function"
        } else {
            "Error in function call"
        }
    }
}

/// A built-in function.
pub trait Function: Send + Sync {
    fn name(&self) -> &'static str;
    fn signature(&self) -> Signature;
    /// The result type for arguments of these types (values may be unknown).
    fn return_type(&self, args: &[Value]) -> Result<Type, CallError>;
    /// Runs the function on arguments already checked and converted by the call machinery.
    /// Errors carry the bare reason; [`FunctionTable::call`] words them as Terraform does
    /// (`Invalid value for "x" parameter: ...` or `Call to function "f" failed: ...`).
    fn call(&self, args: &[Value], ctx: &CallContext) -> Result<Value, CallError>;
    /// Whether marks nested inside an argument (not allowed to be marked) stay where they are,
    /// as for structural functions like `element` or `merge`; otherwise every nested mark is
    /// removed before the call and put on the result.
    fn keeps_nested_marks(&self) -> bool {
        false
    }
}

/// The functions callable by name.
pub struct FunctionTable {
    functions: std::collections::BTreeMap<&'static str, Box<dyn Function>>,
}

impl FunctionTable {
    /// Every built-in function of Terraform 1.15 (except the lazy ones the evaluator owns).
    pub fn builtin() -> FunctionTable {
        let mut list: Vec<Builtin> = Vec::new();
        numeric::register(&mut list);
        string::register(&mut list);
        format::register(&mut list);
        regex::register(&mut list);
        collection::register(&mut list);
        collection2::register(&mut list);
        set::register(&mut list);
        encoding::register(&mut list);
        yaml::register(&mut list);
        filesystem::register(&mut list);
        datetime::register(&mut list);
        hash::register(&mut list);
        crypto::register(&mut list);
        ipnet::register(&mut list);
        typeconv::register(&mut list);
        let mut functions: std::collections::BTreeMap<&'static str, Box<dyn Function>> =
            std::collections::BTreeMap::new();
        for mut f in list {
            f.keep_nested_marks = STRUCTURAL.contains(&f.name);
            functions.insert(f.name, Box::new(f));
        }
        FunctionTable { functions }
    }

    /// The functions a configuration may call: [`FunctionTable::builtin`] without those
    /// Terraform offers only in `terraform console` (`type`), which a module calling them gets
    /// "Call to unknown function" for, as from Terraform.
    pub fn configuration() -> FunctionTable {
        let mut table = FunctionTable::builtin();
        for name in CONSOLE_ONLY {
            table.functions.remove(name);
        }
        table
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
        let Some(f) = self.get(name) else {
            return Err(CallError {
                arg: None,
                message: format!("There is no function named \"{name}\"."),
            });
        };
        call_function(f, args, ctx)
    }
}

/// Functions only `console` offers.
pub const CONSOLE_ONLY: &[&str] = &["type"];

/// Functions that move values around without looking into them: marks nested in their
/// arguments stay on the elements they were on (checked against Terraform).
const STRUCTURAL: &[&str] = &[
    "chunklist",
    "coalescelist",
    "concat",
    "element",
    "flatten",
    "keys",
    "length",
    "lookup",
    "merge",
    "one",
    "reverse",
    "slice",
    "values",
    "zipmap",
];

fn param_for(sig: &Signature, i: usize) -> Option<&Param> {
    sig.params.get(i).or(sig.variadic.as_ref())
}

/// Words an implementation's bare error as Terraform does.
fn word_error(f: &dyn Function, sig: &Signature, e: CallError) -> CallError {
    match e.arg {
        Some(i) => {
            let pname = param_for(sig, i).map(|p| p.name).unwrap_or("?");
            CallError {
                arg: Some(i),
                message: format!("Invalid value for \"{pname}\" parameter: {}.", e.message),
            }
        }
        None => CallError {
            arg: None,
            message: format!("Call to function \"{}\" failed: {}.", f.name(), e.message),
        },
    }
}

/// The call machinery shared by every function (cty's `Function.Call` plus HCL's argument
/// conversion).
pub fn call_function(
    f: &dyn Function,
    args: Vec<Value>,
    ctx: &CallContext,
) -> Result<Value, CallError> {
    let sig = f.signature();
    let name = f.name();
    let np = sig.params.len();
    if args.len() < np {
        let missing = sig.params[args.len()].name;
        return Err(CallError {
            arg: None,
            message: format!(
                "Function \"{name}\" expects{} {np} argument(s). Missing value for \"{missing}\".",
                if sig.variadic.is_some() {
                    " at least"
                } else {
                    ""
                }
            ),
        });
    }
    if args.len() > np && sig.variadic.is_none() {
        return Err(CallError {
            arg: None,
            message: format!("Function \"{name}\" expects only {np} argument(s)."),
        });
    }
    let mut converted = Vec::with_capacity(args.len());
    let mut result_marks = Marks::new();
    let mut any_unknown = false;
    let mut dynamic_unknown = false;
    for (i, arg) in args.into_iter().enumerate() {
        let Some(p) = param_for(&sig, i) else {
            continue;
        };
        let arg = if p.allow_marked {
            arg
        } else {
            let (v, m) = if f.keeps_nested_marks() {
                arg.unmark()
            } else {
                arg.unmark_deep()
            };
            result_marks.extend(m);
            v
        };
        let arg = if p.ty.is_dynamic() {
            arg
        } else {
            match convert(&arg, &p.ty) {
                Ok(v) => v,
                Err(e) => {
                    return Err(CallError {
                        arg: Some(i),
                        // Terraform names the parameter but not the path inside the argument.
                        message: format!(
                            "Invalid value for \"{}\" parameter: {}.",
                            p.name, e.message
                        ),
                    });
                }
            }
        };
        if arg.is_null() && !p.allow_null {
            return Err(CallError {
                arg: Some(i),
                message: format!(
                    "Invalid value for \"{}\" parameter: argument must not be null.",
                    p.name
                ),
            });
        }
        if !arg.is_known() && !p.allow_unknown {
            any_unknown = true;
            if arg.ty().is_dynamic() {
                dynamic_unknown = true;
            }
        }
        converted.push(arg);
    }
    if any_unknown {
        let ty = if dynamic_unknown {
            Type::Dynamic
        } else {
            f.return_type(&converted)
                .map_err(|e| word_error(f, &sig, e))?
        };
        return Ok(Value::unknown_not_null(ty).with_marks(result_marks));
    }
    let out = f
        .call(&converted, ctx)
        .map_err(|e| word_error(f, &sig, e))?;
    Ok(out.with_marks(result_marks))
}
