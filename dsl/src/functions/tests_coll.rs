//! Oracle cases for the collection and set families.

use super::tests::check;

#[test]
fn collections() {
    check(&[
        (
            "lookup",
            r#"[{"a":1}, "b"]"#,
            r#"ERR Invalid value for "inputMap" parameter: the given object has no attribute "b"."#,
        ),
        ("lookup", r#"[{"a":1}, "a", "x"]"#, "1"),
        ("element", r#"[["a","b"], -1]"#, r#""b""#),
        ("element", r#"[["a","b"], 3]"#, r#""b""#),
        ("element", r#"[["a","b"], 5]"#, r#""b""#),
        (
            "element",
            r#"[[], 0]"#,
            r#"ERR Call to function "element" failed: cannot use element function with an empty list."#,
        ),
        (
            "index",
            r#"[["a"], "b"]"#,
            r#"ERR Call to function "index" failed: item not found."#,
        ),
        ("index", r#"[["a", "b"], "b"]"#, "1"),
        (
            "one",
            r#"[[1,2]]"#,
            r#"ERR Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        ("one", r#"[[]]"#, "null"),
        ("one", r#"[[3]]"#, "3"),
        ("chunklist", r#"[[1,2,3], 0]"#, "[[1,2,3]]"),
        ("chunklist", r#"[[1,2,3], 2]"#, "[[1,2],[3]]"),
        (
            "coalesce",
            r#"[]"#,
            r#"ERR Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        (
            "coalesce",
            r#"[null, ""]"#,
            r#"ERR Call to function "coalesce" failed: no non-null, non-empty-string arguments."#,
        ),
        ("coalesce", r#"[1, "a"]"#, r#""1""#),
        ("coalescelist", r#"[[], [1]]"#, "[1]"),
        ("flatten", r#"[[[1,[2]],3]]"#, "[1,2,3]"),
        ("merge", r#"[{"a":1},{"b":"x"}]"#, r#"{"a":1,"b":"x"}"#),
        (
            "sum",
            r#"[[]]"#,
            r#"ERR Invalid value for "list" parameter: cannot sum an empty list."#,
        ),
        ("sum", r#"[[1, 2.5]]"#, "3.5"),
        (
            "sum",
            r#"[["a"]]"#,
            r#"ERR Invalid value for "list" parameter: argument must be list, set, or tuple of number values."#,
        ),
        (
            "zipmap",
            r#"[["a","b"], [1]]"#,
            r#"ERR Call to function "zipmap" failed: number of keys (2) does not match number of values (1)."#,
        ),
        ("zipmap", r#"[["a"], [1]]"#, r#"{"a":1}"#),
        ("concat", r#"[[1], ["a"]]"#, r#"[1,"a"]"#),
        ("contains", r#"[[1,2], "1"]"#, "false"),
        ("contains", r#"[[1,2], 2]"#, "true"),
        ("keys", r#"[{"b":1, "a":2}]"#, r#"["a","b"]"#),
        ("values", r#"[{"a":1, "b":"x"}]"#, r#"[1,"x"]"#),
        ("sort", r#"[[3, "a"]]"#, r#"["3","a"]"#),
        (
            "sort",
            r#"[["b", null]]"#,
            r#"ERR Call to function "sort" failed: given list element 1 is null; a null string cannot be sorted."#,
        ),
        ("distinct", r#"[[1,1,"1"]]"#, r#"["1"]"#),
        (
            "length",
            r#"[null]"#,
            r#"ERR Invalid value for "value" parameter: argument must not be null."#,
        ),
        ("length", r#"["héllo👍🏽"]"#, "6"),
        ("length", r#"[["a", "b"]]"#, "2"),
        ("matchkeys", r#"[["a","b"], [1,2], [2]]"#, r#"["b"]"#),
        ("alltrue", r#"[[]]"#, "true"),
        ("anytrue", r#"[[null]]"#, "false"),
        ("compact", r#"[["a","",null]]"#, r#"["a"]"#),
        ("range", r#"[3, 1]"#, "[3,2]"),
        ("range", r#"[0, 1, 0.25]"#, "[0,0.25,0.5,0.75]"),
        ("range", r#"[0]"#, "[]"),
        (
            "range",
            r#"[1000000000]"#,
            r#"ERR Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."#,
        ),
        (
            "range",
            r#"[0, 3, 0]"#,
            r#"ERR Call to function "range" failed: more than 1024 values"#,
        ),
        (
            "range",
            r#"[0, 1, -1]"#,
            r#"ERR Invalid value for "params" parameter: end must be less than start when step is negative."#,
        ),
        (
            "range",
            r#"[1, 0, 1]"#,
            r#"ERR Invalid value for "params" parameter: end must be greater than start when step is positive."#,
        ),
        (
            "range",
            r#"[1, 2, 3, 4]"#,
            r#"ERR Call to function "range" failed: must have one, two, or three arguments."#,
        ),
        (
            "slice",
            r#"[[1,2], 0, 3]"#,
            r#"ERR Invalid value for "end_index" parameter: end index must not be greater than the length of the list."#,
        ),
        (
            "slice",
            r#"[[1,2], -1, 1]"#,
            r#"ERR Invalid value for "start_index" parameter: start index must not be less than zero."#,
        ),
        (
            "slice",
            r#"[[1,2,3], 2, 1]"#,
            r#"ERR Invalid value for "start_index" parameter: start index must not be greater than end index."#,
        ),
        ("slice", r#"[[1,2,3], 1, 3]"#, "[2,3]"),
        (
            "transpose",
            r#"[{"a":["x","y"], "b":["x"]}]"#,
            r#"{"x":["a","b"],"y":["a"]}"#,
        ),
        ("reverse", r#"[[1,2]]"#, "[2,1]"),
    ]);
}

#[test]
fn sets() {
    check(&[
        (
            "setproduct",
            r#"[["a","b"], [1,2]]"#,
            r#"[["a",1],["a",2],["b",1],["b",2]]"#,
        ),
        (
            "setproduct",
            r#"[["a"]]"#,
            r#"ERR Call to function "setproduct" failed: at least two arguments are required."#,
        ),
        ("setproduct", r#"[["a"], []]"#, "[]"),
        ("setunion", r#"[["a"], [1]]"#, r#"["1","a"]"#),
        ("setsubtract", r#"[[1,2], [2]]"#, "[1]"),
        ("setintersection", r#"[[1,2],[2,3]]"#, "[2]"),
    ]);
}

mod props {
    use crate::functions::tests::run;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn distinct_has_no_duplicates(xs in proptest::collection::vec(0i64..5, 0..8)) {
            let args = format!("[{:?}]", xs);
            let got = run("distinct", &args);
            let v: Vec<i64> = serde_json::from_str(&got).unwrap_or_default();
            let mut d = v.clone();
            d.dedup();
            let mut sorted = v.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), v.len());
        }

        #[test]
        fn setunion_commutes(a in proptest::collection::vec(0i64..6, 0..5), b in proptest::collection::vec(0i64..6, 0..5)) {
            prop_assert_eq!(run("setunion", &format!("[{a:?}, {b:?}]")), run("setunion", &format!("[{b:?}, {a:?}]")));
        }

        #[test]
        fn sort_is_sorted(xs in proptest::collection::vec("[a-z]{0,3}", 0..8)) {
            let got = run("sort", &serde_json::to_string(&vec![xs]).unwrap_or_default());
            let v: Vec<String> = serde_json::from_str(&got).unwrap_or_default();
            prop_assert!(v.windows(2).all(|w| w[0] <= w[1]));
            prop_assert_eq!(v.len(), serde_json::from_str::<Vec<String>>(&got).map(|x| x.len()).unwrap_or(0));
        }

        #[test]
        fn tostring_tonumber_round_trips(n in -1_000_000i64..1_000_000, frac in 0u32..1000) {
            let text = format!("{n}.{frac:03}");
            let num = run("tonumber", &format!("[\"{text}\"]"));
            let back = run("tostring", &format!("[{num}]"));
            let again = run("tonumber", &format!("[{back}]"));
            prop_assert_eq!(num, again);
        }
    }
}

/// From conformance cases 031, 034 and 037 (`terraform output -json`).
#[test]
fn collection_conformance() {
    check(&[
        ("tostring", "[1e3]", r#""1000""#),
        ("tostring", "[0.000001]", r#""0.000001""#),
        ("tostring", "[-2.5]", r#""-2.5""#),
        ("tonumber", r#"["007"]"#, "7"),
        ("tonumber", r#"["1e2"]"#, "100"),
        ("tonumber", r#"["0x10"]"#, "ERR Invalid value"),
        ("tonumber", r#"["1,000"]"#, "ERR Invalid value"),
        ("tonumber", r#"[""]"#, "ERR Invalid value"),
        ("tobool", r#"["1"]"#, "true"),
        ("tolist", r#"[["a", 1, true]]"#, r#"["a","1","true"]"#),
        ("tolist", r#"[[[1], ["x"]]]"#, r#"[["1"],["x"]]"#),
        ("toset", r#"[[3, 1, 2, 3]]"#, "[1,2,3]"),
        (
            "tomap",
            r#"[{"a": 1, "b": "two", "c": true}]"#,
            r#"{"a":"1","b":"two","c":"true"}"#,
        ),
        (
            "tomap",
            r#"[{"a": [1], "b": [2, 3]}]"#,
            r#"{"a":[1],"b":[2,3]}"#,
        ),
        ("tomap", r#"[{"a": [1], "b": "x"}]"#, "ERR Invalid value"),
        ("element", r#"[["a","b","c","d","e"], 12]"#, r#""c""#),
        (
            "lookup",
            r#"[{"zulu": 26, "alpha": 1, "mike": 13}, "nope", -1]"#,
            "-1",
        ),
        (
            "lookup",
            r#"[{"b": "bee", "a": "ay", "c": ["see"]}, "zz", "none"]"#,
            r#""none""#,
        ),
        (
            "values",
            r#"[{"b": "bee", "a": "ay", "c": ["see"]}]"#,
            r#"["ay","bee",["see"]]"#,
        ),
        ("slice", r#"[["a","b","c","d","e"], 2, 2]"#, "[]"),
        ("coalesce", r#"[null, 0, 1]"#, "0"),
        ("coalesce", r#"["", null, "x"]"#, r#""x""#),
        ("coalesce", r#"[null, null]"#, "ERR Call to function"),
        ("coalescelist", r#"[[], [[1, 2]]]"#, "[[1,2]]"),
        ("compact", r#"[[1, "", 2]]"#, r#"["1","2"]"#),
        ("compact", r#"[[" ", "", "x"]]"#, r#"[" ","x"]"#),
        ("one", r#"[["only"]]"#, r#""only""#),
    ]);
}

#[test]
fn more_collection_edges() {
    check(&[
        ("lookup", r#"[{"a":"x"}, "b", 1]"#, "1"),
        ("lookup", r#"[{"a":1}, "b", "x"]"#, r#""x""#),
        ("flatten", r#"[[[], [[]], [null]]]"#, "[null]"),
        ("merge", r#"[{"a":1}, null, {"a":"x"}]"#, r#"{"a":"x"}"#),
        ("chunklist", r#"[["a","b","c"], 2]"#, r#"[["a","b"],["c"]]"#),
        ("transpose", r#"[{}]"#, "{}"),
        ("sort", r#"[[]]"#, "[]"),
        ("distinct", r#"[[]]"#, "[]"),
        ("reverse", r#"[[1,"a"]]"#, r#"["a",1]"#),
    ]);
}
