//! `aws_internet_gateway`: an internet gateway, attached to `vpc_id` when set (attaching,
//! detaching and moving it happen in place).

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{ApplyError, BlockSchema, ProviderError, ResourceSchema};

use super::{read_after_create, Describe};
use crate::client::{Idempotency, Params};
use crate::common::{
    arn, comp, fail, need, opt, retry_on, s, tag_attrs, Aws, ResourceType, WithAttributes,
};
use crate::tags;

pub struct InternetGateway;

pub const DESCRIBE: Describe = Describe {
    action: "DescribeInternetGateways",
    id_param: "InternetGatewayId",
    list: "internetGatewaySet",
    id_field: "internetGatewayId",
};

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("vpc_id", opt(Type::String)),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("owner_id", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let Some(el) = DESCRIBE
        .one(aws, id)
        .await
        .map_err(fail(format!("reading EC2 Internet Gateway ({id})")))?
    else {
        return Ok(None);
    };
    let vpc = el
        .items("attachmentSet")
        .into_iter()
        .find(|a| a.text_of("state") != Some("detached"))
        .and_then(|a| a.text_of("vpcId"))
        .map(str::to_string);
    let owner = el.text_of("ownerId").unwrap_or_default().to_string();
    let v = with_attrs(
        prior,
        [
            ("vpc_id", s(vpc.as_deref())),
            ("owner_id", Value::string(&owner)),
            (
                "arn",
                Value::string(arn(aws, "ec2", &owner, &format!("internet-gateway/{id}"))),
            ),
        ],
    );
    Ok(Some(with_attrs(
        &v,
        tags::state_values(aws, prior, tags::from_ec2(aws, &el)),
    )))
}

async fn attach(aws: &Aws, id: &str, vpc: &str) -> Result<(), ProviderError> {
    let p = Params::new().set("InternetGatewayId", id).set("VpcId", vpc);
    match aws
        .client
        .ec2_write("AttachInternetGateway", &p, Idempotency::Safe)
        .await
    {
        Ok(_) => Ok(()),
        // Already attached to this VPC (a retried call).
        Err(e) if e.is("Resource.AlreadyAssociated") => Ok(()),
        Err(e) => Err(e.into_provider_error(&format!(
            "attaching EC2 Internet Gateway ({id}) to VPC ({vpc})"
        ))),
    }
}

async fn detach(aws: &Aws, id: &str, vpc: &str) -> Result<(), ProviderError> {
    let p = Params::new().set("InternetGatewayId", id).set("VpcId", vpc);
    match retry_on(&["DependencyViolation"], Duration::from_secs(120), || {
        aws.client
            .ec2_write("DetachInternetGateway", &p, Idempotency::Safe)
    })
    .await
    {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() || e.is("Gateway.NotAttached") => Ok(()),
        Err(e) => Err(e.into_provider_error(&format!(
            "detaching EC2 Internet Gateway ({id}) from VPC ({vpc})"
        ))),
    }
}

#[async_trait]
impl ResourceType for InternetGateway {
    fn name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let p = tags::spec(
            Params::new(),
            "internet-gateway",
            &tags::for_create(planned, token),
        );
        let id = DESCRIBE
            .create(
                aws,
                "CreateInternetGateway",
                &p,
                &["internetGateway", "internetGatewayId"],
                token,
            )
            .await
            .map_err(fail("creating EC2 Internet Gateway"))?;
        let with_id = with_attr(planned, "id", Value::string(&id));
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        if let Some(vpc) = get_str(planned, "vpc_id") {
            attach(aws, &id, vpc).await.map_err(partial)?;
        }
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let old = get_str(prior, "vpc_id");
        let new = get_str(planned, "vpc_id");
        if old != new {
            if let Some(o) = old {
                detach(aws, id, o).await?;
            }
            if let Some(n) = new {
                attach(aws, id, n).await?;
            }
        }
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 Internet Gateway ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 Internet Gateway gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        // Detach from whatever VPC it is attached to now.
        if let Some(now) = read(aws, prior).await? {
            if let Some(vpc) = get_str(&now, "vpc_id") {
                detach(aws, id, vpc).await?;
            }
        }
        let p = Params::new().set("InternetGatewayId", id);
        match retry_on(
            &["DependencyViolation"],
            crate::common::timeout(prior, "delete", Duration::from_secs(120)),
            || {
                aws.client
                    .ec2_write("DeleteInternetGateway", &p, Idempotency::Safe)
            },
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting EC2 Internet Gateway ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = DESCRIBE
            .by_token(aws, token)
            .await
            .map_err(fail("finding EC2 Internet Gateway by token"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}
