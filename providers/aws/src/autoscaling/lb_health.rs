//! What a group's load balancers say of its instances, for the capacity wait with
//! `wait_for_elb_capacity` / `min_elb_capacity`: the instances each classic load balancer has
//! `InService` (ELB DescribeInstanceHealth), the targets each target group has `healthy`
//! (ELBv2 DescribeTargetHealth), and how many of the group's instances are both, everywhere.

use terrane_provider::ProviderError;

use super::member_texts;
use crate::client::endpoint::{ELB, ELBV2};
use crate::client::{AwsError, Element, Idempotency, Params};
use crate::common::{fail, Aws};

/// Where a group's instances are counted for the ELB capacity: its classic load balancers
/// (`LoadBalancerNames`) and its target groups (`TargetGroupARNs`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Balancers {
    pub classic: Vec<String>,
    pub target_groups: Vec<String>,
}

impl Balancers {
    /// The load balancers and target groups of a described group.
    pub fn of(group: &Element) -> Balancers {
        Balancers {
            classic: member_texts(group, "LoadBalancerNames"),
            target_groups: member_texts(group, "TargetGroupARNs"),
        }
    }

    /// What an instance must be to count, as the timeout message says it.
    pub fn condition(&self) -> &'static str {
        match (self.classic.is_empty(), self.target_groups.is_empty()) {
            (false, true) => "InService in every load balancer",
            (true, false) => "healthy in every target group",
            (false, false) => "InService in every load balancer and healthy in every target group",
            (true, true) => "counted (the group has no load balancers or target groups)",
        }
    }

    /// How many of `instances` every classic load balancer has `InService` and every target
    /// group `healthy` (one call per load balancer and per target group).
    pub async fn ready(&self, aws: &Aws, instances: &[String]) -> Result<i64, ProviderError> {
        let classic = async {
            let mut lists = Vec::new();
            for lb in &self.classic {
                let r = call(aws, &ELB, "DescribeInstanceHealth", "LoadBalancerName", lb)
                    .await
                    .map_err(fail(format!(
                        "reading load balancer ({lb}) instance health"
                    )))?;
                lists.push(in_service(&r));
            }
            Ok::<_, ProviderError>(lists)
        };
        let targets = async {
            let mut lists = Vec::new();
            for tg in &self.target_groups {
                let r = call(aws, &ELBV2, "DescribeTargetHealth", "TargetGroupArn", tg)
                    .await
                    .map_err(fail(format!("reading target group ({tg}) target health")))?;
                lists.push(healthy_targets(&r));
            }
            Ok::<_, ProviderError>(lists)
        };
        let (mut lists, more) = tokio::try_join!(classic, targets)?;
        lists.extend(more);
        Ok(in_every(instances, &lists))
    }
}

async fn call(
    aws: &Aws,
    service: &crate::client::Service,
    action: &str,
    key: &str,
    value: &str,
) -> Result<Element, AwsError> {
    let p = Params::new().set(key, value);
    aws.call(service, action, &p, Idempotency::Safe).await
}

/// The instances a DescribeInstanceHealth answer says are `InService`.
pub fn in_service(answer: &Element) -> Vec<String> {
    answer
        .items("InstanceStates")
        .iter()
        .filter(|i| i.text_of("State") == Some("InService"))
        .filter_map(|i| i.text_of("InstanceId"))
        .map(str::to_string)
        .collect()
}

/// The targets a DescribeTargetHealth answer says are `healthy` (not `initial`, `unhealthy`,
/// `unused`, `draining` or `unavailable`).
pub fn healthy_targets(answer: &Element) -> Vec<String> {
    answer
        .items("TargetHealthDescriptions")
        .iter()
        .filter(|d| d.text_at(&["TargetHealth", "State"]) == Some("healthy"))
        .filter_map(|d| d.text_at(&["Target", "Id"]))
        .map(str::to_string)
        .collect()
}

