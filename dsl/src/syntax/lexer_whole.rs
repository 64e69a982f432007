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

/// Lexes `source` in one parser call, or `None` when its nesting is too deep for the fast path.
pub fn lex_shallow(source: &str) -> Option<Vec<Token>> {
    if brace_depth_bound(source) > MAX_FAST_DEPTH {
        return None;
    }
    let pairs = Grammar::parse(Rule::w_file, source).ok()?;
    let mut tokens = Vec::with_capacity(source.len() / 4 + 1);
    for pair in pairs.flatten() {
        let span = pair.as_span();
        let (start, end) = (span.start(), span.end());
        let (kind, end) = match pair.as_rule() {
            Rule::w_main_seq | Rule::EOI => continue,
            Rule::w_newline => {
                let len = if source.as_bytes()[start] == b'\r' {
                    2
                } else {
                    1
                };
                (TokenKind::Newline, start + len)
            }
            Rule::w_ident => (TokenKind::Ident, without_spaces(source, start, end)),
            Rule::w_punct => {
                let end = without_spaces(source, start, end);
                (punct_kind(&source[start..end]), end)
            }
            Rule::w_number => (TokenKind::NumberLit, without_spaces(source, start, end)),
            Rule::w_obrace => (TokenKind::OBrace, start + 1),
            Rule::w_cbrace => (TokenKind::CBrace, start + 1),
            Rule::w_close_quote => (TokenKind::CQuote, start + 1),
            rule => (kind_of(rule, span.as_str()), end),
        };
        tokens.push(Token {
            kind,
            span: Span::new(start, end),
        });
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::empty(source.len()),
    });
    Some(tokens)
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
        assert_eq!(fast, lex_iteratively(source), "input: {source:?}");
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
                prop_assert_eq!(fast, lex_iteratively(&source));
            }
        }
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::super::lexer::lex_iteratively;
    use super::lex_shallow;

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
                assert_eq!(fast, lex_iteratively(&source), "{}", path.display());
                compared += 1;
            }
        };
        visit(&root.join("tests/fixtures"), &mut check);
        visit(&root.join("../../shared/corpus"), &mut check);
        assert!(compared > 50, "only {compared} files compared");
    }
}
