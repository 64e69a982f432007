//! `aws_iam_role`: a role and its trust policy (compared by meaning, so a re-ordered document
//! is no difference). The id is the role name; the name and path force a new role.

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_i64, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::{keep_policy, policies_equal, policy_text, tag_params, tags_of, visible};
use crate::client::endpoint::IAM;
// The trust policy is compared by meaning on refresh (AWS's re-serialized text is no drift)
// and on update (a re-written document makes no call).
use crate::client::{retry, AwsError, Element, Idempotency, Params};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, tag_attrs, unique_name, Aws, PlanCtx, ResourceType,
    WithAttributes,
};
use crate::ec2::read_after_create;
use crate::tags::{self, TOKEN_TAG};

pub struct Role;

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", optc(Type::String).force_new()),
        ("name_prefix", optc(Type::String).force_new()),
        (
            "assume_role_policy",
            AttributeSchema::required(Type::String),
        ),
        ("path", optc(Type::String).force_new()),
        ("description", opt(Type::String)),
        ("max_session_duration", optc(Type::Number)),
        ("force_detach_policies", optc(Type::Bool)),
        ("permissions_boundary", opt(Type::String)),
        ("managed_policy_arns", optc(Type::set(Type::String))),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("unique_id", comp(Type::String)),
        ("create_date", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "inline_policy",
        NestedBlockSchema::new(
            NestingMode::Set,
            BlockSchema::with_attributes([
                ("name", opt(Type::String)),
                ("policy", opt(Type::String)),
            ]),
        ),
    )
}

/// GetRole: the `Role` element, `None` when there is no such role.
pub async fn get_role(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let r = aws
        .get(&IAM, "GetRole", &Params::new().set("RoleName", name))
        .await?;
    Ok(r.and_then(|r| r.child("Role").cloned()))
}

fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    let name = el.text_of("RoleName").unwrap_or_default();
    let remote = policy_text(el.text_of("AssumeRolePolicyDocument").unwrap_or_default());
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", Value::string(name)),
            ("arn", crate::common::s(el.text_of("Arn"))),
            ("unique_id", crate::common::s(el.text_of("RoleId"))),
            ("create_date", crate::common::s(el.text_of("CreateDate"))),
            ("path", Value::string(el.text_of("Path").unwrap_or("/"))),
            ("description", crate::common::s(el.text_of("Description"))),
            (
                "max_session_duration",
                Value::int(el.i64_of("MaxSessionDuration").unwrap_or(3600)),
            ),
            (
                "permissions_boundary",
                crate::common::s(el.text_at(&["PermissionsBoundary", "PermissionsBoundaryArn"])),
            ),
            (
                "assume_role_policy",
                keep_policy(get_str(prior, "assume_role_policy"), &remote),
            ),
        ],
    );
    let mut v = v;
    if get_bool(&v, "force_detach_policies").is_none() {
        v = with_attr(&v, "force_detach_policies", Value::bool(false));
    }
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    if !v
        .get_attr("managed_policy_arns")
        .is_some_and(Value::is_known)
    {
        v = with_attr(&v, "managed_policy_arns", crate::common::string_set([]));
    }
    with_attrs(
        &v,
        tags::state_values(aws, prior, visible(aws, tags_of(el))),
    )
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let el = get_role(aws, name)
        .await
        .map_err(fail(format!("reading IAM Role ({name})")))?;
    Ok(el.map(|el| state_from(aws, prior, &el)))
}

/// The tags of a role (ListRoles does not show them on AWS; moto may).
async fn role_tags(
    aws: &Aws,
    el: &Element,
) -> Result<std::collections::BTreeMap<String, String>, AwsError> {
    if el.child("Tags").is_some() {
        return Ok(tags_of(el));
    }
    let name = el.text_of("RoleName").unwrap_or_default();
    let r = aws
        .call(
            &IAM,
            "ListRoleTags",
            &Params::new().set("RoleName", name),
            Idempotency::Safe,
        )
        .await?;
    Ok(tags_of(&r))
}

