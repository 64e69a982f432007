//! `aws_db_parameter_group`: a DB parameter group and the parameters it sets. The id is the
//! name; the family and the description force a new group; parameters change in place
//! (ModifyDBParameterGroup, and ResetDBParameterGroup for those taken out).

use std::collections::BTreeMap;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::{
    find_tagged, is_gone, kept_name, list_tags, members, name_for_create, pages, plan_names,
    tag_params, visible,
};
use crate::client::endpoint::RDS;
use crate::client::{retry, AwsError, Element, Idempotency, Params};
use crate::common::{
    comp, fail, need, optc, plan_generic, tag_attrs, Aws, PlanCtx, ResourceType, WithAttributes,
};
use crate::ec2::read_after_create;
use crate::tags::{self, TOKEN_TAG};

pub struct ParameterGroup;

const MANAGED: &str = "Managed by Terraform";

fn parameter_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", AttributeSchema::required(Type::String)),
        ("value", AttributeSchema::required(Type::String)),
        ("apply_method", optc(Type::String)),
    ])
}

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", optc(Type::String).force_new()),
        ("name_prefix", optc(Type::String).force_new()),
        (
            "family",
            AttributeSchema::required(Type::String).force_new(),
        ),
        ("description", optc(Type::String).force_new()),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "parameter",
        NestedBlockSchema::new(NestingMode::Set, parameter_block()),
    )
}

/// One parameter: name, value, apply method.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub value: String,
    pub apply_method: String,
}

fn params_of(v: &Value) -> Vec<Param> {
    v.get_attr("parameter")
        .and_then(Value::elements)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some(Param {
                name: get_str(e, "name")?.to_string(),
                value: get_str(e, "value").unwrap_or("").to_string(),
                apply_method: get_str(e, "apply_method")
                    .unwrap_or("immediate")
                    .to_string(),
            })
        })
        .collect()
}

fn param_set(params: &[Param]) -> Value {
    let b = parameter_block();
    let items: Vec<Value> = params
        .iter()
        .map(|p| {
            object_for(
                &b,
                [
                    ("name", Value::string(&p.name)),
                    ("value", Value::string(&p.value)),
                    ("apply_method", Value::string(&p.apply_method)),
                ],
            )
        })
        .collect();
    Value::set(b.implied_type(), items).unwrap_or_else(|_| Value::null(Type::set(b.implied_type())))
}

/// `Parameters.Parameter.N.*` for a modify or a reset (no value on a reset).
fn param_params(mut p: Params, params: &[Param], with_values: bool) -> Params {
    for (i, x) in params.iter().enumerate() {
        let k = |f: &str| format!("Parameters.Parameter.{}.{f}", i + 1);
        p = p
            .set(k("ParameterName"), &x.name)
            .set(k("ApplyMethod"), &x.apply_method);
        if with_values {
            p = p.set(k("ParameterValue"), &x.value);
        }
    }
    p
}

/// Sets parameters, 20 per call (RDS's limit).
pub async fn modify(aws: &Aws, group: &str, params: &[Param]) -> Result<(), AwsError> {
    for chunk in params.chunks(20) {
        let p = param_params(
            Params::new().set("DBParameterGroupName", group),
            chunk,
            true,
        );
        aws.call(&RDS, "ModifyDBParameterGroup", &p, Idempotency::Safe)
            .await?;
    }
    Ok(())
}

/// Puts parameters back to the engine's defaults, 20 per call.
pub async fn reset(aws: &Aws, group: &str, params: &[Param]) -> Result<(), AwsError> {
    for chunk in params.chunks(20) {
        let p = param_params(
            Params::new()
                .set("DBParameterGroupName", group)
                .set("ResetAllParameters", "false"),
            chunk,
            false,
        );
        aws.call(&RDS, "ResetDBParameterGroup", &p, Idempotency::Safe)
            .await?;
    }
    Ok(())
}

