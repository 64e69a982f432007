//! `aws_security_group_rule`: one ingress or egress rule of a security group (its atoms:
//! one per source). Everything but the description forces a new rule.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, string_list, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use super::security_group::DESCRIBE as GROUPS;
use super::sg_rules::{self, atoms_from_aws, atoms_of, Atom, Source};
use crate::common::{comp, fail, need, opt, optc, plan_generic, Aws, PlanCtx, ResourceType};

pub struct SecurityGroupRule;

fn block() -> BlockSchema {
    let req = |t: Type| AttributeSchema::required(t).force_new();
    BlockSchema::with_attributes([
        ("type", req(Type::String)),
        ("security_group_id", req(Type::String)),
        ("protocol", req(Type::String)),
        ("from_port", req(Type::Number)),
        ("to_port", req(Type::Number)),
        ("cidr_blocks", opt(Type::list(Type::String)).force_new()),
        (
            "ipv6_cidr_blocks",
            opt(Type::list(Type::String)).force_new(),
        ),
        ("prefix_list_ids", opt(Type::list(Type::String)).force_new()),
        ("source_security_group_id", optc(Type::String).force_new()),
        ("self", optc(Type::Bool).force_new()),
        ("description", opt(Type::String)),
        ("id", comp(Type::String)),
        ("security_group_rule_id", comp(Type::String)),
    ])
}

fn egress(v: &Value) -> bool {
    get_str(v, "type") == Some("egress")
}

fn atoms(v: &Value) -> Result<Vec<Atom>, ProviderError> {
    let group = need(v, "security_group_id")?;
    atoms_of(v, "source_security_group_id", group)
}

/// Terraform-style id: `sgrule-` and a hash of the group, direction and atoms.
fn rule_id(v: &Value, atoms: &[Atom]) -> String {
    let mut key = format!(
        "{}-{}-",
        get_str(v, "security_group_id").unwrap_or_default(),
        get_str(v, "type").unwrap_or_default()
    );
    for a in atoms {
        key.push_str(&format!(
            "{}-{}-{}-{:?}_",
            a.protocol, a.from, a.to, a.source
        ));
    }
    format!("sgrule-{}", super::route::crc32(&key))
}

