//! `aws_key_pair`: an imported public key. Everything but the tags forces a new key pair;
//! the id is the key name.

use async_trait::async_trait;
use base64::Engine;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderError,
    ResourceSchema,
};

use super::{read_after_create, text};
use crate::client::{Element, Idempotency, Params};
use crate::common::{
    arn, comp, fail, need, opt, optc, plan_generic, tag_attrs, unique_name, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags;

pub struct KeyPair;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("key_name", optc(Type::String).force_new()),
        ("key_name_prefix", opt(Type::String).force_new()),
        (
            "public_key",
            AttributeSchema::required(Type::String).force_new(),
        ),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("fingerprint", comp(Type::String)),
        ("key_pair_id", comp(Type::String)),
        ("key_type", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
}

async fn describe(aws: &Aws, params: Params) -> Result<Option<Element>, crate::client::AwsError> {
    match aws.client.ec2("DescribeKeyPairs", &params).await {
        Ok(r) => Ok(r.items("keySet").first().map(|e| (*e).clone())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

fn state_from(aws: &Aws, prior: &Value, el: &Element, account: &str) -> Value {
    let name = el.text_of("keyName").unwrap_or_default();
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("key_name", Value::string(name)),
            ("fingerprint", text(el, "keyFingerprint")),
            ("key_pair_id", text(el, "keyPairId")),
            (
                "key_type",
                Value::string(el.text_of("keyType").unwrap_or("rsa")),
            ),
            (
                "arn",
                Value::string(arn(aws, "ec2", account, &format!("key-pair/{name}"))),
            ),
        ],
    );
    let v = match (get_str(prior, "public_key"), el.text_of("publicKey")) {
        (None, Some(k)) => with_attr(&v, "public_key", Value::string(k)),
        _ => v,
    };
    with_attrs(&v, tags::state_values(aws, prior, tags::from_ec2(aws, el)))
}

async fn account(aws: &Aws) -> String {
    if aws.skip_account_id {
        return String::new();
    }
    aws.caller().await.map(|c| c.0.clone()).unwrap_or_default()
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let el = describe(
        aws,
        Params::new()
            .set("KeyName.1", name)
            .set("IncludePublicKey", "true"),
    )
    .await
    .map_err(fail(format!("reading EC2 Key Pair ({name})")))?;
    match el {
        Some(el) => Ok(Some(state_from(aws, prior, &el, &account(aws).await))),
        None => Ok(None),
    }
}

#[async_trait]
impl ResourceType for KeyPair {
    fn name(&self) -> &'static str {
        "aws_key_pair"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 1,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        // The id is the key name: known at plan time when the name is.
        if req.prior_state.is_none() {
            if let Some(name) = get_str(&req.config, "key_name") {
                resp.planned_state = with_attr(&resp.planned_state, "id", Value::string(name));
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match get_str(planned, "key_name") {
            Some(n) => n.to_string(),
            None => unique_name(get_str(planned, "key_name_prefix").unwrap_or("terraform-")),
        };
        let key = need(planned, "public_key")?;
        let p = Params::new().set("KeyName", &name).set(
            "PublicKeyMaterial",
            base64::engine::general_purpose::STANDARD.encode(key.as_bytes()),
        );
        let p = tags::spec(p, "key-pair", &tags::for_create(planned, token));
        if let Err(e) = aws
            .client
            .ec2_write("ImportKeyPair", &p, Idempotency::Unsafe)
            .await
        {
            // A retried import whose first attempt went through: the key with our token.
            let mine =
                match describe(aws, Params::new().filters(&[tags::token_filter(token)])).await {
                    Ok(Some(el)) => el.text_of("keyName") == Some(name.as_str()),
                    _ => false,
                };
            if !mine {
                return Err(e.into_provider_error("importing EC2 Key Pair").into());
            }
        }
        let with_id = with_attrs(
            planned,
            [
                ("id", Value::string(&name)),
                ("key_name", Value::string(&name)),
            ],
        );
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "key_pair_id")?;
        tags::update_ec2(aws, id, prior, planned)
            .await
            .map_err(fail(format!("updating EC2 Key Pair ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("EC2 Key Pair gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        match aws
            .client
            .ec2_write(
                "DeleteKeyPair",
                &Params::new().set("KeyName", name),
                Idempotency::Safe,
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting EC2 Key Pair ({name})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let el = describe(aws, Params::new().filters(&[tags::token_filter(token)]))
            .await
            .map_err(fail("finding EC2 Key Pair by token"))?;
        match el.and_then(|e| e.text_of("keyName").map(str::to_string)) {
            Some(name) => read(aws, &object_for(&block(), [("id", Value::string(name))])).await,
            None => Ok(None),
        }
    }
}
