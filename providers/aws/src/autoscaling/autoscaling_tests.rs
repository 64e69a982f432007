//! Auto Scaling types against moto: launch configurations, groups (with a launch
//! configuration and with a launch template), policies: create, refresh, update in place,
//! import, adoption by token, delete.

use std::sync::Arc;

use terrane_dsl::value::{Type, Value};
use terrane_provider::harness::Harness;
use terrane_provider::values::{get_i64, get_str, object_for, with_attr};
use terrane_provider::Provider;

use crate::client::Params;
use crate::ec2::instance_api::elements;
use crate::testing::{
    adopts, create, gone, no_drift, replaces, some_ami, strings, update, Kit, Moto,
};

/// A nested block value of `h`'s type `name` holding `items` (attribute lists).
fn blocks(h: &Harness, name: &str, items: Vec<Vec<(&str, Value)>>) -> Value {
    nested(h, &[name], items)
}

/// A nested block value at `path` (block names) of `h`'s type holding `items`.
fn nested(h: &Harness, path: &[&str], items: Vec<Vec<(&str, Value)>>) -> Value {
    let mut blk = &h.provider.schema().resources[&h.type_name].block;
    let mut schema = &blk.blocks[path[0]];
    for name in path {
        schema = &blk.blocks[*name];
        blk = &schema.block;
    }
    let ety = schema.block.implied_type();
    let vals: Vec<Value> = items
        .into_iter()
        .map(|attrs| object_for(&schema.block, attrs))
        .collect();
    match schema.nesting {
        terrane_provider::NestingMode::Set => Value::set(ety, vals).unwrap(),
        _ => Value::list(ety, vals).unwrap(),
    }
}

#[tokio::test]
async fn launch_configuration_lifecycle() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_launch_configuration");
    let ami = some_ami(moto).await;
    let config = h
        .config(vec![
            ("name_prefix", Value::string("web-")),
            ("image_id", Value::string(&ami)),
            ("instance_type", Value::string("t2.micro")),
            ("user_data", Value::string("#!/bin/sh\necho hi\n")),
            ("security_groups", strings(&["default"])),
            ("spot_price", Value::string("0.05")),
            (
                "root_block_device",
                blocks(
                    &h,
                    "root_block_device",
                    vec![vec![
                        ("volume_size", Value::int(10)),
                        ("volume_type", Value::string("gp2")),
                    ]],
                ),
            ),
            (
                "ebs_block_device",
                blocks(
                    &h,
                    "ebs_block_device",
                    vec![vec![
                        ("device_name", Value::string("/dev/sdb")),
                        ("volume_size", Value::int(5)),
                        ("delete_on_termination", Value::bool(false)),
                    ]],
                ),
            ),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert!(!plan.planned_state.get_attr("name").unwrap().is_known());
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    let name = get_str(&state, "name").unwrap().to_string();
    assert!(name.starts_with("web-") && name.len() == 4 + 26, "{name}");
    assert_eq!(get_str(&state, "id"), Some(name.as_str()));
    assert!(get_str(&state, "arn").unwrap().contains(&name));
    assert_eq!(get_str(&state, "user_data"), Some("#!/bin/sh\necho hi\n"));
    let ebs = elements(&state, "ebs_block_device");
    assert_eq!(ebs.len(), 1);
    assert_eq!(get_i64(&ebs[0], "volume_size").unwrap(), Some(5));
    let root = elements(&state, "root_block_device");
    assert_eq!(
        get_i64(&root[0], "volume_size").unwrap(),
        Some(10),
        "{state:?}"
    );
    no_drift(&h, &state, &config).await;

    // Every argument forces a new launch configuration.
    let other = with_attr(&config, "instance_type", Value::string("t3.micro"));
    assert_eq!(replaces(&h, &state, &other).await, 1);

    // Import by name; adoption by the name derived from the token; a repeated create adopts.
    let imported = h.import(&name).await.unwrap();
    assert_eq!(get_str(&imported[0], "image_id"), Some(ami.as_str()));
    assert_eq!(get_str(&imported[0], "instance_type"), Some("t2.micro"));
    let found = p
        .find_by_token("aws_launch_configuration", "harness-token")
        .await
        .unwrap()
        .expect("adopted");
    assert_eq!(get_str(&found, "id"), Some(name.as_str()));
    assert_eq!(get_str(&found, "name_prefix"), Some("web-"));
    assert!(p
        .find_by_token("aws_launch_configuration", "other")
        .await
        .unwrap()
        .is_none());
    let again = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&again, "id"), Some(name.as_str()));

    // A set name is used as is; it forces a new one when it changes.
    let named = with_attr(&config, "name", Value::string("web-fixed"));
    let named = with_attr(&named, "name_prefix", Value::null(Type::String));
    let fixed = create(&h, &named).await;
    assert_eq!(get_str(&fixed, "id"), Some("web-fixed"));

    gone(&h, &state).await;
    h.destroy(&state).await.unwrap();
    h.destroy(&fixed).await.unwrap();
}

