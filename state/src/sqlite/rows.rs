//! Records and outputs to and from table rows: plain columns for what the store queries
//! (address, mode, status, ...), and for the payload (attributes, their type, sensitive paths,
//! private data, identity, output values) JSON text — or AES-GCM ciphertext when the store
//! has a key. A digest of the plain payload lets a write skip a record that did not change.

use rusqlite::{Row, ToSql};

use crate::codec;
use crate::crypto::{Digester, EncryptionKey};
use crate::error::{Result, StateError};
use crate::record::{Intent, Mode, NewIntent, OutputValue, ResourceRecord, ResourceStatus};

/// The columns of a `resources` row, in [`RESOURCE_COLUMNS`] order after the bookkeeping ones.
/// Borrows what it can from the record: encoding runs on every write.
pub struct ResourceRow<'a> {
    pub address: &'a str,
    pub deposed: &'a str,
    pub mode: &'static str,
    pub module: &'a str,
    pub type_name: &'a str,
    pub name: &'a str,
    pub index_key: Option<String>,
    pub provider: &'a str,
    pub schema_version: i64,
    pub status: &'static str,
    pub create_before_destroy: bool,
    pub dependencies: String,
    pub encrypted: bool,
    pub attributes: Vec<u8>,
    pub attributes_type: Vec<u8>,
    pub sensitive_paths: Vec<u8>,
    pub private: Option<Vec<u8>>,
    pub identity_schema_version: i64,
    pub identity: Option<Vec<u8>>,
    pub digest: Vec<u8>,
}

/// The payload columns read back, in this order, by [`decode_resource`].
pub const RESOURCE_COLUMNS: &str = "address, deposed, mode, module, type, name, index_key, \
    provider, schema_version, status, create_before_destroy, dependencies, encrypted, \
    attributes, attributes_type, sensitive_paths, private, identity_schema_version, identity";

fn to_i64(n: u64, what: &str) -> Result<i64> {
    i64::try_from(n).map_err(|_| StateError::Invalid(format!("{what} {n} is too large")))
}

fn seal(key: Option<&EncryptionKey>, field: &str, plain: Vec<u8>) -> Result<Vec<u8>> {
    match key {
        Some(k) => k.encrypt(field, &plain),
        None => Ok(plain),
    }
}

/// Feeds a length-prefixed field to a digest.
fn feed(d: &mut Digester, data: &[u8]) {
    d.update(&(data.len() as u64).to_le_bytes());
    d.update(data);
}

/// Encodes a record into its row, encrypting the payload when `key` is given.
pub fn encode_resource<'a>(
    r: &'a ResourceRecord,
    key: Option<&EncryptionKey>,
) -> Result<ResourceRow<'a>> {
    r.validate()?;
    let mut attrs = String::with_capacity(256);
    codec::write_value(&r.attributes, &mut attrs).map_err(|e| StateError::Value {
        context: format!("{}'s attributes", r.address),
        message: e.to_string(),
    })?;
    let mut attrs_type = String::with_capacity(128);
    codec::write_type(r.attributes.ty(), &mut attrs_type);
    let sensitive = codec::paths_to_json(&r.sensitive_paths)?;
    let index_key = r
        .index_key
        .as_ref()
        .map(|k| codec::index_key_to_json(k).to_string());
    let dependencies = serde_json::to_string(&r.dependencies)
        .map_err(|e| StateError::Invalid(format!("{}'s dependencies: {e}", r.address)))?;
    let deposed = r.deposed.as_deref().unwrap_or_default();

    let mut d = Digester::new(key);
    for part in [
        r.address.as_bytes(),
        deposed.as_bytes(),
        r.provider.as_bytes(),
        r.status.as_str().as_bytes(),
        dependencies.as_bytes(),
        attrs.as_bytes(),
        attrs_type.as_bytes(),
        sensitive.as_bytes(),
        r.private.as_deref().unwrap_or("\u{0}none").as_bytes(),
        r.identity.as_deref().unwrap_or("\u{0}none").as_bytes(),
    ] {
        feed(&mut d, part);
    }
    feed(&mut d, &r.schema_version.to_le_bytes());
    feed(&mut d, &r.identity_schema_version.to_le_bytes());
    feed(&mut d, &[u8::from(r.create_before_destroy)]);

    Ok(ResourceRow {
        address: &r.address,
        deposed,
        mode: r.mode.as_str(),
        module: &r.module,
        type_name: &r.type_name,
        name: &r.name,
        index_key,
        provider: &r.provider,
        schema_version: to_i64(r.schema_version, "schema version")?,
        status: r.status.as_str(),
        create_before_destroy: r.create_before_destroy,
        dependencies,
        encrypted: key.is_some(),
        attributes: seal(key, "attributes", attrs.into_bytes())?,
        attributes_type: seal(key, "attributes_type", attrs_type.into_bytes())?,
        sensitive_paths: seal(key, "sensitive_paths", sensitive.into_bytes())?,
        private: r
            .private
            .as_ref()
            .map(|p| seal(key, "private", p.clone().into_bytes()))
            .transpose()?,
        identity_schema_version: to_i64(r.identity_schema_version, "identity schema version")?,
        identity: r
            .identity
            .as_ref()
            .map(|p| seal(key, "identity", p.clone().into_bytes()))
            .transpose()?,
        digest: d.finish(),
    })
}

