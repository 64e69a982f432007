//! `aws_vpc`: a VPC, with its DNS attributes, tenancy and tags updated in place; the CIDR
//! block and IPAM/IPv6 settings force a new VPC.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_i64, get_str, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, PlanRequest, PlanResponse, ProviderError, ResourceSchema,
};

use super::{read_after_create, text, Describe};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, b, comp, fail, need, opt, optc, plan_generic, retry_on, tag_attrs, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags;

pub struct Vpc;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeVpcs",
    id_param: "VpcId",
    list: "vpcSet",
    id_field: "vpcId",
};

pub fn block() -> BlockSchema {
    let st = Type::String;
    BlockSchema::with_attributes([
        ("cidr_block", optc(st.clone()).force_new()),
        ("instance_tenancy", optc(st.clone())),
        ("ipv4_ipam_pool_id", opt(st.clone()).force_new()),
        ("ipv4_netmask_length", opt(Type::Number).force_new()),
        ("ipv6_cidr_block", optc(st.clone()).force_new()),
        ("ipv6_ipam_pool_id", opt(st.clone()).force_new()),
        ("ipv6_netmask_length", opt(Type::Number).force_new()),
        (
            "ipv6_cidr_block_network_border_group",
            optc(st.clone()).force_new(),
        ),
        (
            "assign_generated_ipv6_cidr_block",
            opt(Type::Bool).force_new(),
        ),
        ("enable_dns_support", optc(Type::Bool)),
        ("enable_dns_hostnames", optc(Type::Bool)),
        ("enable_network_address_usage_metrics", optc(Type::Bool)),
        ("id", comp(st.clone())),
        ("arn", comp(st.clone())),
        ("owner_id", comp(st.clone())),
        ("main_route_table_id", comp(st.clone())),
        ("default_route_table_id", comp(st.clone())),
        ("default_security_group_id", comp(st.clone())),
        ("default_network_acl_id", comp(st.clone())),
        ("dhcp_options_id", comp(st.clone())),
        ("ipv6_association_id", comp(st)),
    ])
    .with_attributes_from(tag_attrs())
}

async fn attribute(aws: &Aws, id: &str, name: &str) -> Result<Option<bool>, ProviderError> {
    let p = Params::new().set("VpcId", id).set("Attribute", name);
    match aws.client.ec2("DescribeVpcAttribute", &p).await {
        Ok(r) => Ok(r.at(&[name, "value"]).and_then(|v| match v.text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })),
        // Not every endpoint knows every attribute (moto lacks some).
        Err(e) if e.kind == crate::client::ErrorKind::Api && !e.is_not_found() => Ok(None),
        Err(e) => Err(e.into_provider_error(&format!("reading EC2 VPC ({id}) attribute {name}"))),
    }
}

async fn set_attribute(aws: &Aws, id: &str, param: &str, v: bool) -> Result<(), ProviderError> {
    let p = Params::new()
        .set("VpcId", id)
        .set(format!("{param}.Value"), v.to_string());
    aws.client
        .ec2_write("ModifyVpcAttribute", &p, Idempotency::Safe)
        .await
        .map(|_| ())
        .map_err(fail(format!("modifying EC2 VPC ({id}) {param}")))
}

/// The first id of a describe call's answer with these filters.
async fn first_id(
    aws: &Aws,
    action: &str,
    list: &str,
    field: &str,
    filters: &[(&str, &str)],
) -> Result<Option<String>, ProviderError> {
    let f: Vec<(String, Vec<String>)> = filters
        .iter()
        .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
        .collect();
    let r = aws
        .client
        .ec2(action, &Params::new().filters(&f))
        .await
        .map_err(fail(format!("reading {action}")))?;
    Ok(r.items(list)
        .first()
        .and_then(|e| e.text_of(field))
        .map(str::to_string))
}

fn ipv6(el: &Element) -> (Value, Value, Value) {
    let assoc = el
        .items("ipv6CidrBlockAssociationSet")
        .into_iter()
        .find(|a| a.text_at(&["ipv6CidrBlockState", "state"]) != Some("disassociated"));
    match assoc {
        Some(a) => (
            text(a, "ipv6CidrBlock"),
            text(a, "associationId"),
            text(a, "networkBorderGroup"),
        ),
        None => (Value::string(""), Value::string(""), Value::string("")),
    }
}

