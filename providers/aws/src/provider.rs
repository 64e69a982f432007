//! The `aws` provider: its `provider` block (credentials, region, endpoints, retries,
//! `default_tags`, `ignore_tags`), configuration into a [`Client`], and dispatch of every call
//! to the resource type or data source it is for.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_list, get_string_map, with_attr,
};
use terrane_provider::{
    ApplyError, ApplyRequest, ApplyResponse, AttributeSchema, BlockSchema, Host, NestedBlockSchema,
    NestingMode, PlanRequest, PlanResponse, Provider, ProviderDiagnostic, ProviderError,
    ProviderSchema,
};

use crate::client::credentials::{self, ProcessEnv, Settings};
use crate::client::{endpoint, Client, Endpoints, RetryPolicy};
use crate::common::{Aws, DataSourceType, PlanCtx, ResourceType};

/// The `endpoints {}` keys accepted (Terraform's names for the services terrane may call;
/// the others are accepted too, so configurations written for Terraform load).
const ENDPOINT_KEYS: &[&str] = &[
    "acm",
    "apigateway",
    "autoscaling",
    "backup",
    "cloudformation",
    "cloudfront",
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "eks",
    "elasticache",
    "elb",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "sts",
];

fn opt(ty: Type) -> AttributeSchema {
    AttributeSchema::optional(ty)
}

fn provider_block() -> BlockSchema {
    let s = || opt(Type::String);
    let strings = || opt(Type::list(Type::String));
    let assume_role = BlockSchema::with_attributes([
        ("role_arn", s()),
        ("session_name", s()),
        ("external_id", s()),
        ("duration", s()),
        ("policy", s()),
        ("policy_arns", opt(Type::set(Type::String))),
        ("source_identity", s()),
        ("tags", opt(Type::map(Type::String))),
        ("transitive_tag_keys", opt(Type::set(Type::String))),
    ]);
    let web_identity = BlockSchema::with_attributes([
        ("role_arn", s()),
        ("session_name", s()),
        ("duration", s()),
        ("policy", s()),
        ("policy_arns", opt(Type::set(Type::String))),
        ("web_identity_token", s()),
        ("web_identity_token_file", s()),
    ]);
    let endpoints =
        BlockSchema::with_attributes(ENDPOINT_KEYS.iter().map(|k| (k.to_string(), s())));
    BlockSchema::with_attributes([
        ("access_key", s()),
        ("secret_key", s().sensitive()),
        ("token", s().sensitive()),
        ("profile", s()),
        ("region", s()),
        ("shared_credentials_files", strings()),
        ("shared_config_files", strings()),
        ("max_retries", opt(Type::Number)),
        ("retry_mode", s()),
        ("allowed_account_ids", opt(Type::set(Type::String))),
        ("forbidden_account_ids", opt(Type::set(Type::String))),
        ("skip_credentials_validation", opt(Type::Bool)),
        ("skip_metadata_api_check", s()),
        ("skip_region_validation", opt(Type::Bool)),
        ("skip_requesting_account_id", opt(Type::Bool)),
        ("s3_use_path_style", opt(Type::Bool)),
        ("sts_region", s()),
        ("use_dualstack_endpoint", opt(Type::Bool)),
        ("use_fips_endpoint", opt(Type::Bool)),
        ("insecure", opt(Type::Bool)),
        ("http_proxy", s()),
        ("https_proxy", s()),
        ("no_proxy", s()),
        ("custom_ca_bundle", s()),
        ("ec2_metadata_service_endpoint", s()),
        ("ec2_metadata_service_endpoint_mode", s()),
        ("token_bucket_rate_limiter_capacity", opt(Type::Number)),
    ])
    .with_block(
        "assume_role",
        NestedBlockSchema::new(NestingMode::List, assume_role),
    )
    .with_block(
        "assume_role_with_web_identity",
        NestedBlockSchema::new(NestingMode::List, web_identity).items(0, 1),
    )
    .with_block(
        "default_tags",
        NestedBlockSchema::new(
            NestingMode::List,
            BlockSchema::with_attributes([("tags", opt(Type::map(Type::String)))]),
        )
        .items(0, 1),
    )
    .with_block(
        "ignore_tags",
        NestedBlockSchema::new(
            NestingMode::List,
            BlockSchema::with_attributes([
                ("keys", opt(Type::set(Type::String))),
                ("key_prefixes", opt(Type::set(Type::String))),
            ]),
        )
        .items(0, 1),
    )
    .with_block(
        "endpoints",
        NestedBlockSchema::new(NestingMode::List, endpoints),
    )
}

