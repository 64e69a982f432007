//! `aws_availability_zones`: the region's zones, filtered by state, `filter` blocks and the
//! exclusion lists.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, get_string_list, string_list, with_attrs};
use terrane_provider::{
    BlockSchema, NestedBlockSchema, NestingMode, ProviderError, ResourceSchema,
};

use crate::client::Params;
use crate::common::{comp, fail, opt, optc, string_set, Aws, DataSourceType};

pub struct AvailabilityZones;

/// The `filter { name = ..., values = [...] }` blocks of EC2 data sources.
pub fn filter_block() -> NestedBlockSchema {
    NestedBlockSchema::new(
        NestingMode::Set,
        BlockSchema::with_attributes([
            (
                "name",
                terrane_provider::AttributeSchema::required(Type::String),
            ),
            (
                "values",
                terrane_provider::AttributeSchema::required(Type::set(Type::String)),
            ),
        ]),
    )
}

/// The configured `filter` blocks as EC2 filters.
pub fn filters(config: &Value) -> Vec<(String, Vec<String>)> {
    config
        .get_attr("filter")
        .and_then(Value::elements)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            Some((
                get_str(f, "name")?.to_string(),
                get_string_list(f, "values").unwrap_or_default(),
            ))
        })
        .collect()
}

#[async_trait]
impl DataSourceType for AvailabilityZones {
    fn name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                ("id", optc(Type::String)),
                ("all_availability_zones", opt(Type::Bool)),
                ("exclude_names", opt(Type::set(Type::String))),
                ("exclude_zone_ids", opt(Type::set(Type::String))),
                ("state", opt(Type::String)),
                ("names", comp(Type::list(Type::String))),
                ("zone_ids", comp(Type::list(Type::String))),
                ("group_names", comp(Type::set(Type::String))),
            ])
            .with_block("filter", filter_block()),
        }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let mut f = filters(&config);
        if let Some(s) = get_str(&config, "state") {
            f.push(("state".into(), vec![s.to_string()]));
        }
        let mut p = Params::new().filters(&f);
        if get_bool(&config, "all_availability_zones") == Some(true) {
            p = p.set("AllAvailabilityZones", "true");
        }
        let r = aws
            .client
            .ec2("DescribeAvailabilityZones", &p)
            .await
            .map_err(fail("reading Availability Zones"))?;
        let ex_names = get_string_list(&config, "exclude_names").unwrap_or_default();
        let ex_ids = get_string_list(&config, "exclude_zone_ids").unwrap_or_default();
        let mut zones: Vec<(String, String, String)> = r
            .items("availabilityZoneInfo")
            .iter()
            .filter_map(|z| {
                let name = z.text_of("zoneName")?.to_string();
                let id = z.text_of("zoneId").unwrap_or_default().to_string();
                let group = z
                    .text_of("groupName")
                    .unwrap_or(&aws.client.region)
                    .to_string();
                Some((name, id, group))
            })
            .filter(|(n, i, _)| !ex_names.contains(n) && !ex_ids.contains(i))
            .collect();
        zones.sort();
        Ok(with_attrs(
            &config,
            [
                ("id", Value::string(&aws.client.region)),
                ("names", string_list(zones.iter().map(|z| z.0.clone()))),
                ("zone_ids", string_list(zones.iter().map(|z| z.1.clone()))),
                ("group_names", string_set(zones.iter().map(|z| z.2.clone()))),
            ],
        ))
    }
}
