//! `aws_vpc` (one VPC by id, CIDR, default flag, state, tags or filters) and `aws_subnets`
//! (the ids of the subnets matching tags and filters).

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_str, get_string_map, string_list, string_map, with_attrs,
};
use terrane_provider::{BlockSchema, ProviderError, ResourceSchema};

use super::availability_zones::{filter_block, filters};
use crate::client::{Element, Params};
use crate::common::{arn, b, comp, fail, optc, Aws, DataSourceType};

/// EC2 filters for a `tags` map argument.
fn tag_filters(config: &Value) -> Vec<(String, Vec<String>)> {
    get_string_map(config, "tags")
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (format!("tag:{k}"), vec![v]))
        .collect()
}

fn no_match(what: &str) -> ProviderError {
    ProviderError::new(
        format!("no matching {what} found"),
        "Your query returned no results. Please change your search criteria and try again.",
    )
}

pub struct VpcData;

#[async_trait]
impl DataSourceType for VpcData {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> ResourceSchema {
        let st = || Type::String;
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                ("id", optc(st())),
                ("cidr_block", optc(st())),
                ("default", optc(Type::Bool)),
                ("dhcp_options_id", optc(st())),
                ("state", optc(st())),
                ("tags", optc(Type::map(st()))),
                ("arn", comp(st())),
                ("enable_dns_support", comp(Type::Bool)),
                ("enable_dns_hostnames", comp(Type::Bool)),
                ("enable_network_address_usage_metrics", comp(Type::Bool)),
                ("instance_tenancy", comp(st())),
                ("ipv6_association_id", comp(st())),
                ("ipv6_cidr_block", comp(st())),
                ("main_route_table_id", comp(st())),
                ("owner_id", comp(st())),
            ])
            .with_block("filter", filter_block()),
        }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let mut f = filters(&config);
        f.extend(tag_filters(&config));
        for (attr, filter) in [
            ("cidr_block", "cidr"),
            ("dhcp_options_id", "dhcp-options-id"),
            ("state", "state"),
        ] {
            if let Some(v) = get_str(&config, attr) {
                f.push((filter.into(), vec![v.to_string()]));
            }
        }
        if let Some(d) = get_bool(&config, "default") {
            f.push(("is-default".into(), vec![d.to_string()]));
        }
        let mut p = Params::new().filters(&f);
        if let Some(id) = get_str(&config, "id") {
            p = p.set("VpcId.1", id);
        }
        let vpcs = aws
            .client
            .ec2_pages("DescribeVpcs", &p, "vpcSet")
            .await
            .map_err(fail("reading EC2 VPCs"))?;
        let vpc = match vpcs.as_slice() {
            [one] => one,
            [] => return Err(no_match("EC2 VPC")),
            _ => {
                return Err(ProviderError::new(
                    "multiple EC2 VPCs matched; use additional constraints to reduce matches to a single EC2 VPC",
                    "",
                ))
            }
        };
        vpc_value(aws, &config, vpc).await
    }
}

async fn vpc_value(aws: &Aws, config: &Value, el: &Element) -> Result<Value, ProviderError> {
    let id = el.text_of("vpcId").unwrap_or_default().to_string();
    // The resource's reader fills in the attributes and the ids it looks up.
    let stub = terrane_provider::values::object_for(
        &crate::ec2::vpc_block(),
        [("id", Value::string(&id))],
    );
    let r = crate::ec2::vpc::read_vpc(aws, &stub)
        .await?
        .ok_or_else(|| no_match("EC2 VPC"))?;
    let tags = crate::tags::from_ec2(aws, el);
    let owner = el.text_of("ownerId").unwrap_or_default();
    let copy = |k: &str| r.get_attr(k).cloned().unwrap_or(Value::null(Type::String));
    Ok(with_attrs(
        config,
        [
            ("id", Value::string(&id)),
            ("cidr_block", copy("cidr_block")),
            ("default", b(el.bool_of("isDefault"))),
            ("dhcp_options_id", copy("dhcp_options_id")),
            ("state", crate::common::s(el.text_of("state"))),
            ("tags", string_map(tags)),
            (
                "arn",
                Value::string(arn(aws, "ec2", owner, &format!("vpc/{id}"))),
            ),
            ("enable_dns_support", copy("enable_dns_support")),
            ("enable_dns_hostnames", copy("enable_dns_hostnames")),
            (
                "enable_network_address_usage_metrics",
                copy("enable_network_address_usage_metrics"),
            ),
            ("instance_tenancy", copy("instance_tenancy")),
            ("ipv6_association_id", copy("ipv6_association_id")),
            ("ipv6_cidr_block", copy("ipv6_cidr_block")),
            ("main_route_table_id", copy("main_route_table_id")),
            ("owner_id", Value::string(owner)),
        ],
    ))
}

pub struct Subnets;

#[async_trait]
impl DataSourceType for Subnets {
    fn name(&self) -> &'static str {
        "aws_subnets"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                ("id", optc(Type::String)),
                ("tags", optc(Type::map(Type::String))),
                ("ids", comp(Type::list(Type::String))),
            ])
            .with_block("filter", filter_block()),
        }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let mut f = filters(&config);
        f.extend(tag_filters(&config));
        let subnets = aws
            .client
            .ec2_pages("DescribeSubnets", &Params::new().filters(&f), "subnetSet")
            .await
            .map_err(fail("reading EC2 Subnets"))?;
        let ids: Vec<String> = subnets
            .iter()
            .filter_map(|s| s.text_of("subnetId").map(str::to_string))
            .collect();
        let tags = config
            .get_attr("tags")
            .filter(|t| !t.is_null())
            .cloned()
            .unwrap_or_else(|| string_map(Default::default()));
        Ok(with_attrs(
            &config,
            [
                ("id", Value::string(&aws.client.region)),
                ("ids", string_list(ids)),
                ("tags", tags),
            ],
        ))
    }
}
