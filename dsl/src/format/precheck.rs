//! A token-level syntax check run before formatting: the errors that make the token stream
//! unusable (stray characters, unbalanced brackets, unterminated strings and heredocs).

use crate::diagnostic::Diagnostic;
use crate::syntax::{Span, Token, TokenKind};

/// The errors found in `tokens` (lexed from `source`), in source order.
pub fn token_errors(source: &str, tokens: &[Token]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut open: Vec<Token> = Vec::new();
    for token in tokens {
        match token.kind {
            TokenKind::Invalid => {
                let text = token.text(source);
                let error = if text.starts_with("/*") {
                    Diagnostic::error(
                        "Unterminated template string",
                        "This comment has no closing `*/`.",
                        Span::new(token.span.start, token.span.start + 2),
                    )
                } else {
                    Diagnostic::error(
                        "Invalid character",
                        format!("This character is not used within the language: {text:?}."),
                        token.span,
                    )
                };
                errors.push(error);
            }
            TokenKind::OQuote | TokenKind::OHeredoc => open.push(*token),
            TokenKind::CQuote | TokenKind::CHeredoc => {
                open.pop();
            }
            TokenKind::Newline | TokenKind::Eof => {
                // A quoted string never spans lines.
                while let Some(last) = open.last().filter(|t| t.kind == TokenKind::OQuote) {
                    errors.push(Diagnostic::error(
                        "Unterminated template string",
                        "No closing quote was found for the string.",
                        last.span,
                    ));
                    open.pop();
                }
                if token.kind == TokenKind::Eof {
                    for unclosed in open.drain(..) {
                        errors.push(unclosed_error(unclosed));
                    }
                }
            }
            kind if kind.bracket_change() > 0 => open.push(*token),
            kind if kind.bracket_change() < 0 => {
                let matches = open.last().is_some_and(|o| closes(o.kind, kind));
                if matches {
                    open.pop();
                } else {
                    errors.push(Diagnostic::error(
                        "Unexpected closing bracket",
                        format!("This {} closes nothing that is open here.", kind.describe()),
                        token.span,
                    ));
                }
            }
            _ => {}
        }
    }
    errors.sort_by_key(|d| d.span.start);
    errors
}

fn closes(open: TokenKind, close: TokenKind) -> bool {
    use TokenKind::*;
    matches!(
        (open, close),
        (OBrace, CBrace)
            | (OBrack, CBrack)
            | (OParen, CParen)
            | (TemplateInterp | TemplateControl, TemplateSeqEnd)
    )
}

fn unclosed_error(token: Token) -> Diagnostic {
    match token.kind {
        TokenKind::OHeredoc => Diagnostic::error(
            "Unterminated template string",
            "No closing marker was found for the string.",
            token.span,
        ),
        TokenKind::OQuote => Diagnostic::error(
            "Unterminated template string",
            "No closing quote was found for the string.",
            token.span,
        ),
        _ => Diagnostic::error(
            "Unclosed bracket",
            format!("This {} is never closed.", token.kind.describe()),
            token.span,
        ),
    }
}
