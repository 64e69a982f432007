//! Evaluating one configuration expression at a site: its references resolved into a scope,
//! the module's user-defined functions, `path.module` as the base of file functions.

use std::sync::Arc;

use terrane_dsl::eval::{references, EvalContext};
use terrane_dsl::functions::{CallContext, FunctionTable};
use terrane_dsl::syntax::ast::Expr;
use terrane_dsl::value::Value;
use terrane_dsl::Diagnostic;

use super::scope::{build, Site};
use super::values::Values;

/// What every evaluation of a run shares.
#[derive(Clone)]
pub struct Evaluator {
    pub functions: Arc<FunctionTable>,
    /// `plantimestamp()`: fixed for the run.
    pub plan_timestamp: Option<String>,
}

impl Evaluator {
    /// The evaluator of a configuration (no console-only functions).
    pub fn new(plan_timestamp: Option<String>) -> Evaluator {
        Evaluator {
            functions: Arc::new(FunctionTable::configuration()),
            plan_timestamp,
        }
    }

    /// The evaluator of `terrane console`: every function, `type` included.
    pub fn console(plan_timestamp: Option<String>) -> Evaluator {
        Evaluator {
            functions: Arc::new(FunctionTable::builtin()),
            plan_timestamp,
        }
    }

    /// Evaluates `expr` at `site`, with `extra` root names bound (a `dynamic` block's iterator).
    pub fn eval(
        &self,
        expr: &Expr,
        site: &Site<'_>,
        values: &Values,
        extra: &[(String, Value)],
    ) -> (Value, Vec<Diagnostic>) {
        let mut refs = references(expr);
        refs.retain(|t| !extra.iter().any(|(n, _)| *n == t.root));
        let (mut scope, mut diags) = build(&refs, site, values);
        if !diags.is_empty() {
            return (Value::dynamic(), diags);
        }
        for (n, v) in extra {
            scope.set(n.clone(), v.clone());
        }
        let mut ctx = EvalContext::new(scope, &self.functions);
        ctx.call_context = CallContext {
            // Terraform resolves relative paths in file functions against the working directory.
            base_dir: site.run.cwd.clone(),
            plan_timestamp: self.plan_timestamp.clone(),
        };
        ctx.user_functions = site.module.functions.clone();
        let (v, ds) = ctx.eval_with_diagnostics(expr);
        diags.extend(ds);
        (v, diags)
    }
}
