//! The formatter's token list: each token's kind, text and the spaces written before it, built
//! from the lexer's tokens and written back out as text.

use crate::syntax::{Token, TokenKind};
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// One token as the formatter sees it (hclwrite's token): formatting changes only `spaces`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FTok<'a> {
    pub kind: TokenKind,
    pub text: Cow<'a, str>,
    /// How many spaces are written before the token.
    pub spaces: usize,
}

impl<'a> FTok<'a> {
    /// A token made by a rewrite (no spaces yet: the layout pass decides them).
    pub fn new(kind: TokenKind, text: impl Into<Cow<'a, str>>) -> FTok<'a> {
        FTok {
            kind,
            text: text.into(),
            spaces: 0,
        }
    }

    /// The columns this token occupies with its spaces: spaces plus grapheme clusters.
    pub fn columns(&self) -> usize {
        // In ASCII text every byte is a cluster of its own, except `\r\n` (one cluster).
        let clusters = if self.text.is_ascii() && !self.text.contains('\r') {
            self.text.len()
        } else {
            self.text.graphemes(true).count()
        };
        self.spaces + clusters
    }

    /// Whether this token ends a line: a newline, or a `#`/`//` comment that includes one.
    pub fn ends_line(&self) -> bool {
        match self.kind {
            TokenKind::Newline => true,
            TokenKind::Comment => self.text.ends_with('\n'),
            _ => false,
        }
    }
}

/// The formatter's view of a file: its tokens (without the end of file) and the spaces found
/// before the end of the file, which are written out unchanged.
#[derive(Clone, Debug)]
pub struct TokenList<'a> {
    pub tokens: Vec<FTok<'a>>,
    pub trailing_spaces: usize,
}

impl<'a> TokenList<'a> {
    /// Converts lexer tokens: a token's spaces are the bytes skipped before it (a tab counts as
    /// one, a byte-order mark as three, like hclwrite).
    pub fn from_lexed(source: &'a str, lexed: &[Token]) -> TokenList<'a> {
        let mut tokens = Vec::with_capacity(lexed.len());
        let mut last_end = 0;
        let mut trailing_spaces = 0;
        for token in lexed {
            let spaces = token.span.start.saturating_sub(last_end);
            last_end = token.span.end;
            if token.kind == TokenKind::Eof {
                trailing_spaces = spaces;
                break;
            }
            tokens.push(FTok {
                kind: token.kind,
                text: Cow::Borrowed(source.get(token.span.range()).unwrap_or("")),
                spaces,
            });
        }
        TokenList {
            tokens,
            trailing_spaces,
        }
    }

    /// The text: each token's spaces and bytes, then the spaces before the end of the file.
    pub fn render(&self) -> String {
        let len: usize = self
            .tokens
            .iter()
            .map(|t| t.spaces + t.text.len())
            .sum::<usize>()
            + self.trailing_spaces;
        let mut out = String::with_capacity(len);
        for token in &self.tokens {
            push_spaces(&mut out, token.spaces);
            out.push_str(&token.text);
        }
        push_spaces(&mut out, self.trailing_spaces);
        out
    }
}

fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let chunk = n.min(SPACES.len());
        out.push_str(&SPACES[..chunk]);
        n -= chunk;
    }
}
