//! Client-side rate limiting: a GCRA limiter (`governor`) shared by the clones of a client.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::Quota;

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

/// Keeps requests within a [`RateLimit`]: a burst of the whole budget at first, then one
/// request per `period / requests`, as a token bucket refilled evenly over the period would
/// (GCRA, from the `governor` crate). Shared by the clones of a client.
///
/// Waiting callers sleep on tokio's timer until the limiter says their request fits; callers
/// that wake together are served in no particular order.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    cells: Cells<DefaultClock>,
}

impl RateLimiter {
    /// A limiter for `limit`, with its whole budget available.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            cells: Cells::new(limit, DefaultClock::default()),
        }
    }

    /// The limit it enforces.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Waits until one more request is within the limit.
    pub async fn acquire(&self) {
        // A wait of `Duration::MAX` is never refused.
        let _ = self.acquire_within(Duration::MAX).await;
    }

    /// Waits until one more request is within the limit, unless that would take longer than
    /// `max_wait`: then returns at once with the wait the limit asks for, and the budget is
    /// left untouched.
    pub async fn acquire_within(&self, max_wait: Duration) -> Result<(), Duration> {
        let give_up = tokio::time::Instant::now().checked_add(max_wait);
        loop {
            let wait = match self.cells.take() {
                Ok(()) => return Ok(()),
                Err(wait) => wait,
            };
            if let Some(give_up) = give_up {
                if wait > give_up.saturating_duration_since(tokio::time::Instant::now()) {
                    return Err(wait);
                }
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting for the client-side rate limit"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// The `governor` limiter and its clock (a fake one in tests).
struct Cells<C: Clock> {
    clock: C,
    limiter: governor::RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<C::Instant>>,
}

impl<C: Clock> std::fmt::Debug for Cells<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cells")
    }
}

impl<C: Clock + Clone> Cells<C> {
    fn new(limit: RateLimit, clock: C) -> Self {
        let burst = NonZeroU32::new(limit.requests).unwrap_or(NonZeroU32::MIN);
        // At least a nanosecond per request, so `with_period` always has a quota to give.
        let interval = (limit.period / burst.get()).max(Duration::from_nanos(1));
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(burst))
            .allow_burst(burst);
        Self {
            limiter: governor::RateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
        }
    }

    /// Takes one request from the budget, or says how long until one is there.
    fn take(&self) -> Result<(), Duration> {
        self.limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn millis(wait: Duration) -> u128 {
        (wait.as_secs_f64() * 1000.0).round() as u128
    }

    #[test]
    fn a_full_budget_allows_a_burst_then_spaces_requests() {
        let clock = FakeRelativeClock::default();
        let cells = Cells::new(RateLimit::new(2, Duration::from_secs(2)), clock.clone());
        assert_eq!(cells.take(), Ok(()));
        assert_eq!(cells.take(), Ok(()));
        // One request per second: the third waits 1 s, and asking again takes nothing.
        assert_eq!(cells.take().map_err(millis), Err(1000));
        assert_eq!(cells.take().map_err(millis), Err(1000));
        clock.advance(Duration::from_secs(1));
        assert_eq!(cells.take(), Ok(()));
        assert_eq!(cells.take().map_err(millis), Err(1000));
        // Later on, the whole budget is back, and no more.
        clock.advance(Duration::from_secs(10));
        assert_eq!(cells.take(), Ok(()));
        assert_eq!(cells.take(), Ok(()));
        assert!(cells.take().is_err());
    }

    #[test]
    fn one_request_per_three_seconds() {
        let clock = FakeRelativeClock::default();
        let cells = Cells::new(RateLimit::new(1, Duration::from_secs(3)), clock.clone());
        assert_eq!(cells.take(), Ok(()));
        clock.advance(Duration::from_secs(1));
        assert_eq!(cells.take().map_err(millis), Err(2000));
    }

    #[test]
    fn zero_budgets_are_one_request_per_second() {
        let clock = FakeRelativeClock::default();
        let cells = Cells::new(RateLimit::new(0, Duration::ZERO), clock.clone());
        assert_eq!(cells.take(), Ok(()));
        assert_eq!(cells.take().map_err(millis), Err(1000));
    }

    #[tokio::test]
    async fn a_wait_longer_than_allowed_is_refused_at_once_and_takes_nothing() {
        let limiter = RateLimiter::new(RateLimit::new(1, Duration::from_secs(60)));
        limiter.acquire().await;
        let started = std::time::Instant::now();
        let refused = limiter.acquire_within(Duration::from_secs(1)).await;
        assert!(matches!(refused, Err(wait) if wait > Duration::from_secs(58)));
        assert!(started.elapsed() < Duration::from_secs(1));
        // Refusing took nothing: the next request still waits for the same one.
        let again = limiter.acquire_within(Duration::ZERO).await;
        assert!(matches!(again, Err(wait) if wait > Duration::from_secs(58)));
    }
}
