//! Services and where their endpoints are: the provider block's `endpoints {}` first, then
//! `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then AWS's own host for the region.

use std::collections::BTreeMap;

use super::protocol::Protocol;

/// One AWS service as the client needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The key of the provider block's `endpoints {}` ("ec2", "sts").
    pub key: &'static str,
    /// The suffix of `AWS_ENDPOINT_URL_<SERVICE>` ("EC2", "STS", "ROUTE_53").
    pub env_suffix: &'static str,
    /// The SigV4 signing name ("ec2", "sts", "iam").
    pub signing_name: &'static str,
    /// The first label of AWS's hostname ("ec2" in ec2.us-east-1.amazonaws.com).
    pub host_prefix: &'static str,
    /// A global service (one endpoint, signed for us-east-1): IAM, Route 53.
    pub global: bool,
    /// The API version the query protocols send.
    pub version: &'static str,
    pub protocol: Protocol,
    /// The JSON protocol's `X-Amz-Target` prefix ("CertificateManager"); empty otherwise.
    pub target_prefix: &'static str,
}

pub const EC2: Service = Service {
    key: "ec2",
    env_suffix: "EC2",
    signing_name: "ec2",
    host_prefix: "ec2",
    global: false,
    version: "2016-11-15",
    protocol: Protocol::Ec2Query,
    target_prefix: "",
};

