//! `moved` and `removed` blocks: moves rename state records before planning (so a renamed
//! resource is not destroyed and created again), and `removed` with `destroy = false` turns
//! the destruction of what left the configuration into forgetting it.

use terrane_dsl::eval::{Traversal, TraversalStep};
use terrane_dsl::Diagnostic;
use terrane_state::{ResourceAddress, Snapshot};

use super::model::{Action, Plan};
use crate::config::Config;
use crate::source::Diags;

/// A static address from a `moved`/`removed` block, as the prefix of instance addresses it
/// names (`terraform_data.a`, `terraform_data.a[0]`, `module.x`).
pub fn traversal_address(t: &Traversal) -> String {
    let mut out = t.root.clone();
    for s in &t.steps {
        match s {
            TraversalStep::Attr(n, _) => {
                out.push('.');
                out.push_str(n);
            }
            TraversalStep::Index(v, _) => match (v.as_i64(), v.as_str()) {
                (Some(i), _) => out.push_str(&format!("[{i}]")),
                (_, Some(s)) => out.push_str(&format!("[{}]", crate::addrs::quote(s))),
                _ => {}
            },
        }
    }
    out
}

/// Whether `address` is `prefix` or inside it (an instance of it, or in a module it names).
pub fn within(address: &str, prefix: &str) -> Option<String> {
    if address == prefix {
        return Some(String::new());
    }
    let rest = address.strip_prefix(prefix)?;
    (rest.starts_with('[') || rest.starts_with('.')).then(|| rest.to_string())
}

/// Applies the root module's `moved` blocks to `prior`: each matching record gets its new
/// address. Returns the moves made (old address, new address).
pub fn apply_moves(
    config: &Config,
    prior: &mut Snapshot,
    diags: &mut Diags,
) -> Vec<(String, String)> {
    let mut moves = Vec::new();
    for m in &config.root().moved {
        let from = traversal_address(&m.from.1);
        let to = traversal_address(&m.to.1);
        for rec in prior.resources.iter_mut() {
            let Some(rest) = within(&rec.address, &from) else {
                continue;
            };
            let new = format!("{to}{rest}");
            if prior_has(&moves, &new) {
                continue;
            }
            match ResourceAddress::parse(&new) {
                Ok(a) => {
                    moves.push((rec.address.clone(), new));
                    rec.set_address(&a);
                }
                Err(e) => diags.push(
                    m.to.0,
                    Diagnostic::error(
                        "Invalid \"moved\" target",
                        format!("{new}: {e}"),
                        m.to.1.span,
                    ),
                ),
            }
        }
    }
    prior
        .resources
        .sort_by(|a, b| a.address.cmp(&b.address).then(a.deposed.cmp(&b.deposed)));
    moves
}

fn prior_has(moves: &[(String, String)], new: &str) -> bool {
    moves.iter().any(|(_, n)| n == new)
}

/// Marks moved changes and turns destroys covered by `removed { lifecycle { destroy = false } }`
/// into forgets; a `removed` block naming something still configured is an error.
pub fn finish(config: &Config, plan: &mut Plan, moves: &[(String, String)], diags: &mut Diags) {
    for c in plan.changes.iter_mut() {
        let addr = c.addr.to_string();
        if let Some((old, _)) = moves.iter().find(|(_, new)| *new == addr) {
            c.prev_addr = crate::addrs::parse_instance(old).ok();
        }
    }
    for r in &config.root().removed {
        let from = traversal_address(&r.from.1);
        let still = config.root().resources.keys().any(|res| {
            within(&res.to_string(), &from).is_some() || within(&from, &res.to_string()).is_some()
        }) || config
            .root()
            .module_calls
            .keys()
            .any(|m| within(&format!("module.{m}"), &from).is_some());
        if still {
            diags.push(
                r.from.0,
                Diagnostic::error(
                    "Removed resource still exists",
                    format!("This statement declares that {from} was removed, but it is still declared in configuration."),
                    r.from.1.span,
                ),
            );
            continue;
        }
        if r.destroy {
            continue;
        }
        for c in plan.changes.iter_mut() {
            if c.action == Action::Delete && within(&c.addr.to_string(), &from).is_some() {
                c.action = Action::Forget;
            }
        }
    }
}
