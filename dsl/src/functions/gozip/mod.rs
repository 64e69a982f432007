//! Gzip output byte-identical to Go's `compress/gzip` at the default level, as Terraform's
//! `base64gzip` produces it (write, `Flush`, `Close`).
//!
//! DEFLATE streams are not unique: every compressor picks its own matches, block boundaries
//! and Huffman codes. To produce exactly Terraform's bytes this module makes the same choices
//! as Go's `compress/flate` at level 6: [`lz77`] finds matches and cuts blocks, [`block`]
//! chooses each block's encoding and writes it, [`huffman`] builds the length-limited codes.

mod block;
mod huffman;
mod lz77;

/// `data` gzipped as Go's `gzip.NewWriter` + `Write` + `Flush` + `Close` write it: a 10-byte
/// header (no name, no time, no extra flags, OS 255 "unknown"), the DEFLATE stream, CRC-32 and
/// the length modulo 2^32.
pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut deflater = lz77::Deflater::new();
    deflater.write(data);
    deflater.flush();
    deflater.close();
    let body = std::mem::take(&mut deflater.sink.out);
    let mut out = Vec::with_capacity(body.len() + 18);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    out.extend_from_slice(&body);
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[cfg(test)]
mod tests;
