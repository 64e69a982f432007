//! `aws_autoscaling_policy`: a scaling policy of a group (simple, step or target tracking).
//! PutScalingPolicy creates or replaces a policy by name, so every change but the name and
//! the group is in place. The id is the name; import takes `group-name/policy-name`.
//!
//! **Adoption.** Policies carry no tags, so `find_by_token` finds nothing; none is needed: a
//! repeated create (after a crash) puts the same named policy again instead of a second one.

use async_trait::async_trait;
use terrane_dsl::value::{Number, Type, Value};
use terrane_provider::values::{get_bool, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::is_gone;
use crate::client::endpoint::AUTOSCALING;
use crate::client::{Element, Idempotency, Params};
use crate::common::{b, comp, fail, need, opt, optc, plan_generic, s, Aws, PlanCtx, ResourceType};
use crate::ec2::instance_api::elements;

pub struct Policy;

fn step_block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "scaling_adjustment",
            AttributeSchema::required(Type::Number),
        ),
        ("metric_interval_lower_bound", opt(Type::String)),
        ("metric_interval_upper_bound", opt(Type::String)),
    ])
}

fn predefined_block() -> BlockSchema {
    BlockSchema::with_attributes([
        (
            "predefined_metric_type",
            AttributeSchema::required(Type::String),
        ),
        ("resource_label", opt(Type::String)),
    ])
}

fn tracking_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("target_value", AttributeSchema::required(Type::Number)),
        ("disable_scale_in", opt(Type::Bool)),
    ])
    .with_block(
        "predefined_metric_specification",
        NestedBlockSchema::new(NestingMode::List, predefined_block()).items(0, 1),
    )
}

pub fn block() -> BlockSchema {
    let st = || Type::String;
    BlockSchema::with_attributes([
        ("name", AttributeSchema::required(st()).force_new()),
        (
            "autoscaling_group_name",
            AttributeSchema::required(st()).force_new(),
        ),
        ("adjustment_type", opt(st())),
        ("policy_type", optc(st())),
        ("scaling_adjustment", opt(Type::Number)),
        ("cooldown", opt(Type::Number)),
        ("min_adjustment_magnitude", opt(Type::Number)),
        ("estimated_instance_warmup", opt(Type::Number)),
        ("metric_aggregation_type", optc(st())),
        ("enabled", optc(Type::Bool)),
        ("id", comp(st())),
        ("arn", comp(st())),
    ])
    .with_block(
        "step_adjustment",
        NestedBlockSchema::new(NestingMode::Set, step_block()),
    )
    .with_block(
        "target_tracking_configuration",
        NestedBlockSchema::new(NestingMode::List, tracking_block()).items(0, 1),
    )
}

/// A number attribute as AWS's text.
fn num_text(v: &Value, name: &str) -> Option<String> {
    terrane_provider::values::known(v, name)
        .and_then(Value::as_number)
        .map(|n| n.to_text())
}

fn num(el: &Element, name: &str) -> Value {
    el.text_of(name)
        .and_then(|t| Number::parse(t).ok())
        .map(Value::number)
        .unwrap_or_else(|| Value::null(Type::Number))
}

fn put_params(planned: &Value) -> Params {
    let mut p = Params::new()
        .opt(
            "AutoScalingGroupName",
            get_str(planned, "autoscaling_group_name"),
        )
        .opt("PolicyName", get_str(planned, "name"))
        .set(
            "PolicyType",
            get_str(planned, "policy_type").unwrap_or("SimpleScaling"),
        )
        .opt("AdjustmentType", get_str(planned, "adjustment_type"))
        .opt("ScalingAdjustment", num_text(planned, "scaling_adjustment"))
        .opt("Cooldown", num_text(planned, "cooldown"))
        .opt(
            "MinAdjustmentMagnitude",
            num_text(planned, "min_adjustment_magnitude"),
        )
        .opt(
            "EstimatedInstanceWarmup",
            num_text(planned, "estimated_instance_warmup"),
        )
        .opt(
            "MetricAggregationType",
            get_str(planned, "metric_aggregation_type"),
        )
        .opt(
            "Enabled",
            get_bool(planned, "enabled").map(|e| e.to_string()),
        );
    for (i, step) in elements(planned, "step_adjustment").iter().enumerate() {
        let pre = format!("StepAdjustments.member.{}", i + 1);
        p = p
            .opt(
                &format!("{pre}.ScalingAdjustment"),
                num_text(step, "scaling_adjustment"),
            )
            .opt(
                &format!("{pre}.MetricIntervalLowerBound"),
                get_str(step, "metric_interval_lower_bound").filter(|x| !x.is_empty()),
            )
            .opt(
                &format!("{pre}.MetricIntervalUpperBound"),
                get_str(step, "metric_interval_upper_bound").filter(|x| !x.is_empty()),
            );
    }
    if let Some(t) = elements(planned, "target_tracking_configuration").first() {
        let pre = "TargetTrackingConfiguration";
        p = p
            .opt(&format!("{pre}.TargetValue"), num_text(t, "target_value"))
            .opt(
                &format!("{pre}.DisableScaleIn"),
                get_bool(t, "disable_scale_in").map(|d| d.to_string()),
            );
        if let Some(m) = elements(t, "predefined_metric_specification").first() {
            let pre = format!("{pre}.PredefinedMetricSpecification");
            p = p
                .opt(
                    &format!("{pre}.PredefinedMetricType"),
                    get_str(m, "predefined_metric_type"),
                )
                .opt(
                    &format!("{pre}.ResourceLabel"),
                    get_str(m, "resource_label"),
                );
        }
    }
    p
}

