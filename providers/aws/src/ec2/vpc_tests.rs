//! `aws_vpc` against moto: create, read, drift, update in place, replace, import, adopt by
//! token, destroy.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_bool, get_str, get_string_map, string_map, with_attr};
use terrane_provider::Provider;

use crate::client::Params;
use crate::testing::{gone, no_drift, Kit};

#[tokio::test]
async fn vpc_lifecycle() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_vpc");
    let config = h
        .config(vec![
            ("cidr_block", Value::string("10.1.0.0/16")),
            ("enable_dns_hostnames", Value::bool(true)),
            (
                "tags",
                string_map([("Name".to_string(), "main".to_string())].into()),
            ),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert!(!plan.planned_state.get_attr("id").unwrap().is_known());
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    let id = get_str(&state, "id").unwrap().to_string();
    assert!(id.starts_with("vpc-"));
    assert_eq!(get_bool(&state, "enable_dns_hostnames"), Some(true));
    assert_eq!(get_bool(&state, "enable_dns_support"), Some(true));
    assert!(get_str(&state, "main_route_table_id")
        .unwrap()
        .starts_with("rtb-"));
    assert!(get_str(&state, "default_security_group_id")
        .unwrap()
        .starts_with("sg-"));
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert_eq!(all.get("Name").map(String::as_str), Some("main"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));
    let tags = get_string_map(&state, "tags").unwrap();
    assert_eq!(tags.len(), 1, "{tags:?}");

    // A second plan after a refresh is empty.
    no_drift(&h, &state, &config).await;

    // Drift: turn DNS hostnames off behind terrane's back; refresh sees it, the plan fixes it
    // in place.
    let c = moto.client();
    c.ec2_write(
        "ModifyVpcAttribute",
        &Params::new()
            .set("VpcId", &id)
            .set("EnableDnsHostnames.Value", "false"),
        crate::client::Idempotency::Safe,
    )
    .await
    .unwrap();
    let drifted = h.read(&state).await.unwrap().unwrap();
    assert_eq!(get_bool(&drifted, "enable_dns_hostnames"), Some(false));
    let fix = h.plan(Some(&drifted), &config).await.unwrap();
    assert!(fix.requires_replace.is_empty());
    let fixed = h
        .apply(Some(&drifted), &fix.planned_state, &config)
        .await
        .unwrap();
    assert_eq!(get_bool(&fixed, "enable_dns_hostnames"), Some(true));

    // Tags update in place; the CIDR block forces a replacement.
    let config2 = with_attr(
        &config,
        "tags",
        string_map([("Name".to_string(), "renamed".to_string())].into()),
    );
    let upd = h.plan(Some(&fixed), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&fixed), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_string_map(&updated, "tags").unwrap()["Name"], "renamed");
    let config3 = with_attr(&config2, "cidr_block", Value::string("10.2.0.0/16"));
    let rep = h.plan(Some(&updated), &config3).await.unwrap();
    assert_eq!(rep.requires_replace.len(), 1);

    // Import by id and adoption by token find the same VPC.
    let imported = h.import(&id).await.unwrap();
    assert_eq!(get_str(&imported[0], "cidr_block"), Some("10.1.0.0/16"));
    let found = p
        .find_by_token("aws_vpc", "harness-token")
        .await
        .unwrap()
        .expect("adopted by token");
    assert_eq!(get_str(&found, "id"), Some(id.as_str()));
    assert!(p.find_by_token("aws_vpc", "other").await.unwrap().is_none());

    gone(&h, &updated).await;
    // Destroying what is gone is fine.
    h.destroy(&updated).await.unwrap();
}
