//! Lexical tokens of the HCL native syntax, with the byte span each one covers.
//!
//! The token kinds follow the HCL scanner's granularity on purpose: the formatter works on the
//! token stream (as `terraform fmt` does), so a token must cover exactly the bytes that the
//! reference scanner would give it. In particular:
//! - a `#` or `//` comment token includes the newline that ends it (`\n` or `\r\n`);
//! - `${` and `${~` are one [`TokenKind::TemplateInterp`], `%{` and `%{~` one
//!   [`TokenKind::TemplateControl`], `}` and `~}` that close them one [`TokenKind::TemplateSeqEnd`];
//! - `<<EOF` / `<<-EOF` plus its newline is one [`TokenKind::OHeredoc`]; the closing marker line
//!   (its leading spaces and the marker, not the newline after it) is one [`TokenKind::CHeredoc`];
//! - literal text in a quoted string is [`TokenKind::QuotedLit`] (escapes kept as written);
//!   literal text in a heredoc is [`TokenKind::StringLit`], one token per line (each including
//!   its newline) or per run of text before an interpolation or directive.

/// A half-open range of byte offsets into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub const fn empty(offset: usize) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// What a token is. Names follow the HCL scanner's token types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `{`
    OBrace,
    /// `}` (outside a template sequence)
    CBrace,
    /// `[`
    OBrack,
    /// `]`
    CBrack,
    /// `(`
    OParen,
    /// `)`
    CParen,
    /// `"` opening a quoted template
    OQuote,
    /// `"` closing a quoted template
    CQuote,
    /// `<<EOF\n` or `<<-EOF\n`
    OHeredoc,
    /// the heredoc's closing marker (leading spaces included, newline excluded)
    CHeredoc,

    Star,
    Slash,
    Plus,
    Minus,
    Percent,

    /// `=`
    Equal,
    /// `==`
    EqualOp,
    /// `!=`
    NotEqual,
    LessThan,
    LessThanEq,
    GreaterThan,
    GreaterThanEq,

    /// `&&`
    And,
    /// `||`
    Or,
    /// `!`
    Bang,

    Dot,
    Comma,
    /// `::`
    DoubleColon,
    /// `...`
    Ellipsis,
    /// `=>`
    FatArrow,
    Question,
    Colon,

    /// `${` or `${~`
    TemplateInterp,
    /// `%{` or `%{~`
    TemplateControl,
    /// `}` or `~}` closing a template sequence
    TemplateSeqEnd,

    /// literal text inside a quoted string, escapes as written
    QuotedLit,
    /// literal text inside a heredoc
    StringLit,
    /// a number: digits, optional fraction, optional exponent
    NumberLit,
    /// an identifier (also keywords such as `true`, `for`, `in`, `if`)
    Ident,

    /// a comment; `#` and `//` comments include their terminating newline
    Comment,
    /// `\n` or `\r\n`
    Newline,
    /// end of input (empty span at the end)
    Eof,

    /// a byte sequence that is not valid here (a stray character, a lone `&`, ...)
    Invalid,
}

impl TokenKind {
    /// +1 for tokens that open a bracket (including template sequences), -1 for those that
    /// close one, 0 otherwise.
    pub fn bracket_change(self) -> i32 {
        match self {
            TokenKind::OBrace
            | TokenKind::OBrack
            | TokenKind::OParen
            | TokenKind::TemplateControl
            | TokenKind::TemplateInterp => 1,
            TokenKind::CBrace
            | TokenKind::CBrack
            | TokenKind::CParen
            | TokenKind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }

    /// How a person would name this kind of token in an error message.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::OBrace => "`{`",
            TokenKind::CBrace => "`}`",
            TokenKind::OBrack => "`[`",
            TokenKind::CBrack => "`]`",
            TokenKind::OParen => "`(`",
            TokenKind::CParen => "`)`",
            TokenKind::OQuote => "an opening quote",
            TokenKind::CQuote => "a closing quote",
            TokenKind::OHeredoc => "the start of a heredoc",
            TokenKind::CHeredoc => "the end of a heredoc",
            TokenKind::Star => "`*`",
            TokenKind::Slash => "`/`",
            TokenKind::Plus => "`+`",
            TokenKind::Minus => "`-`",
            TokenKind::Percent => "`%`",
            TokenKind::Equal => "`=`",
            TokenKind::EqualOp => "`==`",
            TokenKind::NotEqual => "`!=`",
            TokenKind::LessThan => "`<`",
            TokenKind::LessThanEq => "`<=`",
            TokenKind::GreaterThan => "`>`",
            TokenKind::GreaterThanEq => "`>=`",
            TokenKind::And => "`&&`",
            TokenKind::Or => "`||`",
            TokenKind::Bang => "`!`",
            TokenKind::Dot => "`.`",
            TokenKind::Comma => "`,`",
            TokenKind::DoubleColon => "`::`",
            TokenKind::Ellipsis => "`...`",
            TokenKind::FatArrow => "`=>`",
            TokenKind::Question => "`?`",
            TokenKind::Colon => "`:`",
            TokenKind::TemplateInterp => "`${`",
            TokenKind::TemplateControl => "`%{`",
            TokenKind::TemplateSeqEnd => "`}`",
            TokenKind::QuotedLit | TokenKind::StringLit => "literal text",
            TokenKind::NumberLit => "a number",
            TokenKind::Ident => "a name",
            TokenKind::Comment => "a comment",
            TokenKind::Newline => "a newline",
            TokenKind::Eof => "the end of the file",
            TokenKind::Invalid => "an invalid character",
        }
    }
}

/// One token: its kind and the bytes it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token's text in `source`.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.span.range()]
    }
}
