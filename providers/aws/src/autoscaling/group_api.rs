//! What `aws_autoscaling_group` asks Auto Scaling: describing a group, its state from the
//! answer, the parameters of CreateAutoScalingGroup / UpdateAutoScalingGroup, the `tag`
//! blocks, and the waiters (capacity satisfied, instances drained, group gone).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_list, object_for, with_attrs,
};
use terrane_provider::ProviderError;

use super::lb_health::Balancers;
use super::{member_texts, members};
use crate::client::endpoint::AUTOSCALING;
use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{b, fail, n, s, string_set, Aws};
use crate::ec2::instance_api::elements;
use crate::tags::TOKEN_TAG;

/// The group named `name`, `None` when there is none.
pub async fn describe(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("AutoScalingGroupNames.member.1", name);
    let r = aws
        .call(
            &AUTOSCALING,
            "DescribeAutoScalingGroups",
            &p,
            Idempotency::Safe,
        )
        .await?;
    Ok(r.items("AutoScalingGroups")
        .into_iter()
        .find(|g| g.text_of("AutoScalingGroupName") == Some(name))
        .cloned())
}

/// The name of the group tagged with `token`.
pub async fn by_token(aws: &Aws, token: &str) -> Result<Option<String>, AwsError> {
    let p = Params::new()
        .set("Filters.member.1.Name", format!("tag:{TOKEN_TAG}"))
        .set("Filters.member.1.Values.member.1", token);
    let groups = super::pages(aws, "DescribeAutoScalingGroups", &p, "AutoScalingGroups").await?;
    Ok(groups
        .iter()
        .find(|g| tags_of(g).get(TOKEN_TAG).map(|(v, _)| v.as_str()) == Some(token))
        .and_then(|g| g.text_of("AutoScalingGroupName"))
        .map(str::to_string))
}

/// A group's tags: key to (value, propagate at launch).
pub fn tags_of(el: &Element) -> BTreeMap<String, (String, bool)> {
    el.items("Tags")
        .iter()
        .filter_map(|t| {
            Some((
                t.text_of("Key")?.to_string(),
                (
                    t.text_of("Value").unwrap_or("").to_string(),
                    t.bool_of("PropagateAtLaunch").unwrap_or(false),
                ),
            ))
        })
        .collect()
}

/// The `tag` blocks of a state or configuration: key to (value, propagate at launch).
pub fn tag_blocks(v: &Value) -> BTreeMap<String, (String, bool)> {
    elements(v, "tag")
        .iter()
        .filter_map(|t| {
            Some((
                get_str(t, "key")?.to_string(),
                (
                    get_str(t, "value").unwrap_or("").to_string(),
                    get_bool(t, "propagate_at_launch").unwrap_or(false),
                ),
            ))
        })
        .collect()
}

/// `Tags.member.N` parameters for the group `name`.
pub fn tag_params(mut p: Params, name: &str, tags: &BTreeMap<String, (String, bool)>) -> Params {
    for (i, (k, (v, prop))) in tags.iter().enumerate() {
        let pre = format!("Tags.member.{}", i + 1);
        p = p
            .set(format!("{pre}.ResourceId"), name)
            .set(format!("{pre}.ResourceType"), "auto-scaling-group")
            .set(format!("{pre}.Key"), k)
            .set(format!("{pre}.Value"), v)
            .set(format!("{pre}.PropagateAtLaunch"), prop.to_string());
    }
    p
}

/// Makes the group's `tag` blocks go from those of `prior` to those of `planned`.
pub async fn update_tags(
    aws: &Aws,
    name: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let old = tag_blocks(prior);
    let new = tag_blocks(planned);
    let removed: BTreeMap<String, (String, bool)> = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !removed.is_empty() {
        let p = tag_params(Params::new(), name, &removed);
        aws.call(&AUTOSCALING, "DeleteTags", &p, Idempotency::Safe)
            .await?;
    }
    let changed: BTreeMap<String, (String, bool)> = new
        .into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .collect();
    if !changed.is_empty() {
        let p = tag_params(Params::new(), name, &changed);
        aws.call(&AUTOSCALING, "CreateOrUpdateTags", &p, Idempotency::Safe)
            .await?;
    }
    Ok(())
}

fn tag_value(block: &terrane_provider::BlockSchema, el: &Element, aws: &Aws) -> Value {
    let ety = block.implied_type();
    let items: Vec<Value> = tags_of(el)
        .into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .map(|(k, (v, prop))| {
            object_for(
                block,
                [
                    ("key", Value::string(k)),
                    ("value", Value::string(v)),
                    ("propagate_at_launch", Value::bool(prop)),
                ],
            )
        })
        .collect();
    Value::set(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::set(ety)))
}

