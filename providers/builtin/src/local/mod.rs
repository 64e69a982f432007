//! The `local` provider: files on the machine terrane runs on (`local_file`,
//! `local_sensitive_file`, as resources and as data sources), as hashicorp/local does.

mod data;
mod file;

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use terrane_dsl::value::{Type, Value};
use terrane_provider::{AttributeSchema, Host};

use crate::common::{Ctx, TableProvider};

/// The `local` provider.
pub fn provider(host: Arc<dyn Host>) -> TableProvider {
    TableProvider::new(
        "local",
        host,
        vec![
            Box::new(file::LocalFile { sensitive: false }),
            Box::new(file::LocalFile { sensitive: true }),
        ],
        vec![
            Box::new(data::LocalFileData { sensitive: false }),
            Box::new(data::LocalFileData { sensitive: true }),
        ],
    )
}

/// The computed attributes describing a file's content: `id` (its SHA-1) and the checksums.
const CHECKSUMS: [&str; 7] = [
    "id",
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

fn checksum_schema() -> Vec<(&'static str, AttributeSchema)> {
    CHECKSUMS
        .iter()
        .map(|n| (*n, AttributeSchema::computed(Type::String)))
        .collect()
}

/// The checksum attributes of `content`.
fn checksums(content: &[u8]) -> Vec<(&'static str, Value)> {
    let sha1 = hex::encode(Sha1::digest(content));
    let sha256 = Sha256::digest(content);
    let sha512 = Sha512::digest(content);
    vec![
        ("id", Value::string(&sha1)),
        (
            "content_md5",
            Value::string(hex::encode(Md5::digest(content))),
        ),
        ("content_sha1", Value::string(sha1)),
        ("content_sha256", Value::string(hex::encode(sha256))),
        (
            "content_base64sha256",
            Value::string(STANDARD.encode(sha256)),
        ),
        ("content_sha512", Value::string(hex::encode(sha512))),
        (
            "content_base64sha512",
            Value::string(STANDARD.encode(sha512)),
        ),
    ]
}

/// A filename as the provider resolves it: relative to terrane's working directory.
fn resolve(ctx: &Ctx, filename: &str) -> PathBuf {
    let p = FsPath::new(filename);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        ctx.host.working_dir().join(p)
    }
}
