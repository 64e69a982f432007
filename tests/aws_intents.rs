//! End-to-end, no orphans: the real `terrane` binary against moto after creates a crash or a
//! timeout interrupted (their intents left in the state): the object is adopted by the next
//! apply, or by a destroy plan, found by its token tag or (a type without tags) by its
//! configuration, through the provider configuration the create used.

#[path = "support/aws_work.rs"]
mod support;

use support::{leftovers, text, vpc_made_outside, vpcs_in, Work};
use terrane_provider_aws::client::Params;
use terrane_provider_aws::testing::Moto;

/// An intent as an older terrane wrote it: no provider, no configuration.
fn bare_intent<'a>(address: &'a str, token: &'a str) -> terrane_state::NewIntent<'a> {
    terrane_state::NewIntent {
        address,
        token,
        provider: "",
        config: None,
    }
}

/// No orphans: a create that a crash interrupted after AWS made the VPC (its intent recorded
/// in the state, the VPC carrying the token tag, no record of the VPC) is adopted by the next
/// apply, not made twice.
#[test]
fn an_interrupted_create_is_adopted_not_repeated() {
    use terrane_state::{Backend, SqliteBackend};
    let moto = Moto::start_blocking();
    let client = moto.client();
    let id = vpc_made_outside(&client, "10.30.0.0/16", Some("tok-crash"));
    let w = Work::with(
        &moto,
        "adopt",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.30.0.0/16\"\n}\n",
    );
    {
        let backend = SqliteBackend::open(&w.dir).expect("state");
        let mut cs = backend.begin("default", "apply").expect("change set");
        cs.record_intent(&bare_intent("aws_vpc.main", "tok-crash"))
            .expect("intent");
        // The run dies here: no finish, no record of the VPC.
    }
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    let o = w.run(&["state", "show", "aws_vpc.main"]);
    assert!(
        text(&o).contains(&id),
        "the VPC was not adopted:\n{}",
        text(&o)
    );
    let vpcs: Vec<String> = leftovers(&client)
        .into_iter()
        .filter(|(what, _)| what == "DescribeVpcs")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(vpcs, vec![id.clone()], "a second VPC was made");
    w.assert_no_changes("after adoption");
    w.destroy_leaving_nothing(&client);
}

/// No orphans at destroy either: what interrupted creates left (an association whose record
/// the crash lost, found by its subnet and table since associations cannot be tagged; a VPC
/// carrying the token of an address the configuration no longer has) is adopted by the
/// destroy plan and destroyed in dependency order (the association before its route table and
/// subnet, which moto refuses to delete while it exists); moto ends empty, the state with no
/// intents.
#[test]
fn destroy_adopts_what_interrupted_creates_left() {
    use terrane_state::{Backend, SqliteBackend};
    let moto = Moto::start_blocking();
    let client = moto.client();
    let w = Work::with(
        &moto,
        "adopt-destroy",
        r#"
resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.50.1.0/24"
}

resource "aws_route_table" "t" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.t.id
}
"#,
    );
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    // The crash: the association was made but its record never written; a VPC was made for
    // an address that is gone from the configuration since.
    let o = w.run(&["state", "rm", "aws_route_table_association.a"]);
    assert!(o.status.success(), "state rm failed:\n{}", text(&o));
    vpc_made_outside(&client, "10.51.0.0/16", Some("tok-gone"));
    let intents = || {
        let backend = SqliteBackend::open(&w.dir).expect("state");
        backend.read("default").expect("read").intents
    };
    {
        let backend = SqliteBackend::open(&w.dir).expect("state");
        let mut cs = backend.begin("default", "apply").expect("change set");
        cs.record_intent(&bare_intent("aws_route_table_association.a", "tok-assoc"))
            .expect("intent");
        cs.record_intent(&bare_intent("aws_vpc.gone", "tok-gone"))
            .expect("intent");
        // The run dies here.
    }
    assert_eq!(intents().len(), 2);
    let o = w.run(&["plan", "-destroy"]);
    assert!(o.status.success(), "plan -destroy failed:\n{}", text(&o));
    let t = text(&o);
    for addr in ["aws_route_table_association.a", "aws_vpc.gone"] {
        assert!(t.contains(&format!("# {addr} will be destroyed")), "{t}");
    }
    assert_eq!(t.matches("(adopted: ").count(), 2, "{t}");
    assert!(
        t.contains("Plan: 0 to add, 0 to change, 5 to destroy."),
        "{t}"
    );
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert!(text(&o).contains("Resources: 5 destroyed"), "{}", text(&o));
    assert_eq!(leftovers(&client), Vec::<(String, String)>::new());
    assert_eq!(intents(), Vec::new());
}

