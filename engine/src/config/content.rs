//! Reading a block's body against the arguments and nested blocks it may have: unexpected ones
//! are reported as Terraform reports them ("Unsupported argument", "Unsupported block type"),
//! and static values (`sensitive = true`, `source = "./x"`) are read as constants.

use terrane_dsl::eval::{references, EvalContext, Scope, Traversal};
use terrane_dsl::functions::FunctionTable;
use terrane_dsl::syntax::ast::{Attribute, Block, Body, BodyItem, Expr, ExprKind};
use terrane_dsl::syntax::Span;
use terrane_dsl::value::Value;
use terrane_dsl::Diagnostic;

use crate::source::{Diags, FileId};

/// The arguments and nested blocks of one body, checked against what is allowed.
pub struct Content<'b> {
    pub attrs: Vec<&'b Attribute>,
    pub blocks: Vec<&'b Block>,
}

impl<'b> Content<'b> {
    /// Splits `body` into allowed arguments and blocks; reports the rest.
    pub fn read(
        body: &'b Body,
        attrs: &[&str],
        blocks: &[&str],
        file: FileId,
        diags: &mut Diags,
    ) -> Content<'b> {
        let mut out = Content {
            attrs: Vec::new(),
            blocks: Vec::new(),
        };
        for item in &body.items {
            match item {
                BodyItem::Attribute(a) => {
                    if attrs.contains(&a.name.name.as_str()) {
                        out.attrs.push(a);
                    } else {
                        diags.push(file, unsupported_argument(&a.name.name, a.name.span));
                    }
                }
                BodyItem::Block(b) => {
                    if blocks.contains(&b.ident.name.as_str()) {
                        out.blocks.push(b);
                    } else {
                        diags.push(file, unsupported_block(&b.ident.name, b.ident.span));
                    }
                }
            }
        }
        out
    }

    pub fn attr(&self, name: &str) -> Option<&'b Attribute> {
        self.attrs.iter().copied().find(|a| a.name.name == name)
    }

    /// A constant bool argument, `default` when absent or invalid (invalid ones are reported).
    pub fn bool_or(&self, name: &str, default: bool, file: FileId, diags: &mut Diags) -> bool {
        self.attr(name)
            .and_then(|a| const_bool(a, file, diags))
            .unwrap_or(default)
    }

    /// A constant string argument, when present and valid (invalid ones are reported).
    pub fn string(&self, name: &str, file: FileId, diags: &mut Diags) -> Option<String> {
        self.attr(name).and_then(|a| const_string(a, file, diags))
    }

    pub fn blocks_of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'b Block> + 's {
        self.blocks
            .iter()
            .copied()
            .filter(move |b| b.ident.name == kind)
    }
}

pub fn unsupported_argument(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "Unsupported argument",
        format!("An argument named \"{name}\" is not expected here."),
        span,
    )
}

pub fn unsupported_block(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        "Unsupported block type",
        format!("Blocks of type \"{name}\" are not expected here."),
        span,
    )
}

pub fn missing_argument(name: &str, block_span: Span) -> Diagnostic {
    Diagnostic::error(
        "Missing required argument",
        format!("The argument \"{name}\" is required, but no definition was found."),
        block_span,
    )
}

/// Evaluates an expression that may use no variables (a literal, or functions of literals).
pub fn constant(expr: &Expr) -> Result<Value, Vec<Diagnostic>> {
    thread_local! {
        static TABLE: FunctionTable = FunctionTable::configuration();
    }
    TABLE.with(|table| {
        let refs = references(expr);
        if let Some(r) = refs.first() {
            return Err(vec![Diagnostic::error(
                "Variables not allowed",
                "Variables may not be used here.",
                r.span,
            )]);
        }
        EvalContext::new(Scope::new(), table).eval(expr)
    })
}

