//! The `state` subcommands that only read: `list`, `show`, `pull` and `history`.

use std::io::Write;

use terrane_dsl::value::Value;
use terrane_state::{Backend, Mode, ResourceRecord, ResourceStatus, StateError};

use super::state_cmd::{open, patterns};

/// `state list [-id=ID] [ADDR...]`: one line per instance, in address order.
pub fn list(id: Option<&str>, addresses: &[String]) -> i32 {
    let Some(pats) = patterns(addresses) else {
        return 1;
    };
    let Some(o) = open(true) else {
        return 1;
    };
    let found = match terrane_state::ops::list(&o.backend, &o.workspace, &pats, id) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("Error: Failed to load state: {e}");
            return 1;
        }
    };
    let mut text = String::new();
    let mut last: Option<&str> = None;
    for s in &found {
        if last == Some(s.address.as_str()) {
            continue;
        }
        last = Some(&s.address);
        text.push_str(&s.address);
        text.push('\n');
    }
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    0
}

/// A record as `state show` prints it: a resource block with its attributes, sensitive values
/// masked, null ones left out.
pub fn render_record(r: &ResourceRecord) -> String {
    let tainted = match r.status {
        ResourceStatus::Ready => "",
        ResourceStatus::Tainted => " (tainted)",
        ResourceStatus::Pending => " (pending: the create was not confirmed)",
    };
    let kind = match r.mode {
        Mode::Managed => "resource",
        Mode::Data => "data",
    };
    let mut out = format!(
        "# {}:{tainted}\n{kind} \"{}\" \"{}\" {{\n",
        r.address, r.type_name, r.name
    );
    let attrs = r.marked_attributes();
    if let Some(entries) = attrs.entries() {
        let shown: Vec<(&String, &Value)> = entries
            .iter()
            .filter(|(_, v)| !(v.is_null() && v.is_known()))
            .collect();
        let width = shown
            .iter()
            .map(|(k, _)| crate::render::values::key(k).len())
            .max()
            .unwrap_or(0);
        for (k, v) in shown {
            out.push_str(&format!(
                "    {:width$} = {}\n",
                crate::render::values::key(k),
                crate::render::values::render(v, 4)
            ));
        }
    }
    out.push_str("}\n");
    out
}

/// `state show ADDR`.
pub fn show(address: &str) -> i32 {
    let Some(o) = open(true) else {
        return 1;
    };
    match terrane_state::ops::show(&o.backend, &o.workspace, address) {
        Ok(r) => {
            let _ = std::io::stdout()
                .lock()
                .write_all(render_record(&r).as_bytes());
            0
        }
        Err(StateError::NoSuchResource(_)) => {
            eprintln!("Error: No instance found for the given address!\n\nThis command requires that the address references one specific instance.\nTo view the available instances, use \"terrane state list\". Please modify\nthe address to reference a specific instance.");
            1
        }
        Err(e @ StateError::InvalidAddress { .. }) => {
            eprintln!("Error: Invalid address\n\n{e}");
            1
        }
        Err(e) => {
            eprintln!("Error: Failed to load state: {e}");
            1
        }
    }
}

/// `state pull`: the current state as a Terraform v4 state file on standard output.
pub fn pull() -> i32 {
    let Some(o) = open(false) else {
        return 1;
    };
    let pulled = o.backend.read(&o.workspace).and_then(|mut s| {
        super::state_schema::wrap_snapshot(&mut s);
        terrane_state::tfstate::to_v4(&s)
    });
    match pulled {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            0
        }
        Err(e) => {
            eprintln!("Error: Failed to load state: {e}");
            1
        }
    }
}

/// `state history`: every version, oldest first.
pub fn history() -> i32 {
    let Some(o) = open(true) else {
        return 1;
    };
    let versions = match o.backend.history(&o.workspace) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("Error: Failed to load state: {e}");
            return 1;
        }
    };
    let width = versions
        .iter()
        .map(|v| v.operation.chars().count())
        .max()
        .unwrap_or(0)
        .max("OPERATION".len());
    let mut text = format!(
        "{:>6}  {:<20}  {:<width$}  {:>7}  {:>7}  {:>7}\n",
        "SERIAL", "TIME", "OPERATION", "ADDED", "CHANGED", "REMOVED"
    );
    for v in &versions {
        let note = if v.complete { "" } else { "  (incomplete)" };
        text.push_str(&format!(
            "{:>6}  {:<20}  {:<width$}  {:>7}  {:>7}  {:>7}{note}\n",
            v.serial,
            v.time.format("%Y-%m-%dT%H:%M:%SZ"),
            v.operation,
            v.added,
            v.changed,
            v.removed
        ));
    }
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    0
}
