//! The `terrane state ...` operations as library functions over any [`Backend`]: list, show,
//! mv, rm, replace-provider, taint/untaint and rollback. Each one that changes the state makes
//! exactly one new version (through a change set that touches only the records concerned);
//! callers hold the workspace's lock around them as for an apply.

use crate::address::{AddressPattern, ModuleStep, ResourceAddress};
use crate::backend::Backend;
use crate::error::{Result, StateError};
use crate::record::{Mode, ResourceRecord, ResourceStatus, ResourceSummary};

/// `state list`: current records matching any of `patterns` (all when empty) and, when `id` is
/// given, whose `id` attribute equals it. Ordered by address.
pub fn list(
    backend: &dyn Backend,
    workspace: &str,
    patterns: &[AddressPattern],
    id: Option<&str>,
) -> Result<Vec<ResourceSummary>> {
    let mut out = Vec::new();
    for s in backend.list(workspace)? {
        if let Some(id) = id {
            if s.id.as_deref() != Some(id) {
                continue;
            }
        }
        if !patterns.is_empty() {
            let a = ResourceAddress::parse(&s.address)?;
            if !patterns.iter().any(|p| p.matches(&a)) {
                continue;
            }
        }
        out.push(s);
    }
    Ok(out)
}

/// `state show`: the current (not deposed) record at `address`.
pub fn show(backend: &dyn Backend, workspace: &str, address: &str) -> Result<ResourceRecord> {
    let canonical = ResourceAddress::parse(address)?.to_string();
    backend
        .read(workspace)?
        .resources
        .into_iter()
        .find(|r| r.address == canonical && r.deposed.is_none())
        .ok_or(StateError::NoSuchResource(canonical))
}

/// One move made by [`mv`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    pub from: String,
    pub to: String,
}

/// Where `a` goes when `from` moves to `to`, or `None` if `from` does not select it.
fn destination(
    from: &AddressPattern,
    to: &AddressPattern,
    a: &ResourceAddress,
) -> Result<Option<ResourceAddress>> {
    let invalid = || {
        Err(StateError::Invalid(format!(
            "cannot move {from} to {to}: both must be modules, resources or instances"
        )))
    };
    Ok(match (from, to) {
        (AddressPattern::Module(m1), AddressPattern::Module(m2)) => {
            if a.module.len() < m1.len() || a.module[..m1.len()] != m1[..] {
                return Ok(None);
            }
            let mut module: Vec<ModuleStep> = m2.clone();
            module.extend_from_slice(&a.module[m1.len()..]);
            Some(ResourceAddress {
                module,
                ..a.clone()
            })
        }
        (
            AddressPattern::Resource { .. },
            AddressPattern::Resource {
                module,
                mode,
                type_name,
                name,
            },
        ) => from.matches(a).then(|| ResourceAddress {
            module: module.clone(),
            mode: *mode,
            type_name: type_name.clone(),
            name: name.clone(),
            key: a.key.clone(),
        }),
        // An instance, or an unkeyed resource's only instance, to an instance or unkeyed
        // resource.
        (
            AddressPattern::Instance(_) | AddressPattern::Resource { .. },
            AddressPattern::Instance(_) | AddressPattern::Resource { .. },
        ) => {
            let single = match from {
                AddressPattern::Instance(i) => i == a,
                _ => from.matches(a) && a.key.is_none(),
            };
            if !single {
                return Ok(None);
            }
            Some(match to {
                AddressPattern::Instance(i) => i.clone(),
                _ => ResourceAddress::parse(&to.to_string())?,
            })
        }
        _ => return invalid(),
    })
}

/// `state mv`: renames a module (with everything in it), a resource (all its instances) or
/// one instance. Refuses to overwrite an existing record or change a resource's type or mode.
pub fn mv(backend: &dyn Backend, workspace: &str, from: &str, to: &str) -> Result<Vec<Moved>> {
    move_records(backend, workspace, from, to, false)
}

/// `state mv -dry-run`: the moves [`mv`] would make (with the same refusals), writing nothing.
pub fn mv_dry_run(
    backend: &dyn Backend,
    workspace: &str,
    from: &str,
    to: &str,
) -> Result<Vec<Moved>> {
    move_records(backend, workspace, from, to, true)
}