/// Adds what every resource has in Terraform's AWS provider: `region` (the region it lives
/// in, the provider's unless set; changing it replaces the resource) and a `timeouts` block;
/// data sources get `region`.
fn with_common_arguments(block: &mut BlockSchema, resource: bool) {
    if !block.attributes.contains_key("region") {
        let region = AttributeSchema::optional_computed(Type::String);
        let region = if resource { region.force_new() } else { region };
        block.attributes.insert("region".into(), region);
    }
    if resource && !block.blocks.contains_key("timeouts") {
        let t = BlockSchema::with_attributes(
            ["create", "read", "update", "delete"].map(|k| (k, opt(Type::String))),
        );
        block.blocks.insert(
            "timeouts".into(),
            NestedBlockSchema::new(NestingMode::Single, t),
        );
    }
}

/// `v` with every attribute of `block` it lacks added as null (empty for nested blocks): a
/// state a resource type built from its own schema, given the common arguments.
fn conform(block: &BlockSchema, v: Value) -> Value {
    match v.entries() {
        Some(m) => terrane_provider::values::object_for(
            block,
            m.iter().map(|(k, v)| (k.as_str(), v.clone())),
        ),
        None => v,
    }
}

/// `state` with `region` set when it is null.
fn with_region(state: Value, region: &str) -> Value {
    if get_str(&state, "region").is_some() || state.get_attr("region").is_none() {
        return state;
    }
    with_attr(&state, "region", Value::string(region))
}

/// The AWS provider.
pub struct AwsProvider {
    schema: ProviderSchema,
    resources: BTreeMap<&'static str, Box<dyn ResourceType>>,
    data_sources: BTreeMap<&'static str, Box<dyn DataSourceType>>,
    configured: RwLock<Option<Arc<Aws>>>,
    /// Relative `shared_*_files` paths are resolved against its working directory.
    host: Arc<dyn Host>,
}

/// The first block of a list of blocks.
fn first_block<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .get_attr(name)
        .and_then(Value::elements)
        .and_then(|e| e.first())
}

impl AwsProvider {
    pub fn new(host: Arc<dyn Host>) -> AwsProvider {
        let mut resources = crate::ec2::resources();
        resources.extend(crate::iam::resources());
        resources.extend(crate::elb::resources());
        resources.extend(crate::s3::resources());
        resources.extend(crate::cloudwatch::resources());
        resources.extend(crate::autoscaling::resources());
        resources.extend(crate::efs::resources());
        resources.extend(crate::rds::resources());
        resources.extend(crate::route53::resources());
        let data_sources = crate::data::data_sources();
        let mut schema = ProviderSchema {
            provider: provider_block(),
            ..ProviderSchema::default()
        };
        for r in &resources {
            let mut rs = r.schema();
            with_common_arguments(&mut rs.block, true);
            // Each type has the arguments terrane implements, not yet all of Terraform's.
            rs.block.mark_partial();
            schema.resources.insert(r.name().to_string(), rs);
        }
        for d in &data_sources {
            let mut ds = d.schema();
            with_common_arguments(&mut ds.block, false);
            schema.data_sources.insert(d.name().to_string(), ds);
        }
        AwsProvider {
            schema,
            resources: resources.into_iter().map(|r| (r.name(), r)).collect(),
            data_sources: data_sources.into_iter().map(|d| (d.name(), d)).collect(),
            configured: RwLock::new(None),
            host,
        }
    }

