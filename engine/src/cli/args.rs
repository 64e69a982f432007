//! Terraform-style argument spelling: `-flag`, `-flag=value` and `-flag value` are accepted as
//! clap's `--flag` forms, so Terraform users can type what they know.

use std::ffi::OsString;

/// Rewrites `-name...` (one dash, a name of two or more characters) to `--name...`. A lone `-`
/// (standard input) and anything after `--` are left alone.
pub fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut passthrough = false;
    for arg in args {
        if passthrough {
            out.push(arg);
            continue;
        }
        let rewritten = match arg.to_str() {
            Some("--") => {
                passthrough = true;
                None
            }
            Some(s) if is_single_dash_long(s) => Some(OsString::from(format!("-{s}"))),
            _ => None,
        };
        out.push(rewritten.unwrap_or(arg));
    }
    out
}

fn is_single_dash_long(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let name = rest.split('=').next().unwrap_or("");
    !rest.starts_with('-')
        && name.len() >= 2
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn single_dash_long_flags_become_double_dash() {
        assert_eq!(
            norm(&[
                "terrane",
                "fmt",
                "-check",
                "-list=false",
                "-",
                "--diff",
                "-x"
            ]),
            [
                "terrane",
                "fmt",
                "--check",
                "--list=false",
                "-",
                "--diff",
                "-x"
            ]
        );
    }

    #[test]
    fn arguments_after_double_dash_are_untouched() {
        assert_eq!(
            norm(&["terrane", "--", "-check"]),
            ["terrane", "--", "-check"]
        );
    }
}
