//! Destroy ordering: the one place that decides in which order objects are destroyed, for
//! plain destroys, delete-then-create replacements and create-before-destroy replacements.
//!
//! Invariants:
//! 1. An object is destroyed only after every object that depends on it is destroyed
//!    (dependencies come from the state's `dependencies`, recorded at create time).
//! 2. Destroys (and the destroy half of delete-then-create replacements) run before any create
//!    or update of the apply: a replaced object's dependents are destroyed first, then it, and
//!    only then is anything created (so a replacement never finds its old self in the way).
//! 3. With create_before_destroy, the old object is kept (deposed) until the walk has created
//!    its successor and updated everything that depends on it; deposed objects are destroyed
//!    last, again dependents first.
//! 4. Independent objects are destroyed in parallel, wave by wave.
//! 5. An object a plan adopted (an interrupted create's, found by its intent) and destroys or
//!    replaces enters the state before any destroy, with its resource's dependencies: it is
//!    ordered here like any recorded object (an association before its route table), and no
//!    other code orders destroys.

use std::collections::{BTreeMap, BTreeSet};

use terrane_state::ResourceRecord;

/// The `AbsResource` part of an instance address (`a.b["k"]` -> `a.b`).
pub fn resource_part(address: &str) -> &str {
    // The key is the last `[...]` when the address ends with `]`.
    if address.ends_with(']') {
        if let Some(i) = address.rfind('[') {
            return &address[..i];
        }
    }
    address
}

/// Groups `records` into waves: every record of a wave may be destroyed once all earlier
/// waves are done (invariant 1). Records in a dependency cycle (a corrupt state) are put in a
/// last wave together rather than never destroyed.
pub fn destroy_waves(records: Vec<ResourceRecord>) -> Vec<Vec<ResourceRecord>> {
    let n = records.len();
    // by_resource: AbsResource -> indices of records of it.
    let mut by_resource: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        by_resource
            .entry(resource_part(&r.address))
            .or_default()
            .push(i);
    }
    // blockers[i]: records that must be destroyed before i (those that depend on i).
    let mut blockers: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (i, r) in records.iter().enumerate() {
        for dep in &r.dependencies {
            for &j in by_resource.get(resource_part(dep)).into_iter().flatten() {
                if j != i {
                    blockers[j].insert(i);
                }
            }
        }
    }
    let mut done = vec![false; n];
    let mut waves = Vec::new();
    let mut left = n;
    while left > 0 {
        let wave: Vec<usize> = (0..n)
            .filter(|&i| !done[i] && blockers[i].iter().all(|&b| done[b]))
            .collect();
        let wave = if wave.is_empty() {
            (0..n).filter(|&i| !done[i]).collect()
        } else {
            wave
        };
        for &i in &wave {
            done[i] = true;
        }
        left -= wave.len();
        waves.push(wave);
    }
    let mut slots: Vec<Option<ResourceRecord>> = records.into_iter().map(Some).collect();
    waves
        .into_iter()
        .map(|w| w.into_iter().filter_map(|i| slots[i].take()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_dsl::value::Value;
    use terrane_state::ResourceAddress;

    fn rec(addr: &str, deps: &[&str]) -> ResourceRecord {
        let a = ResourceAddress::parse(addr).unwrap();
        let mut r = ResourceRecord::new(&a, "p", Value::dynamic());
        r.dependencies = deps.iter().map(|s| s.to_string()).collect();
        r
    }

    #[test]
    fn dependents_are_destroyed_first() {
        let waves = destroy_waves(vec![
            rec("t.a", &[]),
            rec("t.b[0]", &["t.a"]),
            rec("t.b[1]", &["t.a"]),
            rec("t.c", &["t.b"]),
        ]);
        let names: Vec<Vec<String>> = waves
            .iter()
            .map(|w| w.iter().map(|r| r.address.clone()).collect())
            .collect();
        assert_eq!(
            names,
            vec![vec!["t.c"], vec!["t.b[0]", "t.b[1]"], vec!["t.a"]]
        );
    }

    #[test]
    fn cycles_still_end() {
        let waves = destroy_waves(vec![rec("t.a", &["t.b"]), rec("t.b", &["t.a"])]);
        assert_eq!(waves.iter().map(Vec::len).sum::<usize>(), 2);
    }
}
