//! The network resource types and data sources against moto, through the harness as the engine
//! drives them: create, refresh to an empty plan, update in place, drift, import, destroy.

use std::sync::Arc;

use terrane_dsl::value::{Type, Value};
use terrane_provider::harness::Harness;
use terrane_provider::values::{
    get_bool, get_str, get_string_list, object_for, string_list, string_map, with_attr,
};
use terrane_provider::{PlanResponse, Provider};

use crate::client::Params;
use crate::provider::AwsProvider;
use crate::testing::Moto;

struct T {
    p: Arc<AwsProvider>,
}

impl T {
    fn h(&self, ty: &str) -> Harness {
        Harness::new(self.p.clone() as Arc<dyn Provider>, ty)
    }

    async fn create(&self, ty: &str, attrs: Vec<(&str, Value)>) -> Value {
        let h = self.h(ty);
        let config = h.config(attrs).unwrap();
        let state = h.create(&config).await.unwrap();
        // Refreshing gives the same state and an empty plan.
        let read = h.read(&state).await.unwrap().expect("exists after create");
        assert!(
            read.raw_equals(&state),
            "{ty}: read\n{read:?}\nstate\n{state:?}"
        );
        let plan = h.plan(Some(&read), &config).await.unwrap();
        assert_no_change(ty, &plan, &read);
        state
    }

    async fn destroy(&self, ty: &str, state: &Value) {
        let h = self.h(ty);
        h.destroy(state).await.unwrap();
        assert!(h.read(state).await.unwrap().is_none(), "{ty} still there");
    }
}

fn assert_no_change(ty: &str, plan: &PlanResponse, prior: &Value) {
    assert!(
        plan.requires_replace.is_empty(),
        "{ty}: {:?}",
        plan.requires_replace
    );
    assert!(
        plan.planned_state.raw_equals(prior),
        "{ty}: plan\n{:?}\nprior\n{prior:?}",
        plan.planned_state
    );
}

fn id(v: &Value) -> Value {
    Value::string(get_str(v, "id").unwrap())
}

fn block_list(p: &AwsProvider, ty: &str, block: &str, items: Vec<Vec<(&str, Value)>>) -> Value {
    let schema = &p.schema().resources[ty].block.blocks[block].block;
    let items: Vec<Value> = items.into_iter().map(|a| object_for(schema, a)).collect();
    Value::set(schema.implied_type(), items).unwrap()
}

