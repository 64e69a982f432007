//! Cryptographic and identifier functions: bcrypt uuid uuidv5 rsadecrypt.

use super::util::{fail, int, p, s, simple, Builtin};
use super::{CallContext, CallError};
use crate::value::{Type, Value};

pub(super) fn register(list: &mut Vec<Builtin>) {
    let mut b = simple(
        "bcrypt",
        vec![p("str", Type::String)],
        Type::String,
        bcrypt_impl,
    );
    b.variadic = Some(p("cost", Type::Number));
    list.push(b);
    list.push(simple("uuid", vec![], Type::String, |_, _| {
        Ok(Value::string(uuid::Uuid::new_v4().to_string()))
    }));
    list.push(simple(
        "uuidv5",
        vec![p("namespace", Type::String), p("name", Type::String)],
        Type::String,
        |args, _| {
            let ns = s(args, 0)?;
            let space = match ns {
                "dns" => uuid::Uuid::NAMESPACE_DNS,
                "url" => uuid::Uuid::NAMESPACE_URL,
                "oid" => uuid::Uuid::NAMESPACE_OID,
                "x500" => uuid::Uuid::NAMESPACE_X500,
                other => uuid::Uuid::parse_str(other).map_err(|_| {
                    fail(format!(
                        "uuidv5() doesn't support namespace {other} (invalid UUID length: {})",
                        other.len()
                    ))
                })?,
            };
            Ok(Value::string(
                uuid::Uuid::new_v5(&space, s(args, 1)?.as_bytes()).to_string(),
            ))
        },
    ));
    list.push(simple(
        "rsadecrypt",
        vec![p("ciphertext", Type::String), p("privatekey", Type::String)],
        Type::String,
        rsadecrypt,
    ));
}

fn bcrypt_impl(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    let text = s(args, 0)?;
    if args.len() > 2 {
        return Err(fail("bcrypt() takes no more than two arguments"));
    }
    let mut cost = 10i64;
    if args.len() == 2 {
        cost = int(args, 1)?;
    }
    if cost > 31 {
        return Err(fail(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed inclusive range 4..31"
        )));
    }
    if cost < 4 {
        cost = 10;
    }
    let h = bcrypt::hash_with_result(text, cost as u32)
        .map_err(|e| fail(format!("error occured generating password {e}")))?;
    Ok(Value::string(h.format_for_version(bcrypt::Version::TwoA)))
}

fn rsadecrypt(args: &[Value], _: &CallContext) -> Result<Value, CallError> {
    use base64::Engine;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let text = s(args, 0)?;
    let ct = super::encoding::b64().decode(text).map_err(|_| {
        super::util::arg_err(
            0,
            format!(
                "failed to decode input {}: cipher text must be base64-encoded",
                crate::value::types::go_quote(text)
            ),
        )
    })?;
    let pem = s(args, 1)?;
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(pem))
        .map_err(|_| {
            let why = if pem.contains("-----BEGIN") {
                "ssh: unsupported key type"
            } else {
                "ssh: no key found"
            };
            super::util::arg_err(1, format!("invalid private key: {why}"))
        })?;
    let plain = key
        .decrypt(rsa::Pkcs1v15Encrypt, &ct)
        .map_err(|_| fail("failed to decrypt: crypto/rsa: decryption error"))?;
    String::from_utf8(plain)
        .map(Value::string)
        .map_err(|_| fail("the decrypted value is not valid UTF-8"))
}
