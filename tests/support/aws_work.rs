//! Shared by the end-to-end tests against moto (`aws_moto.rs`, `aws_intents.rs`): a scratch
//! directory with `main.tf` and its own `HOME`, the real `terrane` binary run in it pointed at
//! moto through the environment only, and what moto holds afterwards.

// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

use terrane_provider_aws::client::{Client, Params};
use terrane_provider_aws::testing::Moto;

pub struct Work {
    pub dir: PathBuf,
    pub home: PathBuf,
    pub env: Vec<(&'static str, String)>,
}

impl Work {
    pub fn with(moto: &Moto, name: &str, main: &str) -> Work {
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

    /// Points the runs at `url` (a proxy in front of moto) instead of moto; returns the
    /// environment as it was, to point them back.
    pub fn through(&mut self, url: &str) -> Vec<(&'static str, String)> {
        let direct = self.env.clone();
        for (k, v) in self.env.iter_mut() {
            if *k == "AWS_ENDPOINT_URL" {
                *v = url.to_string();
            }
        }
        direct
    }

    /// A plan now shows no changes (`-detailed-exitcode` gives 0); `when` says after what.
    pub fn assert_no_changes(&self, when: &str) {
        let o = self.run(&["plan", "-detailed-exitcode"]);
        assert_eq!(o.status.code(), Some(0), "changes {when}:\n{}", text(&o));
    }

    /// Destroys everything; moto then holds nothing but its defaults.
    pub fn destroy_leaving_nothing(&self, client: &Client) {
        let o = self.run(&["destroy", "-auto-approve"]);
        assert!(o.status.success(), "destroy failed:\n{}", text(&o));
        assert_eq!(leftovers(client), Vec::<(String, String)>::new());
    }

    pub fn run(&self, args: &[&str]) -> Output {
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

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// What moto holds besides its default VPC's objects: (what, id) pairs.
pub fn leftovers(client: &Client) -> Vec<(String, String)> {
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

/// A client of moto in `region`.
pub fn client_in(moto: &Moto, region: &str) -> Client {
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
    Client::new(creds, region.to_string(), endpoints, Default::default()).expect("HTTP client")
}

/// The CIDR blocks of the VPCs other than the default one in `region`.
pub fn vpcs_in(moto: &Moto, region: &str) -> Vec<String> {
    let client = client_in(moto, region);
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

/// Makes a VPC straight in moto (outside terrane), tagged with `token` as terrane tags what it
/// creates when one is given; its id.
pub fn vpc_made_outside(client: &Client, cidr: &str, token: Option<&str>) -> String {
    let mut p = Params::new().set("CidrBlock", cidr);
    if let Some(t) = token {
        p = p
            .set("TagSpecification.1.ResourceType", "vpc")
            .set("TagSpecification.1.Tag.1.Key", "terrane:token")
            .set("TagSpecification.1.Tag.1.Value", t);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let made = rt
        .block_on(client.ec2_write(
            "CreateVpc",
            &p,
            terrane_provider_aws::client::Idempotency::Unsafe,
        ))
        .expect("CreateVpc");
    made.text_at(&["vpc", "vpcId"])
        .expect("a VPC id")
        .to_string()
}