/// The rule an import id names (see `import`), as a state without computed attributes.
fn parse_import_id(id: &str) -> Result<Value, ProviderError> {
    let invalid = |why: &str| {
        ProviderError::new(
            "Invalid import id",
            format!("{id:?} is not SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*: {why}."),
        )
    };
    let parts: Vec<&str> = id.split('_').collect();
    let [group, ty, protocol, from, to, sources @ ..] = parts.as_slice() else {
        return Err(invalid("too few parts"));
    };
    if sources.is_empty() {
        return Err(invalid("no source"));
    }
    if !group.starts_with("sg-") {
        return Err(invalid("the first part is not a security group id"));
    }
    if *ty != "ingress" && *ty != "egress" {
        return Err(invalid("the type is neither ingress nor egress"));
    }
    let port = |p: &str| {
        p.parse::<i64>()
            .map_err(|_| invalid("a port is not a number"))
    };
    let (from, to) = (port(from)?, port(to)?);
    let protocol = if protocol.eq_ignore_ascii_case("all") {
        "-1"
    } else {
        protocol
    };
    let (mut v4, mut v6, mut lists, mut groups, mut own) = (vec![], vec![], vec![], vec![], false);
    for s in sources {
        match *s {
            "self" => own = true,
            s if s.starts_with("sg-") || s.contains("/sg-") => groups.push(s.to_string()),
            s if s.starts_with("pl-") => lists.push(s.to_string()),
            s if s.contains(':') => v6.push(s.to_string()),
            s if s.contains('/') => v4.push(s.to_string()),
            _ => return Err(invalid(&format!("{s:?} is not a source"))),
        }
    }
    if groups.len() > 1 || (own && !groups.is_empty()) {
        return Err(invalid("a rule has at most one source security group"));
    }
    let list = |items: Vec<String>| {
        if items.is_empty() {
            Value::null(Type::list(Type::String))
        } else {
            string_list(items)
        }
    };
    Ok(object_for(
        &block(),
        [
            ("type", Value::string(*ty)),
            ("security_group_id", Value::string(*group)),
            ("protocol", Value::string(protocol)),
            ("from_port", Value::int(from)),
            ("to_port", Value::int(to)),
            ("cidr_blocks", list(v4)),
            ("ipv6_cidr_blocks", list(v6)),
            ("prefix_list_ids", list(lists)),
            (
                "source_security_group_id",
                crate::common::s(groups.first().map(String::as_str)),
            ),
            ("self", Value::bool(own)),
        ],
    ))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let group = need(prior, "security_group_id")?;
    let Some(el) = GROUPS
        .one(aws, group)
        .await
        .map_err(fail(format!("reading Security Group ({group})")))?
    else {
        return Ok(None);
    };
    let list = if egress(prior) {
        "ipPermissionsEgress"
    } else {
        "ipPermissions"
    };
    let have = atoms_from_aws(&el, list);
    let want = atoms(prior)?;
    if want.is_empty() {
        return Ok(None);
    }
    let mut description: Option<Option<String>> = None;
    for w in &want {
        match have.iter().find(|h| h.same_rule(w)) {
            Some(h) => {
                description.get_or_insert(h.description.clone());
            }
            None => return Ok(None),
        }
    }
    let desc = description.flatten();
    let mut v = prior.clone();
    if get_str(prior, "description").is_some() || desc.is_some() {
        v = with_attr(&v, "description", crate::common::s(desc.as_deref()));
    }
    let self_ref = want
        .iter()
        .any(|a| matches!(&a.source, Source::Group(g) if g == group));
    if prior
        .get_attr("self")
        .is_none_or(|s| !s.is_known() || s.is_null())
    {
        v = with_attr(&v, "self", Value::bool(self_ref));
    }
    if prior
        .get_attr("source_security_group_id")
        .is_none_or(|s| !s.is_known())
    {
        v = with_attr(&v, "source_security_group_id", Value::null(Type::String));
    }
    if prior
        .get_attr("security_group_rule_id")
        .is_none_or(|s| !s.is_known() || s.is_null())
    {
        v = with_attr(&v, "security_group_rule_id", Value::string(""));
    }
    let id = rule_id(&v, &want);
    Ok(Some(with_attr(&v, "id", Value::string(id))))
}