/// The `launch_template` block from the group's `LaunchTemplate`, the version as configured
/// when AWS does not show it (it shows it only when one was given).
fn launch_template_value(
    schema: &terrane_provider::BlockSchema,
    prior: &Value,
    el: &Element,
) -> Value {
    let blk = &schema.blocks["launch_template"].block;
    let ety = blk.implied_type();
    let items = match el.child("LaunchTemplate") {
        Some(lt) => {
            let prior_lt = elements(prior, "launch_template").into_iter().next();
            let version = lt.text_of("Version").map(str::to_string).or_else(|| {
                prior_lt
                    .as_ref()
                    .and_then(|p| get_str(p, "version"))
                    .map(str::to_string)
            });
            vec![object_for(
                blk,
                [
                    ("id", s(lt.text_of("LaunchTemplateId"))),
                    ("name", s(lt.text_of("LaunchTemplateName"))),
                    ("version", s(version.as_deref())),
                ],
            )]
        }
        None => Vec::new(),
    };
    Value::list(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::list(ety)))
}

/// The state of a group from its description; what AWS does not keep (waits, force delete)
/// comes from `prior`, or Terraform's defaults.
pub fn state_from(aws: &Aws, prior: &Value, el: &Element) -> Value {
    let schema = super::group::block();
    let name = el.text_of("AutoScalingGroupName").unwrap_or_default();
    let int = |k: &str| n(el.i64_of(k));
    let subnets: Vec<String> = el
        .text_of("VPCZoneIdentifier")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect();
    let policies = member_texts(el, "TerminationPolicies");
    let policies = if get_string_list(prior, "termination_policies").is_none()
        && (policies.is_empty() || policies == ["Default"])
    {
        Value::null(Type::list(Type::String))
    } else {
        terrane_provider::values::string_list(policies)
    };
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", Value::string(name)),
            ("arn", s(el.text_of("AutoScalingGroupARN"))),
            ("min_size", int("MinSize")),
            ("max_size", int("MaxSize")),
            ("desired_capacity", int("DesiredCapacity")),
            ("default_cooldown", int("DefaultCooldown")),
            (
                "health_check_grace_period",
                n(Some(el.i64_of("HealthCheckGracePeriod").unwrap_or(0))),
            ),
            ("health_check_type", s(el.text_of("HealthCheckType"))),
            (
                "launch_configuration",
                s(el.text_of("LaunchConfigurationName")),
            ),
            ("launch_template", launch_template_value(&schema, prior, el)),
            ("vpc_zone_identifier", string_set(subnets)),
            (
                "availability_zones",
                string_set(member_texts(el, "AvailabilityZones")),
            ),
            (
                "load_balancers",
                string_set(member_texts(el, "LoadBalancerNames")),
            ),
            (
                "target_group_arns",
                string_set(member_texts(el, "TargetGroupARNs")),
            ),
            ("termination_policies", policies),
            ("placement_group", s(el.text_of("PlacementGroup"))),
            (
                "protect_from_scale_in",
                b(Some(
                    el.bool_of("NewInstancesProtectedFromScaleIn")
                        .unwrap_or(false),
                )),
            ),
            (
                "capacity_rebalance",
                b(Some(el.bool_of("CapacityRebalance").unwrap_or(false))),
            ),
            (
                "service_linked_role_arn",
                s(el.text_of("ServiceLinkedRoleARN")),
            ),
            ("tag", tag_value(&schema.blocks["tag"].block, el, aws)),
        ],
    );
    let defaults = [
        ("force_delete", Value::bool(false)),
        ("wait_for_capacity_timeout", Value::string("10m")),
    ];
    for (k, d) in defaults {
        if v.get_attr(k).is_none_or(|x| x.is_null() || !x.is_known()) {
            v = terrane_provider::values::with_attr(&v, k, d);
        }
    }
    if !v.get_attr("name_prefix").is_some_and(Value::is_known) {
        v = terrane_provider::values::with_attr(&v, "name_prefix", Value::null(Type::String));
    }
    v
}

