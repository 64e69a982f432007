//! Numbers as Terraform computes them: binary floating point with a per-value precision (512
//! bits for literals, 64 for integers from functions, 53 for float64 results), rounding to
//! nearest even, signed zeros and infinities, and Go's `big.Float` shortest decimal printing.
//!
//! The big-integer work is done by `num-bigint`; this module only keeps the float layer
//! (alignment, rounding, exponent limits). Magnitudes are limited to about 2^±65536 (roughly
//! 1e±19728): a result beyond that becomes infinite (or zero) and a literal beyond it is an
//! error, so that no input can make printing or arithmetic hang or exhaust memory.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

use super::decimal::{format_f_shortest, format_g};

/// Precision of numbers parsed from text (literals, `tonumber`, JSON), as cty's ParseNumberVal.
pub const PARSE_PRECISION: u32 = 512;
/// Precision of numbers made from machine integers (Go's `SetInt64`).
pub const INT_PRECISION: u32 = 64;
/// Precision of numbers made from float64 values (Go's `SetFloat64`).
pub const F64_PRECISION: u32 = 53;

/// Largest binary exponent (position just above the top bit) a finite number may have.
const MAX_EXP: i64 = 1 << 16;
/// Smallest binary exponent; smaller magnitudes become zero.
const MIN_EXP: i64 = -(1 << 16);
/// Literals whose decimal magnitude exceeds this many digits are rejected before any work.
const MAX_DECIMAL_MAGNITUDE: i64 = 19_700;
/// Literals with more significant digits than this are rejected (parsing them is quadratic).
const MAX_DIGITS: usize = 40_000;

/// An arithmetic failure, in the words Terraform prints after "Error during operation:".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("can't compute sum of opposing infinities")]
    OpposingInfinities,
    #[error("can't subtract infinity from itself")]
    InfinityMinusInfinity,
    #[error("can't multiply zero by infinity")]
    ZeroTimesInfinity,
    #[error("can't divide zero by zero or infinity by infinity")]
    Indeterminate,
    #[error("can't use modulo with zero and infinity")]
    ModuloIndeterminate,
    #[error("a number is required")]
    Syntax,
    #[error("number is too large or too small to represent")]
    OutOfRange,
}

#[derive(Clone, Debug)]
enum Kind {
    Zero,
    /// `mant * 2^exp`, `mant` odd and at most `prec` bits.
    Finite {
        mant: BigUint,
        exp: i64,
    },
    Inf,
}

/// An arbitrary-precision binary floating point number with Go `big.Float` semantics.
#[derive(Clone, Debug)]
pub struct Number {
    neg: bool,
    kind: Kind,
    prec: u32,
}

impl Number {
    pub fn zero() -> Number {
        Number {
            neg: false,
            kind: Kind::Zero,
            prec: INT_PRECISION,
        }
    }

    pub fn infinity(negative: bool) -> Number {
        Number {
            neg: negative,
            kind: Kind::Inf,
            prec: PARSE_PRECISION,
        }
    }

    pub fn from_i64(v: i64) -> Number {
        let neg = v < 0;
        round(
            neg,
            BigUint::from(v.unsigned_abs()),
            0,
            false,
            INT_PRECISION,
        )
    }

    pub fn from_u64(v: u64) -> Number {
        round(false, BigUint::from(v), 0, false, INT_PRECISION)
    }

    /// A big integer, exactly (precision: its bit length, at least 64, like Go's `SetInt`).
    pub fn from_bigint(v: &BigInt) -> Number {
        let mag = v.magnitude().clone();
        let prec = (mag.bits().min(u32::MAX as u64) as u32).max(INT_PRECISION);
        round(v.sign() == Sign::Minus, mag, 0, false, prec)
    }

