//! `ClientBuilder`: the settings of a client, checked once when it is built.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::auth::Credential;
use crate::client::{Client, Inner};
use crate::paginate::DEFAULT_MAX_PAGES;
use crate::rate_limit::{RateLimit, RateLimiter};
use crate::request::Security;
use crate::response::ResponseLimits;
use crate::retry::RetryPolicy;
use crate::value::{self, Style};

/// The timeout applied to each request unless the builder sets another.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What a generated crate knows about its API from the spec: default server, security
/// requirements, rate limits and client-wide settings. Generated code declares one as a
/// constant and starts every [`ClientBuilder`] from it.
#[derive(Debug, Clone, Copy)]
pub struct ApiDescription {
    user_agent: &'static str,
    default_base_url: Option<&'static str>,
    security: Option<Security>,
    rate_limit: Option<RateLimit>,
    operation_rate_limits: &'static [OperationRateLimit],
    settings: &'static [Setting],
}

/// The request budget of one operation (`x-rate-limit` on the operation).
#[derive(Debug, Clone, Copy)]
pub struct OperationRateLimit {
    method: &'static str,
    path: &'static str,
    limit: RateLimit,
}

impl OperationRateLimit {
    /// `limit` for the operation `method path_template` (method in upper case).
    pub const fn new(method: &'static str, path: &'static str, limit: RateLimit) -> Self {
        Self {
            method,
            path,
            limit,
        }
    }
}

/// A header that every operation of the spec carries, set once on the builder.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    method: &'static str,
    header: &'static str,
    required: bool,
}

impl Setting {
    /// The header `header`, set with the generated builder method `method`.
    pub const fn new(method: &'static str, header: &'static str, required: bool) -> Self {
        Self {
            method,
            header,
            required,
        }
    }
}

impl ApiDescription {
    /// An API with no default server, no security, no limits and no settings.
    pub const fn new(user_agent: &'static str) -> Self {
        Self {
            user_agent,
            default_base_url: None,
            security: None,
            rate_limit: None,
            operation_rate_limits: &[],
            settings: &[],
        }
    }

    /// The server requests go to unless the builder sets another.
    pub const fn default_base_url(mut self, url: &'static str) -> Self {
        self.default_base_url = Some(url);
        self
    }

    /// The spec-wide security requirements.
    pub const fn security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    /// The spec-wide request budget.
    pub const fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Request budgets of single operations.
    pub const fn operation_rate_limits(mut self, limits: &'static [OperationRateLimit]) -> Self {
        self.operation_rate_limits = limits;
        self
    }

    /// Client-wide header settings.
    pub const fn settings(mut self, settings: &'static [Setting]) -> Self {
        self.settings = settings;
        self
    }
}

