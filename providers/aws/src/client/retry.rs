//! The retry policy: which failures are worth another attempt (throttling, 5xx, connection
//! errors), and how long to wait before it (capped exponential backoff with full jitter),
//! bounded both in attempts and in total time.

use std::time::Duration;

use rand::Rng;

use super::error::{AwsError, ErrorKind};

/// AWS error codes that mean "slow down": always safe to retry, the call was not carried out.
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// AWS error codes of transient failures on AWS's side.
const TRANSIENT: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "ServiceUnavailable",
    "Unavailable",
    "IDPCommunicationError",
];

/// Whether AWS said to slow down.
pub fn is_throttling(e: &AwsError) -> bool {
    e.kind == ErrorKind::Api && (THROTTLING.contains(&e.code.as_str()) || e.status == Some(429))
}

/// Whether another attempt of the same call may succeed.
pub fn is_retryable(e: &AwsError) -> bool {
    match e.kind {
        ErrorKind::Transport => true,
        ErrorKind::Api => {
            is_throttling(e)
                || TRANSIENT.contains(&e.code.as_str())
                || matches!(e.status, Some(500 | 502 | 503 | 504))
        }
        // A truncated or garbled answer from a proxy or a failing server.
        ErrorKind::Parse => matches!(e.status, Some(s) if s >= 500),
        ErrorKind::Config => false,
    }
}

/// Whether the call certainly was not carried out (so retrying it cannot do it twice):
/// throttling, and connections that were never made.
pub fn certainly_not_done(e: &AwsError) -> bool {
    is_throttling(e) || (e.kind == ErrorKind::Transport && e.code == "ConnectError")
}

/// How many attempts, how long to wait between them, and how long in total.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt, before jitter; it doubles each time.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub cap: Duration,
    /// No attempt starts after this much time has passed since the first.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(20),
            max_elapsed: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// The policy with `max_retries` retries (the provider block's `max_retries`).
    pub fn with_max_retries(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts: max_retries.saturating_add(1),
            ..RetryPolicy::default()
        }
    }

    /// The largest wait before attempt `attempt + 1` (`attempt` counts from 1): the base
    /// doubled per attempt, capped.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The wait before the next attempt after `attempt` failed ones ("full jitter": uniform
    /// between zero and the ceiling), or `None` when no attempt is left (by count or by time,
    /// `elapsed` being the time since the first attempt started).
    pub fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        rng: &mut impl Rng,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts.max(1) {
            return None;
        }
        let ceiling = self.ceiling(attempt);
        let ms = ceiling.as_millis().min(u128::from(u64::MAX)) as u64;
        let delay = Duration::from_millis(rng.gen_range(0..=ms));
        if elapsed.saturating_add(delay) >= self.max_elapsed {
            return None;
        }
        Some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn err(kind: ErrorKind, status: Option<u16>, code: &str) -> AwsError {
        AwsError {
            kind,
            service: "ec2",
            action: "DescribeVpcs".into(),
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
        }
    }

    #[test]
    fn classifies_failures() {
        assert!(is_retryable(&err(
            ErrorKind::Api,
            Some(503),
            "RequestLimitExceeded"
        )));
        assert!(is_retryable(&err(ErrorKind::Api, Some(400), "Throttling")));
        assert!(is_retryable(&err(ErrorKind::Api, Some(500), "Whatever")));
        assert!(is_retryable(&err(
            ErrorKind::Transport,
            None,
            "ConnectError"
        )));
        assert!(!is_retryable(&err(
            ErrorKind::Api,
            Some(400),
            "InvalidParameterValue"
        )));
        assert!(!is_retryable(&err(ErrorKind::Config, None, "x")));
        assert!(certainly_not_done(&err(
            ErrorKind::Api,
            Some(400),
            "Throttling"
        )));
        assert!(!certainly_not_done(&err(
            ErrorKind::Api,
            Some(500),
            "InternalError"
        )));
    }

    #[test]
    fn backoff_is_capped_exponential_with_jitter() {
        let p = RetryPolicy {
            max_attempts: 30,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(3600),
        };
        assert_eq!(p.ceiling(1), Duration::from_millis(100));
        assert_eq!(p.ceiling(2), Duration::from_millis(200));
        assert_eq!(p.ceiling(4), Duration::from_millis(800));
        assert_eq!(p.ceiling(20), Duration::from_secs(5));
        assert_eq!(p.ceiling(200), Duration::from_secs(5));
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let delays: Vec<Duration> = (1..30)
            .map(|a| p.next_delay(a, Duration::ZERO, &mut rng).unwrap())
            .collect();
        assert!(delays.iter().zip(1..).all(|(d, a)| *d <= p.ceiling(a)));
        // Jitter: the waits are not all at the ceiling.
        assert!(delays.iter().zip(1..).any(|(d, a)| *d < p.ceiling(a)));
    }

    #[test]
    fn bounded_in_attempts_and_time() {
        let p = RetryPolicy::with_max_retries(2);
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        assert!(p.next_delay(1, Duration::ZERO, &mut rng).is_some());
        assert!(p.next_delay(2, Duration::ZERO, &mut rng).is_some());
        assert!(p.next_delay(3, Duration::ZERO, &mut rng).is_none());
        let p = RetryPolicy::default();
        assert!(p.next_delay(1, p.max_elapsed, &mut rng).is_none());
    }
}
