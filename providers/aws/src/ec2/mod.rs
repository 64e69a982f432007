//! EC2 and VPC resource types (one file each) and what they share: describing one object by
//! id, finding one by the token tag, and creating without duplicates.

pub mod ebs_volume;
pub mod eip;
pub mod eip_association;
pub mod instance;
pub mod instance_api;
pub mod internet_gateway;
pub mod key_pair;
pub mod launch_template;
pub mod route;
pub mod route_table;
pub mod route_table_association;
pub mod security_group;
pub mod security_group_rule;
pub mod sg_rules;
pub mod subnet;
pub mod volume_attachment;
pub mod vpc;

use std::time::Duration;

use terrane_dsl::value::Value;
use terrane_provider::ProviderError;

use crate::client::{retry, AwsError, Element, Idempotency, Params};
use crate::common::{Aws, ResourceType};
use crate::tags;

pub use vpc::block as vpc_block;

/// Every resource type of this module.
pub fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(vpc::Vpc),
        Box::new(subnet::Subnet),
        Box::new(internet_gateway::InternetGateway),
        Box::new(route_table::RouteTable),
        Box::new(route::Route),
        Box::new(route_table_association::RouteTableAssociation),
        Box::new(security_group::SecurityGroup),
        Box::new(security_group_rule::SecurityGroupRule),
        Box::new(key_pair::KeyPair),
        Box::new(instance::Instance),
        Box::new(eip::Eip),
        Box::new(ebs_volume::EbsVolume),
        Box::new(volume_attachment::VolumeAttachment),
        Box::new(eip_association::EipAssociation),
        Box::new(launch_template::LaunchTemplate),
    ]
}

/// How to describe one kind of EC2 object.
pub struct Describe {
    /// "DescribeVpcs".
    pub action: &'static str,
    /// The id list parameter ("VpcId").
    pub id_param: &'static str,
    /// The list in the answer ("vpcSet").
    pub list: &'static str,
    /// The id field of a member ("vpcId").
    pub id_field: &'static str,
}

impl Describe {
    /// The object with this id, `None` when AWS says it does not exist.
    pub async fn one(&self, aws: &Aws, id: &str) -> Result<Option<Element>, AwsError> {
        let p = Params::new().set(format!("{}.1", self.id_param), id);
        match aws.client.ec2(self.action, &p).await {
            Ok(r) => Ok(r
                .items(self.list)
                .into_iter()
                .find(|e| e.text_of(self.id_field) == Some(id))
                .cloned()),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The objects matching these filters (every page).
    pub async fn filtered(
        &self,
        aws: &Aws,
        filters: &[(String, Vec<String>)],
    ) -> Result<Vec<Element>, AwsError> {
        let p = Params::new().filters(filters);
        aws.client.ec2_pages(self.action, &p, self.list).await
    }

    /// The id of the object tagged with `token`.
    pub async fn by_token(&self, aws: &Aws, token: &str) -> Result<Option<String>, AwsError> {
        let found = self.filtered(aws, &[tags::token_filter(token)]).await?;
        Ok(found
            .first()
            .and_then(|e| e.text_of(self.id_field))
            .map(str::to_string))
    }

    /// Creates with `action` (whose answer holds the new id at `id_path`), once: when the
    /// outcome of an attempt is unknown (a 5xx, a lost connection), looks for the object by
    /// its token tag before trying again, so a retry never makes a second one.
    pub async fn create(
        &self,
        aws: &Aws,
        action: &str,
        params: &Params,
        id_path: &[&str],
        token: &str,
    ) -> Result<String, AwsError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .client
                .ec2_write(action, params, Idempotency::Unsafe)
                .await
            {
                Ok(r) => {
                    return r
                        .text_at(id_path)
                        .map(str::to_string)
                        .ok_or_else(|| AwsError {
                            kind: crate::client::ErrorKind::Parse,
                            service: "ec2",
                            action: action.to_string(),
                            status: None,
                            code: "MissingId".into(),
                            message: format!("the answer has no {}", id_path.join(".")),
                            request_id: None,
                        })
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if let Some(id) = self.by_token(aws, token).await? {
                        return Ok(id);
                    }
                    tokio::time::sleep(Duration::from_millis(200 * attempts)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Reads an object right after creating it, tolerating AWS's eventual consistency (the new
/// id may not be visible at once).
pub async fn read_after_create<T, F, Fut>(mut read: F) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, ProviderError>>,
{
    let mut wait = Duration::from_millis(100);
    for _ in 0..8 {
        if let Some(v) = read().await? {
            return Ok(v);
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
    Err(ProviderError::new(
        "Object not found after create",
        "AWS did not show the object it just created.",
    ))
}

/// The text of an element's child, as a state value.
pub fn text(el: &Element, name: &str) -> Value {
    crate::common::s(el.text_of(name))
}

#[cfg(test)]
mod vpc_tests;

#[cfg(test)]
mod network_tests;

#[cfg(test)]
mod compute_tests;
