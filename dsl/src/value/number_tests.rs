//! Tests of numbers: arithmetic, printing and parsing checked against Terraform, limits, and
//! property tests.

use super::*;
use proptest::prelude::*;

fn n(s: &str) -> Number {
    Number::parse(s).unwrap()
}

fn eval(a: &str, op: char, b: &str) -> String {
    let (a, b) = (n(a), n(b));
    let r = match op {
        '+' => a.add(&b),
        '-' => a.sub(&b),
        '*' => a.mul(&b),
        '/' => a.div(&b),
        '%' => a.rem(&b),
        _ => unreachable!(),
    };
    r.unwrap().to_text()
}

const THIRD: &str = "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335";

/// Results printed by Terraform 1.15.5 (`terraform output -json` / `tostring`).
#[test]
fn arithmetic_matches_terraform() {
    let cases: &[(&str, char, &str, &str)] = &[
        ("0.1", '+', "0.2", "0.3"),
        ("1", '/', "3", THIRD),
        ("2", '/', "3", "0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667"),
        ("1", '/', "7", "0.14285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285"),
        ("10", '/', "4", "2.5"),
        ("7", '%', "3", "1"),
        ("-7", '%', "3", "-1"),
        ("5.5", '%', "2", "1.5"),
        ("-5", '%', "3", "-2"),
        ("5", '%', "-3", "2"),
        ("-5.5", '%', "2", "-1.5"),
        ("5", '%', "0", "5"),
        ("12345678901234567890123", '+', "1", "12345678901234567890124"),
        ("1.5e300", '*', "1e10", &format!("15{}", "0".repeat(309))),
        ("0.1", '*', "3", "0.3"),
        ("2", '*', "0.1", "0.2"),
        ("4", '/', "2", "2"),
        ("1.1", '+', "2.2", "3.3000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002"),
        ("3", '*', "1.1", "3.3000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002"),
        ("0.1", '+', "0.7", "0.8"),
        ("0", '*', "-1", "-0"),
    ];
    for (a, op, b, want) in cases {
        assert_eq!(eval(a, *op, b), *want, "{a} {op} {b}");
    }
    assert_eq!(
        n("100")
            .div(&n("3"))
            .unwrap()
            .mul(&n("3"))
            .unwrap()
            .to_text(),
        "100"
    );
    assert!(n("0.1").add(&n("0.2")).unwrap().equals(&n("0.3")));
}

#[test]
fn literals_print_as_terraform() {
    let cases: &[(&str, &str)] = &[
        ("1e30", "1000000000000000000000000000000"),
        ("12345678901234567890123", "12345678901234567890123"),
        ("1e-7", "0.0000001"),
        ("3.0", "3"),
        (
            "100000000000000000000000000000000000000000",
            "100000000000000000000000000000000000000000",
        ),
        ("0.000001", "0.000001"),
        ("123.456e2", "12345.6"),
        (
            "123456789012345678901234567890.5",
            "123456789012345678901234567890.5",
        ),
        ("1e-20", "0.00000000000000000001"),
        ("1e3", "1000"),
        (".5", "0.5"),
        ("5.", "5"),
        ("+5", "5"),
        ("1.50", "1.5"),
        ("9007199254740993", "9007199254740993"),
        ("-0", "-0"),
        ("Inf", "+Inf"),
        ("-inf", "-Inf"),
    ];
    for (lit, want) in cases {
        assert_eq!(n(lit).to_text(), *want, "{lit}");
    }
}

#[test]
fn machine_precisions() {
    // pow(2, 64) and pow(10, 20) in Terraform are float64 results.
    assert_eq!(
        Number::from_f64(2f64.powi(64)).unwrap().to_text(),
        "18446744073709550000"
    );
    assert_eq!(
        Number::from_f64(1e20).unwrap().to_text(),
        "100000000000000000000"
    );
    assert_eq!(
        Number::from_f64(std::f64::consts::SQRT_2)
            .unwrap()
            .to_text(),
        "1.4142135623730951"
    );
    // length(...) / 7: an int64 divided by a literal has the literal's precision.
    let r = Number::from_i64(3).div(&n("7")).unwrap().to_text();
    assert_eq!(r.len(), 157);
    assert!(r.ends_with("42856"));
    assert_eq!(Number::from_i64(i64::MIN).to_text(), "-9223372036854775808");
    assert_eq!(Number::from_u64(u64::MAX).to_u64(), Some(u64::MAX));
    assert_eq!(n("2.5").to_i64(), None);
    assert_eq!(n("-42").to_i64(), Some(-42));
    assert_eq!(n("0.1").to_f64(), 0.1);
}

