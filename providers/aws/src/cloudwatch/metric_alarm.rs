//! `aws_cloudwatch_metric_alarm`: an alarm on one metric. PutMetricAlarm is an upsert, so
//! every argument but the name changes in place with the same call; tags change with
//! TagResource/UntagResource. The id is the alarm name. A create refuses to take over an
//! alarm of the same name that is not its own (PutMetricAlarm would silently overwrite it).

use std::collections::BTreeMap;

use async_trait::async_trait;
use terrane_dsl::value::Number;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_list, get_string_map, object_for, string_map, with_attrs,
};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use super::{tag_params, tags_of, update_tags};
use crate::client::endpoint::CLOUDWATCH;
use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{
    comp, fail, n, need, opt, optc, plan_generic, s, string_set, tag_attrs, Aws, PlanCtx,
    ResourceType, WithAttributes,
};
use crate::tags::{self, TOKEN_TAG};

pub struct MetricAlarm;

fn block() -> BlockSchema {
    let strings = || opt(Type::set(Type::String));
    BlockSchema::with_attributes([
        (
            "alarm_name",
            AttributeSchema::required(Type::String).force_new(),
        ),
        (
            "comparison_operator",
            AttributeSchema::required(Type::String),
        ),
        (
            "evaluation_periods",
            AttributeSchema::required(Type::Number),
        ),
        ("metric_name", opt(Type::String)),
        ("namespace", opt(Type::String)),
        ("period", opt(Type::Number)),
        ("statistic", opt(Type::String)),
        ("extended_statistic", opt(Type::String)),
        ("threshold", opt(Type::Number)),
        ("threshold_metric_id", opt(Type::String)),
        ("alarm_description", opt(Type::String)),
        ("alarm_actions", strings()),
        ("ok_actions", strings()),
        ("insufficient_data_actions", strings()),
        ("dimensions", opt(Type::map(Type::String))),
        ("actions_enabled", optc(Type::Bool)),
        ("datapoints_to_alarm", opt(Type::Number)),
        ("treat_missing_data", optc(Type::String)),
        ("evaluate_low_sample_count_percentiles", optc(Type::String)),
        ("unit", opt(Type::String)),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
}

/// DescribeAlarms for one name; `None` when there is no such alarm.
async fn describe(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("AlarmNames.member.1", name);
    let r = aws
        .call(&CLOUDWATCH, "DescribeAlarms", &p, Idempotency::Safe)
        .await?;
    Ok(r.items("MetricAlarms")
        .into_iter()
        .find(|a| a.text_of("AlarmName") == Some(name))
        .cloned())
}

/// A set of strings read from AWS: null when empty and the prior state had none.
fn strings_value(prior: &Value, name: &str, items: Vec<String>) -> Value {
    if items.is_empty() && prior.get_attr(name).is_none_or(Value::is_null) {
        Value::null(Type::set(Type::String))
    } else {
        string_set(items)
    }
}

fn texts(el: &Element, list: &str) -> Vec<String> {
    el.items(list)
        .iter()
        .map(|m| m.text.clone())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The threshold AWS shows, written as the prior state wrote it when it is the same number.
fn threshold_value(prior: &Value, remote: Option<&str>) -> Value {
    let Some(n) = remote.and_then(|t| Number::parse(t).ok()) else {
        return Value::null(Type::Number);
    };
    match prior.get_attr("threshold").and_then(Value::as_number) {
        Some(p) if p.equals(&n) => Value::number(p.clone()),
        _ => Value::number(n),
    }
}

fn state_from(aws: &Aws, prior: &Value, a: &Element, all_tags: BTreeMap<String, String>) -> Value {
    let name = a.text_of("AlarmName").unwrap_or_default();
    let dims: BTreeMap<String, String> = a
        .items("Dimensions")
        .iter()
        .filter_map(|d| {
            Some((
                d.text_of("Name")?.to_string(),
                d.text_of("Value").unwrap_or("").to_string(),
            ))
        })
        .collect();
    let dims = if dims.is_empty() && prior.get_attr("dimensions").is_none_or(Value::is_null) {
        Value::null(Type::map(Type::String))
    } else {
        string_map(dims)
    };
    let visible: BTreeMap<String, String> = all_tags
        .into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect();
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("alarm_name", Value::string(name)),
            ("arn", s(a.text_of("AlarmArn"))),
            ("comparison_operator", s(a.text_of("ComparisonOperator"))),
            ("evaluation_periods", n(a.i64_of("EvaluationPeriods"))),
            ("metric_name", s(a.text_of("MetricName"))),
            ("namespace", s(a.text_of("Namespace"))),
            ("period", n(a.i64_of("Period"))),
            ("statistic", s(a.text_of("Statistic"))),
            ("extended_statistic", s(a.text_of("ExtendedStatistic"))),
            ("threshold", threshold_value(prior, a.text_of("Threshold"))),
            ("threshold_metric_id", s(a.text_of("ThresholdMetricId"))),
            ("alarm_description", s(a.text_of("AlarmDescription"))),
            (
                "alarm_actions",
                strings_value(prior, "alarm_actions", texts(a, "AlarmActions")),
            ),
            (
                "ok_actions",
                strings_value(prior, "ok_actions", texts(a, "OKActions")),
            ),
            (
                "insufficient_data_actions",
                strings_value(
                    prior,
                    "insufficient_data_actions",
                    texts(a, "InsufficientDataActions"),
                ),
            ),
            ("dimensions", dims),
            (
                "actions_enabled",
                Value::bool(a.bool_of("ActionsEnabled").unwrap_or(true)),
            ),
            ("datapoints_to_alarm", n(a.i64_of("DatapointsToAlarm"))),
            (
                "treat_missing_data",
                Value::string(a.text_of("TreatMissingData").unwrap_or("missing")),
            ),
            (
                "evaluate_low_sample_count_percentiles",
                s(a.text_of("EvaluateLowSampleCountPercentile")),
            ),
            ("unit", s(a.text_of("Unit"))),
        ],
    );
    with_attrs(&v, tags::state_values(aws, prior, visible))
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    read_as(aws, prior, get_str(prior, "arn")).await
}

/// Reads the alarm; with its ARN known (`arn`), its tags are asked beside its description
/// (and again should the description show another ARN).
async fn read_as(
    aws: &Aws,
    prior: &Value,
    arn: Option<&str>,
) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let what = || format!("reading CloudWatch Metric Alarm ({name})");
    let early_tags = async {
        match arn {
            Some(arn) => Some(tags_of(aws, arn).await),
            None => None,
        }
    };
    let (a, early_tags) = tokio::join!(describe(aws, name), early_tags);
    let Some(a) = a.map_err(fail(what()))? else {
        return Ok(None);
    };
    let arn_now = a.text_of("AlarmArn").unwrap_or_default().to_string();
    let tags = match early_tags {
        Some(t) if arn == Some(arn_now.as_str()) => t,
        _ => tags_of(aws, &arn_now).await,
    };
    let all = match tags {
        Ok(t) => t,
        Err(e) if e.is_not_found() => BTreeMap::new(),
        Err(e) => return Err(e.into_provider_error(&what())),
    };
    Ok(Some(state_from(aws, prior, &a, all)))
}

