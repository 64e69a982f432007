//! `aws_eip_association`: an Elastic IP associated with an instance or a network interface;
//! every argument forces a new association; the id is the association id. An association
//! carries no tags, so an interrupted create is found by its configuration instead.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, PlanRequest, PlanResponse, ProviderError, ResourceSchema,
};

use super::eip::DESCRIBE;
use crate::client::{Element, Idempotency, Params};
use crate::common::{comp, fail, need, opt, optc, plan_generic, Aws, PlanCtx, ResourceType};

pub struct EipAssociation;

fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        ("allocation_id", optc(st()).force_new()),
        ("instance_id", optc(st()).force_new()),
        ("network_interface_id", optc(st()).force_new()),
        ("private_ip_address", optc(st()).force_new()),
        ("public_ip", optc(st()).force_new()),
        ("allow_reassociation", opt(Type::Bool).force_new()),
        ("id", comp(st())),
    ])
}

fn state_from(prior: &Value, el: &Element) -> Value {
    let t = |n: &str| Value::string(el.text_of(n).unwrap_or(""));
    with_attrs(
        prior,
        [
            ("id", t("associationId")),
            ("allocation_id", t("allocationId")),
            ("instance_id", t("instanceId")),
            ("network_interface_id", t("networkInterfaceId")),
            ("private_ip_address", t("privateIpAddress")),
            ("public_ip", t("publicIp")),
        ],
    )
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let found = DESCRIBE
        .filtered(aws, &[("association-id".to_string(), vec![id.to_string()])])
        .await
        .map_err(fail(format!("reading EC2 EIP Association ({id})")))?;
    Ok(found
        .iter()
        .find(|e| e.text_of("associationId") == Some(id))
        .map(|el| state_from(prior, el)))
}

#[async_trait]
impl ResourceType for EipAssociation {
    fn name(&self) -> &'static str {
        "aws_eip_association"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(&block(), ctx, &req, &[]))
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let nonempty = |n: &str| get_str(planned, n).filter(|s| !s.is_empty());
        let p = Params::new()
            .opt("AllocationId", nonempty("allocation_id"))
            .opt("InstanceId", nonempty("instance_id"))
            .opt("NetworkInterfaceId", nonempty("network_interface_id"))
            .opt("PrivateIpAddress", nonempty("private_ip_address"))
            .opt(
                "PublicIp",
                nonempty("public_ip").filter(|_| nonempty("allocation_id").is_none()),
            )
            .opt(
                "AllowReassociation",
                get_bool(planned, "allow_reassociation").map(|b| b.to_string()),
            );
        let r = aws
            .client
            .ec2_write("AssociateAddress", &p, Idempotency::Safe)
            .await
            .map_err(fail("creating EC2 EIP Association"))?;
        let id = r.text_of("associationId").ok_or_else(|| {
            ProviderError::new("creating EC2 EIP Association", "the answer has no id")
        })?;
        let with_id = with_attr(planned, "id", Value::string(id));
        super::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(
        &self,
        aws: &Aws,
        prior: &Value,
        _planned: &Value,
    ) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        read(aws, prior)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 EIP Association gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let p = Params::new().set("AssociationId", id);
        match aws
            .client
            .ec2_write("DisassociateAddress", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting EC2 EIP Association ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        // An association carries no tag: found by its configuration (below).
        Ok(None)
    }

    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // The configured address (by allocation id, else public IP), associated with the
        // configured instance or network interface.
        let nonempty = |n: &str| get_str(config, n).filter(|s| !s.is_empty());
        let filter = match (nonempty("allocation_id"), nonempty("public_ip")) {
            (Some(a), _) => ("allocation-id", a),
            (None, Some(ip)) => ("public-ip", ip),
            (None, None) => return Ok(None),
        };
        let target = [
            ("instance_id", "instanceId"),
            ("network_interface_id", "networkInterfaceId"),
        ];
        if target.iter().all(|(attr, _)| nonempty(attr).is_none()) {
            return Ok(None);
        }
        let found = DESCRIBE
            .filtered(aws, &[(filter.0.to_string(), vec![filter.1.to_string()])])
            .await
            .map_err(fail("finding EC2 EIP Association by its configuration"))?;
        Ok(found
            .iter()
            .find(|e| {
                e.text_of("associationId").is_some_and(|a| !a.is_empty())
                    && target.iter().all(|(attr, field)| match nonempty(attr) {
                        Some(want) => e.text_of(field) == Some(want),
                        None => true,
                    })
            })
            .map(|el| state_from(config, el)))
    }
}
