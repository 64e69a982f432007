//! Security group rules as AWS keeps them: each rule split into atoms (one protocol, port
//! range and source each), compared, authorized and revoked atom by atom. Shared by
//! `aws_security_group`'s inline `ingress`/`egress` blocks and `aws_security_group_rule`.

use std::collections::BTreeMap;

use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_i64, get_str, get_string_list};
use terrane_provider::{AttributeSchema, BlockSchema, ProviderError};

use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{opt, Aws};

/// Where a rule's traffic comes from (ingress) or goes to (egress).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Cidr(String),
    Ipv6(String),
    PrefixList(String),
    Group(String),
}

/// One protocol, one port range, one source, and its description.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Atom {
    pub protocol: String,
    pub from: i64,
    pub to: i64,
    pub source: Source,
    pub description: Option<String>,
}

impl Atom {
    /// The same rule, description aside.
    pub fn same_rule(&self, other: &Atom) -> bool {
        self.protocol == other.protocol
            && self.from == other.from
            && self.to == other.to
            && self.source == other.source
    }
}

/// AWS's name for a protocol: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` for all, else the number.
pub fn normalize_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.to_string(),
    }
}

/// The `ingress`/`egress` block of `aws_security_group`.
pub fn rule_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("cidr_blocks", opt(Type::list(Type::String))),
        ("ipv6_cidr_blocks", opt(Type::list(Type::String))),
        ("prefix_list_ids", opt(Type::list(Type::String))),
        ("security_groups", opt(Type::set(Type::String))),
        ("self", opt(Type::Bool)),
        ("description", opt(Type::String)),
        ("from_port", AttributeSchema::required(Type::Number)),
        ("to_port", AttributeSchema::required(Type::Number)),
        ("protocol", AttributeSchema::required(Type::String)),
    ])
}

/// The atoms of one rule (an inline block, or an `aws_security_group_rule`, whose source
/// group argument is `group_attr`). `own_id` is the group's own id, for `self`.
pub fn atoms_of(rule: &Value, group_attr: &str, own_id: &str) -> Result<Vec<Atom>, ProviderError> {
    let protocol = normalize_protocol(get_str(rule, "protocol").unwrap_or("-1"));
    let (from, to) = if protocol == "-1" {
        (0, 0)
    } else {
        (
            get_i64(rule, "from_port")?.unwrap_or(0),
            get_i64(rule, "to_port")?.unwrap_or(0),
        )
    };
    let description = get_str(rule, "description")
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let mut sources = Vec::new();
    let list = |name: &str| get_string_list(rule, name).unwrap_or_default();
    sources.extend(list("cidr_blocks").into_iter().map(Source::Cidr));
    sources.extend(list("ipv6_cidr_blocks").into_iter().map(Source::Ipv6));
    sources.extend(list("prefix_list_ids").into_iter().map(Source::PrefixList));
    match get_str(rule, group_attr) {
        Some(g) => sources.push(Source::Group(g.to_string())),
        None => sources.extend(list(group_attr).into_iter().map(Source::Group)),
    }
    if get_bool(rule, "self") == Some(true) {
        sources.push(Source::Group(own_id.to_string()));
    }
    Ok(sources
        .into_iter()
        .map(|source| Atom {
            protocol: protocol.clone(),
            from,
            to,
            source,
            description: description.clone(),
        })
        .collect())
}

