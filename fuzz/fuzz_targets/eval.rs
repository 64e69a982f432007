//! Fuzz target: evaluating any expression never panics, hangs or overflows the stack. Every
//! attribute of the input is evaluated with the built-in functions and a small scope (`var`
//! with a few values), as the engine evaluates configuration expressions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use terrane_dsl::eval::{EvalContext, Scope};
use terrane_dsl::functions::FunctionTable;
use terrane_dsl::value::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = terrane_dsl::syntax::parse(source);
    let table = FunctionTable::builtin();
    let var = Value::object_from([
        ("s", Value::string("a,b,c")),
        ("n", Value::int(3)),
        ("l", Value::tuple(vec![Value::int(1), Value::string("x")])),
    ]);
    let ctx = EvalContext::new(Scope::new().with("var", var), &table);
    for attr in parsed.body.attributes() {
        let _ = ctx.eval_with_diagnostics(&attr.expr);
    }
});
