//! Test support: everything a moto server holds that a terrane configuration could have made,
//! across every service the provider speaks, so end-to-end tests can check that a destroy (or a
//! crash and a rerun) leaves nothing behind and nothing twice.

use crate::client::{endpoint, Client, Element, Idempotency, Params};

/// One object in moto: its kind (the API that listed it) and its ID or name.
pub type Item = (String, String);

/// The children of the list element at `path` under `root`, whatever their names (EC2's
/// `item`, awsquery's `member`, RDS's `DBInstance`...).
fn list_at<'a>(root: &'a Element, path: &[&str]) -> Vec<&'a Element> {
    root.at(path)
        .map(|l| l.children.iter().collect())
        .unwrap_or_default()
}

async fn query(client: &Client, svc: &endpoint::Service, action: &str) -> Element {
    client
        .query(svc, action, &Params::new(), Idempotency::Safe)
        .await
        .unwrap_or_else(|e| panic!("listing moto's objects: {e}"))
}

/// Everything in moto besides its defaults (the default VPC and what it holds, the default
/// security and parameter groups, the IAM user of the test bootstrap), sorted.
pub async fn inventory(client: &Client) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut push = |kind: &str, id: Option<&str>| {
        out.push((kind.to_string(), id.unwrap_or("?").to_string()));
    };

    // EC2.
    let pages = |action: &'static str, list: &'static str| async move {
        client
            .ec2_pages(action, &Params::new(), list)
            .await
            .unwrap_or_else(|e| panic!("listing moto's objects: {e}"))
    };
    let vpcs = pages("DescribeVpcs", "vpcSet").await;
    let default_vpcs: Vec<String> = vpcs
        .iter()
        .filter(|v| v.bool_of("isDefault") == Some(true))
        .filter_map(|v| v.text_of("vpcId").map(str::to_string))
        .collect();
    let in_default = |e: &Element| {
        e.text_of("vpcId")
            .is_some_and(|v| default_vpcs.iter().any(|d| d == v))
    };
    for v in vpcs.iter().filter(|v| !in_default(v)) {
        push("vpc", v.text_of("vpcId"));
    }
    for (action, list, id, kind) in [
        ("DescribeSubnets", "subnetSet", "subnetId", "subnet"),
        (
            "DescribeRouteTables",
            "routeTableSet",
            "routeTableId",
            "route table",
        ),
        (
            "DescribeSecurityGroups",
            "securityGroupInfo",
            "groupId",
            "security group",
        ),
    ] {
        for i in pages(action, list).await.iter().filter(|i| !in_default(i)) {
            push(kind, i.text_of(id));
        }
    }
    for g in pages("DescribeInternetGateways", "internetGatewaySet").await {
        let on_default = g.items("attachmentSet").iter().any(|a| in_default(a));
        if !on_default {
            push("internet gateway", g.text_of("internetGatewayId"));
        }
    }
    for r in pages("DescribeInstances", "reservationSet").await {
        for i in r.items("instancesSet") {
            let state = i.text_at(&["instanceState", "name"]).unwrap_or("");
            if state != "terminated" && state != "shutting-down" {
                push("instance", i.text_of("instanceId"));
            }
        }
    }
    for v in pages("DescribeVolumes", "volumeSet").await {
        push("volume", v.text_of("volumeId"));
    }
    for a in pages("DescribeAddresses", "addressesSet").await {
        push("elastic ip", a.text_of("allocationId"));
    }
    for k in pages("DescribeKeyPairs", "keySet").await {
        push("key pair", k.text_of("keyName"));
    }
    for t in pages("DescribeLaunchTemplates", "launchTemplates").await {
        push("launch template", t.text_of("launchTemplateId"));
    }

    // The awsquery services.
    let elb = query(client, &endpoint::ELB, "DescribeLoadBalancers").await;
    for l in list_at(&elb, &["LoadBalancerDescriptions"]) {
        push("load balancer", l.text_of("LoadBalancerName"));
    }
    let asg = &endpoint::AUTOSCALING;
    let groups = query(client, asg, "DescribeAutoScalingGroups").await;
    for g in list_at(&groups, &["AutoScalingGroups"]) {
        push("autoscaling group", g.text_of("AutoScalingGroupName"));
    }
    let lcs = query(client, asg, "DescribeLaunchConfigurations").await;
    for l in list_at(&lcs, &["LaunchConfigurations"]) {
        push("launch configuration", l.text_of("LaunchConfigurationName"));
    }
    let policies = query(client, asg, "DescribePolicies").await;
    for p in list_at(&policies, &["ScalingPolicies"]) {
        push("scaling policy", p.text_of("PolicyName"));
    }
    let alarms = query(client, &endpoint::CLOUDWATCH, "DescribeAlarms").await;
    for a in list_at(&alarms, &["MetricAlarms"]) {
        push("alarm", a.text_of("AlarmName"));
    }
    let rds = &endpoint::RDS;
    let dbs = query(client, rds, "DescribeDBInstances").await;
    for d in list_at(&dbs, &["DBInstances"]) {
        push("db instance", d.text_of("DBInstanceIdentifier"));
    }
    let sgs = query(client, rds, "DescribeDBSubnetGroups").await;
    for g in list_at(&sgs, &["DBSubnetGroups"]) {
        push("db subnet group", g.text_of("DBSubnetGroupName"));
    }
    let pgs = query(client, rds, "DescribeDBParameterGroups").await;
    for g in list_at(&pgs, &["DBParameterGroups"]) {
        let name = g.text_of("DBParameterGroupName").unwrap_or("?");
        if !name.starts_with("default.") {
            push("db parameter group", Some(name));
        }
    }
    let snaps = query(client, rds, "DescribeDBSnapshots").await;
    for s in list_at(&snaps, &["DBSnapshots"]) {
        push("db snapshot", s.text_of("DBSnapshotIdentifier"));
    }
    let iam = &endpoint::IAM;
    let roles = query(client, iam, "ListRoles").await;
    for r in list_at(&roles, &["Roles"]) {
        push("iam role", r.text_of("RoleName"));
    }
    let profiles = query(client, iam, "ListInstanceProfiles").await;
    for p in list_at(&profiles, &["InstanceProfiles"]) {
        push("instance profile", p.text_of("InstanceProfileName"));
    }

    // The REST services.
    let rest = |svc: &'static endpoint::Service, action: &'static str, path: &'static str| async move {
        client
            .rest_xml(svc, action, "GET", path, None, Idempotency::Safe)
            .await
            .unwrap_or_else(|e| panic!("listing moto's objects: {e}"))
    };
    let buckets = rest(&endpoint::S3, "ListBuckets", "/").await;
    for b in list_at(&buckets, &["Buckets"]) {
        push("s3 bucket", b.text_of("Name"));
    }
    let zones = rest(
        &endpoint::ROUTE53,
        "ListHostedZones",
        "/2013-04-01/hostedzone",
    )
    .await;
    for z in list_at(&zones, &["HostedZones"]) {
        push("hosted zone", z.text_of("Id"));
    }
    let fs = client
        .rest_json(
            &endpoint::EFS,
            "DescribeFileSystems",
            "GET",
            "/2015-02-01/file-systems",
            None,
            Idempotency::Safe,
        )
        .await
        .unwrap_or_else(|e| panic!("listing moto's objects: {e}"));
    for f in fs["FileSystems"].as_array().into_iter().flatten() {
        push("efs file system", f["FileSystemId"].as_str());
    }
    out.sort();
    out
}

/// [`inventory`] for tests without a runtime.
pub fn inventory_blocking(client: &Client) -> Vec<Item> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(inventory(client))
}
