//! `aws_elb`'s schema and the conversions between its blocks (listeners, health check,
//! access logs) and ELB's parameters and answers.

use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_i64, get_str, object_for};
use terrane_provider::{AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode};

use crate::client::{Element, Params};
use crate::common::{comp, opt, optc, tag_attrs, WithAttributes};

fn req(ty: Type) -> AttributeSchema {
    AttributeSchema::required(ty)
}

pub fn listener_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("instance_port", req(Type::Number)),
        ("instance_protocol", req(Type::String)),
        ("lb_port", req(Type::Number)),
        ("lb_protocol", req(Type::String)),
        ("ssl_certificate_id", opt(Type::String)),
    ])
}

pub fn health_check_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("healthy_threshold", req(Type::Number)),
        ("unhealthy_threshold", req(Type::Number)),
        ("target", req(Type::String)),
        ("interval", req(Type::Number)),
        ("timeout", req(Type::Number)),
    ])
}

pub fn access_logs_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("bucket", req(Type::String)),
        ("bucket_prefix", opt(Type::String)),
        ("interval", optc(Type::Number)),
        ("enabled", optc(Type::Bool)),
    ])
}

pub fn block() -> BlockSchema {
    let strings = || optc(Type::set(Type::String));
    BlockSchema::with_attributes([
        ("name", optc(Type::String).force_new()),
        ("name_prefix", opt(Type::String).force_new()),
        ("internal", optc(Type::Bool).force_new()),
        ("availability_zones", strings()),
        ("subnets", strings()),
        ("security_groups", strings()),
        ("instances", strings()),
        ("cross_zone_load_balancing", optc(Type::Bool)),
        ("idle_timeout", optc(Type::Number)),
        ("connection_draining", optc(Type::Bool)),
        ("connection_draining_timeout", optc(Type::Number)),
        ("desync_mitigation_mode", optc(Type::String)),
        ("source_security_group", optc(Type::String)),
        ("source_security_group_id", comp(Type::String)),
        ("id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("dns_name", comp(Type::String)),
        ("zone_id", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
    .with_block(
        "listener",
        NestedBlockSchema::new(NestingMode::Set, listener_block()).items(1, 0),
    )
    .with_block(
        "health_check",
        NestedBlockSchema::new(NestingMode::List, health_check_block()).items(0, 1),
    )
    .with_block(
        "access_logs",
        NestedBlockSchema::new(NestingMode::List, access_logs_block()).items(0, 1),
    )
}

/// The blocks named `name` of a state or configuration.
pub fn blocks(v: &Value, name: &str) -> Vec<Value> {
    v.get_attr(name)
        .and_then(Value::elements)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

/// A listener as ELB knows it: ports, protocols (upper case) and certificate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listener {
    pub lb_port: i64,
    pub lb_protocol: String,
    pub instance_port: i64,
    pub instance_protocol: String,
    pub cert: Option<String>,
}

impl Listener {
    pub fn from_value(v: &Value) -> Listener {
        let num = |k: &str| get_i64(v, k).ok().flatten().unwrap_or(0);
        let up = |k: &str| get_str(v, k).unwrap_or("").to_ascii_uppercase();
        Listener {
            lb_port: num("lb_port"),
            lb_protocol: up("lb_protocol"),
            instance_port: num("instance_port"),
            instance_protocol: up("instance_protocol"),
            cert: get_str(v, "ssl_certificate_id").map(str::to_string),
        }
    }

    pub fn from_element(el: &Element) -> Listener {
        let up = |k: &str| el.text_of(k).unwrap_or("").to_ascii_uppercase();
        Listener {
            lb_port: el.i64_of("LoadBalancerPort").unwrap_or(0),
            lb_protocol: up("Protocol"),
            instance_port: el.i64_of("InstancePort").unwrap_or(0),
            // An unset instance protocol is the load balancer protocol's counterpart.
            instance_protocol: match el.text_of("InstanceProtocol") {
                Some(p) => p.to_ascii_uppercase(),
                None => up("Protocol"),
            },
            cert: el.text_of("SSLCertificateId").map(str::to_string),
        }
    }

    pub fn to_value(&self) -> Value {
        object_for(
            &listener_block(),
            [
                ("lb_port", Value::int(self.lb_port)),
                ("lb_protocol", Value::string(&self.lb_protocol)),
                ("instance_port", Value::int(self.instance_port)),
                ("instance_protocol", Value::string(&self.instance_protocol)),
                ("ssl_certificate_id", crate::common::s(self.cert.as_deref())),
            ],
        )
    }

    /// `Listeners.member.N.*` parameters.
    pub fn params(p: Params, listeners: &[Listener]) -> Params {
        let mut p = p;
        for (i, l) in listeners.iter().enumerate() {
            let k = |f: &str| format!("Listeners.member.{}.{f}", i + 1);
            p = p
                .set(k("Protocol"), &l.lb_protocol)
                .set(k("LoadBalancerPort"), l.lb_port.to_string())
                .set(k("InstanceProtocol"), &l.instance_protocol)
                .set(k("InstancePort"), l.instance_port.to_string())
                .opt(&k("SSLCertificateId"), l.cert.clone());
        }
        p
    }
}

/// The listeners of a state or configuration.
pub fn listeners_of(v: &Value) -> Vec<Listener> {
    let mut l: Vec<Listener> = blocks(v, "listener")
        .iter()
        .map(Listener::from_value)
        .collect();
    l.sort();
    l
}

/// The `listener` set read from AWS, each written as the prior state wrote it (protocols are
/// case-insensitive) when it is the same listener.
pub fn listeners_value(prior: &Value, remote: &[Listener]) -> Value {
    let prior_blocks = blocks(prior, "listener");
    let items: Vec<Value> = remote
        .iter()
        .map(|l| {
            prior_blocks
                .iter()
                .find(|p| Listener::from_value(p) == *l)
                .cloned()
                .unwrap_or_else(|| l.to_value())
        })
        .collect();
    let ety = listener_block().implied_type();
    Value::set(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::set(ety)))
}

/// The `health_check` list read from AWS.
pub fn health_check_value(el: Option<&Element>) -> Value {
    let ety = health_check_block().implied_type();
    let items: Vec<Value> = el
        .filter(|h| h.text_of("Target").is_some())
        .map(|h| {
            let n = |k: &str| Value::int(h.i64_of(k).unwrap_or(0));
            object_for(
                &health_check_block(),
                [
                    ("healthy_threshold", n("HealthyThreshold")),
                    ("unhealthy_threshold", n("UnhealthyThreshold")),
                    ("target", Value::string(h.text_of("Target").unwrap_or(""))),
                    ("interval", n("Interval")),
                    ("timeout", n("Timeout")),
                ],
            )
        })
        .into_iter()
        .collect();
    Value::list(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::list(ety)))
}

/// ConfigureHealthCheck's parameters for a `health_check` block.
pub fn health_check_params(p: Params, hc: &Value) -> Params {
    let n = |k: &str| get_i64(hc, k).ok().flatten().unwrap_or(0).to_string();
    p.set("HealthCheck.Target", get_str(hc, "target").unwrap_or(""))
        .set("HealthCheck.HealthyThreshold", n("healthy_threshold"))
        .set("HealthCheck.UnhealthyThreshold", n("unhealthy_threshold"))
        .set("HealthCheck.Interval", n("interval"))
        .set("HealthCheck.Timeout", n("timeout"))
}

/// The `access_logs` list read from AWS (empty when no bucket is set).
pub fn access_logs_value(attrs: &Element) -> Value {
    let ety = access_logs_block().implied_type();
    let items: Vec<Value> = attrs
        .child("AccessLog")
        .filter(|a| a.text_of("S3BucketName").is_some())
        .map(|a| {
            object_for(
                &access_logs_block(),
                [
                    ("bucket", crate::common::s(a.text_of("S3BucketName"))),
                    (
                        "bucket_prefix",
                        crate::common::s(a.text_of("S3BucketPrefix")),
                    ),
                    (
                        "interval",
                        Value::int(a.i64_of("EmitInterval").unwrap_or(60)),
                    ),
                    (
                        "enabled",
                        Value::bool(a.bool_of("Enabled").unwrap_or(false)),
                    ),
                ],
            )
        })
        .into_iter()
        .collect();
    Value::list(ety.clone(), items).unwrap_or_else(|_| Value::null(Type::list(ety)))
}

/// `access_logs` blocks with their defaults filled (interval 60, enabled).
pub fn access_logs_with_defaults(v: &Value) -> Option<Value> {
    let items = blocks(v, "access_logs");
    if items.is_empty() {
        return None;
    }
    let filled: Vec<Value> = items
        .iter()
        .map(|a| {
            let mut a = a.clone();
            if a.get_attr("interval").is_some_and(Value::is_null) {
                a = terrane_provider::values::with_attr(&a, "interval", Value::int(60));
            }
            if a.get_attr("enabled").is_some_and(Value::is_null) {
                a = terrane_provider::values::with_attr(&a, "enabled", Value::bool(true));
            }
            a
        })
        .collect();
    let ety = access_logs_block().implied_type();
    Value::list(ety, filled).ok()
}

/// ModifyLoadBalancerAttributes' parameters for a planned state.
pub fn attribute_params(name: &str, planned: &Value) -> Params {
    let n = |k: &str, d: i64| get_i64(planned, k).ok().flatten().unwrap_or(d).to_string();
    let tf = |b: bool| if b { "true" } else { "false" };
    let a = |k: &str| format!("LoadBalancerAttributes.{k}");
    let mut p = Params::new()
        .set("LoadBalancerName", name)
        .set(
            a("CrossZoneLoadBalancing.Enabled"),
            tf(get_bool(planned, "cross_zone_load_balancing").unwrap_or(true)),
        )
        .set(a("ConnectionSettings.IdleTimeout"), n("idle_timeout", 60))
        .set(
            a("ConnectionDraining.Enabled"),
            tf(get_bool(planned, "connection_draining").unwrap_or(false)),
        )
        .set(
            a("ConnectionDraining.Timeout"),
            n("connection_draining_timeout", 300),
        )
        .set(
            a("AdditionalAttributes.member.1.Key"),
            "elb.http.desyncmitigationmode",
        )
        .set(
            a("AdditionalAttributes.member.1.Value"),
            get_str(planned, "desync_mitigation_mode").unwrap_or("defensive"),
        );
    match blocks(planned, "access_logs").first() {
        Some(l) => {
            p = p
                .set(
                    a("AccessLog.Enabled"),
                    tf(get_bool(l, "enabled").unwrap_or(true)),
                )
                .set(
                    a("AccessLog.S3BucketName"),
                    get_str(l, "bucket").unwrap_or(""),
                )
                .set(
                    a("AccessLog.EmitInterval"),
                    get_i64(l, "interval")
                        .ok()
                        .flatten()
                        .unwrap_or(60)
                        .to_string(),
                )
                .opt(&a("AccessLog.S3BucketPrefix"), get_str(l, "bucket_prefix"));
        }
        None => p = p.set(a("AccessLog.Enabled"), "false"),
    }
    p
}
