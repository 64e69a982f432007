//! `aws_route`: one route in a route table. The destination and table force a new route; the
//! target is replaced in place (ReplaceRoute). Also the route fields shared with
//! `aws_route_table`'s inline `route` blocks.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use super::route_table;
use crate::client::{Element, Idempotency, Params};
use crate::common::{comp, fail, need, opt, optc, plan_generic, s, Aws, PlanCtx, ResourceType};

pub struct Route;

/// A route target: the argument, the API parameter, the field in DescribeRouteTables.
pub const TARGETS: &[(&str, &str, &str)] = &[
    ("gateway_id", "GatewayId", "gatewayId"),
    ("nat_gateway_id", "NatGatewayId", "natGatewayId"),
    (
        "egress_only_gateway_id",
        "EgressOnlyInternetGatewayId",
        "egressOnlyInternetGatewayId",
    ),
    (
        "vpc_peering_connection_id",
        "VpcPeeringConnectionId",
        "vpcPeeringConnectionId",
    ),
    (
        "network_interface_id",
        "NetworkInterfaceId",
        "networkInterfaceId",
    ),
    ("transit_gateway_id", "TransitGatewayId", "transitGatewayId"),
    ("vpc_endpoint_id", "VpcEndpointId", "vpcEndpointId"),
    ("local_gateway_id", "LocalGatewayId", "localGatewayId"),
    ("carrier_gateway_id", "CarrierGatewayId", "carrierGatewayId"),
    ("core_network_arn", "CoreNetworkArn", "coreNetworkArn"),
];

/// A route destination: `aws_route`'s argument, the inline block's, the parameter, the field.
pub const DESTINATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "destination_cidr_block",
        "cidr_block",
        "DestinationCidrBlock",
        "destinationCidrBlock",
    ),
    (
        "destination_ipv6_cidr_block",
        "ipv6_cidr_block",
        "DestinationIpv6CidrBlock",
        "destinationIpv6CidrBlock",
    ),
    (
        "destination_prefix_list_id",
        "destination_prefix_list_id",
        "DestinationPrefixListId",
        "destinationPrefixListId",
    ),
];

fn block() -> BlockSchema {
    let mut b = BlockSchema::with_attributes([
        (
            "route_table_id",
            AttributeSchema::required(Type::String).force_new(),
        ),
        ("id", comp(Type::String)),
        ("instance_id", comp(Type::String)),
        ("instance_owner_id", comp(Type::String)),
        ("origin", comp(Type::String)),
        ("state", comp(Type::String)),
    ]);
    for (attr, _, _, _) in DESTINATIONS {
        b.attributes
            .insert(attr.to_string(), opt(Type::String).force_new());
    }
    for (attr, _, _) in TARGETS {
        b.attributes.insert(attr.to_string(), opt(Type::String));
    }
    b.attributes
        .insert("network_interface_id".into(), optc(Type::String));
    b
}

/// The CRC-32 (IEEE) of `s`, as Terraform's `StringHashcode` uses it for route ids.
pub fn crc32(s: &str) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in s.bytes() {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Terraform's id of a route: `r-` + table id + the hash of the destination.
pub fn route_id(table: &str, destination: &str) -> String {
    format!("r-{table}{}", crc32(destination))
}

/// The destination (attribute, value) of a route configuration or state.
fn destination(v: &Value) -> Option<(usize, String)> {
    DESTINATIONS
        .iter()
        .enumerate()
        .find_map(|(i, (attr, _, _, _))| get_str(v, attr).map(|d| (i, d.to_string())))
}

/// The parameters naming a route's destination and target.
pub fn route_params(
    table: &str,
    dest_param: &str,
    dest: &str,
    target: &Value,
    inline: bool,
) -> Params {
    let mut p = Params::new()
        .set("RouteTableId", table)
        .set(dest_param, dest);
    for (attr, param, _) in TARGETS {
        if let Some(t) = get_str(target, attr) {
            // An inline route naming a VPC endpoint as its gateway (Terraform allows it).
            let param = if inline && *attr == "gateway_id" && t.starts_with("vpce-") {
                "VpcEndpointId"
            } else {
                param
            };
            p = p.set(param, t);
        }
    }
    p
}

/// The route of `table_el` to `dest` (field `field`).
pub fn find_route<'a>(table_el: &'a Element, field: &str, dest: &str) -> Option<&'a Element> {
    table_el
        .items("routeSet")
        .into_iter()
        .find(|r| r.text_of(field) == Some(dest))
}

fn state_from(prior: &Value, table: &str, r: &Element) -> Value {
    let mut v = with_attrs(
        prior,
        [
            ("route_table_id", Value::string(table)),
            (
                "instance_id",
                Value::string(r.text_of("instanceId").unwrap_or("")),
            ),
            (
                "instance_owner_id",
                Value::string(r.text_of("instanceOwnerId").unwrap_or("")),
            ),
            (
                "origin",
                Value::string(r.text_of("origin").unwrap_or("CreateRoute")),
            ),
            (
                "state",
                Value::string(r.text_of("state").unwrap_or("active")),
            ),
        ],
    );
    for (attr, _, _, field) in DESTINATIONS {
        if let Some(d) = r.text_of(field) {
            v = with_attrs(
                &v,
                [
                    (*attr, Value::string(d)),
                    ("id", Value::string(route_id(table, d))),
                ],
            );
        }
    }
    for (attr, _, field) in TARGETS {
        let t = r.text_of(field);
        let keep_null = t.is_none() && get_str(prior, attr).is_none();
        if !keep_null {
            v = with_attr(&v, attr, s(t));
        }
    }
    if get_str(&v, "network_interface_id").is_none() {
        v = with_attr(&v, "network_interface_id", Value::string(""));
    }
    v
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let table = need(prior, "route_table_id")?;
    let Some((i, dest)) = destination(prior) else {
        return Err(ProviderError::new(
            "Invalid route",
            "The route has no destination.",
        ));
    };
    let Some(t) = route_table::DESCRIBE
        .one(aws, table)
        .await
        .map_err(fail(format!("reading Route in Route Table ({table})")))?
    else {
        return Ok(None);
    };
    Ok(find_route(&t, DESTINATIONS[i].3, &dest).map(|r| state_from(prior, table, r)))
}

