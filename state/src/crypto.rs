//! Encryption at rest: AES-256-GCM over attribute values, types, sensitive paths, private
//! data and outputs, with the key taken from `TERRANE_STATE_ENCRYPTION_KEY`.
//!
//! Key format (the variable's value, surrounding spaces ignored), one of:
//! - the standard base64 encoding (with padding) of exactly 32 random bytes — the recommended
//!   form, e.g. from `openssl rand -base64 32`;
//! - `passphrase:` followed by any text: the key is SHA-256 of
//!   `"terrane-state-encryption-v1\0"` followed by the text. Convenient, but only as strong as
//!   the passphrase.
//!
//! Anything else is refused. Each encrypted field is `nonce (12 bytes) || ciphertext || tag`,
//! with a fresh random nonce and the field's name as associated data, so a ciphertext cannot
//! be moved into another field unnoticed. A wrong key fails authentication, and is reported as
//! such: nothing is ever decoded from a ciphertext that did not authenticate.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{Result, StateError};

/// The environment variable holding the key.
pub const KEY_ENV: &str = "TERRANE_STATE_ENCRYPTION_KEY";

const NONCE_LEN: usize = 12;

/// A 256-bit state encryption key.
#[derive(Clone)]
pub struct EncryptionKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(..)")
    }
}

impl EncryptionKey {
    /// A key from its raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> EncryptionKey {
        EncryptionKey { bytes }
    }

    /// Parses the variable's format (see the module documentation).
    pub fn parse(text: &str) -> Result<EncryptionKey> {
        let text = text.trim();
        if let Some(pass) = text.strip_prefix("passphrase:") {
            if pass.is_empty() {
                return Err(StateError::EncryptionKeyInvalid(
                    "the passphrase is empty".into(),
                ));
            }
            let mut h = Sha256::new();
            h.update(b"terrane-state-encryption-v1\0");
            h.update(pass.as_bytes());
            let mut bytes = [0u8; 32];
            bytes.copy_from_slice(&h.finalize());
            return Ok(EncryptionKey { bytes });
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| {
                StateError::EncryptionKeyInvalid(format!(
                    "expected the base64 encoding of 32 bytes or `passphrase:TEXT` ({e})"
                ))
            })?;
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| {
            StateError::EncryptionKeyInvalid(format!(
                "the base64 value decodes to {} bytes; a key is 32 bytes",
                decoded.len()
            ))
        })?;
        Ok(EncryptionKey { bytes })
    }

    /// The key from `TERRANE_STATE_ENCRYPTION_KEY`, if set and not empty.
    pub fn from_env() -> Result<Option<EncryptionKey>> {
        match std::env::var(KEY_ENV) {
            Ok(v) if !v.trim().is_empty() => EncryptionKey::parse(&v).map(Some),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(StateError::EncryptionKeyInvalid(
                "the value is not valid Unicode".into(),
            )),
        }
    }

    /// Encrypts `plain`, binding it to `field`.
    pub fn encrypt(&self, field: &str, plain: &[u8]) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.bytes));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| StateError::Storage("encryption failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what [`EncryptionKey::encrypt`] made for `field`; `what` names the record in
    /// the error.
    pub fn decrypt(&self, field: &str, sealed: &[u8], what: &str) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN + 16 {
            return Err(StateError::Corrupt(format!(
                "encrypted {field} of {what} is too short"
            )));
        }
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.bytes));
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| StateError::WrongEncryptionKey(format!("{field} of {what}")))
    }

    /// A keyed digest of `data` (SHA-256 over the key then the data): lets a store tell
    /// whether two encrypted payloads are equal without storing a plain hash of secrets.
    pub fn keyed_digest(&self, data: &[u8]) -> Vec<u8> {
        let mut h = Sha256::new();
        h.update(self.bytes);
        h.update(data);
        h.finalize().to_vec()
    }
}

/// A digest of `data`, keyed when a key is given.
pub fn digest(key: Option<&EncryptionKey>, data: &[u8]) -> Vec<u8> {
    match key {
        Some(k) => k.keyed_digest(data),
        None => Sha256::digest(data).to_vec(),
    }
}

/// [`digest`] computed piece by piece: the same result as `digest(key, data)` where `data` is
/// everything fed, in order, without first copying it into one buffer.
pub struct Digester(Sha256);

impl Digester {
    pub fn new(key: Option<&EncryptionKey>) -> Digester {
        let mut h = Sha256::new();
        if let Some(k) = key {
            h.update(k.bytes);
        }
        Digester(h)
    }

    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub fn finish(self) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_formats() {
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let k = EncryptionKey::parse(&format!("  {b64}\n")).unwrap();
        assert_eq!(k.bytes, [7u8; 32]);
        let p1 = EncryptionKey::parse("passphrase:correct horse").unwrap();
        let p2 = EncryptionKey::parse("passphrase:correct horse").unwrap();
        assert_eq!(p1.bytes, p2.bytes);
        assert_ne!(
            p1.bytes,
            EncryptionKey::parse("passphrase:other").unwrap().bytes
        );
        for bad in ["passphrase:", "not base64!", "AAAA"] {
            assert!(matches!(
                EncryptionKey::parse(bad),
                Err(StateError::EncryptionKeyInvalid(_))
            ));
        }
    }

    #[test]
    fn seal_and_open() {
        let k = EncryptionKey::from_bytes([1; 32]);
        let sealed = k.encrypt("attributes", b"secret").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(k.decrypt("attributes", &sealed, "x").unwrap(), b"secret");
        assert!(matches!(
            k.decrypt("private", &sealed, "x"),
            Err(StateError::WrongEncryptionKey(_))
        ));
        let other = EncryptionKey::from_bytes([2; 32]);
        assert!(matches!(
            other.decrypt("attributes", &sealed, "x"),
            Err(StateError::WrongEncryptionKey(_))
        ));
        assert!(matches!(
            k.decrypt("attributes", b"short", "x"),
            Err(StateError::Corrupt(_))
        ));
    }
}
