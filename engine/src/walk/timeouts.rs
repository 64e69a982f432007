//! A resource's `timeouts { create = "10m", update = ..., delete = ... }` as engine deadlines:
//! Terraform's (Go's) duration syntax, checked at the span when the configuration is decoded,
//! and the limit that bounds the provider call of one action. Providers still read the values
//! themselves (the AWS provider's waiters); types without the block keep their own defaults.

use std::time::Duration;

use terrane_dsl::syntax::ast::{Body, BodyItem};
use terrane_dsl::syntax::Span;
use terrane_dsl::value::Value;
use terrane_dsl::Diagnostic;

/// Parses a Go duration: a sequence of decimal numbers with units, `300ms`, `30s`, `10m`,
/// `1h30m`, `1.5h` (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`); `0` alone is zero.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let s = text.trim();
    if s == "0" {
        return Some(Duration::ZERO);
    }
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    let mut total = 0f64;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..u_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[u_end..];
        total += n * scale;
    }
    Duration::try_from_secs_f64(total).ok()
}

/// The limit `timeouts.<action>` sets in a resource's configuration or state value, and its
/// text ("10m") for messages.
pub fn limit(value: &Value, action: &str) -> Option<(Duration, String)> {
    let t = value.get_attr("timeouts")?;
    if !t.is_known() || t.is_null() {
        return None;
    }
    let text = t.get_attr(action)?.as_str()?.to_string();
    parse_duration(&text).map(|d| (d, text))
}

/// Checks the durations of the `timeouts` block of `body` (already decoded into `config`):
/// an error at the value's span for each that does not parse.
pub fn check(body: &Body, config: &Value, fallback: Span) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(t) = config
        .get_attr("timeouts")
        .filter(|t| t.is_known() && !t.is_null())
    else {
        return out;
    };
    let Some(entries) = t.entries() else {
        return out;
    };
    for (name, v) in entries {
        let Some(text) = v.as_str() else { continue };
        if parse_duration(text).is_some() {
            continue;
        }
        let span = body
            .items
            .iter()
            .filter_map(|i| match i {
                BodyItem::Block(b) if b.ident.name == "timeouts" => Some(b),
                _ => None,
            })
            .flat_map(|b| b.body.attributes())
            .find(|a| a.name.name == *name)
            .map_or(fallback, |a| a.expr.span);
        out.push(Diagnostic::error(
            "Invalid timeout duration",
            format!("The timeouts value \"{name}\" is {text:?}, which is not a duration: use a number and a unit, as \"30s\", \"10m\" or \"1h30m\"."),
            span,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        for (text, secs) in [
            ("30s", 30.0),
            ("10m", 600.0),
            ("1h30m", 5400.0),
            ("1.5h", 5400.0),
            ("300ms", 0.3),
            ("0", 0.0),
        ] {
            assert_eq!(
                parse_duration(text),
                Some(Duration::from_secs_f64(secs)),
                "{text}"
            );
        }
        for bad in ["", "10", "ten minutes", "5x", "-1s", "1h 30m"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
