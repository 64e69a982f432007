//! What every resource type and data source shares: the configured [`Aws`] context, the
//! [`ResourceType`] and [`DataSourceType`] traits, the generic plan (defaults, `tags_all`,
//! replacement, unknown computed attributes) and small value helpers.

use std::collections::BTreeMap;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::objchange::requires_replace;
use terrane_provider::values::{object_for, with_attr};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use crate::client::{AwsError, Client, Idempotency, Params};

/// The configured provider: the client and the provider block's tag settings.
#[derive(Clone, Debug)]
pub struct Aws {
    pub client: Client,
    pub default_tags: BTreeMap<String, String>,
    pub ignore_keys: Vec<String>,
    pub ignore_prefixes: Vec<String>,
    pub skip_account_id: bool,
    /// The account id and caller ARN and user id, asked of STS once.
    pub account: tokio::sync::OnceCell<(String, String, String)>,
}

impl Aws {
    /// A provider context for tests: `client`, no tag settings; with `skip_account_id`, STS
    /// is never asked (recorded responses have no STS).
    #[cfg(test)]
    pub fn for_tests(client: Client, skip_account_id: bool) -> Aws {
        Aws {
            client,
            default_tags: BTreeMap::new(),
            ignore_keys: Vec::new(),
            ignore_prefixes: Vec::new(),
            skip_account_id,
            account: tokio::sync::OnceCell::new(),
        }
    }

    /// The account, ARN and user id of the caller (STS GetCallerIdentity, once).
    pub async fn caller(&self) -> Result<&(String, String, String), AwsError> {
        self.account
            .get_or_try_init(|| async {
                let r = self
                    .call(
                        &crate::client::endpoint::STS,
                        "GetCallerIdentity",
                        &Params::new(),
                        Idempotency::Safe,
                    )
                    .await?;
                Ok((
                    r.text_of("Account").unwrap_or_default().to_string(),
                    r.text_of("Arn").unwrap_or_default().to_string(),
                    r.text_of("UserId").unwrap_or_default().to_string(),
                ))
            })
            .await
    }

    /// The same provider working in another region (a resource's `region` argument).
    pub fn in_region(&self, region: &str) -> Aws {
        let mut a = self.clone();
        a.client.region = region.to_string();
        a
    }

    /// The partition of the configured region ("aws", "aws-cn", "aws-us-gov").
    pub fn partition(&self) -> &'static str {
        partition_of(&self.client.region)
    }

    /// Whether a tag key is to be ignored (the provider block's `ignore_tags`).
    pub fn ignored(&self, key: &str) -> bool {
        self.ignore_keys.iter().any(|k| k == key)
            || self.ignore_prefixes.iter().any(|p| key.starts_with(p))
    }
}

/// The partition a region is in.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// What planning may use (planning makes no calls).
#[derive(Clone, Debug, Default)]
pub struct PlanCtx {
    pub default_tags: BTreeMap<String, String>,
    pub region: Option<String>,
}

/// One managed resource type.
#[async_trait]
pub trait ResourceType: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> ResourceSchema;
    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let _ = config;
        Vec::new()
    }
    /// Plans a create or update; the default is [`plan_generic`] with no defaults.
    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(&self.schema().block, ctx, &req, &[]))
    }
    /// Creates the object, tagging it with `token`; returns its state.
    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError>;
    /// Updates in place what can be; returns the new state.
    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError>;
    /// Deletes the object (gone already is fine).
    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError>;
    /// The object as it now is, `None` when gone. `state` may be an import stub (only `id`).
    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError>;
    /// Import by id: a stub with the id set, which the engine then refreshes.
    async fn import(
        &self,
        aws: &Aws,
        block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let stub = object_for(block, [("id", Value::string(id))]);
        match self.read(aws, &stub).await? {
            Some(v) => Ok(vec![v]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!(
                    "While attempting to import an existing object to {}, the provider detected that no object exists with the given id {id:?}.",
                    self.name()
                ),
            )),
        }
    }
    /// The object an interrupted create tagged with `token`.
    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError>;
    /// For a type that cannot carry the token: the object an interrupted create of `config`
    /// (wholly known) made, found by what identifies it (an association by its subnet and
    /// route table). The default finds nothing.
    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let _ = (aws, config);
        Ok(None)
    }
}

/// One data source.
#[async_trait]
pub trait DataSourceType: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> ResourceSchema;
    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let _ = config;
        Vec::new()
    }
    async fn read(&self, aws: &Aws, config: Value) -> Result<Value, ProviderError>;
}

