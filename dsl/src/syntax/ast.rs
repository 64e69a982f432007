//! The syntax tree of a configuration file: bodies, attributes, blocks and expressions, every
//! node with the byte span it came from.
//!
//! The tree is what the parser could recover: where the source has an error, the parser still
//! returns a tree, with [`ExprKind::Error`] standing in for an expression it could not read, and
//! reports the error separately. Template literals are stored already unescaped, with strip
//! markers (`~`) and `<<-` heredoc indentation applied, so consumers see the text as evaluated.

pub use super::token::Span;

/// A body: the attributes and blocks of a file or of a block, in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub items: Vec<BodyItem>,
    pub span: Span,
}

impl Body {
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.items.iter().filter_map(|item| match item {
            BodyItem::Attribute(a) => Some(a),
            BodyItem::Block(_) => None,
        })
    }

    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.items.iter().filter_map(|item| match item {
            BodyItem::Block(b) => Some(b),
            BodyItem::Attribute(_) => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum BodyItem {
    Attribute(Attribute),
    Block(Block),
}

/// A name as written in the source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `name = expr`
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: Ident,
    pub expr: Expr,
    /// From the name to the end of the expression.
    pub span: Span,
}

/// `type "label" label { body }`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub ident: Ident,
    pub labels: Vec<Label>,
    pub body: Body,
    pub open_brace: Span,
    /// Empty (at the end of the file) when the block was never closed.
    pub close_brace: Span,
    pub span: Span,
}

/// A block label: `"quoted"` (value unescaped) or bare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub value: String,
    pub quoted: bool,
    pub span: Span,
}

