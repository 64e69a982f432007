//! `Attrs`: the entries of a map value or the attributes of an object value, kept as one
//! exact-size array sorted by key (a `BTreeMap` allocates a node of eleven slots for every
//! map, which made small objects, the bulk of a large state, cost several times their size).

use std::collections::BTreeMap;

use super::value::Value;

/// Entries sorted by key, each key once, in the order a `BTreeMap<String, Value>` iterates
/// (byte order of the keys). Lookups are binary searches; `insert` and `remove` copy the
/// array (values are built whole, so they are rare and on small objects).
#[derive(Clone, Default, PartialEq)]
pub struct Attrs(Box<[(String, Value)]>);

/// Iterator over `(key, value)` pairs in key order.
pub type Iter<'a> = std::iter::Map<
    std::slice::Iter<'a, (String, Value)>,
    fn(&'a (String, Value)) -> (&'a String, &'a Value),
>;

/// Owning iterator over `(key, value)` pairs in key order.
pub type IntoIter = std::vec::IntoIter<(String, Value)>;

fn pair_ref((k, v): &(String, Value)) -> (&String, &Value) {
    (k, v)
}

impl Attrs {
    pub fn new() -> Attrs {
        Attrs::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    pub fn iter(&self) -> Iter<'_> {
        self.0
            .iter()
            .map(pair_ref as fn(&(String, Value)) -> (&String, &Value))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> + '_ {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + '_ {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = String> + ExactSizeIterator {
        self.into_iter().map(|(k, _)| k)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.into_iter().map(|(_, v)| v)
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                let mut v = std::mem::take(&mut self.0).into_vec();
                v.insert(i, (key, value));
                self.0 = v.into_boxed_slice();
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key).ok()?;
        let mut v = std::mem::take(&mut self.0).into_vec();
        let (_, value) = v.remove(i);
        self.0 = v.into_boxed_slice();
        Some(value)
    }

    /// The entries as a `BTreeMap` (for a caller that edits many of them).
    pub fn to_map(&self) -> BTreeMap<String, Value> {
        self.0.iter().cloned().collect()
    }

    /// Entries already sorted by key with no key twice, kept as they are.
    fn from_sorted(v: Vec<(String, Value)>) -> Attrs {
        Attrs(v.into_boxed_slice())
    }
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Attrs {
    type Output = Value;

    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry {key:?}"),
        }
    }
}

/// As a `BTreeMap` collects: sorted by key, and a key given twice keeps its last value.
impl<K: Into<String>> FromIterator<(K, Value)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Attrs {
        let mut v: Vec<(String, Value)> = iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if !v.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: of equal keys, the last one given ends last; keep that one.
            v.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out: Vec<(String, Value)> = Vec::with_capacity(v.len());
            for e in v {
                match out.last_mut() {
                    Some(last) if last.0 == e.0 => *last = e,
                    _ => out.push(e),
                }
            }
            v = out;
        }
        Attrs::from_sorted(v)
    }
}

impl From<BTreeMap<String, Value>> for Attrs {
    fn from(m: BTreeMap<String, Value>) -> Attrs {
        Attrs::from_sorted(m.into_iter().collect())
    }
}

impl From<Attrs> for BTreeMap<String, Value> {
    fn from(a: Attrs) -> BTreeMap<String, Value> {
        a.into_iter().collect()
    }
}

impl IntoIterator for Attrs {
    type Item = (String, Value);
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        self.0.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
#[path = "attrs_tests.rs"]
mod tests;