#[test]
fn errors_and_specials() {
    for bad in [
        "", "abc", "1e", "0x10", " 1", "1 ", "1.2.3", "--1", "1e+", "e5", ".",
    ] {
        assert_eq!(
            Number::parse(bad).unwrap_err(),
            NumberError::Syntax,
            "{bad:?}"
        );
    }
    assert_eq!(
        Number::parse("1e999999999").unwrap_err(),
        NumberError::OutOfRange
    );
    assert_eq!(
        Number::parse("1e-999999999").unwrap_err(),
        NumberError::OutOfRange
    );
    assert_eq!(
        Number::parse("1e99999999999999999999999").unwrap_err(),
        NumberError::OutOfRange
    );
    assert_eq!(n("1").div(&n("0")).unwrap().to_text(), "+Inf");
    assert_eq!(n("-1").div(&n("0")).unwrap().to_text(), "-Inf");
    assert_eq!(
        n("0").div(&n("0")).unwrap_err().to_string(),
        "can't divide zero by zero or infinity by infinity"
    );
    assert_eq!(
        n("inf").add(&n("-inf")).unwrap_err().to_string(),
        "can't compute sum of opposing infinities"
    );
    assert_eq!(
        n("inf").sub(&n("inf")).unwrap_err().to_string(),
        "can't subtract infinity from itself"
    );
    assert_eq!(
        n("inf").mul(&n("0")).unwrap_err().to_string(),
        "can't multiply zero by infinity"
    );
    // Overflow in arithmetic becomes infinity rather than a huge allocation.
    let mut x = n("1e19000");
    x = x.mul(&x).unwrap();
    assert!(x.is_infinite());
    // Adding something far below the precision is exact-free and cheap.
    assert_eq!(n("1").add(&n("1e-19000")).unwrap().to_text(), "1");
}

#[test]
fn rounding_helpers() {
    assert_eq!(n("7.5").floor().to_text(), "7");
    assert_eq!(n("-7.5").floor().to_text(), "-8");
    assert_eq!(n("7.2").ceil().to_text(), "8");
    assert_eq!(n("-7.2").ceil().to_text(), "-7");
    assert_eq!(n("-7.2").trunc().to_text(), "-7");
    assert_eq!(n("-0.2").trunc().to_text(), "-0");
    assert!(n("4").is_integer() && !n("4.5").is_integer());
    assert_eq!(n("-3").abs().to_text(), "3");
    assert_eq!(n("1").cmp_num(&n("2")), Ordering::Less);
    assert_eq!(n("-0").cmp_num(&n("0")), Ordering::Equal);
    assert_eq!(n("-inf").cmp_num(&n("-1e300")), Ordering::Less);
    assert_eq!(n("-2").cmp_num(&n("-10")), Ordering::Greater);
    assert!(n("-0").equals(&n("0")));
}

#[test]
fn g10_text() {
    let cases: &[(&str, &str)] = &[
        ("1", "1"),
        ("1.5", "1.5"),
        ("10", "10"),
        ("0", "0"),
        ("1e21", "1e+21"),
        ("1234567890123", "1.23456789e+12"),
        ("0.00001", "1e-05"),
        ("0.0001", "0.0001"),
        ("-2.5", "-2.5"),
    ];
    for (lit, want) in cases {
        assert_eq!(n(lit).to_text_g10(), *want, "{lit}");
    }
    assert_eq!(n("1").div(&n("3")).unwrap().to_text_g10(), "0.3333333333");
}

proptest! {
    #[test]
    fn integers_print_exactly(v in any::<i64>()) {
        prop_assert_eq!(Number::from_i64(v).to_text(), v.to_string());
        prop_assert_eq!(n(&v.to_string()).to_i64(), Some(v));
    }

    #[test]
    fn text_round_trips(int in 0u64..1_000_000_000, frac in 0u32..1_000_000, e in -30i32..30) {
        let lit = format!("{int}.{frac}e{e}");
        let x = n(&lit);
        let again = n(&x.to_text());
        prop_assert!(x.equals(&again));
        prop_assert_eq!(x.cmp_num(&again), Ordering::Equal);
    }

    #[test]
    fn f64_round_trips(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        let x = Number::from_f64(v).unwrap();
        prop_assert_eq!(x.to_f64(), v);
        // Shortest text at 53 bits parses back to the same double, as Go's does.
        let text = x.to_text();
        prop_assert_eq!(text.parse::<f64>().unwrap(), v);
    }

    #[test]
    fn ordering_consistent(a in -1e6f64..1e6, b in -1e6f64..1e6) {
        let (x, y) = (Number::from_f64(a).unwrap(), Number::from_f64(b).unwrap());
        prop_assert_eq!(x.cmp_num(&y), a.partial_cmp(&b).unwrap());
        let sum = x.add(&y).unwrap();
        let back = sum.sub(&y).unwrap();
        // With 53-bit operands and 53-bit results the float64 laws hold.
        prop_assert_eq!(sum.to_f64(), a + b);
        prop_assert_eq!(back.to_f64(), (a + b) - b);
        prop_assert_eq!(x.mul(&y).unwrap().to_f64(), a * b);
        if b != 0.0 {
            prop_assert_eq!(x.div(&y).unwrap().to_f64(), a / b);
        }
    }
}