/// The atoms of AWS's `ipPermissions` (or `ipPermissionsEgress`) list.
pub fn atoms_from_aws(group: &Element, list: &str) -> Vec<Atom> {
    let mut out = Vec::new();
    for perm in group.items(list) {
        let protocol = normalize_protocol(perm.text_of("ipProtocol").unwrap_or("-1"));
        let (from, to) = if protocol == "-1" {
            (0, 0)
        } else {
            (
                perm.i64_of("fromPort").unwrap_or(0),
                perm.i64_of("toPort").unwrap_or(0),
            )
        };
        let mut push = |source: Source, e: &Element| {
            out.push(Atom {
                protocol: protocol.clone(),
                from,
                to,
                source,
                description: e.text_of("description").map(str::to_string),
            })
        };
        for e in perm.items("ipRanges") {
            if let Some(c) = e.text_of("cidrIp") {
                push(Source::Cidr(c.to_string()), e);
            }
        }
        for e in perm.items("ipv6Ranges") {
            if let Some(c) = e.text_of("cidrIpv6") {
                push(Source::Ipv6(c.to_string()), e);
            }
        }
        for e in perm.items("prefixListIds") {
            if let Some(c) = e.text_of("prefixListId") {
                push(Source::PrefixList(c.to_string()), e);
            }
        }
        for e in perm.items("groups") {
            if let Some(c) = e.text_of("groupId") {
                push(Source::Group(c.to_string()), e);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The inline blocks for atoms: prior blocks all of whose atoms still exist are kept as they
/// were (so a configuration reads back unchanged); the remaining atoms are grouped by protocol,
/// ports and description into new blocks (what was added outside terrane).
pub fn blocks_from_atoms(prior_blocks: &[Value], mut atoms: Vec<Atom>, own_id: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for b in prior_blocks {
        let Ok(want) = atoms_of(b, "security_groups", own_id) else {
            continue;
        };
        if want.is_empty() || !want.iter().all(|w| atoms.contains(w)) {
            continue;
        }
        atoms.retain(|a| !want.contains(a));
        out.push(b.clone());
    }
    type Key = (String, i64, i64, Option<String>);
    let mut groups: BTreeMap<Key, Vec<Source>> = BTreeMap::new();
    for a in atoms {
        groups
            .entry((a.protocol, a.from, a.to, a.description))
            .or_default()
            .push(a.source);
    }
    for ((protocol, from, to, description), sources) in groups {
        let pick = |f: &dyn Fn(&Source) -> Option<String>| -> Vec<String> {
            sources.iter().filter_map(f).collect()
        };
        let list = |v: Vec<String>| {
            if v.is_empty() {
                Value::null(Type::list(Type::String))
            } else {
                terrane_provider::values::string_list(v)
            }
        };
        let cidrs = pick(&|s| match s {
            Source::Cidr(c) => Some(c.clone()),
            _ => None,
        });
        let v6 = pick(&|s| match s {
            Source::Ipv6(c) => Some(c.clone()),
            _ => None,
        });
        let pls = pick(&|s| match s {
            Source::PrefixList(c) => Some(c.clone()),
            _ => None,
        });
        let groups_ = pick(&|s| match s {
            Source::Group(g) if g != own_id => Some(g.clone()),
            _ => None,
        });
        let is_self = sources
            .iter()
            .any(|s| matches!(s, Source::Group(g) if g == own_id));
        let mut m = BTreeMap::new();
        m.insert("protocol".to_string(), Value::string(&protocol));
        m.insert("from_port".to_string(), Value::int(from));
        m.insert("to_port".to_string(), Value::int(to));
        m.insert(
            "description".to_string(),
            crate::common::s(description.as_deref()),
        );
        m.insert("cidr_blocks".to_string(), list(cidrs));
        m.insert("ipv6_cidr_blocks".to_string(), list(v6));
        m.insert("prefix_list_ids".to_string(), list(pls));
        m.insert(
            "security_groups".to_string(),
            if groups_.is_empty() {
                Value::null(Type::set(Type::String))
            } else {
                crate::common::string_set(groups_)
            },
        );
        m.insert(
            "self".to_string(),
            if is_self {
                Value::bool(true)
            } else {
                Value::null(Type::Bool)
            },
        );
        out.push(Value::object(m));
    }
    out
}

/// The `IpPermissions` parameters of atoms.
pub fn permission_params(atoms: &[Atom]) -> Params {
    let mut p = Params::new();
    for (i, a) in atoms.iter().enumerate() {
        let n = i + 1;
        p = p.set(format!("IpPermissions.{n}.IpProtocol"), &a.protocol);
        if a.protocol != "-1" {
            p = p
                .set(format!("IpPermissions.{n}.FromPort"), a.from.to_string())
                .set(format!("IpPermissions.{n}.ToPort"), a.to.to_string());
        }
        let (list, field) = match &a.source {
            Source::Cidr(c) => (("IpRanges", "CidrIp"), c),
            Source::Ipv6(c) => (("Ipv6Ranges", "CidrIpv6"), c),
            Source::PrefixList(c) => (("PrefixListIds", "PrefixListId"), c),
            Source::Group(g) => (("Groups", "GroupId"), g),
        };
        p = p.set(format!("IpPermissions.{n}.{}.1.{}", list.0, list.1), field);
        if let Some(d) = &a.description {
            p = p.set(format!("IpPermissions.{n}.{}.1.Description", list.0), d);
        }
    }
    p
}

/// Authorizes (`grant`) or revokes atoms on a group; `egress` picks the direction. An atom
/// already there (or already gone) is fine.
pub async fn change(
    aws: &Aws,
    group: &str,
    egress: bool,
    grant: bool,
    atoms: &[Atom],
) -> Result<(), AwsError> {
    if atoms.is_empty() {
        return Ok(());
    }
    let action = match (grant, egress) {
        (true, false) => "AuthorizeSecurityGroupIngress",
        (true, true) => "AuthorizeSecurityGroupEgress",
        (false, false) => "RevokeSecurityGroupIngress",
        (false, true) => "RevokeSecurityGroupEgress",
    };
    let p = permission_params(atoms).set("GroupId", group);
    match aws.client.ec2_write(action, &p, Idempotency::Safe).await {
        Ok(_) => Ok(()),
        Err(e) if grant && e.is("InvalidPermission.Duplicate") => {
            // Some atoms exist already (a retried call): grant the others one by one.
            for a in atoms {
                let p = permission_params(std::slice::from_ref(a)).set("GroupId", group);
                match aws.client.ec2_write(action, &p, Idempotency::Safe).await {
                    Ok(_) => {}
                    Err(e) if e.is("InvalidPermission.Duplicate") => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }
        Err(e) if !grant && (e.is("InvalidPermission.NotFound") || e.is_not_found()) => Ok(()),
        Err(e) => Err(e),
    }
}

/// What turns one direction's rules `have` into `want`: atoms to revoke, atoms to grant, and
/// rules that stay but take the description wanted (one call instead of a revoke and a grant).
#[derive(Debug, Default, PartialEq)]
pub struct RuleChanges {
    pub revoke: Vec<Atom>,
    pub grant: Vec<Atom>,
    pub describe: Vec<Atom>,
}

impl RuleChanges {
    pub fn between(have: &[Atom], want: &[Atom]) -> RuleChanges {
        let describe: Vec<Atom> = want
            .iter()
            .filter(|w| w.description.is_some() && !have.contains(w))
            .filter(|w| have.iter().any(|h| h.same_rule(w)))
            .cloned()
            .collect();
        let described = |a: &Atom| describe.iter().any(|d| d.same_rule(a));
        RuleChanges {
            revoke: have
                .iter()
                .filter(|h| !want.contains(h) && !described(h))
                .cloned()
                .collect(),
            grant: want
                .iter()
                .filter(|w| !have.contains(w) && !described(w))
                .cloned()
                .collect(),
            describe,
        }
    }

    /// Carries the changes out on `group`: side by side, except that a grant of a rule
    /// being revoked (to drop its description) waits for the revoke.
    pub async fn apply(&self, aws: &Aws, group: &str, egress: bool) -> Result<(), AwsError> {
        let revoke_first = self
            .grant
            .iter()
            .any(|g| self.revoke.iter().any(|r| r.same_rule(g)));
        let revoke = change(aws, group, egress, false, &self.revoke);
        let describe = describe(aws, group, egress, &self.describe);
        if revoke_first {
            tokio::try_join!(revoke, describe)?;
            change(aws, group, egress, true, &self.grant).await
        } else {
            let grant = change(aws, group, egress, true, &self.grant);
            tokio::try_join!(revoke, grant, describe).map(|_| ())
        }
    }
}

/// Sets the descriptions of rules that exist (a rule not there is left to the caller's read).
async fn describe(aws: &Aws, group: &str, egress: bool, atoms: &[Atom]) -> Result<(), AwsError> {
    if atoms.is_empty() {
        return Ok(());
    }
    let action = if egress {
        "UpdateSecurityGroupRuleDescriptionsEgress"
    } else {
        "UpdateSecurityGroupRuleDescriptionsIngress"
    };
    let p = permission_params(atoms).set("GroupId", group);
    match aws.client.ec2_write(action, &p, Idempotency::Safe).await {
        Err(e) if e.is("InvalidPermission.NotFound") => Ok(()),
        other => other.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_provider::values::{object_for, string_list};

    fn atom(cidr: &str, description: Option<&str>) -> Atom {
        Atom {
            protocol: "-1".into(),
            from: 0,
            to: 0,
            source: Source::Cidr(cidr.into()),
            description: description.map(str::to_string),
        }
    }

    #[test]
    fn changes_keep_rules_whose_description_alone_changes() {
        let all = atom("0.0.0.0/0", None);
        let described = atom("0.0.0.0/0", Some("Everything out"));
        let other = atom("10.0.0.0/8", None);
        // A description added: one description update, no revoke and grant.
        let c = RuleChanges::between(
            std::slice::from_ref(&all),
            &[described.clone(), other.clone()],
        );
        assert_eq!(c.describe, vec![described.clone()]);
        assert!(c.revoke.is_empty());
        assert_eq!(c.grant, vec![other.clone()]);
        // A description dropped: revoked then granted again.
        let c = RuleChanges::between(std::slice::from_ref(&described), std::slice::from_ref(&all));
        assert!(c.describe.is_empty());
        assert_eq!((c.revoke, c.grant), (vec![described], vec![all.clone()]));
        // Nothing to do.
        assert_eq!(
            RuleChanges::between(std::slice::from_ref(&all), std::slice::from_ref(&all)),
            RuleChanges::default()
        );
    }

    #[test]
    fn blocks_round_trip_through_atoms() {
        let b = object_for(
            &rule_block(),
            [
                ("protocol", Value::string("6")),
                ("from_port", Value::int(443)),
                ("to_port", Value::int(443)),
                (
                    "cidr_blocks",
                    string_list(["10.0.0.0/8".to_string(), "192.168.0.0/16".to_string()]),
                ),
                ("self", Value::bool(true)),
            ],
        );
        let atoms = atoms_of(&b, "security_groups", "sg-1").unwrap();
        assert_eq!(atoms.len(), 3);
        assert!(atoms.iter().all(|a| a.protocol == "tcp"));
        // The same block reads back unchanged; an extra atom becomes a block of its own.
        let mut aws_atoms = atoms.clone();
        aws_atoms.push(Atom {
            protocol: "-1".into(),
            from: 0,
            to: 0,
            source: Source::Cidr("0.0.0.0/0".into()),
            description: None,
        });
        let blocks = blocks_from_atoms(std::slice::from_ref(&b), aws_atoms, "sg-1");
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].raw_equals(&b));
        assert_eq!(get_str(&blocks[1], "protocol"), Some("-1"));
        // A missing atom drops the block.
        let blocks = blocks_from_atoms(std::slice::from_ref(&b), atoms[..2].to_vec(), "sg-1");
        assert_eq!(blocks.len(), 1);
        assert!(!blocks[0].raw_equals(&b));
    }
}
