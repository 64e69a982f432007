//! `aws_iam_role_policy`: an inline policy of a role. The id is `role:name`; the policy
//! (compared by meaning) is updated in place, the role and name force a new one. PutRolePolicy
//! overwrites, so a repeated create is harmless; inline policies carry no tags, so there is
//! nothing to find by token.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderError,
    ResourceSchema,
};

use super::{keep_policy, policies_equal, policy_text};
use crate::client::endpoint::IAM;
use crate::client::{Idempotency, Params};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, unique_name, Aws, PlanCtx, ResourceType,
};

pub struct RolePolicy;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("role", AttributeSchema::required(Type::String).force_new()),
        ("name", optc(Type::String).force_new()),
        ("name_prefix", opt(Type::String).force_new()),
        ("policy", AttributeSchema::required(Type::String)),
        ("id", comp(Type::String)),
    ])
}

/// `role:name` split at its last colon (role names have no colon).
fn split_id(id: &str) -> Option<(&str, &str)> {
    let (r, n) = id.split_once(':')?;
    (!r.is_empty() && !n.is_empty()).then_some((r, n))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let Some((role, name)) = split_id(id) else {
        return Err(ProviderError::invalid_value(
            "id",
            format!("An IAM role policy id is \"role:name\", not {id:?}."),
        ));
    };
    let q = Params::new().set("RoleName", role).set("PolicyName", name);
    let r = aws
        .get(&IAM, "GetRolePolicy", &q)
        .await
        .map_err(fail(format!("reading IAM Role Policy ({id})")))?;
    Ok(r.map(|r| {
        let remote = policy_text(r.text_of("PolicyDocument").unwrap_or_default());
        with_attrs(
            prior,
            [
                ("id", Value::string(id)),
                ("role", Value::string(role)),
                ("name", Value::string(name)),
                ("policy", keep_policy(get_str(prior, "policy"), &remote)),
            ],
        )
    }))
}

async fn put(aws: &Aws, role: &str, name: &str, policy: &str) -> Result<(), ProviderError> {
    let q = Params::new()
        .set("RoleName", role)
        .set("PolicyName", name)
        .set("PolicyDocument", policy);
    aws.call(&IAM, "PutRolePolicy", &q, Idempotency::Safe)
        .await
        .map(|_| ())
        .map_err(fail(format!("putting IAM Role Policy ({role}:{name})")))
}

#[async_trait]
impl ResourceType for RolePolicy {
    fn name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &[]);
        resp.planned_state =
            super::plan_kept_policies(resp.planned_state, req.prior_state.as_ref(), &["policy"]);
        if req.prior_state.is_some() {
        } else if let (Some(r), Some(n)) =
            (get_str(&req.config, "role"), get_str(&req.config, "name"))
        {
            resp.planned_state =
                with_attr(&resp.planned_state, "id", Value::string(format!("{r}:{n}")));
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let role = need(planned, "role")?;
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => unique_name(get_str(planned, "name_prefix").unwrap_or("terraform-")),
        };
        put(aws, role, &name, need(planned, "policy")?).await?;
        let with_id = with_attrs(
            planned,
            [
                ("id", Value::string(format!("{role}:{name}"))),
                ("name", Value::string(&name)),
            ],
        );
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let (role, name) = split_id(id).ok_or_else(|| crate::common::missing("id"))?;
        let new = need(planned, "policy")?;
        if !policies_equal(get_str(prior, "policy").unwrap_or_default(), new) {
            put(aws, role, name, new).await?;
        }
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("IAM Role Policy gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let (role, name) = split_id(id).ok_or_else(|| crate::common::missing("id"))?;
        let q = Params::new().set("RoleName", role).set("PolicyName", name);
        match aws
            .call(&IAM, "DeleteRolePolicy", &q, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting IAM Role Policy ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }
}
