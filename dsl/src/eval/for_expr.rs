//! `for` expressions: `[for k, v in coll : value if cond]` and
//! `{for k, v in coll : key => value... if cond}`, as HCL evaluates them. Lists and tuples give
//! index keys, maps and objects their keys in lexical order, sets their elements (in set order)
//! as both key and value. The first error of a kind stops further reports of it; an unknown
//! collection, condition or key makes the whole result unknown.

use std::collections::BTreeMap;

use crate::syntax::ast::{ForExpr, Ident};
use crate::syntax::Span;
use crate::value::{convert, Marks, Type, Value, ValueKind};

use super::Evaluator;

/// The `(key, value)` pairs a `for` iterates over, in order.
pub(crate) fn iteration_pairs(coll: &Value) -> Vec<(Value, Value)> {
    match coll.kind() {
        ValueKind::List(es) | ValueKind::Tuple(es) => es
            .iter()
            .enumerate()
            .map(|(i, e)| (Value::int(i as i64), e.clone()))
            .collect(),
        ValueKind::Set(es) => es.iter().map(|e| (e.clone(), e.clone())).collect(),
        ValueKind::Map(m) | ValueKind::Object(m) => m
            .iter()
            .map(|(k, v)| (Value::string(k), v.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether values of this type can be iterated by `for`.
pub(crate) fn iterable(ty: &Type) -> bool {
    ty.is_collection() || ty.is_structural()
}

pub(crate) fn bindings(
    key_var: Option<&Ident>,
    value_var: &Ident,
    key: Value,
    value: Value,
) -> Vec<(String, Value)> {
    let mut out = Vec::with_capacity(2);
    if let Some(k) = key_var {
        out.push((k.name.clone(), key));
    }
    out.push((value_var.name.clone(), value));
    out
}

impl Evaluator<'_, '_> {
    /// Evaluates the collection of a `for` (expression or template directive); `Err` carries
    /// the value to return early (an error was reported, or the collection is unknown).
    pub(crate) fn for_collection(
        &mut self,
        collection: &crate::syntax::ast::Expr,
    ) -> Result<(Value, Marks), Value> {
        let coll = self.eval(collection);
        if coll.is_null() {
            self.error(
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
                collection.span,
            );
            return Err(Value::dynamic());
        }
        if coll.ty().is_dynamic() {
            return Err(Value::dynamic().with_marks(coll.marks().clone()));
        }
        let (coll, marks) = coll.unmark();
        if !iterable(coll.ty()) {
            self.error(
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    coll.ty().friendly_name()
                ),
                collection.span,
            );
            return Err(Value::dynamic());
        }
        if !coll.is_known() {
            return Err(Value::dynamic().with_marks(marks));
        }
        Ok((coll, marks))
    }

    pub(crate) fn eval_for(&mut self, f: &ForExpr, _span: Span) -> Value {
        let (coll, mut marks) = match self.for_collection(&f.collection) {
            Ok(c) => c,
            Err(v) => return v,
        };
        let mut known = true;
        let mut tuple_vals: Vec<Value> = Vec::new();
        let mut obj_vals: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in iteration_pairs(&coll) {
            let syms = bindings(f.key_var.as_ref(), &f.value_var, k, v);
            let step = self.with_symbols(syms, |ev| ev.for_step(f, &mut known, &mut marks));
            match step {
                Step::Skip => {}
                Step::Item(v) => tuple_vals.push(v),
                Step::Entry(k, v) => {
                    if f.grouping {
                        groups.entry(k).or_default().push(v);
                    } else {
                        match obj_vals.entry(k) {
                            std::collections::btree_map::Entry::Occupied(e) => {
                                let span = f.key.as_ref().map_or(f.value.span, |e| e.span);
                                let detail = format!("Two different items produced the key \"{}\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.", e.key());
                                self.error("Duplicate object key", detail, span);
                            }
                            std::collections::btree_map::Entry::Vacant(e) => {
                                e.insert(v);
                            }
                        }
                    }
                }
            }
        }
        if !known {
            return Value::dynamic().with_marks(marks);
        }
        let out = if f.key.is_none() {
            Value::tuple(tuple_vals)
        } else {
            if f.grouping {
                for (k, vs) in groups {
                    obj_vals.insert(k, Value::tuple(vs));
                }
            }
            Value::object(obj_vals)
        };
        out.with_marks(marks)
    }

    fn for_step(&mut self, f: &ForExpr, known: &mut bool, marks: &mut Marks) -> Step {
        if let Some(cond) = &f.condition {
            let c = self.eval(cond);
            if c.is_null() {
                if *known {
                    self.error(
                        "Condition is null",
                        "The value of the 'if' clause must not be null.",
                        cond.span,
                    );
                }
                *known = false;
                return Step::Skip;
            }
            let c = match convert(&c, &Type::Bool) {
                Ok(c) => c,
                Err(e) => {
                    if *known {
                        self.error(
                            "Invalid 'for' condition",
                            format!("The 'if' clause value is invalid: {e}."),
                            cond.span,
                        );
                    }
                    *known = false;
                    return Step::Skip;
                }
            };
            if !c.is_known() {
                *known = false;
                return Step::Skip;
            }
            let (c, m) = c.unmark();
            marks.extend(m);
            if c.as_bool() != Some(true) {
                return Step::Skip;
            }
        }
        let Some(key_expr) = &f.key else {
            return Step::Item(self.eval(&f.value));
        };
        let k = self.eval(key_expr);
        if k.is_null() {
            if *known {
                self.error(
                    "Invalid object key",
                    "Key expression in 'for' expression must not produce a null value.",
                    key_expr.span,
                );
            }
            *known = false;
            return Step::Skip;
        }
        if !k.is_known() {
            *known = false;
            return Step::Skip;
        }
        let k = match convert(&k, &Type::String) {
            Ok(k) => k,
            Err(e) => {
                if *known {
                    self.error(
                        "Invalid object key",
                        format!("The key expression produced an invalid result: {e}."),
                        key_expr.span,
                    );
                }
                *known = false;
                return Step::Skip;
            }
        };
        let (k, m) = k.unmark();
        marks.extend(m);
        let v = self.eval(&f.value);
        Step::Entry(k.as_str().unwrap_or_default().to_string(), v)
    }
}

enum Step {
    Skip,
    Item(Value),
    Entry(String, Value),
}