/// Reads a VPC (for the `aws_vpc` data source too).
pub async fn read_vpc(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    read(aws, prior).await
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    read_knowing(aws, prior, &[]).await
}

/// One DNS/metrics attribute: as just set (`known`), else as AWS says.
async fn attribute_or(
    aws: &Aws,
    id: &str,
    name: &str,
    known: &[(&str, bool)],
) -> Result<Option<bool>, ProviderError> {
    match known.iter().find(|(k, _)| *k == name) {
        Some((_, v)) => Ok(Some(*v)),
        None => attribute(aws, id, name).await,
    }
}

/// Reads a VPC; the attributes in `known` were just set by a successful call and are not
/// asked again (the create sets them while the rest is read).
async fn read_knowing(
    aws: &Aws,
    prior: &Value,
    known: &[(&str, bool)],
) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    // The calls are independent of each other: all at once (one round trip, not seven). The
    // describe's answer comes first: a VPC that is gone fails the others too.
    let describe = async {
        DESCRIBE
            .one(aws, id)
            .await
            .map_err(fail(format!("reading EC2 VPC ({id})")))
    };
    let main = [("vpc-id", id), ("association.main", "true")];
    let default_group = [("vpc-id", id), ("group-name", "default")];
    let default_acl = [("vpc-id", id), ("default", "true")];
    let (el, dns_support, dns_hostnames, nau, main_rt, default_sg, default_acl) = tokio::join!(
        describe,
        attribute_or(aws, id, "enableDnsSupport", known),
        attribute_or(aws, id, "enableDnsHostnames", known),
        attribute_or(aws, id, "enableNetworkAddressUsageMetrics", known),
        first_id(
            aws,
            "DescribeRouteTables",
            "routeTableSet",
            "routeTableId",
            &main,
        ),
        first_id(
            aws,
            "DescribeSecurityGroups",
            "securityGroupInfo",
            "groupId",
            &default_group,
        ),
        first_id(
            aws,
            "DescribeNetworkAcls",
            "networkAclSet",
            "networkAclId",
            &default_acl,
        ),
    );
    let Some(el) = el? else {
        return Ok(None);
    };
    let (dns_support, dns_hostnames, nau) = (dns_support?, dns_hostnames?, nau?);
    let (main_rt, default_sg, default_acl) = (main_rt?, default_sg?, default_acl?);
    let owner = el.text_of("ownerId").unwrap_or_default().to_string();
    let (v6, v6_assoc, v6_group) = ipv6(&el);
    let all = tags::from_ec2(aws, &el);
    let state = with_attrs(
        prior,
        [
            ("cidr_block", text(&el, "cidrBlock")),
            (
                "instance_tenancy",
                Value::string(el.text_of("instanceTenancy").unwrap_or("default")),
            ),
            ("enable_dns_support", b(Some(dns_support.unwrap_or(true)))),
            (
                "enable_dns_hostnames",
                b(Some(dns_hostnames.unwrap_or(false))),
            ),
            (
                "enable_network_address_usage_metrics",
                b(Some(nau.unwrap_or(false))),
            ),
            (
                "arn",
                Value::string(arn(aws, "ec2", &owner, &format!("vpc/{id}"))),
            ),
            ("owner_id", Value::string(&owner)),
            ("dhcp_options_id", text(&el, "dhcpOptionsId")),
            ("main_route_table_id", crate::common::s(main_rt.as_deref())),
            (
                "default_route_table_id",
                crate::common::s(main_rt.as_deref()),
            ),
            (
                "default_security_group_id",
                crate::common::s(default_sg.as_deref()),
            ),
            (
                "default_network_acl_id",
                crate::common::s(default_acl.as_deref()),
            ),
            ("ipv6_cidr_block", v6),
            ("ipv6_association_id", v6_assoc),
            ("ipv6_cidr_block_network_border_group", v6_group),
        ],
    );
    let state = with_attrs(&state, tags::state_values(aws, prior, all));
    let state = match get_bool(prior, "assign_generated_ipv6_cidr_block") {
        Some(_) => state,
        None => with_attr(&state, "assign_generated_ipv6_cidr_block", b(None)),
    };
    Ok(Some(state))
}

