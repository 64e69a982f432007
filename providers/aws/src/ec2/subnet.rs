//! `aws_subnet`: a subnet of a VPC; the launch-time attributes (public IPs, IPv6, DNS names)
//! update in place, the VPC, CIDR block and zone force a new subnet.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, PlanRequest, PlanResponse, ProviderError, ResourceSchema,
};

use super::{read_after_create, text, Describe};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    b, comp, fail, need, opt, optc, plan_generic, retry_on, s, tag_attrs, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags;

pub struct Subnet;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeSubnets",
    id_param: "SubnetId",
    list: "subnetSet",
    id_field: "subnetId",
};

/// Boolean subnet attributes changed with ModifySubnetAttribute: attribute, parameter,
/// default.
const BOOL_ATTRS: &[(&str, &str, bool)] = &[
    ("map_public_ip_on_launch", "MapPublicIpOnLaunch", false),
    (
        "assign_ipv6_address_on_creation",
        "AssignIpv6AddressOnCreation",
        false,
    ),
    ("enable_dns64", "EnableDns64", false),
    (
        "enable_resource_name_dns_a_record_on_launch",
        "EnableResourceNameDnsARecordOnLaunch",
        false,
    ),
    (
        "enable_resource_name_dns_aaaa_record_on_launch",
        "EnableResourceNameDnsAAAARecordOnLaunch",
        false,
    ),
    (
        "map_customer_owned_ip_on_launch",
        "MapCustomerOwnedIpOnLaunch",
        false,
    ),
];

pub fn block() -> BlockSchema {
    let st = || Type::String;
    let mut b = BlockSchema::with_attributes([
        (
            "vpc_id",
            terrane_provider::AttributeSchema::required(st()).force_new(),
        ),
        ("cidr_block", opt(st()).force_new()),
        ("availability_zone", optc(st()).force_new()),
        ("availability_zone_id", optc(st()).force_new()),
        ("ipv6_cidr_block", optc(st()).force_new()),
        ("ipv6_native", optc(Type::Bool).force_new()),
        ("customer_owned_ipv4_pool", opt(st())),
        ("outpost_arn", opt(st()).force_new()),
        ("private_dns_hostname_type_on_launch", optc(st())),
        ("enable_lni_at_device_index", optc(Type::Number)),
        ("id", comp(st())),
        ("arn", comp(st())),
        ("owner_id", comp(st())),
        ("ipv6_cidr_block_association_id", comp(st())),
    ])
    .with_attributes_from(tag_attrs());
    for (name, _, _) in BOOL_ATTRS {
        b.attributes.insert(name.to_string(), optc(Type::Bool));
    }
    b
}

async fn modify(aws: &Aws, id: &str, param: &str, value: &str) -> Result<(), ProviderError> {
    let p = Params::new()
        .set("SubnetId", id)
        .set(format!("{param}.Value"), value);
    aws.client
        .ec2_write("ModifySubnetAttribute", &p, Idempotency::Safe)
        .await
        .map(|_| ())
        .map_err(fail(format!("modifying EC2 Subnet ({id}) {param}")))
}

fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    let assoc = el
        .items("ipv6CidrBlockAssociationSet")
        .into_iter()
        .find(|a| a.text_at(&["ipv6CidrBlockState", "state"]) != Some("disassociated"));
    let dns = el.child("privateDnsNameOptionsOnLaunch");
    let mut v = with_attrs(
        prior,
        [
            ("vpc_id", text(el, "vpcId")),
            ("cidr_block", text(el, "cidrBlock")),
            ("availability_zone", text(el, "availabilityZone")),
            ("availability_zone_id", text(el, "availabilityZoneId")),
            ("owner_id", text(el, "ownerId")),
            ("arn", text(el, "subnetArn")),
            (
                "ipv6_cidr_block",
                Value::string(assoc.and_then(|a| a.text_of("ipv6CidrBlock")).unwrap_or("")),
            ),
            (
                "ipv6_cidr_block_association_id",
                Value::string(assoc.and_then(|a| a.text_of("associationId")).unwrap_or("")),
            ),
            (
                "ipv6_native",
                b(Some(el.bool_of("ipv6Native").unwrap_or(false))),
            ),
            (
                "private_dns_hostname_type_on_launch",
                Value::string(
                    dns.and_then(|d| d.text_of("hostnameType"))
                        .unwrap_or("ip-name"),
                ),
            ),
            (
                "enable_lni_at_device_index",
                Value::int(el.i64_of("enableLniAtDeviceIndex").unwrap_or(0)),
            ),
        ],
    );
    let read_bool = |name: &str| -> Option<bool> {
        match name {
            "map_public_ip_on_launch" => el.bool_of("mapPublicIpOnLaunch"),
            "assign_ipv6_address_on_creation" => el.bool_of("assignIpv6AddressOnCreation"),
            "enable_dns64" => el.bool_of("enableDns64"),
            "map_customer_owned_ip_on_launch" => el.bool_of("mapCustomerOwnedIpOnLaunch"),
            "enable_resource_name_dns_a_record_on_launch" => {
                dns.and_then(|d| d.bool_of("enableResourceNameDnsARecord"))
            }
            "enable_resource_name_dns_aaaa_record_on_launch" => {
                dns.and_then(|d| d.bool_of("enableResourceNameDnsAAAARecord"))
            }
            _ => None,
        }
    };
    for (name, _, default) in BOOL_ATTRS {
        v = with_attr(&v, name, b(Some(read_bool(name).unwrap_or(*default))));
    }
    if get_str(prior, "customer_owned_ipv4_pool").is_some()
        || el.text_of("customerOwnedIpv4Pool").is_some()
    {
        v = with_attr(
            &v,
            "customer_owned_ipv4_pool",
            text(el, "customerOwnedIpv4Pool"),
        );
    }
    if get_str(prior, "outpost_arn").is_some() || el.text_of("outpostArn").is_some() {
        v = with_attr(&v, "outpost_arn", text(el, "outpostArn"));
    }
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let el = DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading EC2 Subnet ({id})")))?;
    Ok(el.map(|el| state_from(aws, prior, &el)))
}

async fn apply_attributes(
    aws: &Aws,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), ProviderError> {
    for (name, param, default) in BOOL_ATTRS {
        let want = get_bool(planned, name).unwrap_or(*default);
        let have = prior.and_then(|p| get_bool(p, name)).unwrap_or(*default);
        if want != have {
            modify(aws, id, param, &want.to_string()).await?;
        }
    }
    if let Some(t) = get_str(planned, "private_dns_hostname_type_on_launch") {
        let have = prior
            .and_then(|p| get_str(p, "private_dns_hostname_type_on_launch"))
            .unwrap_or("ip-name");
        if t != have {
            modify(aws, id, "PrivateDnsHostnameTypeOnLaunch", t).await?;
        }
    }
    Ok(())
}

#[async_trait]
impl ResourceType for Subnet {
    fn name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 1,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut defaults: Vec<(&str, Value)> = BOOL_ATTRS
            .iter()
            .map(|(n, _, d)| (*n, Value::bool(*d)))
            .collect();
        defaults.push(("ipv6_native", Value::bool(false)));
        Ok(plan_generic(&block(), ctx, &req, &defaults))
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let p = Params::new()
            .set("VpcId", need(planned, "vpc_id")?)
            .opt("CidrBlock", get_str(planned, "cidr_block"))
            .opt("AvailabilityZone", get_str(planned, "availability_zone"))
            .opt(
                "AvailabilityZoneId",
                get_str(planned, "availability_zone_id"),
            )
            .opt("Ipv6CidrBlock", get_str(planned, "ipv6_cidr_block"))
            .opt("OutpostArn", get_str(planned, "outpost_arn"))
            .opt(
                "Ipv6Native",
                get_bool(planned, "ipv6_native")
                    .filter(|b| *b)
                    .map(|b| b.to_string()),
            );
        let p = tags::spec(p, "subnet", &tags::for_create(planned, token));
        let id = DESCRIBE
            .create(aws, "CreateSubnet", &p, &["subnet", "subnetId"], token)
            .await
            .map_err(fail("creating EC2 Subnet"))?;
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        apply_attributes(aws, &id, None, planned)
            .await
            .map_err(partial)?;
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        apply_attributes(aws, id, Some(prior), planned).await?;
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 Subnet ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 Subnet gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let p = Params::new().set("SubnetId", id);
        match retry_on(
            &["DependencyViolation"],
            crate::common::timeout(prior, "delete", Duration::from_secs(120)),
            || aws.client.ec2_write("DeleteSubnet", &p, Idempotency::Safe),
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting EC2 Subnet ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding EC2 Subnet by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}

/// A subnet id's state value (for data sources).
pub fn id_value(el: &Element) -> Value {
    s(el.text_of("subnetId"))
}
