//! The layout pass (hclwrite's `format`): splits tokens into lines and cells, then sets the
//! spaces before each token: indentation, spacing between tokens, alignment of `=` and of
//! trailing comments.

use super::tokens::FTok;
use crate::syntax::TokenKind::{self, *};
use std::ops::Range;

/// One line of tokens, split in cells: `lead`, then an optional `assign` cell (from the first
/// `=` on), then an optional trailing `comment` cell. Ranges index the token list.
#[derive(Clone, Debug)]
struct Line {
    lead: Range<usize>,
    assign: Option<Range<usize>>,
    comment: Option<Range<usize>>,
}

/// Sets the spaces before every token of `tokens` to the canonical layout.
pub fn layout(tokens: &mut [FTok<'_>]) {
    let lines = split_lines(tokens);
    indent(tokens, &lines);
    space(tokens, &lines);
    align(tokens, &lines);
}

fn split_lines(tokens: &[FTok<'_>]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.ends_line() {
            lines.push(start..i + 1);
            start = i + 1;
        }
    }
    lines.push(start..tokens.len());
    lines.into_iter().map(|lead| cells(tokens, lead)).collect()
}

fn cells(tokens: &[FTok<'_>], mut lead: Range<usize>) -> Line {
    let mut comment = None;
    if lead.len() > 1 && tokens[lead.end - 1].kind == Comment {
        comment = Some(lead.end - 1..lead.end);
        lead.end -= 1;
    }
    let mut assign = None;
    if let Some(eq) = (lead.start + 1..lead.end).find(|&i| tokens[i].kind == Equal) {
        if net_brackets(&tokens[eq..lead.end]) == 0 {
            assign = Some(eq..lead.end);
            lead.end = eq;
        }
    }
    Line {
        lead,
        assign,
        comment,
    }
}

/// The net change of bracket nesting over `tokens`, not counting past a heredoc's start.
fn net_brackets(tokens: &[FTok<'_>]) -> i64 {
    let mut net = 0;
    for token in tokens {
        net += i64::from(token.kind.bracket_change());
        if token.kind == OHeredoc {
            break;
        }
    }
    net
}

fn indent(tokens: &mut [FTok<'_>], lines: &[Line]) {
    let mut stack: Vec<i64> = Vec::new();
    for line in lines {
        if line.lead.is_empty() {
            continue;
        }
        let first = line.lead.start;
        if tokens[first].kind == Newline {
            tokens[first].spaces = 0;
            continue;
        }
        let mut net = net_brackets(&tokens[line.lead.clone()]);
        if let Some(assign) = &line.assign {
            net += net_brackets(&tokens[assign.clone()]);
        }
        if net > 0 {
            tokens[first].spaces = 2 * stack.len();
            stack.push(net);
            continue;
        }
        let mut closed = -net;
        while closed > 0 {
            let Some(top) = stack.last_mut() else { break };
            if closed >= *top {
                closed -= *top;
                stack.pop();
            } else {
                *top -= closed;
                closed = 0;
            }
        }
        tokens[first].spaces = 2 * stack.len();
    }
}

fn space(tokens: &mut [FTok<'_>], lines: &[Line]) {
    for line in lines {
        space_cell(tokens, line.lead.clone());
        if let Some(assign) = &line.assign {
            tokens[assign.start].spaces = 1;
            space_cell(tokens, assign.clone());
        }
    }
}

fn space_cell(tokens: &mut [FTok<'_>], cell: Range<usize>) {
    for i in cell.start..cell.end.saturating_sub(1) {
        let before = if i > cell.start {
            Some(tokens[i - 1].kind)
        } else {
            None
        };
        let spaced = space_after(&tokens[i], before, &tokens[i + 1]);
        tokens[i + 1].spaces = usize::from(spaced);
    }
}

fn is_open(kind: TokenKind) -> bool {
    kind.bracket_change() > 0
}

fn is_close(kind: TokenKind) -> bool {
    kind.bracket_change() < 0
}

/// Whether one space goes between `subject` and the token `after` it (hclwrite's rules);
/// `before` is the token before `subject` in the same cell.
fn space_after(subject: &FTok<'_>, before: Option<TokenKind>, after: &FTok<'_>) -> bool {
    let (s, a) = (subject.kind, after.kind);
    match () {
        _ if a == Newline => false,
        _ if s == Ident && a == OParen => false,
        _ if (s == Ident && a == DoubleColon) || (s == DoubleColon && a == Ident) => false,
        _ if s == Dot || a == Dot => false,
        _ if a == Comma || a == Ellipsis => false,
        _ if s == Comma => true,
        _ if matches!(s, QuotedLit | StringLit | OQuote | OHeredoc)
            || matches!(a, QuotedLit | StringLit | CQuote | CHeredoc) =>
        {
            false
        }
        _ if s == Ident && subject.text == "in" && before == Some(Ident) => true,
        _ if a == OBrack && (s == Ident || s == NumberLit || is_close(s)) => false,
        _ if s == Minus => !matches!(
            before,
            None | Some(
                OParen
                    | OBrace
                    | OBrack
                    | Equal
                    | Colon
                    | Comma
                    | Question
                    | Plus
                    | Star
                    | Slash
                    | Percent
                    | Minus
                    | EqualOp
                    | NotEqual
                    | GreaterThan
                    | GreaterThanEq
                    | LessThan
                    | LessThanEq
                    | And
                    | Or
                    | Bang
            )
        ),
        _ if s == Bang => false,
        _ if s == OBrace || a == CBrace => !(s == OBrace && a == CBrace),
        _ if matches!(s, TemplateInterp | TemplateControl) && a == OBrace => true,
        _ if s == CBrace && a == TemplateSeqEnd => true,
        _ if s == TemplateSeqEnd && matches!(a, TemplateInterp | TemplateControl) => false,
        _ if is_open(s) => false,
        _ if is_close(a) => false,
        _ => true,
    }
}

fn columns(tokens: &[FTok<'_>], cell: &Option<Range<usize>>) -> usize {
    cell.as_ref()
        .map_or(0, |r| tokens[r.clone()].iter().map(FTok::columns).sum())
}

fn align(tokens: &mut [FTok<'_>], lines: &[Line]) {
    // `=` first: moving it also moves the comments after it.
    align_chains(
        tokens,
        lines,
        |line| line.assign.as_ref().map(|r| r.start),
        |tokens, line| columns(tokens, &Some(line.lead.clone())),
    );
    align_chains(
        tokens,
        lines,
        |line| line.comment.as_ref().map(|r| r.start),
        |tokens, line| columns(tokens, &Some(line.lead.clone())) + columns(tokens, &line.assign),
    );
}

/// Aligns the cell found by `cell_start` over each run of consecutive lines that have one:
/// its first token goes one column past the widest text before it in the run.
fn align_chains(
    tokens: &mut [FTok<'_>],
    lines: &[Line],
    cell_start: impl Fn(&Line) -> Option<usize>,
    width_before: impl Fn(&[FTok<'_>], &Line) -> usize,
) {
    let mut i = 0;
    while i < lines.len() {
        if cell_start(&lines[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && cell_start(&lines[i]).is_some() {
            i += 1;
        }
        let widths: Vec<usize> = lines[start..i]
            .iter()
            .map(|line| width_before(tokens, line))
            .collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (line, width) in lines[start..i].iter().zip(widths) {
            if let Some(first) = cell_start(line) {
                tokens[first].spaces = max - width + 1;
            }
        }
    }
}