/// A bound as configured while it is the same number as AWS's ("0" and "0.0").
fn bound(prior: Option<&Value>, name: &str, aws_text: Option<&str>) -> Value {
    let p = prior.and_then(|p| get_str(p, name));
    match (p, aws_text) {
        (Some(p), Some(a)) if p.parse::<f64>().ok() == a.parse::<f64>().ok() => Value::string(p),
        (_, a) => s(a),
    }
}

fn list_of(blk: &BlockSchema, set: bool, items: Vec<Value>) -> Value {
    let ety = blk.implied_type();
    let v = if set {
        Value::set(ety.clone(), items)
    } else {
        Value::list(ety.clone(), items)
    };
    v.unwrap_or_else(|_| Value::null(Type::list(ety)))
}

fn state_from(prior: &Value, el: &Element) -> Value {
    let name = el.text_of("PolicyName").unwrap_or_default();
    let prior_steps = elements(prior, "step_adjustment");
    let steps: Vec<Value> = el
        .items("StepAdjustments")
        .iter()
        .map(|st| {
            let adj = num(st, "ScalingAdjustment");
            let p = prior_steps.iter().find(|p| {
                p.get_attr("scaling_adjustment")
                    .is_some_and(|a| a.raw_equals(&adj))
            });
            object_for(
                &step_block(),
                [
                    ("scaling_adjustment", adj.clone()),
                    (
                        "metric_interval_lower_bound",
                        bound(
                            p,
                            "metric_interval_lower_bound",
                            st.text_of("MetricIntervalLowerBound"),
                        ),
                    ),
                    (
                        "metric_interval_upper_bound",
                        bound(
                            p,
                            "metric_interval_upper_bound",
                            st.text_of("MetricIntervalUpperBound"),
                        ),
                    ),
                ],
            )
        })
        .collect();
    let tracking: Vec<Value> = el
        .child("TargetTrackingConfiguration")
        .filter(|t| t.text_of("TargetValue").is_some())
        .map(|t| {
            let prior_t = elements(prior, "target_tracking_configuration");
            let prior_dis = prior_t
                .first()
                .and_then(|p| get_bool(p, "disable_scale_in"));
            let dis = t.bool_of("DisableScaleIn");
            let dis = match (prior_dis, dis) {
                (None, Some(false) | None) => b(None),
                (_, d) => b(Some(d.unwrap_or(false))),
            };
            let pre: Vec<Value> = t
                .child("PredefinedMetricSpecification")
                .map(|m| {
                    object_for(
                        &predefined_block(),
                        [
                            (
                                "predefined_metric_type",
                                s(m.text_of("PredefinedMetricType")),
                            ),
                            ("resource_label", s(m.text_of("ResourceLabel"))),
                        ],
                    )
                })
                .into_iter()
                .collect();
            let tb = tracking_block();
            object_for(
                &tb,
                [
                    ("target_value", num(t, "TargetValue")),
                    ("disable_scale_in", dis),
                    (
                        "predefined_metric_specification",
                        list_of(
                            &tb.blocks["predefined_metric_specification"].block,
                            false,
                            pre,
                        ),
                    ),
                ],
            )
        })
        .into_iter()
        .collect();
    let enabled = el.bool_of("Enabled").unwrap_or(true);
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", Value::string(name)),
            ("arn", s(el.text_of("PolicyARN"))),
            (
                "autoscaling_group_name",
                s(el.text_of("AutoScalingGroupName")),
            ),
            (
                "policy_type",
                Value::string(el.text_of("PolicyType").unwrap_or("SimpleScaling")),
            ),
            ("adjustment_type", s(el.text_of("AdjustmentType"))),
            ("scaling_adjustment", num(el, "ScalingAdjustment")),
            ("cooldown", num(el, "Cooldown")),
            (
                "min_adjustment_magnitude",
                num(el, "MinAdjustmentMagnitude"),
            ),
            (
                "estimated_instance_warmup",
                num(el, "EstimatedInstanceWarmup"),
            ),
            (
                "metric_aggregation_type",
                s(el.text_of("MetricAggregationType")),
            ),
            ("enabled", Value::bool(enabled)),
            ("step_adjustment", list_of(&step_block(), true, steps)),
            (
                "target_tracking_configuration",
                list_of(&tracking_block(), false, tracking),
            ),
        ],
    );
    if get_str(&v, "autoscaling_group_name").is_none() {
        v = with_attr(
            &v,
            "autoscaling_group_name",
            s(get_str(prior, "autoscaling_group_name")),
        );
    }
    v
}

