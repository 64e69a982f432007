//! The data the state holds: resource instance records, outputs, pending intents, whole
//! snapshots at one serial, history entries and lock descriptions. Plain data, no storage.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use terrane_dsl::value::marks::only;
use terrane_dsl::value::{Mark, Path, PathMarks, Value};

use crate::address::ResourceAddress;
use crate::error::{Result, StateError};

/// The terrane version written into every state version and lock.
pub const TERRANE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Whether a resource is managed (`resource` block) or read (`data` block).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

impl Mode {
    /// `"managed"` or `"data"`, as Terraform's state files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }

    /// Parses `"managed"` or `"data"`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "managed" => Some(Mode::Managed),
            "data" => Some(Mode::Data),
            _ => None,
        }
    }
}

/// The key of one instance of a resource with `count` (an integer) or `for_each` (a string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndexKey {
    Int(i64),
    String(String),
}

/// The life-cycle status of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceStatus {
    /// Created (or read) and up to date as far as terrane knows.
    Ready,
    /// Must be replaced at the next apply (a failed create, or `terrane taint`).
    Tainted,
    /// The provider was asked to create it but the result was never confirmed (an apply was
    /// interrupted): the next plan must look the object up (by its intent token) before
    /// creating another.
    Pending,
}

impl ResourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceStatus::Ready => "ready",
            ResourceStatus::Tainted => "tainted",
            ResourceStatus::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<ResourceStatus> {
        match s {
            "ready" => Some(ResourceStatus::Ready),
            "tainted" => Some(ResourceStatus::Tainted),
            "pending" => Some(ResourceStatus::Pending),
            _ => None,
        }
    }
}

/// One resource instance (or one deposed object of it) as the state records it.
///
/// `address` is the canonical instance address (`module.net.aws_subnet.a["x"]`); the fields
/// `module`, `mode`, `type_name`, `name` and `index_key` are its parts and must agree with it
/// (backends check this on write). Build records with [`ResourceRecord::new`] to keep them in
/// step.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRecord {
    pub address: String,
    pub mode: Mode,
    /// The module path, `""` for the root module, else e.g. `module.net` or `module.a["x"].module.b`.
    pub module: String,
    pub type_name: String,
    pub name: String,
    pub index_key: Option<IndexKey>,
    /// The provider configuration address, e.g. `provider["registry.terraform.io/hashicorp/aws"]`.
    pub provider: String,
    pub schema_version: u64,
    /// The object's attributes. Stored with its type, so it reads back exactly.
    pub attributes: Value,
    /// Paths inside `attributes` that hold sensitive values.
    pub sensitive_paths: Vec<Path>,
    /// Addresses of the resources this one depends on.
    pub dependencies: Vec<String>,
    pub status: ResourceStatus,
    pub create_before_destroy: bool,
    /// Provider-private data, opaque to terrane (Terraform keeps it base64 encoded).
    pub private: Option<String>,
    /// The deposed key of an object replaced with create_before_destroy and not yet
    /// destroyed; `None` for the current object.
    pub deposed: Option<String>,
    /// The version of the provider's identity schema (Terraform ≥ 1.12 records it).
    pub identity_schema_version: u64,
    /// The resource identity as JSON text, when the provider gives one.
    pub identity: Option<String>,
}

impl ResourceRecord {
    /// A ready, current (not deposed) record with no dependencies and no sensitive paths.
    pub fn new(address: &ResourceAddress, provider: &str, attributes: Value) -> ResourceRecord {
        ResourceRecord {
            address: address.to_string(),
            mode: address.mode,
            module: address.module_string(),
            type_name: address.type_name.clone(),
            name: address.name.clone(),
            index_key: address.key.clone(),
            provider: provider.to_string(),
            schema_version: 0,
            attributes,
            sensitive_paths: Vec::new(),
            dependencies: Vec::new(),
            status: ResourceStatus::Ready,
            create_before_destroy: false,
            private: None,
            deposed: None,
            identity_schema_version: 0,
            identity: None,
        }
    }

    /// The record's address, parsed.
    pub fn parsed_address(&self) -> Result<ResourceAddress> {
        ResourceAddress::parse(&self.address)
    }