#[tokio::test]
async fn network_resources() {
    let moto = Moto::start().await;
    let t = T {
        p: moto.provider(&[]).await,
    };
    let vpc = t
        .create(
            "aws_vpc",
            vec![("cidr_block", Value::string("10.0.0.0/16"))],
        )
        .await;
    let subnet = t
        .create(
            "aws_subnet",
            vec![
                ("vpc_id", id(&vpc)),
                ("cidr_block", Value::string("10.0.1.0/24")),
                ("availability_zone", Value::string("us-east-1a")),
                ("map_public_ip_on_launch", Value::bool(true)),
                (
                    "tags",
                    string_map([("Name".to_string(), "public".to_string())].into()),
                ),
            ],
        )
        .await;
    assert_eq!(get_bool(&subnet, "map_public_ip_on_launch"), Some(true));
    assert_eq!(get_str(&subnet, "region"), Some("us-east-1"));
    let igw = t
        .create("aws_internet_gateway", vec![("vpc_id", id(&vpc))])
        .await;
    assert_eq!(get_str(&igw, "vpc_id"), get_str(&vpc, "id"));

    // A route table with an inline route, then a second route as its own resource.
    let rt_routes = block_list(
        &t.p,
        "aws_route_table",
        "route",
        vec![vec![
            ("cidr_block", Value::string("0.0.0.0/0")),
            ("gateway_id", id(&igw)),
        ]],
    );
    let rt = t
        .create(
            "aws_route_table",
            vec![("vpc_id", id(&vpc)), ("route", rt_routes)],
        )
        .await;
    let rt2 = t
        .create("aws_route_table", vec![("vpc_id", id(&vpc))])
        .await;
    let route = t
        .create(
            "aws_route",
            vec![
                ("route_table_id", id(&rt2)),
                ("destination_cidr_block", Value::string("0.0.0.0/0")),
                ("gateway_id", id(&igw)),
            ],
        )
        .await;
    assert!(get_str(&route, "id").unwrap().starts_with("r-rtb-"));
    // An interrupted create's route is found by its configuration (routes carry no tag), and
    // only with the configured target.
    let route_config = |target: &Value| {
        t.h("aws_route")
            .config(vec![
                ("route_table_id", id(&rt2)),
                ("destination_cidr_block", Value::string("0.0.0.0/0")),
                ("gateway_id", target.clone()),
            ])
            .unwrap()
    };
    let found =
        t.p.find_by_config("aws_route", route_config(&id(&igw)))
            .await
            .unwrap()
            .expect("the route, found by its configuration");
    assert_eq!(get_str(&found, "id"), get_str(&route, "id"));
    let elsewhere =
        t.p.find_by_config(
            "aws_route",
            route_config(&Value::string("igw-0123456789abcdef0")),
        )
        .await
        .unwrap();
    assert!(elsewhere.is_none(), "{elsewhere:?}");
    // The route made by aws_route does not show up as drift of its table (no inline routes).
    let rt2_read = t.h("aws_route_table").read(&rt2).await.unwrap().unwrap();
    assert!(rt2_read.raw_equals(&rt2));
    let assoc = t
        .create(
            "aws_route_table_association",
            vec![("subnet_id", id(&subnet)), ("route_table_id", id(&rt))],
        )
        .await;
    assert!(get_str(&assoc, "id").unwrap().starts_with("rtbassoc-"));
    // Moving the association to the other table happens in place.
    let h = t.h("aws_route_table_association");
    let moved_cfg = h
        .config(vec![
            ("subnet_id", id(&subnet)),
            ("route_table_id", id(&rt2)),
        ])
        .unwrap();
    let plan = h.plan(Some(&assoc), &moved_cfg).await.unwrap();
    assert!(plan.requires_replace.is_empty());
    let assoc = h
        .apply(Some(&assoc), &plan.planned_state, &moved_cfg)
        .await
        .unwrap();
    assert_eq!(get_str(&assoc, "route_table_id"), get_str(&rt2, "id"));

    // Security group with inline rules, and a separate rule on another group.
    let ingress = block_list(
        &t.p,
        "aws_security_group",
        "ingress",
        vec![vec![
            ("protocol", Value::string("tcp")),
            ("from_port", Value::int(22)),
            ("to_port", Value::int(22)),
            ("cidr_blocks", string_list(["10.0.0.0/8".to_string()])),
            ("description", Value::string("ssh")),
        ]],
    );
    let egress = block_list(
        &t.p,
        "aws_security_group",
        "egress",
        vec![vec![
            ("protocol", Value::string("-1")),
            ("from_port", Value::int(0)),
            ("to_port", Value::int(0)),
            ("cidr_blocks", string_list(["0.0.0.0/0".to_string()])),
        ]],
    );
    let sg_attrs = vec![
        ("name", Value::string("web")),
        ("description", Value::string("web servers")),
        ("vpc_id", id(&vpc)),
        ("ingress", ingress.clone()),
        ("egress", egress),
    ];
    let sg = t.create("aws_security_group", sg_attrs.clone()).await;
    // Drift: a rule added outside terrane is seen, and the plan removes it in place.
    moto.client()
        .ec2_write(
            "AuthorizeSecurityGroupIngress",
            &Params::new()
                .set("GroupId", get_str(&sg, "id").unwrap())
                .set("IpPermissions.1.IpProtocol", "tcp")
                .set("IpPermissions.1.FromPort", "80")
                .set("IpPermissions.1.ToPort", "80")
                .set("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
            crate::client::Idempotency::Safe,
        )
        .await
        .unwrap();
    let h = t.h("aws_security_group");
    let drifted = h.read(&sg).await.unwrap().unwrap();
    assert_eq!(drifted.get_attr("ingress").and_then(Value::length), Some(2));
    let cfg = h.config(sg_attrs).unwrap();
    let plan = h.plan(Some(&drifted), &cfg).await.unwrap();
    assert!(plan.requires_replace.is_empty());
    let fixed = h
        .apply(Some(&drifted), &plan.planned_state, &cfg)
        .await
        .unwrap();
    assert_eq!(fixed.get_attr("ingress").and_then(Value::length), Some(1));
    let again = h.read(&fixed).await.unwrap().unwrap();
    assert!(again.raw_equals(&fixed));

    let sg2 = t
        .create(
            "aws_security_group",
            vec![("name_prefix", Value::string("db-")), ("vpc_id", id(&vpc))],
        )
        .await;
    assert!(get_str(&sg2, "name").unwrap().starts_with("db-"));
    let rule = t
        .create(
            "aws_security_group_rule",
            vec![
                ("type", Value::string("ingress")),
                ("security_group_id", id(&sg2)),
                ("protocol", Value::string("tcp")),
                ("from_port", Value::int(5432)),
                ("to_port", Value::int(5432)),
                ("source_security_group_id", id(&sg)),
            ],
        )
        .await;
    assert!(get_str(&rule, "id").unwrap().starts_with("sgrule-"));
    // An interrupted create's rule (rules carry no tag) is found by its configuration: the
    // same rule, and not one from another source or port.
    let rule_config = |port: i64, source: &Value| {
        t.h("aws_security_group_rule")
            .config(vec![
                ("type", Value::string("ingress")),
                ("security_group_id", id(&sg2)),
                ("protocol", Value::string("tcp")),
                ("from_port", Value::int(port)),
                ("to_port", Value::int(port)),
                ("source_security_group_id", source.clone()),
            ])
            .unwrap()
    };
    let found =
        t.p.find_by_config("aws_security_group_rule", rule_config(5432, &id(&sg)))
            .await
            .unwrap()
            .expect("the rule, found by its configuration");
    assert_eq!(get_str(&found, "id"), get_str(&rule, "id"));
    // Imported by Terraform's id; a rule that is not there is a clear error.
    let imported = t
        .h("aws_security_group_rule")
        .import(&format!(
            "{}_ingress_tcp_5432_5432_{}",
            get_str(&sg2, "id").unwrap(),
            get_str(&sg, "id").unwrap()
        ))
        .await
        .unwrap();
    assert_eq!(get_str(&imported[0], "id"), get_str(&rule, "id"));
    let missing = t
        .h("aws_security_group_rule")
        .import(&format!(
            "{}_ingress_tcp_5433_5433_10.0.0.0/8",
            get_str(&sg2, "id").unwrap()
        ))
        .await
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("Cannot import non-existent remote object"),
        "{missing}"
    );
    for (port, source) in [(5433, id(&sg)), (5432, id(&sg2))] {
        let other =
            t.p.find_by_config("aws_security_group_rule", rule_config(port, &source))
                .await
                .unwrap();
        assert!(other.is_none(), "{other:?}");
    }

    let key = t
        .create(
            "aws_key_pair",
            vec![
                ("key_name", Value::string("deployer")),
                (
                    "public_key",
                    Value::string("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDP3tRRXurJxxdW7aWBoh8HLbZvcK913Ru6zkUrkocpa deployer@example"),
                ),
            ],
        )
        .await;
    assert_eq!(get_str(&key, "id"), Some("deployer"));
    assert!(get_str(&key, "key_pair_id").unwrap().starts_with("key-"));

    // What a create made is found by the engine's idempotency token (the harness passes
    // "harness-token"), for adoption after a crash.
    for (ty, made) in [
        ("aws_subnet", &subnet),
        ("aws_internet_gateway", &igw),
        ("aws_key_pair", &key),
    ] {
        let found =
            t.p.find_by_token(ty, "harness-token")
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{ty} not found by token"));
        assert_eq!(get_str(&found, "id"), get_str(made, "id"), "{ty}");
        assert!(t
            .p
            .find_by_token(ty, "no-such-token")
            .await
            .unwrap()
            .is_none());
    }
    for ty in ["aws_route_table", "aws_security_group"] {
        assert!(
            t.p.find_by_token(ty, "harness-token")
                .await
                .unwrap()
                .is_some(),
            "{ty}"
        );
    }

    // Import by id.
    let imported = t
        .h("aws_subnet")
        .import(get_str(&subnet, "id").unwrap())
        .await
        .unwrap();
    assert_eq!(get_str(&imported[0], "cidr_block"), Some("10.0.1.0/24"));
    let imported = t
        .h("aws_security_group")
        .import(get_str(&fixed, "id").unwrap())
        .await
        .unwrap();
    assert_eq!(
        imported[0].get_attr("ingress").and_then(Value::length),
        Some(1)
    );
    assert_eq!(
        imported[0].get_attr("egress").and_then(Value::length),
        Some(1)
    );
    let imported = t
        .h("aws_route_table")
        .import(get_str(&rt, "id").unwrap())
        .await
        .unwrap();
    assert_eq!(
        imported[0].get_attr("route").and_then(Value::length),
        Some(1)
    );
    let imported = t
        .h("aws_route")
        .import(&format!("{}_0.0.0.0/0", get_str(&rt2, "id").unwrap()))
        .await
        .unwrap();
    assert_eq!(get_str(&imported[0], "id"), get_str(&route, "id"));

    // Data sources.
    let d = |ty: &str| Harness::new(t.p.clone() as Arc<dyn Provider>, ty);
    let subnets = d("aws_subnets");
    let cfg = subnets
        .data_config(vec![(
            "tags",
            string_map([("Name".to_string(), "public".to_string())].into()),
        )])
        .unwrap();
    let got = subnets.read_data(cfg).await.unwrap();
    assert_eq!(
        get_string_list(&got, "ids").unwrap(),
        vec![get_str(&subnet, "id").unwrap().to_string()]
    );
    let dv = d("aws_vpc");
    let got = dv
        .read_data(dv.data_config(vec![("id", id(&vpc))]).unwrap())
        .await
        .unwrap();
    assert_eq!(get_str(&got, "cidr_block"), Some("10.0.0.0/16"));
    assert_eq!(
        get_str(&got, "main_route_table_id"),
        get_str(&vpc, "main_route_table_id")
    );
    let azs = d("aws_availability_zones");
    let got = azs
        .read_data(azs.data_config(vec![]).unwrap())
        .await
        .unwrap();
    assert!(get_string_list(&got, "names")
        .unwrap()
        .contains(&"us-east-1a".to_string()));
    let me = d("aws_caller_identity");
    let got = me.read_data(me.data_config(vec![]).unwrap()).await.unwrap();
    assert_eq!(get_str(&got, "account_id"), Some("123456789012"));
    let region = d("aws_region");
    let got = region
        .read_data(region.data_config(vec![]).unwrap())
        .await
        .unwrap();
    assert_eq!(get_str(&got, "name"), Some("us-east-1"));
    let part = d("aws_partition");
    let got = part
        .read_data(part.data_config(vec![]).unwrap())
        .await
        .unwrap();
    assert_eq!(get_str(&got, "dns_suffix"), Some("amazonaws.com"));
    let ami = d("aws_ami");
    let got = ami
        .read_data(
            ami.data_config(vec![
                ("most_recent", Value::bool(true)),
                ("owners", string_list(["amazon".to_string()])),
            ])
            .unwrap(),
        )
        .await
        .unwrap();
    assert!(get_str(&got, "id").unwrap().starts_with("ami-"));

    // Destroy in reverse order; afterwards moto holds none of it.
    t.destroy("aws_key_pair", &key).await;
    t.destroy("aws_security_group_rule", &rule).await;
    t.destroy("aws_security_group", &sg2).await;
    t.destroy("aws_security_group", &fixed).await;
    t.destroy("aws_route_table_association", &assoc).await;
    t.destroy("aws_route", &route).await;
    t.destroy("aws_route_table", &rt2).await;
    t.destroy("aws_route_table", &rt).await;
    t.destroy("aws_internet_gateway", &igw).await;
    t.destroy("aws_subnet", &subnet).await;
    t.destroy("aws_vpc", &vpc).await;
    let _ = with_attr(&vpc, "id", Value::null(Type::String));
}