pub const STS: Service = Service {
    key: "sts",
    env_suffix: "STS",
    signing_name: "sts",
    host_prefix: "sts",
    global: false,
    version: "2011-06-15",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

pub const IAM: Service = Service {
    key: "iam",
    env_suffix: "IAM",
    signing_name: "iam",
    host_prefix: "iam",
    global: true,
    version: "2010-05-08",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

pub const ROUTE53: Service = Service {
    key: "route53",
    env_suffix: "ROUTE_53",
    signing_name: "route53",
    host_prefix: "route53",
    global: true,
    version: "2013-04-01",
    protocol: Protocol::RestXml,
    target_prefix: "",
};

pub const ACM: Service = Service {
    key: "acm",
    env_suffix: "ACM",
    signing_name: "acm",
    host_prefix: "acm",
    global: false,
    version: "2015-12-08",
    protocol: Protocol::Json,
    target_prefix: "CertificateManager",
};

pub const EFS: Service = Service {
    key: "efs",
    env_suffix: "EFS",
    signing_name: "elasticfilesystem",
    host_prefix: "elasticfilesystem",
    global: false,
    version: "2015-02-01",
    protocol: Protocol::RestJson,
    target_prefix: "",
};

pub const ELB: Service = Service {
    key: "elb",
    env_suffix: "ELASTIC_LOAD_BALANCING",
    signing_name: "elasticloadbalancing",
    host_prefix: "elasticloadbalancing",
    global: false,
    version: "2012-06-01",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

/// Elastic Load Balancing v2 (application, network and gateway load balancers, target
/// groups): the same host and signing name as Classic ELB, told apart by the API version.
pub const ELBV2: Service = Service {
    key: "elbv2",
    env_suffix: "ELASTIC_LOAD_BALANCING_V2",
    signing_name: "elasticloadbalancing",
    host_prefix: "elasticloadbalancing",
    global: false,
    version: "2015-12-01",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

pub const AUTOSCALING: Service = Service {
    key: "autoscaling",
    env_suffix: "AUTO_SCALING",
    signing_name: "autoscaling",
    host_prefix: "autoscaling",
    global: false,
    version: "2011-01-01",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

pub const CLOUDWATCH: Service = Service {
    key: "cloudwatch",
    env_suffix: "CLOUDWATCH",
    signing_name: "monitoring",
    host_prefix: "monitoring",
    global: false,
    version: "2010-08-01",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

pub const RDS: Service = Service {
    key: "rds",
    env_suffix: "RDS",
    signing_name: "rds",
    host_prefix: "rds",
    global: false,
    version: "2014-10-31",
    protocol: Protocol::AwsQuery,
    target_prefix: "",
};

pub const S3: Service = Service {
    key: "s3",
    env_suffix: "S3",
    signing_name: "s3",
    host_prefix: "s3",
    global: false,
    version: "2006-03-01",
    protocol: Protocol::RestXml,
    target_prefix: "",
};

/// Every service the provider knows (for `AWS_ENDPOINT_URL_<SERVICE>`).
pub const ALL: &[Service] = &[
    EC2,
    STS,
    IAM,
    ROUTE53,
    ACM,
    EFS,
    ELB,
    ELBV2,
    AUTOSCALING,
    CLOUDWATCH,
    RDS,
    S3,
];

/// Where each service's requests go.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Endpoints {
    /// The provider block's `endpoints {}`: service key to URL.
    pub configured: BTreeMap<String, String>,
    /// `AWS_ENDPOINT_URL_<SERVICE>` values, by suffix.
    pub env_service: BTreeMap<String, String>,
    /// `AWS_ENDPOINT_URL`.
    pub env_global: Option<String>,
}

impl Endpoints {
    /// Reads the environment's endpoint variables through `var`.
    pub fn from_env(
        configured: BTreeMap<String, String>,
        services: &[Service],
        var: impl Fn(&str) -> Option<String>,
    ) -> Endpoints {
        let env_service = services
            .iter()
            .filter_map(|s| {
                var(&format!("AWS_ENDPOINT_URL_{}", s.env_suffix))
                    .map(|v| (s.env_suffix.to_string(), v))
            })
            .collect();
        Endpoints {
            configured,
            env_service,
            env_global: var("AWS_ENDPOINT_URL"),
        }
    }

    /// Whether `service` goes to a configured endpoint rather than AWS's own host.
    pub fn is_custom(&self, service: &Service) -> bool {
        self.configured
            .get(service.key)
            .or_else(|| self.env_service.get(service.env_suffix))
            .or(self.env_global.as_ref())
            .is_some_and(|u| !u.is_empty())
    }

    /// The base URL for `service` in `region` (no trailing slash), and the region to sign for.
    pub fn resolve(&self, service: &Service, region: &str) -> (String, String) {
        let signing_region = if service.global {
            if region.starts_with("cn-") {
                "cn-north-1"
            } else if region.starts_with("us-gov-") {
                "us-gov-west-1"
            } else {
                "us-east-1"
            }
        } else {
            region
        }
        .to_string();
        let custom = self
            .configured
            .get(service.key)
            .or_else(|| self.env_service.get(service.env_suffix))
            .or(self.env_global.as_ref())
            .filter(|u| !u.is_empty());
        if let Some(u) = custom {
            return (u.trim_end_matches('/').to_string(), signing_region);
        }
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        let host = if service.global {
            format!("{}.{suffix}", service.host_prefix)
        } else {
            format!("{}.{region}.{suffix}", service.host_prefix)
        };
        (format!("https://{host}"), signing_region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_hosts_by_default() {
        let e = Endpoints::default();
        assert_eq!(
            e.resolve(&EC2, "eu-west-1"),
            (
                "https://ec2.eu-west-1.amazonaws.com".into(),
                "eu-west-1".into()
            )
        );
        assert_eq!(
            e.resolve(&IAM, "eu-west-1"),
            ("https://iam.amazonaws.com".into(), "us-east-1".into())
        );
        assert_eq!(
            e.resolve(&STS, "cn-north-1").0,
            "https://sts.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            e.resolve(&ELBV2, "eu-west-1").0,
            "https://elasticloadbalancing.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn elbv2_has_its_own_key_and_variable() {
        let vars: BTreeMap<&str, &str> = [
            (
                "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING",
                "http://127.0.0.1:6000",
            ),
            (
                "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
                "http://127.0.0.1:7000",
            ),
        ]
        .into();
        let e = Endpoints::from_env(BTreeMap::new(), ALL, |n| vars.get(n).map(|s| s.to_string()));
        assert_eq!(e.resolve(&ELB, "us-east-1").0, "http://127.0.0.1:6000");
        assert_eq!(e.resolve(&ELBV2, "us-east-1").0, "http://127.0.0.1:7000");
        let e = Endpoints::from_env(
            [("elbv2".to_string(), "http://localhost:8000".to_string())].into(),
            ALL,
            |_| None,
        );
        assert_eq!(e.resolve(&ELBV2, "us-east-1").0, "http://localhost:8000");
        assert!(!e.is_custom(&ELB));
    }

    #[test]
    fn block_then_service_variable_then_global_variable() {
        let vars: BTreeMap<&str, &str> = [
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"),
            ("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:6000"),
        ]
        .into();
        let e = Endpoints::from_env(
            [("sts".to_string(), "http://localhost:7000".to_string())].into(),
            &[EC2, STS, IAM],
            |n| vars.get(n).map(|s| s.to_string()),
        );
        assert_eq!(e.resolve(&EC2, "us-east-1").0, "http://127.0.0.1:6000");
        assert_eq!(e.resolve(&STS, "us-east-1").0, "http://localhost:7000");
        assert_eq!(
            e.resolve(&IAM, "eu-west-1"),
            ("http://127.0.0.1:5000".into(), "us-east-1".into())
        );
    }
}
