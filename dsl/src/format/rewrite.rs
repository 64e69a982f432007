//! Terraform's rewrites before layout (`terraform fmt`'s body pass): unwrapping attribute values
//! that are a lone `"${ ... }"`, normalizing `type` in `variable` blocks, and quoting block
//! labels. The body structure (attributes, blocks, labels) is read from the token list itself.

use super::labels::{decode_label, encode_label};
use super::tokens::FTok;
use crate::syntax::TokenKind::{self, *};
use std::ops::Range;

/// Replace the tokens in `range` with `tokens`.
struct Edit<'a> {
    range: Range<usize>,
    tokens: Vec<FTok<'a>>,
}

/// A body to walk: the token range between its braces (or the whole file) and whether it is
/// the body of a top-level `variable` block.
struct Body {
    range: Range<usize>,
    top_level: bool,
    in_variable: bool,
}

/// Applies Terraform's rewrites to `tokens`.
pub fn rewrite<'a>(tokens: Vec<FTok<'a>>) -> Vec<FTok<'a>> {
    let mut edits = Vec::new();
    let mut work = vec![Body {
        range: 0..tokens.len(),
        top_level: true,
        in_variable: false,
    }];
    while let Some(body) = work.pop() {
        walk_body(&tokens, body, &mut edits, &mut work);
    }
    apply(tokens, edits)
}

fn apply<'a>(tokens: Vec<FTok<'a>>, mut edits: Vec<Edit<'a>>) -> Vec<FTok<'a>> {
    if edits.is_empty() {
        return tokens;
    }
    edits.sort_by_key(|e| e.range.start);
    let mut out = Vec::with_capacity(tokens.len() + 8);
    let mut edits = edits.into_iter().peekable();
    let mut skip_until = 0;
    for (i, token) in tokens.into_iter().enumerate() {
        while let Some(edit) = edits.next_if(|e| e.range.start == i) {
            if edit.range.start >= skip_until {
                skip_until = edit.range.end;
                out.extend(edit.tokens);
            }
        }
        if i >= skip_until {
            out.push(token);
        }
    }
    out
}

fn walk_body<'a>(tokens: &[FTok<'a>], body: Body, edits: &mut Vec<Edit<'a>>, work: &mut Vec<Body>) {
    let end = body.range.end;
    let mut i = body.range.start;
    while i < end {
        match tokens[i].kind {
            Newline | Comment => {
                i += 1;
                continue;
            }
            Ident => {}
            _ => {
                i = skip_to_line_end(tokens, i, end).max(i + 1);
                continue;
            }
        }
        let name = i;
        let next = next_significant(tokens, i + 1, end);
        if next < end && tokens[next].kind == Equal {
            let expr_end = skip_to_line_end(tokens, next + 1, end);
            let expr = trim_comments(tokens, next + 1..expr_end);
            let in_type = body.in_variable && tokens[name].text == "type";
            let replacement = if in_type {
                type_expr(&tokens[expr.clone()])
            } else {
                value_expr(&tokens[expr.clone()]).map(unwrap_nested)
            };
            if let Some(new) = replacement {
                edits.push(Edit {
                    range: expr,
                    tokens: new,
                });
            }
            i = expr_end;
            continue;
        }
        // A block: labels up to its `{`.
        let mut j = i + 1;
        while j < end
            && matches!(
                tokens[j].kind,
                Ident | OQuote | QuotedLit | CQuote | Comment
            )
        {
            if tokens[j].ends_line() {
                break;
            }
            j += 1;
        }
        if j >= end || tokens[j].kind != OBrace {
            i = skip_to_line_end(tokens, i, end).max(i + 1);
            continue;
        }
        let close = matching_close(tokens, j, end);
        // Comments between the labels go; those after the last label stay.
        let labels_end = (i + 1..j)
            .rev()
            .find(|&k| tokens[k].kind != Comment)
            .map_or(i + 1, |k| k + 1);
        if let Some(labels) = label_tokens(tokens, i + 1..labels_end) {
            edits.push(Edit {
                range: i + 1..labels_end,
                tokens: labels,
            });
        }
        work.push(Body {
            range: j + 1..close,
            top_level: false,
            in_variable: body.top_level && tokens[name].text == "variable",
        });
        i = close + 1;
    }
}