#[async_trait]
impl ResourceType for SecurityGroupRule {
    fn name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 2,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        match get_str(config, "type") {
            Some("ingress" | "egress") | None => Vec::new(),
            Some(other) => vec![ProviderDiagnostic::error(
                "Invalid value",
                format!("type must be \"ingress\" or \"egress\", got {other:?}."),
                terrane_dsl::value::Path::root().attr("type"),
            )],
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(
            &block(),
            ctx,
            &req,
            &[("self", Value::bool(false))],
        ))
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let group = need(planned, "security_group_id")?;
        let want = atoms(planned)?;
        if want.is_empty() {
            return Err(ProviderError::new(
                "Invalid security group rule",
                "One of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, self or source_security_group_id must be set.",
            )
            .into());
        }
        // Rules cannot be tagged; a rule an interrupted run made is found already there and
        // adopted.
        sg_rules::change(aws, group, egress(planned), true, &want)
            .await
            .map_err(fail(format!("authorizing Security Group ({group}) rule")))?;
        let planned = with_attrs(
            planned,
            [
                ("id", Value::string(rule_id(planned, &want))),
                ("security_group_rule_id", Value::string("")),
                (
                    "source_security_group_id",
                    crate::common::s(get_str(planned, "source_security_group_id")),
                ),
            ],
        );
        super::read_after_create(|| read(aws, &planned))
            .await
            .map_err(ApplyError::from)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        // Only the description changes in place: revoke and grant again with the new one.
        let group = need(prior, "security_group_id")?;
        let old = atoms(prior)?;
        let new = atoms(planned)?;
        sg_rules::change(aws, group, egress(prior), false, &old)
            .await
            .map_err(fail(format!("updating Security Group ({group}) rule")))?;
        sg_rules::change(aws, group, egress(planned), true, &new)
            .await
            .map_err(fail(format!("updating Security Group ({group}) rule")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("Security Group Rule gone", group.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let group = need(prior, "security_group_id")?;
        let old = atoms(prior)?;
        match sg_rules::change(aws, group, egress(prior), false, &old).await {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => {
                Err(e.into_provider_error(&format!("revoking Security Group ({group}) rule")))
            }
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    /// Terraform's import id: `GROUP_TYPE_PROTOCOL_FROM_TO_SOURCE[_SOURCE...]`, each source a
    /// CIDR block, an IPv6 CIDR block, a prefix list (`pl-`), a security group (`sg-`) or
    /// `self` (`sg-0a1b_ingress_tcp_22_22_10.0.0.0/8_10.1.0.0/16`).
    async fn import(
        &self,
        aws: &Aws,
        _block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let wanted = parse_import_id(id)?;
        match read(aws, &wanted).await? {
            Some(v) => Ok(vec![v]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!(
                    "Security group {} has no {} rule {id:?}.",
                    need(&wanted, "security_group_id")?,
                    need(&wanted, "type")?
                ),
            )),
        }
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }

    /// The rule an interrupted create of `config` authorized: every one of its atoms in the
    /// group, in its direction.
    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        if atoms(config)?.is_empty() {
            return Ok(None);
        }
        read(aws, config).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_provider::values::{get_bool, get_i64, get_string_list};

    #[test]
    fn import_ids_as_terraform_writes_them() {
        let v = parse_import_id("sg-0a1b_ingress_tcp_22_22_10.0.0.0/8_10.1.0.0/16").unwrap();
        assert_eq!(get_str(&v, "security_group_id"), Some("sg-0a1b"));
        assert_eq!(get_str(&v, "type"), Some("ingress"));
        assert_eq!(get_str(&v, "protocol"), Some("tcp"));
        assert_eq!(get_i64(&v, "from_port").unwrap(), Some(22));
        assert_eq!(
            get_string_list(&v, "cidr_blocks").unwrap(),
            ["10.0.0.0/8", "10.1.0.0/16"]
        );
        assert!(v.get_attr("ipv6_cidr_blocks").unwrap().is_null());
        let v = parse_import_id("sg-0a1b_egress_all_0_65536_self").unwrap();
        assert_eq!(get_str(&v, "protocol"), Some("-1"));
        assert_eq!(get_bool(&v, "self"), Some(true));
        let v = parse_import_id("sg-0a1b_ingress_6_80_80_sg-0c2d").unwrap();
        assert_eq!(get_str(&v, "source_security_group_id"), Some("sg-0c2d"));
        let v = parse_import_id("sg-0a1b_ingress_tcp_443_443_pl-12ab_2001:db8::/32").unwrap();
        assert_eq!(get_string_list(&v, "prefix_list_ids").unwrap(), ["pl-12ab"]);
        assert_eq!(
            get_string_list(&v, "ipv6_cidr_blocks").unwrap(),
            ["2001:db8::/32"]
        );
        for bad in [
            "sg-0a1b_ingress_tcp_22_22",
            "sg-0a1b_sideways_tcp_22_22_10.0.0.0/8",
            "vpc-1_ingress_tcp_22_22_10.0.0.0/8",
            "sg-0a1b_ingress_tcp_ssh_22_10.0.0.0/8",
            "sg-0a1b_ingress_tcp_22_22_anywhere",
            "sg-0a1b_ingress_tcp_22_22_sg-1_sg-2",
        ] {
            let e = parse_import_id(bad).unwrap_err();
            assert_eq!(e.summary, "Invalid import id", "{bad}");
        }
    }
}
