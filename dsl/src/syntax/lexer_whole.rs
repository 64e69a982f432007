//! The lexer's fast path: the whole file in one call of the pest grammar (`w_file` in
//! lexer.pest), whose recursion follows the nesting of braces, template sequences, quoted
//! strings and heredocs. It is taken only when a cheap scan bounds the nesting depth, so that
//! the recursion stays far from the end of the call stack; deeper input goes to the iterative
//! path in lexer.rs, which gives the same tokens at any depth.

use super::lexer::{punct_kind, Grammar, Rule};
use super::token::{Span, Token, TokenKind};
use pest::Parser;

/// The deepest brace nesting the fast path accepts. Every level of mode nesting (`{`, `${`,
/// `%{`, and a quoted string or heredoc inside a sequence) needs a `{`, so the running count of
/// `{` minus `}` bounds the grammar's recursion from above.
const MAX_FAST_DEPTH: usize = 24;

/// The size of the pieces the fast path lexes a file in (each piece to the end of a line at
/// the top level). pest keeps two entries for every token of the text it is given until the
/// call returns; pieces of this size bound that to a few megabytes, where one call over a
/// large generated file held more than half of a plan's peak memory.
const PIECE: usize = 64 * 1024;

/// Lexes `source` with the grammar's recursive rules, piece by piece, or `None` when its
/// nesting is too deep for the fast path.
pub fn lex_shallow(source: &str) -> Option<Vec<Token>> {
    lex_in_pieces(source, PIECE)
}

fn lex_in_pieces(source: &str, piece: usize) -> Option<Vec<Token>> {
    if brace_depth_bound(source) > MAX_FAST_DEPTH {
        return None;
    }
    let mut tokens = Vec::with_capacity(source.len() / 4 + 1);
    let mut start = 0;
    while start < source.len() {
        let cut = line_end_after(source, start.saturating_add(piece));
        let before = tokens.len();
        lex_piece(source, start, cut, &mut tokens)?;
        if cut == source.len() {
            break;
        }
        // Keep the tokens up to the piece's last line end at the top level; the next piece
        // starts there.
        match last_top_level_line_end(source, &tokens[before..]) {
            Some((count, end)) => {
                tokens.truncate(before + count);
                start = end;
            }
            None => {
                // No line of the piece ends at the top level (one construct longer than a
                // piece): the rest in one call.
                tokens.truncate(before);
                lex_piece(source, start, source.len(), &mut tokens)?;
                break;
            }
        }
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::empty(source.len()),
    });
    tokens.shrink_to_fit();
    Some(tokens)
}

/// The end (just past the `\n`) of the first line ending at or after `from`; the end of
/// `source` when there is none.
fn line_end_after(source: &str, from: usize) -> usize {
    let bytes = source.as_bytes();
    match bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
    {
        Some(i) => from + i + 1,
        None => bytes.len(),
    }
}

/// Where a piece's tokens last leave the lexer ready to start afresh: after a newline (or a
/// line comment, which holds its newline) with every brace, template sequence, quoted string
/// and heredoc before it closed, and no byte order mark next (which the grammar skips only at
/// a start). How many tokens come up to there, and the position.
fn last_top_level_line_end(source: &str, tokens: &[Token]) -> Option<(usize, usize)> {
    let mut open: Vec<TokenKind> = Vec::new();
    let mut last = None;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::OBrace
            | TokenKind::TemplateInterp
            | TokenKind::TemplateControl
            | TokenKind::OQuote
            | TokenKind::OHeredoc => open.push(t.kind),
            TokenKind::CBrace
            | TokenKind::TemplateSeqEnd
            | TokenKind::CQuote
            | TokenKind::CHeredoc => {
                open.pop();
            }
            TokenKind::Newline | TokenKind::Comment => {
                // A newline ends a quoted string that has no closing quote.
                if t.kind == TokenKind::Newline && open.last() == Some(&TokenKind::OQuote) {
                    open.pop();
                }
                let text = &source[t.span.start..t.span.end];
                if open.is_empty()
                    && text.ends_with('\n')
                    && !text.starts_with("/*")
                    && !source[t.span.end..].starts_with('\u{feff}')
                {
                    last = Some((i + 1, t.span.end));
                }
            }
            _ => {}
        }
    }
    last
}

