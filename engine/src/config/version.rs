//! `required_version` constraints (`>= 1.5, < 2.0`, `~> 1.9`): a `terraform` block's constraint is
//! checked against the Terraform language version terrane implements, a `terrane` block's
//! against terrane's own version.

use terrane_dsl::Diagnostic;

use super::Config;
use crate::source::Diags;

/// The Terraform release whose language terrane implements.
pub const TERRAFORM_LANGUAGE_VERSION: &str = "1.15.5";

fn parse(v: &str) -> Option<Vec<u64>> {
    let v = v.trim().trim_start_matches('v');
    let core = v.split(['-', '+']).next()?;
    core.split('.').map(|p| p.parse().ok()).collect()
}

fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

/// Whether `version` satisfies every comma-separated part of `constraint`; `None` when the
/// constraint cannot be read.
pub fn satisfies(constraint: &str, version: &str) -> Option<bool> {
    let have = parse(version)?;
    for part in constraint.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (op, rest) = ["~>", ">=", "<=", "!=", "=", ">", "<"]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", part));
        let want = parse(rest)?;
        let o = cmp(&have, &want);
        let ok = match op {
            "=" => o.is_eq(),
            "!=" => o.is_ne(),
            ">" => o.is_gt(),
            ">=" => o.is_ge(),
            "<" => o.is_lt(),
            "<=" => o.is_le(),
            _ => {
                // ~> X.Y allows X.*, >= X.Y; ~> X.Y.Z allows X.Y.*, >= X.Y.Z.
                let prefix = want.len().saturating_sub(1).max(1);
                o.is_ge() && have.iter().take(prefix).eq(want.iter().take(prefix))
            }
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// Checks every module's `required_version`.
pub fn check(config: &Config, diags: &mut Diags) {
    for m in config.modules.values() {
        for (constraint, decl, terrane) in &m.required_version {
            let (version, what) = if *terrane {
                (env!("CARGO_PKG_VERSION"), "terrane")
            } else {
                (TERRAFORM_LANGUAGE_VERSION, "Terraform language")
            };
            match satisfies(constraint, version) {
                Some(true) => {}
                Some(false) => diags.push(
                    decl.file,
                    Diagnostic::error(
                        "Unsupported Terraform Core version",
                        format!("This configuration does not support {what} version {version}. To proceed, either choose another supported version or update this version constraint. Version constraints are normally set for good reason, so updating the constraint may lead to other errors or unexpected behavior."),
                        decl.span,
                    ),
                ),
                None => diags.push(
                    decl.file,
                    Diagnostic::error(
                        "Invalid required_version constraint",
                        format!("The constraint {constraint:?} cannot be read: use comparisons such as \">= 1.5\" or \"~> 1.9\", separated by commas."),
                        decl.span,
                    ),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::satisfies;

    #[test]
    fn constraints() {
        for (c, v, want) in [
            (">= 1.5", "1.15.5", true),
            (">= 1.5, < 2.0", "1.15.5", true),
            ("~> 1.9", "1.15.5", true),
            ("~> 1.9.0", "1.15.5", false),
            ("~> 1.15.0", "1.15.5", true),
            ("< 1.0", "1.15.5", false),
            ("1.15.5", "1.15.5", true),
            ("!= 1.15.5", "1.15.5", false),
        ] {
            assert_eq!(satisfies(c, v), Some(want), "{c} {v}");
        }
        assert_eq!(satisfies(">= one", "1.0"), None);
    }
}
