//! `aws_route53_record`: one record set of a hosted zone, plain (`ttl` and `records`) or an
//! alias, with an optional routing policy (weighted, failover, latency, geolocation,
//! multivalue). A relative name is completed with the zone's name as Terraform does. Created
//! with CREATE (UPSERT when `allow_overwrite`), updated with UPSERT, deleted with DELETE,
//! each waited for until `INSYNC`. The id is `ZONEID_NAME_TYPE[_SETID]`; the zone, name, type
//! and set identifier force a new record.

use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_list, object_for, with_attrs,
};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::{bare_zone_id, call, change, clean_name, esc, list_records, wait_insync};
use crate::client::{AwsError, Element, Idempotency};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, string_set, timeout, Aws, PlanCtx, ResourceType,
};

pub struct Record;

const WAIT: Duration = Duration::from_secs(30 * 60);

/// The record types Route 53 knows (to split an import id).
const TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV",
    "SSHFP", "SVCB", "TLSA", "TXT",
];

fn req(t: Type) -> AttributeSchema {
    AttributeSchema::required(t)
}

fn one(b: BlockSchema) -> NestedBlockSchema {
    NestedBlockSchema::new(NestingMode::List, b).items(0, 1)
}

fn alias_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", req(Type::String)),
        ("zone_id", req(Type::String)),
        ("evaluate_target_health", req(Type::Bool)),
    ])
}

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("zone_id", req(Type::String).force_new()),
        ("name", req(Type::String).force_new()),
        ("type", req(Type::String).force_new()),
        ("ttl", opt(Type::Number)),
        ("records", opt(Type::set(Type::String))),
        ("set_identifier", opt(Type::String).force_new()),
        ("health_check_id", opt(Type::String)),
        ("multivalue_answer_routing_policy", opt(Type::Bool)),
        ("allow_overwrite", optc(Type::Bool)),
        ("fqdn", comp(Type::String)),
        ("id", comp(Type::String)),
    ])
    .with_block(
        "alias",
        NestedBlockSchema::new(NestingMode::Set, alias_block()).items(0, 1),
    )
    .with_block(
        "weighted_routing_policy",
        one(BlockSchema::with_attributes([(
            "weight",
            req(Type::Number),
        )])),
    )
    .with_block(
        "failover_routing_policy",
        one(BlockSchema::with_attributes([("type", req(Type::String))])),
    )
    .with_block(
        "latency_routing_policy",
        one(BlockSchema::with_attributes([(
            "region",
            req(Type::String),
        )])),
    )
    .with_block(
        "geolocation_routing_policy",
        one(BlockSchema::with_attributes([
            ("continent", opt(Type::String)),
            ("country", opt(Type::String)),
            ("subdivision", opt(Type::String)),
        ])),
    )
}

/// The first element of a nested block (a single-item list or set).
fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get_attr(name)?.elements()?.first()
}

/// A name completed with the zone's name (Terraform's rule: a name not ending in the zone's
/// is relative to it; an empty one is the apex).
pub fn expand(name: &str, zone: &str) -> String {
    let n = clean_name(name);
    let z = clean_name(zone);
    if n.is_empty() {
        z
    } else if n == z || n.ends_with(&format!(".{z}")) {
        n
    } else {
        format!("{n}.{z}")
    }
}

/// Whether a configured (maybe relative) name names the record `fqdn`.
fn names_same(name: &str, fqdn: &str) -> bool {
    let n = clean_name(name);
    n == clean_name(fqdn) || clean_name(fqdn).starts_with(&format!("{n}."))
}

/// `ZONEID_NAME_TYPE[_SETID]`.
pub fn record_id(zone: &str, fqdn: &str, ty: &str, set: Option<&str>) -> String {
    match set.filter(|s| !s.is_empty()) {
        Some(s) => format!("{zone}_{fqdn}_{ty}_{s}"),
        None => format!("{zone}_{fqdn}_{ty}"),
    }
}

