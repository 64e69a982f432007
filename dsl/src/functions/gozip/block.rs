//! DEFLATE block output as Go's `compress/flate` writes it: an LSB-first bit sink, the choice
//! between a stored, a fixed-Huffman and a dynamic-Huffman block by their exact bit costs, and
//! the run-length encoding of the code lengths in a dynamic block header.

use super::huffman::{build, Code};

/// An LZ77 token: a literal byte or a back-reference (`len` 3..=258, `dist` 1..=32768).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    Lit(u8),
    Copy { len: u16, dist: u16 },
}

/// Literal/length alphabet size (Go never uses symbols 286 and 287).
const LIT_SYMBOLS: usize = 286;
const DIST_SYMBOLS: usize = 30;
const END_OF_BLOCK: usize = 256;
/// The longest stored block.
pub(super) const MAX_STORED: usize = 65535;
/// The order code-length-code lengths are sent in (RFC 1951 3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length symbol index (0..=28, to add to 257), extra bit count and extra value for a match
/// length of 3..=258.
fn length_symbol(len: u16) -> (usize, u32, u32) {
    let l = u32::from(len.clamp(3, 258)) - 3;
    if l == 255 {
        return (28, 0, 0);
    }
    if l < 8 {
        return (l as usize, 0, 0);
    }
    let extra = 31 - l.leading_zeros() - 2;
    let sym = 4 + 4 * extra + ((l >> extra) & 3);
    (sym as usize, extra, l & ((1 << extra) - 1))
}

/// Distance symbol (0..=29), extra bit count and extra value for a distance of 1..=32768.
fn distance_symbol(dist: u16) -> (usize, u32, u32) {
    let d = u32::from(dist.max(1)) - 1;
    if d < 4 {
        return (d as usize, 0, 0);
    }
    let extra = 31 - d.leading_zeros() - 1;
    let sym = 2 * extra + 2 + ((d >> extra) & 1);
    (sym as usize, extra, d & ((1 << extra) - 1))
}

/// Bits written least significant first into bytes.
#[derive(Default)]
pub(super) struct BitSink {
    pub(super) out: Vec<u8>,
    acc: u64,
    held: u32,
}

impl BitSink {
    fn put(&mut self, value: u32, width: u32) {
        self.acc |= u64::from(value) << self.held;
        self.held += width;
        while self.held >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.held -= 8;
        }
    }

    fn put_code(&mut self, code: &Code, sym: usize) {
        self.put(u32::from(code.bits[sym]), u32::from(code.lens[sym]));
    }

    /// Pads with zero bits to a byte boundary.
    pub(super) fn align(&mut self) {
        if self.held > 0 {
            self.out.push(self.acc as u8);
        }
        self.acc = 0;
        self.held = 0;
    }

    /// A stored block's header (type bits, padding, LEN and NLEN); the bytes follow.
    pub(super) fn stored_header(&mut self, len: usize, last: bool) {
        self.put(u32::from(last), 3);
        self.align();
        let len = len as u32 & 0xffff;
        self.put(len, 16);
        self.put(!len & 0xffff, 16);
    }

    /// Writes one non-final block of `tokens` in the cheapest of the three encodings; `raw` is
    /// the input the tokens cover when a stored block is possible.
    pub(super) fn block(&mut self, tokens: &[Token], raw: Option<&[u8]>) {
        let mut lit_freq = vec![0u32; LIT_SYMBOLS];
        let mut dist_freq = vec![0u32; DIST_SYMBOLS];
        let mut extra_bits = 0u64;
        for t in tokens {
            match *t {
                Token::Lit(b) => lit_freq[usize::from(b)] += 1,
                Token::Copy { len, dist } => {
                    let (ls, le, _) = length_symbol(len);
                    let (ds, de, _) = distance_symbol(dist);
                    lit_freq[257 + ls] += 1;
                    dist_freq[ds] += 1;
                    extra_bits += u64::from(le + de);
                }
            }
        }
        lit_freq[END_OF_BLOCK] += 1;
        let lit_count = last_used(&lit_freq).max(END_OF_BLOCK + 1);
        let mut dist_count = last_used(&dist_freq);
        if dist_count == 0 {
            // A dynamic header must describe at least one distance code.
            dist_freq[0] = 1;
            dist_count = 1;
        }
        let lit_code = build(&lit_freq, 15);
        let dist_code = build(&dist_freq, 15);

        let fixed_lit = Code::fixed_literals();
        let fixed_dist = Code::fixed_distances();
        let fixed_size = 3 + fixed_lit.cost(&lit_freq) + fixed_dist.cost(&dist_freq) + extra_bits;

        let header = LengthsHeader::new(&lit_code.lens[..lit_count], &dist_code.lens[..dist_count]);
        let dynamic_size =
            header.bits() + lit_code.cost(&lit_freq) + dist_code.cost(&dist_freq) + extra_bits;

        let use_dynamic = dynamic_size < fixed_size;
        let best = fixed_size.min(dynamic_size);
        if let Some(raw) = raw.filter(|r| r.len() <= MAX_STORED) {
            if ((raw.len() as u64) + 5) * 8 < best {
                self.stored_header(raw.len(), false);
                self.align();
                self.out.extend_from_slice(raw);
                return;
            }
        }
        let (lc, dc) = if use_dynamic {
            self.put(4, 3);
            header.write(self, lit_count, dist_count);
            (&lit_code, &dist_code)
        } else {
            self.put(2, 3);
            (&fixed_lit, &fixed_dist)
        };
        for t in tokens {
            match *t {
                Token::Lit(b) => self.put_code(lc, usize::from(b)),
                Token::Copy { len, dist } => {
                    let (ls, le, lv) = length_symbol(len);
                    self.put_code(lc, 257 + ls);
                    if le > 0 {
                        self.put(lv, le);
                    }
                    let (ds, de, dv) = distance_symbol(dist);
                    self.put_code(dc, ds);
                    if de > 0 {
                        self.put(dv, de);
                    }
                }
            }
        }
        self.put_code(lc, END_OF_BLOCK);
    }
}