fn open_field(
    key: Option<&EncryptionKey>,
    encrypted: bool,
    field: &str,
    data: Vec<u8>,
    what: &str,
) -> Result<String> {
    let plain = if encrypted {
        match key {
            Some(k) => k.decrypt(field, &data, what)?,
            None => return Err(StateError::EncryptionKeyMissing(what.to_string())),
        }
    } else {
        data
    };
    String::from_utf8(plain).map_err(|_| StateError::Corrupt(format!("{field} of {what}")))
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StateError {
    StateError::Corrupt(format!("{what}: {detail}"))
}

/// Decodes a row selected with [`RESOURCE_COLUMNS`] (starting at column 0).
pub fn decode_resource(
    row: &Row<'_>,
    key: Option<&EncryptionKey>,
    types: &mut codec::TypeCache,
) -> Result<ResourceRecord> {
    let address: String = row.get(0)?;
    let what = address.as_str();
    let deposed: String = row.get(1)?;
    let mode: String = row.get(2)?;
    let index_key: Option<String> = row.get(6)?;
    let status: String = row.get(9)?;
    let dependencies: String = row.get(11)?;
    let encrypted: bool = row.get(12)?;
    let schema_version: i64 = row.get(8)?;
    let identity_schema_version: i64 = row.get(17)?;
    let attrs = open_field(key, encrypted, "attributes", row.get(13)?, what)?;
    let attrs_type = open_field(key, encrypted, "attributes_type", row.get(14)?, what)?;
    let sensitive = open_field(key, encrypted, "sensitive_paths", row.get(15)?, what)?;
    let private = row
        .get::<_, Option<Vec<u8>>>(16)?
        .map(|p| open_field(key, encrypted, "private", p, what))
        .transpose()?;
    let identity = row
        .get::<_, Option<Vec<u8>>>(18)?
        .map(|p| open_field(key, encrypted, "identity", p, what))
        .transpose()?;
    let index_key = index_key
        .map(|k| {
            let json: serde_json::Value = serde_json::from_str(&k).map_err(|e| corrupt(what, e))?;
            codec::index_key_from_json(&json)
        })
        .transpose()?;
    Ok(ResourceRecord {
        mode: Mode::parse(&mode).ok_or_else(|| corrupt(what, format!("mode {mode}")))?,
        module: row.get(3)?,
        type_name: row.get(4)?,
        name: row.get(5)?,
        index_key,
        provider: row.get(7)?,
        schema_version: u64::try_from(schema_version).map_err(|e| corrupt(what, e))?,
        attributes: types.decode_value(&attrs, &attrs_type, &format!("{what}'s attributes"))?,
        sensitive_paths: codec::paths_from_json(&sensitive)?,
        dependencies: serde_json::from_str(&dependencies).map_err(|e| corrupt(what, e))?,
        status: ResourceStatus::parse(&status)
            .ok_or_else(|| corrupt(what, format!("status {status}")))?,
        create_before_destroy: row.get(10)?,
        private,
        deposed: (!deposed.is_empty()).then_some(deposed),
        identity_schema_version: u64::try_from(identity_schema_version)
            .map_err(|e| corrupt(what, e))?,
        identity,
        address,
    })
}

/// An output's row payload: `(sensitive, encrypted, value, value_type, digest)`.
pub struct OutputRow {
    pub sensitive: bool,
    pub encrypted: bool,
    pub value: Vec<u8>,
    pub value_type: Vec<u8>,
    pub digest: Vec<u8>,
}

/// Encodes an output.
pub fn encode_output(
    name: &str,
    o: &OutputValue,
    key: Option<&EncryptionKey>,
) -> Result<OutputRow> {
    let (v, t) = codec::encode_value(&o.value, &format!("output {name}"))?;
    let mut d = Digester::new(key);
    feed(&mut d, v.as_bytes());
    feed(&mut d, t.as_bytes());
    feed(&mut d, &[u8::from(o.sensitive)]);
    Ok(OutputRow {
        sensitive: o.sensitive,
        encrypted: key.is_some(),
        value: seal(key, "value", v.into_bytes())?,
        value_type: seal(key, "value_type", t.into_bytes())?,
        digest: d.finish(),
    })
}

/// Decodes an output from `(name, sensitive, encrypted, value, value_type)` columns.
pub fn decode_output(row: &Row<'_>, key: Option<&EncryptionKey>) -> Result<(String, OutputValue)> {
    let name: String = row.get(0)?;
    let what = format!("output {name}");
    let encrypted: bool = row.get(2)?;
    let v = open_field(key, encrypted, "value", row.get(3)?, &what)?;
    let t = open_field(key, encrypted, "value_type", row.get(4)?, &what)?;
    let value = codec::decode_value(&v, &t, &what)?;
    Ok((
        name,
        OutputValue {
            value,
            sensitive: row.get(1)?,
        },
    ))
}

/// An intent's configuration as `(JSON, type JSON)`, sealed when `key` is given.
pub fn encode_intent_config(
    intent: &NewIntent<'_>,
    key: Option<&EncryptionKey>,
) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
    let Some(config) = intent.config else {
        return Ok(None);
    };
    let (v, t) = codec::encode_value(config, &format!("{}'s configuration", intent.address))?;
    Ok(Some((
        seal(key, "config", v.into_bytes())?,
        seal(key, "config_type", t.into_bytes())?,
    )))
}

