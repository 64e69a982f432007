//! Route 53 types against moto: a public zone (create, refresh, drift, comment and tags in
//! place, import, adoption by caller reference) with A and CNAME records (relative names
//! completed, one changed with UPSERT, one replaced), an alias record, record import, and
//! the zone force-destroyed with records in it; a private zone's VPCs changed in place.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_map, object_for, string_map, with_attr,
};
use terrane_provider::Provider;

use crate::client::Idempotency;
use crate::testing::{adopts, gone, strings, Kit};

#[tokio::test]
async fn public_zone_with_records() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let z = Harness::new(p.clone() as Arc<dyn Provider>, "aws_route53_zone");
    let zc = z
        .config(vec![
            ("name", Value::string("Example.com.")),
            (
                "tags",
                string_map([("Name".to_string(), "example".to_string())].into()),
            ),
        ])
        .unwrap();
    let plan = z.plan(None, &zc).await.unwrap();
    let zone = z.apply(None, &plan.planned_state, &zc).await.unwrap();
    let zid = get_str(&zone, "zone_id").unwrap().to_string();
    assert_eq!(get_str(&zone, "id"), Some(zid.as_str()));
    assert_eq!(get_str(&zone, "name"), Some("Example.com."));
    assert_eq!(get_str(&zone, "comment"), Some("Managed by Terraform"));
    assert_eq!(
        get_str(&zone, "arn").unwrap(),
        format!("arn:aws:route53:::hostedzone/{zid}")
    );
    assert_eq!(
        zone.get_attr("name_servers")
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        4
    );
    assert!(!get_str(&zone, "primary_name_server").unwrap().is_empty());
    assert_eq!(get_string_map(&zone, "tags_all").unwrap()["env"], "test");
    let read = z.read(&zone).await.unwrap().unwrap();
    assert!(read.raw_equals(&zone), "{read:?}\n{zone:?}");
    let again = z.plan(Some(&read), &zc).await.unwrap();
    assert!(again.planned_state.raw_equals(&read));
    // The trailing dot and the case of the name are no difference.
    let same = z
        .plan(
            Some(&read),
            &with_attr(&zc, "name", Value::string("example.com")),
        )
        .await
        .unwrap();
    assert!(same.requires_replace.is_empty());

    // Drift in the comment; the comment and the tags change in place.
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><UpdateHostedZoneCommentRequest xmlns="{}"><Comment>changed</Comment></UpdateHostedZoneCommentRequest>"#,
        super::NS
    );
    moto.client()
        .rest_xml(
            &crate::client::endpoint::ROUTE53,
            "UpdateHostedZoneComment",
            "POST",
            &format!("/2013-04-01/hostedzone/{zid}"),
            Some(body),
            Idempotency::Safe,
        )
        .await
        .unwrap();
    let drifted = z.read(&zone).await.unwrap().unwrap();
    assert_eq!(get_str(&drifted, "comment"), Some("changed"));
    let zc2 = with_attr(&zc, "comment", Value::string("the example zone"));
    let zc2 = with_attr(
        &zc2,
        "tags",
        string_map([("Team".to_string(), "dns".to_string())].into()),
    );
    let zc2 = with_attr(&zc2, "force_destroy", Value::bool(true));
    let upd = z.plan(Some(&drifted), &zc2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let zone2 = z
        .apply(Some(&drifted), &upd.planned_state, &zc2)
        .await
        .unwrap();
    assert_eq!(get_str(&zone2, "comment"), Some("the example zone"));
    let tags = get_string_map(&zone2, "tags").unwrap();
    assert_eq!(tags.get("Team").map(String::as_str), Some("dns"));
    assert!(!tags.contains_key("Name"));
    let imported = z.import(&zid).await.unwrap();
    assert_eq!(get_str(&imported[0], "name"), Some("example.com"));
    adopts(&*p, "aws_route53_zone", &zid).await;

    // Records: "www" is completed with the zone's name.
    let r = Harness::new(p.clone() as Arc<dyn Provider>, "aws_route53_record");
    let www_c = r
        .config(vec![
            ("zone_id", Value::string(&zid)),
            ("name", Value::string("www")),
            ("type", Value::string("A")),
            ("ttl", Value::int(300)),
            ("records", strings(&["192.0.2.1", "192.0.2.2"])),
        ])
        .unwrap();
    let www = r.create(&www_c).await.unwrap();
    assert_eq!(get_str(&www, "fqdn"), Some("www.example.com"));
    assert_eq!(get_str(&www, "name"), Some("www"));
    assert_eq!(
        get_str(&www, "id").unwrap(),
        format!("{zid}_www.example.com_A")
    );
    let read = r.read(&www).await.unwrap().unwrap();
    assert!(read.raw_equals(&www), "{read:?}\n{www:?}");
    let again = r.plan(Some(&read), &www_c).await.unwrap();
    assert!(again.planned_state.raw_equals(&read));
    // A repeated CREATE of the same record set (a retried create) adopts it. (moto takes a
    // CREATE of other values over an existing record set where AWS refuses it, so that
    // refusal is not checked here.)
    let twice = r.create(&www_c).await.unwrap();
    assert!(twice.raw_equals(&www), "{twice:?}");
    // After an interrupted create, the record set is found by its configuration (record sets
    // carry no token) when it holds what the configuration asks for; not one with other
    // records (someone else's), nor one of another name.
    let found = p
        .find_by_config("aws_route53_record", www_c.clone())
        .await
        .unwrap()
        .expect("the record set, found by its configuration");
    assert_eq!(get_str(&found, "id"), get_str(&www, "id"));
    for other in [
        with_attr(&www_c, "records", strings(&["192.0.2.3"])),
        with_attr(&www_c, "name", Value::string("ftp")),
    ] {
        let got = p.find_by_config("aws_route53_record", other).await.unwrap();
        assert!(got.is_none(), "{got:?}");
    }
    let clash = with_attr(&www_c, "records", strings(&["192.0.2.9"]));
    let plan = r
        .plan(
            None,
            &with_attr(&clash, "allow_overwrite", Value::bool(true)),
        )
        .await
        .unwrap();
    let over = r
        .apply(
            None,
            &plan.planned_state,
            &with_attr(&clash, "allow_overwrite", Value::bool(true)),
        )
        .await
        .unwrap();
    assert!(over
        .get_attr("records")
        .unwrap()
        .raw_equals(&strings(&["192.0.2.9"])));

    // Changed in place (UPSERT): TTL and records.
    let www_c2 = with_attr(&www_c, "ttl", Value::int(60));
    let upd = r.plan(Some(&over), &www_c2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let www2 = r
        .apply(Some(&over), &upd.planned_state, &www_c2)
        .await
        .unwrap();
    assert_eq!(get_i64(&www2, "ttl").unwrap(), Some(60));
    assert!(www2
        .get_attr("records")
        .unwrap()
        .raw_equals(&strings(&["192.0.2.1", "192.0.2.2"])));

    // A CNAME, replaced when its type changes.
    let blog_c = r
        .config(vec![
            ("zone_id", Value::string(&zid)),
            ("name", Value::string("blog.example.com")),
            ("type", Value::string("CNAME")),
            ("ttl", Value::int(300)),
            ("records", strings(&["www.example.com"])),
        ])
        .unwrap();
    let blog = r.create(&blog_c).await.unwrap();
    assert_eq!(get_str(&blog, "fqdn"), Some("blog.example.com"));
    let blog_a = with_attr(&blog_c, "type", Value::string("A"));
    let blog_a = with_attr(&blog_a, "records", strings(&["192.0.2.7"]));
    let rep = r.plan(Some(&blog), &blog_a).await.unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    gone(&r, &blog).await;
    let blog2 = r.create(&blog_a).await.unwrap();
    assert_eq!(get_str(&blog2, "type"), Some("A"));

    // An alias to the www record, at the apex.
    let alias_ty = &p.schema().resources["aws_route53_record"].block.blocks["alias"].block;
    let alias = object_for(
        alias_ty,
        [
            ("name", Value::string("www.example.com")),
            ("zone_id", Value::string(&zid)),
            ("evaluate_target_health", Value::bool(false)),
        ],
    );
    let apex_c = r
        .config(vec![
            ("zone_id", Value::string(&zid)),
            ("name", Value::string("")),
            ("type", Value::string("A")),
            (
                "alias",
                Value::set(alias_ty.implied_type(), vec![alias]).unwrap(),
            ),
        ])
        .unwrap();
    let apex = r.create(&apex_c).await.unwrap();
    assert_eq!(get_str(&apex, "fqdn"), Some("example.com"));
    let a = apex.get_attr("alias").unwrap().elements().unwrap()[0].clone();
    assert_eq!(get_str(&a, "name"), Some("www.example.com"));
    assert_eq!(get_bool(&a, "evaluate_target_health"), Some(false));
    let read = r.read(&apex).await.unwrap().unwrap();
    assert!(read.raw_equals(&apex), "{read:?}\n{apex:?}");

    // Import by ZONEID_NAME_TYPE; records have no token to be found by.
    let imported = r.import(&format!("{zid}_www.example.com_A")).await.unwrap();
    assert_eq!(get_i64(&imported[0], "ttl").unwrap(), Some(60));
    assert!(r
        .import(&format!("{zid}_nothing.example.com_A"))
        .await
        .is_err());
    assert!(p
        .find_by_token("aws_route53_record", "harness-token")
        .await
        .unwrap()
        .is_none());

    // force_destroy: the zone goes with its records.
    gone(&z, &zone2).await;
    assert!(r.read(&www2).await.unwrap().is_none());
    z.destroy(&zone2).await.unwrap();
}

#[tokio::test]
async fn private_zone_vpcs_in_place() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let c = moto.client();
    let mut vpcs = Vec::new();
    for cidr in ["10.1.0.0/16", "10.2.0.0/16"] {
        let v = c
            .ec2_write(
                "CreateVpc",
                &crate::client::Params::new().set("CidrBlock", cidr),
                Idempotency::Safe,
            )
            .await
            .unwrap();
        vpcs.push(v.text_at(&["vpc", "vpcId"]).unwrap().to_string());
    }
    let z = Harness::new(p.clone() as Arc<dyn Provider>, "aws_route53_zone");
    let vb = p.schema().resources["aws_route53_zone"].block.blocks["vpc"]
        .block
        .clone();
    let vpc_set = |ids: &[&String]| {
        Value::set(
            vb.implied_type(),
            ids.iter()
                .map(|id| object_for(&vb, [("vpc_id", Value::string(id.as_str()))]))
                .collect(),
        )
        .unwrap()
    };
    let zc = z
        .config(vec![
            ("name", Value::string("internal.example")),
            ("vpc", vpc_set(&[&vpcs[0]])),
        ])
        .unwrap();
    let zone = z.create(&zc).await.unwrap();
    let v = zone.get_attr("vpc").unwrap().elements().unwrap()[0].clone();
    assert_eq!(get_str(&v, "vpc_id"), Some(vpcs[0].as_str()));
    assert_eq!(get_str(&v, "vpc_region"), Some("us-east-1"));
    let read = z.read(&zone).await.unwrap().unwrap();
    assert!(read.raw_equals(&zone), "{read:?}\n{zone:?}");
    let zc2 = with_attr(&zc, "vpc", vpc_set(&[&vpcs[1]]));
    let upd = z.plan(Some(&read), &zc2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let zone2 = z
        .apply(Some(&read), &upd.planned_state, &zc2)
        .await
        .unwrap();
    let ids: Vec<String> = zone2
        .get_attr("vpc")
        .unwrap()
        .elements()
        .unwrap()
        .iter()
        .map(|e| get_str(e, "vpc_id").unwrap().to_string())
        .collect();
    assert_eq!(ids, vec![vpcs[1].clone()]);
    gone(&z, &zone2).await;
}
