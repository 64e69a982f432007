//! EFS types against moto: a file system created with the engine's token as its creation
//! token, refreshed with no diff, drift seen, lifecycle policies and tags updated in place,
//! replacement planned, imported, adopted by token, a repeated create adopting; a mount target
//! in a subnet made through the EC2 types, its security groups changed in place, imported,
//! a repeated create adopting it; both destroyed. UpdateFileSystem, which moto lacks, is
//! checked against a recorded answer (a loopback server).

use std::collections::BTreeMap;
use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_provider::harness::Harness;
use terrane_provider::values::{
    get_i64, get_str, get_string_list, get_string_map, object_for, with_attr,
};
use terrane_provider::Provider;

use crate::tags::TOKEN_TAG;
use crate::testing::{adopts, gone, no_drift, tags, Kit};

fn policies(p: &crate::provider::AwsProvider, items: &[(&str, &str)]) -> Value {
    let block = &p.schema().resources["aws_efs_file_system"].block.blocks["lifecycle_policy"].block;
    let vals: Vec<Value> = items
        .iter()
        .map(|(k, v)| object_for(block, [(*k, Value::string(v))]))
        .collect();
    Value::list(block.implied_type(), vals).unwrap()
}

fn set(items: &[&str]) -> Value {
    crate::common::string_set(items.iter().map(|s| s.to_string()))
}

