//! When a failed attempt is sent again, and after how long.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// How requests are retried. Set through the client builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub(crate) max_retries: u32,
    /// No retry starts (or waits) past this much time after the first attempt.
    pub(crate) deadline: Duration,
    /// The wait before the first retry; it doubles for each further retry.
    pub(crate) initial_backoff: Duration,
    /// The longest wait between two attempts, unless the server asks for longer.
    pub(crate) max_backoff: Duration,
    /// The longest `Retry-After` waited out; a response asking for longer is returned.
    pub(crate) max_retry_after: Duration,
}

/// The longest `Retry-After` waited out unless the builder sets another: as long as the
/// default timeout of one attempt. A server asking for a minute (`Retry-After: 59`, twice,
/// held a call for 118 s) gets its answer to the caller at once instead.
pub(crate) const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            deadline: Duration::from_secs(120),
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

/// Methods that may be sent twice without doing twice what they do.
fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

impl RetryPolicy {
    /// Whether a response with this status is worth another attempt: 429 for any method (the
    /// server did not process it), 502, 503 and 504 for idempotent methods.
    pub(crate) fn retries_status(&self, method: &Method, status: StatusCode) -> bool {
        match status.as_u16() {
            429 => true,
            502..=504 => idempotent(method),
            _ => false,
        }
    }

    /// Whether a transport failure is worth another attempt: a connection that could not be
    /// opened for any method (nothing was sent), any other failure but a timeout for
    /// idempotent methods.
    pub(crate) fn retries_transport(&self, method: &Method, err: &reqwest::Error) -> bool {
        if err.is_timeout() || err.is_builder() || err.is_redirect() {
            return false;
        }
        err.is_connect() || idempotent(method)
    }

    /// The wait before retrying a response with a retryable status, as retry number `retry`:
    /// the server's `Retry-After`, or the backoff without one. `None` when the server asks for
    /// longer than `max_retry_after`: the response goes to the caller, who can read the wait
    /// in the [`crate::ApiError`].
    pub(crate) fn wait_after_response(&self, headers: &HeaderMap, retry: u32) -> Option<Duration> {
        match retry_after(headers, SystemTime::now()) {
            Some(asked) if asked > self.max_retry_after => {
                tracing::debug!(
                    retry_after_s = asked.as_secs(),
                    max_retry_after_s = self.max_retry_after.as_secs(),
                    "Retry-After longer than the client waits; not retrying"
                );
                None
            }
            Some(asked) => Some(asked),
            None => Some(self.backoff(retry)),
        }
    }

    /// The wait before retry number `retry` (1-based): exponential, capped, with jitter
    /// between half and all of it so that clients that failed together do not retry together.
    // Not `backon`: its jitter adds up to the whole delay again ([d, 2d), past `max_backoff`),
    // where this takes half to all of it and never passes the cap; the schedule is 3 lines.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let full = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        full.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("3"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:47 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:00 GMT"), now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff(30);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
    }

    #[test]
    fn a_retry_after_longer_than_the_cap_is_not_waited_out() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        };
        assert_eq!(
            policy.wait_after_response(&headers("30"), 1),
            Some(Duration::from_secs(30))
        );
        assert_eq!(policy.wait_after_response(&headers("59"), 1), None);
        let raised = RetryPolicy {
            max_retry_after: Duration::from_secs(60),
            ..policy
        };
        assert_eq!(
            raised.wait_after_response(&headers("59"), 1),
            Some(Duration::from_secs(59))
        );
        let backoff = policy.wait_after_response(&HeaderMap::new(), 1);
        assert!(backoff.is_some_and(|wait| wait <= Duration::from_millis(100)));
    }

    #[test]
    fn only_idempotent_methods_retry_server_errors() {
        let policy = RetryPolicy::default();
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        assert!(policy.retries_status(&Method::GET, unavailable));
        assert!(policy.retries_status(&Method::DELETE, unavailable));
        assert!(!policy.retries_status(&Method::POST, unavailable));
        assert!(policy.retries_status(&Method::POST, StatusCode::TOO_MANY_REQUESTS));
        assert!(!policy.retries_status(&Method::GET, StatusCode::INTERNAL_SERVER_ERROR));
    }
}
