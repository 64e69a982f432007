//! IAM types against moto: create, refresh with no diff, update in place, replacement,
//! import, adoption by token, a repeated create adopting, destroy.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_i64, get_str, get_string_map, with_attr};
use terrane_provider::Provider;

use crate::client::{endpoint, Idempotency, Params};
use crate::testing::{adopts, gone, no_drift, plan_as_engine, tags, Kit};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_REORDERED: &str = r#"{"Statement":[{"Action":["sts:AssumeRole"],"Principal":{"Service":"ec2.amazonaws.com"},"Effect":"Allow"}],"Version":"2012-10-17"}"#;
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

#[tokio::test]
async fn role_lifecycle() {
    let kit = Kit::start(&[("env", "test")]).await;
    let p = kit.p.clone();
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_iam_role");
    let config = h
        .config(vec![
            ("name", Value::string("app")),
            ("assume_role_policy", Value::string(TRUST)),
            ("description", Value::string("first")),
            ("tags", tags("Name", "app")),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert_eq!(get_str(&plan.planned_state, "id"), Some("app"));
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&state, "id"), Some("app"));
    assert!(get_str(&state, "arn").unwrap().ends_with(":role/app"));
    assert!(get_str(&state, "unique_id").is_some());
    assert_eq!(get_str(&state, "path"), Some("/"));
    assert_eq!(get_i64(&state, "max_session_duration").unwrap(), Some(3600));
    assert_eq!(get_str(&state, "assume_role_policy"), Some(TRUST));
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));

    // Refresh, then plan: nothing to do, also with the trust policy written differently.
    let read = no_drift(&h, &state, &config).await;
    // The trust policy written differently (key and list order, a one-element list for a
    // string) plans no change: the prior text stays (see `plan_as_engine`).
    let reordered = with_attr(
        &config,
        "assume_role_policy",
        Value::string(TRUST_REORDERED),
    );
    let same = plan_as_engine(&*p, "aws_iam_role", &read, &reordered).await;
    assert!(same.requires_replace.is_empty());
    assert!(
        same.planned_state.raw_equals(&read),
        "{:?}",
        same.planned_state
    );

    // In place: description, session duration, tags, trust policy.
    let trust2 = TRUST.replace("ec2.amazonaws.com", "lambda.amazonaws.com");
    let config2 = with_attr(&config, "description", Value::string("second"));
    let config2 = with_attr(&config2, "max_session_duration", Value::int(7200));
    let config2 = with_attr(&config2, "tags", tags("Name", "renamed"));
    let config2 = with_attr(&config2, "assume_role_policy", Value::string(&trust2));
    let upd = h.plan(Some(&read), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&read), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_str(&updated, "description"), Some("second"));
    assert_eq!(
        get_i64(&updated, "max_session_duration").unwrap(),
        Some(7200)
    );
    assert_eq!(get_string_map(&updated, "tags").unwrap()["Name"], "renamed");
    assert!(get_str(&updated, "assume_role_policy")
        .unwrap()
        .contains("lambda"));
    let after = h.plan(Some(&updated), &config2).await.unwrap();
    assert!(after.planned_state.raw_equals(&updated));

    // The name and the path force a new role.
    let rep = h
        .plan(
            Some(&updated),
            &with_attr(&config2, "path", Value::string("/x/")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);

    // Import, adoption by token; a repeated create of the same name with our token adopts,
    // with another token fails.
    let imported = h.import("app").await.unwrap();
    assert_eq!(get_str(&imported[0], "description"), Some("second"));
    adopts(&*p, "aws_iam_role", "app").await;
    let again = h.apply(None, &upd.planned_state, &config2).await.unwrap();
    assert_eq!(get_str(&again, "id"), Some("app"));

    // An instance profile holds it; destroying the role takes it out first.
    let ip = Harness::new(p.clone() as Arc<dyn Provider>, "aws_iam_instance_profile");
    let ipc = ip
        .config(vec![
            ("name", Value::string("app-profile")),
            ("role", Value::string("app")),
        ])
        .unwrap();
    let ipp = ip.plan(None, &ipc).await.unwrap();
    let profile = ip.apply(None, &ipp.planned_state, &ipc).await.unwrap();
    assert_eq!(get_str(&profile, "role"), Some("app"));
    gone(&h, &again).await;
    h.destroy(&again).await.unwrap();
    gone(&ip, &profile).await;
}