async fn launch_configuration(p: &Arc<dyn Provider>, ami: &str, name: &str) -> Value {
    let h = Harness::new(p.clone(), "aws_launch_configuration");
    let config = h
        .config(vec![
            ("name", Value::string(name)),
            ("image_id", Value::string(ami)),
            ("instance_type", Value::string("t2.micro")),
        ])
        .unwrap();
    create(&h, &config).await
}

fn tag_blocks(h: &Harness, tags: &[(&str, &str, bool)]) -> Value {
    blocks(
        h,
        "tag",
        tags.iter()
            .map(|(k, v, p)| {
                vec![
                    ("key", Value::string(*k)),
                    ("value", Value::string(*v)),
                    ("propagate_at_launch", Value::bool(*p)),
                ]
            })
            .collect(),
    )
}

/// The instances moto runs for group `name`.
async fn group_instances(moto: &Moto, name: &str) -> usize {
    let r = moto
        .client()
        .query(
            &crate::client::endpoint::AUTOSCALING,
            "DescribeAutoScalingGroups",
            &Params::new().set("AutoScalingGroupNames.member.1", name),
            crate::client::Idempotency::Safe,
        )
        .await
        .unwrap();
    r.items("AutoScalingGroups")
        .first()
        .map(|g| g.items("Instances").len())
        .unwrap_or(0)
}