/// One past the highest symbol with a non-zero frequency.
fn last_used(freq: &[u32]) -> usize {
    freq.iter().rposition(|&f| f != 0).map_or(0, |i| i + 1)
}

/// The run-length coded code lengths of a dynamic block and the code that codes them.
struct LengthsHeader {
    /// Symbols 0..=18, each 16/17/18 followed by its repeat-count extra value.
    runs: Vec<(u8, u8)>,
    freq: [u32; 19],
    code: Code,
    /// How many code-length-code lengths are sent (4..=19).
    sent: usize,
}

impl LengthsHeader {
    fn new(lit: &[u8], dist: &[u8]) -> LengthsHeader {
        let all: Vec<u8> = lit.iter().chain(dist).copied().collect();
        let mut runs = Vec::new();
        let mut freq = [0u32; 19];
        let mut push = |sym: u8, extra: u8, runs: &mut Vec<(u8, u8)>| {
            freq[usize::from(sym)] += 1;
            runs.push((sym, extra));
        };
        let mut i = 0;
        while i < all.len() {
            let v = all[i];
            let mut n = all[i..].iter().take_while(|&&x| x == v).count();
            i += n;
            if v != 0 {
                // The first length literally, then repeats of 3..=6 while at least 3 remain.
                push(v, 0, &mut runs);
                n -= 1;
                while n >= 3 {
                    let k = n.min(6);
                    push(16, (k - 3) as u8, &mut runs);
                    n -= k;
                }
            } else {
                while n >= 11 {
                    let k = n.min(138);
                    push(18, (k - 11) as u8, &mut runs);
                    n -= k;
                }
                if n >= 3 {
                    push(17, (n - 3) as u8, &mut runs);
                    n = 0;
                }
            }
            for _ in 0..n {
                push(v, 0, &mut runs);
            }
        }
        let code = build(&freq, 7);
        let mut sent = 19;
        while sent > 4 && freq[CL_ORDER[sent - 1]] == 0 {
            sent -= 1;
        }
        LengthsHeader {
            runs,
            freq,
            code,
            sent,
        }
    }

    /// Header bits after the block type: counts, code-length code, and the coded lengths.
    fn bits(&self) -> u64 {
        3 + 5
            + 5
            + 4
            + 3 * self.sent as u64
            + self.code.cost(&self.freq)
            + u64::from(self.freq[16]) * 2
            + u64::from(self.freq[17]) * 3
            + u64::from(self.freq[18]) * 7
    }

    fn write(&self, sink: &mut BitSink, lit_count: usize, dist_count: usize) {
        sink.put((lit_count - 257) as u32, 5);
        sink.put((dist_count - 1) as u32, 5);
        sink.put((self.sent - 4) as u32, 4);
        for &sym in &CL_ORDER[..self.sent] {
            sink.put(u32::from(self.code.lens[sym]), 3);
        }
        for &(sym, extra) in &self.runs {
            sink.put_code(&self.code, usize::from(sym));
            match sym {
                16 => sink.put(u32::from(extra), 2),
                17 => sink.put(u32::from(extra), 3),
                18 => sink.put(u32::from(extra), 7),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_symbols() {
        assert_eq!(length_symbol(3), (0, 0, 0));
        assert_eq!(length_symbol(10), (7, 0, 0));
        assert_eq!(length_symbol(11), (8, 1, 0));
        assert_eq!(length_symbol(12), (8, 1, 1));
        assert_eq!(length_symbol(257), (27, 5, 30));
        assert_eq!(length_symbol(258), (28, 0, 0));
    }

    #[test]
    fn distance_symbols() {
        assert_eq!(distance_symbol(1), (0, 0, 0));
        assert_eq!(distance_symbol(4), (3, 0, 0));
        assert_eq!(distance_symbol(5), (4, 1, 0));
        assert_eq!(distance_symbol(6), (4, 1, 1));
        assert_eq!(distance_symbol(7), (5, 1, 0));
        assert_eq!(distance_symbol(32768), (29, 13, 8191));
    }

    #[test]
    fn code_length_runs() {
        let h = LengthsHeader::new(&[8, 8, 8, 8, 8, 8, 8, 8, 0, 0, 0, 0], &[5]);
        let syms: Vec<(u8, u8)> = h.runs.clone();
        assert_eq!(syms, vec![(8, 0), (16, 3), (8, 0), (17, 1), (5, 0)]);
    }
}
