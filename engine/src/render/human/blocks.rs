//! Nested blocks in the human rendering, drawn as Terraform draws them: a block's attributes
//! first (aligned, unchanged ones hidden with a count), then each nested block type in name
//! order as `+ name {` ... `}` (map blocks with their key, `+ name "key" {`), a blank line
//! before each type, unchanged blocks hidden with a count. Elements of list blocks are paired
//! as Terraform pairs them (the longest common subsequence unchanged, the rest updated in
//! place by position, then deleted or added); elements of set blocks are unchanged when equal,
//! otherwise deleted and added. A block whose value is unknown or wholly sensitive is shown
//! as an attribute.

use std::collections::BTreeMap;

use terrane_dsl::value::{Attrs, Value};

use super::diff::{attribute_lines, hidden_note, Sym};
use crate::plan::shape::{BlockShape, NestedShape, Nesting};

type Entries = Attrs;

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// Whether the value of block type `name` can be drawn as blocks on both sides.
fn drawable(b: Option<&Value>, a: Option<&Value>) -> bool {
    [b, a].into_iter().flatten().all(|v| {
        v.is_wholly_known()
            && !v.is_sensitive()
            && v.elements()
                .is_none_or(|es| es.iter().all(|e| !e.is_sensitive()))
    })
}

/// The elements of a block value: none for null, one for a single block, the elements of a
/// list or set, the entries of a map (with their keys).
fn elements(v: Option<&Value>, nesting: Nesting) -> Vec<(Option<String>, Value)> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    match nesting {
        Nesting::Single => vec![(None, v.clone())],
        Nesting::Map => v
            .entries()
            .map(|m| {
                m.iter()
                    .map(|(k, e)| (Some(k.clone()), e.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        Nesting::List | Nesting::Set => v
            .elements()
            .map(|es| es.iter().map(|e| (None, e.clone())).collect())
            .unwrap_or_default(),
    }
}

/// The longest common subsequence of equal elements, as index pairs.
fn lcs(b: &[Value], a: &[Value]) -> Vec<(usize, usize)> {
    let (n, m) = (b.len(), a.len());
    let mut t = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if b[i].raw_equals(&a[j]) {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if b[i].raw_equals(&a[j]) {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Pairs of (before, after) blocks, in the order they are drawn, with their map key.
type Pair = (Option<String>, Option<Value>, Option<Value>);

fn pairs(b: Option<&Value>, a: Option<&Value>, nesting: Nesting) -> Vec<Pair> {
    let (b, a) = (elements(b, nesting), elements(a, nesting));
    match nesting {
        Nesting::Single => {
            let (b, a) = (b.into_iter().next(), a.into_iter().next());
            if b.is_none() && a.is_none() {
                return Vec::new();
            }
            vec![(None, b.map(|e| e.1), a.map(|e| e.1))]
        }
        Nesting::Map => {
            let bm: BTreeMap<String, Value> =
                b.into_iter().filter_map(|(k, v)| Some((k?, v))).collect();
            let am: BTreeMap<String, Value> =
                a.into_iter().filter_map(|(k, v)| Some((k?, v))).collect();
            let mut keys: Vec<&String> = bm.keys().chain(am.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .map(|k| (Some(k.clone()), bm.get(k).cloned(), am.get(k).cloned()))
                .collect()
        }
        Nesting::Set => {
            let (b, a): (Vec<Value>, Vec<Value>) = (
                b.into_iter().map(|e| e.1).collect(),
                a.into_iter().map(|e| e.1).collect(),
            );
            let mut used = vec![false; a.len()];
            let mut out = Vec::new();
            for e in &b {
                match (0..a.len()).find(|j| !used[*j] && a[*j].raw_equals(e)) {
                    Some(j) => {
                        used[j] = true;
                        out.push((None, Some(e.clone()), Some(a[j].clone())));
                    }
                    None => out.push((None, Some(e.clone()), None)),
                }
            }
            for (j, e) in a.iter().enumerate() {
                if !used[j] {
                    out.push((None, None, Some(e.clone())));
                }
            }
            out
        }
        Nesting::List => {
            let (b, a): (Vec<Value>, Vec<Value>) = (
                b.into_iter().map(|e| e.1).collect(),
                a.into_iter().map(|e| e.1).collect(),
            );
            let common = lcs(&b, &a);
            let (mut i, mut j, mut k) = (0, 0, 0);
            let mut out = Vec::new();
            while i < b.len() || j < a.len() {
                let next = common.get(k).copied();
                // Before the next common element: updated in place by position, else deleted.
                while i < b.len() && next.is_none_or(|(ci, _)| i < ci) {
                    if j < a.len() && next.is_none_or(|(_, cj)| j < cj) {
                        out.push((None, Some(b[i].clone()), Some(a[j].clone())));
                        j += 1;
                    } else {
                        out.push((None, Some(b[i].clone()), None));
                    }
                    i += 1;
                }
                while j < a.len() && next.is_none_or(|(_, cj)| j < cj) {
                    out.push((None, None, Some(a[j].clone())));
                    j += 1;
                }
                if next.is_some() {
                    out.push((None, Some(b[i].clone()), Some(a[j].clone())));
                    i += 1;
                    j += 1;
                    k += 1;
                }
            }
            out
        }
    }
}

/// The body of a block: its attributes from column `col` (the symbols' column), its nested
/// blocks, the counts of what is hidden. `hide`: hide unchanged attributes and blocks.
pub fn body(
    shape: Option<&BlockShape>,
    b: &Entries,
    a: &Entries,
    col: usize,
    hide: bool,
    forces: &dyn Fn(&str) -> bool,
) -> String {
    let is_block = |name: &str| -> Option<&NestedShape> {
        let nested = shape?.blocks.get(name)?;
        drawable(b.get(name), a.get(name)).then_some(nested)
    };
    let attrs = |m: &Entries| -> Entries {
        m.iter()
            .filter(|(k, _)| is_block(k).is_none())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (ba, aa) = (attrs(b), attrs(a));
    let (mut out, hidden) = attribute_lines(&ba, &aa, col, hide, false, forces);
    if hidden > 0 {
        out.push_str(&hidden_note(col + 2, hidden, "attribute"));
    }
    let has_attributes = !ba.is_empty() || !aa.is_empty();
    let mut unchanged = 0;
    let Some(shape) = shape else { return out };
    for (name, nested) in &shape.blocks {
        if is_block(name).is_none() {
            continue;
        }
        let mut first = true;
        for (key, eb, ea) in pairs(b.get(name), a.get(name), nested.nesting) {
            let sym = match (&eb, &ea) {
                (None, _) => Sym::Add,
                (_, None) => Sym::Del,
                (Some(x), Some(y)) if x.raw_equals(y) => Sym::Same,
                _ => Sym::Upd,
            };
            if sym == Sym::Same && hide {
                unchanged += 1;
                continue;
            }
            if first && has_attributes {
                out.push('\n');
            }
            first = false;
            let label = key
                .map(|k| format!(" {}", crate::addrs::quote(&k)))
                .unwrap_or_default();
            // A block whose change forces the replacement says so on its opening line.
            let forced = if forces(name) {
                " # forces replacement"
            } else {
                ""
            };
            out.push_str(&format!(
                "{}{} {name}{label} {{{forced}\n",
                pad(col),
                sym.as_str()
            ));
            let empty = Entries::new();
            let entries = |v: &Option<Value>| v.as_ref().and_then(Value::entries).cloned();
            let (cb, ca) = (entries(&eb), entries(&ea));
            out.push_str(&body(
                Some(&nested.block),
                cb.as_ref().unwrap_or(&empty),
                ca.as_ref().unwrap_or(&empty),
                col + 4,
                hide,
                &|_| false,
            ));
            out.push_str(&format!("{}}}\n", pad(col + 2)));
        }
    }
    if unchanged > 0 {
        out.push('\n');
        out.push_str(&hidden_note(col + 2, unchanged, "block"));
    }
    out
}
