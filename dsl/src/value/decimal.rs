//! Decimal text of binary numbers, as Go's `math/big` produces it: the exact decimal expansion,
//! shortest round-tripping digits (`roundShortest`), and the `%f` / `%e` / `%g` layouts.

use num_bigint::BigUint;
use num_traits::Zero;

/// `mant * 2^exp` printed as Go's `Text('f', -1)` at precision `prec` (no sign).
pub(super) fn format_f_shortest(mant: &BigUint, exp: i64, prec: u32, out: &mut String) {
    let mut d = Decimal::exact(mant, exp);
    round_shortest(&mut d, mant, exp, prec);
    let frac = (d.digits.len() as i64 - d.point).max(0);
    fmt_f(out, &d, frac);
}

/// A finite number (or zero when `None`) printed as Go's `Text('g', digits)`, `None` digits
/// meaning shortest (no sign).
pub(super) fn format_g(
    value: Option<(&BigUint, i64)>,
    prec: u32,
    digits: Option<usize>,
    out: &mut String,
) {
    let d = match value {
        None => Decimal {
            digits: Vec::new(),
            point: 0,
        },
        Some((mant, _)) if mant.is_zero() => Decimal {
            digits: Vec::new(),
            point: 0,
        },
        Some((mant, exp)) => {
            let mut d = Decimal::exact(mant, exp);
            match digits {
                Some(n) => d.round(n.max(1)),
                None => round_shortest(&mut d, mant, exp, prec),
            }
            d
        }
    };
    let len = d.digits.len() as i64;
    let mut prec = digits.map_or(len, |n| n.max(1) as i64);
    let mut eprec = prec;
    if eprec > len && len >= d.point {
        eprec = len;
    }
    if digits.is_none() {
        eprec = 6;
    }
    let exp = d.point - 1;
    if exp < -4 || exp >= eprec {
        prec = prec.min(len);
        fmt_e(out, &d, prec - 1);
        return;
    }
    if prec > d.point {
        prec = len;
    }
    fmt_f(out, &d, (prec - d.point).max(0));
}

/// A decimal `0.d1d2d3... * 10^point`, digits without trailing zeros (Go's `decimal`).
#[derive(Debug)]
struct Decimal {
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    /// The exact decimal form of `mant * 2^exp`.
    fn exact(mant: &BigUint, exp: i64) -> Decimal {
        let (int, frac_digits) = if exp >= 0 {
            (mant << exp as u64, 0i64)
        } else {
            let k = exp.unsigned_abs();
            (mant * BigUint::from(5u32).pow(k as u32), k as i64)
        };
        let text = int.to_str_radix(10);
        let mut digits: Vec<u8> = text.into_bytes();
        let point = digits.len() as i64 - frac_digits;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal { digits, point: 0 };
        }
        Decimal { digits, point }
    }

    fn at(&self, i: i64) -> u8 {
        if i >= 0 && (i as usize) < self.digits.len() {
            self.digits[i as usize]
        } else {
            b'0'
        }
    }

    fn should_round_up(&self, n: usize) -> bool {
        if self.digits[n] == b'5' && n + 1 == self.digits.len() {
            return n > 0 && (self.digits[n - 1] - b'0') & 1 != 0;
        }
        self.digits[n] >= b'5'
    }

    fn round(&mut self, n: usize) {
        if n >= self.digits.len() {
            return;
        }
        if self.should_round_up(n) {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }

    fn round_up(&mut self, mut n: usize) {
        if n >= self.digits.len() {
            return;
        }
        while n > 0 && self.digits[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            self.digits.clear();
            self.digits.push(b'1');
            self.point += 1;
            return;
        }
        self.digits[n - 1] += 1;
        self.digits.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.digits.len() {
            return;
        }
        self.digits.truncate(n);
        while self.digits.last() == Some(&b'0') {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.point = 0;
        }
    }
}

/// Go's `roundShortest` for `big.Float`: keep the fewest digits that still round back to the
/// value at precision `prec`.
fn round_shortest(d: &mut Decimal, mant: &BigUint, exp: i64, prec: u32) {
    if d.digits.is_empty() {
        return;
    }
    // Normalise to prec+1 bits so that the last bit is half an ulp.
    let want = u64::from(prec) + 1;
    let bits = mant.bits();
    let (m, e) = if bits < want {
        (mant << (want - bits), exp - (want - bits) as i64)
    } else {
        (mant >> (bits - want), exp + (bits - want) as i64)
    };
    let lower = Decimal::exact(&(&m - 1u32), e);
    let upper = Decimal::exact(&(&m + 1u32), e);
    let inclusive = !m.bit(1);
    for i in 0..d.digits.len() {
        let digit = d.digits[i];
        let l = lower.at(i as i64);
        let u = upper.at(i as i64);
        let ok_down = l != digit || inclusive && i + 1 == lower.digits.len();
        let ok_up = digit != u && (inclusive || digit + 1 < u || i + 1 < upper.digits.len());
        match (ok_down, ok_up) {
            (true, true) => {
                d.round(i + 1);
                return;
            }
            (true, false) => {
                d.round_down(i + 1);
                return;
            }
            (false, true) => {
                d.round_up(i + 1);
                return;
            }
            (false, false) => {}
        }
    }
}

fn fmt_f(out: &mut String, d: &Decimal, prec: i64) {
    if d.point > 0 {
        let m = (d.digits.len() as i64).min(d.point) as usize;
        out.extend(d.digits[..m].iter().map(|&c| c as char));
        for _ in m as i64..d.point {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(d.at(d.point + i) as char);
        }
    }
}

fn fmt_e(out: &mut String, d: &Decimal, prec: i64) {
    out.push(d.digits.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.at(i) as char);
        }
    }
    out.push('e');
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    if exp.abs() < 10 {
        out.push('0');
    }
    out.push_str(&exp.abs().to_string());
}
