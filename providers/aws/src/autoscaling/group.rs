//! `aws_autoscaling_group`: an Auto Scaling group with a launch configuration or a launch
//! template. Only the name forces a new group; the rest changes in place
//! (UpdateAutoScalingGroup, Attach/Detach of load balancers and target groups, tag calls).
//! Create and capacity changes wait for the desired healthy instances, and with
//! `wait_for_elb_capacity` (`min_elb_capacity` on create) for them in the group's load
//! balancers and target groups (`wait_for_capacity_timeout`, "0" skips); delete drains the
//! group unless `force_delete` and waits until it is gone. The token tag rides in the group's
//! tags, not propagated.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_i64, get_str, get_string_list, object_for, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::group_api::{self as api, capacity_timeout, describe, group_params, tag_blocks};
use super::{is_gone, members};
use crate::client::endpoint::AUTOSCALING;
use crate::client::{retry, Idempotency, Params};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, timeout, unique_name, Aws, PlanCtx, ResourceType,
};
use crate::ec2::instance_api::elements;
use crate::tags::TOKEN_TAG;

pub struct Group;

pub fn block() -> BlockSchema {
    let st = || Type::String;
    let set = || Type::set(Type::String);
    let req = AttributeSchema::required;
    BlockSchema::with_attributes([
        ("name", optc(st()).force_new()),
        ("name_prefix", optc(st()).force_new()),
        ("min_size", req(Type::Number)),
        ("max_size", req(Type::Number)),
        ("desired_capacity", optc(Type::Number)),
        ("default_cooldown", optc(Type::Number)),
        ("launch_configuration", opt(st())),
        ("vpc_zone_identifier", optc(set())),
        ("availability_zones", optc(set())),
        ("load_balancers", optc(set())),
        ("target_group_arns", optc(set())),
        ("health_check_type", optc(st())),
        ("health_check_grace_period", optc(Type::Number)),
        ("termination_policies", opt(Type::list(st()))),
        ("force_delete", optc(Type::Bool)),
        ("wait_for_capacity_timeout", optc(st())),
        ("min_elb_capacity", opt(Type::Number)),
        ("wait_for_elb_capacity", opt(Type::Number)),
        ("placement_group", opt(st())),
        ("protect_from_scale_in", optc(Type::Bool)),
        ("capacity_rebalance", optc(Type::Bool)),
        ("service_linked_role_arn", optc(st())),
        ("id", comp(st())),
        ("arn", comp(st())),
    ])
    .with_block(
        "launch_template",
        NestedBlockSchema::new(
            NestingMode::List,
            BlockSchema::with_attributes([
                ("id", optc(st())),
                ("name", optc(st())),
                ("version", opt(st())),
            ]),
        )
        .items(0, 1),
    )
    .with_block(
        "tag",
        NestedBlockSchema::new(
            NestingMode::Set,
            BlockSchema::with_attributes([
                ("key", req(st())),
                ("value", req(st())),
                ("propagate_at_launch", req(Type::Bool)),
            ]),
        ),
    )
}

fn defaults() -> [(&'static str, Value); 5] {
    [
        ("health_check_grace_period", Value::int(300)),
        ("force_delete", Value::bool(false)),
        ("wait_for_capacity_timeout", Value::string("10m")),
        ("protect_from_scale_in", Value::bool(false)),
        ("capacity_rebalance", Value::bool(false)),
    ]
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let el = describe(aws, name)
        .await
        .map_err(fail(format!("reading Auto Scaling Group ({name})")))?;
    Ok(el.map(|el| api::state_from(aws, prior, &el)))
}

async fn read_or_gone(aws: &Aws, state: &Value) -> Result<Value, ProviderError> {
    read(aws, state).await?.ok_or_else(|| {
        ProviderError::new(
            "Auto Scaling Group gone",
            format!(
                "Auto Scaling Group ({}) no longer exists.",
                get_str(state, "id").unwrap_or_default()
            ),
        )
    })
}

/// Whether the group `name` carries our token.
async fn is_ours(aws: &Aws, name: &str, token: &str) -> bool {
    match describe(aws, name).await {
        Ok(Some(el)) => api::tags_of(&el).get(TOKEN_TAG).map(|(v, _)| v.as_str()) == Some(token),
        _ => false,
    }
}

/// The number of instances to wait for: `desired_capacity`, else `min_size`.
fn wanted(v: &Value) -> i64 {
    let num = |k: &str| get_i64(v, k).ok().flatten();
    num("desired_capacity").or(num("min_size")).unwrap_or(0)
}

fn wanted_elb(v: &Value, creating: bool) -> Option<i64> {
    let num = |k: &str| get_i64(v, k).ok().flatten();
    num("wait_for_elb_capacity").or(if creating {
        num("min_elb_capacity")
    } else {
        None
    })
}

fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    match (prior.get_attr(name), planned.get_attr(name)) {
        (Some(a), Some(b)) => b.is_known() && !a.raw_equals(b),
        _ => false,
    }
}

