//! Values: known values of every type, null and unknown values of a type, and the marks each
//! value carries. Strings are kept in Unicode NFC, sets deduplicated and in cty's order.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use super::attrs::Attrs;
use super::marks::{combine, Mark, Marks, PathMarks};
use super::number::Number;
use super::path::{Path, PathStep};
use super::refine::Refinement;
use super::types::{go_quote, Type};

mod equality;

/// A value: its type, its content and its marks. Values are immutable and shared: a clone
/// is a reference count, so the copies the engine keeps of one value (state, plan, scope) cost
/// one allocation between them; a change copies only the node it changes.
#[derive(Clone)]
pub struct Value(Arc<Inner>);

#[derive(Clone, Debug)]
struct Inner {
    ty: Type,
    kind: ValueKind,
    /// `None` when unmarked (nearly always): an empty set would cost every node its size.
    marks: Option<Box<Marks>>,
    /// Facts about an unknown value; always `None` for known values.
    refinement: Option<Box<Refinement>>,
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Value")
            .field("ty", &self.0.ty)
            .field("kind", &self.0.kind)
            .field("marks", self.marks())
            .field("refinement", &self.0.refinement)
            .finish()
    }
}

/// What a value holds. Collections hold their elements; the element type is in the value's type.
#[derive(Clone, Debug)]
pub enum ValueKind {
    Null,
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    /// Deduplicated, in cty's set order.
    Set(Vec<Value>),
    Map(Attrs),
    Tuple(Vec<Value>),
    Object(Attrs),
}

/// A value could not be built as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("element {index} has type {got}, but the collection's element type is {want}")]
    ElementType {
        index: String,
        got: String,
        want: String,
    },
}

impl Value {
    fn new(ty: Type, kind: ValueKind) -> Value {
        Value(Arc::new(Inner {
            ty,
            kind,
            marks: None,
            refinement: None,
        }))
    }

    /// This value's node, for a change (copied first if shared).
    fn inner_mut(&mut self) -> &mut Inner {
        Arc::make_mut(&mut self.0)
    }

