use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, COOKIE};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use futures_util::future::BoxFuture;
use reqwest::Method;
use serde_json::Value;

use crate::auth::{AccessToken, ApiKeyLocation, Credential, TokenCache, TokenExchange};
use crate::error::{BoxError, Error};
use crate::rate_limit::RateLimiter;
use crate::request::{Request, Security};
use crate::response::Response;
use crate::retry::{retry_after, RetryPolicy};
use crate::value::{cookie_name, cookie_value};

/// A configured connection to one API: base URL, credentials, retries, rate limits.
///
/// Cheap to clone: clones share the connection pool, the token cache and the rate-limit
/// budget. Generated clients wrap one; create it with [`crate::ClientBuilder`].
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    /// Credentials by security scheme name.
    pub(crate) credentials: Vec<(&'static str, Credential)>,
    /// The spec-wide security requirements (operations may override them).
    pub(crate) security: Option<Security>,
    /// Headers every request carries (the spec's client-wide settings).
    pub(crate) settings: Vec<(HeaderName, HeaderValue)>,
    /// The spec-wide request budget, unless rate limiting is off.
    pub(crate) limiter: Option<RateLimiter>,
    /// Budgets of single operations: method, path template, bucket.
    pub(crate) operation_limiters: Vec<(&'static str, &'static str, RateLimiter)>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self.inner.credentials.iter().map(|(s, _)| *s).collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &schemes)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("rate_limited", &self.inner.limiter.is_some())
            .finish_non_exhaustive()
    }
}

/// What one attempt produced.
enum Attempt {
    Response(Response),
    Failed(reqwest::Error),
}

impl Client {
    /// The base URL every operation path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request, retrying as the client's policy allows, and reads the whole response.
    ///
    /// Any status is a successful execution here; the operation decides what the status means
    /// when it decodes the [`Response`].
    pub async fn execute<E: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response, Error<E>> {
        self.send(&request).await
    }

    pub(crate) async fn send<E>(&self, request: &Request) -> Result<Response, Error<E>> {
        if let Some(problem) = &request.problem {
            return Err(Error::InvalidRequest(problem.clone()));
        }
        let url = format!("{}{}", self.inner.base_url, request.path_and_query());
        let url = reqwest::Url::parse(&url)
            .map_err(|err| Error::InvalidRequest(format!("invalid URL {url:?}: {err}")))?;
        let body = match &request.body {
            Some(value) => Some(bytes::Bytes::from(
                serde_json::to_vec(value)
                    .map_err(|err| Error::InvalidRequest(format!("request body: {err}")))?,
            )),
            None => None,
        };
        let mut headers = Vec::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            headers.push((header_name(name)?, header_value(name, value)?));
        }

        let retry = &self.inner.retry;
        let started = Instant::now();
        let mut attempts = 0;
        let mut retries = 0;
        let mut refreshed_token = false;
        loop {
            attempts += 1;
            self.wait_for_rate_limits(request).await;
            let mut builder = self
                .inner
                .http
                .request(request.method.clone(), url.clone())
                .timeout(self.attempt_timeout(started));
            for (name, value) in &self.inner.settings {
                builder = builder.header(name, value);
            }
            // Cookies go in one header, which `authorize` writes with any cookie credential.
            for (name, value) in headers.iter().filter(|(name, _)| *name != COOKIE) {
                builder = builder.header(name, value);
            }
            let (builder, token) = self.authorize(request, builder).await?;
            let mut builder = builder;
            if let Some(body) = &body {
                builder = builder
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body.clone());
            }

            let span = tracing::info_span!(
                "http_request",
                method = %request.method,
                path = %request.path_template,
                attempt = attempts,
                status = tracing::field::Empty,
            );
            let outcome = async {
                match builder.send().await {
                    Ok(response) => {
                        let status = response.status();
                        tracing::Span::current().record("status", status.as_u16());
                        let headers = response.headers().clone();
                        match response.bytes().await {
                            Ok(body) => {
                                Attempt::Response(Response::new(status, headers, body, attempts))
                            }
                            Err(err) => Attempt::Failed(err),
                        }
                    }
                    Err(err) => Attempt::Failed(err),
                }
            }
            .instrument(span)
            .await;