/// The builder was given settings that cannot make a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No base URL was set and the spec declares no usable default server.
    #[error("no base URL: set one with `.base_url(..)`")]
    MissingBaseUrl,
    /// The base URL does not parse as an absolute http(s) URL.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A server variable's value cannot be put into the server URL.
    #[error("the value {value:?} given to `.{method}(..)` cannot fill the server variable `{variable}`: {reason}")]
    InvalidServerVariable {
        /// The builder method that was given it.
        method: &'static str,
        /// The variable of the spec's server URL.
        variable: &'static str,
        /// The value as given.
        value: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A token URL given to the builder does not parse as an absolute http(s) URL.
    #[error("invalid token URL {url:?}: {reason}")]
    InvalidTokenUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A setting every request needs was not given.
    #[error("the `{header}` header is required by every operation: set it with `.{method}(..)`")]
    MissingSetting {
        /// The builder method that sets it.
        method: &'static str,
        /// The header it fills.
        header: &'static str,
    },
    /// A setting's value cannot be sent in a header (it contains CR or LF, for example).
    #[error(
        "the value given to `.{method}(..)` cannot be sent as the `{header}` header: {reason}"
    )]
    InvalidSetting {
        /// The builder method that was given it.
        method: &'static str,
        /// The header it fills.
        header: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The underlying HTTP client could not be created (for example TLS setup failed).
    #[error("could not create the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Builds a [`Client`]. Generated crates wrap it in their own `ClientBuilder`, which names
/// the spec's credentials and settings.
#[must_use]
pub struct ClientBuilder {
    description: ApiDescription,
    base_url: Option<String>,
    server_error: Option<BuildError>,
    credentials: Vec<(&'static str, Credential)>,
    /// Token endpoints that replace the spec's, by security scheme.
    token_urls: Vec<(&'static str, String)>,
    settings: Vec<(&'static str, Result<String, String>)>,
    timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    rate_limiting: bool,
    /// The most pages a `.pages()`/`.items()` stream fetches.
    max_pages: u32,
    limits: ResponseLimits,
    /// The cap on requests in flight at once, if any.
    max_concurrent_requests: Option<usize>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("token_urls", &self.token_urls)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("rate_limiting", &self.rate_limiting)
            .field("max_pages", &self.max_pages)
            .field("limits", &self.limits)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the spec's defaults: its server, 30 s timeout, 2 retries within 2
    /// minutes, its rate limits on, and response bodies of at most 32 MiB.
    pub fn new(description: ApiDescription) -> Self {
        Self {
            description,
            base_url: description.default_base_url.map(str::to_owned),
            server_error: None,
            credentials: Vec::new(),
            token_urls: Vec::new(),
            settings: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            user_agent: description.user_agent.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            rate_limiting: true,
            max_pages: DEFAULT_MAX_PAGES,
            limits: ResponseLimits::default(),
            max_concurrent_requests: None,
        }
    }

    /// Sends requests to this base URL instead of the spec's default server (a region, a
    /// proxy, or a local test server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self.server_error = None;
        self
    }

    /// Sends requests to the spec's templated server: each `{variable}` of `template` is
    /// replaced by its value. `method` is the generated builder method, named in errors.
    ///
    /// A value must be non-empty and free of whitespace, control characters and the
    /// characters that would change the URL's structure (`/ ? # @ { } \`); otherwise
    /// [`ClientBuilder::build`] fails with [`BuildError::InvalidServerVariable`].
    pub fn server(
        mut self,
        method: &'static str,
        template: &str,
        values: &[(&'static str, &str)],
    ) -> Self {
        let mut url = template.to_owned();
        self.server_error = None;
        for &(variable, value) in values {
            if let Some(reason) = unusable_server_value(value) {
                self.server_error = Some(BuildError::InvalidServerVariable {
                    method,
                    variable,
                    value: value.to_owned(),
                    reason,
                });
                return self;
            }
            url = url.replace(&format!("{{{variable}}}"), value);
        }
        self.base_url = Some(url);
        self
    }

    /// Uses `credential` for the security scheme named `scheme` in the spec, replacing any
    /// credential set for it before.
    pub fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, credential));
        self
    }

    /// Sends the token exchange of the security scheme `scheme` to `url` instead of the
    /// outside endpoint the spec names (a private endpoint, or a local test server). It
    /// applies whenever that scheme's credential is an exchange with an outside endpoint, set
    /// before or after this call; [`ClientBuilder::build`] fails if `url` is not an absolute
    /// http(s) URL.
    pub fn token_url(mut self, scheme: &'static str, url: impl Into<String>) -> Self {
        self.token_urls.retain(|(name, _)| *name != scheme);
        self.token_urls.push((scheme, url.into()));
        self
    }

    /// Sends `value` in the `header` header of every request, in OpenAPI's default header
    /// style (`simple`: arrays comma-separated).
    pub fn setting<T: Serialize + ?Sized>(self, header: &'static str, value: &T) -> Self {
        self.setting_with(header, value, Style::Simple { explode: false })
    }

    /// Sends `value` in the `header` header of every request, written in `style` (`simple`
    /// or JSON).
    pub fn setting_with<T: Serialize + ?Sized>(
        mut self,
        header: &'static str,
        value: &T,
        style: Style,
    ) -> Self {
        let value = match value::header(value, style) {
            Ok(Some(text)) => Ok(text),
            Ok(None) => Err("it has no value".to_owned()),
            Err(err) => Err(err),
        };
        self.settings.retain(|(name, _)| *name != header);
        self.settings.push((header, value));
        self
    }

    /// The time one attempt may take, from sending to the last byte of the response
    /// (default: 30 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The most bytes a response body read whole may have (default: 32 MiB): the body of
    /// every `send()`, success and error statuses alike, and of every page of `pages()` and
    /// `items()`. A `Content-Length` above it fails before anything is read, and reading
    /// stops as soon as more arrives; either is [`crate::Error::BodyTooLarge`], not retried.
    /// Streamed downloads have their own limit, [`ClientBuilder::max_download_bytes`].
    /// `u64::MAX` lifts the limit; a generated request builder's `.max_response_bytes(..)`
    /// sets it for one call.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.limits.max_response_bytes = limit;
        self
    }

    /// The most bytes a streamed download (`send_stream()`) may have (default: no limit).
    /// A `Content-Length` above it fails before the stream is returned; once more arrives,
    /// the stream yields [`crate::Error::BodyTooLarge`] and ends. A generated request
    /// builder's `.max_download_bytes(..)` sets it for one call.
    pub fn max_download_bytes(mut self, limit: u64) -> Self {
        self.limits.max_download_bytes = Some(limit);
        self
    }

    /// The time the body of a streamed download (`send_stream()`) may take in all, counted
    /// from when the stream is returned, read or not (default: none, so a body that keeps
    /// trickling in never times out). Beside it, [`ClientBuilder::timeout`] still bounds the
    /// wait for the response head and for each chunk. When it passes, the stream yields
    /// [`crate::Error::Timeout`] and ends.
    pub fn download_timeout(mut self, timeout: Duration) -> Self {
        self.limits.download_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default: the generated crate's name and version). Ignored when
    /// a ready HTTP client is given with [`ClientBuilder::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses a ready `reqwest::Client` (its proxy, TLS and pool settings) instead of creating one.
    ///
    /// Its redirect policy applies, and the client cannot see or change it: reqwest's
    /// default follows up to 10 redirects itself and, when the host changes, drops only
    /// `Authorization` and `Cookie`, so an API key in another header or in the query (through
    /// `Referer`) would reach the other host. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())` to have redirects followed by this
    /// client, which sends no credential to another origin; `.referer(false)` too, as this
    /// client's own does.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// At most `n` requests of this client (and its clones, which share the cap) in flight at
    /// once (default: no cap). A request holds its slot from sending to the last byte of its
    /// response body; a streamed download (`send_stream()`) until the stream ends or is
    /// dropped, so a stream held unread keeps its slot. Further requests wait for a slot
    /// (the wait does not count against the timeout) before each attempt, after any
    /// rate-limit wait; retries and redirects give the slot back while they wait. Kept-alive
    /// connections are reused as usual, with at most `n` idle per host (when this client
    /// creates the HTTP client). `n` of 0 is taken as 1.
    pub fn max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent_requests = Some(n.clamp(1, Semaphore::MAX_PERMITS));
        self
    }

    /// How many times a failed attempt is retried (default: 2; 0 turns retrying off).
    ///
    /// Connection failures, 429, 502, 503 and 504 are retried: any method on 429 or when the
    /// connection could not be opened, only GET, HEAD, PUT, DELETE, OPTIONS and TRACE
    /// otherwise. Waits grow exponentially with jitter, or follow the `Retry-After` header.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// No retry starts or waits past this much time after the first attempt (default:
    /// 2 minutes); an attempt started before it is cut short to end by it.
    pub fn retry_deadline(mut self, deadline: Duration) -> Self {
        self.retry.deadline = deadline;
        self
    }

    /// The wait before the first retry (default: 500 ms), doubled for each further one up
    /// to `max` (default: 8 s), unless the server's `Retry-After` asks for another.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` the client waits out before a retry (default: 30 seconds).
    /// A 429 or 503 asking for longer is not retried: the call ends at once with
    /// [`crate::Error::Api`], whose [`crate::ApiError::retry_after`] holds the server's wait,
    /// so the caller can decide when to come back. Waits also end by the retry deadline.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// The most pages one `.pages()` or `.items()` stream fetches (default: 10,000): a list
    /// that is not over by then ends with [`crate::Error::Pagination`] instead of another
    /// request. A stream's own `.max_pages(..)` ([`crate::Pages::max_pages`]) overrides it.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages;
        self
    }

    /// Whether requests wait to stay within the rate limits the spec declares (default: on).
    /// The budget is shared by every clone of the client.
    pub fn rate_limiting(mut self, enabled: bool) -> Self {
        self.rate_limiting = enabled;
        self
    }

    /// Checks the settings and creates the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if let Some(error) = self.server_error {
            return Err(error);
        }
        let base_url = self.base_url.ok_or(BuildError::MissingBaseUrl)?;
        if let Some(reason) = unusable_url(&base_url) {
            return Err(BuildError::InvalidBaseUrl {
                url: base_url,
                reason,
            });
        }
        let settings = settings(self.description.settings, self.settings)?;
        let credentials = with_token_urls(self.credentials, self.token_urls)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                // Redirects are followed by `Client`, which keeps credentials to the origin
                // they were meant for; no `Referer` carries a URL (and its query) elsewhere.
                let http = reqwest::Client::builder()
                    .user_agent(self.user_agent.as_str())
                    .redirect(reqwest::redirect::Policy::none())
                    .referer(false);
                match self.max_concurrent_requests {
                    Some(n) => http.pool_max_idle_per_host(n),
                    None => http,
                }
                .build()?
            }
        };
        let limiter = self
            .description
            .rate_limit
            .filter(|_| self.rate_limiting)
            .map(RateLimiter::new);
        let operation_limiters = if self.rate_limiting {
            self.description
                .operation_rate_limits
                .iter()
                .map(|op| (op.method, op.path, RateLimiter::new(op.limit)))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: base_url.trim_end_matches('/').to_owned(),
                timeout: self.timeout,
                retry: self.retry,
                credentials,
                security: self.description.security,
                settings,
                limiter,
                operation_limiters,
                max_pages: self.max_pages,
                limits: self.limits,
                in_flight: self
                    .max_concurrent_requests
                    .map(|n| Arc::new(Semaphore::new(n))),
            }),
        })
    }
}