#[tokio::test]
async fn role_policy_and_instance_profile() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let c = moto.client();
    for name in ["r1", "r2"] {
        let q = Params::new()
            .set("RoleName", name)
            .set("AssumeRolePolicyDocument", TRUST);
        c.query(&endpoint::IAM, "CreateRole", &q, Idempotency::Safe)
            .await
            .unwrap();
    }

    // aws_iam_role_policy: id role:name, policy by meaning, in-place update, replace on name.
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_iam_role_policy");
    let config = h
        .config(vec![
            ("role", Value::string("r1")),
            ("name", Value::string("read")),
            ("policy", Value::string(POLICY)),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&state, "id"), Some("r1:read"));
    let read = h.read(&state).await.unwrap().unwrap();
    assert!(read.raw_equals(&state), "{read:?}\n{state:?}");
    let spaced = POLICY
        .replace(',', ", ")
        .replace("\"s3:GetObject\"", "[\"s3:GetObject\"]");
    let spaced_cfg = with_attr(&config, "policy", Value::string(&spaced));
    let same = plan_as_engine(&*p, "aws_iam_role_policy", &read, &spaced_cfg).await;
    assert!(same.requires_replace.is_empty());
    assert!(
        same.planned_state.raw_equals(&read),
        "{:?}",
        same.planned_state
    );
    let config2 = with_attr(
        &config,
        "policy",
        Value::string(POLICY.replace("GetObject", "PutObject")),
    );
    let upd = h.plan(Some(&read), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&read), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert!(get_str(&updated, "policy").unwrap().contains("PutObject"));
    let rep = h
        .plan(
            Some(&updated),
            &with_attr(&config2, "name", Value::string("other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    let imported = h.import("r1:read").await.unwrap();
    assert!(get_str(&imported[0], "policy")
        .unwrap()
        .contains("PutObject"));
    assert!(h.import("nocolon").await.is_err());
    gone(&h, &updated).await;

    // aws_iam_instance_profile: the role changes in place, tags, import, token, destroy.
    let ip = Harness::new(p.clone() as Arc<dyn Provider>, "aws_iam_instance_profile");
    let ipc = ip
        .config(vec![
            ("name", Value::string("prof")),
            ("role", Value::string("r1")),
            ("tags", tags("Name", "prof")),
        ])
        .unwrap();
    let plan = ip.plan(None, &ipc).await.unwrap();
    let state = ip.apply(None, &plan.planned_state, &ipc).await.unwrap();
    assert!(get_str(&state, "arn")
        .unwrap()
        .ends_with(":instance-profile/prof"));
    assert_eq!(get_str(&state, "role"), Some("r1"));
    let read = ip.read(&state).await.unwrap().unwrap();
    assert!(read.raw_equals(&state), "{read:?}\n{state:?}");
    let ipc2 = with_attr(&ipc, "role", Value::string("r2"));
    let ipc2 = with_attr(&ipc2, "tags", tags("Name", "renamed"));
    let upd = ip.plan(Some(&read), &ipc2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = ip
        .apply(Some(&read), &upd.planned_state, &ipc2)
        .await
        .unwrap();
    assert_eq!(get_str(&updated, "role"), Some("r2"));
    assert_eq!(get_string_map(&updated, "tags").unwrap()["Name"], "renamed");
    let rep = ip
        .plan(
            Some(&updated),
            &with_attr(&ipc2, "name", Value::string("p2")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    let imported = ip.import("prof").await.unwrap();
    assert_eq!(get_str(&imported[0], "role"), Some("r2"));
    let found = p
        .find_by_token("aws_iam_instance_profile", "harness-token")
        .await
        .unwrap()
        .expect("adopted");
    assert_eq!(get_str(&found, "id"), Some("prof"));
    let again = ip.apply(None, &upd.planned_state, &ipc2).await.unwrap();
    assert_eq!(get_str(&again, "id"), Some("prof"));
    gone(&ip, &updated).await;

    for name in ["r1", "r2"] {
        let q = Params::new().set("RoleName", name);
        c.query(&endpoint::IAM, "DeleteRole", &q, Idempotency::Safe)
            .await
            .unwrap();
    }
    let left = c
        .query(
            &endpoint::IAM,
            "ListRoles",
            &Params::new(),
            Idempotency::Safe,
        )
        .await
        .unwrap();
    assert!(left.items("Roles").is_empty());
}