/// Splits an id into zone, name, type and set identifier (names may hold `_`: the type is
/// the first segment after the zone that is a record type).
pub fn parse_id(id: &str) -> Option<(String, String, String, Option<String>)> {
    let (zone, rest) = id.split_once('_')?;
    let parts: Vec<&str> = rest.split('_').collect();
    let i = (1..parts.len()).find(|i| TYPES.contains(&parts[*i]))?;
    let set = parts[i + 1..].join("_");
    Some((
        zone.to_string(),
        parts[..i].join("_"),
        parts[i].to_string(),
        (!set.is_empty()).then_some(set),
    ))
}

fn is_txt(ty: &str) -> bool {
    ty == "TXT" || ty == "SPF"
}

/// The `<ResourceRecordSet>` document of a planned state for `fqdn`.
fn record_xml(v: &Value, fqdn: &str) -> String {
    let ty = get_str(v, "type").unwrap_or_default();
    let mut x = format!(
        "<ResourceRecordSet><Name>{}</Name><Type>{}</Type>",
        esc(fqdn),
        esc(ty)
    );
    let tag = |x: &mut String, k: &str, val: &str| x.push_str(&format!("<{k}>{}</{k}>", esc(val)));
    if let Some(s) = get_str(v, "set_identifier") {
        tag(&mut x, "SetIdentifier", s);
    }
    if let Some(w) = first(v, "weighted_routing_policy") {
        if let Ok(Some(w)) = get_i64(w, "weight") {
            tag(&mut x, "Weight", &w.to_string());
        }
    }
    if let Some(r) = first(v, "latency_routing_policy").and_then(|r| get_str(r, "region")) {
        tag(&mut x, "Region", r);
    }
    if let Some(g) = first(v, "geolocation_routing_policy") {
        x.push_str("<GeoLocation>");
        for (k, a) in [
            ("ContinentCode", "continent"),
            ("CountryCode", "country"),
            ("SubdivisionCode", "subdivision"),
        ] {
            if let Some(val) = get_str(g, a) {
                tag(&mut x, k, val);
            }
        }
        x.push_str("</GeoLocation>");
    }
    if let Some(f) = first(v, "failover_routing_policy").and_then(|f| get_str(f, "type")) {
        tag(&mut x, "Failover", f);
    }
    if let Some(m) = get_bool(v, "multivalue_answer_routing_policy") {
        tag(&mut x, "MultiValueAnswer", &m.to_string());
    }
    match first(v, "alias") {
        Some(a) => {
            x.push_str(&format!(
                "<AliasTarget><HostedZoneId>{}</HostedZoneId><DNSName>{}</DNSName><EvaluateTargetHealth>{}</EvaluateTargetHealth></AliasTarget>",
                esc(get_str(a, "zone_id").unwrap_or_default()),
                esc(get_str(a, "name").unwrap_or_default()),
                get_bool(a, "evaluate_target_health").unwrap_or(false)
            ));
        }
        None => {
            if let Ok(Some(ttl)) = get_i64(v, "ttl") {
                tag(&mut x, "TTL", &ttl.to_string());
            }
            x.push_str("<ResourceRecords>");
            for r in get_string_list(v, "records").unwrap_or_default() {
                let r = if is_txt(ty) && !r.starts_with('"') {
                    format!("\"{r}\"")
                } else {
                    r
                };
                x.push_str(&format!(
                    "<ResourceRecord><Value>{}</Value></ResourceRecord>",
                    esc(&r)
                ));
            }
            x.push_str("</ResourceRecords>");
        }
    }
    if let Some(h) = get_str(v, "health_check_id") {
        tag(&mut x, "HealthCheckId", h);
    }
    x.push_str("</ResourceRecordSet>");
    x
}

/// An element as an XML document again (a record set as AWS listed it, for DELETE, which
/// must name it exactly).
pub fn xml_of(el: &Element) -> String {
    let inner = if el.children.is_empty() {
        esc(&el.text)
    } else {
        el.children.iter().map(xml_of).collect()
    };
    format!("<{0}>{inner}</{0}>", el.name)
}

async fn zone_name(aws: &Aws, zone: &str) -> Result<String, AwsError> {
    let r = call(
        aws,
        "GetHostedZone",
        "GET",
        &format!("/hostedzone/{zone}"),
        None,
        Idempotency::Safe,
    )
    .await?;
    Ok(r.text_at(&["HostedZone", "Name"])
        .unwrap_or_default()
        .to_string())
}