    /// A float64 exactly, with precision 53; `None` for NaN.
    pub fn from_f64(v: f64) -> Option<Number> {
        if v.is_nan() {
            return None;
        }
        if v.is_infinite() {
            return Some(Number {
                neg: v < 0.0,
                kind: Kind::Inf,
                prec: F64_PRECISION,
            });
        }
        let neg = v.is_sign_negative();
        if v == 0.0 {
            return Some(Number {
                neg,
                kind: Kind::Zero,
                prec: F64_PRECISION,
            });
        }
        let bits = v.abs().to_bits();
        let raw_exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if raw_exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), raw_exp - 1075)
        };
        Some(round(neg, BigUint::from(mant), exp, false, F64_PRECISION))
    }

    /// Parses a decimal number as cty's ParseNumberVal does (Go's `ParseFloat(s, 10, 512,
    /// ToNearestEven)`): optional sign, digits with an optional point, optional `e`/`E` exponent,
    /// or `Inf`/`inf`. Nothing else is accepted, not even surrounding spaces.
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        Number::parse_with_precision(s, PARSE_PRECISION)
    }

    pub fn parse_with_precision(s: &str, prec: u32) -> Result<Number, NumberError> {
        let prec = prec.max(1);
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if let Some(&c) = bytes.first() {
            if c == b'+' || c == b'-' {
                neg = c == b'-';
                i = 1;
            }
        }
        let rest = &s[i..];
        if rest == "Inf" || rest == "inf" {
            return Ok(Number {
                neg,
                kind: Kind::Inf,
                prec,
            });
        }
        let mut digits = String::new();
        let mut frac_digits: i64 = 0;
        let mut seen_point = false;
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' => {
                    digits.push(bytes[i] as char);
                    if seen_point {
                        frac_digits += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if digits.is_empty() {
            return Err(NumberError::Syntax);
        }
        let mut exp10: i64 = 0;
        if i < bytes.len() {
            if bytes[i] != b'e' && bytes[i] != b'E' {
                return Err(NumberError::Syntax);
            }
            i += 1;
            let mut exp_neg = false;
            if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
                exp_neg = bytes[i] == b'-';
                i += 1;
            }
            if i >= bytes.len() {
                return Err(NumberError::Syntax);
            }
            for &c in &bytes[i..] {
                if !c.is_ascii_digit() {
                    return Err(NumberError::Syntax);
                }
                exp10 = exp10.saturating_mul(10).saturating_add(i64::from(c - b'0'));
            }
            if exp_neg {
                exp10 = -exp10;
            }
        }
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            return Ok(Number {
                neg,
                kind: Kind::Zero,
                prec,
            });
        }
        if trimmed.len() > MAX_DIGITS {
            return Err(NumberError::OutOfRange);
        }
        let int_digits = trimmed.len() as i64 - frac_digits;
        let magnitude = int_digits.saturating_add(exp10);
        if !(-MAX_DECIMAL_MAGNITUDE..=MAX_DECIMAL_MAGNITUDE).contains(&magnitude) {
            return Err(NumberError::OutOfRange);
        }
        let mant = BigUint::parse_bytes(trimmed.as_bytes(), 10).ok_or(NumberError::Syntax)?;
        let exp10 = exp10 - frac_digits;
        let pow = BigUint::from(10u32).pow(exp10.unsigned_abs().min(u32::MAX as u64) as u32);
        if exp10 >= 0 {
            Ok(round(neg, mant * pow, 0, false, prec))
        } else {
            Ok(divide_rounded(neg, &mant, &pow, 0, prec))
        }
    }

    pub fn precision(&self) -> u32 {
        self.prec
    }

    pub fn is_zero(&self) -> bool {
        matches!(self.kind, Kind::Zero)
    }

    pub fn is_infinite(&self) -> bool {
        matches!(self.kind, Kind::Inf)
    }

    pub fn is_negative(&self) -> bool {
        self.neg && !self.is_zero()
    }

    /// The sign bit, which is set for `-0` too.
    pub fn sign_bit(&self) -> bool {
        self.neg
    }

    pub fn is_integer(&self) -> bool {
        match &self.kind {
            Kind::Zero => true,
            Kind::Finite { exp, .. } => *exp >= 0,
            Kind::Inf => false,
        }
    }

    pub fn neg(&self) -> Number {
        Number {
            neg: !self.neg,
            ..self.clone()
        }
    }

    pub fn abs(&self) -> Number {
        Number {
            neg: false,
            ..self.clone()
        }
    }

    pub fn add(&self, other: &Number) -> Result<Number, NumberError> {
        add_signed(self, other, other.neg).map_err(|_| NumberError::OpposingInfinities)
    }

    pub fn sub(&self, other: &Number) -> Result<Number, NumberError> {
        add_signed(self, other, !other.neg).map_err(|_| NumberError::InfinityMinusInfinity)
    }

    pub fn mul(&self, other: &Number) -> Result<Number, NumberError> {
        let prec = self.prec.max(other.prec);
        let neg = self.neg != other.neg;
        match (&self.kind, &other.kind) {
            (Kind::Inf, Kind::Zero) | (Kind::Zero, Kind::Inf) => {
                Err(NumberError::ZeroTimesInfinity)
            }
            (Kind::Inf, _) | (_, Kind::Inf) => Ok(Number {
                neg,
                kind: Kind::Inf,
                prec,
            }),
            (Kind::Zero, _) | (_, Kind::Zero) => Ok(Number {
                neg,
                kind: Kind::Zero,
                prec,
            }),
            (Kind::Finite { mant: a, exp: ea }, Kind::Finite { mant: b, exp: eb }) => {
                Ok(round(neg, a * b, ea + eb, false, prec))
            }
        }
    }

    /// Division; `x / 0` is an infinity, as in Terraform.
    pub fn div(&self, other: &Number) -> Result<Number, NumberError> {
        let prec = self.prec.max(other.prec);
        let neg = self.neg != other.neg;
        match (&self.kind, &other.kind) {
            (Kind::Zero, Kind::Zero) | (Kind::Inf, Kind::Inf) => Err(NumberError::Indeterminate),
            (Kind::Inf, _) | (_, Kind::Zero) => Ok(Number {
                neg,
                kind: Kind::Inf,
                prec,
            }),
            (Kind::Zero, _) | (_, Kind::Inf) => Ok(Number {
                neg,
                kind: Kind::Zero,
                prec,
            }),
            (Kind::Finite { mant: a, exp: ea }, Kind::Finite { mant: b, exp: eb }) => {
                Ok(divide_rounded(neg, a, b, ea - eb, prec))
            }
        }
    }

    /// Terraform's `%`: `a - b * trunc(a / b)`, so the result has the sign of `a`; `a % 0` is `a`.
    pub fn rem(&self, other: &Number) -> Result<Number, NumberError> {
        if self.is_infinite() || other.is_infinite() {
            return self
                .mul(other)
                .map_err(|_| NumberError::ModuloIndeterminate);
        }
        if other.is_zero() {
            return Ok(self.clone());
        }
        let quotient = self.div(other)?.trunc();
        let work = other.mul(&quotient)?.with_min_precision(PARSE_PRECISION);
        self.with_min_precision(PARSE_PRECISION).sub(&work)
    }

    fn with_min_precision(&self, prec: u32) -> Number {
        Number {
            prec: self.prec.max(prec),
            ..self.clone()
        }
    }

    /// Rounds toward zero to an integer (infinities unchanged).
    pub fn trunc(&self) -> Number {
        match &self.kind {
            Kind::Finite { mant, exp } if *exp < 0 => {
                let shift = exp.unsigned_abs();
                let int = if shift >= mant.bits() {
                    BigUint::zero()
                } else {
                    mant >> shift
                };
                if int.is_zero() {
                    Number {
                        neg: self.neg,
                        kind: Kind::Zero,
                        prec: self.prec,
                    }
                } else {
                    round(self.neg, int, 0, false, self.prec)
                }
            }
            _ => self.clone(),
        }
    }

    pub fn floor(&self) -> Number {
        let t = self.trunc();
        if self.is_negative() && !self.is_integer() {
            t.sub(&Number::from_i64(1)).unwrap_or(t)
        } else {
            t
        }
    }

    pub fn ceil(&self) -> Number {
        let t = self.trunc();
        if !self.is_negative() && !self.is_integer() && !self.is_infinite() {
            t.add(&Number::from_i64(1)).unwrap_or(t)
        } else {
            t
        }
    }

    /// The integer part (truncated); `None` for infinities.
    pub fn to_bigint(&self) -> Option<BigInt> {
        match &self.trunc().kind {
            Kind::Zero => Some(BigInt::zero()),
            Kind::Finite { mant, exp } => {
                let mag = mant << exp.unsigned_abs();
                Some(BigInt::from_biguint(
                    if self.neg { Sign::Minus } else { Sign::Plus },
                    mag,
                ))
            }
            Kind::Inf => None,
        }
    }

    /// The value as an i64 when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        self.to_bigint()?.to_i64()
    }

    pub fn to_u64(&self) -> Option<u64> {
        if !self.is_integer() {
            return None;
        }
        self.to_bigint()?.to_u64()
    }

    /// The nearest float64 (overflowing to infinity).
    pub fn to_f64(&self) -> f64 {
        let sign = if self.neg { -1.0 } else { 1.0 };
        match &self.kind {
            Kind::Zero => sign * 0.0,
            Kind::Inf => sign * f64::INFINITY,
            Kind::Finite { .. } => {
                let r = round(
                    self.neg,
                    self.magnitude_mant(),
                    self.magnitude_exp(),
                    false,
                    53,
                );
                match r.kind {
                    Kind::Finite { mant, exp } => {
                        let m = mant.to_f64().unwrap_or(f64::INFINITY);
                        let e = exp.clamp(-2000, 2000) as i32;
                        // Split the scaling so that intermediate powers stay finite.
                        sign * m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2)
                    }
                    Kind::Inf => sign * f64::INFINITY,
                    Kind::Zero => sign * 0.0,
                }
            }
        }
    }

    /// The value as a float64 when that is exact.
    pub fn to_f64_exact(&self) -> Option<f64> {
        let f = self.to_f64();
        let back = Number::from_f64(f)?;
        (back.cmp_num(self) == Ordering::Equal && back.neg == self.neg).then_some(f)
    }

    fn magnitude_mant(&self) -> BigUint {
        match &self.kind {
            Kind::Finite { mant, .. } => mant.clone(),
            _ => BigUint::zero(),
        }
    }

    fn magnitude_exp(&self) -> i64 {
        match &self.kind {
            Kind::Finite { exp, .. } => *exp,
            _ => 0,
        }
    }

    /// Terraform's `pow`: computed in float64 (Go's `math.Pow`), so the result has 53 bits.
    pub fn pow_f64(&self, exponent: &Number) -> Option<Number> {
        Number::from_f64(self.to_f64().powf(exponent.to_f64()))
    }

    /// Terraform's `log(x, base)`: `ln(x) / ln(base)` in float64. `None` for NaN results.
    pub fn log_f64(&self, base: &Number) -> Option<Number> {
        Number::from_f64(self.to_f64().ln() / base.to_f64().ln())
    }

    /// Numeric comparison; `-0` equals `0`.
    pub fn cmp_num(&self, other: &Number) -> Ordering {
        let sign_rank = |n: &Number| -> i8 {
            if n.is_zero() {
                0
            } else if n.neg {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign_rank(self), sign_rank(other));
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let mag = match (&self.kind, &other.kind) {
            (Kind::Inf, Kind::Inf) => Ordering::Equal,
            (Kind::Inf, _) => Ordering::Greater,
            (_, Kind::Inf) => Ordering::Less,
            (Kind::Finite { mant: a, exp: ea }, Kind::Finite { mant: b, exp: eb }) => {
                let ta = *ea + a.bits() as i64;
                let tb = *eb + b.bits() as i64;
                if ta != tb {
                    ta.cmp(&tb)
                } else {
                    let e = (*ea).min(*eb);
                    (a << (*ea - e) as u64).cmp(&(b << (*eb - e) as u64))
                }
            }
            _ => Ordering::Equal,
        };
        if sa < 0 {
            mag.reverse()
        } else {
            mag
        }
    }

    /// Equality as cty defines it for numbers: the same shortest decimal text (so `0.1 + 0.2`
    /// equals `0.3`), with `-0` equal to `0`.
    pub fn equals(&self, other: &Number) -> bool {
        let norm = |n: &Number| {
            let t = n.to_text();
            if t == "-0" {
                "0".to_string()
            } else {
                t
            }
        };
        norm(self) == norm(other)
    }

    /// Go's `Text('f', -1)`: the shortest decimal that rounds back to this value at its
    /// precision, never with an exponent. `-0` prints as `-0`, infinities as `+Inf`/`-Inf`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.neg {
            out.push('-');
        }
        match &self.kind {
            Kind::Inf => {
                if !self.neg {
                    out.push('+');
                }
                out.push_str("Inf");
            }
            Kind::Zero => out.push('0'),
            Kind::Finite { mant, exp } => {
                format_f_shortest(mant, *exp, self.prec, &mut out);
            }
        }
        out
    }

    /// Go's `big.Float.String()` (`Text('g', 10)`), which cty uses to order set elements.
    pub fn to_text_g10(&self) -> String {
        self.text_g(Some(10))
    }

    /// Go's `Text('g', -1)`, which Terraform uses for number keys in paths (`[0]`, `[1e+06]`).
    pub fn to_text_g_shortest(&self) -> String {
        self.text_g(None)
    }

    fn text_g(&self, digits: Option<usize>) -> String {
        let mut out = String::new();
        if self.neg {
            out.push('-');
        }
        match &self.kind {
            Kind::Inf => {
                if !self.neg {
                    out.push('+');
                }
                out.push_str("Inf");
            }
            Kind::Zero => format_g(None, self.prec, digits, &mut out),
            Kind::Finite { mant, exp } => format_g(Some((mant, *exp)), self.prec, digits, &mut out),
        }
        out
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.equals(other)
    }
}