/// The generic plan: `defaults` fill arguments the configuration leaves null; `tags_all` is
/// `default_tags` merged with `tags`; attributes marked `force_new` that change ask for a
/// replacement; on create or replacement, computed attributes the configuration leaves null
/// (and that have no default) become unknown.
pub fn plan_generic(
    block: &BlockSchema,
    ctx: &PlanCtx,
    req: &PlanRequest,
    defaults: &[(&str, Value)],
) -> PlanResponse {
    let mut planned = req.proposed_new_state.clone();
    for (name, v) in defaults {
        if req.config.get_attr(name).is_none_or(Value::is_null) {
            planned = with_attr(&planned, name, v.clone());
        }
    }
    if block.attributes.contains_key("tags_all") {
        planned = with_attr(
            &planned,
            "tags_all",
            crate::tags::plan_tags_all(&ctx.default_tags, req.config.get_attr("tags")),
        );
    }
    let requires = match &req.prior_state {
        Some(prior) => requires_replace(block, prior, &planned),
        None => Vec::new(),
    };
    if req.prior_state.is_none() || !requires.is_empty() {
        planned = terrane_provider::objchange::unknown_unset_computed(
            block,
            &req.config,
            &planned,
            |name| name == "tags_all" || defaults.iter().any(|(d, _)| *d == name),
        );
    }
    PlanResponse {
        planned_state: planned,
        requires_replace: requires,
        planned_private: None,
    }
}

/// A string value, null when absent.
pub fn s(v: Option<&str>) -> Value {
    match v {
        Some(v) => Value::string(v),
        None => Value::null(Type::String),
    }
}

/// A bool value, null when absent.
pub fn b(v: Option<bool>) -> Value {
    match v {
        Some(v) => Value::bool(v),
        None => Value::null(Type::Bool),
    }
}

/// A number value, null when absent.
pub fn n(v: Option<i64>) -> Value {
    match v {
        Some(v) => Value::int(v),
        None => Value::null(Type::Number),
    }
}

/// A set of strings.
pub fn string_set(items: impl IntoIterator<Item = String>) -> Value {
    let v: Vec<Value> = items.into_iter().map(Value::string).collect();
    Value::set(Type::String, v).unwrap_or_else(|_| Value::null(Type::set(Type::String)))
}

/// An argument: optional.
pub fn opt(ty: Type) -> AttributeSchema {
    AttributeSchema::optional(ty)
}

/// An argument the provider fills when left out.
pub fn optc(ty: Type) -> AttributeSchema {
    AttributeSchema::optional_computed(ty)
}

/// An attribute only the provider sets.
pub fn comp(ty: Type) -> AttributeSchema {
    AttributeSchema::computed(ty)
}

/// `tags` and `tags_all`.
pub fn tag_attrs() -> [(&'static str, AttributeSchema); 2] {
    [
        ("tags", opt(Type::map(Type::String))),
        ("tags_all", comp(Type::map(Type::String))),
    ]
}

/// An API error as a provider error; `what` says what was being done.
pub fn fail(what: impl AsRef<str>) -> impl FnOnce(AwsError) -> ProviderError {
    move |e| e.into_provider_error(what.as_ref())
}

/// The error for a planned state missing something the apply needs (an engine bug).
pub fn missing(name: &str) -> ProviderError {
    ProviderError::invalid_value(
        "planned state",
        format!("The planned state has no known value for {name:?}."),
    )
    .at_attr(name)
}

/// The known string attribute `name`, or [`missing`].
pub fn need<'a>(v: &'a Value, name: &str) -> Result<&'a str, ProviderError> {
    terrane_provider::values::get_str(v, name).ok_or_else(|| missing(name))
}

/// An ARN in the configured partition.
pub fn arn(aws: &Aws, service: &str, account: &str, resource: &str) -> String {
    format!(
        "arn:{}:{service}:{}:{account}:{resource}",
        aws.partition(),
        aws.client.region
    )
}

/// Retries `f` while it fails with one of `codes` (AWS's eventual consistency: a dependency
/// not yet released), for at most `limit`.
pub async fn retry_on<T, F, Fut>(
    codes: &[&str],
    limit: std::time::Duration,
    mut f: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    let start = std::time::Instant::now();
    let mut wait = std::time::Duration::from_millis(200);
    loop {
        match f().await {
            Err(e) if codes.iter().any(|c| e.is(c)) && start.elapsed() + wait < limit => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(10));
            }
            other => return other,
        }
    }
}

/// Builder sugar: adds attributes to a block.
pub trait WithAttributes {
    fn with_attributes_from(
        self,
        attrs: impl IntoIterator<Item = (&'static str, AttributeSchema)>,
    ) -> BlockSchema;
}

impl WithAttributes for BlockSchema {
    fn with_attributes_from(
        mut self,
        attrs: impl IntoIterator<Item = (&'static str, AttributeSchema)>,
    ) -> BlockSchema {
        for (k, a) in attrs {
            self.attributes.insert(k.to_string(), a);
        }
        self
    }
}

/// A unique name starting with `prefix` (for `name_prefix` arguments and generated names).
pub fn unique_name(prefix: &str) -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("{prefix}{t:014}{n:012x}")
}

/// The `timeouts { <op> = "10m" }` of a state (Go duration syntax: `1h30m`, `45s`, `250ms`),
/// or `default`.
pub fn timeout(state: &Value, op: &str, default: std::time::Duration) -> std::time::Duration {
    state
        .get_attr("timeouts")
        .and_then(|t| terrane_provider::values::get_str(t, op))
        .and_then(parse_duration)
        .unwrap_or(default)
}

pub use terrane_provider::duration::parse_duration;