    /// This value's node, owned (copied if shared).
    fn into_inner(self) -> Inner {
        Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone())
    }

    pub fn null(ty: Type) -> Value {
        Value::new(ty, ValueKind::Null)
    }

    pub fn unknown(ty: Type) -> Value {
        Value::new(ty, ValueKind::Unknown)
    }

    /// An unknown value of unknown type (cty's DynamicVal).
    pub fn dynamic() -> Value {
        Value::unknown(Type::Dynamic)
    }

    /// Adds facts to an unknown value (a known value is returned unchanged).
    pub fn refine(mut self, refinement: Refinement) -> Value {
        if !self.is_known() {
            self.inner_mut().refinement = Some(Box::new(refinement));
        }
        self
    }

    /// An unknown value of type `ty` that will not be null.
    pub fn unknown_not_null(ty: Type) -> Value {
        Value::unknown(ty).refine(Refinement::not_null())
    }

    /// The facts known about an unknown value.
    pub fn refinement(&self) -> Option<&Refinement> {
        self.0.refinement.as_deref()
    }

    /// Known not to be null: a known non-null value, or an unknown refined as not null.
    pub fn is_known_not_null(&self) -> bool {
        if self.is_known() {
            !self.is_null()
        } else {
            self.refinement().is_some_and(|r| r.not_null)
        }
    }

    pub fn bool(b: bool) -> Value {
        Value::new(Type::Bool, ValueKind::Bool(b))
    }

    pub fn number(n: Number) -> Value {
        Value::new(Type::Number, ValueKind::Number(n))
    }

    pub fn int(i: i64) -> Value {
        Value::number(Number::from_i64(i))
    }

    /// A string, normalised to NFC as cty does.
    pub fn string(s: impl AsRef<str>) -> Value {
        let s = s.as_ref();
        // ASCII text is already in NFC.
        let text = if s.is_ascii() {
            s.to_string()
        } else {
            s.nfc().collect()
        };
        Value::new(Type::String, ValueKind::String(text))
    }

    /// A list whose elements all have type `ety` exactly.
    pub fn list(ety: Type, elems: Vec<Value>) -> Result<Value, ValueError> {
        check_elements(
            &ety,
            elems.iter().enumerate().map(|(i, v)| (i.to_string(), v)),
        )?;
        Ok(Value::new(Type::list(ety), ValueKind::List(elems)))
    }

    /// A set: duplicates removed, elements in cty's order. Marks of the elements move to the
    /// set itself, as in cty.
    pub fn set(ety: Type, elems: Vec<Value>) -> Result<Value, ValueError> {
        check_elements(
            &ety,
            elems.iter().enumerate().map(|(i, v)| (i.to_string(), v)),
        )?;
        let mut marks = Marks::new();
        let mut plain: Vec<Value> = Vec::with_capacity(elems.len());
        for e in elems {
            let (e, m) = e.unmark_deep();
            marks.extend(m);
            plain.push(e);
        }
        if ety.is_primitive() {
            plain.sort_by(set_order);
        } else {
            // Hash texts are costly: compute each once, then sort stably by them.
            let mut keyed: Vec<(u8, String, Value)> = plain
                .into_iter()
                .map(|v| (set_rank(&v), v.set_hash_string(), v))
                .collect();
            keyed.sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
            });
            plain = keyed.into_iter().map(|(_, _, v)| v).collect();
        }
        // Equal elements are now neighbours within runs that compare equal; drop repeats.
        let mut out: Vec<Value> = Vec::with_capacity(plain.len());
        let mut run_start = 0;
        for e in plain {
            if let Some(last) = out.last() {
                if set_order(last, &e) != Ordering::Equal {
                    run_start = out.len();
                }
            }
            if e.is_wholly_known() && out[run_start..].iter().any(|o| o.raw_equals(&e)) {
                continue;
            }
            out.push(e);
        }
        Ok(Value::new(Type::set(ety), ValueKind::Set(out)).with_marks(marks))
    }

    /// A map whose elements all have type `ety` exactly.
    pub fn map(ety: Type, elems: BTreeMap<String, Value>) -> Result<Value, ValueError> {
        let elems = Attrs::from(elems);
        check_elements(&ety, elems.iter().map(|(k, v)| (go_quote(k), v)))?;
        Ok(Value::new(Type::map(ety), ValueKind::Map(elems)))
    }

    pub fn tuple(elems: Vec<Value>) -> Value {
        let ty = Type::tuple(elems.iter().map(|e| e.0.ty.clone()).collect());
        Value::new(ty, ValueKind::Tuple(elems))
    }

    pub fn object(attrs: BTreeMap<String, Value>) -> Value {
        Value::object_of(Attrs::from(attrs))
    }

    /// An object with these attributes (as [`Value::object`], without a `BTreeMap`).
    pub fn object_of(attrs: Attrs) -> Value {
        let ty = Type::object_of(
            attrs
                .iter()
                .map(|(k, v)| (k.clone(), v.0.ty.clone()))
                .collect(),
        );
        Value::new(ty, ValueKind::Object(attrs))
    }

    /// A value of type `ty` (a list, map, tuple or object type) holding `kind`'s elements,
    /// when each element has exactly the type `ty` gives it: the type is shared, not rebuilt
    /// from the elements. `None` when the elements do not fit (the caller builds the value
    /// the usual way). Sets are not built here: they need deduplication and ordering.
    pub fn of_type(ty: &Type, kind: ValueKind) -> Option<Value> {
        let fits = match (ty, &kind) {
            (Type::List(ety), ValueKind::List(es)) => es.iter().all(|e| e.0.ty == **ety),
            (Type::Map(ety), ValueKind::Map(m)) => m.values().all(|e| e.0.ty == **ety),
            (Type::Tuple(etys), ValueKind::Tuple(es)) => {
                etys.len() == es.len() && etys.iter().zip(es).all(|(t, e)| e.0.ty == *t)
            }
            (Type::Object(atys), ValueKind::Object(m)) => {
                atys.len() == m.len()
                    && atys
                        .iter()
                        .zip(m)
                        .all(|((tk, t), (k, v))| tk == k && v.0.ty == *t)
            }
            _ => false,
        };
        fits.then(|| Value::new(ty.clone(), kind))
    }

    /// An object from `(name, value)` pairs.
    pub fn object_from<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::object_of(attrs.into_iter().collect())
    }

    pub fn ty(&self) -> &Type {
        &self.0.ty
    }

    pub fn kind(&self) -> &ValueKind {
        &self.0.kind
    }

    pub fn into_kind(self) -> ValueKind {
        self.into_inner().kind
    }

    pub fn is_null(&self) -> bool {
        matches!(self.0.kind, ValueKind::Null)
    }

    pub fn is_known(&self) -> bool {
        !matches!(self.0.kind, ValueKind::Unknown)
    }

    /// Known, and every nested value known too.
    pub fn is_wholly_known(&self) -> bool {
        match &self.0.kind {
            ValueKind::Unknown => false,
            ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => {
                es.iter().all(Value::is_wholly_known)
            }
            ValueKind::Map(m) | ValueKind::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.0.kind {
            ValueKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match &self.0.kind {
            ValueKind::Number(n) => Some(n),
            _ => None,
        }
    }

    /// A number that is an integer fitting in i64.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::to_i64)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.0.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match &self.0.kind {
            ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => Some(es),
            _ => None,
        }
    }

    /// The entries of a map or the attributes of an object.
    pub fn entries(&self) -> Option<&Attrs> {
        match &self.0.kind {
            ValueKind::Map(m) | ValueKind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The number of elements of a known collection or structural value.
    pub fn length(&self) -> Option<usize> {
        self.elements()
            .map(<[Value]>::len)
            .or_else(|| self.entries().map(Attrs::len))
    }

    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match &self.0.kind {
            ValueKind::Object(m) => m.get(name),
            _ => None,
        }
    }

    // ----- marks -----

    pub fn marks(&self) -> &Marks {
        static NO_MARKS: Marks = Marks::new();
        self.0.marks.as_deref().unwrap_or(&NO_MARKS)
    }

    /// The marks of this node, to add to.
    fn marks_mut(&mut self) -> &mut Marks {
        self.inner_mut().marks.get_or_insert_with(Box::default)
    }

    pub fn is_marked(&self) -> bool {
        !self.marks().is_empty()
    }

    pub fn has_mark(&self, mark: &Mark) -> bool {
        self.marks().contains(mark)
    }

    pub fn is_sensitive(&self) -> bool {
        self.has_mark(&Mark::Sensitive)
    }

    pub fn mark(mut self, mark: Mark) -> Value {
        if !self.marks().contains(&mark) {
            self.marks_mut().insert(mark);
        }
        self
    }

    /// Adds every mark in `marks`.
    pub fn with_marks(mut self, marks: impl IntoIterator<Item = Mark>) -> Value {
        for mark in marks {
            if !self.marks().contains(&mark) {
                self.marks_mut().insert(mark);
            }
        }
        self
    }

    /// Adds the top-level marks of each of `others` (for an operation's result).
    pub fn with_marks_of(self, others: &[&Value]) -> Value {
        let marks = combine(others.iter().map(|v| v.marks()));
        self.with_marks(marks)
    }

    /// Removes the top-level marks and returns them.
    pub fn unmark(mut self) -> (Value, Marks) {
        if !self.is_marked() {
            return (self, Marks::new());
        }
        let marks = self
            .inner_mut()
            .marks
            .take()
            .map(|m| *m)
            .unwrap_or_default();
        (self, marks)
    }

    /// Whether this value or any nested value is marked.
    pub fn contains_marked(&self) -> bool {
        self.is_marked() || self.children().any(Value::contains_marked)
    }

    /// The union of the marks on this value and every nested value.
    pub fn deep_marks(&self) -> Marks {
        let mut out = self.marks().clone();
        for c in self.children() {
            out.extend(c.deep_marks());
        }
        out
    }

    /// Removes every mark, at every depth, and returns their union.
    pub fn unmark_deep(self) -> (Value, Marks) {
        let mut all = Marks::new();
        let v = self.map_marks(&mut |m| all.extend(m));
        (v, all)
    }

    /// Removes every mark and says where each was.
    pub fn unmark_deep_with_paths(self) -> (Value, Vec<PathMarks>) {
        let mut out = Vec::new();
        let v = self.unmark_paths(Path::root(), &mut out);
        (v, out)
    }

    /// Puts marks back where [`Value::unmark_deep_with_paths`] found them. A path that no longer
    /// leads anywhere marks nothing.
    pub fn mark_with_paths(self, marks: &[PathMarks]) -> Value {
        let mut v = self;
        for pm in marks {
            v = v.mark_at(&pm.path.0, &pm.marks);
        }
        v
    }

    fn mark_at(mut self, steps: &[PathStep], marks: &Marks) -> Value {
        let Some((first, rest)) = steps.split_first() else {
            return self.with_marks(marks.iter().cloned());
        };
        match (&mut self.inner_mut().kind, first) {
            (ValueKind::Object(m), PathStep::GetAttr(name))
            | (ValueKind::Map(m), PathStep::GetAttr(name)) => {
                if let Some(slot) = m.get_mut(name) {
                    let child = std::mem::replace(slot, Value::dynamic());
                    *slot = child.mark_at(rest, marks);
                }
            }
            (ValueKind::Map(m), PathStep::Index(k))
            | (ValueKind::Object(m), PathStep::Index(k)) => {
                if let Some(slot) = k.as_str().and_then(|key| m.get_mut(key)) {
                    let child = std::mem::replace(slot, Value::dynamic());
                    *slot = child.mark_at(rest, marks);
                }
            }
            (ValueKind::List(es), PathStep::Index(k))
            | (ValueKind::Tuple(es), PathStep::Index(k)) => {
                if let Some(i) = k.as_number().and_then(Number::to_u64) {
                    if let Some(slot) = es.get_mut(i as usize) {
                        let child = std::mem::replace(slot, Value::dynamic());
                        *slot = child.mark_at(rest, marks);
                    }
                }
            }
            // Marks inside sets live on the set itself.
            (ValueKind::Set(_), _) => return self.with_marks(marks.iter().cloned()),
            _ => {}
        }
        self
    }

    fn unmark_paths(self, path: Path, out: &mut Vec<PathMarks>) -> Value {
        if !self.contains_marked() {
            return self;
        }
        let Inner {
            ty,
            kind,
            marks,
            refinement,
        } = self.into_inner();
        if let Some(marks) = marks.filter(|m| !m.is_empty()) {
            out.push(PathMarks {
                path: path.clone(),
                marks: *marks,
            });
        }
        let kind = match kind {
            ValueKind::List(es) => ValueKind::List(unmark_seq(es, &path, out)),
            ValueKind::Tuple(es) => ValueKind::Tuple(unmark_seq(es, &path, out)),
            ValueKind::Set(es) => {
                ValueKind::Set(es.into_iter().map(|e| e.unmark_deep().0).collect())
            }
            ValueKind::Map(m) => ValueKind::Map(
                m.into_iter()
                    .map(|(k, v)| {
                        let p = path.index_str(&k);
                        (k, v.unmark_paths(p, out))
                    })
                    .collect(),
            ),
            ValueKind::Object(m) => ValueKind::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let p = path.attr(&k);
                        (k, v.unmark_paths(p, out))
                    })
                    .collect(),
            ),
            other => other,
        };
        Value(Arc::new(Inner {
            ty,
            kind,
            marks: None,
            refinement,
        }))
    }

    fn map_marks(self, f: &mut dyn FnMut(Marks)) -> Value {
        if !self.contains_marked() {
            return self;
        }
        let Inner {
            ty,
            kind,
            marks,
            refinement,
        } = self.into_inner();
        f(marks.map(|m| *m).unwrap_or_default());
        let kind = match kind {
            ValueKind::List(es) => {
                ValueKind::List(es.into_iter().map(|e| e.map_marks(f)).collect())
            }
            ValueKind::Set(es) => ValueKind::Set(es.into_iter().map(|e| e.map_marks(f)).collect()),
            ValueKind::Tuple(es) => {
                ValueKind::Tuple(es.into_iter().map(|e| e.map_marks(f)).collect())
            }
            ValueKind::Map(m) => {
                ValueKind::Map(m.into_iter().map(|(k, v)| (k, v.map_marks(f))).collect())
            }
            ValueKind::Object(m) => {
                ValueKind::Object(m.into_iter().map(|(k, v)| (k, v.map_marks(f))).collect())
            }
            other => other,
        };
        Value(Arc::new(Inner {
            ty,
            kind,
            marks: None,
            refinement,
        }))
    }

    fn children(&self) -> Box<dyn Iterator<Item = &Value> + '_> {
        match &self.0.kind {
            ValueKind::List(es) | ValueKind::Set(es) | ValueKind::Tuple(es) => Box::new(es.iter()),
            ValueKind::Map(m) | ValueKind::Object(m) => Box::new(m.values()),
            _ => Box::new(std::iter::empty()),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::number(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

/// Two values are identical (same type, content and marks).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.raw_equals(other)
    }
}