/// `timeouts { create = "1s" }` bounds the create in the engine: behind a proxy that delays
/// every call by two seconds, the create is abandoned with an error naming the resource, the
/// action and the limit, an independent resource is still created, and the next apply (no
/// proxy) adopts the VPC the abandoned call made instead of making a second one.
#[test]
fn a_create_timeout_abandons_the_call_and_keeps_its_intent() {
    use terrane_provider_aws::testing_proxy::FaultProxy;
    let moto = Moto::start_blocking();
    let proxy = FaultProxy::with_latency(&moto.endpoint, 0, 0, std::time::Duration::from_secs(2));
    let main = "resource \"aws_vpc\" \"slow\" {\n  cidr_block = \"10.40.0.0/16\"\n  timeouts {\n    create = \"1s\"\n  }\n}\nresource \"aws_vpc\" \"other\" {\n  cidr_block = \"10.41.0.0/16\"\n}\n";
    let mut w = Work::with(&moto, "timeout", main);
    let direct = w.through(&proxy.url);
    let o = w.run(&["apply", "-auto-approve"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("aws_vpc.slow: create timed out after 1s"), "{t}");
    // Let the abandoned call reach moto.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let o = w.run(&["state", "list"]);
    assert!(text(&o).contains("aws_vpc.other"), "{}", text(&o));
    assert!(!text(&o).contains("aws_vpc.slow"), "{}", text(&o));
    w.env = direct;
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    assert_eq!(
        vpcs_in(&moto, "us-east-1"),
        ["10.40.0.0/16", "10.41.0.0/16"],
        "a second VPC was made"
    );
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
}

const WEST2_GROUP: &str = r#"
provider "aws" {}

provider "aws" {
  alias  = "west2"
  region = "eu-west-2"
}

resource "aws_vpc" "v" {
  provider   = aws.west2
  cidr_block = "10.70.0.0/16"
}

resource "aws_security_group" "g" {
  provider = aws.west2
  name     = "orphan-rules"
  vpc_id   = aws_vpc.v.id
}
"#;

const WEST2_RULE: &str = r#"
resource "aws_security_group_rule" "ssh" {
  provider          = aws.west2
  type              = "ingress"
  security_group_id = aws_security_group.g.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["10.0.0.0/8"]

  timeouts {
    create = "1s"
  }
}
"#;

/// The ingress ports of the group `name` in `region`, as `from-to` (none when no such group).
fn ingress_in(moto: &Moto, region: &str, name: &str) -> Vec<String> {
    let client = support::client_in(moto, region);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let groups = rt
        .block_on(
            client.ec2_pages(
                "DescribeSecurityGroups",
                &Params::new()
                    .set("Filter.1.Name", "group-name")
                    .set("Filter.1.Value.1", name),
                "securityGroupInfo",
            ),
        )
        .expect("DescribeSecurityGroups");
    groups
        .iter()
        .flat_map(|g| g.items("ipPermissions"))
        .map(|p| {
            format!(
                "{}-{}",
                p.text_of("fromPort").unwrap_or("?"),
                p.text_of("toPort").unwrap_or("?")
            )
        })
        .collect()
}

/// An interrupted create whose address then leaves the configuration, of a type that cannot
/// carry the token (a security group rule), through an aliased provider in another region:
/// the create times out after AWS made the rule; its intent records the provider
/// configuration and the create's configuration; with the rule's block removed, the next plan
/// finds the rule through that provider (not the default one, in another region) by that
/// configuration, adopts it and destroys it. Nothing is left behind.
#[test]
fn an_orphaned_intent_is_found_by_its_configuration_through_its_provider() {
    use terrane_provider_aws::testing_proxy::FaultProxy;
    use terrane_state::{Backend, SqliteBackend};
    let moto = Moto::start_blocking();
    let mut w = Work::with(&moto, "orphan-rule", WEST2_GROUP);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));

    // The rule's create, behind a proxy that delays every call by two seconds, times out.
    let proxy = FaultProxy::with_latency(&moto.endpoint, 0, 0, std::time::Duration::from_secs(2));
    let direct = w.through(&proxy.url);
    std::fs::write(w.dir.join("main.tf"), format!("{WEST2_GROUP}{WEST2_RULE}")).expect("write");
    let o = w.run(&["apply", "-auto-approve", "-refresh=false"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("aws_security_group_rule.ssh: create timed out after 1s"),
        "{}",
        text(&o)
    );
    // Let the abandoned call reach moto: the rule exists, the state does not know it.
    std::thread::sleep(std::time::Duration::from_secs(3));
    w.env = direct;
    assert_eq!(ingress_in(&moto, "eu-west-2", "orphan-rules"), ["22-22"]);
    let intents = SqliteBackend::open(&w.dir)
        .expect("state")
        .read("default")
        .expect("read")
        .intents;
    assert_eq!(intents.len(), 1, "{intents:?}");
    assert_eq!(intents[0].address, "aws_security_group_rule.ssh");
    assert_eq!(
        intents[0].provider,
        "provider[\"registry.terraform.io/hashicorp/aws\"].west2"
    );
    assert!(intents[0].config.is_some(), "{intents:?}");

    // The rule's block is removed: the plan adopts the rule and destroys it.
    std::fs::write(w.dir.join("main.tf"), WEST2_GROUP).expect("write");
    let o = w.run(&["plan"]);
    assert!(o.status.success(), "plan failed:\n{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("# aws_security_group_rule.ssh will be destroyed"),
        "{t}"
    );
    assert!(t.contains("(adopted: "), "{t}");
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    assert!(ingress_in(&moto, "eu-west-2", "orphan-rules").is_empty());
    assert!(SqliteBackend::open(&w.dir)
        .expect("state")
        .read("default")
        .expect("read")
        .intents
        .is_empty());
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert!(vpcs_in(&moto, "eu-west-2").is_empty());
}
