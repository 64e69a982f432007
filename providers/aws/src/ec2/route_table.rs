//! `aws_route_table`: a VPC's route table with inline `route` blocks (added, replaced and
//! removed in place) and route propagation from virtual private gateways.
//!
//! Terraform treats `route` as "optional and computed": with no `route` block, routes made by
//! `aws_route` resources are left alone. terrane's schemas have no computed blocks, so the
//! same holds by rule: a table whose state has no `route` blocks does not report its routes.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, get_string_list, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, ProviderError,
    ResourceSchema,
};

use super::route::{route_params, DESTINATIONS, TARGETS};
use super::{read_after_create, Describe};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, comp, fail, need, opt, optc, retry_on, string_set, tag_attrs, Aws, ResourceType,
    WithAttributes,
};
use crate::tags;

pub struct RouteTable;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeRouteTables",
    id_param: "RouteTableId",
    list: "routeTableSet",
    id_field: "routeTableId",
};

fn route_block() -> BlockSchema {
    let mut b = BlockSchema::default();
    for (_, attr, _, _) in DESTINATIONS {
        b.attributes.insert(attr.to_string(), opt(Type::String));
    }
    for (attr, _, _) in TARGETS {
        b.attributes.insert(attr.to_string(), opt(Type::String));
    }
    b
}

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "vpc_id",
            AttributeSchema::required(Type::String).force_new(),
        ),
        ("propagating_vgws", optc(Type::set(Type::String))),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("owner_id", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "route",
        NestedBlockSchema::new(NestingMode::Set, route_block()),
    )
}

/// The inline routes of a state or plan.
fn routes(v: &Value) -> Vec<Value> {
    v.get_attr("route")
        .and_then(Value::elements)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

/// A route of the table as an inline `route` block.
fn route_value(r: &Element) -> Value {
    let mut m = std::collections::BTreeMap::new();
    for (_, attr, _, field) in DESTINATIONS {
        m.insert(attr.to_string(), crate::common::s(r.text_of(field)));
    }
    for (attr, _, field) in TARGETS {
        m.insert(attr.to_string(), crate::common::s(r.text_of(field)));
    }
    // A VPC endpoint shows up as the gateway of a route.
    if let Some(g) = r.text_of("gatewayId").filter(|g| g.starts_with("vpce-")) {
        m.insert("gateway_id".into(), Value::string(g));
        m.insert("vpc_endpoint_id".into(), Value::null(Type::String));
    }
    Value::object(m)
}

fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    state_from_as(aws, prior, el, false)
}

/// The state; `all_rules` reports every rule even where the prior state has none (import).
fn state_from_as(aws: &Aws, prior: &Value, el: &Element, all_rules: bool) -> Value {
    let id = el.text_of("routeTableId").unwrap_or_default();
    let owner = el.text_of("ownerId").unwrap_or_default();
    let managed = all_rules || !routes(prior).is_empty();
    let rs: Vec<Value> = if managed {
        el.items("routeSet")
            .into_iter()
            .filter(|r| r.text_of("gatewayId") != Some("local"))
            .filter(|r| r.text_of("origin").is_none_or(|o| o == "CreateRoute"))
            .map(route_value)
            .collect()
    } else {
        Vec::new()
    };
    let ety = route_block().implied_type();
    let rs = Value::set(ety.clone(), rs).unwrap_or_else(|_| Value::null(Type::set(ety)));
    let vgws = el
        .items("propagatingVgwSet")
        .iter()
        .filter_map(|g| g.text_of("gatewayId").map(str::to_string))
        .collect::<Vec<_>>();
    let v = with_attrs(
        prior,
        [
            ("vpc_id", super::text(el, "vpcId")),
            ("owner_id", Value::string(owner)),
            (
                "arn",
                Value::string(arn(aws, "ec2", owner, &format!("route-table/{id}"))),
            ),
            ("propagating_vgws", string_set(vgws)),
            ("route", rs),
        ],
    );
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let el = DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading Route Table ({id})")))?;
    Ok(el.map(|el| state_from(aws, prior, &el)))
}

/// The destination parameter and value of an inline route.
fn destination(r: &Value) -> Option<(&'static str, String)> {
    DESTINATIONS
        .iter()
        .find_map(|(_, attr, param, _)| get_str(r, attr).map(|d| (*param, d.to_string())))
}