#[tokio::test]
async fn group_with_launch_configuration_and_policies() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.provider());
    let ami = some_ami(moto).await;
    let lc1 = launch_configuration(&p, &ami, "lc-1").await;
    let lc2 = launch_configuration(&p, &ami, "lc-2").await;
    let h = Harness::new(p.clone(), "aws_autoscaling_group");
    let config = h
        .config(vec![
            ("name", Value::string("web")),
            ("min_size", Value::int(1)),
            ("max_size", Value::int(3)),
            ("desired_capacity", Value::int(2)),
            ("launch_configuration", Value::string("lc-1")),
            ("availability_zones", strings(&["us-east-1a"])),
            ("health_check_type", Value::string("EC2")),
            ("wait_for_capacity_timeout", Value::string("2m")),
            ("tag", tag_blocks(&h, &[("Name", "web", true)])),
        ])
        .unwrap();
    let plan = h.plan(None, &config).await.unwrap();
    assert_eq!(get_str(&plan.planned_state, "id"), Some("web"));
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_i64(&state, "desired_capacity").unwrap(), Some(2));
    assert_eq!(get_str(&state, "launch_configuration"), Some("lc-1"));
    assert!(get_str(&state, "arn")
        .unwrap()
        .contains("autoScalingGroupName/web"));
    assert_eq!(
        get_i64(&state, "health_check_grace_period").unwrap(),
        Some(300)
    );
    assert_eq!(
        elements(&state, "tag").len(),
        1,
        "the token tag is not shown"
    );
    assert_eq!(group_instances(moto, "web").await, 2);
    no_drift(&h, &state, &config).await;

    // A new launch configuration, capacity and tags: in place.
    let config2 = with_attr(&config, "launch_configuration", Value::string("lc-2"));
    let config2 = with_attr(&config2, "desired_capacity", Value::int(3));
    let config2 = with_attr(
        &config2,
        "tag",
        tag_blocks(&h, &[("Name", "web2", true), ("team", "a", false)]),
    );
    let updated = update(&h, &state, &config2).await;
    assert_eq!(get_str(&updated, "launch_configuration"), Some("lc-2"));
    assert_eq!(get_i64(&updated, "desired_capacity").unwrap(), Some(3));
    assert_eq!(elements(&updated, "tag").len(), 2);
    assert_eq!(group_instances(moto, "web").await, 3);
    // Classic load balancers attach and detach in place.
    let elb = Params::new()
        .set("LoadBalancerName", "web-lb")
        .set("Listeners.member.1.Protocol", "HTTP")
        .set("Listeners.member.1.LoadBalancerPort", "80")
        .set("Listeners.member.1.InstancePort", "8080")
        .set("AvailabilityZones.member.1", "us-east-1a");
    moto.client()
        .query(
            &crate::client::endpoint::ELB,
            "CreateLoadBalancer",
            &elb,
            crate::client::Idempotency::Safe,
        )
        .await
        .unwrap();
    let with_lb = with_attr(&config2, "load_balancers", strings(&["web-lb"]));
    let attached = update(&h, &updated, &with_lb).await;
    assert_eq!(
        terrane_provider::values::get_string_list(&attached, "load_balancers").unwrap(),
        ["web-lb"]
    );
    let without_lb = with_attr(&config2, "load_balancers", strings(&[]));
    let updated = update(&h, &attached, &without_lb).await;
    let config2 = without_lb;
    assert!(
        terrane_provider::values::get_string_list(&updated, "load_balancers")
            .unwrap()
            .is_empty()
    );
    // The name forces a new group.
    let renamed = with_attr(&config2, "name", Value::string("web-b"));
    assert_eq!(replaces(&h, &updated, &renamed).await, 1);

    // Import by name; adoption by the token tag.
    let imported = h.import("web").await.unwrap();
    assert_eq!(get_str(&imported[0], "launch_configuration"), Some("lc-2"));
    assert_eq!(get_i64(&imported[0], "max_size").unwrap(), Some(3));
    adopts(&*p, "aws_autoscaling_group", "web").await;

    // Policies: simple scaling created, changed in place, imported, deleted; a step policy.
    let ph = Harness::new(p.clone(), "aws_autoscaling_policy");
    let pc = ph
        .config(vec![
            ("name", Value::string("scale-up")),
            ("autoscaling_group_name", Value::string("web")),
            ("adjustment_type", Value::string("ChangeInCapacity")),
            ("scaling_adjustment", Value::int(1)),
            ("cooldown", Value::int(300)),
        ])
        .unwrap();
    let policy = create(&ph, &pc).await;
    assert_eq!(get_str(&policy, "id"), Some("scale-up"));
    assert_eq!(get_str(&policy, "policy_type"), Some("SimpleScaling"));
    assert!(get_str(&policy, "arn").unwrap().contains("scalingPolicy"));
    no_drift(&ph, &policy, &pc).await;
    let pc2 = with_attr(&pc, "scaling_adjustment", Value::int(2));
    let policy2 = update(&ph, &policy, &pc2).await;
    assert_eq!(get_i64(&policy2, "scaling_adjustment").unwrap(), Some(2));
    let imported = ph.import("web/scale-up").await.unwrap();
    assert_eq!(
        get_i64(&imported[0], "scaling_adjustment").unwrap(),
        Some(2)
    );
    assert!(ph.import("scale-up").await.is_err());
    let step = ph
        .config(vec![
            ("name", Value::string("steps")),
            ("autoscaling_group_name", Value::string("web")),
            ("policy_type", Value::string("StepScaling")),
            ("adjustment_type", Value::string("ChangeInCapacity")),
            ("estimated_instance_warmup", Value::int(60)),
            (
                "step_adjustment",
                blocks(
                    &ph,
                    "step_adjustment",
                    vec![
                        vec![
                            ("scaling_adjustment", Value::int(1)),
                            ("metric_interval_lower_bound", Value::string("0")),
                            ("metric_interval_upper_bound", Value::string("10")),
                        ],
                        vec![
                            ("scaling_adjustment", Value::int(2)),
                            ("metric_interval_lower_bound", Value::string("10")),
                        ],
                    ],
                ),
            ),
        ])
        .unwrap();
    let steps = create(&ph, &step).await;
    assert_eq!(elements(&steps, "step_adjustment").len(), 2);
    no_drift(&ph, &steps, &step).await;
    gone(&ph, &policy2).await;
    ph.destroy(&steps).await.unwrap();

    // Destroy drains the group and waits until it is gone; the launch configurations go.
    gone(&h, &updated).await;
    h.destroy(&updated).await.unwrap();
    let lh = Harness::new(p.clone(), "aws_launch_configuration");
    lh.destroy(&lc1).await.unwrap();
    gone(&lh, &lc2).await;
}

