//! Unit tests of the lexer: token kinds and exact token boundaries, as the HCL scanner has them.

use super::lex;
use crate::syntax::token::TokenKind::{self, *};

/// The tokens of `src` as (kind, text), without the final Eof.
fn toks(src: &str) -> Vec<(TokenKind, &str)> {
    let tokens = lex(src);
    assert_eq!(tokens.last().map(|t| t.kind), Some(Eof));
    assert_eq!(tokens.last().map(|t| t.span.start), Some(src.len()));
    tokens[..tokens.len() - 1]
        .iter()
        .map(|t| (t.kind, t.text(src)))
        .collect()
}

fn kinds(src: &str) -> Vec<TokenKind> {
    toks(src).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn empty_input_is_just_eof() {
    assert_eq!(lex("").len(), 1);
    assert!(toks("  \t ").is_empty());
}

#[test]
fn attribute_and_block() {
    assert_eq!(
        toks("a = 1\nb \"x\" {\n}\r\n"),
        [
            (Ident, "a"),
            (Equal, "="),
            (NumberLit, "1"),
            (Newline, "\n"),
            (Ident, "b"),
            (OQuote, "\""),
            (QuotedLit, "x"),
            (CQuote, "\""),
            (OBrace, "{"),
            (Newline, "\n"),
            (CBrace, "}"),
            (Newline, "\r\n"),
        ]
    );
}

#[test]
fn comments_include_their_newline_except_block_comments() {
    assert_eq!(
        toks("# a\n// b\r\n/* c\n */\n#end"),
        [
            (Comment, "# a\n"),
            (Comment, "// b\r\n"),
            (Comment, "/* c\n */"),
            (Newline, "\n"),
            (Comment, "#end"),
        ]
    );
}

#[test]
fn unterminated_block_comment_is_invalid() {
    assert_eq!(toks("a /* b\nc"), [(Ident, "a"), (Invalid, "/* b\nc")]);
}

#[test]
fn numbers() {
    assert_eq!(
        toks("1 1.5 1e10 1.5E-3 12. 1e"),
        [
            (NumberLit, "1"),
            (NumberLit, "1.5"),
            (NumberLit, "1e10"),
            (NumberLit, "1.5E-3"),
            (NumberLit, "12"),
            (Dot, "."),
            (NumberLit, "1"),
            (Ident, "e"),
        ]
    );
}

#[test]
fn identifiers_with_dashes_and_unicode() {
    assert_eq!(
        toks("foo-bar _x é日本 a1"),
        [
            (Ident, "foo-bar"),
            (Ident, "_x"),
            (Ident, "é日本"),
            (Ident, "a1"),
        ]
    );
}

#[test]
fn operators() {
    assert_eq!(
        kinds("== != <= >= && || :: ... => [ ] ( ) . , * / % + - = < > ! ? :"),
        [
            EqualOp,
            NotEqual,
            LessThanEq,
            GreaterThanEq,
            And,
            Or,
            DoubleColon,
            Ellipsis,
            FatArrow,
            OBrack,
            CBrack,
            OParen,
            CParen,
            Dot,
            Comma,
            Star,
            Slash,
            Percent,
            Plus,
            Minus,
            Equal,
            LessThan,
            GreaterThan,
            Bang,
            Question,
            Colon,
        ]
    );
}

#[test]
fn stray_characters_are_invalid() {
    assert_eq!(
        toks("a & b ~ ;\r"),
        [
            (Ident, "a"),
            (Invalid, "&"),
            (Ident, "b"),
            (Invalid, "~"),
            (Invalid, ";"),
            (Invalid, "\r"),
        ]
    );
}

#[test]
fn quoted_template() {
    assert_eq!(
        toks(r#""a\"b $${x} %%{y} ${v}-%{~ if c ~}z" "#),
        [
            (OQuote, "\""),
            (QuotedLit, r#"a\"b $${x} %%{y} "#),
            (TemplateInterp, "${"),
            (Ident, "v"),
            (TemplateSeqEnd, "}"),
            (QuotedLit, "-"),
            (TemplateControl, "%{~"),
            (Ident, "if"),
            (Ident, "c"),
            (TemplateSeqEnd, "~}"),
            (QuotedLit, "z"),
            (CQuote, "\""),
        ]
    );
}

#[test]
fn braces_inside_interpolation_are_tracked() {
    assert_eq!(
        kinds(r#""${ {a=1}.a }""#),
        [
            OQuote,
            TemplateInterp,
            OBrace,
            Ident,
            Equal,
            NumberLit,
            CBrace,
            Dot,
            Ident,
            TemplateSeqEnd,
            CQuote
        ]
    );
}

#[test]
fn nested_quotes_in_interpolation() {
    assert_eq!(
        kinds(r#""${f("${x}")}""#),
        [
            OQuote,
            TemplateInterp,
            Ident,
            OParen,
            OQuote,
            TemplateInterp,
            Ident,
            TemplateSeqEnd,
            CQuote,
            CParen,
            TemplateSeqEnd,
            CQuote
        ]
    );
}

#[test]
fn unterminated_string_ends_at_newline() {
    assert_eq!(
        toks("a = \"abc\nb"),
        [
            (Ident, "a"),
            (Equal, "="),
            (OQuote, "\""),
            (QuotedLit, "abc"),
            (Newline, "\n"),
            (Ident, "b"),
        ]
    );
    assert_eq!(toks("\"ab"), [(OQuote, "\""), (QuotedLit, "ab")]);
}

#[test]
fn heredoc() {
    assert_eq!(
        toks("a = <<EOF\nx ${y} z\n\n  EOF\nEOF\nb"),
        [
            (Ident, "a"),
            (Equal, "="),
            (OHeredoc, "<<EOF\n"),
            (StringLit, "x "),
            (TemplateInterp, "${"),
            (Ident, "y"),
            (TemplateSeqEnd, "}"),
            (StringLit, " z\n"),
            (StringLit, "\n"),
            (CHeredoc, "  EOF"),
            (Newline, "\n"),
            (Ident, "EOF"),
            (Newline, "\n"),
            (Ident, "b"),
        ]
    );
}

#[test]
fn indented_heredoc_with_crlf_and_escapes() {
    assert_eq!(
        toks("<<-EOT\r\n  $${a}\r\n EOT \r\n"),
        [
            (OHeredoc, "<<-EOT\r\n"),
            (StringLit, "  $${a}\r\n"),
            (CHeredoc, " EOT "),
            (Newline, "\r\n"),
        ]
    );
}

#[test]
fn marker_after_an_interpolation_on_the_same_line_does_not_close() {
    assert_eq!(
        kinds("<<EOF\n${a}EOF\nEOF\n"),
        [
            OHeredoc,
            TemplateInterp,
            Ident,
            TemplateSeqEnd,
            StringLit,
            CHeredoc,
            Newline
        ]
    );
}

#[test]
fn unclosed_heredoc_runs_to_the_end() {
    assert_eq!(
        toks("<<EOF\nx\nEOF"),
        [
            (OHeredoc, "<<EOF\n"),
            (StringLit, "x\n"),
            (StringLit, "EOF")
        ]
    );
}

#[test]
fn heredoc_needs_a_newline_after_the_marker() {
    assert_eq!(kinds("<<EOF x"), [LessThan, LessThan, Ident, Ident]);
}

#[test]
fn bom_is_skipped() {
    let src = "\u{feff}a";
    let tokens = lex(src);
    assert_eq!(tokens[0].kind, Ident);
    assert_eq!(tokens[0].span.start, 3);
}

#[test]
fn tilde_close_outside_a_sequence_is_invalid_then_brace() {
    assert_eq!(toks("~}"), [(Invalid, "~"), (CBrace, "}")]);
}

#[test]
fn never_panics_on_odd_bytes() {
    for src in [
        "\0\u{1}\u{7f}",
        "\"${",
        "<<",
        "<<-\n",
        "${",
        "%{",
        "}}}",
        "\"\\",
        "é\u{301}",
    ] {
        let tokens = lex(src);
        assert_eq!(tokens.last().map(|t| t.kind), Some(Eof));
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let n = 10_000;
    for (open, close) in [("[", "]"), ("{", "}"), ("\"${", "}\""), ("(", ")")] {
        let src = format!("a = {}1{}\n", open.repeat(n), close.repeat(n));
        let tokens = lex(&src);
        assert!(tokens.len() > 2 * n);
        assert!(tokens.iter().all(|t| t.kind != Invalid));
    }
}