    fn resource(&self, type_name: &str) -> Result<&dyn ResourceType, ProviderError> {
        self.resources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| ProviderError::unsupported_type("aws", type_name))
    }

    fn data_source(&self, type_name: &str) -> Result<&dyn DataSourceType, ProviderError> {
        self.data_sources
            .get(type_name)
            .map(|d| d.as_ref())
            .ok_or_else(|| {
                ProviderError::new(
                    "Invalid data source",
                    format!("The provider \"aws\" does not support data source {type_name:?}."),
                )
            })
    }

    /// The configured provider. When `configure` was not called (a configuration without a
    /// `provider "aws"` block, or the engine's destroy of objects whose configuration is gone),
    /// the provider configures itself as an empty block would: from the environment and the
    /// shared files alone.
    fn aws(&self) -> Result<Arc<Aws>, ProviderError> {
        let poisoned = || ProviderError::new("Provider not configured", "A lock was poisoned.");
        if let Some(a) = self.configured.read().map_err(|_| poisoned())?.clone() {
            return Ok(a);
        }
        let empty = terrane_provider::values::object_for(&self.schema.provider, []);
        let aws = Arc::new(configure_from(&empty, &self.host.working_dir())?);
        let mut guard = self.configured.write().map_err(|_| poisoned())?;
        Ok(guard.get_or_insert(aws).clone())
    }

    /// The configured provider, in the region a state or configuration names.
    fn aws_for(&self, v: Option<&Value>) -> Result<Arc<Aws>, ProviderError> {
        let aws = self.aws()?;
        match v.and_then(|v| get_str(v, "region")) {
            Some(r) if r != aws.client.region => Ok(Arc::new(aws.in_region(r))),
            _ => Ok(aws),
        }
    }

    fn plan_ctx(&self) -> PlanCtx {
        // Planning makes no calls, but needs the region and default tags: configure from the
        // environment if the engine did not (no provider block).
        let aws = self.aws().ok();
        PlanCtx {
            default_tags: aws
                .as_ref()
                .map(|a| a.default_tags.clone())
                .unwrap_or_default(),
            region: aws.as_ref().map(|a| a.client.region.clone()),
        }
    }
}

/// Builds the client from the provider block and the environment; relative file paths are
/// taken from `base`.
pub fn configure_from(config: &Value, base: &std::path::Path) -> Result<Aws, ProviderError> {
    let files = |name: &str| -> Vec<PathBuf> {
        get_string_list(config, name)
            .unwrap_or_default()
            .into_iter()
            .map(|f| {
                let p = PathBuf::from(&f);
                if p.is_relative() && !f.starts_with("~/") {
                    base.join(p)
                } else {
                    p
                }
            })
            .collect()
    };
    let settings = Settings {
        access_key: get_str(config, "access_key").map(str::to_string),
        secret_key: get_str(config, "secret_key").map(str::to_string),
        token: get_str(config, "token").map(str::to_string),
        profile: get_str(config, "profile").map(str::to_string),
        region: get_str(config, "region").map(str::to_string),
        shared_credentials_files: files("shared_credentials_files"),
        shared_config_files: files("shared_config_files"),
    };
    let (creds, region) = credentials::resolve(&settings, &ProcessEnv)
        .map_err(|e| ProviderError::new("Invalid provider configuration", e.to_string()))?;
    let mut configured = BTreeMap::new();
    if let Some(e) = first_block(config, "endpoints") {
        if let Some(m) = e.entries() {
            for (k, v) in m {
                if let Some(u) = v.as_str() {
                    configured.insert(k.clone(), u.to_string());
                }
            }
        }
    }
    let endpoints = Endpoints::from_env(configured, endpoint::ALL, |n| {
        std::env::var(n).ok().filter(|v| !v.is_empty())
    });
    let retry = match get_i64(config, "max_retries")? {
        Some(n) => RetryPolicy::with_max_retries(n.clamp(0, 100) as u32),
        None => RetryPolicy::default(),
    };
    let mut client = Client::new(creds, region, endpoints, retry)
        .map_err(|e| ProviderError::new("Invalid provider configuration", e.to_string()))?;
    client.s3_path_style = get_bool(config, "s3_use_path_style").unwrap_or(false);
    let default_tags = first_block(config, "default_tags")
        .and_then(|b| get_string_map(b, "tags"))
        .unwrap_or_default();
    let ignore = first_block(config, "ignore_tags");
    Ok(Aws {
        client,
        default_tags,
        ignore_keys: ignore
            .and_then(|b| get_string_list(b, "keys"))
            .unwrap_or_default(),
        ignore_prefixes: ignore
            .and_then(|b| get_string_list(b, "key_prefixes"))
            .unwrap_or_default(),
        skip_account_id: get_bool(config, "skip_requesting_account_id").unwrap_or(false),
        account: tokio::sync::OnceCell::new(),
    })
}