    /// Checks that the address and its parts agree.
    pub fn validate(&self) -> Result<()> {
        let a = self.parsed_address()?;
        let bad = |reason: String| {
            Err(StateError::InvalidRecord {
                address: self.address.clone(),
                reason,
            })
        };
        if a.to_string() != self.address {
            return bad(format!("the canonical form of the address is {a}"));
        }
        if a.mode != self.mode
            || a.module_string() != self.module
            || a.type_name != self.type_name
            || a.name != self.name
            || a.key != self.index_key
        {
            return bad("mode, module, type, name or index key disagree with the address".into());
        }
        if self.deposed.as_deref() == Some("") {
            return bad("an empty deposed key".into());
        }
        Ok(())
    }

    /// The `id` attribute, when the object has a string one.
    pub fn id(&self) -> Option<&str> {
        self.attributes.get_attr("id").and_then(Value::as_str)
    }

    /// Sets the attributes from a value carrying `sensitive` marks: the marks are removed and
    /// their places recorded in `sensitive_paths` (other marks are dropped: they are not state).
    pub fn set_marked_attributes(&mut self, value: Value) {
        let (plain, marks) = value.unmark_deep_with_paths();
        self.attributes = plain;
        self.sensitive_paths = marks
            .into_iter()
            .filter(|pm| pm.marks.contains(&Mark::Sensitive))
            .map(|pm| pm.path)
            .collect();
    }

    /// The attributes with `sensitive` marks put back at `sensitive_paths`.
    pub fn marked_attributes(&self) -> Value {
        let marks: Vec<PathMarks> = self
            .sensitive_paths
            .iter()
            .map(|p| PathMarks {
                path: p.clone(),
                marks: only(Mark::Sensitive),
            })
            .collect();
        self.attributes.clone().mark_with_paths(&marks)
    }

    /// Moves the record to another address, updating every part.
    pub fn set_address(&mut self, address: &ResourceAddress) {
        self.address = address.to_string();
        self.mode = address.mode;
        self.module = address.module_string();
        self.type_name = address.type_name.clone();
        self.name = address.name.clone();
        self.index_key = address.key.clone();
    }
}

/// What `state list` needs of a record, without decoding its attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSummary {
    pub address: String,
    pub deposed: Option<String>,
    pub status: ResourceStatus,
    /// The `id` attribute, when it is a string.
    pub id: Option<String>,
}

/// One root-module output.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputValue {
    pub value: Value,
    pub sensitive: bool,
}

/// Outputs by name.
pub type Outputs = BTreeMap<String, OutputValue>;

/// A create call that was started but whose result is not yet in the state: written before
/// the provider is called, removed when the resulting record is put (in the same transaction)
/// or explicitly cleared. Intents left over after a crash tell the next run which objects may
/// exist in the cloud without a record, and the token (idempotency token or tag) to find them.
#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    pub address: String,
    pub token: String,
    /// The provider configuration the create was made with, as records name it
    /// (`provider["registry.terraform.io/hashicorp/aws"].west`); empty for an intent written
    /// before intents recorded it.
    pub provider: String,
    /// The create's configuration (wholly known, no marks), for finding the object of a type
    /// that cannot carry the token after the configuration no longer has the address.
    pub config: Option<Value>,
    /// The operation that wrote it (e.g. "apply").
    pub operation: String,
    pub created: DateTime<Utc>,
}

/// What the engine records before a create call (see [`Intent`]).
#[derive(Clone, Copy, Debug)]
pub struct NewIntent<'a> {
    pub address: &'a str,
    pub token: &'a str,
    pub provider: &'a str,
    pub config: Option<&'a Value>,
}

/// A workspace's state at one serial.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Fixed when the workspace is created; identifies the state's history across copies.
    pub lineage: String,
    /// Incremented once per change set; 0 for a workspace never written.
    pub serial: u64,
    /// The terrane (or Terraform, for pushed states) version that wrote this version.
    pub terrane_version: String,
    /// Every record, ordered by address then deposed key (current object first).
    pub resources: Vec<ResourceRecord>,
    pub outputs: Outputs,
    /// Create calls not confirmed (only in the current state, not in history).
    pub intents: Vec<Intent>,
}

