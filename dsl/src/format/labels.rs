//! Block labels as Terraform writes them: the label's value read from its quoted literal
//! (escapes decoded) and written back as a canonical quoted literal.

/// The value of a quoted label's literal text, or `None` when an escape is invalid.
pub fn decode_label(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next()?;
                match escaped {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let digits = if escaped == 'u' { 4 } else { 8 };
                        let mut code = 0u32;
                        for _ in 0..digits {
                            code = code * 16 + chars.next()?.to_digit(16)?;
                        }
                        out.push(char::from_u32(code)?);
                    }
                    _ => return None,
                }
            }
            '$' | '%' if chars.peek() == Some(&c) => {
                // `$${` and `%%{` are the escaped template introducers.
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'{') {
                    chars.next();
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// `value` as the text of a quoted literal: quotes, backslashes and control characters
/// escaped, `${` and `%{` doubled, characters that do not print as `\uNNNN`.
pub fn encode_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            _ if !prints(c) => {
                let code = u32::from(c);
                if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a character prints (Go's `unicode.IsPrint`, approximately): not a control or
/// format character, not a separator other than the ASCII space, not unassigned-looking.
fn prints(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let code = u32::from(c);
    !matches!(
        code,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xD800..=0xDFFF
            | 0xE000..=0xF8FF
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xF0000..=0x10FFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [r#"a\"b"#, r"a\\b", "a$${b}", "a%%{b}", r"\n\t", "é"] {
            assert_eq!(encode_label(&decode_label(text).unwrap()), text);
        }
    }

    #[test]
    fn decodes_unicode_escapes() {
        assert_eq!(decode_label(r"\u0041\U0001F600").unwrap(), "A😀");
        assert_eq!(decode_label(r"\q"), None);
    }

    #[test]
    fn escapes_what_does_not_print() {
        assert_eq!(encode_label("a\u{1}b\u{a0}"), r"a\u0001b\u00a0");
    }
}