/// Decodes an intent from `(address, token, operation, created, provider, encrypted, config,
/// config_type)` columns.
pub fn decode_intent(row: &Row<'_>, key: Option<&EncryptionKey>) -> Result<Intent> {
    let address: String = row.get(0)?;
    let what = format!("the intent of {address}");
    let encrypted: bool = row.get(5)?;
    let config = match (
        row.get::<_, Option<Vec<u8>>>(6)?,
        row.get::<_, Option<Vec<u8>>>(7)?,
    ) {
        (Some(v), Some(t)) => {
            let v = open_field(key, encrypted, "config", v, &what)?;
            let t = open_field(key, encrypted, "config_type", t, &what)?;
            Some(codec::decode_value(&v, &t, &what)?)
        }
        _ => None,
    };
    let created: String = row.get(3)?;
    Ok(Intent {
        token: row.get(1)?,
        operation: row.get(2)?,
        created: super::parse_time(&created)?,
        provider: row.get(4)?,
        config,
        address,
    })
}

/// The bound parameters of a resource row insert: `workspace_id, serial_from`, then the
/// columns in [`RESOURCE_COLUMNS`] order, then the digest.
pub fn resource_params<'r>(
    ws: &'r i64,
    serial: &'r i64,
    r: &'r ResourceRow<'_>,
) -> [&'r dyn ToSql; 22] {
    [
        ws,
        serial,
        &r.address,
        &r.deposed,
        &r.mode,
        &r.module,
        &r.type_name,
        &r.name,
        &r.index_key,
        &r.provider,
        &r.schema_version,
        &r.status,
        &r.create_before_destroy,
        &r.dependencies,
        &r.encrypted,
        &r.attributes,
        &r.attributes_type,
        &r.sensitive_paths,
        &r.private,
        &r.identity_schema_version,
        &r.identity,
        &r.digest,
    ]
}