/// Adds `a` and `b` with `b`'s sign replaced by `b_neg`. `Err` for opposing infinities.
fn add_signed(a: &Number, b: &Number, b_neg: bool) -> Result<Number, ()> {
    let prec = a.prec.max(b.prec);
    match (&a.kind, &b.kind) {
        (Kind::Inf, Kind::Inf) if a.neg != b_neg => Err(()),
        (Kind::Inf, _) => Ok(Number {
            neg: a.neg,
            kind: Kind::Inf,
            prec,
        }),
        (_, Kind::Inf) => Ok(Number {
            neg: b_neg,
            kind: Kind::Inf,
            prec,
        }),
        (Kind::Zero, Kind::Zero) => Ok(Number {
            neg: a.neg && b_neg,
            kind: Kind::Zero,
            prec,
        }),
        (Kind::Zero, _) => Ok(Number {
            neg: b_neg,
            kind: b.kind.clone(),
            prec,
        }),
        (_, Kind::Zero) => Ok(Number {
            neg: a.neg,
            kind: a.kind.clone(),
            prec,
        }),
        (Kind::Finite { mant: ma, exp: ea }, Kind::Finite { mant: mb, exp: eb }) => {
            let ta = *ea + ma.bits() as i64;
            let tb = *eb + mb.bits() as i64;
            let p = i64::from(prec);
            // An operand entirely below a quarter ulp of the other cannot change the rounded sum.
            if tb < ta - p - 2 {
                return Ok(Number {
                    neg: a.neg,
                    kind: a.kind.clone(),
                    prec,
                });
            }
            if ta < tb - p - 2 {
                return Ok(Number {
                    neg: b_neg,
                    kind: b.kind.clone(),
                    prec,
                });
            }
            let e = (*ea).min(*eb);
            let sa = signed(a.neg, ma << (*ea - e) as u64);
            let sb = signed(b_neg, mb << (*eb - e) as u64);
            let sum = sa + sb;
            if sum.is_zero() {
                return Ok(Number {
                    neg: false,
                    kind: Kind::Zero,
                    prec,
                });
            }
            let (sign, mag) = sum.into_parts();
            Ok(round(sign == Sign::Minus, mag, e, false, prec))
        }
    }
}

