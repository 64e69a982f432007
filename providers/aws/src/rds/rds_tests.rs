//! RDS types against moto: subnet and parameter groups (create, refresh, drift, in-place
//! update, replacement, import, adoption by token, destroy) and a MySQL instance in them
//! (storage grown in place, the final-snapshot rule, destroy); ResetDBParameterGroup, which
//! moto lacks, against a recorded AWS answer.

use std::sync::Arc;

use terrane_dsl::value::Value;
use terrane_dsl::Severity;
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_bool, get_i64, get_str, get_string_map, with_attr};
use terrane_provider::Provider;

use crate::client::{endpoint, Client, Idempotency, Params};
use crate::testing::{adopts, gone, strings, tags, update, Kit};

/// A VPC with two subnets in two zones.
async fn network(c: &Client) -> (String, String, String) {
    let vpc = c
        .ec2_write(
            "CreateVpc",
            &Params::new().set("CidrBlock", "10.9.0.0/16"),
            Idempotency::Safe,
        )
        .await
        .unwrap();
    let vpc = vpc.text_at(&["vpc", "vpcId"]).unwrap().to_string();
    let mut subnets = Vec::new();
    for (i, az) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
        let p = Params::new()
            .set("VpcId", &vpc)
            .set("CidrBlock", format!("10.9.{i}.0/24"))
            .set("AvailabilityZone", *az);
        let s = c
            .ec2_write("CreateSubnet", &p, Idempotency::Safe)
            .await
            .unwrap();
        subnets.push(s.text_at(&["subnet", "subnetId"]).unwrap().to_string());
    }
    (vpc, subnets[0].clone(), subnets[1].clone())
}