#[tokio::test]
async fn file_system_and_mount_target_lifecycle() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let fs_h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_efs_file_system");
    let config = fs_h
        .config(vec![
            ("tags", tags("Name", "data")),
            (
                "lifecycle_policy",
                policies(&p, &[("transition_to_ia", "AFTER_30_DAYS")]),
            ),
        ])
        .unwrap();
    let plan = fs_h.plan(None, &config).await.unwrap();
    assert_eq!(
        get_str(&plan.planned_state, "performance_mode"),
        Some("generalPurpose")
    );
    assert_eq!(
        get_str(&plan.planned_state, "throughput_mode"),
        Some("bursting")
    );
    assert!(!plan
        .planned_state
        .get_attr("creation_token")
        .unwrap()
        .is_known());
    let state = fs_h
        .apply(None, &plan.planned_state, &config)
        .await
        .unwrap();
    let id = get_str(&state, "id").unwrap().to_string();
    assert!(id.starts_with("fs-"), "{id}");
    // No creation token configured: the engine's idempotency token is EFS's creation token.
    assert_eq!(get_str(&state, "creation_token"), Some("harness-token"));
    assert_eq!(
        get_str(&state, "dns_name").unwrap(),
        format!("{id}.efs.us-east-1.amazonaws.com")
    );
    assert!(get_str(&state, "arn")
        .unwrap()
        .ends_with(&format!(":file-system/{id}")));
    assert_eq!(get_str(&state, "owner_id"), Some("123456789012"));
    assert_eq!(get_str(&state, "name"), Some("data"));
    assert_eq!(get_i64(&state, "number_of_mount_targets").unwrap(), Some(0));
    assert_eq!(
        state
            .get_attr("size_in_bytes")
            .and_then(Value::elements)
            .map(<[Value]>::len),
        Some(1)
    );
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(TOKEN_TAG));
    let lp = state
        .get_attr("lifecycle_policy")
        .and_then(Value::elements)
        .unwrap();
    assert_eq!(lp.len(), 1);
    assert_eq!(get_str(&lp[0], "transition_to_ia"), Some("AFTER_30_DAYS"));

    // Refresh and plan again: nothing to do.
    no_drift(&fs_h, &state, &config).await;

    // Drift: a tag changed outside is seen.
    let aws = crate::common::Aws::for_tests(moto.client(), false);
    let mut outside: BTreeMap<String, String> = all.clone();
    outside.insert("Name".into(), "changed".into());
    super::update_tags(&aws, &id, &all, &outside).await.unwrap();
    let drifted = fs_h.read(&state).await.unwrap().unwrap();
    assert_eq!(get_string_map(&drifted, "tags").unwrap()["Name"], "changed");
    assert_eq!(get_str(&drifted, "name"), Some("changed"));

    // In place: tags and lifecycle policies.
    let config2 = with_attr(&config, "tags", tags("Name", "renamed"));
    let config2 = with_attr(
        &config2,
        "lifecycle_policy",
        policies(
            &p,
            &[
                ("transition_to_ia", "AFTER_60_DAYS"),
                ("transition_to_primary_storage_class", "AFTER_1_ACCESS"),
            ],
        ),
    );
    let upd = fs_h.plan(Some(&drifted), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = fs_h
        .apply(Some(&drifted), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_string_map(&updated, "tags").unwrap()["Name"], "renamed");
    let lp = updated
        .get_attr("lifecycle_policy")
        .and_then(Value::elements)
        .unwrap();
    assert_eq!(lp.len(), 2);
    assert_eq!(
        get_str(&lp[1], "transition_to_primary_storage_class"),
        Some("AFTER_1_ACCESS")
    );
    let after = fs_h.plan(Some(&updated), &config2).await.unwrap();
    assert!(after.planned_state.raw_equals(&updated));

    // The performance mode and encryption force a new file system.
    for (k, v) in [
        ("performance_mode", Value::string("maxIO")),
        ("encrypted", Value::bool(true)),
    ] {
        let rep = fs_h
            .plan(Some(&updated), &with_attr(&config2, k, v))
            .await
            .unwrap();
        assert_eq!(rep.requires_replace.len(), 1, "{k}");
    }

    // Import; adoption by token; a repeated create with the same token adopts.
    let imported = fs_h.import(&id).await.unwrap();
    assert_eq!(
        get_str(&imported[0], "creation_token"),
        Some("harness-token")
    );
    assert_eq!(
        get_string_map(&imported[0], "tags").unwrap()["Name"],
        "renamed"
    );
    adopts(&*p, "aws_efs_file_system", &id).await;
    let repeated = fs_h
        .apply(None, &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_str(&repeated, "id"), Some(id.as_str()));

    // A mount target in a subnet of a VPC made through the EC2 types.
    let ec2 = |ty: &str| Harness::new(p.clone() as Arc<dyn Provider>, ty);
    let vpc = ec2("aws_vpc")
        .create(
            &ec2("aws_vpc")
                .config(vec![("cidr_block", Value::string("10.60.0.0/16"))])
                .unwrap(),
        )
        .await
        .unwrap();
    let vpc_id = get_str(&vpc, "id").unwrap().to_string();
    let subnet_h = ec2("aws_subnet");
    let subnet = subnet_h
        .create(
            &subnet_h
                .config(vec![
                    ("vpc_id", Value::string(&vpc_id)),
                    ("cidr_block", Value::string("10.60.1.0/24")),
                    ("availability_zone", Value::string("us-east-1a")),
                ])
                .unwrap(),
        )
        .await
        .unwrap();
    let subnet_id = get_str(&subnet, "id").unwrap().to_string();
    let sg_h = ec2("aws_security_group");
    let mut groups = Vec::new();
    for name in ["nfs-a", "nfs-b"] {
        let sg = sg_h
            .create(
                &sg_h
                    .config(vec![
                        ("name", Value::string(name)),
                        ("vpc_id", Value::string(&vpc_id)),
                    ])
                    .unwrap(),
            )
            .await
            .unwrap();
        groups.push(sg);
    }
    let g = |i: usize| get_str(&groups[i], "id").unwrap().to_string();

    let mt_h = ec2("aws_efs_mount_target");
    let mt_config = mt_h
        .config(vec![
            ("file_system_id", Value::string(&id)),
            ("subnet_id", Value::string(&subnet_id)),
            ("security_groups", set(&[&g(0)])),
        ])
        .unwrap();
    let mt_plan = mt_h.plan(None, &mt_config).await.unwrap();
    let mt = mt_h
        .apply(None, &mt_plan.planned_state, &mt_config)
        .await
        .unwrap();
    let mt_id = get_str(&mt, "id").unwrap().to_string();
    assert!(mt_id.starts_with("fsmt-"), "{mt_id}");
    assert!(get_str(&mt, "ip_address").unwrap().starts_with("10.60.1."));
    assert_eq!(get_str(&mt, "availability_zone_name"), Some("us-east-1a"));
    assert!(get_str(&mt, "availability_zone_id").is_some());
    assert_eq!(
        get_str(&mt, "dns_name").unwrap(),
        format!("{id}.efs.us-east-1.amazonaws.com")
    );
    assert_eq!(
        get_str(&mt, "mount_target_dns_name").unwrap(),
        format!("us-east-1a.{id}.efs.us-east-1.amazonaws.com")
    );
    assert_eq!(get_str(&mt, "file_system_arn"), get_str(&state, "arn"));
    assert!(get_str(&mt, "network_interface_id")
        .unwrap()
        .starts_with("eni-"));
    assert_eq!(get_string_list(&mt, "security_groups").unwrap(), vec![g(0)]);
    let read_mt = mt_h.read(&mt).await.unwrap().unwrap();
    assert!(read_mt.raw_equals(&mt), "{read_mt:?}\n{mt:?}");
    let fs_now = fs_h.read(&updated).await.unwrap().unwrap();
    assert_eq!(
        get_i64(&fs_now, "number_of_mount_targets").unwrap(),
        Some(1)
    );

    // Security groups in place; the subnet forces a new mount target.
    let mt_config2 = with_attr(&mt_config, "security_groups", set(&[&g(1)]));
    let mt_upd = mt_h.plan(Some(&read_mt), &mt_config2).await.unwrap();
    assert!(mt_upd.requires_replace.is_empty());
    let mt2 = mt_h
        .apply(Some(&read_mt), &mt_upd.planned_state, &mt_config2)
        .await
        .unwrap();
    assert_eq!(
        get_string_list(&mt2, "security_groups").unwrap(),
        vec![g(1)]
    );
    let rep = mt_h
        .plan(
            Some(&mt2),
            &with_attr(&mt_config2, "subnet_id", Value::string("subnet-other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);

    // Import; no token to find; a repeated create adopts the mount target in its subnet
    // (with the groups it asks for).
    let imported = mt_h.import(&mt_id).await.unwrap();
    assert_eq!(get_str(&imported[0], "subnet_id"), Some(subnet_id.as_str()));
    assert!(p
        .find_by_token("aws_efs_mount_target", "harness-token")
        .await
        .unwrap()
        .is_none());
    let again = mt_h
        .apply(None, &mt_plan.planned_state, &mt_config)
        .await
        .unwrap();
    assert_eq!(get_str(&again, "id"), Some(mt_id.as_str()));
    assert_eq!(
        get_string_list(&again, "security_groups").unwrap(),
        vec![g(0)]
    );

    // Destroy both; what is gone reads as gone, and destroying it again is fine.
    gone(&mt_h, &again).await;
    mt_h.destroy(&again).await.unwrap();
    gone(&fs_h, &updated).await;
    fs_h.destroy(&updated).await.unwrap();

    // A configured creation token: the token tag finds the file system.
    let named = with_attr(&config, "creation_token", Value::string("my-product"));
    let fs2 = fs_h.create(&named).await.unwrap();
    assert_eq!(get_str(&fs2, "creation_token"), Some("my-product"));
    let found = p
        .find_by_token("aws_efs_file_system", "harness-token")
        .await
        .unwrap()
        .expect("found by its token tag");
    assert_eq!(get_str(&found, "id"), get_str(&fs2, "id"));
    // Another create with that creation token and another engine token is refused.
    let other = p
        .apply_resource(terrane_provider::ApplyRequest {
            type_name: "aws_efs_file_system".into(),
            prior_state: None,
            planned_state: Some(fs_h.plan(None, &named).await.unwrap().planned_state),
            config: named.clone(),
            planned_private: None,
            idempotency_token: Some("someone-else".into()),
        })
        .await;
    let e = other.expect_err("a second file system with the same token");
    assert!(e.error.detail.contains("FileSystemAlreadyExists"), "{e:?}");
    fs_h.destroy(&fs2).await.unwrap();
}

/// AWS's answer to UpdateFileSystem (moto lacks the call), then the file system as
/// DescribeFileSystems shows it while and after it updates.
fn recorded(state: &str) -> String {
    format!(
        r#"{{"OwnerId":"123456789012","CreationToken":"tok","FileSystemId":"fs-0123456789abcdef0","FileSystemArn":"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0","CreationTime":1700000000.0,"LifeCycleState":"{state}","Name":"data","NumberOfMountTargets":0,"SizeInBytes":{{"Value":6144,"ValueInIA":0,"ValueInStandard":6144}},"PerformanceMode":"generalPurpose","Encrypted":false,"ThroughputMode":"provisioned","ProvisionedThroughputInMibps":128.0,"Tags":[{{"Key":"Name","Value":"data"}}]}}"#
    )
}

/// A loopback server answering EFS calls from the recorded documents; it keeps the bodies of
/// the PUT requests.
async fn scripted_efs() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let puts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = puts.clone();
    let describes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (seen, describes) = (seen.clone(), describes.clone());
            tokio::spawn(async move {
                loop {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let (head, body) = loop {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(i) = text.find("\r\n\r\n") {
                            let head = text[..i].to_string();
                            let len = head
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if buf.len() >= i + 4 + len {
                                break (head, text[i + 4..i + 4 + len].to_string());
                            }
                        }
                    };
                    let line = head.lines().next().unwrap_or("").to_string();
                    let (status, answer) = if line.starts_with("PUT ") {
                        seen.lock().unwrap().push(body);
                        (202, recorded("updating"))
                    } else if line.contains("lifecycle-configuration") {
                        (200, r#"{"LifecyclePolicies":[]}"#.to_string())
                    } else {
                        let n = describes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let state = if n == 0 { "updating" } else { "available" };
                        (200, format!(r#"{{"FileSystems":[{}]}}"#, recorded(state)))
                    };
                    let resp = format!(
                        "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if sock.write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, puts)
}

#[tokio::test]
async fn throughput_changes_in_place_with_update_file_system() {
    use crate::client::{Client, Credentials, Endpoints, RetryPolicy};
    use crate::common::ResourceType;
    let (url, puts) = scripted_efs().await;
    let creds = Credentials {
        access_key_id: "AKID".into(),
        secret_access_key: "secret".into(),
        session_token: None,
        source: "test".into(),
    };
    let endpoints = Endpoints {
        env_global: Some(url),
        ..Endpoints::default()
    };
    let client = Client::new(creds, "us-east-1".into(), endpoints, RetryPolicy::default()).unwrap();
    let aws = crate::common::Aws::for_tests(client, true);
    let block = super::file_system::block();
    let prior = object_for(
        &block,
        [
            ("id", Value::string("fs-0123456789abcdef0")),
            ("throughput_mode", Value::string("bursting")),
            ("tags", tags("Name", "data")),
            ("tags_all", tags("Name", "data")),
        ],
    );
    let planned = with_attr(&prior, "throughput_mode", Value::string("provisioned"));
    let planned = with_attr(&planned, "provisioned_throughput_in_mibps", Value::int(128));
    let state = super::file_system::FileSystem
        .update(&aws, &prior, &planned)
        .await
        .unwrap();
    assert_eq!(get_str(&state, "throughput_mode"), Some("provisioned"));
    assert_eq!(
        get_i64(&state, "provisioned_throughput_in_mibps").unwrap(),
        Some(128)
    );
    assert_eq!(get_str(&state, "name"), Some("data"));
    let puts = puts.lock().unwrap().clone();
    assert_eq!(puts.len(), 1, "{puts:?}");
    let sent: serde_json::Value = serde_json::from_str(&puts[0]).unwrap();
    assert_eq!(sent["ThroughputMode"], "provisioned");
    assert_eq!(sent["ProvisionedThroughputInMibps"], 128.0);
}
