//! The client against moto: signed calls accepted, a wrongly signed one rejected, the
//! awsquery protocol (STS) and EC2's query protocol with pagination.

use crate::client::{endpoint, Idempotency, Params};
use crate::testing::Moto;

#[tokio::test]
async fn signed_calls_pass_and_wrong_signatures_fail() {
    let moto = Moto::start().await;
    let c = moto.client();
    let me = c
        .query(
            &endpoint::STS,
            "GetCallerIdentity",
            &Params::new(),
            Idempotency::Safe,
        )
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.text_of("Account"), Some("123456789012"));
    assert!(me
        .text_of("Arn")
        .unwrap_or("")
        .ends_with("user/terrane-test"));
    c.ec2("DescribeVpcs", &Params::new())
        .await
        .expect("DescribeVpcs");

    let bad = moto.client_with(&moto.access_key, "not-the-secret");
    let e = bad
        .ec2("DescribeVpcs", &Params::new())
        .await
        .expect_err("a wrongly signed call must fail");
    assert_eq!(e.action, "DescribeVpcs");
    assert!(
        e.code.contains("Signature") || e.code.contains("AuthFailure"),
        "{e}"
    );
    let e = bad
        .query(
            &endpoint::STS,
            "GetCallerIdentity",
            &Params::new(),
            Idempotency::Safe,
        )
        .await
        .expect_err("a wrongly signed STS call must fail");
    assert!(e.code.contains("Signature"), "{e}");
}

#[tokio::test]
async fn ec2_pages_follow_next_token() {
    let moto = Moto::start().await;
    let c = moto.client();
    for i in 0..7 {
        let p = Params::new().set("CidrBlock", format!("10.{i}.0.0/16"));
        c.ec2_write("CreateVpc", &p, Idempotency::Unsafe)
            .await
            .expect("CreateVpc");
    }
    let all = c
        .ec2_pages(
            "DescribeVpcs",
            &Params::new().set("MaxResults", "5"),
            "vpcSet",
        )
        .await
        .expect("DescribeVpcs pages");
    // Seven made here, plus moto's default VPC.
    assert_eq!(all.len(), 8);
}

#[tokio::test]
async fn allowed_account_ids_are_checked() {
    use terrane_dsl::value::Value;
    use terrane_provider::values::{object_for, string_list};
    use terrane_provider::Provider;
    let moto = Moto::start().await;
    let configured = moto.provider(&[]).await;
    let schema = configured.schema().provider.clone();
    let ep = object_for(
        &schema.blocks["endpoints"].block,
        ["ec2", "sts", "iam"].map(|k| (k, Value::string(&moto.endpoint))),
    );
    let config = |allowed: &str| {
        object_for(
            &schema,
            [
                ("access_key", Value::string(&moto.access_key)),
                ("secret_key", Value::string(&moto.secret_key)),
                ("region", Value::string("us-east-1")),
                (
                    "endpoints",
                    Value::list(ep.ty().clone(), vec![ep.clone()]).unwrap(),
                ),
                ("allowed_account_ids", string_list([allowed.to_string()])),
            ],
        )
    };
    let fresh = || {
        crate::provider::AwsProvider::new(std::sync::Arc::new(terrane_provider::BasicHost::new(
            std::env::temp_dir(),
        )))
    };
    fresh().configure(config("123456789012")).await.unwrap();
    let e = fresh().configure(config("999999999999")).await.unwrap_err();
    assert!(e.detail.contains("not allowed"), "{e:?}");
}