/// The record set `fqdn`/`ty`/`set` of the zone, `None` when there is none (or no zone).
async fn find(
    aws: &Aws,
    zone: &str,
    fqdn: &str,
    ty: &str,
    set: Option<&str>,
) -> Result<Option<Element>, AwsError> {
    let listed = match list_records(aws, zone, Some((fqdn, ty, set)), 300).await {
        Ok(l) => l,
        Err(e) if e.is("NoSuchHostedZone") => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(listed.into_iter().find(|r| {
        clean_name(r.text_of("Name").unwrap_or_default()) == fqdn
            && r.text_of("Type") == Some(ty)
            && r.text_of("SetIdentifier") == set
    }))
}

/// Where a state's record is: zone, fqdn, type, set identifier (from its attributes, or
/// from its id alone after an import).
async fn locate(
    aws: &Aws,
    v: &Value,
) -> Result<(String, String, String, Option<String>), ProviderError> {
    match (
        get_str(v, "zone_id"),
        get_str(v, "name"),
        get_str(v, "type"),
    ) {
        (Some(z), Some(n), Some(t)) => {
            let z = bare_zone_id(z).to_string();
            let fqdn = match get_str(v, "fqdn") {
                Some(f) if !f.is_empty() && names_same(n, f) => clean_name(f),
                _ => {
                    let zn = zone_name(aws, &z)
                        .await
                        .map_err(fail(format!("reading Route 53 Hosted Zone ({z})")))?;
                    expand(n, &zn)
                }
            };
            Ok((
                z,
                fqdn,
                t.to_string(),
                get_str(v, "set_identifier").map(str::to_string),
            ))
        }
        _ => {
            let id = need(v, "id")?;
            parse_id(id)
                .ok_or_else(|| {
                    ProviderError::new(
                        "Invalid import id",
                        format!("{id:?} is not ZONEID_NAME_TYPE or ZONEID_NAME_TYPE_SETID."),
                    )
                })
                .map(|(z, n, t, s)| (z, clean_name(&n), t, s))
        }
    }
}

fn state_from(prior: &Value, zone: &str, fqdn: &str, el: &Element) -> Value {
    let ty = el.text_of("Type").unwrap_or_default();
    let set = el.text_of("SetIdentifier");
    let name = match get_str(prior, "name") {
        Some(p) if names_same(p, fqdn) => Value::string(p),
        _ => Value::string(fqdn),
    };
    let records: Vec<String> = el
        .child("ResourceRecords")
        .map(|l| {
            l.children
                .iter()
                .filter_map(|r| r.text_of("Value"))
                .map(|r| {
                    let inner = r.strip_prefix('"').and_then(|x| x.strip_suffix('"'));
                    match inner {
                        Some(i) if is_txt(ty) && !i.contains('"') => i.to_string(),
                        _ => r.to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let alias = el.child("AliasTarget").map(|a| {
        let remote = clean_name(a.text_of("DNSName").unwrap_or_default());
        let name = match first(prior, "alias").and_then(|p| get_str(p, "name")) {
            Some(p) if clean_name(p) == remote => p.to_string(),
            _ => remote,
        };
        object_for(
            &alias_block(),
            [
                ("name", Value::string(name)),
                (
                    "zone_id",
                    Value::string(a.text_of("HostedZoneId").unwrap_or_default()),
                ),
                (
                    "evaluate_target_health",
                    Value::bool(a.bool_of("EvaluateTargetHealth").unwrap_or(false)),
                ),
            ],
        )
    });
    let b = block();
    let nested = |n: &str, attrs: Vec<(&str, Value)>| {
        let nb = &b.blocks[n].block;
        let items = if attrs.is_empty() {
            Vec::new()
        } else {
            vec![object_for(nb, attrs)]
        };
        Value::list(nb.implied_type(), items)
            .unwrap_or_else(|_| Value::null(Type::list(nb.implied_type())))
    };
    let geo = el.child("GeoLocation").map(|g| {
        vec![
            ("continent", crate::common::s(g.text_of("ContinentCode"))),
            ("country", crate::common::s(g.text_of("CountryCode"))),
            (
                "subdivision",
                crate::common::s(g.text_of("SubdivisionCode")),
            ),
        ]
    });
    let alias_ty = alias_block().implied_type();
    let v = with_attrs(
        prior,
        [
            ("id", Value::string(record_id(zone, fqdn, ty, set))),
            ("zone_id", Value::string(zone)),
            ("name", name),
            ("fqdn", Value::string(fqdn)),
            ("type", Value::string(ty)),
            ("set_identifier", crate::common::s(set)),
            ("ttl", crate::common::n(el.i64_of("TTL"))),
            (
                "records",
                if records.is_empty() {
                    Value::null(Type::set(Type::String))
                } else {
                    string_set(records)
                },
            ),
            (
                "health_check_id",
                crate::common::s(el.text_of("HealthCheckId")),
            ),
            (
                "multivalue_answer_routing_policy",
                crate::common::b(el.bool_of("MultiValueAnswer")),
            ),
            (
                "alias",
                Value::set(alias_ty.clone(), alias.into_iter().collect())
                    .unwrap_or_else(|_| Value::null(Type::set(alias_ty))),
            ),
            (
                "weighted_routing_policy",
                nested(
                    "weighted_routing_policy",
                    el.i64_of("Weight")
                        .map(|w| vec![("weight", Value::int(w))])
                        .unwrap_or_default(),
                ),
            ),
            (
                "failover_routing_policy",
                nested(
                    "failover_routing_policy",
                    el.text_of("Failover")
                        .map(|f| vec![("type", Value::string(f))])
                        .unwrap_or_default(),
                ),
            ),
            (
                "latency_routing_policy",
                nested(
                    "latency_routing_policy",
                    el.text_of("Region")
                        .map(|r| vec![("region", Value::string(r))])
                        .unwrap_or_default(),
                ),
            ),
            (
                "geolocation_routing_policy",
                nested("geolocation_routing_policy", geo.unwrap_or_default()),
            ),
        ],
    );
    if get_bool(&v, "allow_overwrite").is_none() {
        with_attrs(&v, [("allow_overwrite", Value::bool(false))])
    } else {
        v
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let (zone, fqdn, ty, set) = locate(aws, prior).await?;
    let el = find(aws, &zone, &fqdn, &ty, set.as_deref())
        .await
        .map_err(fail(format!("reading Route 53 Record ({fqdn} {ty})")))?;
    Ok(el.map(|el| state_from(prior, &zone, &fqdn, &el)))
}

/// Sends one change of the record and waits for it.
async fn apply_change(
    aws: &Aws,
    zone: &str,
    action: &str,
    record: String,
    limit: Duration,
) -> Result<(), ProviderError> {
    let c = format!("<Change><Action>{action}</Action>{record}</Change>");
    let id = change(aws, zone, &[c], None)
        .await
        .map_err(fail(format!("changing Route 53 Record ({action})")))?;
    wait_insync(aws, &id, limit).await
}

/// Whether the record set `found` (as read) holds what `want` (a configuration with its
/// `fqdn`) asks for: type, TTL, records and alias.
fn same_record(found: &Value, want: &Value) -> bool {
    let eq = |k: &str| match (found.get_attr(k), want.get_attr(k)) {
        (Some(a), Some(b)) => a.raw_equals(b) || (a.is_null() && b.is_null()),
        _ => false,
    };
    ["ttl", "records", "alias"].iter().all(|k| eq(k))
        && get_str(found, "type").is_some()
        && get_str(found, "type") == get_str(want, "type")
}

#[async_trait]
impl ResourceType for Record {
    fn name(&self) -> &'static str {
        "aws_route53_record"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        Ok(plan_generic(
            &block(),
            ctx,
            &req,
            &[("allow_overwrite", Value::bool(false))],
        ))
    }

    async fn create(&self, aws: &Aws, planned: &Value, _token: &str) -> Result<Value, ApplyError> {
        let zone = bare_zone_id(need(planned, "zone_id")?).to_string();
        let zn = zone_name(aws, &zone)
            .await
            .map_err(fail(format!("reading Route 53 Hosted Zone ({zone})")))?;
        let fqdn = expand(need(planned, "name")?, &zn);
        let with_fqdn = with_attrs(planned, [("fqdn", Value::string(&fqdn))]);
        let overwrite = get_bool(planned, "allow_overwrite") == Some(true);
        let action = if overwrite { "UPSERT" } else { "CREATE" };
        let limit = timeout(planned, "create", WAIT);
        if let Err(e) = apply_change(aws, &zone, action, record_xml(planned, &fqdn), limit).await {
            // A CREATE repeated after an answer that was lost finds its own record: the same
            // record set is this create's.
            let existing = read(aws, &with_fqdn).await.ok().flatten();
            if !existing.is_some_and(|x| same_record(&x, &with_fqdn)) {
                return Err(e.into());
            }
        }
        crate::ec2::read_after_create(|| read(aws, &with_fqdn))
            .await
            .map_err(|e| ApplyError::partial(e, with_fqdn.clone()))
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let (zone, fqdn, _, _) = locate(aws, prior).await?;
        let limit = timeout(planned, "update", WAIT);
        let planned = with_attrs(planned, [("fqdn", Value::string(&fqdn))]);
        apply_change(aws, &zone, "UPSERT", record_xml(&planned, &fqdn), limit).await?;
        read(aws, &planned)
            .await?
            .ok_or_else(|| ProviderError::new("Route 53 Record gone", fqdn).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let (zone, fqdn, ty, set) = locate(aws, prior).await?;
        let what = || format!("deleting Route 53 Record ({fqdn} {ty})");
        // DELETE must name the record set exactly as it is: take it from AWS.
        let Some(el) = find(aws, &zone, &fqdn, &ty, set.as_deref())
            .await
            .map_err(fail(what()))?
        else {
            return Ok(());
        };
        let limit = timeout(prior, "delete", WAIT);
        match apply_change(aws, &zone, "DELETE", xml_of(&el), limit).await {
            Ok(()) => Ok(()),
            Err(e) if e.summary.contains("NoSuchHostedZone") => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    /// Always `None`: record sets cannot be tagged and have no client token. A record set's
    /// identity is its name, type and set identifier, all in the configuration, so an
    /// interrupted create is found by what it is: a repeated CREATE of a record set that
    /// exists with the same values adopts it (see `create`), one with other values fails as
    /// Terraform's does, and `allow_overwrite` makes the create an UPSERT that takes it over.
    async fn find_by_token(
        &self,
        _aws: &Aws,
        _token: &str,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }

    /// The record set an interrupted create of `config` made: the one its name, type and set
    /// identifier name, when it holds what the configuration asks for (one with other values
    /// is someone else's).
    async fn find_by_config(
        &self,
        aws: &Aws,
        config: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(zone) = get_str(config, "zone_id").map(bare_zone_id) else {
            return Ok(None);
        };
        let zn = match zone_name(aws, zone).await {
            Ok(zn) => zn,
            Err(e) if e.is("NoSuchHostedZone") => return Ok(None),
            Err(e) => return Err(fail(format!("reading Route 53 Hosted Zone ({zone})"))(e)),
        };
        let fqdn = expand(need(config, "name")?, &zn);
        let want = with_attrs(config, [("fqdn", Value::string(&fqdn))]);
        Ok(read(aws, &want).await?.filter(|x| same_record(x, &want)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        assert_eq!(expand("www", "example.com."), "www.example.com");
        assert_eq!(expand("WWW.example.com.", "example.com"), "www.example.com");
        assert_eq!(expand("", "example.com"), "example.com");
        assert_eq!(
            parse_id("Z1_www.example.com_A"),
            Some(("Z1".into(), "www.example.com".into(), "A".into(), None))
        );
        assert_eq!(
            parse_id("Z1__dmarc.example.com_TXT_blue_1"),
            Some((
                "Z1".into(),
                "_dmarc.example.com".into(),
                "TXT".into(),
                Some("blue_1".into())
            ))
        );
        assert_eq!(parse_id("Z1"), None);
    }
}