fn unmark_seq(es: Vec<Value>, path: &Path, out: &mut Vec<PathMarks>) -> Vec<Value> {
    es.into_iter()
        .enumerate()
        .map(|(i, e)| e.unmark_paths(path.index_int(i), out))
        .collect()
}

fn check_elements<'a>(
    ety: &Type,
    elems: impl Iterator<Item = (String, &'a Value)>,
) -> Result<(), ValueError> {
    for (index, e) in elems {
        if e.ty() != ety {
            return Err(ValueError::ElementType {
                index,
                got: e.ty().friendly_name(),
                want: ety.friendly_name(),
            });
        }
    }
    Ok(())
}

/// 0 for known non-null values, 1 for null, 2 for unknown: the first key of the set order.
fn set_rank(v: &Value) -> u8 {
    if !v.is_known() {
        2
    } else if v.is_null() {
        1
    } else {
        0
    }
}

/// cty's set order: known before unknown, non-null before null, then strings by bytes, numbers
/// numerically, `false` before `true`, anything else by its hash text.
pub fn set_order(a: &Value, b: &Value) -> Ordering {
    match (a.is_known(), b.is_known()) {
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => return Ordering::Equal,
        _ => {}
    }
    match (a.is_null(), b.is_null()) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        (true, true) => return Ordering::Equal,
        _ => {}
    }
    match (&a.0.kind, &b.0.kind) {
        (ValueKind::String(x), ValueKind::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (ValueKind::Number(x), ValueKind::Number(y)) => x.cmp_num(y),
        (ValueKind::Bool(x), ValueKind::Bool(y)) => x.cmp(y),
        _ => a
            .set_hash_string()
            .as_bytes()
            .cmp(b.set_hash_string().as_bytes()),
    }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