async fn sync_routes(
    aws: &Aws,
    id: &str,
    old: &[Value],
    new: &[Value],
) -> Result<(), ProviderError> {
    for r in old.iter().filter(|r| !new.iter().any(|n| n.raw_equals(r))) {
        if let Some((param, dest)) = destination(r) {
            let p = Params::new().set("RouteTableId", id).set(param, &dest);
            match aws
                .client
                .ec2_write("DeleteRoute", &p, Idempotency::Safe)
                .await
            {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => {
                    return Err(e.into_provider_error(&format!(
                        "deleting Route in Route Table ({id}) with destination ({dest})"
                    )))
                }
            }
        }
    }
    for r in new.iter().filter(|r| !old.iter().any(|o| o.raw_equals(r))) {
        let Some((param, dest)) = destination(r) else {
            return Err(ProviderError::new(
                "Invalid route",
                "A route block needs cidr_block, ipv6_cidr_block or destination_prefix_list_id.",
            )
            .at_attr("route"));
        };
        let p = route_params(id, param, &dest, r, true);
        match aws
            .client
            .ec2_write("CreateRoute", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            // Same destination, another target: replace it.
            Err(e) if e.is("RouteAlreadyExists") => {
                aws.client
                    .ec2_write("ReplaceRoute", &p, Idempotency::Safe)
                    .await
                    .map_err(fail(format!("replacing Route in Route Table ({id})")))?;
            }
            Err(e) => {
                return Err(e.into_provider_error(&format!(
                    "creating Route in Route Table ({id}) with destination ({dest})"
                )))
            }
        }
    }
    Ok(())
}

async fn sync_vgws(
    aws: &Aws,
    id: &str,
    old: &[String],
    new: &[String],
) -> Result<(), ProviderError> {
    let (old, new): (BTreeSet<&String>, BTreeSet<&String>) =
        (old.iter().collect(), new.iter().collect());
    for g in old.difference(&new) {
        let p = Params::new()
            .set("RouteTableId", id)
            .set("GatewayId", g.as_str());
        aws.client
            .ec2_write("DisableVgwRoutePropagation", &p, Idempotency::Safe)
            .await
            .map_err(fail(format!("disabling route propagation from {g} ({id})")))?;
    }
    for g in new.difference(&old) {
        let p = Params::new()
            .set("RouteTableId", id)
            .set("GatewayId", g.as_str());
        aws.client
            .ec2_write("EnableVgwRoutePropagation", &p, Idempotency::Safe)
            .await
            .map_err(fail(format!("enabling route propagation from {g} ({id})")))?;
    }
    Ok(())
}

#[async_trait]
impl ResourceType for RouteTable {
    fn name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let p = Params::new()
            .set("VpcId", need(planned, "vpc_id")?)
            .set("ClientToken", token);
        let p = tags::spec(p, "route-table", &tags::for_create(planned, token));
        let id = DESCRIBE
            .create(
                aws,
                "CreateRouteTable",
                &p,
                &["routeTable", "routeTableId"],
                token,
            )
            .await
            .map_err(fail("creating Route Table"))?;
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        sync_routes(aws, &id, &[], &routes(planned))
            .await
            .map_err(partial)?;
        if let Some(v) = get_string_list(planned, "propagating_vgws") {
            sync_vgws(aws, &id, &[], &v).await.map_err(partial)?;
        }
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        sync_routes(aws, id, &routes(prior), &routes(planned)).await?;
        if let Some(new) = get_string_list(planned, "propagating_vgws") {
            let old = get_string_list(prior, "propagating_vgws").unwrap_or_default();
            sync_vgws(aws, id, &old, &new).await?;
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating Route Table ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("Route Table gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let p = Params::new().set("RouteTableId", id);
        match retry_on(
            &["DependencyViolation"],
            crate::common::timeout(prior, "delete", Duration::from_secs(120)),
            || {
                aws.client
                    .ec2_write("DeleteRouteTable", &p, Idempotency::Safe)
            },
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting Route Table ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn import(
        &self,
        aws: &Aws,
        block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        // An imported object shows all its rules, so that a configuration that has them plans
        // no change.
        let stub = object_for(block, [("id", Value::string(id))]);
        match DESCRIBE
            .one(aws, id)
            .await
            .map_err(fail(format!("reading Route Table ({id})")))?
        {
            Some(el) => Ok(vec![state_from_as(aws, &stub, &el, true)]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!("No Route Table with id {id:?}."),
            )),
        }
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding Route Table by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