/// An expression and its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// HCL's `StartRange`: the part of the expression a diagnostic about it as a whole points
    /// at. The opening bracket of a collection or `for` constructor, a call's name and `(`, an
    /// operator's symbol, the first operand's start of a binary or conditional expression, a
    /// splat's `[*]`/`.*`; the whole expression otherwise.
    pub fn start_span(&self) -> Span {
        let first =
            |len: usize| Span::new(self.span.start, (self.span.start + len).min(self.span.end));
        match &self.kind {
            ExprKind::Tuple(_) | ExprKind::Object(_) | ExprKind::For(_) => first(1),
            ExprKind::FunctionCall { name, .. } => match (name.first(), name.last()) {
                (Some(a), Some(b)) => Span::new(a.span.start, (b.span.end + 1).min(self.span.end)),
                _ => self.span,
            },
            ExprKind::Conditional { condition, .. } => condition.start_span(),
            ExprKind::Binary { lhs, .. } => lhs.start_span(),
            ExprKind::Unary { op_span, .. } => *op_span,
            ExprKind::Parenthesized(inner) => inner.start_span(),
            // A template is its first part ("${x}" alone is wrapped, and is the whole).
            ExprKind::Template(t) if t.single_interpolation().is_none() => match t.parts.first() {
                Some(TemplatePart::Literal { span, .. }) => *span,
                Some(TemplatePart::Interpolation { expr, .. }) => expr.start_span(),
                Some(TemplatePart::If { span, .. } | TemplatePart::For { span, .. }) => *span,
                None => self.span,
            },
            ExprKind::Splat { source, full, .. } => {
                let len = if *full { 3 } else { 2 };
                Span::new(source.span.end, (source.span.end + len).min(self.span.end))
            }
            _ => self.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`, `true`, `false`
    Literal(Literal),
    /// A number literal as written (`1`, `1.5`, `1e10`); the evaluator decides its value.
    Number(String),
    /// A quoted string or a heredoc.
    Template(Template),
    /// A root name: `var`, `local`, `each`, a resource type, ...
    Variable(Ident),
    /// `object.name`
    GetAttr { object: Box<Expr>, name: Ident },
    /// `collection[key]`, and the legacy `collection.0` (`legacy` true).
    Index {
        collection: Box<Expr>,
        key: Box<Expr>,
        legacy: bool,
    },
    /// `source[*].each...` (`full`) or `source.*.each...` (attribute-only). `each` is applied to
    /// every element; inside it, [`ExprKind::SplatItem`] stands for the element.
    Splat {
        source: Box<Expr>,
        each: Box<Expr>,
        full: bool,
    },
    /// The element being visited inside a splat's `each` expression.
    SplatItem,
    /// `name(args)`, `provider::aws::arn_parse(args)`, `f(list...)`.
    FunctionCall {
        /// One part for a plain name; several for a namespaced name (`provider`, `aws`, ...).
        name: Vec<Ident>,
        args: Vec<Expr>,
        /// The last argument was followed by `...`.
        expand_final: bool,
    },
    /// `cond ? then : otherwise`
    Conditional {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        op_span: Span,
        operand: Box<Expr>,
    },
    /// `[a, b, c]`
    Tuple(Vec<Expr>),
    /// `{ k = v, k2: v2 }`
    Object(Vec<ObjectItem>),
    /// `[for ...]` or `{for ...}`
    For(Box<ForExpr>),
    /// `(expr)`: kept so that `(var.x)` is a value, not a name, as an object key.
    Parenthesized(Box<Expr>),
    /// Something the parser could not read; the error was reported.
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    Null,
    Bool(bool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

impl BinaryOp {
    /// Binding strength: higher binds tighter (`||` 1 ... `*` 6), as in the HCL spec.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Equal | BinaryOp::NotEqual => 3,
            BinaryOp::Less
            | BinaryOp::LessOrEqual
            | BinaryOp::Greater
            | BinaryOp::GreaterOrEqual => 4,
            BinaryOp::Add | BinaryOp::Subtract => 5,
            BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Modulo => 6,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Equal => "==",
            BinaryOp::NotEqual => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessOrEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterOrEqual => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Negate,
    /// `!x`
    Not,
}

/// One `key = value` (or `key: value`) item of an object constructor.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectItem {
    /// A bare name is an [`ExprKind::Variable`] here; the evaluator treats a lone name as a
    /// literal key, as HCL does, and `(name)` as a reference.
    pub key: Expr,
    pub value: Expr,
    /// `true` when written with `:` rather than `=`.
    pub colon: bool,
}

/// `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<Ident>,
    pub value_var: Ident,
    pub collection: Expr,
    /// Present for the object form.
    pub key: Option<Expr>,
    pub value: Expr,
    /// `...` after the value (object form only): group values by key.
    pub grouping: bool,
    pub condition: Option<Expr>,
}

/// A quoted string or heredoc: literal text, interpolations and directives.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    pub heredoc: Option<Heredoc>,
}

impl Template {
    /// `"${expr}"` alone: its value is the expression's value, unconverted.
    pub fn single_interpolation(&self) -> Option<&Expr> {
        match self.parts.as_slice() {
            [TemplatePart::Interpolation { expr, .. }] => Some(expr),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub marker: String,
    /// `<<-`: the common leading indentation is removed.
    pub indented: bool,
}

/// Whether a `~` strip marker sits on either side of a template sequence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Strip {
    pub left: bool,
    pub right: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text, unescaped, with strip markers and heredoc indentation applied.
    Literal { text: String, span: Span },
    /// `${expr}`
    Interpolation {
        expr: Expr,
        strip: Strip,
        span: Span,
    },
    /// `%{if cond}...%{else}...%{endif}`
    If {
        /// Boxed, as `For`'s parts: every part costs the size of the largest kind.
        condition: Box<Expr>,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
        span: Span,
    },
    /// `%{for k, v in coll}...%{endfor}`
    For {
        key_var: Option<Box<Ident>>,
        value_var: Ident,
        collection: Box<Expr>,
        body: Vec<TemplatePart>,
        span: Span,
    },
}

impl Template {
    /// The text of a template made only of literal text (`None` if it has interpolations or
    /// directives).
    pub fn literal_text(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal { text, .. } => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }
}
