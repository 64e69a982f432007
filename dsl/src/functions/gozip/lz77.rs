//! The match finder and block splitter of Go's `compress/flate` at level 6, reproduced decision
//! for decision: a 64 KiB buffer holding two 32 KiB windows that slides by one window when the
//! cursor nears its end; 4-byte multiplicative hashes into 2^17 chain heads with 32 Ki chain
//! links; a lazy evaluation that emits the previous match unless the current position finds a
//! longer one; and a block cut every 16 Ki tokens, at a sync flush, and at the end.

use super::block::{BitSink, Token};

const WINDOW: usize = 1 << 15;
const BUFFER: usize = 2 * WINDOW;
const HASH_BITS: u32 = 17;
const HASH_MULTIPLIER: u32 = 0x1e35_a7bd;
/// Shortest match the finder reports (DEFLATE allows 3; Go looks for 4).
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
/// Lookahead the finder wants before it works without a flush.
const LOOKAHEAD: usize = MIN_MATCH + MAX_MATCH;
const BLOCK_TOKENS: usize = 1 << 14;
/// Chain positions are stored offset by `base`; past this the table is rebased.
const REBASE_AT: i64 = 1 << 24;
/// A 4-byte match is only worth it this close.
const SHORT_MATCH_REACH: usize = 4096;

/// Level 6: a match this long stops the lazy search at the next byte.
const LAZY: usize = 16;
/// Level 6: stop searching a chain on a match this long.
const NICE: usize = 128;
/// Level 6: chain links followed per search.
const CHAIN: usize = 128;
/// Level 6: a previous match this long quarters the search.
const GOOD: usize = 8;

fn hash4(b: &[u8]) -> usize {
    let word = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (word.wrapping_mul(HASH_MULTIPLIER) >> (32 - HASH_BITS)) as usize
}

/// Compressor state between calls, as Go keeps it.
pub(super) struct Deflater {
    buf: Vec<u8>,
    /// Bytes of `buf` in use.
    filled: usize,
    /// Next position to examine.
    pos: usize,
    /// Where the pending block's input starts, if still in the buffer.
    block_start: Option<usize>,
    /// Latest chained position per hash (stored as position + `base`; 0 is empty).
    heads: Vec<u32>,
    /// Previous chained position per position modulo the window.
    links: Vec<u32>,
    base: i64,
    /// The chain head found at the last hashed position (stored form).
    chain_head: i64,
    /// A literal at `pos - 1` is waiting for the lazy decision.
    pending_literal: bool,
    /// The match found at the last position (length 3 means none) and its distance.
    match_len: usize,
    match_dist: usize,
    tokens: Vec<Token>,
    pub(super) sink: BitSink,
}

impl Deflater {
    pub(super) fn new() -> Deflater {
        Deflater {
            buf: vec![0; BUFFER],
            filled: 0,
            pos: 0,
            block_start: Some(0),
            heads: vec![0; 1 << HASH_BITS],
            links: vec![0; WINDOW],
            base: 1,
            chain_head: -1,
            pending_literal: false,
            match_len: MIN_MATCH - 1,
            match_dist: 0,
            tokens: Vec::with_capacity(BLOCK_TOKENS + 1),
            sink: BitSink::default(),
        }
    }

