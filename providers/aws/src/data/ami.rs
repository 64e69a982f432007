//! `aws_ami`: the AMI matching owners, filters and a name regex (the most recent one when
//! asked and several match).

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, get_string_list, string_map, with_attrs};
use terrane_provider::{BlockSchema, ProviderError, ResourceSchema};

use super::availability_zones::{filter_block, filters};
use crate::client::Params;
use crate::common::{b, comp, fail, opt, optc, Aws, DataSourceType};

pub struct Ami;

const STRINGS: &[(&str, &str)] = &[
    ("architecture", "architecture"),
    ("creation_date", "creationDate"),
    ("deprecation_time", "deprecationTime"),
    ("description", "description"),
    ("hypervisor", "hypervisor"),
    ("image_id", "imageId"),
    ("image_location", "imageLocation"),
    ("image_owner_alias", "imageOwnerAlias"),
    ("image_type", "imageType"),
    ("imds_support", "imdsSupport"),
    ("kernel_id", "kernelId"),
    ("name", "name"),
    ("owner_id", "imageOwnerId"),
    ("platform", "platform"),
    ("platform_details", "platformDetails"),
    ("ramdisk_id", "ramdiskId"),
    ("root_device_name", "rootDeviceName"),
    ("root_device_type", "rootDeviceType"),
    ("sriov_net_support", "sriovNetSupport"),
    ("state", "imageState"),
    ("tpm_support", "tpmSupport"),
    ("usage_operation", "usageOperation"),
    ("virtualization_type", "virtualizationType"),
    ("boot_mode", "bootMode"),
];

#[async_trait]
impl DataSourceType for Ami {
    fn name(&self) -> &'static str {
        "aws_ami"
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = BlockSchema::with_attributes([
            ("id", optc(Type::String)),
            ("owners", opt(Type::list(Type::String))),
            ("executable_users", opt(Type::list(Type::String))),
            ("most_recent", opt(Type::Bool)),
            ("name_regex", opt(Type::String)),
            ("include_deprecated", opt(Type::Bool)),
            ("allow_unsafe_filter", opt(Type::Bool)),
            ("arn", comp(Type::String)),
            ("ena_support", comp(Type::Bool)),
            ("public", comp(Type::Bool)),
            ("root_snapshot_id", comp(Type::String)),
            ("tags", comp(Type::map(Type::String))),
        ])
        .with_block("filter", filter_block());
        for (attr, _) in STRINGS {
            block
                .attributes
                .insert(attr.to_string(), comp(Type::String));
        }
        ResourceSchema { version: 0, block }
    }

    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError> {
        let mut p = Params::new().filters(&filters(&config));
        if let Some(o) = get_string_list(&config, "owners") {
            p = p.list("Owner", &o);
        }
        if let Some(u) = get_string_list(&config, "executable_users") {
            p = p.list("ExecutableBy", &u);
        }
        if get_bool(&config, "include_deprecated") == Some(true) {
            p = p.set("IncludeDeprecated", "true");
        }
        let images = aws
            .client
            .ec2_pages("DescribeImages", &p, "imagesSet")
            .await
            .map_err(fail("reading EC2 AMIs"))?;
        // Go's RE2 syntax, which the regex crate implements.
        let re = match get_str(&config, "name_regex") {
            Some(r) => Some(regex::Regex::new(r).map_err(|e| {
                ProviderError::new("Invalid name_regex", e.to_string()).at_attr("name_regex")
            })?),
            None => None,
        };
        let mut matched: Vec<_> = images
            .iter()
            .filter(|i| {
                re.as_ref()
                    .is_none_or(|re| re.is_match(i.text_of("name").unwrap_or_default()))
            })
            .collect();
        if matched.is_empty() {
            return Err(ProviderError::new(
                "Your query returned no results. Please change your search criteria and try again.",
                "",
            ));
        }
        if matched.len() > 1 && get_bool(&config, "most_recent") != Some(true) {
            return Err(ProviderError::new(
                "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
                "",
            ));
        }
        matched.sort_by(|a, b| {
            a.text_of("creationDate")
                .unwrap_or_default()
                .cmp(b.text_of("creationDate").unwrap_or_default())
        });
        let Some(img) = matched.last() else {
            return Err(ProviderError::new("no AMI", ""));
        };
        let id = img.text_of("imageId").unwrap_or_default();
        let mut attrs: Vec<(&str, Value)> = STRINGS
            .iter()
            .map(|(attr, field)| (*attr, Value::string(img.text_of(field).unwrap_or(""))))
            .collect();
        let root_snapshot = img
            .items("blockDeviceMapping")
            .into_iter()
            .find(|m| m.text_of("deviceName") == img.text_of("rootDeviceName"))
            .and_then(|m| m.text_at(&["ebs", "snapshotId"]))
            .unwrap_or("")
            .to_string();
        attrs.extend([
            ("id", Value::string(id)),
            (
                "arn",
                Value::string(format!(
                    "arn:{}:ec2:{}::image/{id}",
                    aws.partition(),
                    aws.client.region
                )),
            ),
            (
                "ena_support",
                b(Some(img.bool_of("enaSupport").unwrap_or(false))),
            ),
            ("public", b(Some(img.bool_of("isPublic").unwrap_or(false)))),
            ("root_snapshot_id", Value::string(root_snapshot)),
            ("tags", string_map(crate::tags::from_ec2(aws, img))),
        ]);
        Ok(with_attrs(&config, attrs))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_patterns() {
        let re = regex::Regex::new("^amzn2-ami-hvm-.*-x86_64-gp2$").unwrap();
        assert!(re.is_match("amzn2-ami-hvm-2.0.2024-x86_64-gp2"));
        assert!(!re.is_match("amzn2-ami-hvm-2.0-arm64-gp2"));
    }
}