/// Why `url` cannot be a base or token URL, if it cannot.
fn unusable_url(url: &str) -> Option<String> {
    match reqwest::Url::parse(url) {
        Err(err) => Some(err.to_string()),
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() => {
            Some("expected an absolute http or https URL".to_owned())
        }
        Ok(_) => None,
    }
}

/// The credentials with each outside token exchange sent to the URL given for its scheme.
/// Credentials are only built here, so no token has been fetched for the replaced ones.
fn with_token_urls(
    mut credentials: Vec<(&'static str, Credential)>,
    token_urls: Vec<(&'static str, String)>,
) -> Result<Vec<(&'static str, Credential)>, BuildError> {
    for (scheme, url) in token_urls {
        if let Some(reason) = unusable_url(&url) {
            return Err(BuildError::InvalidTokenUrl { url, reason });
        }
        for (_, credential) in credentials.iter_mut().filter(|(name, _)| *name == scheme) {
            let Credential::Tokens(cache) = credential else {
                continue;
            };
            let Some(exchange) = cache.exchange().filter(|e| e.is_outside()) else {
                continue;
            };
            *credential = Credential::exchange(exchange.clone().with_url(url.clone()));
        }
    }
    Ok(credentials)
}

/// Why `value` cannot fill a server variable, if it cannot.
fn unusable_server_value(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("it is empty")
    } else if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "/?#@{}\\".contains(c))
    {
        Some("it contains whitespace, a control character or one of / ? # @ { } \\")
    } else {
        None
    }
}

/// Checks the setting values against the spec's settings: each required one given, each
/// value sendable in a header.
fn settings(
    declared: &[Setting],
    given: Vec<(&'static str, Result<String, String>)>,
) -> Result<Vec<(HeaderName, HeaderValue)>, BuildError> {
    let method_of = |header: &'static str| {
        declared
            .iter()
            .find(|s| s.header == header)
            .map_or(header, |s| s.method)
    };
    if let Some(missing) = declared
        .iter()
        .find(|s| s.required && !given.iter().any(|(header, _)| *header == s.header))
    {
        return Err(BuildError::MissingSetting {
            method: missing.method,
            header: missing.header,
        });
    }
    let mut headers = Vec::new();
    for (header, value) in given {
        let invalid = |reason: String| BuildError::InvalidSetting {
            method: method_of(header),
            header,
            reason,
        };
        let value = value.map_err(invalid)?;
        let name = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| invalid("not a valid header name".to_owned()))?;
        let value = HeaderValue::from_str(&value).map_err(|_| {
            invalid("it contains a character not allowed in a header (such as CR or LF)".to_owned())
        })?;
        headers.push((name, value));
    }
    Ok(headers)
}