/// How many of `instances` are in every one of `lists` (all of them when there are none).
pub fn in_every(instances: &[String], lists: &[Vec<String>]) -> i64 {
    instances
        .iter()
        .filter(|i| lists.iter().all(|l| l.contains(i)))
        .count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{xml, Protocol};

    /// An awsquery answer's result element, as the client gives it.
    fn answer(action: &str, body: &str) -> Element {
        Protocol::AwsQuery.result(xml::parse(body.as_bytes()).unwrap(), action)
    }

    /// DescribeTargetHealth as AWS answers it: one target healthy, one failing its checks,
    /// one still in its first checks.
    const TARGET_HEALTH: &str = r#"<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member>
        <HealthCheckPort>80</HealthCheckPort>
        <TargetHealth><State>healthy</State></TargetHealth>
        <Target><Port>80</Port><Id>i-0a</Id></Target>
      </member>
      <member>
        <HealthCheckPort>80</HealthCheckPort>
        <TargetHealth>
          <Description>Health checks failed</Description>
          <State>unhealthy</State>
          <Reason>Target.FailedHealthChecks</Reason>
        </TargetHealth>
        <Target><Port>80</Port><Id>i-0b</Id></Target>
      </member>
      <member>
        <HealthCheckPort>80</HealthCheckPort>
        <TargetHealth>
          <State>initial</State>
          <Reason>Elb.RegistrationInProgress</Reason>
        </TargetHealth>
        <Target><Port>80</Port><Id>i-0c</Id></Target>
      </member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
  <ResponseMetadata><RequestId>d9c2e5a0-1</RequestId></ResponseMetadata>
</DescribeTargetHealthResponse>"#;

    /// DescribeTargetHealth as moto 5.2.5 answered it for a group of two instances, one of
    /// them stopped through EC2 (moto says `unused`, `Target.InvalidState`, for a stopped
    /// instance and `healthy` for every other registered one).
    const MOTO_TARGET_HEALTH: &str = r#"<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions><member><Target><Id>i-3381cdb0542f7dec3</Id><Port>80</Port></Target><HealthCheckPort>traffic-port</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth></member><member><Target><Id>i-fb80b580ec8873754</Id><Port>80</Port></Target><HealthCheckPort>traffic-port</HealthCheckPort><TargetHealth><State>unused</State><Reason>Target.InvalidState</Reason><Description>Target is in the stopped state</Description></TargetHealth></member></TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>DDrGY5lDz6CYHgFfILxIBwHVQBx89QRNQxhs1V3ETgEuQYRGdIa8</RequestId></ResponseMetadata></DescribeTargetHealthResponse>"#;

    const INSTANCE_HEALTH: &str = r#"<DescribeInstanceHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/">
  <DescribeInstanceHealthResult>
    <InstanceStates>
      <member><Description>N/A</Description><InstanceId>i-0a</InstanceId><State>InService</State><ReasonCode>N/A</ReasonCode></member>
      <member><Description>N/A</Description><InstanceId>i-0b</InstanceId><State>InService</State><ReasonCode>N/A</ReasonCode></member>
      <member><Description>Instance has failed at least the UnhealthyThreshold number of health checks consecutively.</Description><InstanceId>i-0c</InstanceId><State>OutOfService</State><ReasonCode>Instance</ReasonCode></member>
    </InstanceStates>
  </DescribeInstanceHealthResult>
  <ResponseMetadata><RequestId>d9c2e5a0-2</RequestId></ResponseMetadata>
</DescribeInstanceHealthResponse>"#;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_healthy_targets_count() {
        let tg = healthy_targets(&answer("DescribeTargetHealth", TARGET_HEALTH));
        assert_eq!(tg, ["i-0a"]);
        let group = ids(&["i-0a", "i-0b", "i-0c"]);
        assert_eq!(in_every(&group, std::slice::from_ref(&tg)), 1);
        let moto = healthy_targets(&answer("DescribeTargetHealth", MOTO_TARGET_HEALTH));
        assert_eq!(moto, ["i-3381cdb0542f7dec3"]);
    }

    #[test]
    fn an_instance_counts_only_when_ready_everywhere() {
        let classic = in_service(&answer("DescribeInstanceHealth", INSTANCE_HEALTH));
        assert_eq!(classic, ["i-0a", "i-0b"]);
        let tg = healthy_targets(&answer("DescribeTargetHealth", TARGET_HEALTH));
        let group = ids(&["i-0a", "i-0b", "i-0c"]);
        // i-0b is InService in the classic load balancer but unhealthy in the target group.
        assert_eq!(in_every(&group, std::slice::from_ref(&classic)), 2);
        assert_eq!(in_every(&group, &[classic, tg]), 1);
        // Another group's instances in the target group do not count for this one.
        assert_eq!(in_every(&ids(&["i-0b", "i-0c"]), &[ids(&["i-0a"])]), 0);
        // No load balancers: every healthy instance of the group counts.
        assert_eq!(in_every(&group, &[]), 3);
    }

    #[test]
    fn balancers_come_from_the_group() {
        let g = answer(
            "DescribeAutoScalingGroups",
            r#"<R><DescribeAutoScalingGroupsResult><AutoScalingGroupName>web</AutoScalingGroupName>
<LoadBalancerNames><member>web-lb</member></LoadBalancerNames>
<TargetGroupARNs><member>arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1</member><member>arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/b/2</member></TargetGroupARNs>
</DescribeAutoScalingGroupsResult></R>"#,
        );
        let b = Balancers::of(&g);
        assert_eq!(b.classic, ["web-lb"]);
        assert_eq!(b.target_groups.len(), 2);
        assert!(b.condition().contains("target group"));
        let classic_only = Balancers {
            classic: ids(&["web-lb"]),
            target_groups: vec![],
        };
        assert!(!classic_only.condition().contains("target group"));
    }
}