/// The parameters the create and the update share, for what `changed` says changed (all of
/// them on create).
pub fn group_params(planned: &Value, changed: &dyn Fn(&str) -> bool) -> Params {
    let num = |k: &str| get_i64(planned, k).ok().flatten().map(|v| v.to_string());
    let flag = |k: &str| get_bool(planned, k).map(|v| v.to_string());
    let mut p = Params::new()
        .opt("MinSize", num("min_size"))
        .opt("MaxSize", num("max_size"));
    if changed("desired_capacity") {
        p = p.opt("DesiredCapacity", num("desired_capacity"));
    }
    if changed("default_cooldown") {
        p = p.opt("DefaultCooldown", num("default_cooldown"));
    }
    if changed("health_check_type") {
        p = p.opt("HealthCheckType", get_str(planned, "health_check_type"));
    }
    if changed("health_check_grace_period") {
        p = p.opt("HealthCheckGracePeriod", num("health_check_grace_period"));
    }
    if changed("launch_configuration") {
        p = p.opt(
            "LaunchConfigurationName",
            get_str(planned, "launch_configuration"),
        );
    }
    if changed("launch_template") {
        if let Some(lt) = elements(planned, "launch_template").first() {
            p = match get_str(lt, "id") {
                Some(id) => p.set("LaunchTemplate.LaunchTemplateId", id),
                None => p.opt("LaunchTemplate.LaunchTemplateName", get_str(lt, "name")),
            };
            p = p.opt("LaunchTemplate.Version", get_str(lt, "version"));
        }
    }
    if changed("vpc_zone_identifier") {
        let subnets = get_string_list(planned, "vpc_zone_identifier").unwrap_or_default();
        if !subnets.is_empty() {
            p = p.set("VPCZoneIdentifier", subnets.join(","));
        }
    }
    if changed("availability_zones") {
        let zones = get_string_list(planned, "availability_zones").unwrap_or_default();
        p = members(p, "AvailabilityZones", &zones);
    }
    if changed("termination_policies") {
        let mut tp = get_string_list(planned, "termination_policies").unwrap_or_default();
        if tp.is_empty() {
            tp.push("Default".into());
        }
        p = members(p, "TerminationPolicies", &tp);
    }
    if changed("placement_group") {
        p = p.opt("PlacementGroup", get_str(planned, "placement_group"));
    }
    if changed("protect_from_scale_in") {
        p = p.opt(
            "NewInstancesProtectedFromScaleIn",
            flag("protect_from_scale_in"),
        );
    }
    if changed("capacity_rebalance") {
        p = p.opt("CapacityRebalance", flag("capacity_rebalance"));
    }
    if changed("service_linked_role_arn") {
        p = p.opt(
            "ServiceLinkedRoleARN",
            get_str(planned, "service_linked_role_arn"),
        );
    }
    p
}

/// How long to wait for capacity: `wait_for_capacity_timeout` ("0" skips the wait).
pub fn capacity_timeout(planned: &Value) -> Option<Duration> {
    let t = get_str(planned, "wait_for_capacity_timeout").unwrap_or("10m");
    crate::common::parse_duration(t).filter(|d| !d.is_zero())
}

/// Waits until the group has `want` healthy `InService` instances and, with `want_elb`, that
/// many of them `InService` in every classic load balancer and `healthy` in every target group
/// of the group, for at most `limit`. Returns the group as last described.
pub async fn wait_capacity(
    aws: &Aws,
    name: &str,
    want: i64,
    want_elb: Option<i64>,
    limit: Duration,
) -> Result<Element, ProviderError> {
    let start = Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let el = describe(aws, name)
            .await
            .map_err(fail(format!("reading Auto Scaling Group ({name})")))?
            .ok_or_else(|| {
                ProviderError::new(
                    "Auto Scaling Group gone",
                    format!("Auto Scaling Group ({name}) went away while waiting for capacity."),
                )
            })?;
        let healthy: Vec<String> = el
            .items("Instances")
            .iter()
            .filter(|i| {
                i.text_of("LifecycleState") == Some("InService")
                    && i.text_of("HealthStatus")
                        .is_some_and(|h| h.eq_ignore_ascii_case("healthy"))
            })
            .filter_map(|i| i.text_of("InstanceId"))
            .map(str::to_string)
            .collect();
        let balancers = Balancers::of(&el);
        let have_elb = match want_elb {
            Some(_) => Some(balancers.ready(aws, &healthy).await?),
            None => None,
        };
        let have = healthy.len() as i64;
        if have >= want && have_elb.zip(want_elb).is_none_or(|(h, w)| h >= w) {
            return Ok(el);
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                "Timeout waiting for Auto Scaling Group capacity",
                format!(
                    "waiting for Auto Scaling Group ({name}) capacity satisfied: {have} healthy instances InService, want {want}{} (wait_for_capacity_timeout {limit:?}).",
                    match (have_elb, want_elb) {
                        (Some(h), Some(w)) => format!("; {h} of them {}, want {w}", balancers.condition()),
                        _ => String::new(),
                    }
                ),
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}

/// Waits, for at most `limit`, until `done` says the group (as described, `None` when gone)
/// is as wanted; `what` names the wait in the timeout error.
pub async fn wait_until(
    aws: &Aws,
    name: &str,
    what: &str,
    limit: Duration,
    done: impl Fn(Option<&Element>) -> bool,
) -> Result<(), ProviderError> {
    let start = Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        let el = describe(aws, name)
            .await
            .map_err(fail(format!("reading Auto Scaling Group ({name})")))?;
        if done(el.as_ref()) {
            return Ok(());
        }
        if start.elapsed() >= limit {
            return Err(ProviderError::new(
                "Timeout waiting for Auto Scaling Group",
                format!("Auto Scaling Group ({name}): {what} did not happen within {limit:?}."),
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}