#[async_trait]
impl ResourceType for Vpc {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 1,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(
            &block(),
            ctx,
            &req,
            &[
                ("instance_tenancy", Value::string("default")),
                ("enable_dns_support", Value::bool(true)),
                ("enable_dns_hostnames", Value::bool(false)),
                ("enable_network_address_usage_metrics", Value::bool(false)),
            ],
        ))
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let mut p = Params::new()
            .opt("CidrBlock", get_str(planned, "cidr_block"))
            .opt("InstanceTenancy", get_str(planned, "instance_tenancy"))
            .opt("Ipv4IpamPoolId", get_str(planned, "ipv4_ipam_pool_id"))
            .opt(
                "Ipv4NetmaskLength",
                get_i64(planned, "ipv4_netmask_length")?.map(|n| n.to_string()),
            )
            .opt("Ipv6IpamPoolId", get_str(planned, "ipv6_ipam_pool_id"))
            .opt(
                "Ipv6NetmaskLength",
                get_i64(planned, "ipv6_netmask_length")?.map(|n| n.to_string()),
            )
            .opt(
                "Ipv6CidrBlockNetworkBorderGroup",
                get_str(planned, "ipv6_cidr_block_network_border_group"),
            );
        if get_bool(planned, "assign_generated_ipv6_cidr_block") == Some(true) {
            p = p.set("AmazonProvidedIpv6CidrBlock", "true");
        } else if let Some(c) = get_str(planned, "ipv6_cidr_block") {
            p = p.set("Ipv6CidrBlock", c);
        }
        let p = tags::spec(p, "vpc", &tags::for_create(planned, token));
        let id = DESCRIBE
            .create(aws, "CreateVpc", &p, &["vpc", "vpcId"], token)
            .await
            .map_err(fail("creating EC2 VPC"))?;
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        // A new VPC has DNS support on, DNS hostnames and address usage metrics off; what
        // the configuration wants otherwise is set while the rest is read.
        let mut set: Vec<(&str, &str, bool)> = Vec::new();
        if get_bool(planned, "enable_dns_support") == Some(false) {
            set.push(("enableDnsSupport", "EnableDnsSupport", false));
        }
        if get_bool(planned, "enable_dns_hostnames") == Some(true) {
            set.push(("enableDnsHostnames", "EnableDnsHostnames", true));
        }
        if get_bool(planned, "enable_network_address_usage_metrics") == Some(true) {
            set.push((
                "enableNetworkAddressUsageMetrics",
                "EnableNetworkAddressUsageMetrics",
                true,
            ));
        }
        let known: Vec<(&str, bool)> = set.iter().map(|(name, _, v)| (*name, *v)).collect();
        let modify = async {
            for (_, param, v) in &set {
                set_attribute(aws, &id, param, *v).await?;
            }
            Ok::<(), ProviderError>(())
        };
        let (modified, state) = tokio::join!(
            modify,
            read_after_create(|| read_knowing(aws, &with_id, &known))
        );
        modified.map_err(partial)?;
        state.map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        for (attr, param) in [
            ("enable_dns_support", "EnableDnsSupport"),
            ("enable_dns_hostnames", "EnableDnsHostnames"),
            (
                "enable_network_address_usage_metrics",
                "EnableNetworkAddressUsageMetrics",
            ),
        ] {
            let new = get_bool(planned, attr);
            if let Some(v) = new.filter(|v| get_bool(prior, attr) != Some(*v)) {
                set_attribute(aws, id, param, v).await?;
            }
        }
        if let Some(t) = get_str(planned, "instance_tenancy")
            .filter(|t| get_str(prior, "instance_tenancy") != Some(*t))
        {
            let p = Params::new().set("VpcId", id).set("InstanceTenancy", t);
            aws.client
                .ec2_write("ModifyVpcTenancy", &p, Idempotency::Safe)
                .await
                .map_err(fail(format!("modifying EC2 VPC ({id}) tenancy")))?;
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 VPC ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ApplyError::from(ProviderError::new("EC2 VPC gone", id.to_string())))
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let p = Params::new().set("VpcId", id);
        match retry_on(
            &["DependencyViolation"],
            crate::common::timeout(prior, "delete", Duration::from_secs(120)),
            || aws.client.ec2_write("DeleteVpc", &p, Idempotency::Safe),
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting EC2 VPC ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let Some(id) = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding EC2 VPC by token"))?
        else {
            return Ok(None);
        };
        let stub = terrane_provider::values::object_for(&block(), [("id", Value::string(id))]);
        read(aws, &stub).await
    }
}
