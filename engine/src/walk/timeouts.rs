//! A resource's `timeouts { create = "10m", update = ..., delete = ... }` as engine deadlines:
//! Terraform's (Go's) duration syntax, checked at the span when the configuration is decoded,
//! and the limit that bounds the provider call of one action. Providers still read the values
//! themselves (the AWS provider's waiters); types without the block keep their own defaults.

use std::time::Duration;

use terrane_dsl::syntax::ast::{Body, BodyItem};
use terrane_dsl::syntax::Span;
use terrane_dsl::value::Value;
use terrane_dsl::Diagnostic;
use terrane_provider::duration::parse_duration;

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