/// PutMetricAlarm's parameters for a planned state.
fn put_params(planned: &Value) -> Params {
    let num = |k: &str| get_i64(planned, k).ok().flatten().map(|v| v.to_string());
    let list = |p: Params, param: &str, attr: &str| {
        let items = get_string_list(planned, attr).unwrap_or_default();
        crate::elb::members(p, param, &items)
    };
    let mut p = Params::new()
        .set(
            "AlarmName",
            get_str(planned, "alarm_name").unwrap_or_default(),
        )
        .opt(
            "ComparisonOperator",
            get_str(planned, "comparison_operator"),
        )
        .opt("EvaluationPeriods", num("evaluation_periods"))
        .opt("MetricName", get_str(planned, "metric_name"))
        .opt("Namespace", get_str(planned, "namespace"))
        .opt("Period", num("period"))
        .opt("Statistic", get_str(planned, "statistic"))
        .opt("ExtendedStatistic", get_str(planned, "extended_statistic"))
        .opt(
            "Threshold",
            planned
                .get_attr("threshold")
                .and_then(Value::as_number)
                .map(Number::to_text),
        )
        .opt("ThresholdMetricId", get_str(planned, "threshold_metric_id"))
        .opt("AlarmDescription", get_str(planned, "alarm_description"))
        .set(
            "ActionsEnabled",
            if get_bool(planned, "actions_enabled").unwrap_or(true) {
                "true"
            } else {
                "false"
            },
        )
        .opt("DatapointsToAlarm", num("datapoints_to_alarm"))
        .set(
            "TreatMissingData",
            get_str(planned, "treat_missing_data").unwrap_or("missing"),
        )
        .opt(
            "EvaluateLowSampleCountPercentile",
            get_str(planned, "evaluate_low_sample_count_percentiles"),
        )
        .opt("Unit", get_str(planned, "unit"));
    p = list(p, "AlarmActions", "alarm_actions");
    p = list(p, "OKActions", "ok_actions");
    p = list(p, "InsufficientDataActions", "insufficient_data_actions");
    let dims = get_string_map(planned, "dimensions").unwrap_or_default();
    for (i, (k, v)) in dims.iter().enumerate() {
        p = p
            .set(format!("Dimensions.member.{}.Name", i + 1), k)
            .set(format!("Dimensions.member.{}.Value", i + 1), v);
    }
    p
}

