//! Property test: any text made of the language's pieces parses without panicking, and every
//! diagnostic span lies inside the text on character boundaries.

use proptest::prelude::*;
use terrane_dsl::syntax::parse;

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "b", " ", "\n", "\r\n", "=", "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "~}",
        "}", "<<EOT\n", "<<-EOT\n", "EOT", "\\", "\\q", "\\u12", "$${", ",", ".", "*", "...", "?",
        ":", "=>", "for", "in", "if", "endif", "else", "endfor", "#c\n", "//c\n", "/*", "*/", "1",
        "1.5", "+", "-", "!", "&&", "||", "==", "&", "'", "é", "\u{feff}", "::", "\t",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn arbitrary_token_soup_parses(pieces in prop::collection::vec(piece(), 0..60)) {
        let text: String = pieces.concat();
        let parsed = parse(&text);
        for d in &parsed.diagnostics {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        }
    }
}
