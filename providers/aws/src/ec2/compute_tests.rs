//! EC2 compute types against moto: `aws_instance` created, refreshed, updated in place (stop,
//! modify, start), replaced, imported, adopted by token and destroyed.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_str, get_string_map, string_map, with_attr};
use terrane_provider::Provider;

use crate::client::Params;
use crate::testing::{adopts, gone, no_drift, replaces, some_ami, Kit};

#[tokio::test]
async fn instance_lifecycle() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_instance");
    let ami = some_ami(moto).await;
    let config = h
        .config(vec![
            ("ami", Value::string(&ami)),
            ("instance_type", Value::string("t2.micro")),
            ("user_data", Value::string("#!/bin/sh\necho hi\n")),
            (
                "tags",
                string_map([("Name".to_string(), "web".to_string())].into()),
            ),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert!(!plan.planned_state.get_attr("id").unwrap().is_known());
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    let id = get_str(&state, "id").unwrap().to_string();
    assert!(id.starts_with("i-"), "{id}");
    assert_eq!(get_str(&state, "instance_state"), Some("running"));
    assert_eq!(get_str(&state, "ami"), Some(ami.as_str()));
    assert_eq!(get_str(&state, "user_data"), Some("#!/bin/sh\necho hi\n"));
    assert!(get_str(&state, "arn")
        .unwrap()
        .ends_with(&format!("instance/{id}")));
    assert!(!get_str(&state, "private_ip").unwrap().is_empty());
    assert!(get_str(&state, "primary_network_interface_id")
        .unwrap()
        .starts_with("eni-"));
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));

    // A refresh changes nothing; a second plan is empty.
    let read = no_drift(&h, &state, &config).await;

    // The instance type and user data change in place (stop, modify, start).
    let config2 = with_attr(&config, "instance_type", Value::string("t3.micro"));
    let config2 = with_attr(&config2, "user_data", Value::string("echo bye"));
    let upd = h.plan(Some(&read), &config2).await.unwrap();
    assert!(
        upd.requires_replace.is_empty(),
        "{:?}",
        upd.requires_replace
    );
    let updated = h
        .apply(Some(&read), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_str(&updated, "id"), Some(id.as_str()));
    assert_eq!(get_str(&updated, "instance_type"), Some("t3.micro"));
    assert_eq!(get_str(&updated, "user_data"), Some("echo bye"));
    assert_eq!(get_str(&updated, "instance_state"), Some("running"));

    // With user_data_replace_on_change, new user data replaces it; a new AMI always does.
    let config3 = with_attr(&config2, "user_data_replace_on_change", Value::bool(true));
    let config3 = with_attr(&config3, "user_data", Value::string("echo again"));
    let rep = h.plan(Some(&updated), &config3).await.unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    let config4 = with_attr(&config2, "ami", Value::string("ami-00000000"));
    assert_eq!(replaces(&h, &updated, &config4).await, 1);

    // Import by id and adoption by token find it.
    let imported = h.import(&id).await.unwrap();
    assert_eq!(get_str(&imported[0], "instance_type"), Some("t3.micro"));
    assert_eq!(get_str(&imported[0], "user_data"), Some("echo bye"));
    adopts(&*p, "aws_instance", &id).await;

    gone(&h, &updated).await;
    assert!(p
        .find_by_token("aws_instance", "harness-token")
        .await
        .unwrap()
        .is_none());
    h.destroy(&updated).await.unwrap();
}