    /// Go's `Write`: alternately compress what is buffered and top the buffer up.
    pub(super) fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            self.run(false);
            let taken = self.fill(data);
            data = &data[taken..];
        }
    }

    /// Go's `Flush`: compress everything, then an empty non-final stored block.
    pub(super) fn flush(&mut self) {
        self.run(true);
        self.sink.stored_header(0, false);
        self.sink.align();
    }

    /// Go's `Close`: compress everything, then an empty final stored block.
    pub(super) fn close(&mut self) {
        self.run(true);
        self.sink.stored_header(0, true);
        self.sink.align();
    }

    fn fill(&mut self, data: &[u8]) -> usize {
        if self.pos >= BUFFER - LOOKAHEAD {
            self.slide();
        }
        let n = data.len().min(BUFFER - self.filled);
        self.buf[self.filled..self.filled + n].copy_from_slice(&data[..n]);
        self.filled += n;
        n
    }

    /// Drops the older window: positions move down by one window.
    fn slide(&mut self) {
        self.buf.copy_within(WINDOW.., 0);
        self.pos -= WINDOW;
        self.filled -= WINDOW;
        self.block_start = self.block_start.and_then(|s| s.checked_sub(WINDOW));
        self.base += WINDOW as i64;
        if self.base > REBASE_AT {
            let delta = self.base - 1;
            self.base -= delta;
            self.chain_head -= delta;
            for v in self.links.iter_mut().chain(self.heads.iter_mut()) {
                *v = if i64::from(*v) > delta {
                    (i64::from(*v) - delta) as u32
                } else {
                    0
                };
            }
        }
    }

    /// Makes `pos` the newest entry of its hash chain, returning the previous head.
    fn insert(&mut self, pos: usize) -> u32 {
        let h = hash4(&self.buf[pos..pos + MIN_MATCH]);
        let previous = self.heads[h];
        self.links[pos % WINDOW] = previous;
        self.heads[h] = (pos as i64 + self.base) as u32;
        previous
    }

    /// Go's level-6 `deflate` step; without `sync` it stops when the lookahead runs short.
    fn run(&mut self, sync: bool) {
        if self.filled - self.pos < LOOKAHEAD && !sync {
            return;
        }
        // Positions from here on have fewer than 4 bytes to hash.
        let hash_end = self.filled.saturating_sub(MIN_MATCH - 1);
        loop {
            let ahead = self.filled - self.pos;
            if ahead < LOOKAHEAD {
                if !sync {
                    return;
                }
                if ahead == 0 {
                    if self.pending_literal {
                        self.tokens.push(Token::Lit(self.buf[self.pos - 1]));
                        self.pending_literal = false;
                    }
                    if !self.tokens.is_empty() {
                        self.emit_block(self.pos);
                    }
                    return;
                }
            }
            if self.pos < hash_end {
                self.chain_head = i64::from(self.insert(self.pos));
            }
            let (prev_len, prev_dist) = (self.match_len, self.match_dist);
            self.match_len = MIN_MATCH - 1;
            self.match_dist = 0;
            let oldest = self.pos.saturating_sub(WINDOW) as i64;
            let candidate = self.chain_head - self.base;
            if candidate >= oldest && ahead > prev_len && prev_len < LAZY {
                if let Some((len, dist)) = self.longest_match(self.pos, candidate, ahead) {
                    self.match_len = len;
                    self.match_dist = dist;
                }
            }
            if prev_len >= MIN_MATCH && self.match_len <= prev_len {
                // The match starting at the previous byte wins.
                self.tokens.push(Token::Copy {
                    len: prev_len as u16,
                    dist: prev_dist as u16,
                });
                let end = self.pos + prev_len - 1;
                self.pos += 1;
                while self.pos < end {
                    if self.pos < hash_end {
                        self.insert(self.pos);
                    }
                    self.pos += 1;
                }
                self.pending_literal = false;
                self.match_len = MIN_MATCH - 1;
                if self.tokens.len() == BLOCK_TOKENS {
                    self.emit_block(self.pos);
                }
            } else {
                if self.pending_literal {
                    self.tokens.push(Token::Lit(self.buf[self.pos - 1]));
                    if self.tokens.len() == BLOCK_TOKENS {
                        self.emit_block(self.pos);
                    }
                }
                self.pos += 1;
                self.pending_literal = true;
            }
        }
    }

    /// The longest match for `pos` along the chain from `candidate`, if one is worth taking.
    fn longest_match(&self, pos: usize, candidate: i64, ahead: usize) -> Option<(usize, usize)> {
        let reach = ahead.min(MAX_MATCH);
        let limit = pos + reach;
        let nice = NICE.min(reach);
        let mut best = MIN_MATCH - 1;
        let mut tries = if best >= GOOD { CHAIN / 4 } else { CHAIN };
        let oldest = pos as i64 - WINDOW as i64;
        let target = &self.buf[pos..limit];
        let mut next_byte = target[best];
        let mut found = None;
        let mut at = candidate;
        while tries > 0 {
            let from = at as usize;
            if from >= pos {
                // Chains only point backwards; anything else is not a candidate.
                break;
            }
            if self.buf[from + best] == next_byte {
                let n = target
                    .iter()
                    .zip(&self.buf[from..from + reach])
                    .take_while(|(a, b)| a == b)
                    .count();
                if n > best && (n > MIN_MATCH || pos - from <= SHORT_MATCH_REACH) {
                    best = n;
                    found = Some((n, pos - from));
                    if n >= nice {
                        break;
                    }
                    next_byte = target[n];
                }
            }
            if at == oldest {
                // The link for this slot has been reused by a newer position.
                break;
            }
            at = i64::from(self.links[from % WINDOW]) - self.base;
            if at < oldest || at < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    /// Writes the queued tokens as a block covering input up to `end`.
    fn emit_block(&mut self, end: usize) {
        if end > 0 {
            let raw = match self.block_start {
                Some(start) if start <= end => Some(&self.buf[start..end]),
                _ => None,
            };
            self.sink.block(&self.tokens, raw);
            self.block_start = Some(end);
        }
        self.tokens.clear();
    }
}