/// A constant string argument.
pub fn const_string(attr: &Attribute, file: FileId, diags: &mut Diags) -> Option<String> {
    match constant(&attr.expr) {
        Ok(v) => match terrane_dsl::value::convert(&v, &terrane_dsl::value::Type::String) {
            Ok(s) if s.is_known() && !s.is_null() => s.as_str().map(str::to_string),
            _ => {
                diags.push(
                    file,
                    Diagnostic::error(
                        "Incorrect value type",
                        format!("The argument \"{}\" must be a string.", attr.name.name),
                        attr.expr.span,
                    ),
                );
                None
            }
        },
        Err(ds) => {
            diags.extend_in(file, ds);
            None
        }
    }
}

/// A constant bool argument.
pub fn const_bool(attr: &Attribute, file: FileId, diags: &mut Diags) -> Option<bool> {
    match constant(&attr.expr) {
        Ok(v) => match terrane_dsl::value::convert(&v, &terrane_dsl::value::Type::Bool) {
            Ok(b) if b.is_known() && !b.is_null() => b.as_bool(),
            _ => {
                diags.push(
                    file,
                    Diagnostic::error(
                        "Unsuitable value type",
                        format!(
                            "Unsuitable value: a bool is required for \"{}\".",
                            attr.name.name
                        ),
                        attr.expr.span,
                    ),
                );
                None
            }
        },
        Err(ds) => {
            diags.extend_in(file, ds);
            None
        }
    }
}

/// A static reference (`aws_instance.web`, `module.x`) written as a bare traversal.
pub fn traversal(expr: &Expr) -> Option<Traversal> {
    match &expr.kind {
        ExprKind::Variable(_) | ExprKind::GetAttr { .. } | ExprKind::Index { .. } => {
            let refs = references(expr);
            (refs.len() == 1 && refs[0].span == expr.span).then(|| refs[0].clone())
        }
        _ => None,
    }
}

/// A list of static references (`depends_on = [a.b, module.c]`).
pub fn traversal_list(attr: &Attribute, file: FileId, diags: &mut Diags) -> Vec<Traversal> {
    let ExprKind::Tuple(items) = &attr.expr.kind else {
        diags.push(
            file,
            Diagnostic::error(
                "Invalid expression",
                "A static list expression is required.",
                attr.expr.span,
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match traversal(item) {
            Some(t) => out.push(t),
            None => diags.push(
                file,
                Diagnostic::error(
                    "Invalid expression",
                    "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.",
                    item.span,
                ),
            ),
        }
    }
    out
}

/// `type "label"` headers need exactly `n` labels: Terraform's words otherwise.
pub fn check_labels(block: &Block, names: &[&str], file: FileId, diags: &mut Diags) -> bool {
    if block.labels.len() == names.len() {
        return true;
    }
    let kind = &block.ident.name;
    if block.labels.len() < names.len() {
        let missing = names[block.labels.len()];
        diags.push(
            file,
            Diagnostic::error(
                format!("Missing {missing} for {kind}"),
                format!(
                    "All {kind} blocks must have {} labels ({}).",
                    names.len(),
                    names.join(", ")
                ),
                block.open_brace,
            ),
        );
    } else {
        let extra = &block.labels[names.len()];
        diags.push(
            file,
            Diagnostic::error(
                format!("Extraneous label for {kind}"),
                if names.is_empty() {
                    format!("No labels are expected for {kind} blocks.")
                } else {
                    format!(
                        "Only {} labels ({}) are expected for {kind} blocks.",
                        names.len(),
                        names.join(", ")
                    )
                },
                extra.span,
            ),
        );
    }
    false
}

/// Terraform's rule for names of variables, resources, modules, ...: a letter or underscore,
/// then letters, digits, underscores and dashes.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

pub fn check_name(name: &str, span: Span, what: &str, file: FileId, diags: &mut Diags) -> bool {
    if valid_name(name) {
        return true;
    }
    diags.push(
        file,
        Diagnostic::error(
            format!("Invalid {what} name"),
            "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
            span,
        ),
    );
    false
}