#[tokio::test]
async fn eip_lifecycle() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let hi = Harness::new(p.clone() as Arc<dyn Provider>, "aws_instance");
    let ami = some_ami(moto).await;
    let icfg = hi
        .config(vec![
            ("ami", Value::string(&ami)),
            ("instance_type", Value::string("t2.micro")),
        ])
        .unwrap();
    let inst = hi.create(&icfg).await.unwrap();
    let iid = get_str(&inst, "id").unwrap().to_string();

    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_eip");
    let config = h
        .config(vec![
            ("domain", Value::string("vpc")),
            (
                "tags",
                string_map([("Name".to_string(), "nat".to_string())].into()),
            ),
        ])
        .unwrap();
    let state = h.create(&config).await.unwrap();
    let id = get_str(&state, "id").unwrap().to_string();
    assert!(id.starts_with("eipalloc-"), "{id}");
    assert_eq!(get_str(&state, "allocation_id"), Some(id.as_str()));
    assert!(!get_str(&state, "public_ip").unwrap().is_empty());
    let read = no_drift(&h, &state, &config).await;

    // Associating with an instance is in place.
    let config2 = with_attr(&config, "instance", Value::string(&iid));
    let upd = h.plan(Some(&read), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&read), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_str(&updated, "instance"), Some(iid.as_str()));
    assert!(!get_str(&updated, "association_id").unwrap().is_empty());

    let imported = h.import(&id).await.unwrap();
    assert_eq!(get_str(&imported[0], "instance"), Some(iid.as_str()));
    let found = p
        .find_by_token("aws_eip", "harness-token")
        .await
        .unwrap()
        .expect("adopted by token");
    assert_eq!(get_str(&found, "id"), Some(id.as_str()));

    // A separate association, after disassociating behind terrane's back (refresh sees it).
    let assoc_id = get_str(&updated, "association_id").unwrap().to_string();
    moto.client()
        .ec2_write(
            "DisassociateAddress",
            &Params::new().set("AssociationId", &assoc_id),
            crate::client::Idempotency::Safe,
        )
        .await
        .unwrap();
    let bare = h.read(&updated).await.unwrap().unwrap();
    assert_eq!(get_str(&bare, "association_id"), Some(""));
    let ha = Harness::new(p.clone() as Arc<dyn Provider>, "aws_eip_association");
    let acfg = ha
        .config(vec![
            ("allocation_id", Value::string(&id)),
            ("instance_id", Value::string(&iid)),
        ])
        .unwrap();
    let assoc = ha.create(&acfg).await.unwrap();
    assert!(get_str(&assoc, "id").unwrap().starts_with("eipassoc-"));
    let aread = ha.read(&assoc).await.unwrap().unwrap();
    assert!(aread.raw_equals(&assoc), "{aread:?}\n{assoc:?}");
    let aplan = ha.plan(Some(&aread), &acfg).await.unwrap();
    assert!(aplan.requires_replace.is_empty());
    // An interrupted create's association is found by its configuration (it has no tag),
    // and only with the configured instance.
    let found = p
        .find_by_config("aws_eip_association", acfg.clone())
        .await
        .unwrap()
        .expect("the association, found by its configuration");
    assert_eq!(get_str(&found, "id"), get_str(&assoc, "id"));
    let elsewhere = ha
        .config(vec![
            ("allocation_id", Value::string(&id)),
            ("instance_id", Value::string("i-0123456789abcdef0")),
        ])
        .unwrap();
    let none = p
        .find_by_config("aws_eip_association", elsewhere)
        .await
        .unwrap();
    assert!(none.is_none(), "{none:?}");
    gone(&ha, &assoc).await;

    gone(&h, &bare).await;
    hi.destroy(&inst).await.unwrap();
}

#[tokio::test]
async fn ebs_volume_lifecycle() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_ebs_volume");
    let config = h
        .config(vec![
            ("availability_zone", Value::string("us-east-1a")),
            ("size", Value::int(8)),
            ("type", Value::string("gp3")),
        ])
        .unwrap();
    let state = h.create(&config).await.unwrap();
    let id = get_str(&state, "id").unwrap().to_string();
    assert!(id.starts_with("vol-"), "{id}");
    let read = no_drift(&h, &state, &config).await;
    let config2 = with_attr(&config, "size", Value::int(16));
    let upd = h.plan(Some(&read), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&read), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(updated.get_attr("size"), Some(&Value::int(16)));
    let config3 = with_attr(&config2, "availability_zone", Value::string("us-east-1b"));
    assert_eq!(replaces(&h, &updated, &config3).await, 1);
    let imported = h.import(&id).await.unwrap();
    assert_eq!(get_str(&imported[0], "type"), Some("gp3"));
    let found = p
        .find_by_token("aws_ebs_volume", "harness-token")
        .await
        .unwrap()
        .expect("adopted by token");
    assert_eq!(get_str(&found, "id"), Some(id.as_str()));
    // Attached to an instance, then detached.
    let hi = Harness::new(p.clone() as Arc<dyn Provider>, "aws_instance");
    let ami = some_ami(moto).await;
    let icfg = hi
        .config(vec![
            ("ami", Value::string(&ami)),
            ("availability_zone", Value::string("us-east-1a")),
        ])
        .unwrap();
    let inst = hi.create(&icfg).await.unwrap();
    let iid = get_str(&inst, "id").unwrap().to_string();
    let ha = Harness::new(p.clone() as Arc<dyn Provider>, "aws_volume_attachment");
    let acfg = ha
        .config(vec![
            ("device_name", Value::string("/dev/sdh")),
            ("volume_id", Value::string(&id)),
            ("instance_id", Value::string(&iid)),
        ])
        .unwrap();
    let att = ha.create(&acfg).await.unwrap();
    assert!(super::volume_attachment::id_of(&att)
        .unwrap()
        .starts_with("vai-"));
    assert!(ha.read(&att).await.unwrap().unwrap().raw_equals(&att));
    // An interrupted create's attachment is found by its configuration (it has no tag).
    let found = p
        .find_by_config("aws_volume_attachment", acfg.clone())
        .await
        .unwrap()
        .expect("the attachment, found by its configuration");
    assert_eq!(get_str(&found, "id"), get_str(&att, "id"));
    let other_device = ha
        .config(vec![
            ("device_name", Value::string("/dev/sdj")),
            ("volume_id", Value::string(&id)),
            ("instance_id", Value::string(&iid)),
        ])
        .unwrap();
    let none = p
        .find_by_config("aws_volume_attachment", other_device)
        .await
        .unwrap();
    assert!(none.is_none(), "{none:?}");
    let imp = ha.import(&format!("/dev/sdh:{id}:{iid}")).await.unwrap();
    assert_eq!(get_str(&imp[0], "id"), get_str(&att, "id"));
    gone(&ha, &att).await;
    hi.destroy(&inst).await.unwrap();

    gone(&h, &updated).await;
}
