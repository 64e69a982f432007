//! `aws_cloudwatch_metric_alarm` against moto: create with dimensions, actions and tags;
//! refresh, drift, threshold and tags changed in place, the name forcing a new alarm,
//! import, adoption by token, a create refusing another's alarm, destroy.

use std::sync::Arc;

use terrane_dsl::value::{Number, Value};
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_bool, get_i64, get_str, get_string_map, string_map, with_attr};
use terrane_provider::Provider;

use crate::client::{endpoint, Idempotency, Params};
use crate::testing::{adopts, gone, no_drift, Kit};

fn map(k: &str, v: &str) -> Value {
    string_map([(k.to_string(), v.to_string())].into())
}

fn threshold(v: &Value) -> f64 {
    v.get_attr("threshold")
        .and_then(Value::as_number)
        .unwrap()
        .to_f64()
}

#[tokio::test]
async fn metric_alarm_lifecycle() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let h = Harness::new(
        p.clone() as Arc<dyn Provider>,
        "aws_cloudwatch_metric_alarm",
    );
    let topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    let config = h
        .config(vec![
            ("alarm_name", Value::string("cpu-high")),
            (
                "comparison_operator",
                Value::string("GreaterThanOrEqualToThreshold"),
            ),
            ("evaluation_periods", Value::int(2)),
            ("metric_name", Value::string("CPUUtilization")),
            ("namespace", Value::string("AWS/EC2")),
            ("period", Value::int(120)),
            ("statistic", Value::string("Average")),
            ("threshold", Value::number(Number::parse("80.5").unwrap())),
            ("alarm_description", Value::string("cpu")),
            ("dimensions", map("InstanceId", "i-123")),
            (
                "alarm_actions",
                crate::common::string_set([topic.to_string()]),
            ),
            ("tags", map("Name", "cpu")),
        ])
        .unwrap();
    assert!(h.validate(&config).is_empty());
    assert!(!h
        .validate(&with_attr(
            &config,
            "treat_missing_data",
            Value::string("x")
        ))
        .is_empty());
    let plan = h.plan(None, &config).await.unwrap();
    assert_eq!(get_str(&plan.planned_state, "id"), Some("cpu-high"));
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert!(get_str(&state, "arn").unwrap().ends_with(":alarm:cpu-high"));
    assert_eq!(threshold(&state), 80.5);
    assert_eq!(get_bool(&state, "actions_enabled"), Some(true));
    assert_eq!(get_str(&state, "treat_missing_data"), Some("missing"));
    assert_eq!(
        get_string_map(&state, "dimensions").unwrap()["InstanceId"],
        "i-123"
    );
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));

    no_drift(&h, &state, &config).await;

    // Drift: the alarm rewritten outside with another period; the plan puts it back.
    let c = moto.client();
    let outside = Params::new()
        .set("AlarmName", "cpu-high")
        .set("ComparisonOperator", "GreaterThanOrEqualToThreshold")
        .set("EvaluationPeriods", "2")
        .set("MetricName", "CPUUtilization")
        .set("Namespace", "AWS/EC2")
        .set("Period", "300")
        .set("Statistic", "Average")
        .set("Threshold", "80.5")
        .set("AlarmDescription", "cpu")
        .set("Dimensions.member.1.Name", "InstanceId")
        .set("Dimensions.member.1.Value", "i-123")
        .set("AlarmActions.member.1", topic);
    c.query(
        &endpoint::CLOUDWATCH,
        "PutMetricAlarm",
        &outside,
        Idempotency::Safe,
    )
    .await
    .unwrap();
    let drifted = h.read(&state).await.unwrap().unwrap();
    assert_eq!(get_i64(&drifted, "period").unwrap(), Some(300));
    let fix = h.plan(Some(&drifted), &config).await.unwrap();
    assert!(fix.requires_replace.is_empty());
    let fixed = h
        .apply(Some(&drifted), &fix.planned_state, &config)
        .await
        .unwrap();
    assert!(fixed.raw_equals(&state), "{fixed:?}\n{state:?}");

    // In place: the threshold, actions, missing data and tags.
    let config2 = with_attr(&config, "threshold", Value::int(90));
    let config2 = with_attr(&config2, "treat_missing_data", Value::string("breaching"));
    let config2 = with_attr(&config2, "actions_enabled", Value::bool(false));
    let config2 = with_attr(&config2, "tags", map("Team", "ops"));
    let upd = h.plan(Some(&fixed), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&fixed), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(threshold(&updated), 90.0);
    assert_eq!(get_str(&updated, "treat_missing_data"), Some("breaching"));
    assert_eq!(get_bool(&updated, "actions_enabled"), Some(false));
    let t = get_string_map(&updated, "tags").unwrap();
    assert_eq!(
        (t.get("Team"), t.get("Name")),
        (Some(&"ops".to_string()), None)
    );
    let read = h.read(&updated).await.unwrap().unwrap();
    assert!(read.raw_equals(&updated), "{read:?}\n{updated:?}");
    let rep = h
        .plan(
            Some(&read),
            &with_attr(&config2, "alarm_name", Value::string("cpu-2")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);

    // Import, adoption by token; a create with another token refuses the existing alarm.
    let imported = h.import("cpu-high").await.unwrap();
    assert_eq!(threshold(&imported[0]), 90.0);
    assert_eq!(get_string_map(&imported[0], "tags").unwrap()["Team"], "ops");
    adopts(&*p, "aws_cloudwatch_metric_alarm", "cpu-high").await;
    let again = h.apply(None, &upd.planned_state, &config2).await.unwrap();
    assert_eq!(get_str(&again, "id"), Some("cpu-high"));
    let resp = p
        .apply_resource(terrane_provider::ApplyRequest {
            type_name: "aws_cloudwatch_metric_alarm".into(),
            prior_state: None,
            planned_state: Some(upd.planned_state.clone()),
            config: config2.clone(),
            planned_private: None,
            idempotency_token: Some("another".into()),
        })
        .await;
    assert!(resp.is_err());

    gone(&h, &read).await;
    h.destroy(&read).await.unwrap();
}