fn next_significant(tokens: &[FTok<'_>], mut i: usize, end: usize) -> usize {
    while i < end && tokens[i].kind == Comment && !tokens[i].ends_line() {
        i += 1;
    }
    i
}

/// The index of the token that ends the line started before `i` at bracket depth 0 (a newline
/// or a line comment), of a bracket closing past depth 0, or `end`.
fn skip_to_line_end(tokens: &[FTok<'_>], mut i: usize, end: usize) -> usize {
    let mut depth: i64 = 0;
    while i < end {
        let token = &tokens[i];
        if depth == 0 && token.ends_line() {
            return i;
        }
        depth += i64::from(token.kind.bracket_change());
        if depth < 0 {
            return i;
        }
        i += 1;
    }
    end
}

/// The index of the bracket closing the one opened at `open`, or `end`.
fn matching_close(tokens: &[FTok<'_>], open: usize, end: usize) -> usize {
    let mut depth: i64 = 0;
    for (i, token) in tokens.iter().enumerate().take(end).skip(open) {
        depth += i64::from(token.kind.bracket_change());
        if depth == 0 {
            return i;
        }
    }
    end
}

/// `range` without the block comments at its start and end.
fn trim_comments(tokens: &[FTok<'_>], mut range: Range<usize>) -> Range<usize> {
    while range.start < range.end && tokens[range.start].kind == Comment {
        range.start += 1;
    }
    while range.start < range.end && tokens[range.end - 1].kind == Comment {
        range.end -= 1;
    }
    range
}

fn kinds_are(tokens: &[FTok<'_>], kinds: &[TokenKind]) -> bool {
    tokens.len() == kinds.len() && tokens.iter().zip(kinds).all(|(t, k)| t.kind == *k)
}

/// Unwraps `"${"${ x }"}"` to `x` in one run. Terraform unwraps one level per run, so its
/// `fmt` is not idempotent on such input (a second run changes the file again); terrane
/// deliberately finishes the job, so that `fmt` followed by `fmt -check` always passes.
fn unwrap_nested(mut tokens: Vec<FTok<'_>>) -> Vec<FTok<'_>> {
    while let Some(inner) = value_expr(&tokens) {
        tokens = inner;
    }
    tokens
}

/// `"${ expr }"` as an attribute's whole value becomes `expr` (in parentheses when it spans
/// lines). `None` when the value is anything else.
fn value_expr<'a>(expr: &[FTok<'a>]) -> Option<Vec<FTok<'a>>> {
    let n = expr.len();
    if n < 5
        || expr[0].kind != OQuote
        || expr[1].kind != TemplateInterp
        || expr[n - 2].kind != TemplateSeqEnd
        || expr[n - 1].kind != CQuote
    {
        return None;
    }
    let inside = &expr[2..n - 2];
    let mut quotes = 0i64;
    for token in inside {
        match token.kind {
            OQuote => quotes += 1,
            CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            TemplateInterp | TemplateSeqEnd | QuotedLit => return None,
            _ => {}
        }
    }
    let start = inside.iter().position(|t| t.kind != Newline)?;
    let end = inside.iter().rposition(|t| t.kind != Newline)? + 1;
    let trimmed = &inside[start..end];
    let last = trimmed.len() - 1;
    let mut multi_line = false;
    let mut leading_paren = false;
    let mut trailing_paren = false;
    for (i, token) in trimmed.iter().enumerate() {
        if i == 0 && token.kind == OParen {
            leading_paren = true;
        } else if token.kind == Newline {
            multi_line = true;
        } else if i == last && token.kind == CParen {
            trailing_paren = true;
        }
    }
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    let wrap = multi_line && !(leading_paren && trailing_paren);
    if wrap {
        out.push(FTok::new(OParen, "("));
    }
    out.extend(trimmed.iter().cloned());
    if wrap {
        out.push(FTok::new(CParen, ")"));
    }
    Some(out)
}

/// `type` in a top-level `variable` block: `list`/`map`/`set` get `(any)`, and the legacy
/// quoted types become type expressions. `None` when nothing changes.
fn type_expr<'a>(expr: &[FTok<'a>]) -> Option<Vec<FTok<'a>>> {
    let ident = |s: &'static str| FTok::new(Ident, s);
    let call = |name: &'static str, arg: &'static str| {
        vec![
            ident(name),
            FTok::new(OParen, "("),
            ident(arg),
            FTok::new(CParen, ")"),
        ]
    };
    if kinds_are(expr, &[Ident]) {
        return match &*expr[0].text {
            "list" => Some(call("list", "any")),
            "map" => Some(call("map", "any")),
            "set" => Some(call("set", "any")),
            _ => None,
        };
    }
    if kinds_are(expr, &[OQuote, QuotedLit, CQuote]) {
        return match &*expr[1].text {
            "string" => Some(vec![ident("string")]),
            "list" => Some(call("list", "string")),
            "map" => Some(call("map", "string")),
            _ => None,
        };
    }
    None
}

/// A block's labels as canonical quoted strings (comments between them dropped). `None` when
/// a label cannot be read (left as written).
fn label_tokens<'a>(tokens: &[FTok<'a>], range: Range<usize>) -> Option<Vec<FTok<'a>>> {
    let mut values = Vec::new();
    let mut i = range.start;
    while i < range.end {
        match tokens[i].kind {
            Comment => i += 1,
            Ident => {
                values.push(tokens[i].text.to_string());
                i += 1;
            }
            OQuote => {
                if i + 1 < range.end && tokens[i + 1].kind == CQuote {
                    values.push(String::new());
                    i += 2;
                } else if i + 2 < range.end
                    && tokens[i + 1].kind == QuotedLit
                    && tokens[i + 2].kind == CQuote
                {
                    // Terraform reads a label only when its text is one scanner token and
                    // silently deletes the others (`"a$b"`, `"$${x}"`), changing what the file
                    // means. terrane keeps every label (a deliberate difference).
                    values.push(decode_label(&tokens[i + 1].text)?);
                    i += 3;
                } else {
                    return None;
                }
            }
            _ => return None,
        }
    }
    let mut out = Vec::with_capacity(values.len() * 3);
    for value in values {
        out.push(FTok::new(OQuote, "\""));
        let escaped = encode_label(&value);
        if !escaped.is_empty() {
            out.push(FTok::new(QuotedLit, escaped));
        }
        out.push(FTok::new(CQuote, "\""));
    }
    Some(out)
}