            let wait = match &outcome {
                Attempt::Response(response) => {
                    let status = response.status();
                    if status == reqwest::StatusCode::UNAUTHORIZED && !refreshed_token {
                        if let Some((cache, generation)) = &token {
                            // The token was refused (revoked, or expired early): fetch a new
                            // one once and try again; this is not a retry of the budget.
                            cache.invalidate(*generation).await;
                            refreshed_token = true;
                            tracing::debug!("access token refused; fetching a new one");
                            continue;
                        }
                    }
                    (retries < retry.max_retries && retry.retries_status(&request.method, status))
                        .then(|| {
                            retry_after(response.headers(), SystemTime::now())
                                .unwrap_or_else(|| retry.backoff(retries + 1))
                        })
                }
                Attempt::Failed(err) => (retries < retry.max_retries
                    && retry.retries_transport(&request.method, err))
                .then(|| retry.backoff(retries + 1)),
            };
            let wait = wait.filter(|wait| {
                started
                    .elapsed()
                    .checked_add(*wait)
                    .is_some_and(|resumed| resumed < retry.deadline)
            });
            match (wait, outcome) {
                (Some(wait), outcome) => {
                    let reason = match &outcome {
                        Attempt::Response(response) => format!("HTTP {}", response.status()),
                        Attempt::Failed(err) => strip_url(err),
                    };
                    tracing::debug!(
                        path = %request.path_template,
                        attempt = attempts,
                        wait_ms = wait.as_millis() as u64,
                        %reason,
                        "retrying"
                    );
                    retries += 1;
                    tokio::time::sleep(wait).await;
                }
                (None, Attempt::Response(response)) => return Ok(response),
                (None, Attempt::Failed(err)) => {
                    return Err(Error::from_reqwest(err.without_url(), attempts))
                }
            }
        }
    }

    /// The time the next attempt may take: the client's timeout, cut short so that it ends by
    /// the retry deadline.
    fn attempt_timeout(&self, started: Instant) -> Duration {
        let left = self.inner.retry.deadline.saturating_sub(started.elapsed());
        self.inner.timeout.min(left.max(Duration::from_millis(1)))
    }

    async fn wait_for_rate_limits(&self, request: &Request) {
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire().await;
        }
        let method = request.method.as_str();
        for (op_method, path, limiter) in &self.inner.operation_limiters {
            if *op_method == method && *path == request.path_template {
                limiter.acquire().await;
            }
        }
    }

    /// Adds the credentials the request's security requirements call for. A token from a
    /// provider is returned with its generation, so a 401 can invalidate exactly that token.
    async fn authorize<E>(
        &self,
        request: &Request,
        mut builder: reqwest::RequestBuilder,
    ) -> Result<(reqwest::RequestBuilder, Option<(Arc<TokenCache>, u64)>), Error<E>> {
        let mut token = None;
        let mut cookies: Vec<String> = request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
            .map(|(_, value)| value.clone())
            .collect();
        let mut secret_cookie = false;
        for credential in self.credentials_for(request) {
            builder = match credential {
                Credential::Bearer(secret) => {
                    builder.header(AUTHORIZATION, bearer(secret.expose())?)
                }
                Credential::Tokens(cache) => {
                    let (secret, generation) = cache.current(self).await.map_err(Error::Auth)?;
                    token = Some((cache.clone(), generation));
                    builder.header(AUTHORIZATION, bearer(secret.expose())?)
                }
                Credential::Basic { username, password } => {
                    builder.basic_auth(username, Some(password.expose()))
                }
                Credential::ApiKey {
                    location: ApiKeyLocation::Header,
                    name,
                    value,
                } => {
                    let mut header = header_value(name, value.expose())?;
                    header.set_sensitive(true);
                    builder.header(header_name(name)?, header)
                }
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    value,
                } => builder.query(&[(name, value.expose())]),
                Credential::ApiKey {
                    location: ApiKeyLocation::Cookie,
                    name,
                    value,
                } => {
                    cookies.push(format!(
                        "{}={}",
                        cookie_name(name),
                        cookie_value(value.expose())
                    ));
                    secret_cookie = true;
                    builder
                }
            };
        }
        if !cookies.is_empty() {
            let mut header = header_value("Cookie", &cookies.join("; "))?;
            header.set_sensitive(secret_cookie);
            builder = builder.header(COOKIE, header);
        }
        Ok((builder, token))
    }

    /// Obtains a token from the API's token operation. Boxed, because sending the exchange
    /// request goes through [`Client::send`] again (with the exchange's own credentials).
    pub(crate) fn exchange_token<'a>(
        &'a self,
        exchange: &'a TokenExchange,
    ) -> BoxFuture<'a, Result<AccessToken, BoxError>> {
        Box::pin(async move {
            let method = Method::from_bytes(exchange.method.as_bytes())?;
            // Without stated security the exchange sends no credential: it must never ask for
            // the token it is fetching.
            let mut request =
                Request::new(method, exchange.path).security(exchange.security.unwrap_or(&[]));
            if let Some(accept) = exchange.accept {
                request = request.header("Accept", accept);
            }
            let response = self.send::<Value>(&request).await?.success::<Value>()?;
            let json: Value = response.decode::<Value, Value>(response.body())?;
            let token = json
                .pointer(exchange.token)
                .and_then(Value::as_str)
                .filter(|token| !token.is_empty())
                .ok_or_else(|| {
                    format!(
                        "the token response of `{} {}` has no token at `{}`",
                        exchange.method, exchange.path, exchange.token
                    )
                })?;
            let expires_in = exchange
                .expires_in
                .and_then(|pointer| json.pointer(pointer))
                .and_then(Value::as_u64)
                .map(Duration::from_secs)
                .or(exchange.lifetime);
            Ok(AccessToken::new(token, expires_in))
        })
    }

    /// The configured credentials of the first satisfiable alternative of the request's
    /// security requirements (all credentials when the spec states none).
    fn credentials_for(&self, request: &Request) -> Vec<&Credential> {
        let configured = |scheme: &str| {
            self.inner
                .credentials
                .iter()
                .find(|(name, _)| *name == scheme)
                .map(|(_, credential)| credential)
        };
        let Some(alternatives) = request.security.or(self.inner.security) else {
            return self.inner.credentials.iter().map(|(_, c)| c).collect();
        };
        alternatives
            .iter()
            .filter(|schemes| !schemes.is_empty())
            .find_map(|schemes| {
                schemes
                    .iter()
                    .map(|s| configured(s))
                    .collect::<Option<Vec<_>>>()
            })
            .unwrap_or_default()
    }
}

/// A transport error's message without its URL (which may carry an API key in its query).
fn strip_url(err: &reqwest::Error) -> String {
    let text = err.to_string();
    match err.url() {
        Some(url) => text.replace(url.as_str(), "<url>"),
        None => text,
    }
}

fn bearer<E>(token: &str) -> Result<HeaderValue, Error<E>> {
    let mut value = header_value("Authorization", &format!("Bearer {token}"))?;
    value.set_sensitive(true);
    Ok(value)
}

pub(crate) fn header_name<E>(name: &str) -> Result<HeaderName, Error<E>> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))
}

/// Header values are checked before anything is sent: a CR or LF would split the header.
pub(crate) fn header_value<E>(name: &str, value: &str) -> Result<HeaderValue, Error<E>> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidRequest(format!(
            "the value of header `{name}` contains a character not allowed in a header (such as CR or LF)"
        ))
    })
}
