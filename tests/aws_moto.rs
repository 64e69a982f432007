//! End-to-end: the real `terrane` binary applies a small network (VPC, subnets, internet
//! gateway, route table with an inline route, associations, security groups and a rule) against moto,
//! pointed there through the environment only; a second plan shows no changes; destroy leaves
//! nothing behind in moto.

#[path = "support/aws_work.rs"]
mod support;

use support::{leftovers, text, vpc_made_outside, vpcs_in, Work};
use terrane_provider_aws::client::Params;
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

#[test]
fn network_plan_apply_noop_destroy_against_moto() {
    let moto = Moto::start_blocking();
    let w = Work::with(&moto, "net", NETWORK);

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

    w.assert_no_changes("in the second plan");
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
    let id = vpc_made_outside(&client, "10.9.0.0/16", None);
    let w = Work::with(
        &moto,
        "import",
        "resource \"aws_vpc\" \"x\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n",
    );
    let o = w.run(&["import", "aws_vpc.x", &id]);
    assert!(o.status.success(), "import failed:\n{}", text(&o));
    w.assert_no_changes("after import");
    w.destroy_leaving_nothing(&client);
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
    w.through(&proxy.url);
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
    w.assert_no_changes("after the apply");
    w.destroy_leaving_nothing(&moto.client());
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
    w.assert_no_changes("in the second plan");
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
