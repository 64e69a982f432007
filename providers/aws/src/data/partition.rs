//! `aws_partition`: the partition of the configured region and its DNS suffix.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::with_attrs;
use terrane_provider::{BlockSchema, ProviderError, ResourceSchema};

use crate::common::{comp, optc, Aws, DataSourceType};

pub struct Partition;

#[async_trait]
impl DataSourceType for Partition {
    fn name(&self) -> &'static str {
        "aws_partition"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                ("id", optc(Type::String)),
                ("partition", comp(Type::String)),
                ("dns_suffix", comp(Type::String)),
                ("reverse_dns_prefix", comp(Type::String)),
            ]),
        }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let partition = aws.partition();
        let (dns, reverse) = match partition {
            "aws-cn" => ("amazonaws.com.cn", "cn.com.amazonaws"),
            _ => ("amazonaws.com", "com.amazonaws"),
        };
        Ok(with_attrs(
            &config,
            [
                ("id", Value::string(partition)),
                ("partition", Value::string(partition)),
                ("dns_suffix", Value::string(dns)),
                ("reverse_dns_prefix", Value::string(reverse)),
            ],
        ))
    }
}