async fn by_token(aws: &Aws, token: &str) -> Result<Option<String>, AwsError> {
    let roles = aws
        .client
        .query_pages(
            &crate::client::endpoint::IAM,
            "ListRoles",
            &Params::new(),
            "Roles",
        )
        .await?;
    for el in &roles {
        if role_tags(aws, el).await?.get(TOKEN_TAG).map(String::as_str) == Some(token) {
            return Ok(el.text_of("RoleName").map(str::to_string));
        }
    }
    Ok(None)
}

/// Whether the role `name` exists and carries our token (a repeated or interrupted create).
async fn is_ours(aws: &Aws, name: &str, token: &str) -> Result<bool, AwsError> {
    Ok(match get_role(aws, name).await? {
        Some(el) => tags_of(&el).get(TOKEN_TAG).map(String::as_str) == Some(token),
        None => false,
    })
}

async fn update_role(aws: &Aws, prior: Option<&Value>, planned: &Value) -> Result<(), AwsError> {
    let name = get_str(planned, "id").unwrap_or_default();
    let changed = |k: &str| prior.is_none_or(|p| !p.get_attr(k).raw_eq_opt(planned.get_attr(k)));
    if let Some(p) = prior {
        let (a, b) = (
            get_str(p, "assume_role_policy").unwrap_or_default(),
            get_str(planned, "assume_role_policy").unwrap_or_default(),
        );
        if !policies_equal(a, b) {
            let q = Params::new().set("RoleName", name).set("PolicyDocument", b);
            aws.call(&IAM, "UpdateAssumeRolePolicy", &q, Idempotency::Safe)
                .await?;
        }
    }
    if prior.is_some() && (changed("description") || changed("max_session_duration")) {
        let q = Params::new()
            .set("RoleName", name)
            .set("Description", get_str(planned, "description").unwrap_or(""))
            .opt(
                "MaxSessionDuration",
                get_i64(planned, "max_session_duration")
                    .ok()
                    .flatten()
                    .map(|n| n.to_string()),
            );
        aws.call(&IAM, "UpdateRole", &q, Idempotency::Safe).await?;
    }
    if prior.is_some() && changed("permissions_boundary") {
        let q = Params::new().set("RoleName", name);
        match get_str(planned, "permissions_boundary") {
            Some(b) => {
                let q = q.set("PermissionsBoundary", b);
                aws.call(&IAM, "PutRolePermissionsBoundary", &q, Idempotency::Safe)
                    .await?;
            }
            None => {
                aws.call(&IAM, "DeleteRolePermissionsBoundary", &q, Idempotency::Safe)
                    .await?;
            }
        }
    }
    if let Some(p) = prior {
        super::update_tags(aws, "Role", ("RoleName", name), p, planned).await?;
    }
    Ok(())
}

/// `raw_equals` over optional attributes.
trait RawEqOpt {
    fn raw_eq_opt(&self, other: Option<&Value>) -> bool;
}

impl RawEqOpt for Option<&Value> {
    fn raw_eq_opt(&self, other: Option<&Value>) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.raw_equals(b),
            (None, None) => true,
            _ => false,
        }
    }
}