#[tokio::test]
async fn rest_xml_and_json_protocols_are_signed_and_read() {
    let moto = Moto::start().await;
    let c = moto.client();
    // Route 53 (REST-XML): create a zone, list it, read a missing one.
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>example.com</Name><CallerReference>terrane-test-1</CallerReference></CreateHostedZoneRequest>"#;
    let made = c
        .rest_xml(
            &endpoint::ROUTE53,
            "CreateHostedZone",
            "POST",
            "/2013-04-01/hostedzone",
            Some(body.to_string()),
            Idempotency::Safe,
        )
        .await
        .expect("CreateHostedZone");
    assert_eq!(made.text_at(&["HostedZone", "Name"]), Some("example.com."));
    let listed = c
        .rest_xml(
            &endpoint::ROUTE53,
            "ListHostedZones",
            "GET",
            "/2013-04-01/hostedzone",
            None,
            Idempotency::Safe,
        )
        .await
        .expect("ListHostedZones");
    assert_eq!(
        listed.child("HostedZones").map_or(0, |z| z.children.len()),
        1,
        "{listed:?}"
    );
    let e = c
        .rest_xml(
            &endpoint::ROUTE53,
            "GetHostedZone",
            "GET",
            "/2013-04-01/hostedzone/ZNOSUCHZONE",
            None,
            Idempotency::Safe,
        )
        .await
        .expect_err("a missing zone");
    assert_eq!(e.code, "NoSuchHostedZone", "{e}");
    // ACM (JSON): list certificates, describe a missing one.
    let l = c
        .json(
            &endpoint::ACM,
            "ListCertificates",
            &serde_json::json!({}),
            Idempotency::Safe,
        )
        .await
        .expect("ListCertificates");
    assert!(l.get("CertificateSummaryList").is_some(), "{l}");
    let e = c
        .json(
            &endpoint::ACM,
            "DescribeCertificate",
            &serde_json::json!({"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/none"}),
            Idempotency::Safe,
        )
        .await
        .expect_err("a missing certificate");
    assert_eq!(e.code, "ResourceNotFoundException", "{e}");
    // Both check signatures.
    let bad = moto.client_with(&moto.access_key, "wrong");
    assert!(bad
        .json(
            &endpoint::ACM,
            "ListCertificates",
            &serde_json::json!({}),
            Idempotency::Safe
        )
        .await
        .is_err());
    assert!(bad
        .rest_xml(
            &endpoint::ROUTE53,
            "ListHostedZones",
            "GET",
            "/2013-04-01/hostedzone",
            None,
            Idempotency::Safe,
        )
        .await
        .is_err());
}

#[tokio::test]
async fn rest_json_and_awsquery_pagination() {
    let moto = Moto::start().await;
    let c = moto.client();
    // EFS (REST-JSON): create a file system with a creation token, list, a missing one.
    let made = c
        .rest_json(
            &endpoint::EFS,
            "CreateFileSystem",
            "POST",
            "/2015-02-01/file-systems",
            Some(&serde_json::json!({"CreationToken": "terrane-test"})),
            Idempotency::Safe,
        )
        .await
        .expect("CreateFileSystem");
    let id = made["FileSystemId"]
        .as_str()
        .expect("FileSystemId")
        .to_string();
    let listed = c
        .rest_json(
            &endpoint::EFS,
            "DescribeFileSystems",
            "GET",
            "/2015-02-01/file-systems",
            None,
            Idempotency::Safe,
        )
        .await
        .expect("DescribeFileSystems");
    assert_eq!(
        listed["FileSystems"][0]["FileSystemId"].as_str(),
        Some(id.as_str())
    );
    let e = c
        .rest_json(
            &endpoint::EFS,
            "DescribeFileSystems",
            "GET",
            "/2015-02-01/file-systems?FileSystemId=fs-nosuch",
            None,
            Idempotency::Safe,
        )
        .await
        .expect_err("a missing file system");
    assert_eq!(e.code, "FileSystemNotFound", "{e}");
    // IAM (awsquery) pages with Marker/IsTruncated: the bootstrap user plus three more.
    for n in 0..3 {
        c.query(
            &endpoint::IAM,
            "CreateUser",
            &Params::new().set("UserName", format!("u{n}")),
            Idempotency::Safe,
        )
        .await
        .expect("CreateUser");
    }
    let users = c
        .query_pages(
            &endpoint::IAM,
            "ListUsers",
            &Params::new().set("MaxItems", "1"),
            "Users",
        )
        .await
        .expect("ListUsers");
    assert_eq!(users.len(), 4);
}