/// Lexes `source[start..end]` in one parser call, appending its tokens (with spans in
/// `source`) to `tokens`.
fn lex_piece(source: &str, start: usize, end: usize, tokens: &mut Vec<Token>) -> Option<()> {
    let text = &source[start..end];
    let pairs = Grammar::parse(Rule::w_file, text).ok()?;
    for pair in pairs.flatten() {
        let span = pair.as_span();
        let (s, e) = (span.start(), span.end());
        let (kind, e) = match pair.as_rule() {
            Rule::w_main_seq | Rule::EOI => continue,
            Rule::w_newline => {
                let len = if text.as_bytes()[s] == b'\r' { 2 } else { 1 };
                (TokenKind::Newline, s + len)
            }
            Rule::w_ident => (TokenKind::Ident, without_spaces(text, s, e)),
            Rule::w_punct => {
                let e = without_spaces(text, s, e);
                (punct_kind(&text[s..e]), e)
            }
            Rule::w_number => (TokenKind::NumberLit, without_spaces(text, s, e)),
            Rule::w_obrace => (TokenKind::OBrace, s + 1),
            Rule::w_cbrace => (TokenKind::CBrace, s + 1),
            Rule::w_close_quote => (TokenKind::CQuote, s + 1),
            rule => (kind_of(rule, span.as_str()), e),
        };
        tokens.push(Token {
            kind,
            span: Span::new(start + s, start + e),
        });
    }
    Some(())
}

