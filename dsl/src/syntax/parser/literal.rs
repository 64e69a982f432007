//! Template literal text: escapes of quoted strings (`\n`, `\uNNNN`, `$${`, ...), the two
//! escapes of heredocs, the indentation removed by `<<-`, and strip markers.

use super::template::Piece;
use super::Parser;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::Span;

impl Parser<'_> {
    /// The text of a quoted literal with its escapes resolved; invalid escapes are reported.
    pub(super) fn unescape_quoted(&mut self, span: Span) -> String {
        let raw = self.src.get(span.range()).unwrap_or("");
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let Some((j, sel)) = chars.next() else {
                        self.report(
                            Diagnostic::error(
                                "Invalid escape sequence",
                                "Backslash must be followed by an escape sequence selector character.",
                                Span::new(span.start + i, span.start + i + 1),
                            )
                            .with_label("a lone backslash")
                            .with_help("write `\\\\` for a backslash"),
                        );
                        continue;
                    };
                    let esc_span = |len: usize| Span::new(span.start + i, span.start + j + len);
                    match sel {
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'u' | 'U' => {
                            let want = if sel == 'u' { 4 } else { 8 };
                            let mut hex = String::new();
                            while hex.len() < want {
                                match chars.peek() {
                                    Some(&(_, h)) if h.is_ascii_hexdigit() => {
                                        hex.push(h);
                                        chars.next();
                                    }
                                    _ => break,
                                }
                            }
                            let decoded =
                                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                            match decoded {
                                Some(ch) if hex.len() == want => out.push(ch),
                                _ => {
                                    let detail = if hex.len() < want {
                                        format!(
                                            "The \\{sel} escape sequence must be followed by {} hexadecimal digits.",
                                            if want == 4 { "four" } else { "eight" }
                                        )
                                    } else {
                                        format!("The \\{sel} escape sequence does not name a valid Unicode character.")
                                    };
                                    self.report(
                                        Diagnostic::error(
                                            "Invalid escape sequence",
                                            detail,
                                            esc_span(1 + hex.len()),
                                        )
                                        .with_label(format!("not a valid `\\{sel}` escape"))
                                        .with_help(format!(
                                            "write `\\{sel}` followed by exactly {want} hexadecimal digits"
                                        )),
                                    );
                                }
                            }
                        }
                        other => {
                            self.report(
                                Diagnostic::error(
                                    "Invalid escape sequence",
                                    format!("The symbol \"{other}\" is not a valid escape sequence selector."),
                                    esc_span(other.len_utf8()),
                                )
                                .with_label(format!("`\\{other}` is not an escape sequence"))
                                .with_help("valid escapes are \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN; write `\\\\` for a backslash"),
                            );
                        }
                    }
                }
                '$' | '%' if raw[i + 1..].starts_with(&format!("{c}{{")) => {
                    out.push(c);
                    out.push('{');
                    chars.next();
                    chars.next();
                }
                _ => out.push(c),
            }
        }
        out
    }
}

/// `$${` -> `${` and `%%{` -> `%{`: the only escapes of a heredoc.
pub(super) fn unescape_heredoc(raw: &str) -> String {
    raw.replace("$${", "${").replace("%%{", "%{")
}

/// `<<-`: removes the smallest indentation of the lines from every line. Lines holding only
/// whitespace do not count towards the smallest indentation; a line starting with an
/// interpolation or directive has none. Indentation is counted in characters.
pub(super) fn remove_common_indent(pieces: &mut [Piece]) {
    let is_indent = |c: char| c.is_whitespace() && c != '\n' && c != '\r';
    let mut min = usize::MAX;
    let mut at_line_start = true;
    // As HCL: a line starts after a literal ending in a newline *after* strip markers acted
    // (a `~` that ate a newline joins the next line to the directive's), and a blank line
    // (only whitespace, then its newline) neither counts nor is cut.
    let mut adjust = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if at_line_start {
            let indent = match piece {
                Piece::Literal { text, .. } => {
                    if text.trim().is_empty() && text.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        text.chars().take_while(|&c| is_indent(c)).count()
                    }
                }
                _ => 0,
            };
            min = min.min(indent);
        }
        at_line_start = matches!(piece, Piece::Literal { text, .. } if text.ends_with('\n'));
    }
    if min == usize::MAX || min == 0 {
        return;
    }
    for i in adjust {
        if let Some(Piece::Literal { text, .. }) = pieces.get_mut(i) {
            let cut: usize = text
                .chars()
                .take_while(|&c| is_indent(c))
                .take(min)
                .map(char::len_utf8)
                .sum();
            text.drain(..cut);
        }
    }
}

/// `~` next to a sequence removes the whitespace of the adjacent literal on that side.
pub(super) fn apply_strip_markers(pieces: &mut [Piece]) {
    for i in 0..pieces.len() {
        let strip = pieces[i].strip();
        if strip.left && i > 0 {
            if let Piece::Literal { text, .. } = &mut pieces[i - 1] {
                let keep = text.trim_end().len();
                text.truncate(keep);
            }
        }
        if strip.right && i + 1 < pieces.len() {
            if let Piece::Literal { text, .. } = &mut pieces[i + 1] {
                let cut = text.len() - text.trim_start().len();
                text.drain(..cut);
            }
        }
    }
}