impl Snapshot {
    /// The empty state of a workspace never written.
    pub fn empty(lineage: &str) -> Snapshot {
        Snapshot {
            lineage: lineage.to_string(),
            serial: 0,
            terrane_version: TERRANE_VERSION.to_string(),
            resources: Vec::new(),
            outputs: Outputs::new(),
            intents: Vec::new(),
        }
    }

    /// The current (not deposed) record at `address`.
    pub fn resource(&self, address: &str) -> Option<&ResourceRecord> {
        self.resources
            .iter()
            .find(|r| r.address == address && r.deposed.is_none())
    }

    /// Sorts resources into the canonical order (address, then deposed key, current first).
    pub fn sort(&mut self) {
        self.resources.sort_by(|a, b| {
            (a.address.as_str(), a.deposed.as_deref())
                .cmp(&(b.address.as_str(), b.deposed.as_deref()))
        });
    }
}

/// One entry of a workspace's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    pub serial: u64,
    /// When the version was started.
    pub time: DateTime<Utc>,
    /// What wrote it: "apply", "destroy", "state mv", "push", "rollback to 3", ...
    pub operation: String,
    /// Resource records (instances and deposed objects) added, changed and removed.
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    /// False while the change set is open, or if its writer died before finishing it (the
    /// records it wrote are kept: they describe real objects).
    pub complete: bool,
}

/// Who holds a workspace's lock, as Terraform describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockInfo {
    /// A unique ID (a UUID); needed to unlock.
    pub id: String,
    /// `user@host`.
    pub who: String,
    /// What the holder is doing ("plan", "apply", ...).
    pub operation: String,
    pub created: DateTime<Utc>,
    /// The terrane version of the holder.
    pub version: String,
    /// The state's location (the database path, a bucket key, ...).
    pub path: String,
}

impl LockInfo {
    /// A new lock description for this process: a fresh UUID, `user@host`, now.
    pub fn new(operation: &str) -> LockInfo {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            who: default_who(),
            operation: operation.to_string(),
            created: Utc::now(),
            version: TERRANE_VERSION.to_string(),
            path: String::new(),
        }
    }
}

/// `user@host` for this process, from the environment and the kernel's host name.
pub fn default_who() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "localhost".to_string());
    format!("{user}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_check_their_address() {
        let a = ResourceAddress::parse("module.m[\"k\"].aws_instance.web[3]").unwrap();
        let mut r = ResourceRecord::new(&a, "p", Value::object_from([("id", Value::string("i"))]));
        assert_eq!(r.module, "module.m[\"k\"]");
        assert_eq!(r.index_key, Some(IndexKey::Int(3)));
        assert_eq!(r.id(), Some("i"));
        r.validate().unwrap();
        r.index_key = None;
        assert!(matches!(
            r.validate(),
            Err(StateError::InvalidRecord { .. })
        ));
        let b = ResourceAddress::parse("data.x.y").unwrap();
        r.set_address(&b);
        r.validate().unwrap();
        assert_eq!(r.mode, Mode::Data);
        r.address = "data.x.y[0]".into();
        assert!(r.validate().is_err());
        r.set_address(&b);
        r.deposed = Some(String::new());
        assert!(r.validate().is_err());
    }

    #[test]
    fn sensitive_marks_become_paths_and_back() {
        let v = Value::object_from([
            ("user", Value::string("admin")),
            ("pw", Value::string("hunter2").mark(Mark::Sensitive)),
        ]);
        let a = ResourceAddress::parse("aws_db_instance.db").unwrap();
        let mut r = ResourceRecord::new(&a, "p", Value::null(terrane_dsl::value::Type::Dynamic));
        r.set_marked_attributes(v.clone());
        assert!(!r.attributes.contains_marked());
        assert_eq!(r.sensitive_paths, vec![Path::root().attr("pw")]);
        let back = r.marked_attributes();
        assert!(back.get_attr("pw").unwrap().is_sensitive());
        assert!(!back.get_attr("user").unwrap().is_sensitive());
        assert_eq!(back, v);
    }

    #[test]
    fn who_is_user_at_host() {
        let who = default_who();
        assert!(
            who.contains('@') && !who.starts_with('@') && !who.ends_with('@'),
            "{who}"
        );
        let l = LockInfo::new("plan");
        assert_eq!(l.id.len(), 36);
        assert_eq!(l.operation, "plan");
    }
}
