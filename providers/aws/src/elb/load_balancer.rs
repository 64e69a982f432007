//! `aws_elb`: a Classic Load Balancer. The id is its name. Listeners, the health check,
//! instances, subnets, zones, security groups, attributes and tags change in place; the name
//! and `internal` force a new one.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_str, get_string_list, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, PlanRequest, PlanResponse, ProviderDiagnostic, ProviderError, ResourceSchema,
};

use super::shape::{self, blocks, listeners_of, Listener};
use super::{members, tag_params, tags_of, update_tags};
use crate::client::endpoint::ELB;
use crate::client::{retry, AwsError, Element, Idempotency, Params};
use crate::common::{
    fail, need, plan_generic, string_set, timeout, unique_name, Aws, PlanCtx, ResourceType,
};
use crate::ec2::read_after_create;
use crate::tags::{self, TOKEN_TAG};

pub struct Elb;

/// DescribeLoadBalancers for one name; `None` when there is no such load balancer.
async fn describe(aws: &Aws, name: &str) -> Result<Option<Element>, AwsError> {
    let p = Params::new().set("LoadBalancerNames.member.1", name);
    match aws
        .call(&ELB, "DescribeLoadBalancers", &p, Idempotency::Safe)
        .await
    {
        Ok(r) => Ok(r
            .items("LoadBalancerDescriptions")
            .into_iter()
            .find(|e| e.text_of("LoadBalancerName") == Some(name))
            .cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every load balancer's name (following `NextMarker`).
async fn all_names(aws: &Aws) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        let p = Params::new().opt("Marker", marker.take());
        let r = aws
            .call(&ELB, "DescribeLoadBalancers", &p, Idempotency::Safe)
            .await?;
        out.extend(
            r.items("LoadBalancerDescriptions")
                .iter()
                .filter_map(|e| e.text_of("LoadBalancerName"))
                .map(str::to_string),
        );
        match r.text_of("NextMarker") {
            Some(m) => marker = Some(m.to_string()),
            None => break,
        }
    }
    Ok(out)
}

fn texts(el: &Element, list: &str) -> Vec<String> {
    el.items(list)
        .iter()
        .map(|m| m.text.clone())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The id of the security group ELB names as the source group (looked up by name in the
/// load balancer's VPC, as AWS gives only the name).
async fn source_group_id(aws: &Aws, lb: &Element) -> Option<String> {
    let name = lb.text_at(&["SourceSecurityGroup", "GroupName"])?;
    let vpc = lb.text_of("VPCId")?;
    let p = Params::new().filters(&[
        ("group-name".to_string(), vec![name.to_string()]),
        ("vpc-id".to_string(), vec![vpc.to_string()]),
    ]);
    let r = aws.client.ec2("DescribeSecurityGroups", &p).await.ok()?;
    r.items("securityGroupInfo")
        .first()
        .and_then(|g| g.text_of("groupId"))
        .map(str::to_string)
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let name = need(prior, "id")?;
    let what = || format!("reading ELB Classic Load Balancer ({name})");
    // Independent calls, side by side; the describe's answer first (a load balancer that is
    // gone fails the others too).
    let attributes = Params::new().set("LoadBalancerName", name);
    let names = [name.to_string()];
    let (lb, attrs, all_tags, caller) = tokio::join!(
        describe(aws, name),
        aws.call(
            &ELB,
            "DescribeLoadBalancerAttributes",
            &attributes,
            Idempotency::Safe
        ),
        tags_of(aws, &names),
        aws.caller(),
    );
    let Some(lb) = lb.map_err(fail(what()))? else {
        return Ok(None);
    };
    let attrs = attrs
        .map_err(fail(what()))?
        .child("LoadBalancerAttributes")
        .cloned()
        .unwrap_or_default();
    let all_tags = all_tags
        .map_err(fail(what()))?
        .remove(name)
        .unwrap_or_default();
    let account = caller.map_err(fail(what()))?.0.clone();
    let ssg_id = source_group_id(aws, &lb).await;
    Ok(Some(state_from(
        aws, prior, &lb, &attrs, all_tags, &account, ssg_id,
    )))
}

fn state_from(
    aws: &Aws,
    prior: &Value,
    lb: &Element,
    attrs: &Element,
    all_tags: BTreeMap<String, String>,
    account: &str,
    ssg_id: Option<String>,
) -> Value {
    let name = lb.text_of("LoadBalancerName").unwrap_or_default();
    let remote: Vec<Listener> = lb
        .items("ListenerDescriptions")
        .iter()
        .filter_map(|d| d.child("Listener"))
        .map(Listener::from_element)
        .collect();
    // An import stub has no listeners: show every block AWS has then.
    let stub = blocks(prior, "listener").is_empty();
    let health_check = if stub || !blocks(prior, "health_check").is_empty() {
        shape::health_check_value(lb.child("HealthCheck"))
    } else {
        shape::health_check_value(None)
    };
    let access_logs = if stub || !blocks(prior, "access_logs").is_empty() {
        shape::access_logs_value(attrs)
    } else {
        shape::access_logs_value(&Element::default())
    };
    let ssg = lb.child("SourceSecurityGroup").map(|g| {
        let group = g.text_of("GroupName").unwrap_or_default();
        match g.text_of("OwnerAlias") {
            Some(o) => format!("{o}/{group}"),
            None => group.to_string(),
        }
    });
    let desync = attrs
        .items("AdditionalAttributes")
        .iter()
        .find(|a| a.text_of("Key") == Some("elb.http.desyncmitigationmode"))
        .and_then(|a| a.text_of("Value"))
        .map(str::to_string)
        .or_else(|| get_str(prior, "desync_mitigation_mode").map(str::to_string))
        .unwrap_or_else(|| "defensive".to_string());
    let visible: BTreeMap<String, String> = all_tags
        .into_iter()
        .filter(|(k, _)| k != TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect();
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(name)),
            ("name", Value::string(name)),
            (
                "arn",
                Value::string(crate::common::arn(
                    aws,
                    "elasticloadbalancing",
                    account,
                    &format!("loadbalancer/{name}"),
                )),
            ),
            ("dns_name", crate::common::s(lb.text_of("DNSName"))),
            (
                "zone_id",
                crate::common::s(lb.text_of("CanonicalHostedZoneNameID")),
            ),
            (
                "internal",
                Value::bool(lb.text_of("Scheme") == Some("internal")),
            ),
            (
                "availability_zones",
                string_set(texts(lb, "AvailabilityZones")),
            ),
            ("subnets", string_set(texts(lb, "Subnets"))),
            ("security_groups", string_set(texts(lb, "SecurityGroups"))),
            (
                "instances",
                string_set(
                    lb.items("Instances")
                        .iter()
                        .filter_map(|i| i.text_of("InstanceId"))
                        .map(str::to_string),
                ),
            ),
            ("source_security_group", crate::common::s(ssg.as_deref())),
            (
                "source_security_group_id",
                crate::common::s(ssg_id.as_deref()),
            ),
            (
                "cross_zone_load_balancing",
                Value::bool(
                    attrs
                        .at(&["CrossZoneLoadBalancing"])
                        .and_then(|c| c.bool_of("Enabled"))
                        .unwrap_or(false),
                ),
            ),
            (
                "idle_timeout",
                Value::int(
                    attrs
                        .at(&["ConnectionSettings"])
                        .and_then(|c| c.i64_of("IdleTimeout"))
                        .unwrap_or(60),
                ),
            ),
            (
                "connection_draining",
                Value::bool(
                    attrs
                        .at(&["ConnectionDraining"])
                        .and_then(|c| c.bool_of("Enabled"))
                        .unwrap_or(false),
                ),
            ),
            (
                "connection_draining_timeout",
                Value::int(
                    attrs
                        .at(&["ConnectionDraining"])
                        .and_then(|c| c.i64_of("Timeout"))
                        .unwrap_or(300),
                ),
            ),
            ("desync_mitigation_mode", Value::string(desync)),
            ("listener", shape::listeners_value(prior, &remote)),
            ("health_check", health_check),
            ("access_logs", access_logs),
        ],
    );
    with_attrs(&v, tags::state_values(aws, prior, visible))
}

fn set_of(v: &Value, name: &str) -> BTreeSet<String> {
    get_string_list(v, name)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// The members of `name` in `planned` and not in `prior`, and the other way round.
fn diff(prior: &Value, planned: &Value, name: &str) -> (Vec<String>, Vec<String>) {
    let (old, new) = (set_of(prior, name), set_of(planned, name));
    (
        new.difference(&old).cloned().collect(),
        old.difference(&new).cloned().collect(),
    )
}

/// Whether attribute `name` is known in `planned` and differs from `prior`.
fn changed(prior: &Value, planned: &Value, name: &str) -> bool {
    match (prior.get_attr(name), planned.get_attr(name)) {
        (Some(a), Some(b)) => b.is_wholly_known() && !a.raw_equals(b),
        _ => false,
    }
}

/// Brings the load balancer `name` from `prior` to `planned`, in place.
async fn apply_changes(
    aws: &Aws,
    name: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let lb = || Params::new().set("LoadBalancerName", name);
    let (old, new) = (listeners_of(prior), listeners_of(planned));
    let gone: Vec<&Listener> = old.iter().filter(|l| !new.contains(l)).collect();
    let added: Vec<Listener> = new.iter().filter(|l| !old.contains(l)).cloned().collect();
    if !gone.is_empty() {
        let ports: Vec<String> = gone.iter().map(|l| l.lb_port.to_string()).collect();
        let p = members(lb(), "LoadBalancerPorts", &ports);
        aws.call(&ELB, "DeleteLoadBalancerListeners", &p, Idempotency::Safe)
            .await?;
    }
    if !added.is_empty() {
        let p = Listener::params(lb(), &added);
        // A port just freed may take a moment to be free again.
        retry_on_busy(|| aws.call(&ELB, "CreateLoadBalancerListeners", &p, Idempotency::Safe))
            .await?;
    }
    // The health check and the attributes are independent: side by side.
    let health_check = async {
        match blocks(planned, "health_check").first() {
            Some(hc) if changed(prior, planned, "health_check") => {
                let p = shape::health_check_params(lb(), hc);
                aws.call(&ELB, "ConfigureHealthCheck", &p, Idempotency::Safe)
                    .await
                    .map(|_| ())
            }
            _ => Ok(()),
        }
    };
    let attr_names = [
        "cross_zone_load_balancing",
        "idle_timeout",
        "connection_draining",
        "connection_draining_timeout",
        "desync_mitigation_mode",
        "access_logs",
    ];
    let attributes = async {
        if attr_names.iter().any(|a| changed(prior, planned, a)) {
            let p = shape::attribute_params(name, planned);
            aws.call(&ELB, "ModifyLoadBalancerAttributes", &p, Idempotency::Safe)
                .await
                .map(|_| ())
        } else {
            Ok(())
        }
    };
    tokio::try_join!(health_check, attributes)?;
    let (add, remove) = diff(prior, planned, "instances");
    let instances = |ids: &[String]| {
        let mut p = lb();
        for (i, id) in ids.iter().enumerate() {
            p = p.set(format!("Instances.member.{}.InstanceId", i + 1), id);
        }
        p
    };
    if !remove.is_empty() && planned.get_attr("instances").is_some_and(Value::is_known) {
        let p = instances(&remove);
        aws.call(
            &ELB,
            "DeregisterInstancesFromLoadBalancer",
            &p,
            Idempotency::Safe,
        )
        .await?;
    }
    if !add.is_empty() {
        let p = instances(&add);
        aws.call(
            &ELB,
            "RegisterInstancesWithLoadBalancer",
            &p,
            Idempotency::Safe,
        )
        .await?;
    }
    if changed(prior, planned, "security_groups") {
        let p = members(
            lb(),
            "SecurityGroups",
            &set_of(planned, "security_groups")
                .into_iter()
                .collect::<Vec<_>>(),
        );
        aws.call(
            &ELB,
            "ApplySecurityGroupsToLoadBalancer",
            &p,
            Idempotency::Safe,
        )
        .await?;
    }
    for (attr, param, add_action, remove_action) in [
        (
            "availability_zones",
            "AvailabilityZones",
            "EnableAvailabilityZonesForLoadBalancer",
            "DisableAvailabilityZonesForLoadBalancer",
        ),
        (
            "subnets",
            "Subnets",
            "AttachLoadBalancerToSubnets",
            "DetachLoadBalancerFromSubnets",
        ),
    ] {
        if !changed(prior, planned, attr) {
            continue;
        }
        let (add, remove) = diff(prior, planned, attr);
        if !remove.is_empty() {
            let p = members(lb(), param, &remove);
            aws.call(&ELB, remove_action, &p, Idempotency::Safe).await?;
        }
        if !add.is_empty() {
            let p = members(lb(), param, &add);
            retry_on_busy(|| aws.call(&ELB, add_action, &p, Idempotency::Safe)).await?;
        }
    }
    update_tags(aws, name, prior, planned).await
}

/// Retries a change ELB refuses while an earlier one settles.
async fn retry_on_busy<F, Fut>(f: F) -> Result<Element, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Element, AwsError>>,
{
    crate::common::retry_on(
        &["DuplicateListener", "InvalidConfigurationRequest"],
        Duration::from_secs(60),
        f,
    )
    .await
}

/// Whether the load balancer `name` carries our token (an earlier attempt of this create).
async fn is_ours(aws: &Aws, name: &str, token: &str) -> Result<bool, AwsError> {
    Ok(tags_of(aws, &[name.to_string()])
        .await
        .or_else(|e| {
            if e.is_not_found() {
                Ok(BTreeMap::new())
            } else {
                Err(e)
            }
        })?
        .get(name)
        .and_then(|t| t.get(TOKEN_TAG))
        .is_some_and(|t| t == token))
}

#[async_trait]
impl ResourceType for Elb {
    fn name(&self) -> &'static str {
        "aws_elb"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: shape::block(),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        let bad =
            |attr: &str, msg: String| ProviderError::invalid_value(attr, msg).at_attr(attr).into();
        if let Some(n) = get_str(config, "name") {
            let ok = n.len() <= 32
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !n.starts_with('-')
                && !n.ends_with('-');
            if !ok {
                out.push(bad("name", format!("{n:?}: only alphanumeric characters and hyphens allowed, at most 32, not beginning or ending with a hyphen")));
            }
            if get_str(config, "name_prefix").is_some() {
                out.push(bad(
                    "name_prefix",
                    "\"name_prefix\": conflicts with name".to_string(),
                ));
            }
        }
        if let Some(p) = get_str(config, "name_prefix") {
            if p.len() > 6 || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                out.push(bad(
                    "name_prefix",
                    format!("{p:?}: at most 6 alphanumeric characters and hyphens"),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [
            ("cross_zone_load_balancing", Value::bool(true)),
            ("idle_timeout", Value::int(60)),
            ("connection_draining", Value::bool(false)),
            ("connection_draining_timeout", Value::int(300)),
            ("desync_mitigation_mode", Value::string("defensive")),
        ];
        let mut resp = plan_generic(&shape::block(), ctx, &req, &defaults);
        let mut planned = resp.planned_state;
        if let Some(logs) = shape::access_logs_with_defaults(&planned) {
            planned = with_attr(&planned, "access_logs", logs);
        }
        match &req.prior_state {
            None => {
                if let Some(name) = get_str(&req.config, "name") {
                    planned = with_attr(&planned, "id", Value::string(name));
                }
            }
            Some(prior) if resp.requires_replace.is_empty() => {
                // Subnets decide the zones and the other way round: whichever is not
                // configured is known after the change.
                for (a, b) in [
                    ("subnets", "availability_zones"),
                    ("availability_zones", "subnets"),
                ] {
                    let unset = req.config.get_attr(b).is_none_or(Value::is_null);
                    if changed(prior, &planned, a) && unset {
                        planned = with_attr(&planned, b, Value::unknown(Type::set(Type::String)));
                    }
                }
            }
            Some(_) => {}
        }
        resp.planned_state = planned;
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        let name = match get_str(planned, "name") {
            Some(n) => n.to_string(),
            None => {
                // ELB names have at most 32 characters.
                let mut n = unique_name(get_str(planned, "name_prefix").unwrap_or("tf-lb-"));
                n.truncate(32);
                n
            }
        };
        let list = |k: &str| set_of(planned, k).into_iter().collect::<Vec<_>>();
        let mut q = Listener::params(
            Params::new().set("LoadBalancerName", &name),
            &listeners_of(planned),
        );
        q = members(q, "AvailabilityZones", &list("availability_zones"));
        q = members(q, "Subnets", &list("subnets"));
        q = members(q, "SecurityGroups", &list("security_groups"));
        if terrane_provider::values::get_bool(planned, "internal") == Some(true) {
            q = q.set("Scheme", "internal");
        }
        let q = tag_params(q, &tags::for_create(planned, token));
        let what = || format!("creating ELB Classic Load Balancer ({name})");
        let mut attempts = 0;
        loop {
            attempts += 1;
            match aws
                .call(&ELB, "CreateLoadBalancer", &q, Idempotency::Unsafe)
                .await
            {
                Ok(_) => break,
                Err(e) if e.is("DuplicateLoadBalancerName") || e.is("DuplicateAccessPointName") => {
                    if is_ours(aws, &name, token).await.unwrap_or(false) {
                        break;
                    }
                    return Err(e.into_provider_error(&what()).into());
                }
                Err(e) if retry::is_retryable(&e) && attempts < 5 => {
                    if is_ours(aws, &name, token).await.unwrap_or(false) {
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
        // What CreateLoadBalancer does not set: the rest goes on as an update from a state
        // that has only the listeners, zones, subnets, groups and tags made.
        let made = with_attrs(
            &with_id,
            [
                ("instances", string_set([])),
                ("health_check", shape::health_check_value(None)),
                ("access_logs", shape::access_logs_value(&Element::default())),
                ("cross_zone_load_balancing", Value::null(Type::Bool)),
            ],
        );
        apply_changes(aws, &name, &made, &with_id)
            .await
            .map_err(|e| ApplyError::partial(e.into_provider_error(&what()), with_id.clone()))?;
        read_after_create(|| read(aws, &with_id))
            .await
            .map_err(|e| ApplyError::partial(e, with_id.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let name = need(prior, "id")?;
        apply_changes(aws, name, prior, planned)
            .await
            .map_err(|e| {
                ApplyError::partial(
                    e.into_provider_error(&format!("updating ELB Classic Load Balancer ({name})")),
                    prior.clone(),
                )
            })?;
        read(aws, planned).await?.ok_or_else(|| {
            ProviderError::new("ELB Classic Load Balancer gone", name.to_string()).into()
        })
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let name = need(prior, "id")?;
        let what = || format!("deleting ELB Classic Load Balancer ({name})");
        match aws
            .call(
                &ELB,
                "DeleteLoadBalancer",
                &Params::new().set("LoadBalancerName", name),
                Idempotency::Safe,
            )
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into_provider_error(&what())),
        }
        // The load balancer's network interfaces go after it; until then its subnets and
        // security groups cannot be deleted.
        let limit = timeout(prior, "delete", Duration::from_secs(600));
        let start = std::time::Instant::now();
        let filter =
            Params::new().filters(&[("description".to_string(), vec![format!("ELB {name}")])]);
        while start.elapsed() < limit {
            match aws.client.ec2("DescribeNetworkInterfaces", &filter).await {
                Ok(r) if !r.items("networkInterfaceSet").is_empty() => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                _ => break,
            }
        }
        Ok(())
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let what = "finding ELB Classic Load Balancer by token";
        let names = all_names(aws).await.map_err(fail(what))?;
        let tags = tags_of(aws, &names).await.map_err(fail(what))?;
        let found = tags
            .into_iter()
            .find(|(_, t)| t.get(TOKEN_TAG).is_some_and(|t| t == token));
        match found {
            Some((name, _)) => {
                read(
                    aws,
                    &object_for(&shape::block(), [("id", Value::string(name))]),
                )
                .await
            }
            None => Ok(None),
        }
    }
}
