//! `import` blocks: which instance each one brings under management and with which id,
//! evaluated when the walk reaches the resource (ids and `for_each` may use variables and
//! locals). The job then imports and reads the object instead of creating it.

use std::collections::HashMap;

use terrane_dsl::syntax::ast::{Expr, ExprKind};
use terrane_dsl::value::{convert, Type};
use terrane_dsl::Diagnostic;

use super::values::Repetition;
use super::Walker;
use crate::addrs::{AbsResource, InstanceKey, ModuleInstance, Resource};
use crate::source::Diag;

/// `type.name` or `type.name[key]` written in `to`.
fn target(expr: &Expr) -> Option<(Resource, Option<&Expr>)> {
    let (base, key) = match &expr.kind {
        ExprKind::Index {
            collection, key, ..
        } => (collection.as_ref(), Some(key.as_ref())),
        _ => (expr, None),
    };
    let ExprKind::GetAttr { object, name } = &base.kind else {
        return None;
    };
    let ExprKind::Variable(ty) = &object.kind else {
        return None;
    };
    Some((Resource::managed(&ty.name, &name.name), key))
}

impl<'a, 'w> Walker<'a, 'w> {
    /// The root module's imports into `r`: instance address -> id.
    pub(crate) fn imports_for(&mut self, r: &Resource) -> HashMap<String, String> {
        let mut out = HashMap::new();
        let root = self.input.config.root();
        let inst = ModuleInstance::root();
        for imp in &root.imports {
            let Some((res, key_expr)) = target(&imp.to.expr) else {
                self.error(Diag::at(
                    imp.to.file,
                    Diagnostic::error(
                        "Invalid import address",
                        "The \"to\" argument must be a resource address such as aws_instance.web or aws_instance.web[\"key\"].",
                        imp.to.span(),
                    ),
                ));
                continue;
            };
            if res != *r {
                continue;
            }
            let expansion = match &imp.for_each {
                Some(fe) => match self.expansion(None, Some(fe), root, &inst) {
                    Some(e) => e,
                    None => continue,
                },
                None => super::values::Expansion::Single,
            };
            let reps: Vec<Repetition> = match &expansion {
                super::values::Expansion::Single => vec![Repetition::default()],
                e => e.keys().iter().map(|k| e.repetition(k)).collect(),
            };
            for rep in reps {
                let key = match key_expr {
                    None => None,
                    Some(ke) => {
                        let ex = crate::config::Ex {
                            file: imp.to.file,
                            expr: ke.clone(),
                        };
                        let Some(v) = self.eval_at(&ex, root, &inst, &rep, None) else {
                            continue;
                        };
                        match (v.as_i64(), v.as_str()) {
                            (Some(i), _) if v.ty() == &Type::Number => Some(InstanceKey::Int(i)),
                            (_, Some(s)) => Some(InstanceKey::Str(s.to_string())),
                            _ => None,
                        }
                    }
                };
                let Some(id) = self.eval_at(&imp.id, root, &inst, &rep, None) else {
                    continue;
                };
                let id = convert(&id.unmark_deep().0, &Type::String)
                    .ok()
                    .and_then(|s| s.as_str().map(str::to_string));
                let Some(id) = id else {
                    self.error(Diag::at(
                        imp.id.file,
                        Diagnostic::error(
                            "Invalid import id argument",
                            "The import ID must be a known, non-null string.",
                            imp.id.span(),
                        ),
                    ));
                    continue;
                };
                let addr = AbsResource {
                    module: inst.clone(),
                    resource: res.clone(),
                }
                .instance(key);
                out.insert(addr.to_string(), id);
            }
        }
        out
    }
}