#[test]
fn float_functions_and_limits() {
    // Terraform: pow(2, 0.5) = 1.4142135623730951, pow(2, 64) = 18446744073709550000.
    assert_eq!(
        n("2").pow_f64(&n("0.5")).unwrap().to_text(),
        "1.4142135623730951"
    );
    assert_eq!(
        n("2").pow_f64(&n("64")).unwrap().to_text(),
        "18446744073709550000"
    );
    assert_eq!(n("8").log_f64(&n("2")).unwrap().to_text(), "3");
    let long = format!("1.{}", "1".repeat(50_000));
    assert_eq!(Number::parse(&long).unwrap_err(), NumberError::OutOfRange);
    let many = format!("0.{}1", "0".repeat(5_000));
    assert_eq!(Number::parse(&many).unwrap().to_text().len(), 5_003);
}

#[test]
fn extremes_print_quickly() {
    let start = std::time::Instant::now();
    for lit in ["1e-19000", "1.2345e19000", "-3.3e-19600"] {
        let x = n(lit);
        let text = x.to_text();
        assert!(n(&text).equals(&x), "{lit}");
    }
    let third = n("1").div(&n("3")).unwrap();
    let tiny = third.mul(&n("1e-19500")).unwrap();
    assert!(tiny.to_text().starts_with("0.000"));
    assert!(start.elapsed().as_secs() < 20);
}

proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = Number::parse(&s);
    }

    #[test]
    fn parse_numeric_shapes(s in "[-+]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{1,12})?") {
        if let Ok(x) = Number::parse(&s) {
            let _ = x.to_text();
            let _ = x.to_text_g10();
        }
    }

    #[test]
    fn operations_never_panic(a in "[-]?[0-9]{1,5}(\\.[0-9]{1,3})?(e[-]?[0-9]{1,4})?", b in "[-]?[0-9]{1,5}(\\.[0-9]{1,3})?(e[-]?[0-9]{1,4})?") {
        let (x, y) = (n(&a), n(&b));
        for r in [x.add(&y), x.sub(&y), x.mul(&y), x.div(&y), x.rem(&y)].into_iter().flatten() {
            let _ = r.to_text();
            let _ = r.to_f64();
            let _ = r.floor();
            let _ = r.to_i64();
        }
    }
}

/// `tonumber(...)` in `terraform console` (Terraform 1.15.5).
#[test]
fn parse_like_terraform_console() {
    let ok: &[(&str, &str)] = &[
        ("inf", "+Inf"),
        ("+Inf", "+Inf"),
        (".5e1", "5"),
        ("1.e1", "10"),
        ("-.5", "-0.5"),
        ("1E+2", "100"),
        ("00.10", "0.1"),
        ("-0", "-0"),
    ];
    for (text, want) in ok {
        assert_eq!(n(text).to_text(), *want, "{text}");
    }
    for bad in ["infinity", "NaN", "1_000", "0x1p3"] {
        assert!(Number::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn exact_f64() {
    assert_eq!(n("0.5").to_f64_exact(), Some(0.5));
    assert_eq!(n("0.1").to_f64_exact(), None);
    assert_eq!(
        n("-0").to_f64_exact().map(f64::is_sign_negative),
        Some(true)
    );
    assert_eq!(n("1e400").to_f64_exact(), None);
    assert_eq!(crate::value::Value::from(7).as_i64(), Some(7));
}

/// Precision follows the operands, as `terraform console` shows: integers from functions
/// (`length`, `parseint`) have 64 bits, `pow` results 53, literals 512.
#[test]
fn precision_follows_operands() {
    let i = Number::from_i64;
    assert_eq!(i(1).div(&i(3)).unwrap().to_text(), "0.33333333333333333334");
    assert_eq!(i(7).div(&i(3)).unwrap().to_text(), "2.3333333333333333333");
    let floor_ratio = n("7.5").floor().div(&n("3.5").floor()).unwrap().to_text();
    assert_eq!(floor_ratio, format!("2.{}2", "3".repeat(153)));
    let root2 = n("2").pow_f64(&n("0.5")).unwrap();
    assert_eq!(
        root2.mul(&n("1")).unwrap().to_text(),
        "1.4142135623730951454746218587388284504413604736328125"
    );
    let ceil_ratio = n("1.2").ceil().div(&n("2.1").ceil()).unwrap().to_text();
    assert_eq!(ceil_ratio, format!("0.{}7", "6".repeat(153)));
}

/// Fractional modulo keeps 512 bits, as `terraform console` shows.
#[test]
fn fractional_modulo() {
    let cases: &[(&str, &str, &str)] = &[
        ("0.1", "0.03", "0.010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003"),
        ("1", "0.3", "0.099999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999955"),
        ("10.5", "3.3", "0.6000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005"),
        ("1e30", "7", "1"),
        ("12345678901234567890123", "10", "3"),
        ("-1e30", "7", "-1"),
    ];
    for (a, b, want) in cases {
        let x = match a.strip_prefix('-') {
            Some(rest) => n(rest).neg(),
            None => n(a),
        };
        assert_eq!(x.rem(&n(b)).unwrap().to_text(), *want, "{a} % {b}");
    }
    let third = n("1").div(&n("3")).unwrap();
    assert_eq!(
        third.rem(&n("0.1")).unwrap().to_text(),
        "0.03333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333"
    );
}
