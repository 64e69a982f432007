//! `aws_caller_identity` (STS GetCallerIdentity) and `aws_region` (the configured region, or
//! the one named, with its endpoint).

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, with_attrs};
use terrane_provider::{BlockSchema, ProviderError, ResourceSchema};

use crate::client::endpoint::EC2;
use crate::common::{comp, fail, optc, Aws, DataSourceType};

pub struct CallerIdentity;

#[async_trait]
impl DataSourceType for CallerIdentity {
    fn name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                ("id", optc(Type::String)),
                ("account_id", comp(Type::String)),
                ("arn", comp(Type::String)),
                ("user_id", comp(Type::String)),
            ]),
        }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let (account, arn, user) = aws
            .caller()
            .await
            .map_err(|e| e.clone().into_provider_error("reading AWS caller identity"))?;
        Ok(with_attrs(
            &config,
            [
                ("id", Value::string(account)),
                ("account_id", Value::string(account)),
                ("arn", Value::string(arn)),
                ("user_id", Value::string(user)),
            ],
        ))
    }
}

pub struct Region;

#[async_trait]
impl DataSourceType for Region {
    fn name(&self) -> &'static str {
        "aws_region"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                ("id", optc(Type::String)),
                ("name", optc(Type::String)),
                ("region", optc(Type::String)),
                ("endpoint", optc(Type::String)),
                ("description", comp(Type::String)),
            ]),
        }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let name = get_str(&config, "region")
            .or(get_str(&config, "name"))
            .unwrap_or(&aws.client.region)
            .to_string();
        if name != aws.client.region {
            // Check that the region exists (DescribeRegions).
            let p = crate::client::Params::new().set("RegionName.1", &name);
            let r = aws
                .client
                .ec2("DescribeRegions", &p)
                .await
                .map_err(fail("reading AWS region"))?;
            if r.items("regionInfo").is_empty() {
                return Err(ProviderError::new(
                    "no matching Region found",
                    format!("AWS has no region named {name:?}."),
                ));
            }
        }
        let endpoint = aws.client.endpoints.resolve(&EC2, &name).0;
        let host = endpoint
            .split_once("://")
            .map(|(_, h)| h.to_string())
            .unwrap_or(endpoint);
        Ok(with_attrs(
            &config,
            [
                ("id", Value::string(&name)),
                ("name", Value::string(&name)),
                ("region", Value::string(&name)),
                ("endpoint", Value::string(host)),
                ("description", Value::string(description(&name))),
            ],
        ))
    }
}

/// AWS's description of a region (for the best-known ones).
fn description(region: &str) -> String {
    match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-west-2" => "Europe (London)",
        "eu-west-3" => "Europe (Paris)",
        "eu-central-1" => "Europe (Frankfurt)",
        "eu-north-1" => "Europe (Stockholm)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ca-central-1" => "Canada (Central)",
        "sa-east-1" => "South America (Sao Paulo)",
        _ => "",
    }
    .to_string()
}
