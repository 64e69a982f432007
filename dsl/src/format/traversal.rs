//! A quirk of Terraform's formatter kept for byte-identical output: in a variable reference
//! (`a.b[0]["k"]...`), an index whose key is `true`, `false` or `null` loses its key
//! (`x[null]` is written `x[]`), because hclwrite rebuilds only number and string keys.

use super::tokens::FTok;
use crate::syntax::TokenKind::*;

/// Removes the key tokens (and newlines around them) of `[true]`, `[false]` and `[null]` steps
/// in variable references.
pub fn drop_unwritable_index_keys(tokens: Vec<FTok<'_>>) -> Vec<FTok<'_>> {
    let mut drop = vec![false; tokens.len()];
    let mut any = false;
    let mut i = 0;
    while i < tokens.len() {
        if !is_root(&tokens, i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            let kind = |k: usize| tokens.get(k).map(|t| t.kind);
            if kind(j) == Some(Dot) && matches!(kind(j + 1), Some(Ident | NumberLit)) {
                j += 2;
                continue;
            }
            if kind(j) != Some(OBrack) {
                break;
            }
            let Some((close, unwritable)) = literal_key(&tokens, j + 1) else {
                break;
            };
            if unwritable {
                drop[j + 1..close].iter_mut().for_each(|d| *d = true);
                any = true;
            }
            j = close + 1;
        }
        i = j;
    }
    if !any {
        return tokens;
    }
    tokens
        .into_iter()
        .zip(drop)
        .filter_map(|(token, dropped)| (!dropped).then_some(token))
        .collect()
}

/// Whether the identifier at `i` starts a variable reference: not an attribute after a dot,
/// not a function name, not a keyword literal.
fn is_root(tokens: &[FTok<'_>], i: usize) -> bool {
    let token = &tokens[i];
    token.kind == Ident
        && !matches!(&*token.text, "true" | "false" | "null")
        && !is_for_keyword_in(tokens, i)
        && (i == 0 || tokens[i - 1].kind != TemplateControl)
        && (i == 0 || !matches!(tokens[i - 1].kind, Dot | DoubleColon))
        && !matches!(
            tokens.get(i + 1).map(|t| t.kind),
            Some(OParen | DoubleColon)
        )
}

/// Whether the `in` at `i` is the keyword of a `for` expression (`for v in`, `for k, v in`),
/// which a following `[...]` does not index.
fn is_for_keyword_in(tokens: &[FTok<'_>], i: usize) -> bool {
    let is = |k: Option<usize>, kind, text: Option<&str>| {
        k.and_then(|k| tokens.get(k))
            .is_some_and(|t| t.kind == kind && text.is_none_or(|x| *t.text == *x))
    };
    tokens[i].text.as_ref() == "in"
        && (is(i.checked_sub(2), Ident, Some("for"))
            || (is(i.checked_sub(2), Comma, None) && is(i.checked_sub(4), Ident, Some("for"))))
}

/// When the tokens from `start` are a literal index key and `]`: the index of `]` and whether
/// the key is one Terraform cannot write back (`true`, `false`, `null`).
fn literal_key(tokens: &[FTok<'_>], start: usize) -> Option<(usize, bool)> {
    let skip_newlines = |mut k: usize| {
        while tokens.get(k).is_some_and(|t| t.kind == Newline) {
            k += 1;
        }
        k
    };
    let k = skip_newlines(start);
    let key = tokens.get(k)?;
    let (after, unwritable) = match key.kind {
        NumberLit => (k + 1, false),
        Ident if matches!(&*key.text, "true" | "false" | "null") => (k + 1, true),
        OQuote => {
            let mut m = k + 1;
            if tokens.get(m).is_some_and(|t| t.kind == QuotedLit) {
                m += 1;
            }
            if tokens.get(m)?.kind != CQuote {
                return None;
            }
            (m + 1, false)
        }
        _ => return None,
    };
    let close = skip_newlines(after);
    (tokens.get(close)?.kind == CBrack).then_some((close, unwritable))
}
