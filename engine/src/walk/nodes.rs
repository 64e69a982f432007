//! Visiting the nodes that only evaluate: variables (with their validation rules), locals,
//! outputs (with preconditions), module-call expansions and provider configurations.

use std::collections::BTreeMap;
use std::sync::Arc;

use terrane_dsl::value::{convert, convert_to_constraint, Mark, Type, Value};
use terrane_dsl::Diagnostic;

use super::scope::Site;
use super::values::{Expansion, Repetition};
use super::{Phase, Visit, Walker};
use crate::addrs::{ModuleInstance, ModulePath};
use crate::config::{Condition, Ex, Module, ProviderRef};
use crate::graph::Node;
use crate::source::{Diag, FileId};

impl<'a, 'w> Walker<'a, 'w> {
    pub(crate) fn module(&self, path: &ModulePath) -> &'a Module {
        &self.input.config.modules[path]
    }

    /// Evaluates `ex` in `inst` of `module`; errors are recorded. `None` on error.
    pub(crate) fn eval_at(
        &mut self,
        ex: &Ex,
        module: &'a Module,
        inst: &ModuleInstance,
        rep: &Repetition,
        self_value: Option<&Value>,
    ) -> Option<Value> {
        let site = Site {
            config: self.input.config,
            module,
            instance: inst,
            repetition: rep,
            self_value,
            run: &self.input.run,
        };
        let (v, diags) = self
            .input
            .evaluator
            .eval(&ex.expr, &site, &self.values, &[]);
        let failed = diags.iter().any(Diagnostic::is_error);
        for d in diags {
            self.error(Diag::at(ex.file, d));
        }
        (!failed).then_some(v)
    }

    /// Checks `conditions` (validation, preconditions): each false one is an error at `at`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_conditions(
        &mut self,
        conditions: &[Condition],
        module: &'a Module,
        inst: &ModuleInstance,
        rep: &Repetition,
        self_value: Option<&Value>,
        summary: &str,
        at: (Option<FileId>, terrane_dsl::syntax::Span),
    ) -> bool {
        let (ok, failures) = check_conditions(
            conditions,
            |ex| self.eval_at(ex, module, inst, rep, self_value),
            summary,
            at,
        );
        for d in failures {
            self.error(d);
        }
        ok
    }

    pub(crate) fn visit_variable(&mut self, path: &ModulePath, name: &str) -> Visit {
        let module = self.module(path);
        let Some(var) = module.variables.get(name) else {
            return Visit::Done;
        };
        let validate = self.input.options.phase == Phase::Validate;
        let mut ok = true;
        for inst in self.values.module_instances(path) {
            let (value, at) = if path.is_root() {
                match self.input.inputs.get(name) {
                    _ if validate => (Value::unknown(var.constraint.ty()), None),
                    Some(iv) => {
                        let at = crate::inputs::place(var, iv.range);
                        (iv.value.clone(), Some(at))
                    }
                    None => {
                        ok = false;
                        continue;
                    }
                }
            } else {
                let Some(parent) = inst.parent() else {
                    continue;
                };
                let parent_module = self.module(&parent.module());
                let call_name = path.0.last().cloned().unwrap_or_default();
                let call = &parent_module.module_calls[&call_name];
                let exp = self
                    .values
                    .module_calls
                    .get(&(parent.clone(), call_name.clone()))
                    .cloned()
                    .unwrap_or(Expansion::Single);
                let key = inst.0.last().and_then(|(_, k)| k.clone());
                let rep = exp.repetition(&key);
                let given = match call.inputs.get(name) {
                    Some(ex) => match self.eval_at(ex, parent_module, &parent, &rep, None) {
                        Some(v) => Some((v, ex)),
                        None => {
                            ok = false;
                            continue;
                        }
                    },
                    None => None,
                };
                let at = given.as_ref().map(|(_, ex)| (Some(ex.file), ex.span()));
                let raw = match given {
                    Some((v, _)) if !(v.is_null() && !var.nullable && var.default.is_some()) => v,
                    _ => match &var.default {
                        Some(d) => crate::config::content::constant(&d.expr)
                            .unwrap_or_else(|_| Value::dynamic()),
                        None => Value::null(var.constraint.ty()),
                    },
                };
                if raw.is_null() && !var.nullable {
                    let (file, span) = at.unwrap_or((Some(var.decl.file), var.decl.span));
                    self.error(Diag::in_file(
                        file,
                        Diagnostic::error(
                            "Invalid value for input variable",
                            format!("The given value is not suitable for var.{name}: required variable may not be set to null."),
                            span,
                        ),
                    ));
                    ok = false;
                    continue;
                }
                match convert_to_constraint(&raw, &var.constraint) {
                    Ok(v) => {
                        let v = if var.sensitive {
                            v.mark(Mark::Sensitive)
                        } else {
                            v
                        };
                        (v, at)
                    }
                    Err(e) => {
                        let (file, span) = at.unwrap_or((Some(var.decl.file), var.decl.span));
                        self.error(Diag::in_file(
                            file,
                            Diagnostic::error(
                                "Invalid value for input variable",
                                format!("The given value is not suitable for var.{name}: {e}."),
                                span,
                            ),
                        ));
                        ok = false;
                        continue;
                    }
                }
            };
            // As Terraform: validation holds for every possible input, so a module's variables
            // are unknown there too (their given values were checked against the type above).
            let value = match validate {
                true if !path.is_root() => {
                    let u = Value::unknown(var.constraint.ty());
                    if var.sensitive {
                        u.mark(Mark::Sensitive)
                    } else {
                        u
                    }
                }
                _ => value,
            };
            self.values
                .variables
                .insert((inst.clone(), name.to_string()), value);
            if !var.validations.is_empty() {
                let at = at.unwrap_or((Some(var.decl.file), var.decl.span));
                if !self.check_conditions(
                    &var.validations,
                    module,
                    &inst,
                    &Repetition::default(),
                    None,
                    "Invalid value for variable",
                    at,
                ) {
                    ok = false;
                }
            }
        }
        if ok {
            Visit::Done
        } else {
            Visit::Failed
        }
    }

    pub(crate) fn visit_local(&mut self, path: &ModulePath, name: &str) -> Visit {
        let module = self.module(path);
        let Some(local) = module.locals.get(name) else {
            return Visit::Done;
        };
        let mut ok = true;
        for inst in self.values.module_instances(path) {
            match self.eval_at(&local.value, module, &inst, &Repetition::default(), None) {
                Some(v) => {
                    self.values.locals.insert((inst, name.to_string()), v);
                }
                None => ok = false,
            }
        }
        if ok {
            Visit::Done
        } else {
            Visit::Failed
        }
    }

    pub(crate) fn visit_output(&mut self, path: &ModulePath, name: &str) -> Visit {
        let module = self.module(path);
        let Some(output) = module.outputs.get(name) else {
            return Visit::Done;
        };
        let mut ok = true;
        for inst in self.values.module_instances(path) {
            if !output.preconditions.is_empty()
                && !self.check_conditions(
                    &output.preconditions,
                    module,
                    &inst,
                    &Repetition::default(),
                    None,
                    "Module output value precondition failed",
                    (Some(output.decl.file), output.decl.span),
                )
            {
                ok = false;
                continue;
            }
            let Some(ex) = &output.value else { continue };
            let Some(v) = self.eval_at(ex, module, &inst, &Repetition::default(), None) else {
                ok = false;
                continue;
            };
            if path.is_root()
                && !output.sensitive
                && v.contains_marked()
                && v.deep_marks().contains(&Mark::Sensitive)
            {
                self.error(Diag::at(
                    ex.file,
                    Diagnostic::error(
                        "Output refers to sensitive values",
                        "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Terraform requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                        output.decl.span,
                    ),
                ));
                ok = false;
                continue;
            }
            let v = if output.sensitive {
                v.mark(Mark::Sensitive)
            } else {
                v
            };
            if path.is_root() {
                self.out
                    .outputs
                    .insert(name.to_string(), (v.clone(), output.sensitive));
            }
            self.values.outputs.insert((inst, name.to_string()), v);
        }
        if ok {
            Visit::Done
        } else {
            Visit::Failed
        }
    }

    pub(crate) fn visit_module_call(&mut self, path: &ModulePath, name: &str) -> Visit {
        let module = self.module(path);
        let Some(call) = module.module_calls.get(name) else {
            return Visit::Done;
        };
        let mut ok = true;
        for inst in self.values.module_instances(path) {
            match self.expansion(call.count.as_ref(), call.for_each.as_ref(), module, &inst) {
                Some(super::values::Expansion::Unknown)
                    if self.input.options.phase == Phase::Plan =>
                {
                    let what = if call.count.is_some() {
                        "count"
                    } else {
                        "for_each"
                    };
                    let address = if inst.is_root() {
                        format!("module.{name}")
                    } else {
                        format!("{inst}.module.{name}")
                    };
                    self.out.deferred.push(crate::plan::model::Deferred {
                        address,
                        reason: format!("its {what} depends on values known only after apply; its resources are planned and applied during the apply"),
                    });
                    self.values
                        .module_calls
                        .insert((inst, name.to_string()), super::values::Expansion::Unknown);
                }
                Some(exp) => {
                    self.values
                        .module_calls
                        .insert((inst, name.to_string()), exp);
                }
                None => ok = false,
            }
        }
        if ok {
            Visit::Done
        } else {
            Visit::Failed
        }
    }

    pub(crate) fn visit_provider(
        &mut self,
        node: &Node,
        path: &ModulePath,
        pref: &ProviderRef,
    ) -> Visit {
        let local_name = self
            .input
            .config
            .root()
            .required_providers
            .get(&pref.name)
            .and_then(|r| r.source.clone());
        let factory = local_name
            .as_deref()
            .and_then(terrane_provider::registry::find_by_source)
            .or_else(|| terrane_provider::registry::find_by_local_name(&pref.name));
        let Some(factory) = factory else {
            // Reported for each resource that uses it.
            return Visit::Done;
        };
        let provider = (factory.make)(Arc::clone(&self.input.host));
        let module = self.module(path);
        if let Some(pc) = module.providers.get(pref) {
            let schema = provider.schema().provider.clone();
            let inst = ModuleInstance::root();
            let site_module = module;
            let mut diags = Vec::new();
            let config = {
                let site = Site {
                    config: self.input.config,
                    module: site_module,
                    instance: &inst,
                    repetition: &Repetition::default(),
                    self_value: None,
                    run: &self.input.run,
                };
                let values = &self.values;
                let ev = &self.input.evaluator;
                let evalf = |e: &terrane_dsl::syntax::ast::Expr, extra: &[(String, Value)]| {
                    ev.eval(e, &site, values, extra)
                };
                super::body::decode(&pc.body, &schema, pc.decl.span, &evalf, &mut diags)
            };
            let failed = diags.iter().any(Diagnostic::is_error);
            for d in diags {
                self.error(Diag::at(pc.file, d));
            }
            if failed {
                return Visit::Failed;
            }
            if matches!(
                self.input.options.phase,
                Phase::Plan | Phase::Apply | Phase::Providers
            ) {
                let cfg = config.unmark_deep().0;
                let p = Arc::clone(&provider);
                let res = futures_block(p, cfg);
                if let Err(e) = res {
                    self.error(Diag::at(
                        pc.file,
                        Diagnostic::error(e.summary.clone(), e.detail.clone(), pc.decl.span),
                    ));
                    return Visit::Failed;
                }
            }
        }
        self.providers.insert(node.clone(), provider);
        Visit::Done
    }

    /// Evaluates `count`/`for_each` into an expansion; `None` after an error.
    pub(crate) fn expansion(
        &mut self,
        count: Option<&Ex>,
        for_each: Option<&Ex>,
        module: &'a Module,
        inst: &ModuleInstance,
    ) -> Option<Expansion> {
        if let Some(c) = count {
            let v = self.eval_at(c, module, inst, &Repetition::default(), None)?;
            if !v.is_known() {
                return Some(Expansion::Unknown);
            }
            let v = v.unmark_deep().0;
            let n = match convert(&v, &Type::Number) {
                Ok(n) if !n.is_null() => n,
                Ok(_) => {
                    self.error(Diag::at(
                        c.file,
                        Diagnostic::error(
                            "Invalid count argument",
                            "The given \"count\" argument value is null. An integer is required.",
                            c.span(),
                        ),
                    ));
                    return None;
                }
                Err(e) => {
                    self.error(Diag::at(
                        c.file,
                        Diagnostic::error(
                            "Incorrect value type",
                            format!("Invalid expression value: {}.", e.message),
                            c.span(),
                        ),
                    ));
                    return None;
                }
            };
            return match n.as_i64() {
                Some(i) if i >= 0 => Some(Expansion::Count(i)),
                Some(_) => {
                    self.error(Diag::at(c.file, Diagnostic::error("Invalid count argument", "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.", c.span())));
                    None
                }
                None => {
                    self.error(Diag::at(c.file, Diagnostic::error("Invalid count argument", "The given \"count\" argument value is unsuitable: the value must be a whole number.", c.span())));
                    None
                }
            };
        }
        if let Some(fe) = for_each {
            let v = self.eval_at(fe, module, inst, &Repetition::default(), None)?;
            return self.for_each_expansion(fe, v);
        }
        Some(Expansion::Single)
    }

    fn for_each_expansion(&mut self, fe: &Ex, v: Value) -> Option<Expansion> {
        let err = |w: &mut Self, summary: &str, detail: String| {
            w.error(Diag::at(
                fe.file,
                Diagnostic::error(summary, detail, fe.span()),
            ));
            None
        };
        if v.is_null() {
            return err(self, "Invalid for_each argument", "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.".into());
        }
        if v.has_mark(&Mark::Sensitive) {
            return err(self, "Invalid for_each argument", "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.".into());
        }
        if !v.is_known() {
            return Some(Expansion::Unknown);
        }
        let mut out = BTreeMap::new();
        match v.ty() {
            Type::Map(_) | Type::Object(_) => {
                for (k, val) in v.entries().into_iter().flatten() {
                    out.insert(k.clone(), val.clone());
                }
            }
            Type::Set(ety) => {
                if !matches!(**ety, Type::String | Type::Dynamic) {
                    return err(self, "Invalid for_each set argument", format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports sets of strings, but you have provided a set containing type {}.", ety.friendly_name()));
                }
                for e in v.elements().into_iter().flatten() {
                    if !e.is_known() {
                        return Some(Expansion::Unknown);
                    }
                    match e.as_str() {
                        Some(s) => {
                            out.insert(s.to_string(), e.clone());
                        }
                        None => return err(self, "Invalid for_each set argument", "The given \"for_each\" argument value is unsuitable: \"for_each\" sets must not contain null values.".into()),
                    }
                }
            }
            other => {
                let hint = if matches!(other, Type::Tuple(_) | Type::List(_)) {
                    " You have provided a value of type tuple."
                } else {
                    ""
                };
                let _ = hint;
                return err(self, "Invalid for_each argument", format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.", other.friendly_name()));
            }
        }
        Some(Expansion::ForEach(out))
    }
}

/// Checks `conditions` (validation rules, preconditions, postconditions) with `eval` (which
/// reports its own errors, giving `None`): whether all held, and an error at `at` for each
/// that did not, with its `error_message`. An unknown result passes (it is checked again when
/// known).
pub(crate) fn check_conditions(
    conditions: &[Condition],
    mut eval: impl FnMut(&Ex) -> Option<Value>,
    summary: &str,
    at: (Option<FileId>, terrane_dsl::syntax::Span),
) -> (bool, Vec<Diag>) {
    let mut ok = true;
    let mut out = Vec::new();
    for c in conditions {
        let Some(v) = eval(&c.condition) else {
            ok = false;
            continue;
        };
        if !v.is_known() {
            continue;
        }
        let v = v.unmark_deep().0;
        let passed = match convert(&v, &Type::Bool) {
            Ok(b) if !b.is_null() => b.as_bool() == Some(true),
            _ => {
                out.push(Diag::at(
                    c.condition.file,
                    Diagnostic::error(
                        "Invalid condition result",
                        "Invalid condition result value: a bool is required.",
                        c.condition.span(),
                    ),
                ));
                ok = false;
                continue;
            }
        };
        if passed {
            continue;
        }
        ok = false;
        let msg = eval(&c.error_message)
            .and_then(|m| {
                let m = m.unmark_deep().0;
                convert(&m, &Type::String)
                    .ok()
                    .and_then(|s| s.as_str().map(str::to_string))
            })
            .unwrap_or_else(|| "The condition evaluated to false.".to_string());
        out.push(Diag {
            file: at.0,
            diag: Diagnostic::error(summary, msg, at.1),
            // Terraform names a variable's validation rule (its block), not other conditions.
            rule: summary
                .contains("variable")
                .then_some(crate::source::CheckedBy {
                    file: c.decl.file,
                    span: c.decl.span,
                }),
        });
    }
    (ok, out)
}

/// Runs `configure` on the current runtime from synchronous code.
fn futures_block(
    p: Arc<dyn terrane_provider::Provider>,
    cfg: Value,
) -> Result<(), terrane_provider::ProviderError> {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(p.configure(cfg)))
}