fn move_records(
    backend: &dyn Backend,
    workspace: &str,
    from: &str,
    to: &str,
    dry_run: bool,
) -> Result<Vec<Moved>> {
    let from_p = AddressPattern::parse(from)?;
    let to_p = AddressPattern::parse(to)?;
    if from_p == to_p {
        return Err(StateError::Invalid(format!("cannot move {from} to itself")));
    }
    let snapshot = backend.read(workspace)?;
    let mut moves = Vec::new();
    for r in &snapshot.resources {
        let a = r.parsed_address()?;
        if let Some(dest) = destination(&from_p, &to_p, &a)? {
            if dest.mode != a.mode || dest.type_name != a.type_name {
                return Err(StateError::Invalid(format!(
                    "cannot move {} to {dest}: a resource cannot change its type or mode",
                    r.address
                )));
            }
            moves.push((r, dest));
        }
    }
    if moves.is_empty() {
        return Err(StateError::NoSuchResource(from_p.to_string()));
    }
    let leaving: std::collections::HashSet<(&str, Option<&str>)> = moves
        .iter()
        .map(|(r, _)| (r.address.as_str(), r.deposed.as_deref()))
        .collect();
    if let AddressPattern::Module(target) = &to_p {
        // Like Terraform, a module moves only to a module instance that holds nothing yet.
        let target = AddressPattern::Module(target.clone());
        for o in &snapshot.resources {
            let inside = target.matches(&o.parsed_address()?);
            if inside && !leaving.contains(&(o.address.as_str(), o.deposed.as_deref())) {
                return Err(StateError::ResourceExists(format!(
                    "{target} ({})",
                    o.address
                )));
            }
        }
    }
    for (r, dest) in &moves {
        let d = dest.to_string();
        let taken = snapshot.resources.iter().any(|o| {
            o.address == d
                && o.deposed == r.deposed
                && !leaving.contains(&(o.address.as_str(), o.deposed.as_deref()))
        });
        if taken {
            return Err(StateError::ResourceExists(d));
        }
    }
    if dry_run {
        return Ok(moves
            .iter()
            .map(|(r, dest)| Moved {
                from: r.address.clone(),
                to: dest.to_string(),
            })
            .collect());
    }
    let mut cs = backend.begin(workspace, &format!("state mv {from} {to}"))?;
    for (r, _) in &moves {
        cs.remove_resource(&r.address, r.deposed.as_deref())?;
    }
    let mut out = Vec::new();
    for (r, dest) in &moves {
        let mut moved = (*r).clone();
        moved.set_address(dest);
        cs.put_resource(&moved)?;
        out.push(Moved {
            from: r.address.clone(),
            to: moved.address,
        });
    }
    cs.finish()?;
    Ok(out)
}

/// `state rm`: forgets every record matching any pattern (the objects are not destroyed).
/// Returns the addresses removed; an error if nothing matched.
pub fn rm(
    backend: &dyn Backend,
    workspace: &str,
    patterns: &[AddressPattern],
) -> Result<Vec<String>> {
    let selected: Vec<ResourceSummary> = list(backend, workspace, patterns, None)?;
    if selected.is_empty() {
        let names: Vec<String> = patterns.iter().map(ToString::to_string).collect();
        return Err(StateError::NoSuchResource(names.join(", ")));
    }
    let mut cs = backend.begin(workspace, "state rm")?;
    for s in &selected {
        cs.remove_resource(&s.address, s.deposed.as_deref())?;
    }
    cs.finish()?;
    let mut out: Vec<String> = selected.into_iter().map(|s| s.address).collect();
    out.dedup();
    Ok(out)
}

/// The fully qualified form of a provider source: `aws` → `registry.terraform.io/hashicorp/aws`,
/// `acme/aws` → `registry.terraform.io/acme/aws`.
pub fn qualify_provider(source: &str) -> String {
    match source.matches('/').count() {
        0 => format!("registry.terraform.io/hashicorp/{source}"),
        1 => format!("registry.terraform.io/{source}"),
        _ => source.to_string(),
    }
}

/// `state replace-provider`: points every record using provider `from` at `to` (sources in
/// any of Terraform's forms), keeping module prefixes and aliases. Returns how many changed.
pub fn replace_provider(
    backend: &dyn Backend,
    workspace: &str,
    from: &str,
    to: &str,
) -> Result<usize> {
    let from_q = format!("provider[\"{}\"]", qualify_provider(from));
    let to_q = format!("provider[\"{}\"]", qualify_provider(to));
    let snapshot = backend.read(workspace)?;
    let changed: Vec<ResourceRecord> = snapshot
        .resources
        .into_iter()
        .filter(|r| r.provider.contains(&from_q))
        .map(|mut r| {
            r.provider = r.provider.replace(&from_q, &to_q);
            r
        })
        .collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let mut cs = backend.begin(workspace, &format!("state replace-provider {from} {to}"))?;
    for r in &changed {
        cs.put_resource(r)?;
    }
    cs.finish()?;
    Ok(changed.len())
}

fn set_status(
    backend: &dyn Backend,
    workspace: &str,
    address: &str,
    status: ResourceStatus,
    operation: &str,
) -> Result<()> {
    let mut r = show(backend, workspace, address)?;
    if r.mode == Mode::Data {
        return Err(StateError::Invalid(format!(
            "{} is a data resource: only managed resources can be tainted",
            r.address
        )));
    }
    if status == ResourceStatus::Ready && r.status != ResourceStatus::Tainted {
        return Err(StateError::Invalid(format!("{} is not tainted", r.address)));
    }
    r.status = status;
    let mut cs = backend.begin(workspace, &format!("{operation} {}", r.address))?;
    cs.put_resource(&r)?;
    cs.finish()?;
    Ok(())
}

/// `taint`: marks a managed resource instance for replacement at the next apply.
pub fn taint(backend: &dyn Backend, workspace: &str, address: &str) -> Result<()> {
    set_status(
        backend,
        workspace,
        address,
        ResourceStatus::Tainted,
        "taint",
    )
}

/// `untaint`: clears a taint.
pub fn untaint(backend: &dyn Backend, workspace: &str, address: &str) -> Result<()> {
    set_status(
        backend,
        workspace,
        address,
        ResourceStatus::Ready,
        "untaint",
    )
}

/// Rolls back to version `serial`: writes a NEW version equal to it (history is never
/// rewritten). Returns the new serial.
pub fn rollback(backend: &dyn Backend, workspace: &str, serial: u64) -> Result<u64> {
    let mut old = backend.read_version(workspace, serial)?;
    old.serial = 0;
    backend.write_snapshot(workspace, &old, &format!("rollback to {serial}"))
}
