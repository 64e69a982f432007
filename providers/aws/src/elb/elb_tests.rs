//! `aws_elb` against moto: two listeners and a health check, instances registered; refresh,
//! drift, listeners, instances, health check, attributes and tags changed in place; a
//! generated name; import, adoption by token, destroy.

use std::sync::Arc;

use terrane_dsl::value::{Type, Value};
use terrane_provider::harness::Harness;
use terrane_provider::values::{
    get_bool, get_i64, get_str, get_string_list, get_string_map, object_for, string_map, with_attr,
};
use terrane_provider::Provider;

use super::shape::{health_check_block, listener_block};
use crate::client::{endpoint, Idempotency, Params};
use crate::testing::{gone, no_drift, strings, Kit, Moto};

fn listener(lb_port: i64, lb_proto: &str, port: i64, proto: &str) -> Value {
    object_for(
        &listener_block(),
        [
            ("lb_port", Value::int(lb_port)),
            ("lb_protocol", Value::string(lb_proto)),
            ("instance_port", Value::int(port)),
            ("instance_protocol", Value::string(proto)),
        ],
    )
}

fn listeners(items: Vec<Value>) -> Value {
    Value::set(listener_block().implied_type(), items).unwrap()
}

fn health_check(target: &str, interval: i64) -> Value {
    let hc = object_for(
        &health_check_block(),
        [
            ("healthy_threshold", Value::int(2)),
            ("unhealthy_threshold", Value::int(3)),
            ("target", Value::string(target)),
            ("interval", Value::int(interval)),
            ("timeout", Value::int(5)),
        ],
    );
    Value::list(health_check_block().implied_type(), vec![hc]).unwrap()
}

/// Two running instances made with plain EC2 calls.
async fn two_instances(moto: &Moto) -> (String, String) {
    let c = moto.client();
    let images = c.ec2("DescribeImages", &Params::new()).await.unwrap();
    let ami = images
        .items("imagesSet")
        .iter()
        .find_map(|i| i.text_of("imageId"))
        .unwrap()
        .to_string();
    let p = Params::new()
        .set("ImageId", ami)
        .set("InstanceType", "t2.micro")
        .set("MinCount", "2")
        .set("MaxCount", "2");
    let r = c
        .ec2_write("RunInstances", &p, Idempotency::Unsafe)
        .await
        .unwrap();
    let ids: Vec<String> = r
        .items("instancesSet")
        .iter()
        .filter_map(|i| i.text_of("instanceId"))
        .map(str::to_string)
        .collect();
    (ids[0].clone(), ids[1].clone())
}

fn sorted(v: &Value, name: &str) -> Vec<String> {
    let mut l = get_string_list(v, name).unwrap_or_default();
    l.sort();
    l
}