#[async_trait]
impl ResourceType for Role {
    fn name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [
            ("path", Value::string("/")),
            ("max_session_duration", Value::int(3600)),
            ("force_detach_policies", Value::bool(false)),
        ];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        let mut planned = super::plan_kept_policies(
            resp.planned_state,
            req.prior_state.as_ref(),
            &["assume_role_policy"],
        );
        if let Some(prior) = &req.prior_state {
            // Not managed here unless configured: keep what AWS shows.
            if req
                .config
                .get_attr("managed_policy_arns")
                .is_none_or(Value::is_null)
            {
                if let Some(m) = prior.get_attr("managed_policy_arns") {
                    planned = with_attr(&planned, "managed_policy_arns", m.clone());
                }
            }
        } else if let Some(name) = get_str(&req.config, "name") {
            planned = with_attrs(
                &planned,
                [
                    ("id", Value::string(name)),
                    ("name_prefix", Value::null(Type::String)),
                ],
            );
        }
        resp.planned_state = planned;
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => unique_name(get_str(planned, "name_prefix").unwrap_or("terraform-")),
        };
        let q = Params::new()
            .set("RoleName", &name)
            .set(
                "AssumeRolePolicyDocument",
                need(planned, "assume_role_policy")?,
            )
            .set("Path", get_str(planned, "path").unwrap_or("/"))
            .opt("Description", get_str(planned, "description"))
            .opt(
                "MaxSessionDuration",
                get_i64(planned, "max_session_duration")
                    .ok()
                    .flatten()
                    .map(|n| n.to_string()),
            )
            .opt(
                "PermissionsBoundary",
                get_str(planned, "permissions_boundary"),
            );
        let q = tag_params(q, &tags::for_create(planned, token));
        let mut attempts = 0;
        let adopted = loop {
            attempts += 1;
            match aws.call(&IAM, "CreateRole", &q, Idempotency::Unsafe).await {
                Ok(_) => break false,
                // Names are unique: a role of this name with our token is ours (an earlier
                // attempt of this same create).
                Err(e) if e.is("EntityAlreadyExists") => {
                    if is_ours(aws, &name, token).await.unwrap_or(false) {
                        break true;
                    }
                    return Err(e.into_provider_error("creating IAM Role").into());
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if is_ours(aws, &name, token).await.unwrap_or(false) {
                        break true;
                    }
                }
                Err(e) => return Err(e.into_provider_error("creating IAM Role").into()),
            }
        };
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&name)), ("name", Value::string(&name))],
        );
        if adopted {
            // Bring what an earlier attempt made to the planned settings.
            let found = read(aws, &with_id).await?;
            if let Some(found) = found {
                update_role(aws, Some(&found), &with_id)
                    .await
                    .map_err(|e| {
                        ApplyError::partial(
                            e.into_provider_error("updating IAM Role"),
                            with_id.clone(),
                        )
                    })?;
            }
        }
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        update_role(aws, Some(prior), planned)
            .await
            .map_err(fail(format!("updating IAM Role ({id})")))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("IAM Role gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        let what = || format!("deleting IAM Role ({name})");
        let role = Params::new().set("RoleName", name);
        // A role cannot go while an instance profile holds it.
        let profiles = aws
            .client
            .query_pages(
                &crate::client::endpoint::IAM,
                "ListInstanceProfilesForRole",
                &role,
                "InstanceProfiles",
            )
            .await;
        for p in profiles.unwrap_or_default() {
            if let Some(pn) = p.text_of("InstanceProfileName") {
                let q = role.clone().set("InstanceProfileName", pn);
                let _ = aws
                    .call(&IAM, "RemoveRoleFromInstanceProfile", &q, Idempotency::Safe)
                    .await;
            }
        }
        if get_bool(prior, "force_detach_policies") == Some(true) {
            let iam = &crate::client::endpoint::IAM;
            let attached = aws
                .client
                .query_pages(iam, "ListAttachedRolePolicies", &role, "AttachedPolicies")
                .await;
            for p in attached.unwrap_or_default() {
                if let Some(arn) = p.text_of("PolicyArn") {
                    let q = role.clone().set("PolicyArn", arn);
                    let _ = aws
                        .call(&IAM, "DetachRolePolicy", &q, Idempotency::Safe)
                        .await;
                }
            }
            let inline = aws
                .client
                .query_pages(iam, "ListRolePolicies", &role, "PolicyNames")
                .await;
            for p in inline.unwrap_or_default() {
                if !p.text.is_empty() {
                    let q = role.clone().set("PolicyName", p.text.as_str());
                    let _ = aws
                        .call(&IAM, "DeleteRolePolicy", &q, Idempotency::Safe)
                        .await;
                }
            }
        }
        match aws.call(&IAM, "DeleteRole", &role, Idempotency::Safe).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&what())),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let name = by_token(aws, token)
            .await
            .map_err(fail("finding IAM Role by token"))?;
        match name {
            Some(n) => read(aws, &object_for(&block(), [("id", Value::string(n))])).await,
            None => Ok(None),
        }
    }
}
