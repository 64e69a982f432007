//! `aws_route53_zone`: a hosted zone, public or private (`vpc` blocks). The id is the zone
//! id; the comment, the VPCs and the tags change in place; the name and the delegation set
//! force a new zone. The create's `CallerReference` is the idempotency token (Route 53's own
//! mechanism), so `find_by_token` lists the zones for it. `force_destroy` deletes the zone's
//! records (all but its SOA and apex NS) first.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use terrane_dsl::value::{Type, Value};
use terrane_provider::values::{get_bool, get_str, object_for, with_attr, with_attrs};
use terrane_provider::{
    ApplyError, AttributeSchema, BlockSchema, NestedBlockSchema, NestingMode, PlanRequest,
    PlanResponse, ProviderError, ResourceSchema,
};

use super::{bare_zone_id, call, clean_name, esc, list_records, tags_of, wait_insync, NS};
use crate::client::{AwsError, Element, Idempotency};
use crate::common::{
    comp, fail, need, opt, optc, plan_generic, tag_attrs, timeout, Aws, PlanCtx, ResourceType,
    WithAttributes,
};
use crate::tags;

pub struct Zone;

const MANAGED: &str = "Managed by Terraform";
const WAIT: Duration = Duration::from_secs(30 * 60);

fn vpc_block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("vpc_id", AttributeSchema::required(Type::String)),
        ("vpc_region", optc(Type::String)),
    ])
}

fn block() -> BlockSchema {
    BlockSchema::with_attributes([
        ("name", AttributeSchema::required(Type::String).force_new()),
        ("comment", optc(Type::String)),
        ("force_destroy", optc(Type::Bool)),
        ("delegation_set_id", opt(Type::String).force_new()),
        ("id", comp(Type::String)),
        ("zone_id", comp(Type::String)),
        ("arn", comp(Type::String)),
        ("name_servers", comp(Type::list(Type::String))),
        ("primary_name_server", comp(Type::String)),
    ])
    .with_attributes_from(tag_attrs())
    .with_block("vpc", NestedBlockSchema::new(NestingMode::Set, vpc_block()))
}

/// The configured VPCs: `(vpc_id, region)`, the region defaulting to the provider's.
fn vpcs_of(aws: &Aws, v: &Value) -> Vec<(String, String)> {
    v.get_attr("vpc")
        .and_then(Value::elements)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                get_str(e, "vpc_id")?.to_string(),
                get_str(e, "vpc_region")
                    .unwrap_or(&aws.client.region)
                    .to_string(),
            ))
        })
        .collect()
}

fn vpc_set(vpcs: &[(String, String)]) -> Value {
    let b = vpc_block();
    let items: Vec<Value> = vpcs
        .iter()
        .map(|(id, r)| {
            object_for(
                &b,
                [
                    ("vpc_id", Value::string(id)),
                    ("vpc_region", Value::string(r)),
                ],
            )
        })
        .collect();
    Value::set(b.implied_type(), items).unwrap_or_else(|_| Value::null(Type::set(b.implied_type())))
}

fn vpc_xml(id: &str, region: &str) -> String {
    format!(
        "<VPC><VPCRegion>{}</VPCRegion><VPCId>{}</VPCId></VPC>",
        esc(region),
        esc(id)
    )
}

