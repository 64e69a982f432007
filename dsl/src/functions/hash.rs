//! Hash functions on strings and files: md5 sha1 sha256 sha512 base64sha256 base64sha512
//! filemd5 filesha1 filesha256 filesha512 filebase64sha256 filebase64sha512.

use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::util::{p, s, simple, Builtin, ImplFn};
use crate::value::{Type, Value};

fn digest(alg: &str, data: &[u8]) -> Vec<u8> {
    match alg {
        "md5" => Md5::digest(data).to_vec(),
        "sha1" => Sha1::digest(data).to_vec(),
        "sha256" => Sha256::digest(data).to_vec(),
        _ => Sha512::digest(data).to_vec(),
    }
}

macro_rules! hashers {
    ($($name:literal, $file:literal, $alg:literal, $b64:literal;)*) => {
        fn impls() -> Vec<(&'static str, bool, ImplFn)> {
            vec![$(
                ($name, false, (|args, _| {
                    let d = digest($alg, s(args, 0)?.as_bytes());
                    Ok(Value::string(render(&d, $b64)))
                }) as ImplFn),
                ($file, true, (|args, ctx| {
                    let bytes = super::filesystem::read_file(args, ctx)?;
                    let d = digest($alg, &bytes);
                    Ok(Value::string(render(&d, $b64)))
                }) as ImplFn),
            )*]
        }
    };
}

hashers! {
    "md5", "filemd5", "md5", false;
    "sha1", "filesha1", "sha1", false;
    "sha256", "filesha256", "sha256", false;
    "sha512", "filesha512", "sha512", false;
    "base64sha256", "filebase64sha256", "sha256", true;
    "base64sha512", "filebase64sha512", "sha512", true;
}

fn render(d: &[u8], b64: bool) -> String {
    if b64 {
        super::encoding::b64().encode(d)
    } else {
        hex::encode(d)
    }
}

pub(super) fn register(list: &mut Vec<Builtin>) {
    for (name, is_file, imp) in impls() {
        let pname = if is_file { "path" } else { "str" };
        list.push(simple(
            name,
            vec![p(pname, Type::String)],
            Type::String,
            imp,
        ));
    }
}