#[tokio::test]
async fn launch_template_and_group() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.provider());
    let ami = some_ami(moto).await;
    let h = Harness::new(p.clone(), "aws_launch_template");
    let ebs = nested(
        &h,
        &["block_device_mappings", "ebs"],
        vec![vec![
            ("volume_size", Value::int(20)),
            ("volume_type", Value::string("gp3")),
            ("delete_on_termination", Value::string("true")),
        ]],
    );
    let config = h
        .config(vec![
            ("name_prefix", Value::string("web-")),
            ("image_id", Value::string(&ami)),
            ("instance_type", Value::string("t2.micro")),
            ("user_data", Value::string("ZWNobyBoaQ==")),
            ("description", Value::string("first")),
            (
                "iam_instance_profile",
                blocks(
                    &h,
                    "iam_instance_profile",
                    vec![vec![("name", Value::string("prof"))]],
                ),
            ),
            (
                "block_device_mappings",
                blocks(
                    &h,
                    "block_device_mappings",
                    vec![vec![
                        ("device_name", Value::string("/dev/xvda")),
                        ("ebs", ebs),
                    ]],
                ),
            ),
            (
                "tag_specifications",
                blocks(
                    &h,
                    "tag_specifications",
                    vec![vec![
                        ("resource_type", Value::string("instance")),
                        (
                            "tags",
                            terrane_provider::values::string_map(
                                [("Name".to_string(), "web".to_string())].into(),
                            ),
                        ),
                    ]],
                ),
            ),
            (
                "tags",
                terrane_provider::values::string_map(
                    [("Name".to_string(), "lt".to_string())].into(),
                ),
            ),
        ])
        .unwrap();
    let state = create(&h, &config).await;
    let id = get_str(&state, "id").unwrap().to_string();
    assert!(id.starts_with("lt-"), "{id}");
    assert!(get_str(&state, "name").unwrap().starts_with("web-"));
    assert!(get_str(&state, "arn")
        .unwrap()
        .ends_with(&format!("launch-template/{id}")));
    assert_eq!(get_i64(&state, "latest_version").unwrap(), Some(1));
    assert_eq!(get_i64(&state, "default_version").unwrap(), Some(1));
    assert_eq!(get_str(&state, "user_data"), Some("ZWNobyBoaQ=="));
    let bdm = elements(&state, "block_device_mappings");
    assert_eq!(
        get_i64(&elements(&bdm[0], "ebs")[0], "volume_size").unwrap(),
        Some(20)
    );
    let all = terrane_provider::values::get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    no_drift(&h, &state, &config).await;

    // A change makes a new version in place; with update_default_version it is the default.
    let config2 = with_attr(&config, "instance_type", Value::string("t3.micro"));
    let config2 = with_attr(&config2, "update_default_version", Value::bool(true));
    let plan = h.plan(Some(&state), &config2).await.unwrap();
    assert!(plan.requires_replace.is_empty());
    assert!(!plan
        .planned_state
        .get_attr("latest_version")
        .unwrap()
        .is_known());
    let v2 = update(&h, &state, &config2).await;
    assert_eq!(get_str(&v2, "id"), Some(id.as_str()));
    assert_eq!(get_i64(&v2, "latest_version").unwrap(), Some(2));
    assert_eq!(get_i64(&v2, "default_version").unwrap(), Some(2));
    assert_eq!(get_str(&v2, "instance_type"), Some("t3.micro"));
    // Without it, the default stays.
    let config3 = with_attr(&config, "instance_type", Value::string("t3.small"));
    let v3 = update(&h, &v2, &config3).await;
    assert_eq!(get_i64(&v3, "latest_version").unwrap(), Some(3));
    assert_eq!(get_i64(&v3, "default_version").unwrap(), Some(2));

    // Import by id; adoption by token.
    let imported = h.import(&id).await.unwrap();
    assert_eq!(get_str(&imported[0], "instance_type"), Some("t3.small"));
    adopts(&*p, "aws_launch_template", &id).await;

    // A group launching from it, by id and version. (moto 5.2.5 cannot launch from a
    // version made by CreateLaunchTemplateVersion with user data: it asserts on its type.)
    let gh = Harness::new(p.clone(), "aws_autoscaling_group");
    let lt = blocks(
        &gh,
        "launch_template",
        vec![vec![
            ("id", Value::string(&id)),
            ("version", Value::string("1")),
        ]],
    );
    let gc = gh
        .config(vec![
            ("name_prefix", Value::string("lt-group-")),
            ("min_size", Value::int(1)),
            ("max_size", Value::int(2)),
            ("launch_template", lt),
            ("availability_zones", strings(&["us-east-1a", "us-east-1b"])),
            ("wait_for_capacity_timeout", Value::string("0")),
        ])
        .unwrap();
    let group = create(&gh, &gc).await;
    let gname = get_str(&group, "id").unwrap().to_string();
    assert!(gname.starts_with("lt-group-"), "{gname}");
    let lts = elements(&group, "launch_template");
    assert_eq!(get_str(&lts[0], "id"), Some(id.as_str()));
    assert_eq!(get_str(&lts[0], "version"), Some("1"));
    assert!(get_str(&lts[0], "name").unwrap().starts_with("web-"));
    assert_eq!(get_i64(&group, "desired_capacity").unwrap(), Some(1));
    assert_eq!(group_instances(moto, &gname).await, 1);
    no_drift(&gh, &group, &gc).await;
    // Desired capacity changes in place and is waited for.
    let gc2 = with_attr(&gc, "desired_capacity", Value::int(2));
    let group2 = update(&gh, &group, &gc2).await;
    assert_eq!(get_i64(&group2, "desired_capacity").unwrap(), Some(2));
    assert_eq!(group_instances(moto, &gname).await, 2);
    // force_delete deletes at once.
    let gc3 = with_attr(&gc2, "force_delete", Value::bool(true));
    let group3 = update(&gh, &group2, &gc3).await;
    gone(&gh, &group3).await;

    gone(&h, &v3).await;
    h.destroy(&v3).await.unwrap();
}

