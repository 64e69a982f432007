//! Length-limited Huffman code construction with the tie-breaking Go's `compress/flate` uses,
//! so that the code lengths (and therefore the emitted bits) come out identical.
//!
//! The lengths are computed by the package-merge method: symbols are ordered by ascending
//! frequency (ties by ascending symbol value); level 1 holds the symbols alone, and each higher
//! level merges the symbols with "packages" formed from consecutive pairs of the level below,
//! a package going before a symbol of equal weight. The top level keeps its `2n - 2` lightest
//! items, which in turn decides how many items each lower level keeps; a symbol's code length is
//! the number of levels it is kept in. Codes are then assigned canonically (RFC 1951 3.2.2).

/// A prefix code: bit length and bit-reversed code (ready to be written LSB first) per symbol.
#[derive(Clone, Debug)]
pub(super) struct Code {
    pub(super) lens: Vec<u8>,
    pub(super) bits: Vec<u16>,
}

impl Code {
    /// A code from per-symbol lengths, assigned canonically in symbol order.
    fn from_lens(lens: Vec<u8>) -> Code {
        let mut count = [0u32; 17];
        for &l in &lens {
            count[usize::from(l)] += 1;
        }
        count[0] = 0;
        let mut next = [0u32; 17];
        let mut code = 0u32;
        for len in 1..17 {
            code = (code + count[len - 1]) << 1;
            next[len] = code;
        }
        let bits = lens
            .iter()
            .map(|&l| {
                if l == 0 {
                    return 0;
                }
                let c = next[usize::from(l)];
                next[usize::from(l)] += 1;
                reverse(c, l)
            })
            .collect();
        Code { lens, bits }
    }

    /// Total bits spent on the given symbol frequencies (symbols beyond the code cost nothing).
    pub(super) fn cost(&self, freqs: &[u32]) -> u64 {
        freqs
            .iter()
            .zip(&self.lens)
            .map(|(&f, &l)| u64::from(f) * u64::from(l))
            .sum()
    }

    /// The fixed literal/length code of RFC 1951 3.2.6, cut to the 286 symbols Go sizes it
    /// to (the codes are assigned over all 288 first).
    pub(super) fn fixed_literals() -> Code {
        let lens = (0..288u16)
            .map(|s| match s {
                0..=143 => 8,
                144..=255 => 9,
                256..=279 => 7,
                _ => 8,
            })
            .collect();
        let mut code = Code::from_lens(lens);
        code.lens.truncate(286);
        code.bits.truncate(286);
        code
    }

    /// The fixed distance code: 30 symbols of 5 bits.
    pub(super) fn fixed_distances() -> Code {
        Code::from_lens(vec![5; 30])
    }
}

fn reverse(code: u32, len: u8) -> u16 {
    // `len` is 1..=15, so the shift keeps exactly the code's bits.
    ((code as u16).reverse_bits()) >> (16 - u32::from(len))
}

/// The code for `freqs`, no code longer than `limit` bits (`limit` < 16).
pub(super) fn build(freqs: &[u32], limit: usize) -> Code {
    let mut used: Vec<(u32, usize)> = freqs
        .iter()
        .enumerate()
        .filter(|(_, &f)| f != 0)
        .map(|(s, &f)| (f, s))
        .collect();
    let mut lens = vec![0u8; freqs.len()];
    if used.len() <= 2 {
        // One or two symbols: one bit each.
        for &(_, s) in &used {
            lens[s] = 1;
        }
        return Code::from_lens(lens);
    }
    used.sort_unstable();
    let weights: Vec<u64> = used.iter().map(|&(f, _)| u64::from(f)).collect();
    let depths = package_merge(&weights, limit.min(used.len() - 1));
    for (&(_, s), d) in used.iter().zip(depths) {
        lens[s] = d;
    }
    Code::from_lens(lens)
}

/// An item of one package-merge level: a symbol (by rank) or a package of the level below.
#[derive(Clone, Copy)]
enum Item {
    Leaf,
    Package,
}

/// Code lengths for `weights` (ascending, at least 3 of them), at most `levels` bits each.
fn package_merge(weights: &[u64], levels: usize) -> Vec<u8> {
    let n = weights.len();
    // rows[l] is level l + 1 as (weight, kind), in merge order.
    let mut rows: Vec<Vec<(u64, Item)>> = Vec::with_capacity(levels);
    rows.push(weights.iter().map(|&w| (w, Item::Leaf)).collect());
    for _ in 1..levels {
        let below = rows.last().map(Vec::as_slice).unwrap_or_default();
        let packages: Vec<u64> = below.chunks_exact(2).map(|p| p[0].0 + p[1].0).collect();
        let mut row = Vec::with_capacity(n + packages.len());
        let (mut li, mut pi) = (0, 0);
        while li < n || pi < packages.len() {
            let take_leaf = match (weights.get(li), packages.get(pi)) {
                (Some(&w), Some(&p)) => w < p,
                (Some(_), None) => true,
                _ => false,
            };
            if take_leaf {
                row.push((weights[li], Item::Leaf));
                li += 1;
            } else {
                row.push((packages[pi], Item::Package));
                pi += 1;
            }
        }
        rows.push(row);
    }
    // Walk down from the top level, counting the symbols each level keeps.
    let mut depth = vec![0u8; n];
    let mut keep = 2 * n - 2;
    for row in rows.iter().rev() {
        let kept = &row[..keep.min(row.len())];
        let mut leaves = 0;
        let mut packages = 0;
        for (_, kind) in kept {
            match kind {
                Item::Leaf => leaves += 1,
                Item::Package => packages += 1,
            }
        }
        for d in &mut depth[..leaves] {
            *d += 1;
        }
        keep = 2 * packages;
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kraft(code: &Code) -> f64 {
        code.lens
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(i32::from(l)))
            .sum()
    }

    #[test]
    fn small_alphabets_get_one_bit() {
        let c = build(&[0, 5, 0, 1], 15);
        assert_eq!(c.lens, vec![0, 1, 0, 1]);
        assert_eq!(c.bits, vec![0, 0, 0, 1]);
    }

    #[test]
    fn lengths_respect_the_limit_and_stay_complete() {
        // Fibonacci weights would make a 20-deep tree unlimited.
        let mut freqs = vec![1u32, 1];
        while freqs.len() < 25 {
            let k = freqs.len();
            freqs.push(freqs[k - 1] + freqs[k - 2]);
        }
        let c = build(&freqs, 7);
        assert!(c.lens.iter().all(|&l| (1..=7).contains(&l)));
        assert!((kraft(&c) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn fixed_code_matches_rfc() {
        let c = Code::fixed_literals();
        // 'A' (65) is 0x30 + 65 = 0b01110001 in 8 bits, written reversed.
        assert_eq!(c.lens[65], 8);
        assert_eq!(c.bits[65], reverse(0x30 + 65, 8));
        assert_eq!(c.lens[256], 7);
        assert_eq!(c.bits[256], 0);
        // 144 is the first 9-bit code, 0b110010000.
        assert_eq!(c.lens[144], 9);
        assert_eq!(c.bits[144], reverse(0b1_1001_0000, 9));
    }
}
