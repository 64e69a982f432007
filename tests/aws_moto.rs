//! End-to-end: the real `terrane` binary applies a small network (VPC, subnets, internet
//! gateway, route table with an inline route, associations, security groups and a rule) against moto,
//! pointed there through the environment only; a second plan shows no changes; destroy leaves
//! nothing behind in moto.

use std::path::PathBuf;
use std::process::{Command, Output};

use terrane_provider_aws::client::{Client, Params};
use terrane_provider_aws::testing::Moto;

const NETWORK: &str = r#"
provider "aws" {
  default_tags {
    tags = {
      stack = "e2e"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_caller_identity" "me" {}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 2)
}

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags = {
    Name = "e2e"
  }
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = true
  tags = {
    Name = "public-${count.index}"
  }
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "HTTP in, all out"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Rules of a group without inline rules are their own resources (as in Terraform, a group
# should not mix both).
resource "aws_security_group" "db" {
  name_prefix = "db-"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "db_from_web" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
  source_security_group_id = aws_security_group.web.id
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "account" {
  value = data.aws_caller_identity.me.account_id
}
"#;

struct Work {
    dir: PathBuf,
    home: PathBuf,
    env: Vec<(&'static str, String)>,
}

impl Work {
    fn new(moto: &Moto) -> Work {
        Work::with(moto, "net", NETWORK)
    }

    fn with(moto: &Moto, name: &str, main: &str) -> Work {
        let dir =
            std::env::temp_dir().join(format!("terrane-aws-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let home = dir.join("home");
        std::fs::create_dir_all(&home).expect("creating a temporary directory");
        let dir = dir.join("stack");
        std::fs::create_dir_all(&dir).expect("creating a temporary directory");
        std::fs::write(dir.join("main.tf"), main).expect("writing main.tf");
        Work {
            dir,
            home,
            env: moto.env(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_terrane"));
        c.args(args)
            .arg("-no-color")
            .current_dir(&self.dir)
            .env("HOME", &self.home)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_SESSION_TOKEN");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.output().expect("running terrane")
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        if let Some(parent) = self.dir.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// What moto holds besides its default VPC's objects: (what, id) pairs.
fn leftovers(client: &Client) -> Vec<(String, String)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let mut out = Vec::new();
        let vpcs = client
            .ec2_pages("DescribeVpcs", &Params::new(), "vpcSet")
            .await
            .expect("DescribeVpcs");
        let default_vpcs: Vec<String> = vpcs
            .iter()
            .filter(|v| v.bool_of("isDefault") == Some(true))
            .filter_map(|v| v.text_of("vpcId").map(str::to_string))
            .collect();
        let not_default = |e: &terrane_provider_aws::client::Element| {
            e.text_of("vpcId")
                .is_none_or(|v| !default_vpcs.iter().any(|d| d == v))
        };
        for (action, list, id) in [
            ("DescribeVpcs", "vpcSet", "vpcId"),
            ("DescribeSubnets", "subnetSet", "subnetId"),
            ("DescribeRouteTables", "routeTableSet", "routeTableId"),
            ("DescribeSecurityGroups", "securityGroupInfo", "groupId"),
        ] {
            let items = client
                .ec2_pages(action, &Params::new(), list)
                .await
                .expect(action);
            for i in items.iter().filter(|i| not_default(i)) {
                out.push((action.to_string(), i.text_of(id).unwrap_or("?").to_string()));
            }
        }
        let igws = client
            .ec2_pages(
                "DescribeInternetGateways",
                &Params::new(),
                "internetGatewaySet",
            )
            .await
            .expect("DescribeInternetGateways");
        for i in igws {
            let attached_to_default = i.items("attachmentSet").iter().any(|a| {
                a.text_of("vpcId")
                    .is_some_and(|v| default_vpcs.iter().any(|d| d == v))
            });
            if !attached_to_default {
                out.push((
                    "DescribeInternetGateways".into(),
                    i.text_of("internetGatewayId").unwrap_or("?").to_string(),
                ));
            }
        }
        out
    })
}

#[test]
fn network_plan_apply_noop_destroy_against_moto() {
    let moto = Moto::start_blocking();
    let w = Work::new(&moto);

    let o = w.run(&["plan"]);
    assert!(o.status.success(), "plan failed:\n{}", text(&o));
    let t = text(&o);
    assert!(t.contains("aws_vpc.main will be created"), "{t}");
    assert!(
        t.contains("Plan: 10 to add, 0 to change, 0 to destroy."),
        "{t}"
    );

    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    assert!(
        text(&o).contains("Apply complete! Resources: 10 added, 0 changed, 0 destroyed."),
        "{}",
        text(&o)
    );
    let out = w.run(&["output", "-raw", "account"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "123456789012");

    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the second plan shows changes:\n{}",
        text(&o)
    );
    assert!(!leftovers(&moto.client()).is_empty());

    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert!(
        text(&o).contains("Destroy complete! Resources: 10 destroyed."),
        "{}",
        text(&o)
    );
    assert_eq!(leftovers(&moto.client()), Vec::<(String, String)>::new());
}

/// Without a provider block (credentials, region and endpoint from the environment only): a
/// VPC made outside terrane is imported, plans with no changes, then is destroyed.
#[test]
fn import_without_a_provider_block() {
    let moto = Moto::start_blocking();
    let client = moto.client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let made = rt
        .block_on(client.ec2_write(
            "CreateVpc",
            &Params::new().set("CidrBlock", "10.9.0.0/16"),
            terrane_provider_aws::client::Idempotency::Unsafe,
        ))
        .expect("CreateVpc");
    let id = made
        .text_at(&["vpc", "vpcId"])
        .expect("a VPC id")
        .to_string();
    let w = Work::with(
        &moto,
        "import",
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n",
    );
    let o = w.run(&["import", "aws_vpc.x", &id]);
    assert!(o.status.success(), "import failed:\n{}", text(&o));
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "changes after import:\n{}",
        text(&o)
    );
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert_eq!(leftovers(&client), Vec::<(String, String)>::new());
}

/// No orphans: a create that a crash interrupted after AWS made the VPC (its intent recorded
/// in the state, the VPC carrying the token tag, no record of the VPC) is adopted by the next
/// apply, not made twice.
#[test]
fn an_interrupted_create_is_adopted_not_repeated() {
    use terrane_state::{Backend, SqliteBackend};
    let moto = Moto::start_blocking();
    let client = moto.client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let made = rt
        .block_on(
            client.ec2_write(
                "CreateVpc",
                &Params::new()
                    .set("CidrBlock", "10.30.0.0/16")
                    .set("TagSpecification.1.ResourceType", "vpc")
                    .set("TagSpecification.1.Tag.1.Key", "terrane:token")
                    .set("TagSpecification.1.Tag.1.Value", "tok-crash"),
                terrane_provider_aws::client::Idempotency::Unsafe,
            ),
        )
        .expect("CreateVpc");
    let id = made
        .text_at(&["vpc", "vpcId"])
        .expect("a VPC id")
        .to_string();
    let w = Work::with(
        &moto,
        "adopt",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.30.0.0/16\"\n}\n",
    );
    {
        let backend = SqliteBackend::open(&w.dir).expect("state");
        let mut cs = backend.begin("default", "apply").expect("change set");
        cs.record_intent("aws_vpc.main", "tok-crash")
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
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "changes after adoption:\n{}",
        text(&o)
    );
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert_eq!(leftovers(&client), Vec::<(String, String)>::new());
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
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(
        client.ec2_write(
            "CreateVpc",
            &Params::new()
                .set("CidrBlock", "10.51.0.0/16")
                .set("TagSpecification.1.ResourceType", "vpc")
                .set("TagSpecification.1.Tag.1.Key", "terrane:token")
                .set("TagSpecification.1.Tag.1.Value", "tok-gone"),
            terrane_provider_aws::client::Idempotency::Unsafe,
        ),
    )
    .expect("CreateVpc");
    let intents = || {
        let backend = SqliteBackend::open(&w.dir).expect("state");
        backend.read("default").expect("read").intents
    };
    {
        let backend = SqliteBackend::open(&w.dir).expect("state");
        let mut cs = backend.begin("default", "apply").expect("change set");
        cs.record_intent("aws_route_table_association.a", "tok-assoc")
            .expect("intent");
        cs.record_intent("aws_vpc.gone", "tok-gone")
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

/// Through a proxy that adds latency, throttles a share of the calls and fails a share after
/// forwarding them (the call happened, terrane cannot know): the apply still converges, nothing
/// is made twice, a second plan shows no changes and destroy leaves nothing.
#[test]
fn network_converges_through_throttling_and_5xx() {
    use std::sync::atomic::Ordering;
    use terrane_provider_aws::testing_proxy::FaultProxy;
    let moto = Moto::start_blocking();
    let proxy =
        FaultProxy::with_latency(&moto.endpoint, 5, 7, std::time::Duration::from_millis(10));
    let mut w = Work::with(&moto, "faults", NETWORK);
    for (k, v) in w.env.iter_mut() {
        if *k == "AWS_ENDPOINT_URL" {
            *v = proxy.url.clone();
        }
    }
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    let made = leftovers(&moto.client());
    let count = |what: &str| made.iter().filter(|(w, _)| w == what).count();
    assert_eq!(count("DescribeVpcs"), 1, "{made:?}");
    assert_eq!(count("DescribeSubnets"), 2, "{made:?}");
    assert_eq!(count("DescribeInternetGateways"), 1, "{made:?}");
    // The VPC's main table and the public one; the VPC's default group, web and db.
    assert_eq!(count("DescribeRouteTables"), 2, "{made:?}");
    assert_eq!(count("DescribeSecurityGroups"), 3, "{made:?}");
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(o.status.code(), Some(0), "changes:\n{}", text(&o));
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert_eq!(leftovers(&moto.client()), Vec::<(String, String)>::new());
    assert!(proxy.throttled.load(Ordering::SeqCst) > 0);
    assert!(proxy.failed_after.load(Ordering::SeqCst) > 0);
}

const LB_AND_BUCKET: &str = r#"
provider "aws" {
  default_tags {
    tags = {
      stack = "e2e-lb"
    }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_elb" "web" {
  name               = "e2e-web"
  availability_zones = slice(data.aws_availability_zones.available.names, 0, 2)
  listener {
    instance_port     = 8000
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
  listener {
    instance_port     = 8443
    instance_protocol = "tcp"
    lb_port           = 443
    lb_protocol       = "tcp"
  }
  health_check {
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    target              = "HTTP:8000/"
    interval            = 30
  }
  connection_draining = true
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name          = "e2e-latency"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "Latency"
  namespace           = "AWS/ELB"
  period              = 60
  statistic           = "Average"
  threshold           = 0.5
  dimensions = {
    LoadBalancerName = aws_elb.web.name
  }
}

resource "aws_s3_bucket" "logs" {
  bucket_prefix = "e2e-logs-"
  force_destroy = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = ["s3:PutObject"]
      Resource  = "${aws_s3_bucket.logs.arn}/*"
    }]
  })
}
"#;

/// A load balancer, an alarm on it and a bucket with versioning and a policy: applied
/// through the environment only (S3 path-style against moto), a second plan shows no
/// changes, destroy leaves no load balancer, alarm or bucket.
#[test]
fn load_balancer_alarm_and_bucket_against_moto() {
    use terrane_provider_aws::client::{endpoint, Idempotency};
    let moto = Moto::start_blocking();
    let w = Work::with(&moto, "lb", LB_AND_BUCKET);
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    assert!(
        text(&o).contains("Apply complete! Resources: 5 added, 0 changed, 0 destroyed."),
        "{}",
        text(&o)
    );
    let o = w.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the second plan shows changes:\n{}",
        text(&o)
    );
    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert!(
        text(&o).contains("Destroy complete! Resources: 5 destroyed."),
        "{}",
        text(&o)
    );
    let c = moto.client();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let q = |s, a: &'static str| {
            let c = c.clone();
            async move {
                c.query(s, a, &Params::new(), Idempotency::Safe)
                    .await
                    .expect(a)
            }
        };
        let lbs = q(&endpoint::ELB, "DescribeLoadBalancers").await;
        assert!(lbs.items("LoadBalancerDescriptions").is_empty());
        let alarms = q(&endpoint::CLOUDWATCH, "DescribeAlarms").await;
        assert!(alarms.items("MetricAlarms").is_empty());
        let buckets = c
            .s3_xml("ListBuckets", "GET", &Default::default(), Idempotency::Safe)
            .await
            .expect("ListBuckets");
        assert!(buckets
            .child("Buckets")
            .is_none_or(|b| b.children.is_empty()));
    });
}

const REGIONS: &str = r#"
variable "region" {
  default = "eu-west-1"
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "west2"
  region = "eu-west-2"
}

resource "aws_vpc" "keep" {
  cidr_block = "10.1.0.0/16"
}
"#;

const REGIONS_MORE: &str = r#"
resource "aws_vpc" "gone" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc" "gone_west2" {
  provider   = aws.west2
  cidr_block = "10.3.0.0/16"
}

module "m" {
  source    = "./m"
  providers = {
    aws = aws.west2
  }
}
"#;

/// The CIDR blocks of the VPCs other than the default one in `region`.
fn vpcs_in(moto: &Moto, region: &str) -> Vec<String> {
    let creds = terrane_provider_aws::client::Credentials {
        access_key_id: moto.access_key.clone(),
        secret_access_key: moto.secret_key.clone(),
        session_token: None,
        source: "test".into(),
    };
    let endpoints = terrane_provider_aws::client::Endpoints {
        env_global: Some(moto.endpoint.clone()),
        ..Default::default()
    };
    let client =
        Client::new(creds, region.to_string(), endpoints, Default::default()).expect("HTTP client");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut out: Vec<String> = rt
        .block_on(client.ec2_pages("DescribeVpcs", &Params::new(), "vpcSet"))
        .expect("DescribeVpcs")
        .iter()
        .filter(|v| v.bool_of("isDefault") != Some(true))
        .filter_map(|v| v.text_of("cidrBlock").map(str::to_string))
        .collect();
    out.sort();
    out
}

/// Destroys of objects whose resource blocks are gone (orphans, an aliased provider, a module
/// call's `providers = {}`) and `terrane destroy` use the provider blocks' settings (a region
/// from a variable), not the environment's region.
#[test]
fn destroys_use_the_configured_providers() {
    let moto = Moto::start_blocking();
    let w = Work::with(&moto, "regions", &format!("{REGIONS}{REGIONS_MORE}"));
    std::fs::create_dir_all(w.dir.join("m")).expect("mkdir");
    std::fs::write(
        w.dir.join("m/main.tf"),
        "resource \"aws_vpc\" \"inner\" {\n  cidr_block = \"10.4.0.0/16\"\n}\n",
    )
    .expect("write");
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    assert_eq!(vpcs_in(&moto, "eu-west-1"), ["10.1.0.0/16", "10.2.0.0/16"]);
    assert_eq!(vpcs_in(&moto, "eu-west-2"), ["10.3.0.0/16", "10.4.0.0/16"]);
    assert!(vpcs_in(&moto, "us-east-1").is_empty());

    std::fs::write(w.dir.join("main.tf"), REGIONS).expect("write");
    let o = w.run(&["apply", "-auto-approve"]);
    assert!(o.status.success(), "apply failed:\n{}", text(&o));
    assert!(text(&o).contains("3 destroyed"), "{}", text(&o));
    assert_eq!(vpcs_in(&moto, "eu-west-1"), ["10.1.0.0/16"]);
    assert!(vpcs_in(&moto, "eu-west-2").is_empty());

    let o = w.run(&["destroy", "-auto-approve"]);
    assert!(o.status.success(), "destroy failed:\n{}", text(&o));
    assert!(vpcs_in(&moto, "eu-west-1").is_empty());
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
    let direct = w.env.clone();
    for (k, v) in w.env.iter_mut() {
        if *k == "AWS_ENDPOINT_URL" {
            *v = proxy.url.clone();
        }
    }
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