/// What moto's DescribeTargetHealth says of each target of `arn`: (id, state, reason), sorted.
async fn target_health(moto: &Moto, arn: &str) -> Vec<(String, String, String)> {
    let r = crate::testing::query(
        &moto.client(),
        &crate::client::endpoint::ELBV2,
        "DescribeTargetHealth",
        Params::new().set("TargetGroupArn", arn),
    )
    .await;
    let mut out: Vec<(String, String, String)> = r
        .items("TargetHealthDescriptions")
        .iter()
        .map(|d| {
            let t = |p: &[&str]| d.text_at(p).unwrap_or_default().to_string();
            (
                t(&["Target", "Id"]),
                t(&["TargetHealth", "State"]),
                t(&["TargetHealth", "Reason"]),
            )
        })
        .collect();
    out.sort();
    out
}

/// The ELB capacity wait counts target groups: a create with `min_elb_capacity` waits for
/// the group's instances to be healthy in its target group (moto registers them and says
/// `healthy` at once); the wait for two times out while one instance, stopped behind the
/// group's back, is `unused` in the target group although Auto Scaling still calls it
/// healthy and InService, and the wait for one is satisfied.
#[tokio::test]
async fn elb_capacity_counts_target_groups() {
    let kit = Kit::start(&[]).await;
    let (moto, p) = (&kit.moto, kit.provider());
    let c = moto.client();
    let ec2 = |action: &'static str, params: Params| {
        let c = c.clone();
        async move {
            c.ec2(action, &params)
                .await
                .unwrap_or_else(|e| panic!("{action}: {e}"))
        }
    };
    let vpc = ec2("CreateVpc", Params::new().set("CidrBlock", "10.7.0.0/16")).await;
    let vpc = vpc.text_at(&["vpc", "vpcId"]).unwrap().to_string();
    let subnet = ec2(
        "CreateSubnet",
        Params::new()
            .set("VpcId", &vpc)
            .set("CidrBlock", "10.7.1.0/24")
            .set("AvailabilityZone", "us-east-1a"),
    )
    .await;
    let subnet = subnet.text_at(&["subnet", "subnetId"]).unwrap().to_string();
    let tg = crate::testing::query(
        &c,
        &crate::client::endpoint::ELBV2,
        "CreateTargetGroup",
        Params::new()
            .set("Name", "web-tg")
            .set("Protocol", "HTTP")
            .set("Port", "80")
            .set("VpcId", &vpc)
            .set("TargetType", "instance"),
    )
    .await;
    let arn = tg.items("TargetGroups")[0]
        .text_of("TargetGroupArn")
        .unwrap()
        .to_string();
    let ami = some_ami(moto).await;
    let lc = launch_configuration(&p, &ami, "tg-lc").await;

    let h = Harness::new(p.clone(), "aws_autoscaling_group");
    let config = h
        .config(vec![
            ("name", Value::string("tg-web")),
            ("min_size", Value::int(2)),
            ("max_size", Value::int(3)),
            ("desired_capacity", Value::int(2)),
            ("launch_configuration", Value::string("tg-lc")),
            ("vpc_zone_identifier", strings(&[&subnet])),
            ("target_group_arns", strings(&[&arn])),
            ("min_elb_capacity", Value::int(2)),
            ("wait_for_capacity_timeout", Value::string("1m")),
        ])
        .unwrap();
    let state = create(&h, &config).await;
    assert_eq!(
        terrane_provider::values::get_string_list(&state, "target_group_arns").unwrap(),
        [arn.as_str()]
    );
    let health = target_health(moto, &arn).await;
    assert_eq!(health.len(), 2, "{health:?}");
    assert!(health.iter().all(|(_, s, _)| s == "healthy"), "{health:?}");
    no_drift(&h, &state, &config).await;

    // Stopped through EC2, an instance stays healthy and InService to Auto Scaling (moto
    // does no EC2 health checks) but moto's target group reports it `unused`.
    let stopped = health[0].0.clone();
    ec2("StopInstances", Params::new().set("InstanceId.1", &stopped)).await;
    let health = target_health(moto, &arn).await;
    assert!(
        health
            .iter()
            .any(|(id, s, r)| *id == stopped && s == "unused" && r == "Target.InvalidState"),
        "{health:?}"
    );
    // The provider's capacity change cannot be driven from here: moto's
    // UpdateAutoScalingGroup registers every instance of the group in its target groups
    // again and refuses a stopped one (InvalidTarget). So the waiter is asked directly.
    let aws = crate::common::Aws::for_tests(moto.client(), false);
    let wait = |want_elb: i64| {
        crate::autoscaling::group_api::wait_capacity(
            &aws,
            "tg-web",
            2,
            Some(want_elb),
            std::time::Duration::from_secs(2),
        )
    };
    let err = wait(2).await.unwrap_err();
    assert!(
        err.detail
            .contains("2 healthy instances InService, want 2; 1 of them healthy in every target group, want 2"),
        "{err:?}"
    );
    let el = wait(1).await.unwrap();
    assert_eq!(el.text_of("AutoScalingGroupName"), Some("tg-web"));

    gone(&h, &state).await;
    h.destroy(&state).await.unwrap();
    Harness::new(p.clone(), "aws_launch_configuration")
        .destroy(&lc)
        .await
        .unwrap();
}
