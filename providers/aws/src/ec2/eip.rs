//! `aws_eip`: an Elastic IP address allocated in the VPC domain, optionally associated with
//! an instance or a network interface (which changes in place); the id is the allocation id.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, PlanRequest, PlanResponse, ProviderError, ResourceSchema,
};

use super::{read_after_create, text, Describe};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, comp, fail, need, opt, optc, plan_generic, tag_attrs, Aws, PlanCtx, ResourceType,
    WithAttributes,
};
use crate::tags;

pub struct Eip;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeAddresses",
    id_param: "AllocationId",
    list: "addressesSet",
    id_field: "allocationId",
};

fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        ("domain", optc(st()).force_new()),
        ("vpc", optc(Type::Bool).force_new()),
        ("instance", optc(st())),
        ("network_interface", optc(st())),
        ("associate_with_private_ip", opt(st())),
        ("public_ipv4_pool", optc(st()).force_new()),
        ("network_border_group", optc(st()).force_new()),
        ("address", opt(st()).force_new()),
        ("customer_owned_ipv4_pool", opt(st()).force_new()),
        ("id", comp(st())),
        ("arn", comp(st())),
        ("allocation_id", comp(st())),
        ("association_id", comp(st())),
        ("public_ip", comp(st())),
        ("public_dns", comp(st())),
        ("private_ip", comp(st())),
        ("private_dns", comp(st())),
        ("carrier_ip", comp(st())),
        ("customer_owned_ip", comp(st())),
        ("ptr_record", comp(st())),
    ])
    .with_attributes_from(tag_attrs())
}

fn state_from(aws: &Aws, prior: &Value, owner: &str, el: &Element) -> Value {
    let id = el.text_of("allocationId").unwrap_or_default();
    let ip = el.text_of("publicIp").unwrap_or_default();
    let region = aws.client.region.as_str();
    let dns = format!("ec2-{}.compute-1.amazonaws.com", ip.replace('.', "-"));
    let dns = if region == "us-east-1" {
        dns
    } else {
        format!(
            "ec2-{}.{region}.compute.amazonaws.com",
            ip.replace('.', "-")
        )
    };
    let str_or = |n: &str| Value::string(el.text_of(n).unwrap_or(""));
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(id)),
            ("allocation_id", Value::string(id)),
            (
                "arn",
                Value::string(arn(aws, "ec2", owner, &format!("elastic-ip/{id}"))),
            ),
            ("domain", text(el, "domain")),
            ("vpc", Value::bool(el.text_of("domain") == Some("vpc"))),
            ("public_ip", Value::string(ip)),
            ("public_dns", Value::string(dns)),
            ("instance", str_or("instanceId")),
            ("network_interface", str_or("networkInterfaceId")),
            ("association_id", str_or("associationId")),
            ("private_ip", str_or("privateIpAddress")),
            ("private_dns", Value::string("")),
            ("public_ipv4_pool", str_or("publicIpv4Pool")),
            ("network_border_group", str_or("networkBorderGroup")),
            ("carrier_ip", str_or("carrierIp")),
            ("customer_owned_ip", str_or("customerOwnedIp")),
            ("ptr_record", Value::string("")),
        ],
    );
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let el = DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading EC2 EIP ({id})")))?;
    let owner = match aws.caller().await {
        Ok((account, _, _)) => account.clone(),
        Err(_) => String::new(),
    };
    Ok(el.map(|el| state_from(aws, prior, &owner, &el)))
}

/// Associates with the planned instance or network interface, disassociating first.
async fn associate(
    aws: &Aws,
    id: &str,
    prior: Option<&Value>,
    planned: &Value,
) -> Result<(), ProviderError> {
    let want_i = get_str(planned, "instance").filter(|s| !s.is_empty());
    let want_n = get_str(planned, "network_interface").filter(|s| !s.is_empty());
    if let Some(assoc) = prior
        .and_then(|p| get_str(p, "association_id"))
        .filter(|s| !s.is_empty())
    {
        let p = Params::new().set("AssociationId", assoc);
        match aws
            .client
            .ec2_write("DisassociateAddress", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into_provider_error(&format!("disassociating EC2 EIP ({id})"))),
        }
    }
    if want_i.is_none() && want_n.is_none() {
        return Ok(());
    }
    let p = Params::new()
        .set("AllocationId", id)
        .opt("InstanceId", want_i)
        .opt("NetworkInterfaceId", want_n)
        .opt(
            "PrivateIpAddress",
            get_str(planned, "associate_with_private_ip"),
        );
    aws.client
        .ec2_write("AssociateAddress", &p, Idempotency::Safe)
        .await
        .map(|_| ())
        .map_err(fail(format!("associating EC2 EIP ({id})")))
}

#[async_trait]
impl ResourceType for Eip {
    fn name(&self) -> &'static str {
        "aws_eip"
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

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let p = Params::new()
            .set("Domain", "vpc")
            .opt("Address", get_str(planned, "address"))
            .opt("PublicIpv4Pool", get_str(planned, "public_ipv4_pool"))
            .opt(
                "NetworkBorderGroup",
                get_str(planned, "network_border_group"),
            )
            .opt(
                "CustomerOwnedIpv4Pool",
                get_str(planned, "customer_owned_ipv4_pool"),
            );
        let p = tags::spec(p, "elastic-ip", &tags::for_create(planned, token));
        let id = DESCRIBE
            .create(aws, "AllocateAddress", &p, &["allocationId"], token)
            .await
            .map_err(fail("creating EC2 EIP"))?;
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        associate(aws, &id, None, planned).await.map_err(partial)?;
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let moved = ["instance", "network_interface", "associate_with_private_ip"]
            .iter()
            .any(|n| match (prior.get_attr(n), planned.get_attr(n)) {
                (Some(a), Some(b)) => b.is_known() && !a.raw_equals(b),
                _ => false,
            });
        if moved {
            associate(aws, id, Some(prior), planned).await?;
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 EIP ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 EIP gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        associate(aws, id, Some(prior), &object_for(&block(), [])).await?;
        let p = Params::new().set("AllocationId", id);
        match aws
            .client
            .ec2_write("ReleaseAddress", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("releasing EC2 EIP ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding EC2 EIP by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
