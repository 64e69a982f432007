//! `aws_route_table_association`: a subnet's (or gateway's) association with a route table;
//! moving it to another table happens in place (ReplaceRouteTableAssociation).

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{ApplyError, AttributeSchema, BlockSchema, ProviderError, ResourceSchema};

use super::route_table::DESCRIBE as TABLES;
use crate::client::{Element, Idempotency, Params};
use crate::common::{comp, fail, need, opt, s, Aws, ResourceType};

pub struct RouteTableAssociation;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("subnet_id", opt(Type::String).force_new()),
        ("gateway_id", opt(Type::String).force_new()),
        ("route_table_id", AttributeSchema::required(Type::String)),
        ("id", comp(Type::String)),
    ])
}

/// The association with this id, with its route table's id.
async fn find(
    aws: &Aws,
    filter: &str,
    value: &str,
) -> Result<Option<(String, Element)>, ProviderError> {
    let tables = TABLES
        .filtered(aws, &[(filter.to_string(), vec![value.to_string()])])
        .await
        .map_err(fail(format!("reading Route Table Association ({value})")))?;
    for t in &tables {
        for a in t.items("associationSet") {
            let hit = match filter {
                "association.route-table-association-id" => {
                    a.text_of("routeTableAssociationId") == Some(value)
                }
                "association.subnet-id" => a.text_of("subnetId") == Some(value),
                _ => a.text_of("gatewayId") == Some(value),
            };
            if hit && a.text_at(&["associationState", "state"]) != Some("disassociated") {
                let table = t.text_of("routeTableId").unwrap_or_default().to_string();
                return Ok(Some((table, a.clone())));
            }
        }
    }
    Ok(None)
}

fn state_from(prior: &Value, table: &str, a: &Element) -> Value {
    with_attrs(
        prior,
        [
            ("id", s(a.text_of("routeTableAssociationId"))),
            ("route_table_id", Value::string(table)),
            ("subnet_id", s(a.text_of("subnetId"))),
            ("gateway_id", s(a.text_of("gatewayId"))),
        ],
    )
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    Ok(find(aws, "association.route-table-association-id", id)
        .await?
        .map(|(t, a)| state_from(prior, &t, &a)))
}

#[async_trait]
impl ResourceType for RouteTableAssociation {
    fn name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let table = need(planned, "route_table_id")?;
        let subnet = get_str(planned, "subnet_id");
        let gateway = get_str(planned, "gateway_id");
        let p = Params::new()
            .set("RouteTableId", table)
            .opt("SubnetId", subnet)
            .opt("GatewayId", gateway);
        let id = match aws
            .client
            .ec2_write("AssociateRouteTable", &p, Idempotency::Safe)
            .await
        {
            Ok(r) => r.text_of("associationId").unwrap_or_default().to_string(),
            // Associations cannot be tagged: one an interrupted run made with this table is
            // adopted.
            Err(e) if e.is("Resource.AlreadyAssociated") => {
                let (filter, value) = match (subnet, gateway) {
                    (Some(sn), _) => ("association.subnet-id", sn),
                    (None, Some(g)) => ("association.gateway-id", g),
                    (None, None) => {
                        return Err(e.into_provider_error("associating Route Table").into())
                    }
                };
                match find(aws, filter, value).await? {
                    Some((t, a)) if t == table => a
                        .text_of("routeTableAssociationId")
                        .unwrap_or_default()
                        .to_string(),
                    _ => return Err(e.into_provider_error("associating Route Table").into()),
                }
            }
            Err(e) => {
                return Err(e
                    .into_provider_error(&format!("associating Route Table ({table})"))
                    .into())
            }
        };
        let with_id = with_attr(planned, "id", Value::string(&id));
        super::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let table = need(planned, "route_table_id")?;
        let r = aws
            .client
            .ec2_write(
                "ReplaceRouteTableAssociation",
                &Params::new()
                    .set("AssociationId", id)
                    .set("RouteTableId", table),
                Idempotency::Safe,
            )
            .await
            .map_err(fail(format!("replacing Route Table Association ({id})")))?;
        let new_id = r.text_of("newAssociationId").unwrap_or(id).to_string();
        let with_id = with_attr(planned, "id", Value::string(new_id));
        read(aws, &with_id).await?.ok_or_else(|| {
            ProviderError::new("Route Table Association gone", id.to_string()).into()
        })
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        match aws
            .client
            .ec2_write(
                "DisassociateRouteTable",
                &Params::new().set("AssociationId", id),
                Idempotency::Safe,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => {
                Err(e.into_provider_error(&format!("deleting Route Table Association ({id})")))
            }
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
        // SUBNETID/ROUTETABLEID or GATEWAYID/ROUTETABLEID, as Terraform imports it.
        let Some((target, table)) = id.split_once('/') else {
            return Err(ProviderError::new(
                "Invalid import id",
                format!("Expected SUBNETID/ROUTETABLEID or GATEWAYID/ROUTETABLEID, got {id:?}."),
            ));
        };
        let filter = if target.starts_with("subnet-") {
            "association.subnet-id"
        } else {
            "association.gateway-id"
        };
        match find(aws, filter, target).await? {
            Some((t, a)) if t == table => Ok(vec![state_from(&object_for(&block(), []), &t, &a)]),
            _ => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!("No association of {target} with route table {table}."),
            )),
        }
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        // Associations cannot be tagged; a repeated create adopts the association (above).
        Ok(None)
    }

    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // The association of the configured subnet (or gateway) with the configured table.
        let Some(table) = get_str(config, "route_table_id") else {
            return Ok(None);
        };
        let (filter, value) = match (get_str(config, "subnet_id"), get_str(config, "gateway_id")) {
            (Some(sn), _) => ("association.subnet-id", sn),
            (None, Some(g)) => ("association.gateway-id", g),
            (None, None) => return Ok(None),
        };
        Ok(match find(aws, filter, value).await? {
            Some((t, a)) if t == table => Some(state_from(config, &t, &a)),
            _ => None,
        })
    }
}