fn signed(neg: bool, mag: BigUint) -> BigInt {
    BigInt::from_biguint(if neg { Sign::Minus } else { Sign::Plus }, mag)
}

/// `num / den * 2^exp`, correctly rounded to `prec` bits.
fn divide_rounded(neg: bool, num: &BigUint, den: &BigUint, exp: i64, prec: u32) -> Number {
    let want = i64::from(prec) + 2 + den.bits() as i64 - num.bits() as i64;
    let shift = want.max(0);
    let (q, r) = (num << shift as u64).div_rem(den);
    round(neg, q, exp - shift, !r.is_zero(), prec)
}

/// Rounds `mant * 2^exp` to `prec` bits, nearest even. `sticky` says the exact value is a
/// little more than `mant * 2^exp` (bits were lost below `mant`'s last bit).
fn round(neg: bool, mut mant: BigUint, mut exp: i64, sticky: bool, prec: u32) -> Number {
    let prec = prec.max(1);
    if mant.is_zero() {
        return Number {
            neg,
            kind: Kind::Zero,
            prec,
        };
    }
    let p = u64::from(prec);
    if sticky && mant.bits() <= p + 1 {
        let pad = p + 2 - mant.bits();
        mant <<= pad;
        exp -= pad as i64;
    }
    let bits = mant.bits();
    if bits > p {
        let shift = bits - p;
        let half = mant.bit(shift - 1);
        let below_half = mant.trailing_zeros().is_some_and(|tz| tz < shift - 1) || sticky;
        let mut kept = &mant >> shift;
        exp += shift as i64;
        if half && (below_half || kept.bit(0)) {
            kept += 1u32;
            if kept.bits() > p {
                kept >>= 1u32;
                exp += 1;
            }
        }
        mant = kept;
    }
    if let Some(tz) = mant.trailing_zeros() {
        mant >>= tz;
        exp += tz as i64;
    }
    let top = exp + mant.bits() as i64;
    if top > MAX_EXP {
        return Number {
            neg,
            kind: Kind::Inf,
            prec,
        };
    }
    if top < MIN_EXP {
        return Number {
            neg,
            kind: Kind::Zero,
            prec,
        };
    }
    Number {
        neg,
        kind: Kind::Finite { mant, exp },
        prec,
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Number {
        Number::from_i64(v)
    }
}

#[cfg(test)]
#[path = "number_tests.rs"]
mod tests;