/// The policy `name` of group `group`, `None` when either is gone.
async fn describe(aws: &Aws, group: &str, name: &str) -> Result<Option<Element>, ProviderError> {
    let p = Params::new()
        .set("AutoScalingGroupName", group)
        .set("PolicyNames.member.1", name);
    match aws
        .call(&AUTOSCALING, "DescribePolicies", &p, Idempotency::Safe)
        .await
    {
        Ok(r) => Ok(r
            .items("ScalingPolicies")
            .into_iter()
            .find(|e| e.text_of("PolicyName") == Some(name))
            .cloned()),
        Err(e) if is_gone(&e) => Ok(None),
        Err(e) => Err(e.into_provider_error(&format!("reading Auto Scaling Policy ({name})"))),
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let group = need(prior, "autoscaling_group_name")?;
    Ok(describe(aws, group, name)
        .await?
        .map(|el| state_from(prior, &el)))
}

async fn put(aws: &Aws, planned: &Value) -> Result<Value, ApplyError> {
    let name = need(planned, "name")?;
    aws.call(
        &AUTOSCALING,
        "PutScalingPolicy",
        &put_params(planned),
        Idempotency::Safe,
    )
    .await
    .map_err(fail(format!("putting Auto Scaling Policy ({name})")))?;
    let with_id = with_attr(planned, "id", Value::string(name));
    crate::ec2::read_after_create(|| read(aws, &with_id))
        .await
        .map_err(|e| ApplyError::partial(e, with_id.clone()))
}

#[async_trait]
impl ResourceType for Policy {
    fn name(&self) -> &'static str {
        "aws_autoscaling_policy"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let mut resp = plan_generic(
            &block(),
            ctx,
            &req,
            &[
                ("policy_type", Value::string("SimpleScaling")),
                ("enabled", Value::bool(true)),
            ],
        );
        if let Some(name) = get_str(&req.config, "name") {
            resp.planned_state = with_attr(&resp.planned_state, "id", Value::string(name));
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        put(aws, planned).await
    }

    async fn update(
        &self,
        aws: &Aws,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        put(aws, planned).await
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        let p = Params::new()
            .opt(
                "AutoScalingGroupName",
                get_str(prior, "autoscaling_group_name"),
            )
            .set("PolicyName", name);
        match aws
            .call(&AUTOSCALING, "DeletePolicy", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_gone(&e) => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting Auto Scaling Policy ({name})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn import(
        &self,
        aws: &Aws,
        block: &BlockSchema,
        id: &str,
    ) -> Result<Vec<Value>, ProviderError> {
        let Some((group, name)) = id
            .split_once('/')
            .filter(|(g, n)| !g.is_empty() && !n.is_empty())
        else {
            return Err(ProviderError::new(
                "Invalid import ID",
                format!("unexpected format ({id}), expected <asg-name>/<policy-name>"),
            ));
        };
        let stub = object_for(
            block,
            [
                ("id", Value::string(name)),
                ("autoscaling_group_name", Value::string(group)),
            ],
        );
        match read(aws, &stub).await? {
            Some(v) => Ok(vec![v]),
            None => Err(ProviderError::new(
                "Cannot import non-existent remote object",
                format!("No Auto Scaling Policy {name:?} in group {group:?}."),
            )),
        }
    }

    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }
}