async fn describe(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("DBParameterGroupName", name);
    match aws
        .call(&RDS, "DescribeDBParameterGroups", &p, Idempotency::Safe)
        .await
    {
        // (moto answers an empty list where AWS says DBParameterGroupNotFound.)
        Ok(r) => Ok(members(&r, "DBParameterGroups")
            .into_iter()
            .find(|g| {
                g.text_of("DBParameterGroupName")
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The parameters the user set (`Source=user`), by name.
async fn user_params(aws: &Aws, name: &str) -> Result<BTreeMap<String, Element>, AwsError> {
    let p = Params::new()
        .set("DBParameterGroupName", name)
        .set("Source", "user");
    Ok(pages(aws, "DescribeDBParameters", &p, "Parameters")
        .await?
        .into_iter()
        .filter_map(|e| Some((e.text_of("ParameterName")?.to_string(), e)))
        .collect())
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = need(prior, "id")?;
    let what = || format!("reading RDS DB Parameter Group ({id})");
    let Some(el) = describe(aws, id).await.map_err(fail(what()))? else {
        return Ok(None);
    };
    let name = el.text_of("DBParameterGroupName").unwrap_or(id);
    let arn = el.text_of("DBParameterGroupArn").unwrap_or_default();
    let all = list_tags(aws, arn).await.map_err(fail(what()))?;
    let prior_methods: BTreeMap<String, String> = params_of(prior)
        .into_iter()
        .map(|p| (p.name, p.apply_method))
        .collect();
    let params: Vec<Param> = user_params(aws, name)
        .await
        .map_err(fail(what()))?
        .into_iter()
        .map(|(n, e)| Param {
            value: e.text_of("ParameterValue").unwrap_or("").to_string(),
            apply_method: prior_methods
                .get(&n)
                .cloned()
                .or(e.text_of("ApplyMethod").map(str::to_string))
                .unwrap_or_else(|| "immediate".into()),
            name: n,
        })
        .collect();
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", kept_name(prior, name)),
            ("arn", Value::string(arn)),
            (
                "family",
                Value::string(el.text_of("DBParameterGroupFamily").unwrap_or("")),
            ),
            (
                "description",
                Value::string(el.text_of("Description").unwrap_or("")),
            ),
            ("parameter", param_set(&params)),
        ],
    );
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    Ok(Some(with_attrs(
        &v,
        tags::state_values(aws, prior, visible(aws, all)),
    )))
}

/// The planned parameter set with `apply_method` defaulted to `immediate`.
fn plan_parameters(planned: Value) -> Value {
    let Some(items) = planned.get_attr("parameter").and_then(Value::elements) else {
        return planned;
    };
    let items: Vec<Value> = items
        .iter()
        .map(|e| {
            if e.get_attr("apply_method").is_some_and(Value::is_known)
                && get_str(e, "apply_method").is_some()
            {
                e.clone()
            } else {
                with_attr(e, "apply_method", Value::string("immediate"))
            }
        })
        .collect();
    let ty = parameter_block().implied_type();
    match Value::set(ty, items) {
        Ok(set) => with_attr(&planned, "parameter", set),
        Err(_) => planned,
    }
}

#[async_trait]
impl ResourceType for ParameterGroup {
    fn name(&self) -> &'static str {
        "aws_db_parameter_group"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [("description", Value::string(MANAGED))];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        let mut planned = plan_parameters(resp.planned_state);
        if req.prior_state.is_none() {
            planned = plan_names(planned, &req.config, "id");
        }
        resp.planned_state = planned;
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = name_for_create(planned);
        let p = Params::new()
            .set("DBParameterGroupName", &name)
            .set("DBParameterGroupFamily", need(planned, "family")?)
            .set(
                "Description",
                get_str(planned, "description").unwrap_or(MANAGED),
            );
        let p = tag_params(p, &tags::for_create(planned, token));
        let ours = || async {
            match describe(aws, &name).await {
                Ok(Some(el)) => {
                    let arn = el.text_of("DBParameterGroupArn").unwrap_or_default();
                    list_tags(aws, arn)
                        .await
                        .is_ok_and(|t| t.get(TOKEN_TAG).map(String::as_str) == Some(token))
                }
                _ => false,
            }
        };
        let what = "creating RDS DB Parameter Group";
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(&RDS, "CreateDBParameterGroup", &p, Idempotency::Unsafe)
                .await
            {
                Ok(_) => break,
                Err(e) if e.is("DBParameterGroupAlreadyExists") => {
                    if ours().await {
                        break;
                    }
                    return Err(e.into_provider_error(what).into());
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if ours().await {
                        break;
                    }
                }
                Err(e) => return Err(e.into_provider_error(what).into()),
            }
        }
        let with_id = with_attrs(
            planned,
            [
                ("id", Value::string(&name)),
                ("name", kept_name(planned, &name)),
            ],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        modify(aws, &name, &params_of(planned))
            .await
            .map_err(|e| partial(e.into_provider_error(what)))?;
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let what = || format!("updating RDS DB Parameter Group ({id})");
        let old = params_of(prior);
        let new = params_of(planned);
        let removed: Vec<Param> = old
            .iter()
            .filter(|o| !new.iter().any(|n| n.name == o.name))
            .cloned()
            .collect();
        let changed: Vec<Param> = new.iter().filter(|n| !old.contains(n)).cloned().collect();
        if !removed.is_empty() {
            reset(aws, id, &removed).await.map_err(fail(what()))?;
        }
        if !changed.is_empty() {
            modify(aws, id, &changed).await.map_err(fail(what()))?;
        }
        let arn = need(prior, "arn")?;
        super::update_tags(aws, arn, prior, planned)
            .await
            .map_err(fail(what()))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("RDS DB Parameter Group gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        // A DB instance being deleted may hold the group a little longer.
        super::delete_busy(
            aws,
            prior,
            "DeleteDBParameterGroup",
            Params::new().set("DBParameterGroupName", id),
            "InvalidDBParameterGroupState",
            &format!("deleting RDS DB Parameter Group ({id})"),
        )
        .await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let name = find_tagged(
            aws,
            "DescribeDBParameterGroups",
            "DBParameterGroups",
            "DBParameterGroupName",
            "DBParameterGroupArn",
            token,
        )
        .await
        .map_err(fail("finding RDS DB Parameter Group by token"))?;
        match name {
            Some(n) => read(aws, &object_for(&block(), [("id", Value::string(n))])).await,
            None => Ok(None),
        }
    }
}
