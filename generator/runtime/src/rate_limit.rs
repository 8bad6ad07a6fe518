//! Client-side rate limiting: a token bucket shared by the clones of a client.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A request budget: at most `requests` per `period`, as a spec's `x-rate-limit` declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    period: Duration,
}

impl RateLimit {
    /// `requests` per `period` (a budget of 0 requests or an empty period is treated as 1
    /// request per period and as one second).
    pub const fn new(requests: u32, period: Duration) -> Self {
        Self {
            requests: if requests == 0 { 1 } else { requests },
            period: if period.is_zero() {
                Duration::from_secs(1)
            } else {
                period
            },
        }
    }

    /// Requests allowed per period.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }
}

/// A token bucket: full at first (a burst of the whole budget is allowed), refilled evenly
/// over the period. Waiting callers reserve their token, so they are served in turn.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Tokens available; negative when callers are waiting for tokens not yet refilled.
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A full bucket for `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(limit.requests),
                updated: Instant::now(),
            }),
        }
    }

    /// The limit it enforces.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Waits until one more request is within the limit.
    pub async fn acquire(&self) {
        let wait = self.reserve(Instant::now());
        if !wait.is_zero() {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting for the client-side rate limit"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Takes a token and says how long to wait until it is really there.
    fn reserve(&self, now: Instant) -> Duration {
        let capacity = f64::from(self.limit.requests);
        let per_second = capacity / self.limit.period.as_secs_f64();
        // A poisoned lock only means another caller panicked mid-update; the bucket's numbers
        // are still usable.
        let mut bucket = self
            .bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        bucket.tokens -= 1.0;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(-bucket.tokens / per_second).unwrap_or(Duration::MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(wait: Duration) -> u128 {
        (wait.as_secs_f64() * 1000.0).round() as u128
    }

    #[test]
    fn a_full_bucket_allows_a_burst_then_spaces_requests() {
        let limiter = RateLimiter::new(RateLimit::new(2, Duration::from_secs(2)));
        let now = Instant::now();
        assert_eq!(limiter.reserve(now), Duration::ZERO);
        assert_eq!(limiter.reserve(now), Duration::ZERO);
        // One token per second: the third waits 1 s, the fourth 2 s.
        assert_eq!(millis(limiter.reserve(now)), 1000);
        assert_eq!(millis(limiter.reserve(now)), 2000);
        // Later on, the bucket has refilled.
        let later = now + Duration::from_secs(10);
        assert_eq!(limiter.reserve(later), Duration::ZERO);
    }

    #[test]
    fn one_request_per_three_seconds() {
        let limiter = RateLimiter::new(RateLimit::new(1, Duration::from_secs(3)));
        let now = Instant::now();
        assert_eq!(limiter.reserve(now), Duration::ZERO);
        assert_eq!(millis(limiter.reserve(now + Duration::from_secs(1))), 2000);
    }
}