/// Attaches what `planned` adds to the set `attr` and detaches what it removes.
async fn sync_attachments(
    aws: &Aws,
    name: &str,
    prior: &Value,
    planned: &Value,
    attr: &str,
    (attach, detach, list): (&str, &str, &str),
) -> Result<(), ProviderError> {
    let old = get_string_list(prior, attr).unwrap_or_default();
    let new = get_string_list(planned, attr).unwrap_or_default();
    let gone: Vec<String> = old.iter().filter(|x| !new.contains(x)).cloned().collect();
    let added: Vec<String> = new.iter().filter(|x| !old.contains(x)).cloned().collect();
    for (action, items) in [(detach, gone), (attach, added)] {
        if items.is_empty() {
            continue;
        }
        let p = members(
            Params::new().set("AutoScalingGroupName", name),
            list,
            &items,
        );
        aws.call(&AUTOSCALING, action, &p, Idempotency::Safe)
            .await
            .map_err(fail(format!("{action} for Auto Scaling Group ({name})")))?;
    }
    Ok(())
}

#[async_trait]
impl ResourceType for Group {
    fn name(&self) -> &'static str {
        "aws_autoscaling_group"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 1,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(&block(), ctx, &req, &defaults());
        let Some(prior) = req
            .prior_state
            .as_ref()
            .filter(|_| resp.requires_replace.is_empty())
        else {
            if let Some(name) = get_str(&req.config, "name") {
                resp.planned_state = with_attrs(
                    &resp.planned_state,
                    [
                        ("id", Value::string(name)),
                        ("name_prefix", Value::null(Type::String)),
                    ],
                );
            }
            return Ok(resp);
        };
        let planned = &resp.planned_state;
        let mut unknown = Vec::new();
        // AWS moves the desired capacity into new bounds when it is not configured.
        let bounds = changed(prior, planned, "min_size") || changed(prior, planned, "max_size");
        if bounds
            && req
                .config
                .get_attr("desired_capacity")
                .is_none_or(Value::is_null)
        {
            unknown.push(("desired_capacity", Value::unknown(Type::Number)));
        }
        // A launch template named differently: the other half of its reference follows.
        let old_lt = elements(prior, "launch_template");
        let new_lt = elements(planned, "launch_template");
        if let (Some(o), Some(n)) = (old_lt.first(), new_lt.first()) {
            let cfg = elements(&req.config, "launch_template");
            let set_in = |k: &str| cfg.first().and_then(|c| get_str(c, k)).is_some();
            let mut lt = n.clone();
            for (k, other) in [("id", "name"), ("name", "id")] {
                if set_in(k) && !set_in(other) && get_str(o, k) != get_str(n, k) {
                    lt = terrane_provider::values::with_attr(
                        &lt,
                        other,
                        Value::unknown(Type::String),
                    );
                }
            }
            let blk = &block().blocks["launch_template"].block;
            let ety = blk.implied_type();
            if let Ok(v) = Value::list(ety, vec![lt]) {
                unknown.push(("launch_template", v));
            }
        }
        if !unknown.is_empty() {
            resp.planned_state = with_attrs(&resp.planned_state, unknown);
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => unique_name(get_str(planned, "name_prefix").unwrap_or("terraform-")),
        };
        let mut p = group_params(planned, &|_| true).set("AutoScalingGroupName", &name);
        for (attr, list) in [
            ("load_balancers", "LoadBalancerNames"),
            ("target_group_arns", "TargetGroupARNs"),
        ] {
            p = members(p, list, &get_string_list(planned, attr).unwrap_or_default());
        }
        let mut tags = tag_blocks(planned);
        tags.insert(TOKEN_TAG.to_string(), (token.to_string(), false));
        let p = api::tag_params(p, &name, &tags);
        let what = || format!("creating Auto Scaling Group ({name})");
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(
                    &AUTOSCALING,
                    "CreateAutoScalingGroup",
                    &p,
                    Idempotency::Unsafe,
                )
                .await
            {
                Ok(_) => break,
                Err(e) if e.is("AlreadyExists") => {
                    if is_ours(aws, &name, token).await {
                        break;
                    }
                    return Err(e.into_provider_error(&what()).into());
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if is_ours(aws, &name, token).await {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200 * attempts)).await;
                }
                Err(e) => return Err(e.into_provider_error(&what()).into()),
            }
        }
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&name)), ("name", Value::string(&name))],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        if let Some(limit) = capacity_timeout(planned) {
            let el = api::wait_capacity(
                aws,
                &name,
                wanted(planned),
                wanted_elb(planned, true),
                limit,
            )
            .await
            .map_err(partial)?;
            // The wait's last describe is the group as it now is: no second one.
            return Ok(api::state_from(aws, &with_id, &el));
        }
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let name = need(prior, "id")?;
        let ch = |k: &str| changed(prior, planned, k);
        let group_fields = [
            "min_size",
            "max_size",
            "desired_capacity",
            "default_cooldown",
            "health_check_type",
            "health_check_grace_period",
            "launch_configuration",
            "launch_template",
            "vpc_zone_identifier",
            "availability_zones",
            "termination_policies",
            "placement_group",
            "protect_from_scale_in",
            "capacity_rebalance",
            "service_linked_role_arn",
        ];
        if group_fields.iter().any(|k| ch(k)) {
            let p = group_params(planned, &ch).set("AutoScalingGroupName", name);
            aws.call(
                &AUTOSCALING,
                "UpdateAutoScalingGroup",
                &p,
                Idempotency::Safe,
            )
            .await
            .map_err(fail(format!("updating Auto Scaling Group ({name})")))?;
        }
        if ch("tag") {
            api::update_tags(aws, name, prior, planned)
                .await
                .map_err(fail(format!("updating Auto Scaling Group ({name}) tags")))?;
        }
        sync_attachments(
            aws,
            name,
            prior,
            planned,
            "load_balancers",
            (
                "AttachLoadBalancers",
                "DetachLoadBalancers",
                "LoadBalancerNames",
            ),
        )
        .await?;
        sync_attachments(
            aws,
            name,
            prior,
            planned,
            "target_group_arns",
            (
                "AttachLoadBalancerTargetGroups",
                "DetachLoadBalancerTargetGroups",
                "TargetGroupARNs",
            ),
        )
        .await?;
        if ch("min_size") || ch("desired_capacity") {
            if let Some(limit) = capacity_timeout(planned) {
                let el = describe(aws, name)
                    .await
                    .map_err(fail(format!("reading Auto Scaling Group ({name})")))?;
                let want = match get_i64(planned, "desired_capacity").ok().flatten() {
                    Some(d) => d,
                    None => el
                        .and_then(|e| e.i64_of("DesiredCapacity"))
                        .unwrap_or_else(|| wanted(planned)),
                };
                api::wait_capacity(aws, name, want, wanted_elb(planned, false), limit).await?;
            }
        }
        Ok(read_or_gone(aws, planned).await?)
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        let force = terrane_provider::values::get_bool(prior, "force_delete").unwrap_or(false);
        let limit = timeout(prior, "delete", Duration::from_secs(600));
        let what = |s: &str| format!("{s} Auto Scaling Group ({name})");
        if !force {
            // Drain first, as Terraform does: no instances, then the group goes quickly.
            let p = Params::new()
                .set("AutoScalingGroupName", name)
                .set("MinSize", "0")
                .set("MaxSize", "0")
                .set("DesiredCapacity", "0");
            match aws
                .call(
                    &AUTOSCALING,
                    "UpdateAutoScalingGroup",
                    &p,
                    Idempotency::Safe,
                )
                .await
            {
                Ok(_) => {}
                Err(e) if is_gone(&e) => return Ok(()),
                Err(e) => return Err(e.into_provider_error(&what("draining"))),
            }
            api::wait_until(aws, name, "draining its instances", limit, |el| {
                el.is_none_or(|g| g.items("Instances").is_empty())
            })
            .await?;
        }
        let p = Params::new()
            .set("AutoScalingGroupName", name)
            .set("ForceDelete", force.to_string());
        let codes = ["ResourceInUse", "ScalingActivityInProgress"];
        match crate::common::retry_on(&codes, limit, || {
            aws.call(
                &AUTOSCALING,
                "DeleteAutoScalingGroup",
                &p,
                Idempotency::Safe,
            )
        })
        .await
        {
            Ok(_) => {}
            Err(e) if is_gone(&e) => return Ok(()),
            Err(e) => return Err(e.into_provider_error(&what("deleting"))),
        }
        api::wait_until(aws, name, "its deletion", limit, |el| el.is_none()).await
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let name = api::by_token(aws, token)
            .await
            .map_err(fail("finding Auto Scaling Group by token"))?;
        match name {
            Some(n) => read(aws, &object_for(&block(), [("id", Value::string(n))])).await,
            None => Ok(None),
        }
    }
}
