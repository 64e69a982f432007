//! Colour for the terminal: the rendered plain text is coloured line by line from its
//! symbols (`+` green, `-` red, `~` yellow, `<=` cyan, headlines bold), so the plain and the
//! coloured renderings can never disagree on content.

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

fn paint(color: &str, s: &str) -> String {
    format!("{color}{s}{RESET}")
}

fn symbol_color(sym: &str) -> Option<String> {
    Some(match sym {
        "+" => paint(GREEN, "+"),
        "-" => paint(RED, "-"),
        "~" => paint(YELLOW, "~"),
        "<=" => paint(CYAN, "<="),
        "-/+" => format!("{}{}{}", paint(RED, "-"), "/", paint(GREEN, "+")),
        "+/-" => format!("{}{}{}", paint(GREEN, "+"), "/", paint(RED, "-")),
        _ => return None,
    })
}

fn line(l: &str) -> String {
    let trimmed = l.trim_start();
    let lead = &l[..l.len() - trimmed.len()];
    if trimmed.starts_with("# ") && lead.len() == 2 {
        return format!("{lead}{BOLD}{trimmed}{RESET}");
    }
    if trimmed.starts_with("Warning:") || trimmed.starts_with("Plan:") {
        return format!("{BOLD}{l}{RESET}");
    }
    let (sym, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
    match symbol_color(sym) {
        Some(s) if !rest.is_empty() || trimmed.len() == sym.len() => {
            let rest = rest.replace("# forces replacement", &paint(RED, "# forces replacement"));
            if rest.is_empty() {
                format!("{lead}{s}")
            } else {
                format!("{lead}{s} {rest}")
            }
        }
        _ => l.to_string(),
    }
}

/// Colours rendered plan text.
pub fn colorize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, l) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&line(l));
    }
    out
}