/// GetHostedZone: `None` when there is no such zone.
async fn get_zone(aws: &Aws, id: &str) -> Result<Option<Element>, AwsError> {
    match call(
        aws,
        "GetHostedZone",
        "GET",
        &format!("/hostedzone/{id}"),
        None,
        Idempotency::Safe,
    )
    .await
    {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.is("NoSuchHostedZone") || e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

async fn zone_tags(aws: &Aws, id: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let r = call(
        aws,
        "ListTagsForResource",
        "GET",
        &format!("/tags/hostedzone/{id}"),
        None,
        Idempotency::Safe,
    )
    .await?;
    Ok(tags_of(&r))
}

/// Adds and removes tags (ChangeTagsForResource, ten at a time).
async fn change_tags(
    aws: &Aws,
    id: &str,
    add: &BTreeMap<String, String>,
    remove: &[String],
) -> Result<(), AwsError> {
    let adds: Vec<(&String, &String)> = add.iter().collect();
    let mut add_chunks = adds.chunks(10);
    let mut remove_chunks = remove.chunks(10);
    loop {
        let (a, r) = (add_chunks.next(), remove_chunks.next());
        if a.is_none() && r.is_none() {
            return Ok(());
        }
        let mut body = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ChangeTagsForResourceRequest xmlns="{NS}">"#
        );
        if let Some(a) = a {
            body.push_str("<AddTags>");
            for (k, v) in a {
                body.push_str(&format!(
                    "<Tag><Key>{}</Key><Value>{}</Value></Tag>",
                    esc(k),
                    esc(v)
                ));
            }
            body.push_str("</AddTags>");
        }
        if let Some(r) = r {
            body.push_str("<RemoveTagKeys>");
            for k in r {
                body.push_str(&format!("<Key>{}</Key>", esc(k)));
            }
            body.push_str("</RemoveTagKeys>");
        }
        body.push_str("</ChangeTagsForResourceRequest>");
        call(
            aws,
            "ChangeTagsForResource",
            "POST",
            &format!("/tags/hostedzone/{id}"),
            Some(body),
            Idempotency::Safe,
        )
        .await?;
    }
}

async fn read(aws: &Aws, prior: &Value) -> Result<Option<Value>, ProviderError> {
    let id = bare_zone_id(need(prior, "id")?).to_string();
    let what = || format!("reading Route 53 Hosted Zone ({id})");
    let Some(r) = get_zone(aws, &id).await.map_err(fail(what()))? else {
        return Ok(None);
    };
    let Some(z) = r.child("HostedZone") else {
        return Ok(None);
    };
    let name = clean_name(z.text_of("Name").unwrap_or_default());
    let kept_name = match get_str(prior, "name") {
        Some(p) if clean_name(p) == name => Value::string(p),
        _ => Value::string(&name),
    };
    let records = list_records(aws, &id, Some((&name, "SOA", None)), 1)
        .await
        .map_err(fail(what()))?;
    let primary = records
        .first()
        .filter(|r| r.text_of("Type") == Some("SOA"))
        .and_then(|r| r.at(&["ResourceRecords", "ResourceRecord"]))
        .and_then(|r| r.text_of("Value"))
        .and_then(|v| v.split_whitespace().next())
        .map(|s| s.trim_end_matches('.').to_string())
        .unwrap_or_default();
    let mut servers: Vec<String> = r
        .at(&["DelegationSet", "NameServers"])
        .map(|l| l.children.iter().map(|n| n.text.clone()).collect())
        .unwrap_or_default();
    if servers.is_empty() {
        // A private zone has no delegation set: its apex NS record names them.
        let ns = list_records(aws, &id, Some((&name, "NS", None)), 1)
            .await
            .map_err(fail(what()))?;
        servers = ns
            .first()
            .filter(|r| r.text_of("Type") == Some("NS"))
            .and_then(|r| r.child("ResourceRecords"))
            .map(|l| {
                l.children
                    .iter()
                    .filter_map(|c| c.text_of("Value"))
                    .map(|s| s.trim_end_matches('.').to_string())
                    .collect()
            })
            .unwrap_or_default();
    }
    servers.sort();
    let vpcs: Vec<(String, String)> = r
        .child("VPCs")
        .map(|l| {
            l.children
                .iter()
                .filter_map(|v| {
                    Some((
                        v.text_of("VPCId")?.to_string(),
                        v.text_of("VPCRegion").unwrap_or_default().to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let delegation = r
        .text_at(&["DelegationSet", "Id"])
        .map(|d| d.trim_start_matches("/delegationset/").to_string());
    // Only shown when configured (a zone always has a delegation set of some kind).
    let delegation = match get_str(prior, "delegation_set_id") {
        Some(_) => crate::common::s(delegation.as_deref()),
        None => Value::null(Type::String),
    };
    let all = zone_tags(aws, &id).await.map_err(fail(what()))?;
    let visible: BTreeMap<String, String> = all
        .into_iter()
        .filter(|(k, _)| k != tags::TOKEN_TAG && !k.starts_with("aws:") && !aws.ignored(k))
        .collect();
    let mut v = with_attrs(
        prior,
        [
            ("id", Value::string(&id)),
            ("zone_id", Value::string(&id)),
            ("name", kept_name),
            (
                "arn",
                Value::string(format!("arn:{}:route53:::hostedzone/{id}", aws.partition())),
            ),
            (
                "comment",
                Value::string(z.text_at(&["Config", "Comment"]).unwrap_or("")),
            ),
            (
                "name_servers",
                terrane_provider::values::string_list(servers),
            ),
            ("primary_name_server", Value::string(primary)),
            ("vpc", vpc_set(&vpcs)),
            ("delegation_set_id", delegation),
        ],
    );
    if get_bool(&v, "force_destroy").is_none() {
        v = with_attr(&v, "force_destroy", Value::bool(false));
    }
    Ok(Some(with_attrs(
        &v,
        tags::state_values(aws, prior, visible),
    )))
}

/// The zone whose caller reference is `token` (or an earlier retry's `token-N`).
async fn by_caller_reference(aws: &Aws, token: &str) -> Result<Option<String>, AwsError> {
    let mut marker: Option<String> = None;
    for _ in 0..1000 {
        let path = match &marker {
            Some(m) => format!("/hostedzone?marker={}", super::q(m)),
            None => "/hostedzone".to_string(),
        };
        let r = call(
            aws,
            "ListHostedZones",
            "GET",
            &path,
            None,
            Idempotency::Safe,
        )
        .await?;
        let zones = r.child("HostedZones").map(|l| l.children.clone());
        for z in zones.unwrap_or_default() {
            let reference = z.text_of("CallerReference").unwrap_or_default();
            if reference == token
                || reference
                    .strip_prefix(token)
                    .is_some_and(|s| s.starts_with("-r"))
            {
                return Ok(z.text_of("Id").map(|i| bare_zone_id(i).to_string()));
            }
        }
        match (r.text_of("IsTruncated"), r.text_of("NextMarker")) {
            (Some("true"), Some(m)) => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// Deletes every record set of the zone but its SOA and apex NS.
async fn empty_zone(aws: &Aws, id: &str, name: &str, limit: Duration) -> Result<(), ProviderError> {
    let what = || format!("emptying Route 53 Hosted Zone ({id})");
    let records = list_records(aws, id, None, usize::MAX)
        .await
        .map_err(fail(what()))?;
    let doomed: Vec<String> = records
        .iter()
        .filter(|r| {
            let t = r.text_of("Type").unwrap_or_default();
            let apex = clean_name(r.text_of("Name").unwrap_or_default()) == clean_name(name);
            !(t == "SOA" || (t == "NS" && apex))
        })
        .map(|r| {
            format!(
                "<Change><Action>DELETE</Action>{}</Change>",
                super::record::xml_of(r)
            )
        })
        .collect();
    for chunk in doomed.chunks(100) {
        let change = super::change(aws, id, chunk, Some("Deleted by Terraform"))
            .await
            .map_err(fail(what()))?;
        wait_insync(aws, &change, limit).await?;
    }
    Ok(())
}

#[async_trait]
impl ResourceType for Zone {
    fn name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: block(),
        }
    }

    fn plan(&self, ctx: &PlanCtx, req: PlanRequest) -> Result<PlanResponse, ProviderError> {
        let defaults = [
            ("comment", Value::string(MANAGED)),
            ("force_destroy", Value::bool(false)),
        ];
        let mut resp = plan_generic(&block(), ctx, &req, &defaults);
        // The name's trailing dot and case are no difference.
        if let Some(prior) = &req.prior_state {
            if let (Some(p), Some(c)) = (get_str(prior, "name"), get_str(&req.config, "name")) {
                if clean_name(p) == clean_name(c) {
                    resp.requires_replace
                        .retain(|path| *path != terrane_dsl::value::Path::root().attr("name"));
                }
            }
        }
        Ok(resp)
    }

    async fn create(&self, aws: &Aws, planned: &Value, token: &str) -> Result<Value, ApplyError> {
        // As AWS keeps it (lower case), which its listings compare with.
        let name = &clean_name(need(planned, "name")?);
        let vpcs = vpcs_of(aws, planned);
        let comment = get_str(planned, "comment").unwrap_or(MANAGED);
        let what = "creating Route 53 Hosted Zone";
        let body = |reference: &str| {
            let mut b = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="{NS}"><Name>{}</Name>"#,
                esc(name)
            );
            if let Some((id, region)) = vpcs.first() {
                b.push_str(&vpc_xml(id, region));
            }
            b.push_str(&format!(
                "<CallerReference>{}</CallerReference><HostedZoneConfig><Comment>{}</Comment>",
                esc(reference),
                esc(comment)
            ));
            if !vpcs.is_empty() {
                b.push_str("<PrivateZone>true</PrivateZone>");
            }
            b.push_str("</HostedZoneConfig>");
            if let Some(d) = get_str(planned, "delegation_set_id") {
                b.push_str(&format!("<DelegationSetId>{}</DelegationSetId>", esc(d)));
            }
            b.push_str("</CreateHostedZoneRequest>");
            b
        };
        let send = |reference: String| async move {
            call(
                aws,
                "CreateHostedZone",
                "POST",
                "/hostedzone",
                Some(body(&reference)),
                Idempotency::Safe,
            )
            .await
        };
        // The caller reference makes a repeated create answer HostedZoneAlreadyExists: the
        // zone with our token is ours. A reference AWS still remembers from a deleted zone
        // gets a suffix.
        let id = match send(token.to_string()).await {
            Ok(r) => r
                .text_at(&["HostedZone", "Id"])
                .map(|i| bare_zone_id(i).to_string()),
            Err(e) if e.is("HostedZoneAlreadyExists") => {
                match by_caller_reference(aws, token).await.map_err(fail(what))? {
                    Some(id) => Some(id),
                    None => {
                        let millis = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|d| d.as_millis())
                            .unwrap_or_default();
                        let r = send(format!("{token}-r{millis}"))
                            .await
                            .map_err(fail(what))?;
                        r.text_at(&["HostedZone", "Id"])
                            .map(|i| bare_zone_id(i).to_string())
                    }
                }
            }
            Err(e) => return Err(e.into_provider_error(what).into()),
        };
        let Some(id) = id else {
            return Err(ProviderError::new(what, "CreateHostedZone answered no zone id.").into());
        };
        let with_id = with_attrs(
            planned,
            [("id", Value::string(&id)), ("zone_id", Value::string(&id))],
        );
        let partial = |e: ProviderError| ApplyError::partial(e, with_id.clone());
        for (vpc, region) in vpcs.iter().skip(1) {
            associate(aws, &id, vpc, region, true)
                .await
                .map_err(|e| partial(e.into_provider_error(what)))?;
        }
        // The token goes in the tags too (the caller reference is what finds the zone).
        let tags = tags::for_create(planned, token);
        change_tags(aws, &id, &tags, &[])
            .await
            .map_err(|e| partial(e.into_provider_error(what)))?;
        crate::ec2::read_after_create(|| read(aws, &with_id))
            .await
            .map_err(partial)
    }

    async fn update(&self, aws: &Aws, prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        let id = need(prior, "id")?;
        let what = || format!("updating Route 53 Hosted Zone ({id})");
        let (old_c, new_c) = (get_str(prior, "comment"), get_str(planned, "comment"));
        if old_c != new_c {
            let body = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><UpdateHostedZoneCommentRequest xmlns="{NS}"><Comment>{}</Comment></UpdateHostedZoneCommentRequest>"#,
                esc(new_c.unwrap_or(""))
            );
            call(
                aws,
                "UpdateHostedZoneComment",
                "POST",
                &format!("/hostedzone/{id}"),
                Some(body),
                Idempotency::Safe,
            )
            .await
            .map_err(fail(what()))?;
        }
        let old = vpcs_of(aws, prior);
        let new = vpcs_of(aws, planned);
        let key = |v: &(String, String)| v.0.clone();
        // Associate first: a private zone must keep at least one VPC.
        for v in new.iter().filter(|v| !old.iter().any(|o| key(o) == key(v))) {
            associate(aws, id, &v.0, &v.1, true)
                .await
                .map_err(fail(what()))?;
        }
        for v in old.iter().filter(|o| !new.iter().any(|v| key(o) == key(v))) {
            associate(aws, id, &v.0, &v.1, false)
                .await
                .map_err(fail(what()))?;
        }
        let o = terrane_provider::values::get_string_map(prior, "tags_all").unwrap_or_default();
        let n = terrane_provider::values::get_string_map(planned, "tags_all").unwrap_or_default();
        let removed: Vec<String> = o.keys().filter(|k| !n.contains_key(*k)).cloned().collect();
        let changed: BTreeMap<String, String> =
            n.into_iter().filter(|(k, v)| o.get(k) != Some(v)).collect();
        change_tags(aws, id, &changed, &removed)
            .await
            .map_err(fail(what()))?;
        read(aws, planned)
            .await?
            .ok_or_else(|| ProviderError::new("Route 53 Hosted Zone gone", id.to_string()).into())
    }

    async fn delete(&self, aws: &Aws, prior: &Value) -> Result<(), ProviderError> {
        let id = need(prior, "id")?;
        let limit = timeout(prior, "delete", WAIT);
        if get_bool(prior, "force_destroy") == Some(true) {
            match empty_zone(aws, id, get_str(prior, "name").unwrap_or_default(), limit).await {
                Err(e) if e.summary.contains("NoSuchHostedZone") => return Ok(()),
                other => other?,
            }
        }
        match call(
            aws,
            "DeleteHostedZone",
            "DELETE",
            &format!("/hostedzone/{id}"),
            None,
            Idempotency::Safe,
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is("NoSuchHostedZone") || e.is_not_found() => Ok(()),
            Err(e) => Err(e.into_provider_error(&format!("deleting Route 53 Hosted Zone ({id})"))),
        }
    }

    async fn read(&self, aws: &Aws, state: &Value) -> Result<Option<Value>, ProviderError> {
        read(aws, state).await
    }

    async fn find_by_token(&self, aws: &Aws, token: &str) -> Result<Option<Value>, ProviderError> {
        let id = by_caller_reference(aws, token)
            .await
            .map_err(fail("finding Route 53 Hosted Zone by caller reference"))?;
        match id {
            Some(id) => read(aws, &object_for(&block(), [("id", Value::string(id))])).await,
            None => Ok(None),
        }
    }
}

/// Associates (`true`) or disassociates a VPC, waiting for the change.
async fn associate(aws: &Aws, id: &str, vpc: &str, region: &str, on: bool) -> Result<(), AwsError> {
    let (action, path, root) = if on {
        (
            "AssociateVPCWithHostedZone",
            "associatevpc",
            "AssociateVPCWithHostedZoneRequest",
        )
    } else {
        (
            "DisassociateVPCFromHostedZone",
            "disassociatevpc",
            "DisassociateVPCFromHostedZoneRequest",
        )
    };
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="{NS}">{}</{root}>"#,
        vpc_xml(vpc, region)
    );
    let r = call(
        aws,
        action,
        "POST",
        &format!("/hostedzone/{id}/{path}"),
        Some(body),
        Idempotency::Safe,
    )
    .await;
    match r {
        Ok(r) => {
            if let Some(c) = r.text_at(&["ChangeInfo", "Id"]) {
                let _ = wait_insync(aws, c, WAIT).await;
            }
            Ok(())
        }
        // Already (dis)associated: a repeated call.
        Err(e) if e.is("ConflictingDomainExists") || e.is("VPCAssociationNotFound") => Ok(()),
        Err(e) => Err(e),
    }
}