async fn rds(c: &Client, action: &str, p: Params) -> crate::client::Element {
    c.query(&endpoint::RDS, action, &p, Idempotency::Safe)
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

#[tokio::test]
async fn subnet_and_parameter_groups() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let c = moto.client();
    let (vpc, s1, s2) = network(&c).await;

    // aws_db_subnet_group: the name as configured, the id lower-cased as RDS keeps it.
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_db_subnet_group");
    let config = h
        .config(vec![
            ("name", Value::string("Main-Group")),
            ("subnet_ids", strings(&[&s1, &s2])),
            ("tags", tags("Name", "main")),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert_eq!(get_str(&plan.planned_state, "id"), Some("main-group"));
    assert_eq!(
        get_str(&plan.planned_state, "description"),
        Some("Managed by Terraform")
    );
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&state, "id"), Some("main-group"));
    assert_eq!(get_str(&state, "name"), Some("Main-Group"));
    assert_eq!(get_str(&state, "vpc_id"), Some(vpc.as_str()));
    assert!(get_str(&state, "arn")
        .unwrap()
        .ends_with(":subgrp:main-group"));
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));
    let read = h.read(&state).await.unwrap().unwrap();
    assert!(read.raw_equals(&state), "{read:?}\n{state:?}");
    let again = h.plan(Some(&read), &config).await.unwrap();
    assert!(again.planned_state.raw_equals(&read));

    // Drift: a tag added behind terrane's back shows; the plan takes it out in place.
    // (moto's ModifyDBSubnetGroup loses the group: the description and subnets changing in
    // place are checked against recorded answers below.)
    let arn = get_str(&state, "arn").unwrap().to_string();
    let q = Params::new()
        .set("ResourceName", &arn)
        .set("Tags.Tag.1.Key", "extra")
        .set("Tags.Tag.1.Value", "x");
    rds(&c, "AddTagsToResource", q).await;
    let drifted = h.read(&state).await.unwrap().unwrap();
    assert_eq!(get_string_map(&drifted, "tags").unwrap()["extra"], "x");
    let config2 = with_attr(&config, "tags", tags("Name", "renamed"));
    let upd = h.plan(Some(&drifted), &config2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let updated = h
        .apply(Some(&drifted), &upd.planned_state, &config2)
        .await
        .unwrap();
    let t = get_string_map(&updated, "tags").unwrap();
    assert_eq!(t["Name"], "renamed");
    assert!(!t.contains_key("extra"));
    let upd = h
        .plan(
            Some(&updated),
            &with_attr(&config2, "subnet_ids", strings(&[&s1])),
        )
        .await
        .unwrap();
    assert!(upd.requires_replace.is_empty());
    let rep = h
        .plan(
            Some(&updated),
            &with_attr(&config2, "name", Value::string("other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    let imported = h.import("main-group").await.unwrap();
    assert_eq!(get_str(&imported[0], "name"), Some("main-group"));
    adopts(&*p, "aws_db_subnet_group", "main-group").await;
    // A repeated create with our token adopts the group.
    let again = h.apply(None, &upd.planned_state, &config2).await.unwrap();
    assert_eq!(get_str(&again, "id"), Some("main-group"));

    // aws_db_parameter_group: parameters set at create, changed and added in place.
    let g = Harness::new(p.clone() as Arc<dyn Provider>, "aws_db_parameter_group");
    let ty = p.schema().resources["aws_db_parameter_group"].block.blocks["parameter"]
        .block
        .clone();
    let param = |n: &str, v: &str| {
        terrane_provider::values::object_for(
            &ty,
            [("name", Value::string(n)), ("value", Value::string(v))],
        )
    };
    let params = |ps: Vec<Value>| Value::set(ty.implied_type(), ps).unwrap();
    let gconfig = g
        .config(vec![
            ("name", Value::string("mysql-params")),
            ("family", Value::string("mysql8.0")),
            (
                "parameter",
                params(vec![
                    param("character_set_server", "utf8"),
                    param("max_connections", "100"),
                ]),
            ),
        ])
        .unwrap();
    let plan = g.plan(None, &gconfig).await.unwrap();
    let group = g.apply(None, &plan.planned_state, &gconfig).await.unwrap();
    assert_eq!(get_str(&group, "id"), Some("mysql-params"));
    assert_eq!(get_str(&group, "family"), Some("mysql8.0"));
    assert_eq!(
        group
            .get_attr("parameter")
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        2
    );
    let read = g.read(&group).await.unwrap().unwrap();
    assert!(read.raw_equals(&group), "{read:?}\n{group:?}");
    let again = g.plan(Some(&read), &gconfig).await.unwrap();
    assert!(again.planned_state.raw_equals(&read));
    let gconfig2 = with_attr(
        &gconfig,
        "parameter",
        params(vec![
            param("character_set_server", "utf8mb4"),
            param("max_connections", "100"),
            param("time_zone", "UTC"),
        ]),
    );
    let upd = g.plan(Some(&read), &gconfig2).await.unwrap();
    assert!(upd.requires_replace.is_empty());
    let group2 = g
        .apply(Some(&read), &upd.planned_state, &gconfig2)
        .await
        .unwrap();
    let values: Vec<(String, String)> = group2
        .get_attr("parameter")
        .unwrap()
        .elements()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(get_str(e, "apply_method"), Some("immediate"));
            (
                get_str(e, "name").unwrap().to_string(),
                get_str(e, "value").unwrap().to_string(),
            )
        })
        .collect();
    assert!(values.contains(&("character_set_server".into(), "utf8mb4".into())));
    assert!(values.contains(&("time_zone".into(), "UTC".into())));
    let rep = g
        .plan(
            Some(&group2),
            &with_attr(&gconfig2, "family", Value::string("mysql5.7")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    let rep = g
        .plan(
            Some(&group2),
            &with_attr(&gconfig2, "description", Value::string("other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    let imported = g.import("mysql-params").await.unwrap();
    assert_eq!(
        imported[0]
            .get_attr("parameter")
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        3
    );
    let found = p
        .find_by_token("aws_db_parameter_group", "harness-token")
        .await
        .unwrap()
        .expect("adopted");
    assert_eq!(get_str(&found, "id"), Some("mysql-params"));

    gone(&g, &group2).await;
    gone(&h, &updated).await;
    h.destroy(&updated).await.unwrap();
}

#[tokio::test]
async fn mysql_instance_in_a_subnet_group() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let c = moto.client();
    let (_, s1, s2) = network(&c).await;
    let sg = Harness::new(p.clone() as Arc<dyn Provider>, "aws_db_subnet_group");
    let sgc = sg
        .config(vec![
            ("name", Value::string("db")),
            ("subnet_ids", strings(&[&s1, &s2])),
        ])
        .unwrap();
    let subnets = sg.create(&sgc).await.unwrap();
    let pg = Harness::new(p.clone() as Arc<dyn Provider>, "aws_db_parameter_group");
    let pgc = pg
        .config(vec![
            ("name", Value::string("mysql")),
            ("family", Value::string("mysql8.0")),
        ])
        .unwrap();
    let params = pg.create(&pgc).await.unwrap();

    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_db_instance");
    let config = h
        .config(vec![
            ("identifier", Value::string("app-db")),
            ("engine", Value::string("mysql")),
            ("engine_version", Value::string("8.0")),
            ("instance_class", Value::string("db.t3.micro")),
            ("allocated_storage", Value::int(20)),
            ("db_name", Value::string("app")),
            ("username", Value::string("admin")),
            ("password", Value::string("very-secret-1")),
            ("db_subnet_group_name", Value::string("db")),
            ("parameter_group_name", Value::string("mysql")),
            ("backup_retention_period", Value::int(7)),
            ("maintenance_window", Value::string("Mon:00:00-Mon:03:00")),
            ("tags", tags("Name", "app")),
        ])
        .unwrap();
    // Destroy would fail without a final snapshot: said at validate time.
    let diags = h.validate(&config);
    assert!(
        diags.iter().any(|d| d.severity == Severity::Warning),
        "{diags:?}"
    );
    let plan = h.plan(None, &config).await.unwrap();
    assert!(!plan.planned_state.get_attr("address").unwrap().is_known());
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&state, "identifier"), Some("app-db"));
    assert!(get_str(&state, "id").unwrap().starts_with("db-"));
    assert_eq!(get_str(&state, "status"), Some("available"));
    assert_eq!(get_i64(&state, "port").unwrap(), Some(3306));
    let address = get_str(&state, "address").unwrap();
    assert_eq!(
        get_str(&state, "endpoint").unwrap(),
        format!("{address}:3306")
    );
    assert_eq!(get_str(&state, "db_subnet_group_name"), Some("db"));
    assert_eq!(get_str(&state, "parameter_group_name"), Some("mysql"));
    assert_eq!(get_str(&state, "password"), Some("very-secret-1"));
    assert_eq!(
        get_str(&state, "maintenance_window"),
        Some("Mon:00:00-Mon:03:00")
    );
    assert!(p.schema().resources["aws_db_instance"].block.attributes["password"].sensitive);
    let read = h.read(&state).await.unwrap().unwrap();
    assert!(read.raw_equals(&state), "{read:?}\n{state:?}");
    let again = h.plan(Some(&read), &config).await.unwrap();
    assert!(again.planned_state.raw_equals(&read));

    // Drift: the retention period changed behind terrane's back.
    let q = Params::new()
        .set("DBInstanceIdentifier", "app-db")
        .set("BackupRetentionPeriod", "3")
        .set("ApplyImmediately", "true");
    rds(&c, "ModifyDBInstance", q).await;
    let drifted = h.read(&state).await.unwrap().unwrap();
    assert_eq!(
        get_i64(&drifted, "backup_retention_period").unwrap(),
        Some(3)
    );

    // Storage grows in place, the retention period goes back, the final snapshot is skipped.
    let config2 = with_attr(&config, "allocated_storage", Value::int(30));
    let config2 = with_attr(&config2, "apply_immediately", Value::bool(true));
    let config2 = with_attr(&config2, "skip_final_snapshot", Value::bool(true));
    let upd = h.plan(Some(&drifted), &config2).await.unwrap();
    assert!(
        upd.requires_replace.is_empty(),
        "{:?}",
        upd.requires_replace
    );
    let updated = h
        .apply(Some(&drifted), &upd.planned_state, &config2)
        .await
        .unwrap();
    assert_eq!(get_i64(&updated, "allocated_storage").unwrap(), Some(30));
    assert_eq!(
        get_i64(&updated, "backup_retention_period").unwrap(),
        Some(7)
    );
    assert_eq!(get_bool(&updated, "skip_final_snapshot"), Some(true));
    let after = h.plan(Some(&updated), &config2).await.unwrap();
    assert!(after.planned_state.raw_equals(&updated));

    // The database name forces a new instance.
    let rep = h
        .plan(
            Some(&updated),
            &with_attr(&config2, "db_name", Value::string("other")),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);
    // A replacement of an instance that cannot be destroyed fails at plan time.
    let e = h
        .plan(
            Some(&state),
            &with_attr(&config, "db_name", Value::string("other")),
        )
        .await
        .expect_err("no final snapshot");
    assert!(
        format!("{e:?}").contains("final_snapshot_identifier"),
        "{e:?}"
    );

    // Import by identifier, adoption by token.
    let imported = h.import("app-db").await.unwrap();
    assert_eq!(get_str(&imported[0], "identifier"), Some("app-db"));
    assert_eq!(
        get_i64(&imported[0], "allocated_storage").unwrap(),
        Some(30)
    );
    let found = p
        .find_by_token("aws_db_instance", "harness-token")
        .await
        .unwrap()
        .expect("adopted");
    assert_eq!(get_str(&found, "id"), get_str(&updated, "id"));

    // Destroy: refused without a final snapshot, done with skip_final_snapshot.
    let e = h.destroy(&state).await.expect_err("refused");
    assert!(
        format!("{e:?}").contains("final_snapshot_identifier"),
        "{e:?}"
    );
    assert!(h.read(&state).await.unwrap().is_some());

    // A new identifier renames the instance in place (at once, even without
    // apply_immediately); the id, the DBI resource id, stays.
    let config3 = with_attr(&config2, "identifier", Value::string("app-db-2"));
    let config3 = with_attr(&config3, "apply_immediately", Value::bool(false));
    let updated = update(&h, &updated, &config3).await;
    assert_eq!(get_str(&updated, "identifier"), Some("app-db-2"));
    assert_eq!(get_str(&updated, "id"), get_str(&imported[0], "id"));
    assert!(h.import("app-db").await.is_err(), "the old name is gone");
    gone(&h, &updated).await;
    h.destroy(&updated).await.unwrap();
    pg.destroy(&params).await.unwrap();
    sg.destroy(&subnets).await.unwrap();
}

/// A server answering each call with the recorded answer for its action; the request
/// bodies are kept. Returns an `Aws` pointed at it.
async fn recorded(
    answers: Vec<(&'static str, &'static str)>,
) -> (crate::common::Aws, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = bodies.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (seen, answers) = (seen.clone(), answers.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let len: usize = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if buf.len() < end + 4 + len {
                        continue;
                    }
                    let body = text[end + 4..end + 4 + len].to_string();
                    buf.drain(..end + 4 + len);
                    let answer = answers
                        .iter()
                        .find(|(a, _)| body.contains(&format!("Action={a}&")))
                        .map(|(_, r)| *r)
                        .unwrap_or("<ErrorResponse><Error><Code>Unexpected</Code><Message>no answer recorded</Message></Error></ErrorResponse>");
                    seen.lock().unwrap().push(body);
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if sock.write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let client = Client::new(
        crate::client::Credentials {
            access_key_id: "AKID".into(),
            secret_access_key: "secret".into(),
            session_token: None,
            source: "test".into(),
        },
        "us-east-1".into(),
        crate::client::Endpoints {
            env_global: Some(url),
            ..Default::default()
        },
        crate::client::RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        },
    )
    .unwrap();
    let aws = crate::common::Aws::for_tests(client, true);
    (aws, bodies)
}

/// moto has no ResetDBParameterGroup: the call is checked against a recorded AWS answer.
#[tokio::test]
async fn parameters_taken_out_are_reset() {
    const ANSWER: &str = r#"<ResetDBParameterGroupResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <ResetDBParameterGroupResult><DBParameterGroupName>mydbparametergroup</DBParameterGroupName></ResetDBParameterGroupResult>
  <ResponseMetadata><RequestId>cad6c267-ba25-11d3-fe11-33d33a9bb7e3</RequestId></ResponseMetadata>
</ResetDBParameterGroupResponse>"#;
    let (aws, bodies) = recorded(vec![("ResetDBParameterGroup", ANSWER)]).await;
    let gone = super::parameter_group::Param {
        name: "max_connections".into(),
        value: "100".into(),
        apply_method: "pending-reboot".into(),
    };
    super::parameter_group::reset(&aws, "mydbparametergroup", &[gone])
        .await
        .unwrap();
    let body = bodies.lock().unwrap()[0].clone();
    assert!(body.contains("Action=ResetDBParameterGroup"), "{body}");
    assert!(
        body.contains("DBParameterGroupName=mydbparametergroup"),
        "{body}"
    );
    assert!(body.contains("ResetAllParameters=false"), "{body}");
    assert!(
        body.contains("Parameters.Parameter.1.ParameterName=max_connections"),
        "{body}"
    );
    assert!(
        body.contains("Parameters.Parameter.1.ApplyMethod=pending-reboot"),
        "{body}"
    );
}

/// moto's ModifyDBSubnetGroup loses the group: the in-place change of the description and
/// the subnets is checked against recorded AWS answers.
#[tokio::test]
async fn subnet_group_changes_in_place() {
    use crate::common::ResourceType;
    const MODIFY: &str = r#"<ModifyDBSubnetGroupResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><ModifyDBSubnetGroupResult><DBSubnetGroup><DBSubnetGroupName>main</DBSubnetGroupName></DBSubnetGroup></ModifyDBSubnetGroupResult></ModifyDBSubnetGroupResponse>"#;
    const DESCRIBE: &str = r#"<DescribeDBSubnetGroupsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBSubnetGroupsResult><DBSubnetGroups><DBSubnetGroup><VpcId>vpc-1</VpcId><SubnetGroupStatus>Complete</SubnetGroupStatus><DBSubnetGroupDescription>new words</DBSubnetGroupDescription><DBSubnetGroupName>main</DBSubnetGroupName><DBSubnetGroupArn>arn:aws:rds:us-east-1:123456789012:subgrp:main</DBSubnetGroupArn><SupportedNetworkTypes><member>IPV4</member></SupportedNetworkTypes><Subnets><Subnet><SubnetStatus>Active</SubnetStatus><SubnetIdentifier>subnet-3</SubnetIdentifier><SubnetAvailabilityZone><Name>us-east-1c</Name></SubnetAvailabilityZone></Subnet></Subnets></DBSubnetGroup></DBSubnetGroups></DescribeDBSubnetGroupsResult></DescribeDBSubnetGroupsResponse>"#;
    const TAGS: &str = r#"<ListTagsForResourceResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><ListTagsForResourceResult><TagList/></ListTagsForResourceResult></ListTagsForResourceResponse>"#;
    let (aws, bodies) = recorded(vec![
        ("ModifyDBSubnetGroup", MODIFY),
        ("DescribeDBSubnetGroups", DESCRIBE),
        ("ListTagsForResource", TAGS),
    ])
    .await;
    let t = super::subnet_group::SubnetGroup;
    let block = t.schema().block;
    let state = |d: &str, subnets: &[&str]| {
        terrane_provider::values::object_for(
            &block,
            [
                ("id", Value::string("main")),
                ("name", Value::string("main")),
                (
                    "arn",
                    Value::string("arn:aws:rds:us-east-1:123456789012:subgrp:main"),
                ),
                ("description", Value::string(d)),
                ("subnet_ids", strings(subnets)),
            ],
        )
    };
    let prior = state("old words", &["subnet-1", "subnet-2"]);
    let planned = state("new words", &["subnet-3"]);
    let after = t.update(&aws, &prior, &planned).await.unwrap();
    assert_eq!(get_str(&after, "description"), Some("new words"));
    assert_eq!(get_str(&after, "vpc_id"), Some("vpc-1"));
    assert!(after
        .get_attr("subnet_ids")
        .unwrap()
        .raw_equals(&strings(&["subnet-3"])));
    let body = bodies.lock().unwrap()[0].clone();
    assert!(body.contains("Action=ModifyDBSubnetGroup"), "{body}");
    assert!(
        body.contains("DBSubnetGroupDescription=new+words"),
        "{body}"
    );
    assert!(
        body.contains("SubnetIds.SubnetIdentifier.1=subnet-3"),
        "{body}"
    );
    assert!(!body.contains("subnet-1"), "{body}");
}
