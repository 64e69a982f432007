//! Oracle cases for every numeric, string and collection function: at least one success and one
//! error case each, with the results and messages `terraform console` (1.15) gives.

use super::tests::check;

#[test]
fn numeric() {
    check(&[
        ("abs", r#"[-1.5]"#, r#"1.5"#),
        (
            "abs",
            r#"["x"]"#,
            r#"ERR Invalid value for "num" parameter: a number is required."#,
        ),
        ("ceil", r#"[1.2]"#, r#"2"#),
        (
            "ceil",
            r#"["x"]"#,
            r#"ERR Invalid value for "num" parameter: a number is required."#,
        ),
        ("floor", r#"[-1.2]"#, r#"-2"#),
        (
            "floor",
            r#"[true]"#,
            r#"ERR Invalid value for "num" parameter: number required, but have bool."#,
        ),
        ("log", r#"[8, 2]"#, r#"3"#),
        (
            "log",
            r#"["x", 2]"#,
            r#"ERR Invalid value for "num" parameter: a number is required."#,
        ),
        (
            "log",
            r#"[8, "b"]"#,
            r#"ERR Invalid value for "base" parameter: a number is required."#,
        ),
        ("max", r#"[1, 5, 3]"#, r#"5"#),
        (
            "max",
            r#"["a"]"#,
            r#"ERR Invalid value for "numbers" parameter: a number is required."#,
        ),
        (
            "max",
            r#"[[1, 2]]"#,
            r#"ERR Invalid value for "numbers" parameter: number required, but have tuple."#,
        ),
        ("min", r#"[1, 5, 3]"#, r#"1"#),
        (
            "min",
            r#"[]"#,
            r#"ERR Call to function "min" failed: must pass at least one number."#,
        ),
        (
            "min",
            r#"["x"]"#,
            r#"ERR Invalid value for "numbers" parameter: a number is required."#,
        ),
        ("parseint", r#"["ff", 16]"#, r#"255"#),
        (
            "parseint",
            r#"["zz", 10]"#,
            r#"ERR Invalid value for "number" parameter: cannot parse "zz" as a base 10 integer."#,
        ),
        (
            "parseint",
            r#"["1", 63]"#,
            r#"ERR Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."#,
        ),
        (
            "parseint",
            r#"["", 10]"#,
            r#"ERR Invalid value for "number" parameter: cannot parse "" as a base 10 integer."#,
        ),
        ("pow", r#"[2, 10]"#, r#"1024"#),
        (
            "pow",
            r#"["a", 2]"#,
            r#"ERR Invalid value for "num" parameter: a number is required."#,
        ),
        (
            "pow",
            r#"[2]"#,
            r#"ERR Function "pow" expects 2 argument(s). Missing value for "power"."#,
        ),
        ("signum", r#"[-3]"#, r#"-1"#),
        (
            "signum",
            r#"["x"]"#,
            r#"ERR Invalid value for "num" parameter: a number is required."#,
        ),
    ]);
}

#[test]
fn string() {
    check(&[
        ("chomp", r#"["a\n\n"]"#, r#""a""#),
        (
            "chomp",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        (
            "chomp",
            r#"[]"#,
            r#"ERR Function "chomp" expects 1 argument(s). Missing value for "str"."#,
        ),
        ("endswith", r#"["hello", "lo"]"#, r#"true"#),
        (
            "endswith",
            r#"["a"]"#,
            r#"ERR Function "endswith" expects 2 argument(s). Missing value for "suffix"."#,
        ),
        (
            "endswith",
            r#"[null, "a"]"#,
            r#"ERR Invalid value for "str" parameter: argument must not be null."#,
        ),
        ("format", r#"["%d-%s", 1, "a"]"#, r#""1-a""#),
        (
            "format",
            r#"["%d", "x"]"#,
            r#"ERR Call to function "format" failed: unsupported value for "%d" at 0: a number is required."#,
        ),
        (
            "format",
            r#"[]"#,
            r#"ERR Function "format" expects at least 1 argument(s). Missing value for "format"."#,
        ),
        ("formatlist", r#"["%s!", ["a", "b"]]"#, r#"["a!","b!"]"#),
        (
            "formatlist",
            r#"["%s-%s", ["a", "b"], ["c"]]"#,
            r#"ERR Invalid value for "args" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2."#,
        ),
        (
            "formatlist",
            r#"["%d", ["x"]]"#,
            r#"ERR Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%d" at 0: a number is required."#,
        ),
        ("indent", r#"[2, "a\nb"]"#, r#""a\n  b""#),
        (
            "indent",
            r#"["x", "a"]"#,
            r#"ERR Invalid value for "spaces" parameter: a number is required."#,
        ),
        ("join", r#"[",", ["a", "b"]]"#, r#""a,b""#),
        (
            "join",
            r#"[",", "a"]"#,
            r#"ERR Invalid value for "lists" parameter: list of string required, but have string."#,
        ),
        (
            "join",
            r#"[","]"#,
            r#"ERR Call to function "join" failed: at least one list is required."#,
        ),
        (
            "join",
            r#"[",", [[1]]]"#,
            r#"ERR Invalid value for "lists" parameter: element 0: string required, but have tuple."#,
        ),
        ("lower", r#"["AB"]"#, r#""ab""#),
        (
            "lower",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("regex", r#"["a(b)", "abc"]"#, r#"["b"]"#),
        (
            "regex",
            r#"["q", "x"]"#,
            r#"ERR Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        (
            "regex",
            r#"["a", 1]"#,
            r#"ERR Call to function "regex" failed: pattern did not match any part of the given string."#,
        ),
        ("regexall", r#"["a", "aXa"]"#, r#"["a","a"]"#),
        (
            "regexall",
            r#"["(", "x"]"#,
            r#"ERR Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (."#,
        ),
        (
            "regexall",
            r#"[[1], "x"]"#,
            r#"ERR Invalid value for "pattern" parameter: string required, but have tuple."#,
        ),
        ("replace", r#"["abc", "b", "x"]"#, r#""axc""#),
        ("replace", r#"["abbc", "/b+/", "x"]"#, r#""axc""#),
        (
            "replace",
            r#"["abc", "/(/", "x"]"#,
            r#"ERR Call to function "replace" failed: error parsing regexp: missing closing ): `(`."#,
        ),
        (
            "replace",
            r#"["abc", "b"]"#,
            r#"ERR Function "replace" expects 3 argument(s). Missing value for "replace"."#,
        ),
        ("split", r#"[",", "a,b"]"#, r#"["a","b"]"#),
        (
            "split",
            r#"[",", [1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("startswith", r#"["hello", "he"]"#, r#"true"#),
        (
            "startswith",
            r#"[["a"], "a"]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("strcontains", r#"["hello", "ell"]"#, r#"true"#),
        (
            "strcontains",
            r#"[null, "a"]"#,
            r#"ERR Invalid value for "str" parameter: argument must not be null."#,
        ),
        ("strrev", r#"["abc"]"#, r#""cba""#),
        (
            "strrev",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("substr", r#"["hello", 1, 3]"#, r#""ell""#),
        ("substr", r#"["hello", 1, -1]"#, r#""ello""#),
        (
            "substr",
            r#"["hello", "x", 1]"#,
            r#"ERR Invalid value for "offset" parameter: a number is required."#,
        ),
        ("substr", r#"["hello", 1, -2]"#, r#""ello""#),
        ("substr", r#"["hello", 9, 1]"#, r#""""#),
        ("substr", r#"["hello", -9, 1]"#, r#""h""#),
        ("title", r#"["hello world"]"#, r#""Hello World""#),
        (
            "title",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("trim", r#"["?!a?!", "!?"]"#, r#""a""#),
        (
            "trim",
            r#"["a"]"#,
            r#"ERR Function "trim" expects 2 argument(s). Missing value for "cutset"."#,
        ),
        ("trimprefix", r#"["abc", "a"]"#, r#""bc""#),
        (
            "trimprefix",
            r#"[["a"], "a"]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
        ("trimspace", r#"[" a \n"]"#, r#""a""#),
        (
            "trimspace",
            r#"[{}]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have object."#,
        ),
        ("trimsuffix", r#"["abc", "c"]"#, r#""ab""#),
        (
            "trimsuffix",
            r#"["a"]"#,
            r#"ERR Function "trimsuffix" expects 2 argument(s). Missing value for "suffix"."#,
        ),
        ("upper", r#"["a"]"#, r#""A""#),
        (
            "upper",
            r#"[[1]]"#,
            r#"ERR Invalid value for "str" parameter: string required, but have tuple."#,
        ),
    ]);
}

#[test]
fn collection() {
    check(&[
        ("alltrue", r#"[[true, true]]"#, r#"true"#),
        (
            "alltrue",
            r#"[["x"]]"#,
            r#"ERR Invalid value for "list" parameter: a bool is required."#,
        ),
        ("alltrue", r#"[[true, null]]"#, r#"false"#),
        (
            "alltrue",
            r#"["true"]"#,
            r#"ERR Invalid value for "list" parameter: list of bool required, but have string."#,
        ),
        ("anytrue", r#"[[false, true]]"#, r#"true"#),
        (
            "anytrue",
            r#"[["x"]]"#,
            r#"ERR Invalid value for "list" parameter: a bool is required."#,
        ),
        ("anytrue", r#"[[null]]"#, r#"false"#),
        (
            "chunklist",
            r#"[["a", "b", "c"], 2]"#,
            r#"[["a","b"],["c"]]"#,
        ),
        (
            "chunklist",
            r#"[["a"], -1]"#,
            r#"ERR Call to function "chunklist" failed: the size argument must be positive."#,
        ),
        (
            "chunklist",
            r#"["a", 1]"#,
            r#"ERR Invalid value for "list" parameter: list of dynamic required, but have string."#,
        ),
        ("coalesce", r#"["", "b"]"#, r#""b""#),
        (
            "coalesce",
            r#"[1, [1]]"#,
            r#"ERR Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        (
            "coalesce",
            r#"[]"#,
            r#"ERR Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        ("coalescelist", r#"[[], ["a"]]"#, r#"["a"]"#),
        (
            "coalescelist",
            r#"["a"]"#,
            r#"ERR Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples."#,
        ),
        (
            "coalescelist",
            r#"[]"#,
            r#"ERR Call to function "coalescelist" failed: at least one argument is required."#,
        ),
        (
            "coalescelist",
            r#"[[], []]"#,
            r#"ERR Call to function "coalescelist" failed: no non-null arguments."#,
        ),
        ("compact", r#"[["a", "", null]]"#, r#"["a"]"#),
        (
            "compact",
            r#"["a"]"#,
            r#"ERR Invalid value for "list" parameter: list of string required, but have string."#,
        ),
        (
            "compact",
            r#"[[[1]]]"#,
            r#"ERR Invalid value for "list" parameter: element 0: string required, but have tuple."#,
        ),
        ("concat", r#"[["a"], ["b"]]"#, r#"["a","b"]"#),
        (
            "concat",
            r#"["a"]"#,
            r#"ERR Invalid value for "seqs" parameter: all arguments must be lists or tuples; got string."#,
        ),
        ("contains", r#"[["a", "b"], "a"]"#, r#"true"#),
        (
            "contains",
            r#"["a", "a"]"#,
            r#"ERR Call to function "contains" failed: argument must be list, tuple, or set."#,
        ),
        ("distinct", r#"[["a", "b", "a"]]"#, r#"["a","b"]"#),
        (
            "distinct",
            r#"["a"]"#,
            r#"ERR Invalid value for "list" parameter: list of dynamic required, but have string."#,
        ),
        ("element", r#"[["a", "b"], 3]"#, r#""b""#),
        ("element", r#"[["a"], -1]"#, r#""a""#),
        (
            "element",
            r#"[[], 0]"#,
            r#"ERR Call to function "element" failed: cannot use element function with an empty list."#,
        ),
        (
            "element",
            r#"[["a"], "x"]"#,
            r#"ERR Invalid value for "index" parameter: a number is required."#,
        ),
        ("flatten", r#"[[["a"], ["b", ["c"]]]]"#, r#"["a","b","c"]"#),
        (
            "flatten",
            r#"["a"]"#,
            r#"ERR Call to function "flatten" failed: can only flatten lists, sets and tuples."#,
        ),
        ("index", r#"[["a", "b"], "b"]"#, r#"1"#),
        (
            "index",
            r#"[["a"], "z"]"#,
            r#"ERR Call to function "index" failed: item not found."#,
        ),
        (
            "index",
            r#"["a", "a"]"#,
            r#"ERR Call to function "index" failed: argument must be a list or tuple."#,
        ),
        ("keys", r#"[{"b": 1, "a": 2}]"#, r#"["a","b"]"#),
        (
            "keys",
            r#"[["a"]]"#,
            r#"ERR Invalid value for "inputMap" parameter: must have map or object type."#,
        ),
        ("length", r#"["abc"]"#, r#"3"#),
        ("length", r#"[[1, 2]]"#, r#"2"#),
        (
            "length",
            r#"[1]"#,
            r#"ERR Call to function "length" failed: argument must be a string, a collection type, or a structural type."#,
        ),
        (
            "length",
            r#"[null]"#,
            r#"ERR Invalid value for "value" parameter: argument must not be null."#,
        ),
        ("lookup", r#"[{"a": 1}, "a"]"#, r#"1"#),
        ("lookup", r#"[{"a": 1}, "b", 0]"#, r#"0"#),
        (
            "lookup",
            r#"[{"a": 1}, "b"]"#,
            r#"ERR Invalid value for "inputMap" parameter: the given object has no attribute "b"."#,
        ),
        (
            "lookup",
            r#"["a", "b"]"#,
            r#"ERR Invalid value for "inputMap" parameter: lookup() requires a map as the first argument."#,
        ),
        (
            "matchkeys",
            r#"[["a", "b"], ["x", "y"], ["y"]]"#,
            r#"["b"]"#,
        ),
        (
            "matchkeys",
            r#"[["a"], ["x", "y"], ["y"]]"#,
            r#"ERR Call to function "matchkeys" failed: length of keys and values should be equal."#,
        ),
        (
            "matchkeys",
            r#"["a", ["x"], ["y"]]"#,
            r#"ERR Invalid value for "values" parameter: list of dynamic required, but have string."#,
        ),
        ("merge", r#"[{"a": 1}, {"b": 2}]"#, r#"{"a":1,"b":2}"#),
        (
            "merge",
            r#"["a"]"#,
            r#"ERR Call to function "merge" failed: arguments must be maps or objects, got "string"."#,
        ),
        (
            "merge",
            r#"[[1]]"#,
            r#"ERR Call to function "merge" failed: arguments must be maps or objects, got "tuple"."#,
        ),
        ("one", r#"[["a"]]"#, r#""a""#),
        (
            "one",
            r#"[["a", "b"]]"#,
            r#"ERR Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        (
            "one",
            r#"["a"]"#,
            r#"ERR Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        ("range", r#"[3]"#, r#"[0,1,2]"#),
        ("range", r#"[1, 7, 2]"#, r#"[1,3,5]"#),
        (
            "range",
            r#"[]"#,
            r#"ERR Call to function "range" failed: must have one, two, or three arguments."#,
        ),
        (
            "range",
            r#"["x"]"#,
            r#"ERR Invalid value for "params" parameter: a number is required."#,
        ),
        (
            "range",
            r#"[1, 2, 0]"#,
            r#"ERR Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."#,
        ),
        ("reverse", r#"[["a", "b"]]"#, r#"["b","a"]"#),
        (
            "reverse",
            r#"["a"]"#,
            r#"ERR Invalid value for "list" parameter: can only reverse list or tuple values, not string."#,
        ),
        ("setintersection", r#"[["a", "b"], ["b"]]"#, r#"["b"]"#),
        (
            "setintersection",
            r#"["a"]"#,
            r#"ERR Invalid value for "first_set" parameter: set of dynamic required, but have string."#,
        ),
        (
            "setintersection",
            r#"[]"#,
            r#"ERR Function "setintersection" expects at least 1 argument(s). Missing value for "first_set"."#,
        ),
        (
            "setproduct",
            r#"[["a"], ["b", "c"]]"#,
            r#"[["a","b"],["a","c"]]"#,
        ),
        (
            "setproduct",
            r#"[["a"]]"#,
            r#"ERR Call to function "setproduct" failed: at least two arguments are required."#,
        ),
        (
            "setproduct",
            r#"["a", "b"]"#,
            r#"ERR Invalid value for "sets" parameter: a set or a list is required."#,
        ),
        ("setsubtract", r#"[["a", "b"], ["b"]]"#, r#"["a"]"#),
        (
            "setsubtract",
            r#"["a", ["b"]]"#,
            r#"ERR Invalid value for "a" parameter: set of dynamic required, but have string."#,
        ),
        ("setunion", r#"[["a"], ["b"]]"#, r#"["a","b"]"#),
        (
            "setunion",
            r#"["a"]"#,
            r#"ERR Invalid value for "first_set" parameter: set of dynamic required, but have string."#,
        ),
        (
            "setunion",
            r#"[]"#,
            r#"ERR Function "setunion" expects at least 1 argument(s). Missing value for "first_set"."#,
        ),
        ("slice", r#"[["a", "b", "c"], 1, 2]"#, r#"["b"]"#),
        (
            "slice",
            r#"[["a"], 0, 3]"#,
            r#"ERR Invalid value for "end_index" parameter: end index must not be greater than the length of the list."#,
        ),
        (
            "slice",
            r#"["a", 0, 1]"#,
            r#"ERR Invalid value for "list" parameter: must be a list or tuple value."#,
        ),
        ("sort", r#"[["b", "a"]]"#, r#"["a","b"]"#),
        (
            "sort",
            r#"[[[1]]]"#,
            r#"ERR Invalid value for "list" parameter: element 0: string required, but have tuple."#,
        ),
        (
            "sort",
            r#"["a"]"#,
            r#"ERR Invalid value for "list" parameter: list of string required, but have string."#,
        ),
        ("sum", r#"[[1, 2.5]]"#, r#"3.5"#),
        (
            "sum",
            r#"[[]]"#,
            r#"ERR Invalid value for "list" parameter: cannot sum an empty list."#,
        ),
        (
            "sum",
            r#"["a"]"#,
            r#"ERR Invalid value for "list" parameter: cannot sum noniterable."#,
        ),
        (
            "transpose",
            r#"[{"a": ["1", "2"], "b": ["2"]}]"#,
            r#"{"1":["a"],"2":["a","b"]}"#,
        ),
        (
            "transpose",
            r#"[{"a": "x"}]"#,
            r#"ERR Invalid value for "values" parameter: element "a": list of string required, but have string."#,
        ),
        ("values", r#"[{"b": 1, "a": 2}]"#, r#"[2,1]"#),
        (
            "values",
            r#"[["a"]]"#,
            r#"ERR Call to function "values" failed: values() requires a map as the first argument."#,
        ),
        ("zipmap", r#"[["a"], [1]]"#, r#"{"a":1}"#),
        (
            "zipmap",
            r#"[["a", "b"], [1]]"#,
            r#"ERR Call to function "zipmap" failed: number of keys (2) does not match number of values (1)."#,
        ),
        (
            "zipmap",
            r#"["a", [1]]"#,
            r#"ERR Invalid value for "keys" parameter: list of string required, but have string."#,
        ),
    ]);
}
