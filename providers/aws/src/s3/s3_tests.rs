//! S3 types against moto: a bucket with tags (refresh, drift, tags in place, import, token),
//! versioning enabled then suspended, a policy set, re-ordered and changed, a generated name
//! in another region, `force_destroy` with object versions in the bucket.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_bool, get_str, get_string_map, object_for, with_attr};
use terrane_provider::Provider;

use crate::client::s3::S3Request;
use crate::client::Idempotency;
use crate::testing::{adopts, gone, no_drift, plan_as_engine, tags, Kit, Moto};

/// The provider context of a client (for the module's own helpers).
fn aws(moto: &Moto) -> crate::common::Aws {
    crate::common::Aws::for_tests(moto.client(), false)
}

fn versioning(h: &Harness, status: &str) -> Value {
    let block = &h.provider.schema().resources["aws_s3_bucket_versioning"]
        .block
        .blocks["versioning_configuration"]
        .block;
    let c = object_for(block, [("status", Value::string(status))]);
    Value::list(c.ty().clone(), vec![c]).unwrap()
}

#[tokio::test]
async fn bucket_versioning_and_force_destroy() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let c = moto.client();
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_s3_bucket");
    let config = h
        .config(vec![
            ("bucket", Value::string("tn-bucket")),
            ("tags", tags("Name", "b")),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert_eq!(get_str(&plan.planned_state, "id"), Some("tn-bucket"));
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&state, "arn"), Some("arn:aws:s3:::tn-bucket"));
    assert_eq!(
        get_str(&state, "bucket_domain_name"),
        Some("tn-bucket.s3.amazonaws.com")
    );
    assert_eq!(
        get_str(&state, "bucket_regional_domain_name"),
        Some("tn-bucket.s3.us-east-1.amazonaws.com")
    );
    assert_eq!(get_str(&state, "hosted_zone_id"), Some("Z3AQBSTGFYJSTF"));
    assert_eq!(get_str(&state, "region"), Some("us-east-1"));
    assert_eq!(get_bool(&state, "object_lock_enabled"), Some(false));
    assert_eq!(get_bool(&state, "force_destroy"), Some(false));
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));

    no_drift(&h, &state, &config).await;

    // Drift: a tag changed outside is seen and put back, the token tag kept.
    let mut outside = super::get_tags(&aws(moto), "tn-bucket").await.unwrap();
    outside.insert("Name".into(), "changed".into());
    super::put_tags(&aws(moto), "tn-bucket", &outside)
        .await
        .unwrap();
    let drifted = h.read(&state).await.unwrap().unwrap();
    assert_eq!(get_string_map(&drifted, "tags").unwrap()["Name"], "changed");
    let fix = h.plan(Some(&drifted), &config).await.unwrap();
    let fixed = h
        .apply(Some(&drifted), &fix.planned_state, &config)
        .await
        .unwrap();
    assert!(fixed.raw_equals(&state), "{fixed:?}\n{state:?}");

    // Tags in place; the name forces a new bucket.
    let config2 = with_attr(&config, "tags", tags("Team", "x"));
    let upd = h.plan(Some(&fixed), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&fixed), &upd.planned_state, &config2)
        .await
        .unwrap();
    let t = get_string_map(&updated, "tags").unwrap();
    assert_eq!(
        (t.get("Team"), t.get("Name")),
        (Some(&"x".to_string()), None)
    );
    let remote = super::get_tags(&aws(moto), "tn-bucket").await.unwrap();
    assert_eq!(
        remote.get(crate::tags::TOKEN_TAG).map(String::as_str),
        Some("harness-token")
    );
    let rep = h
        .plan(
            Some(&updated),
            &with_attr(&config2, "bucket", Value::string("tn-other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);

    // Import and adoption by token.
    let imported = h.import("tn-bucket").await.unwrap();
    assert_eq!(get_string_map(&imported[0], "tags").unwrap()["Team"], "x");
    adopts(&*p, "aws_s3_bucket", "tn-bucket").await;

    // Versioning: enabled, then suspended in place; import; destroy suspends.
    let v = Harness::new(p.clone() as Arc<dyn Provider>, "aws_s3_bucket_versioning");
    let vc = v
        .config(vec![
            ("bucket", Value::string("tn-bucket")),
            ("versioning_configuration", versioning(&v, "Enabled")),
        ])
        .unwrap();
    let vplan = v.plan(None, &vc).await.unwrap();
    let vstate = v.apply(None, &vplan.planned_state, &vc).await.unwrap();
    assert_eq!(get_str(&vstate, "id"), Some("tn-bucket"));
    let conf = |s: &Value| {
        get_str(
            &s.get_attr("versioning_configuration")
                .unwrap()
                .elements()
                .unwrap()[0],
            "status",
        )
        .unwrap()
        .to_string()
    };
    assert_eq!(conf(&vstate), "Enabled");
    let vread = v.read(&vstate).await.unwrap().unwrap();
    assert!(vread.raw_equals(&vstate), "{vread:?}\n{vstate:?}");

    // Two versions of one object, and another object, in the bucket.
    for (key, body) in [("a/b c.txt", "1"), ("a/b c.txt", "2"), ("x", "3")] {
        let req = S3Request {
            key: Some(key),
            body: body.as_bytes().to_vec(),
            ..S3Request::bucket("tn-bucket", "")
        };
        c.s3("PutObject", "PUT", &req, Idempotency::Safe)
            .await
            .unwrap();
    }

    let vc2 = with_attr(&vc, "versioning_configuration", versioning(&v, "Suspended"));
    let vupd = v.plan(Some(&vread), &vc2).await.unwrap();
    assert!(vupd.requires_replace.is_empty());
    let vupdated = v
        .apply(Some(&vread), &vupd.planned_state, &vc2)
        .await
        .unwrap();
    assert_eq!(conf(&vupdated), "Suspended");
    let disabled = with_attr(&vc, "versioning_configuration", versioning(&v, "Disabled"));
    assert!(v.plan(Some(&vupdated), &disabled).await.is_err());
    let vimported = v.import("tn-bucket").await.unwrap();
    assert_eq!(conf(&vimported[0]), "Suspended");
    let reenabled = v.plan(Some(&vupdated), &vc).await.unwrap();
    let reenabled = v
        .apply(Some(&vupdated), &reenabled.planned_state, &vc)
        .await
        .unwrap();
    v.destroy(&reenabled).await.unwrap();
    assert_eq!(
        conf(&v.read(&reenabled).await.unwrap().unwrap()),
        "Suspended"
    );

    // Without force_destroy a bucket with objects stays; with it, it is emptied and goes.
    assert!(h.destroy(&updated).await.is_err());
    let config3 = with_attr(&config2, "force_destroy", Value::bool(true));
    let fd = h.plan(Some(&updated), &config3).await.unwrap();
    assert!(fd.requires_replace.is_empty());
    let fd = h
        .apply(Some(&updated), &fd.planned_state, &config3)
        .await
        .unwrap();
    assert_eq!(get_bool(&fd, "force_destroy"), Some(true));
    gone(&h, &fd).await;
    assert!(v.read(&reenabled).await.unwrap().is_none());
    h.destroy(&fd).await.unwrap();
}

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::NAME/*"}]}"#;
const POLICY_REORDERED: &str = r#"{"Statement":[{"Resource":["arn:aws:s3:::NAME/*"],"Action":"s3:GetObject","Principal":"*","Effect":"Allow","Sid":"Read"}],"Version":"2012-10-17"}"#;

#[tokio::test]
async fn bucket_policy_and_generated_name_in_another_region() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_s3_bucket");

    // A generated name from a prefix, in eu-west-1 (a LocationConstraint).
    let config = h
        .config(vec![
            ("bucket_prefix", Value::string("tn-")),
            ("region", Value::string("eu-west-1")),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert!(!plan.planned_state.get_attr("id").unwrap().is_known());
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    let name = get_str(&state, "id").unwrap().to_string();
    assert!(name.starts_with("tn-") && name.len() <= 63, "{name}");
    assert_eq!(get_str(&state, "region"), Some("eu-west-1"));
    assert_eq!(get_str(&state, "hosted_zone_id"), Some("Z1BKCTXD74EZPE"));
    assert_eq!(
        get_str(&state, "bucket_regional_domain_name"),
        Some(format!("{name}.s3.eu-west-1.amazonaws.com").as_str())
    );
    let read = h.read(&state).await.unwrap().unwrap();
    assert!(read.raw_equals(&state), "{read:?}\n{state:?}");
    assert!(get_string_map(&state, "tags_all").unwrap().is_empty());

    // The policy: set, the same written differently (no drift, no call), changed, import.
    let pol = POLICY.replace("NAME", &name);
    let reordered = POLICY_REORDERED.replace("NAME", &name);
    let ph = Harness::new(p.clone() as Arc<dyn Provider>, "aws_s3_bucket_policy");
    let pc = ph
        .config(vec![
            ("bucket", Value::string(&name)),
            ("policy", Value::string(&pol)),
            ("region", Value::string("eu-west-1")),
        ])
        .unwrap();
    let pplan = ph.plan(None, &pc).await.unwrap();
    assert_eq!(get_str(&pplan.planned_state, "id"), Some(name.as_str()));
    let pstate = ph.apply(None, &pplan.planned_state, &pc).await.unwrap();
    assert_eq!(get_str(&pstate, "policy"), Some(pol.as_str()));
    let pread = ph.read(&pstate).await.unwrap().unwrap();
    assert!(pread.raw_equals(&pstate), "{pread:?}\n{pstate:?}");
    let pc_re = with_attr(&pc, "policy", Value::string(&reordered));
    let plan = plan_as_engine(&*p, "aws_s3_bucket_policy", &pread, &pc_re).await;
    assert!(plan.requires_replace.is_empty());
    assert!(
        plan.planned_state.raw_equals(&pread),
        "{:?}",
        plan.planned_state
    );
    let same = pread;
    let changed = pol.replace("s3:GetObject", "s3:GetObjectVersion");
    let pc2 = with_attr(&pc, "policy", Value::string(&changed));
    let upd = ph.plan(Some(&same), &pc2).await.unwrap();
    let updated = ph
        .apply(Some(&same), &upd.planned_state, &pc2)
        .await
        .unwrap();
    assert_eq!(get_str(&updated, "policy"), Some(changed.as_str()));
    let eu = aws(moto).in_region("eu-west-1");
    let remote = super::policy::get_policy(&eu, &name)
        .await
        .unwrap()
        .unwrap();
    assert!(remote.contains("GetObjectVersion"), "{remote}");
    let imported = ph.import(&name).await.unwrap();
    assert!(get_str(&imported[0], "policy")
        .unwrap()
        .contains("GetObjectVersion"));
    let rep = ph
        .plan(
            Some(&updated),
            &with_attr(&pc2, "bucket", Value::string("tn-other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    gone(&ph, &updated).await;
    ph.destroy(&updated).await.unwrap();

    gone(&h, &read).await;
}