#[async_trait]
impl ResourceType for Route {
    fn name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let set = DESTINATIONS
            .iter()
            .filter(|(a, _, _, _)| config.get_attr(a).is_some_and(|v| !v.is_null()))
            .count();
        if set > 1 {
            return vec![ProviderDiagnostic::error(
                "Invalid combination of arguments",
                "Only one of destination_cidr_block, destination_ipv6_cidr_block and destination_prefix_list_id may be set.",
                terrane_dsl::value::Path::root(),
            )];
        }
        Vec::new()
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        if req.prior_state.is_none() {
            if let (Some(t), Some((_, d))) = (
                get_str(&req.config, "route_table_id"),
                destination(&req.config),
            ) {
                resp.planned_state =
                    with_attr(&resp.planned_state, "id", Value::string(route_id(t, &d)));
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let table = need(planned, "route_table_id")?;
        let (i, dest) = destination(planned).ok_or_else(|| {
            ProviderError::new(
                "Invalid route",
                "One of destination_cidr_block, destination_ipv6_cidr_block or destination_prefix_list_id must be set.",
            )
        })?;
        let p = route_params(table, DESTINATIONS[i].2, &dest, planned, false);
        // CreateRoute is idempotent for the same target; a route left by an interrupted run
        // (routes cannot be tagged) answers RouteAlreadyExists and is adopted below.
        match aws
            .client
            .ec2_write("CreateRoute", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is("RouteAlreadyExists") => {
                let existing = read(aws, planned).await?;
                let same = existing.as_ref().is_some_and(|ex| {
                    TARGETS.iter().all(|(a, _, _)| {
                        get_str(planned, a).is_none_or(|t| get_str(ex, a) == Some(t))
                    })
                });
                if !same {
                    return Err(e
                        .into_provider_error(&format!(
                            "creating Route in Route Table ({table}) with destination ({dest})"
                        ))
                        .into());
                }
            }
            Err(e) => {
                return Err(e
                    .into_provider_error(&format!(
                        "creating Route in Route Table ({table}) with destination ({dest})"
                    ))
                    .into())
            }
        }
        super::read_after_create(|| read(aws, planned))
            .await
            .map_err(ApplyError::from)
    }

    async fn update(
        &self,
        aws: &Aws,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        let table = need(planned, "route_table_id")?;
        let (i, dest) = destination(planned)
            .ok_or_else(|| ProviderError::new("Invalid route", "The route has no destination."))?;
        let p = route_params(table, DESTINATIONS[i].2, &dest, planned, false);
        aws.client
            .ec2_write("ReplaceRoute", &p, Idempotency::Safe)
            .await
            .map_err(fail(format!("updating Route in Route Table ({table})")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("Route gone", dest).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let table = need(prior, "route_table_id")?;
        let Some((i, dest)) = destination(prior) else {
            return Ok(());
        };
        let p = Params::new()
            .set("RouteTableId", table)
            .set(DESTINATIONS[i].2, &dest);
        match aws
            .client
            .ec2_write("DeleteRoute", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!(
                "deleting Route in Route Table ({table}) with destination ({dest})"
            ))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn import(
        &self,
        aws: &Aws,
        _block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let Some((table, dest)) = id.split_once('_') else {
            return Err(ProviderError::new(
                "Invalid import id",
                format!("Expected ROUTETABLEID_DESTINATION (rtb-1234_10.0.0.0/16), got {id:?}."),
            ));
        };
        let attr = if dest.starts_with("pl-") {
            "destination_prefix_list_id"
        } else if dest.contains(':') {
            "destination_ipv6_cidr_block"
        } else {
            "destination_cidr_block"
        };
        let stub = object_for(
            &block(),
            [
                ("route_table_id", Value::string(table)),
                (attr, Value::string(dest)),
            ],
        );
        match read(aws, &stub).await? {
            Some(v) => Ok(vec![v]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!("No route to {dest} in route table {table}."),
            )),
        }
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        // Routes cannot be tagged; a route an interrupted create made is adopted by the next
        // create (RouteAlreadyExists with the same target), or found by its configuration.
        Ok(None)
    }

    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // The configured table's route to the configured destination, when it goes to the
        // configured target (a route to elsewhere is not the one the create made).
        if get_str(config, "route_table_id").is_none() || destination(config).is_none() {
            return Ok(None);
        }
        Ok(read(aws, config).await?.filter(|found| {
            TARGETS
                .iter()
                .all(|(attr, _, _)| match get_str(config, attr) {
                    Some(want) => get_str(found, attr) == Some(want),
                    None => true,
                })
        }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn route_ids_match_terraform() {
        // crc32("10.0.0.0/16") as Terraform hashes it.
        assert_eq!(super::crc32("123456789"), 0xCBF4_3926);
        assert!(super::route_id("rtb-1", "0.0.0.0/0").starts_with("r-rtb-1"));
    }
}
