//! Error recovery: after an error, skip tokens to a point where parsing can sensibly go on,
//! keeping track of brackets so that a skip never stops inside a nested construct.

use super::Parser;
use crate::syntax::token::{Token, TokenKind};

fn opener_of(kind: TokenKind) -> Option<TokenKind> {
    match kind {
        TokenKind::CBrace => Some(TokenKind::OBrace),
        TokenKind::CBrack => Some(TokenKind::OBrack),
        TokenKind::CParen => Some(TokenKind::OParen),
        TokenKind::CQuote => Some(TokenKind::OQuote),
        TokenKind::CHeredoc => Some(TokenKind::OHeredoc),
        _ => None,
    }
}

fn is_opener(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::OBrace
            | TokenKind::OBrack
            | TokenKind::OParen
            | TokenKind::OQuote
            | TokenKind::OHeredoc
            | TokenKind::TemplateInterp
            | TokenKind::TemplateControl
    )
}

/// Pops `open` down to (and including) the innermost opener matching `closer`. Returns
/// `false` (leaving `open` alone) when no opener matches.
fn close(open: &mut Vec<TokenKind>, closer: TokenKind) -> bool {
    let matches = |k: TokenKind| match closer {
        TokenKind::TemplateSeqEnd => {
            matches!(k, TokenKind::TemplateInterp | TokenKind::TemplateControl)
        }
        other => opener_of(other) == Some(k),
    };
    match open.iter().rposition(|&k| matches(k)) {
        Some(i) => {
            open.truncate(i);
            true
        }
        None => false,
    }
}

impl Parser<'_> {
    /// Skips the rest of a body item: up to and including the next newline outside brackets.
    /// Inside a block, stops before a `}` that closes no bracket of the item (it closes the
    /// block), so that the block still ends where it should.
    pub(super) fn recover_after_body_item(&mut self) {
        let mut open: Vec<TokenKind> = Vec::new();
        loop {
            let tok = self.toks[self.pos];
            match tok.kind {
                TokenKind::Eof => return,
                // An unterminated quoted string does not run past its line.
                TokenKind::Newline if open.iter().all(|&k| k == TokenKind::OQuote) => {
                    self.pos += 1;
                    return;
                }
                kind if is_opener(kind) => open.push(kind),
                TokenKind::CBrace if open.is_empty() && self.block_depth > 0 => return,
                kind if opener_of(kind).is_some() || kind == TokenKind::TemplateSeqEnd => {
                    let closed = close(&mut open, kind);
                    if !closed && kind == TokenKind::CBrace && self.block_depth > 0 {
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Skips to the bracket `closer` that ends the construct being read (consuming it and
    /// returning it), or stops before a closing bracket of another kind that belongs to an
    /// enclosing construct, or at the end of the file.
    pub(super) fn recover_to(&mut self, closer: TokenKind) -> Option<Token> {
        let mut open: Vec<TokenKind> = Vec::new();
        loop {
            let tok = self.toks[self.pos];
            match tok.kind {
                TokenKind::Eof => return None,
                kind if kind == closer && open.is_empty() => {
                    self.pos += 1;
                    return Some(tok);
                }
                kind if is_opener(kind) => open.push(kind),
                kind if opener_of(kind).is_some() || kind == TokenKind::TemplateSeqEnd => {
                    if open.is_empty() {
                        // Closes something outside the construct: stop here.
                        return None;
                    }
                    close(&mut open, kind);
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Where Terraform reports an index left open: the `]` that balances the brackets from
    /// here (counting only `[` and `]`), or the end of the file.
    pub(super) fn matching_bracket_or_eof(&self) -> crate::syntax::ast::Span {
        let mut depth = 0usize;
        for tok in &self.toks[self.pos..] {
            match tok.kind {
                TokenKind::OBrack => depth += 1,
                TokenKind::CBrack if depth == 0 => return tok.span,
                TokenKind::CBrack => depth -= 1,
                TokenKind::Eof => return tok.span,
                _ => {}
            }
        }
        crate::syntax::ast::Span::empty(self.src.len())
    }
}