#[async_trait]
impl Provider for AwsProvider {
    fn name(&self) -> &str {
        "aws"
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn implements_all_types(&self) -> bool {
        false
    }

    async fn configure(&self, config: Value) -> Result<(), ProviderError> {
        for block in ["assume_role", "assume_role_with_web_identity"] {
            if first_block(&config, block).is_some() {
                return Err(ProviderError::new(
                    "Not supported yet",
                    format!("The aws provider's {block} block is not supported yet: terrane would use the base credentials instead of the role's, so it refuses to go on."),
                )
                .at_attr(block));
            }
        }
        let aws = configure_from(&config, &self.host.working_dir())?;
        let allowed = get_string_list(&config, "allowed_account_ids");
        let forbidden = get_string_list(&config, "forbidden_account_ids");
        if allowed.is_some() || forbidden.is_some() {
            let account = aws
                .caller()
                .await
                .map_err(|e| e.clone().into_provider_error("checking the AWS account"))?
                .0
                .clone();
            if allowed.is_some_and(|a| !a.contains(&account)) {
                return Err(ProviderError::new(
                    "Invalid provider configuration",
                    format!("AWS account ID not allowed: {account}"),
                ));
            }
            if forbidden.is_some_and(|f| f.contains(&account)) {
                return Err(ProviderError::new(
                    "Invalid provider configuration",
                    format!("AWS account ID not allowed: {account} (forbidden)"),
                ));
            }
        }
        let mut guard = self
            .configured
            .write()
            .map_err(|_| ProviderError::new("Provider not configured", "A lock was poisoned."))?;
        *guard = Some(Arc::new(aws));
        Ok(())
    }

    fn validate_resource(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        match self.resource(type_name) {
            Ok(r) => r.validate(config),
            Err(e) => vec![e.into()],
        }
    }

    fn validate_data_source(&self, type_name: &str, config: &Value) -> Vec<ProviderDiagnostic> {
        match self.data_source(type_name) {
            Ok(d) => d.validate(config),
            Err(e) => vec![e.into()],
        }
    }

    async fn plan_resource(&self, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let r = self.resource(&req.type_name)?;
        let ctx = self.plan_ctx();
        let config_region = get_str(&req.config, "region").map(str::to_string);
        let prior_region = req
            .prior_state
            .as_ref()
            .and_then(|p| get_str(p, "region"))
            .map(str::to_string);
        let mut resp = r.plan(&ctx, req)?;
        let region = config_region
            .or(prior_region.clone())
            .or(ctx.region.clone());
        if let Some(region) = region {
            if resp.planned_state.get_attr("region").is_some() {
                resp.planned_state =
                    with_attr(&resp.planned_state, "region", Value::string(&region));
            }
            if prior_region.is_some_and(|p| p != region) {
                resp.requires_replace
                    .push(terrane_dsl::value::Path::root().attr("region"));
            }
        }
        Ok(resp)
    }

    async fn apply_resource(&self, req: ApplyRequest) -> Result<ApplyResponse, ApplyError> {
        let r = self.resource(&req.type_name)?;
        let aws = self.aws_for(req.planned_state.as_ref().or(req.prior_state.as_ref()))?;
        let new_state = match (&req.prior_state, &req.planned_state) {
            (Some(prior), None) => {
                r.delete(&aws, prior).await?;
                None
            }
            (None, Some(planned)) => {
                let token = req
                    .idempotency_token
                    .clone()
                    .unwrap_or_else(|| uuid_like(&req.type_name));
                Some(r.create(&aws, planned, &token).await?)
            }
            (Some(prior), Some(planned)) => Some(r.update(&aws, prior, planned).await?),
            (None, None) => None,
        };
        Ok(ApplyResponse {
            new_state: new_state.map(|s| with_region(s, &aws.client.region)),
            private: None,
        })
    }

    async fn read_resource(
        &self,
        type_name: &str,
        current_state: Value,
        _private: Option<Vec<u8>>,
    ) -> Result<Option<Value>, ProviderError> {
        let r = self.resource(type_name)?;
        let aws = self.aws_for(Some(&current_state))?;
        Ok(r.read(&aws, &current_state)
            .await?
            .map(|s| with_region(s, &aws.client.region)))
    }

    async fn import_resource(
        &self,
        type_name: &str,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let r = self.resource(type_name)?;
        let schema = r.schema();
        let aws = self.aws()?;
        let mut block = schema.block;
        with_common_arguments(&mut block, true);
        Ok(r.import(&aws, &block, id)
            .await?
            .into_iter()
            .map(|s| with_region(conform(&block, s), &aws.client.region))
            .collect())
    }

    async fn read_data_source(
        &self,
        type_name: &str,
        config: Value,
    ) -> Result<Value, ProviderError> {
        let d = self.data_source(type_name)?;
        let aws = if type_name == "aws_region" {
            self.aws()?
        } else {
            self.aws_for(Some(&config))?
        };
        Ok(with_region(d.read(&aws, config).await?, &aws.client.region))
    }

    async fn find_by_token(
        &self,
        type_name: &str,
        token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        let r = self.resource(type_name)?;
        let aws = self.aws()?;
        let block = &self.schema.resources[type_name].block;
        Ok(r.find_by_token(&aws, token)
            .await?
            .map(|s| with_region(conform(block, s), &aws.client.region)))
    }

    async fn find_by_config(
        &self,
        type_name: &str,
        config: Value,
    ) -> Result<Option<Value>, ProviderError> {
        let r = self.resource(type_name)?;
        let aws = self.aws_for(Some(&config))?;
        let block = &self.schema.resources[type_name].block;
        Ok(r.find_by_config(&aws, &config)
            .await?
            .map(|s| with_region(conform(block, s), &aws.client.region)))
    }
}

/// A token for a create the engine gave none (direct calls outside the engine).
fn uuid_like(type_name: &str) -> String {
    use rand::Rng;
    let n: u128 = rand::thread_rng().gen();
    format!("{type_name}-{n:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_provider::values::{object_for, string_list};

    #[tokio::test]
    async fn provider_block_profile_and_relative_shared_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("creds"),
            "[team]\naws_access_key_id = AKTEAM\naws_secret_access_key = steam\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("config"),
            "[profile team]\nregion = eu-north-1\n",
        )
        .unwrap();
        let p = AwsProvider::new(Arc::new(terrane_provider::BasicHost::new(dir.path())));
        let config = object_for(
            &p.schema().provider,
            [
                ("profile", Value::string("team")),
                (
                    "shared_credentials_files",
                    string_list(["creds".to_string()]),
                ),
                ("shared_config_files", string_list(["config".to_string()])),
            ],
        );
        p.configure(config).await.unwrap();
        let aws = p.aws().unwrap();
        assert_eq!(aws.client.creds.access_key_id, "AKTEAM");
        // (The environment's AWS_REGION / AWS_DEFAULT_REGION come before the profile's.)
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            assert_eq!(aws.client.region, "eu-north-1");
        }
        assert_eq!(aws.client.creds.source, "profile team");
    }

    #[tokio::test]
    async fn assume_role_is_refused_not_ignored() {
        let p = AwsProvider::new(Arc::new(terrane_provider::BasicHost::new(".")));
        let schema = p.schema().provider.clone();
        let role = object_for(
            &schema.blocks["assume_role"].block,
            [("role_arn", Value::string("arn:aws:iam::1:role/x"))],
        );
        let config = object_for(
            &schema,
            [(
                "assume_role",
                Value::list(role.ty().clone(), vec![role]).unwrap(),
            )],
        );
        let e = p.configure(config).await.unwrap_err();
        assert_eq!(e.summary, "Not supported yet");
    }
}