/// The end of the token `source[start..end]` without the spaces and tabs it swallowed.
fn without_spaces(source: &str, start: usize, mut end: usize) -> usize {
    let bytes = source.as_bytes();
    while end > start && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

/// The kind of a token of `rule` (one that swallows no spaces) with the text `text`.
fn kind_of(rule: Rule, text: &str) -> TokenKind {
    match rule {
        Rule::newline => TokenKind::Newline,
        Rule::line_comment | Rule::block_comment => TokenKind::Comment,
        Rule::number => TokenKind::NumberLit,
        Rule::ident => TokenKind::Ident,
        Rule::obrace => TokenKind::OBrace,
        Rule::cbrace => TokenKind::CBrace,
        Rule::punct => punct_kind(text),
        Rule::template_interp => TokenKind::TemplateInterp,
        Rule::template_control => TokenKind::TemplateControl,
        Rule::w_seq_end => TokenKind::TemplateSeqEnd,
        Rule::w_open_quote => TokenKind::OQuote,
        Rule::quoted_lit => TokenKind::QuotedLit,
        Rule::w_heredoc_open => TokenKind::OHeredoc,
        Rule::w_heredoc_close => TokenKind::CHeredoc,
        Rule::w_heredoc_mid | Rule::w_heredoc_eol => TokenKind::StringLit,
        _ => TokenKind::Invalid,
    }
}

/// An upper bound of the brace nesting: `{` and `}` counted everywhere, strings and comments
/// included (braces there only make the bound larger).
fn brace_depth_bound(source: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    for byte in source.bytes() {
        match byte {
            b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex_iteratively;
    use super::*;
    use proptest::prelude::*;

    fn same_tokens(source: &str) {
        let fast = lex_shallow(source).expect("shallow input takes the fast path");
        let slow = lex_iteratively(source);
        assert_eq!(fast, slow, "input: {source:?}");
        // Cut into pieces at every line (and more): the same tokens.
        for piece in [0, 1, 5, 17] {
            let pieces = lex_in_pieces(source, piece).expect("the fast path");
            assert_eq!(pieces, slow, "pieces of {piece} bytes, input: {source:?}");
        }
    }

    #[test]
    fn pieces_end_only_where_the_lexer_is_at_the_top_level() {
        // Pieces of generated blocks: cut between blocks, never inside one.
        let blocks: String = (0..50)
            .map(|i| {
                format!("resource \"t\" \"r{i}\" {{\n  a = \"${{x}}\"\n  b = <<EOT\n}}\nEOT\n}}\n")
            })
            .collect();
        for piece in [0, 10, 100] {
            let pieces = lex_in_pieces(&blocks, piece).expect("the fast path");
            assert_eq!(pieces, lex_iteratively(&blocks), "pieces of {piece} bytes");
        }
        for source in [
            "a = <<EOT\nx\ny = 1\nEOT\nb = 2\n",
            "a = {\nb = 1\n}\nc = 2\n",
            "a = /* open\nb = 1\n*/ c\n",
            "a = \"${\nb\n}\"\nc = 1\n",
            "a = \"open\nb = \"x\"\n",
            "# comment {\nb = 1\n",
            "a = 1\n\u{feff}b = 2\n",
            "} b = 1\n{ c = 2\n",
        ] {
            same_tokens(source);
        }
    }

    #[test]
    fn both_paths_agree_on_every_construct() {
        for source in [
            "",
            "\u{feff}a = 1\r\n",
            "a = { b = [1, 2.5e3, \"x\"] } # c\n// d\r\n/* e */ x\n",
            "a = \"pre ${ {a = 1}.a } %{ if x ~}y%{~ endif } \\\" $${no} %%{no}\"\n",
            "a = \"unterminated\nb = 1\n",
            "a = <<EOT\nline ${var.x}\n  %{for x in y}${x}%{endfor}\n  EOT\nb = 1\n",
            "a = <<-EOT\r\n    indented\r\n    EOT\r\n",
            "a = <<EOT\nnever closed ${x}\n",
            "a = <<EOT\nouter ${<<INNER\ninner\nINNER\n} after\nEOT\n",
            "}} ~} a = 1 ~ b\n",
            "a = { ~} }\n",
            "a = \"${ \"${ \"x\" }\" }\"\n",
            "a = /* never closed\n",
            "a = \"\\\n\"\n",
            "a = x ? y : z && !w || v...\nprovider::aws::f(1) => 2\n",
            "ü = \"ünï ${ ü }\"\n",
            "a = 1..2 1. 1e 1e+ .5\n",
            "a = \"${\"\n",
            "a = \"%{\"\n",
            "\t \r a\r\n",
        ] {
            same_tokens(source);
        }
    }

    #[test]
    fn deep_nesting_takes_the_iterative_path() {
        let deep = format!("a = {}\n", "{".repeat(MAX_FAST_DEPTH + 1));
        assert!(lex_shallow(&deep).is_none());
        let shallow = format!("a = {}{}\n", "${\"".repeat(8), "\"}".repeat(8));
        assert!(lex_shallow(&shallow).is_some());
    }

    #[test]
    fn the_deepest_fast_input_fits_a_small_stack() {
        // Worst case for the recursion: every level is a quoted string inside a sequence.
        let n = MAX_FAST_DEPTH;
        let source = format!("a = \"{}x{}\"\n", "${\"".repeat(n - 1), "\"}".repeat(n - 1));
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || lex_shallow(&source).map(|t| t.len()))
            .expect("spawn");
        assert!(handle.join().expect("no stack overflow").is_some());
    }

    proptest! {
        #[test]
        fn both_paths_agree_on_random_text(source in "[ a-z0-9{}\\[\\]()\"$%~<<\\-EOT\\\\\n\r\t#/*.,=:?!]{0,120}") {
            if let Some(fast) = lex_shallow(&source) {
                let slow = lex_iteratively(&source);
                prop_assert_eq!(&fast, &slow);
                prop_assert_eq!(lex_in_pieces(&source, 3), Some(slow));
            }
        }
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::super::lexer::lex_iteratively;
    use super::{lex_in_pieces, lex_shallow};

    fn visit(dir: &std::path::Path, check: &mut dyn FnMut(&std::path::Path)) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, check);
            } else {
                check(&path);
            }
        }
    }

    /// Both lexer paths give the same tokens on every fixture of the crate (and on the shared
    /// corpus of real modules when it is there).
    #[test]
    fn both_paths_agree_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        let mut check = |path: &std::path::Path| {
            let Ok(source) = std::fs::read_to_string(path) else {
                return;
            };
            if let Some(fast) = lex_shallow(&source) {
                let slow = lex_iteratively(&source);
                assert_eq!(fast, slow, "{}", path.display());
                let pieces = lex_in_pieces(&source, 100);
                assert_eq!(pieces.as_ref(), Some(&slow), "{} in pieces", path.display());
                compared += 1;
            }
        };
        visit(&root.join("tests/fixtures"), &mut check);
        visit(&root.join("../../shared/corpus"), &mut check);
        assert!(compared > 50, "only {compared} files compared");
    }
}
