//! `aws_iam_instance_profile`: an instance profile holding at most one role. The id is the
//! profile name; the name and path force a new profile, the role changes in place.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, BlockSchema, PlanRequest, PlanResponse, ProviderError, ResourceSchema,
};

use super::{tag_params, tags_of, visible};
use crate::client::endpoint::IAM;
use crate::client::{endpoint, retry, AwsError, Element, Idempotency, Params};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, tag_attrs, unique_name, Aws, PlanCtx, ResourceType,
    WithAttributes,
};
use crate::tags::{self, TOKEN_TAG};

pub struct InstanceProfile;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", optc(Type::String).force_new()),
        ("name_prefix", optc(Type::String).force_new()),
        ("path", optc(Type::String).force_new()),
        ("role", opt(Type::String)),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("unique_id", comp(Type::String)),
        ("create_date", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
}

async fn get_profile(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let q = Params::new().set("InstanceProfileName", name);
    let r = aws.get(&IAM, "GetInstanceProfile", &q).await?;
    Ok(r.and_then(|r| r.child("InstanceProfile").cloned()))
}

fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    let name = el.text_of("InstanceProfileName").unwrap_or_default();
    let role = el
        .items("Roles")
        .first()
        .and_then(|r| r.text_of("RoleName"))
        .map(str::to_string);
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", Value::string(name)),
            ("arn", crate::common::s(el.text_of("Arn"))),
            (
                "unique_id",
                crate::common::s(el.text_of("InstanceProfileId")),
            ),
            ("create_date", crate::common::s(el.text_of("CreateDate"))),
            ("path", Value::string(el.text_of("Path").unwrap_or("/"))),
            ("role", crate::common::s(role.as_deref())),
        ],
    );
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    with_attrs(
        &v,
        tags::state_values(aws, prior, visible(aws, tags_of(el))),
    )
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let el = get_profile(aws, name)
        .await
        .map_err(fail(format!("reading IAM Instance Profile ({name})")))?;
    Ok(el.map(|el| state_from(aws, prior, &el)))
}

async fn is_ours(aws: &Aws, name: &str, token: &str) -> Result<bool, AwsError> {
    Ok(match get_profile(aws, name).await? {
        Some(el) => tags_of(&el).get(TOKEN_TAG).map(String::as_str) == Some(token),
        None => false,
    })
}

/// Makes the profile hold `new` instead of `old`.
async fn set_role(
    aws: &Aws,
    name: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), AwsError> {
    if old == new {
        return Ok(());
    }
    let q = Params::new().set("InstanceProfileName", name);
    if let Some(o) = old {
        match aws
            .call(
                &IAM,
                "RemoveRoleFromInstanceProfile",
                &q.clone().set("RoleName", o),
                Idempotency::Safe,
            )
            .await
        {
            Err(e) if !e.is_not_found() => return Err(e),
            _ => {}
        }
    }
    if let Some(n) = new {
        // A role just created may not be visible to IAM yet.
        let add = q.clone().set("RoleName", n);
        crate::common::retry_on(
            &["NoSuchEntity"],
            std::time::Duration::from_secs(60),
            || aws.call(&IAM, "AddRoleToInstanceProfile", &add, Idempotency::Safe),
        )
        .await?;
    }
    Ok(())
}

#[async_trait]
impl ResourceType for InstanceProfile {
    fn name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[("path", Value::string("/"))]);
        if req.prior_state.is_none() {
            if let Some(name) = get_str(&req.config, "name") {
                resp.planned_state = with_attrs(
                    &resp.planned_state,
                    [
                        ("id", Value::string(name)),
                        ("name_prefix", Value::null(Type::String)),
                    ],
                );
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => unique_name(get_str(planned, "name_prefix").unwrap_or("terraform-")),
        };
        let q = Params::new()
            .set("InstanceProfileName", &name)
            .set("Path", get_str(planned, "path").unwrap_or("/"));
        let q = tag_params(q, &tags::for_create(planned, token));
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(&IAM, "CreateInstanceProfile", &q, Idempotency::Unsafe)
                .await
            {
                Ok(_) => break,
                Err(e)
                    if e.is("EntityAlreadyExists") || retry::is_retryable(&e) && attempts < 5 =>
                {
                    if is_ours(aws, &name, token).await.unwrap_or(false) {
                        break;
                    }
                    if e.is("EntityAlreadyExists") {
                        return Err(e
                            .into_provider_error("creating IAM Instance Profile")
                            .into());
                    }
                }
                Err(e) => {
                    return Err(e
                        .into_provider_error("creating IAM Instance Profile")
                        .into())
                }
            }
        }
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&name)), ("name", Value::string(&name))],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        let current = crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)?;
        set_role(
            aws,
            &name,
            get_str(&current, "role"),
            get_str(planned, "role"),
        )
        .await
        .map_err(|e| partial(e.into_provider_error("adding the role to IAM Instance Profile")))?;
        read(aws, &with_id).await.map_err(partial)?.ok_or_else(|| {
            partial(ProviderError::new(
                "IAM Instance Profile gone",
                name.clone(),
            ))
        })
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        set_role(aws, id, get_str(prior, "role"), get_str(planned, "role"))
            .await
            .map_err(fail(format!("updating IAM Instance Profile ({id}) role")))?;
        super::update_tags(
            aws,
            "InstanceProfile",
            ("InstanceProfileName", id),
            prior,
            planned,
        )
        .await
        .map_err(fail(format!("updating IAM Instance Profile ({id}) tags")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("IAM Instance Profile gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        if let Some(el) = get_profile(aws, name)
            .await
            .map_err(fail(format!("reading IAM Instance Profile ({name})")))?
        {
            for r in el.items("Roles") {
                if let Some(rn) = r.text_of("RoleName") {
                    set_role(aws, name, Some(rn), None)
                        .await
                        .map_err(fail(format!(
                            "removing the role of IAM Instance Profile ({name})"
                        )))?;
                }
            }
        }
        let q = Params::new().set("InstanceProfileName", name);
        match aws
            .call(&IAM, "DeleteInstanceProfile", &q, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => {
                Err(e.into_provider_error(&format!("deleting IAM Instance Profile ({name})")))
            }
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let all = aws
            .client
            .query_pages(
                &endpoint::IAM,
                "ListInstanceProfiles",
                &Params::new(),
                "InstanceProfiles",
            )
            .await
            .map_err(fail("finding IAM Instance Profile by token"))?;
        for el in &all {
            let Some(name) = el.text_of("InstanceProfileName") else {
                continue;
            };
            let tags = if el.child("Tags").is_some() {
                tags_of(el)
            } else {
                let q = Params::new().set("InstanceProfileName", name);
                let r = aws
                    .call(&IAM, "ListInstanceProfileTags", &q, Idempotency::Safe)
                    .await
                    .map_err(fail("finding IAM Instance Profile by token"))?;
                tags_of(&r)
            };
            if tags.get(TOKEN_TAG).map(String::as_str) == Some(token) {
                return read(aws, &object_for(&block(), [("id", Value::string(name))])).await;
            }
        }
        Ok(None)
    }
}