#[tokio::test]
async fn elb_lifecycle() {
    let kit = Kit::start(&[("env", "test")]).await;
    let (moto, p) = (&kit.moto, kit.p.clone());
    let (i1, i2) = two_instances(moto).await;
    let h = Harness::new(p.clone() as Arc<dyn Provider>, "aws_elb");
    let config = h
        .config(vec![
            ("name", Value::string("web")),
            ("availability_zones", strings(&["us-east-1a", "us-east-1b"])),
            (
                "listener",
                listeners(vec![
                    listener(80, "http", 8000, "http"),
                    listener(9000, "TCP", 9000, "TCP"),
                ]),
            ),
            ("health_check", health_check("HTTP:8000/", 30)),
            ("instances", strings(&[&i1])),
            ("idle_timeout", Value::int(120)),
            (
                "tags",
                string_map([("Name".to_string(), "web".to_string())].into()),
            ),
        ])
        .unwrap();
    assert!(h.validate(&config).is_empty());
    let bad = with_attr(&config, "name_prefix", Value::string("toolong-"));
    assert!(!h.validate(&bad).is_empty());
    let plan = h.plan(None, &config).await.unwrap();
    assert_eq!(get_str(&plan.planned_state, "id"), Some("web"));
    assert!(!plan.planned_state.get_attr("dns_name").unwrap().is_known());
    let state = h.apply(None, &plan.planned_state, &config).await.unwrap();
    assert_eq!(get_str(&state, "id"), Some("web"));
    assert!(get_str(&state, "arn")
        .unwrap()
        .ends_with(":loadbalancer/web"));
    assert!(get_str(&state, "dns_name").unwrap().starts_with("web"));
    assert_eq!(sorted(&state, "instances"), vec![i1.clone()]);
    assert_eq!(get_i64(&state, "idle_timeout").unwrap(), Some(120));
    assert_eq!(get_bool(&state, "cross_zone_load_balancing"), Some(true));
    assert_eq!(get_bool(&state, "internal"), Some(false));
    assert_eq!(
        state
            .get_attr("listener")
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        2
    );
    let hc = &state.get_attr("health_check").unwrap().elements().unwrap()[0];
    assert_eq!(get_str(hc, "target"), Some("HTTP:8000/"));
    assert!(!sorted(&state, "security_groups").is_empty());
    assert!(get_str(&state, "source_security_group").is_some());
    let all = get_string_map(&state, "tags_all").unwrap();
    assert_eq!(all.get("env").map(String::as_str), Some("test"));
    assert!(!all.contains_key(crate::tags::TOKEN_TAG));

    // A refresh changes nothing (the listener protocols keep their configured case).
    no_drift(&h, &state, &config).await;

    // Drift: an instance deregistered and the health check changed outside; the plan puts
    // them back.
    let c = moto.client();
    let lb = Params::new().set("LoadBalancerName", "web");
    c.query(
        &endpoint::ELB,
        "DeregisterInstancesFromLoadBalancer",
        &lb.clone().set("Instances.member.1.InstanceId", &i1),
        Idempotency::Safe,
    )
    .await
    .unwrap();
    let hc_params = lb
        .clone()
        .set("HealthCheck.Target", "TCP:8000")
        .set("HealthCheck.HealthyThreshold", "2")
        .set("HealthCheck.UnhealthyThreshold", "3")
        .set("HealthCheck.Interval", "30")
        .set("HealthCheck.Timeout", "5");
    c.query(
        &endpoint::ELB,
        "ConfigureHealthCheck",
        &hc_params,
        Idempotency::Safe,
    )
    .await
    .unwrap();
    let drifted = h.read(&state).await.unwrap().unwrap();
    assert!(sorted(&drifted, "instances").is_empty());
    let fix = h.plan(Some(&drifted), &config).await.unwrap();
    assert!(fix.requires_replace.is_empty());
    let fixed = h
        .apply(Some(&drifted), &fix.planned_state, &config)
        .await
        .unwrap();
    assert!(fixed.raw_equals(&state), "{fixed:?}\n{state:?}");

    // In place: one listener replaced, the other kept; instances swapped; health check,
    // attributes and tags changed.
    let config2 = with_attr(
        &config,
        "listener",
        listeners(vec![
            listener(80, "http", 8000, "http"),
            listener(8080, "HTTP", 8080, "HTTP"),
        ]),
    );
    let config2 = with_attr(&config2, "instances", strings(&[&i2]));
    let config2 = with_attr(&config2, "health_check", health_check("HTTP:8080/ok", 10));
    let config2 = with_attr(&config2, "connection_draining", Value::bool(true));
    let config2 = with_attr(&config2, "cross_zone_load_balancing", Value::bool(false));
    let config2 = with_attr(
        &config2,
        "tags",
        string_map([("Name".to_string(), "web2".to_string())].into()),
    );
    let upd = h.plan(Some(&fixed), &config2).await.unwrap();
    assert!(
        upd.requires_replace.is_empty(),
        "{:?}",
        upd.requires_replace
    );
    let updated = h
        .apply(Some(&fixed), &upd.planned_state, &config2)
        .await
        .unwrap();
    let ports: Vec<i64> = updated
        .get_attr("listener")
        .unwrap()
        .elements()
        .unwrap()
        .iter()
        .map(|l| get_i64(l, "lb_port").unwrap().unwrap())
        .collect();
    assert_eq!(ports.len(), 2);
    assert!(ports.contains(&80) && ports.contains(&8080), "{ports:?}");
    assert_eq!(sorted(&updated, "instances"), vec![i2.clone()]);
    let hc = &updated
        .get_attr("health_check")
        .unwrap()
        .elements()
        .unwrap()[0];
    assert_eq!(get_str(hc, "target"), Some("HTTP:8080/ok"));
    assert_eq!(get_i64(hc, "interval").unwrap(), Some(10));
    assert_eq!(get_bool(&updated, "connection_draining"), Some(true));
    assert_eq!(get_bool(&updated, "cross_zone_load_balancing"), Some(false));
    assert_eq!(get_string_map(&updated, "tags").unwrap()["Name"], "web2");
    let read = h.read(&updated).await.unwrap().unwrap();
    assert!(read.raw_equals(&updated), "{read:?}\n{updated:?}");
    let after = h.plan(Some(&read), &config2).await.unwrap();
    assert!(after.planned_state.raw_equals(&read));

    // `internal` and the name force a new load balancer.
    let rep = h
        .plan(
            Some(&read),
            &with_attr(&config2, "internal", Value::bool(true)),
        )
        .await
        .unwrap();
    assert_eq!(rep.requires_replace.len(), 1);

    // Import by name shows every block; adoption by token.
    let imported = h.import("web").await.unwrap();
    assert_eq!(
        imported[0]
            .get_attr("listener")
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        imported[0]
            .get_attr("health_check")
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sorted(&imported[0], "instances"), vec![i2.clone()]);
    let found = p
        .find_by_token("aws_elb", "harness-token")
        .await
        .unwrap()
        .expect("adopted");
    assert_eq!(get_str(&found, "id"), Some("web"));
    assert!(p.find_by_token("aws_elb", "other").await.unwrap().is_none());

    // A generated name: tf-lb- and at most 32 characters; no health check configured.
    let gen = h
        .config(vec![
            ("availability_zones", strings(&["us-east-1a"])),
            (
                "listener",
                listeners(vec![listener(80, "HTTP", 80, "HTTP")]),
            ),
        ])
        .unwrap();
    let gp = h.plan(None, &gen).await.unwrap();
    assert!(!gp.planned_state.get_attr("id").unwrap().is_known());
    let gs = h.apply(None, &gp.planned_state, &gen).await.unwrap();
    let gname = get_str(&gs, "name").unwrap().to_string();
    assert!(gname.starts_with("tf-lb-") && gname.len() <= 32, "{gname}");
    assert!(gs
        .get_attr("health_check")
        .unwrap()
        .elements()
        .unwrap()
        .is_empty());
    let gr = h.read(&gs).await.unwrap().unwrap();
    assert!(gr.raw_equals(&gs), "{gr:?}\n{gs:?}");
    let _ = Type::String;

    h.destroy(&gs).await.unwrap();
    gone(&h, &read).await;
    assert!(h.read(&gs).await.unwrap().is_none());
    h.destroy(&read).await.unwrap();
}