/// Every alarm's name and ARN (following `NextToken`).
async fn all_alarms(aws: &Aws) -> Result<Vec<(String, String)>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..1000 {
        let p = Params::new().opt("NextToken", token.take());
        let r = aws
            .call(&CLOUDWATCH, "DescribeAlarms", &p, Idempotency::Safe)
            .await?;
        out.extend(r.items("MetricAlarms").iter().filter_map(|a| {
            Some((
                a.text_of("AlarmName")?.to_string(),
                a.text_of("AlarmArn")?.to_string(),
            ))
        }));
        match r.text_of("NextToken") {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(out)
}

#[async_trait]
impl ResourceType for MetricAlarm {
    fn name(&self) -> &'static str {
        "aws_cloudwatch_metric_alarm"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        let set = |k: &str| config.get_attr(k).is_some_and(|v| !v.is_null());
        if set("statistic") && set("extended_statistic") {
            out.push(
                ProviderError::invalid_value(
                    "extended_statistic",
                    "\"extended_statistic\": conflicts with statistic",
                )
                .at_attr("extended_statistic")
                .into(),
            );
        }
        if let Some(t) = get_str(config, "treat_missing_data") {
            if !["breaching", "notBreaching", "ignore", "missing"].contains(&t) {
                out.push(
                    ProviderError::invalid_value(
                        "treat_missing_data",
                        format!(
                            "expected one of breaching, notBreaching, ignore, missing; got {t:?}"
                        ),
                    )
                    .at_attr("treat_missing_data")
                    .into(),
                );
            }
        }
        out
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [
            ("actions_enabled", Value::bool(true)),
            ("treat_missing_data", Value::string("missing")),
        ];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        if req.prior_state.is_none() {
            if let Some(name) = get_str(&req.config, "alarm_name") {
                resp.planned_state = with_attrs(&resp.planned_state, [("id", Value::string(name))]);
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = need(planned, "alarm_name")?;
        let what = || format!("creating CloudWatch Metric Alarm ({name})");
        // The account (asked of STS once) gives the new alarm's ARN, so that its tags can be
        // read beside its description once it is made.
        let account = async {
            match aws.skip_account_id {
                true => None,
                false => aws.caller().await.ok().map(|c| c.0.clone()),
            }
        };
        // PutMetricAlarm would overwrite an alarm of this name: only one of ours (an
        // earlier attempt of this create) may be.
        let (existing, account) = tokio::join!(describe(aws, name), account);
        if let Some(a) = existing.map_err(fail(what()))? {
            let arn = a.text_of("AlarmArn").unwrap_or_default();
            let tags = tags_of(aws, arn).await.unwrap_or_default();
            if tags.get(TOKEN_TAG).is_none_or(|t| t != token) {
                return Err(ProviderError::new(
                    "CloudWatch Metric Alarm already exists",
                    format!("An alarm named {name:?} already exists; import it to manage it (terrane import ... {name})."),
                )
                .into());
            }
        }
        let p = tag_params(put_params(planned), &tags::for_create(planned, token));
        aws.call(&CLOUDWATCH, "PutMetricAlarm", &p, Idempotency::Safe)
            .await
            .map_err(fail(what()))?;
        let with_id = with_attrs(planned, [("id", Value::string(name))]);
        let arn =
            account.map(|a| crate::common::arn(aws, "cloudwatch", &a, &format!("alarm:{name}")));
        crate::ec2::read_after_create(|| read_as(aws, &with_id, arn.as_deref()))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let name = need(prior, "id")?;
        let what = || format!("updating CloudWatch Metric Alarm ({name})");
        aws.call(
            &CLOUDWATCH,
            "PutMetricAlarm",
            &put_params(planned),
            Idempotency::Safe,
        )
        .await
        .map_err(fail(what()))?;
        let arn = need(prior, "arn")?;
        update_tags(aws, arn, prior, planned)
            .await
            .map_err(fail(what()))?;
        read(aws, planned).await?.ok_or_else(|| {
            ProviderError::new("CloudWatch Metric Alarm gone", name.to_string()).into()
        })
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        let p = Params::new().set("AlarmNames.member.1", name);
        match aws
            .call(&CLOUDWATCH, "DeleteAlarms", &p, Idempotency::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => {
                Err(e.into_provider_error(&format!("deleting CloudWatch Metric Alarm ({name})")))
            }
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let what = "finding CloudWatch Metric Alarm by token";
        for (name, arn) in all_alarms(aws).await.map_err(fail(what))? {
            let tags = tags_of(aws, &arn).await.map_err(fail(what))?;
            if tags.get(TOKEN_TAG).is_some_and(|t| t == token) {
                return read(aws, &object_for(&block(), [("id", Value::string(name))])).await;
            }
        }
        Ok(None)
    }
}
