//! `terrane import ADDR ID`: brings an existing object under management. As in Terraform, the
//! address must be a managed resource of the configuration (with a key exactly when it has
//! `count` or `for_each`) and hold nothing yet; the provider imports the object by its ID and
//! reads it, and the record is written in one change set under the state lock.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::Provider;
use terrane_state::{Backend, ResourceAddress, ResourceRecord};

use super::state_cmd::{lock, LockArgs, Opened};
use super::vars::VarArgs;
use super::Global;
use crate::addrs::ResourceMode;
use crate::inputs::CliVar;
use crate::session::{EngineHost, Session};

#[derive(clap::Args, Debug, Clone)]
pub struct ImportArgs {
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub lock: LockArgs,
    /// Ask for input for variables without a value (accepted; terrane never prompts).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub input: Option<bool>,
    /// The resource instance address to import into.
    pub address: String,
    /// The provider's ID of the existing object.
    pub id: String,
}

fn error(summary: &str, detail: &str) -> i32 {
    eprintln!("Error: {summary}\n\n{detail}");
    1
}

pub fn run(args: ImportArgs, vars: Vec<CliVar>, global: &Global) -> i32 {
    let dir = Path::new(".");
    let (session, sources, diags) = Session::load(dir, &vars, true);
    if !diags.0.is_empty() {
        super::plan::emit(&sources, &diags, global, false);
    }
    let Some(session) = session else {
        return 1;
    };
    let addr = match crate::addrs::parse_instance(&args.address) {
        Ok(a) => a,
        Err(e) => return error("Invalid address", &e.to_string()),
    };
    if addr.resource.mode == ResourceMode::Data {
        return error(
            "Invalid address",
            &format!(
                "{}: only managed resources can be imported; data sources are read by every plan.",
                args.address
            ),
        );
    }
    let module = session.config.module(&addr.module.module());
    let Some(rc) = module.and_then(|m| m.resources.get(&addr.resource)) else {
        let r = &addr.resource;
        let module_note = if addr.module.is_root() {
            "the root module"
        } else {
            "its module"
        };
        return error(
            "Import to non-existent resource address",
            &format!("resource address \"{}\" does not exist in the configuration.\n\nBefore importing this resource, please create its configuration in {module_note}. For example:\n\nresource \"{}\" \"{}\" {{\n  # (resource arguments)\n}}", args.address, r.type_name, r.name),
        );
    };
    let repeated = rc.count.is_some() || rc.for_each.is_some();
    if repeated && addr.key.is_none() {
        return error("Missing resource instance key", &format!("The resource {} has \"count\" or \"for_each\" set, so an instance key is required to import into it, such as {}[0] or {}[\"key\"].", addr.resource, addr.resource, addr.resource));
    }
    if !repeated && addr.key.is_some() {
        return error("Unexpected resource instance key", &format!("The resource {} has neither \"count\" nor \"for_each\" set, so its address has no instance key: import into {} instead.", addr.resource, addr.resource));
    }
    let (_, pref) =
        crate::graph::build::provider_for(&session.config, &addr.module.module(), &rc.provider);
    let Some(factory) = terrane_provider::registry::find_by_local_name(&pref.name) else {
        return error(
            "Not supported yet",
            &format!(
                "terrane has no provider \"{}\" yet, so {} cannot be imported.",
                pref.name, args.address
            ),
        );
    };
    let provider_addr = crate::walk::resource::provider_address(factory.source);
    let cwd = std::env::current_dir().unwrap_or_default();
    let provider = (factory.make)(EngineHost::shared(&cwd));
    let Some(schema) = provider
        .schema()
        .resources
        .get(&addr.resource.type_name)
        .cloned()
    else {
        if !provider.implements_all_types() {
            return error(
                "Not supported yet",
                &format!(
                    "terrane's provider \"{}\" does not implement the resource type \"{}\" yet.",
                    provider.name(),
                    addr.resource.type_name
                ),
            );
        }
        return error(
            "Invalid resource type",
            &format!(
                "The provider {} does not support resource type \"{}\".",
                provider.name(),
                addr.resource.type_name
            ),
        );
    };
    let Ok(state_addr) = ResourceAddress::parse(&addr.to_string()) else {
        return error("Invalid address", &args.address);
    };
    let Some(o) = super::state_cmd::open(false) else {
        return 1;
    };
    let o = Opened {
        backend: o.backend,
        workspace: session.workspace.clone(),
    };
    let Ok(_guard) = lock(&o, &args.lock, "import") else {
        return 1;
    };
    let canonical = state_addr.to_string();
    match o.backend.read(&o.workspace) {
        Ok(s) if s.resource(&canonical).is_some() => {
            return error("Resource already managed by terrane", &format!("terrane is already managing a remote object for {canonical}. To import to this address you must first remove the existing object from the state."));
        }
        Ok(_) => {}
        Err(e) => return error("Failed to load state", &e.to_string()),
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{canonical}: Importing from ID {:?}...", args.id);
    let value = match import_object(provider, &addr.resource.type_name, &args.id, &canonical) {
        Ok(v) => v,
        Err((summary, detail)) => return error(&summary, &detail),
    };
    let _ = writeln!(
        out,
        "{canonical}: Import prepared!\n  Prepared {} for import",
        addr.resource.type_name
    );
    let mut record = ResourceRecord::new(&state_addr, &provider_addr, Value::dynamic());
    record.set_marked_attributes(schema.block.mark_sensitive(value));
    record.schema_version = schema.version;
    let id_note = record
        .id()
        .map(|i| format!(" [id={i}]"))
        .unwrap_or_default();
    let _ = writeln!(out, "{canonical}: Refreshing state...{id_note}");
    let written = o.backend.begin(&o.workspace, "import").and_then(|mut cs| {
        cs.put_resource(&record)?;
        cs.finish()
    });
    if let Err(e) = written {
        return error("Failed to write state", &e.to_string());
    }
    let _ = writeln!(out, "\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour terrane state and will henceforth be managed by terrane.");
    0
}

/// Imports and reads the object; `(summary, detail)` on failure.
fn import_object(
    provider: Arc<dyn Provider>,
    type_name: &str,
    id: &str,
    address: &str,
) -> Result<Value, (String, String)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ("Failed to start".to_string(), e.to_string()))?;
    let gone = || {
        (
            "Cannot import non-existent remote object".to_string(),
            format!("While attempting to import an existing object to {address}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terrane apply\" to create a new remote object for this resource."),
        )
    };
    rt.block_on(async {
        let found = provider
            .import_resource(type_name, id)
            .await
            .map_err(|e| (e.summary, e.detail))?;
        let Some(first) = found.into_iter().next() else {
            return Err(gone());
        };
        match provider.read_resource(type_name, first, None).await {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(gone()),
            Err(e) => Err((e.summary, e.detail)),
        }
    })
}
