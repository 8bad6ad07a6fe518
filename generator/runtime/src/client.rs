use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, COOKIE};
use tracing::Instrument;

use futures_util::future::BoxFuture;
use reqwest::Method;
use serde_json::Value;

use crate::auth::{
    AccessToken, ApiKeyLocation, Credential, ExchangeParam, FormValue, TokenCache, TokenExchange,
};
use crate::body::{urlencoded, Multipart};
use crate::error::{BoxError, Error};
use crate::rate_limit::RateLimiter;
use crate::request::{Body, Request, Security};
use crate::response::{ErrorBody, Response};
use crate::retry::{retry_after, RetryPolicy};
use crate::stream::ByteStream;
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
    /// A success response whose body is left to stream.
    Streaming(reqwest::Response),
    Failed(reqwest::Error),
    /// No response head within the timeout (streaming requests time the head only).
    TimedOut,
}

/// The outcome of sending a request: a response read in full, or the head of a success
/// response whose body streams.
pub(crate) enum Received {
    Full(Response),
    Streaming(reqwest::Response, u32),
}

/// A request body encoded once, before the first attempt; a multipart form is built again
/// for each attempt from its parts.
enum Encoded<'r> {
    Fixed(bytes::Bytes, HeaderValue),
    Multipart(&'r Multipart),
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
    pub async fn execute<E: ErrorBody>(&self, request: Request) -> Result<Response, Error<E>> {
        self.send(&request).await
    }

    /// Sends a request like [`Client::execute`], but leaves the body of a success response to
    /// stream: retries apply until the status and headers arrive, never mid-stream. A
    /// non-success status is [`Error::Api`] with its body decoded as `E`.
    pub async fn execute_stream<E: ErrorBody + Send + 'static>(
        &self,
        request: Request,
    ) -> Result<ByteStream<E>, Error<E>> {
        match self.exchange(&request, true).await? {
            Received::Streaming(response, attempts) => {
                Ok(ByteStream::new(response, self.inner.timeout, attempts))
            }
            Received::Full(response) => Err(match response.error_for_status::<E>() {
                Err(err) => err,
                // Only non-success responses are read in full when streaming.
                Ok(response) => response.unexpected_status(),
            }),
        }
    }

    pub(crate) async fn send<E>(&self, request: &Request) -> Result<Response, Error<E>> {
        match self.exchange(request, false).await? {
            Received::Full(response) => Ok(response),
            Received::Streaming(response, attempts) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = response
                    .bytes()
                    .await
                    .map_err(|err| Error::from_reqwest(err.without_url(), attempts))?;
                Ok(Response::new(status, headers, body, attempts))
            }
        }
    }

    /// The attempt loop. With `stream`, a success response is returned before its body is
    /// read, and only the response head is subject to the attempt's timeout.
    async fn exchange<E>(&self, request: &Request, stream: bool) -> Result<Received, Error<E>> {
        if let Some(problem) = &request.problem {
            return Err(Error::InvalidRequest(problem.clone()));
        }
        let url = match &request.url {
            Some(url) if request.query.is_empty() => url.clone(),
            Some(url) => {
                let joint = if url.contains('?') { '&' } else { '?' };
                format!("{url}{joint}{}", request.query_string())
            }
            None => format!("{}{}", self.inner.base_url, request.path_and_query()),
        };
        // A request outside the API (a token endpoint elsewhere) carries none of its settings.
        let outside = request.url.is_some();
        let url = reqwest::Url::parse(&url)
            .map_err(|err| Error::InvalidRequest(format!("invalid URL {url:?}: {err}")))?;
        let body = encode_body(request)?;
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
            if !outside {
                self.wait_for_rate_limits(request).await;
            }
            let mut builder = self.inner.http.request(request.method.clone(), url.clone());
            if !stream {
                builder = builder.timeout(self.attempt_timeout(started));
            }
            let settings = if outside {
                &[][..]
            } else {
                &self.inner.settings[..]
            };
            for (name, value) in settings {
                builder = builder.header(name, value);
            }
            // Cookies go in one header, which `authorize` writes with any cookie credential.
            for (name, value) in headers.iter().filter(|(name, _)| *name != COOKIE) {
                builder = builder.header(name, value);
            }
            let (builder, token) = self.authorize(request, builder).await?;
            let builder = match &body {
                Some(Encoded::Fixed(bytes, content_type)) => builder
                    .header(CONTENT_TYPE, content_type.clone())
                    .body(bytes.clone()),
                Some(Encoded::Multipart(form)) => {
                    builder.multipart(form.to_form().map_err(Error::InvalidRequest)?)
                }
                None => builder,
            };

            let span = tracing::info_span!(
                "http_request",
                method = %request.method,
                path = %request.path_template,
                attempt = attempts,
                status = tracing::field::Empty,
            );
            let head_timeout = self.attempt_timeout(started);
            let outcome = async {
                let sent = if stream {
                    match tokio::time::timeout(head_timeout, builder.send()).await {
                        Ok(sent) => sent,
                        Err(_) => return Attempt::TimedOut,
                    }
                } else {
                    builder.send().await
                };
                match sent {
                    Ok(response) => {
                        let status = response.status();
                        tracing::Span::current().record("status", status.as_u16());
                        if stream && status.is_success() {
                            return Attempt::Streaming(response);
                        }
                        let headers = response.headers().clone();
                        let read = response.bytes();
                        let read = if stream {
                            match tokio::time::timeout(self.inner.timeout, read).await {
                                Ok(read) => read,
                                Err(_) => return Attempt::TimedOut,
                            }
                        } else {
                            read.await
                        };
                        match read {
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
                Attempt::Streaming(_) | Attempt::TimedOut => None,
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
                        Attempt::Streaming(response) => format!("HTTP {}", response.status()),
                        Attempt::TimedOut => "timed out".to_owned(),
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
                (None, Attempt::Response(response)) => return Ok(Received::Full(response)),
                (None, Attempt::Streaming(response)) => {
                    return Ok(Received::Streaming(response, attempts))
                }
                (None, Attempt::Failed(err)) => {
                    return Err(Error::from_reqwest(err.without_url(), attempts))
                }
                (None, Attempt::TimedOut) => return Err(Error::Timeout { attempts }),
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

    /// Obtains a token from the exchange's endpoint: an operation of the API, or a URL
    /// outside it. Boxed, because sending the exchange request goes through [`Client::send`]
    /// again (with the exchange's own credentials). A failure names the exchange and never
    /// shows the credential it sent.
    pub(crate) fn exchange_token<'a>(
        &'a self,
        exchange: &'a TokenExchange,
    ) -> BoxFuture<'a, Result<AccessToken, BoxError>> {
        Box::pin(async move {
            let what = exchange.describe();
            let hide = |text: String| {
                exchange
                    .secrets()
                    .filter(|secret| !secret.is_empty())
                    .fold(text, |text, secret| text.replace(secret, "***"))
            };
            let method = Method::from_bytes(exchange.method.as_bytes())?;
            // Without stated security the exchange sends no credential: it must never ask for
            // the token it is fetching.
            let mut request =
                Request::new(method, exchange.path).security(exchange.security.unwrap_or(&[]));
            request.url.clone_from(&exchange.url);
            if let Some(accept) = exchange.accept {
                request = request.header("Accept", accept);
            }
            for (place, name, value) in &exchange.params {
                request = match place {
                    ExchangeParam::Query => request.query(name, value),
                    ExchangeParam::Header => request.header(name, value),
                };
            }
            if !exchange.form.is_empty() {
                let fields = exchange
                    .form
                    .iter()
                    .map(|(name, value)| {
                        let value = match value {
                            FormValue::Text(text) => (*text).to_owned(),
                            FormValue::Secret(secret) => secret.expose().to_owned(),
                        };
                        ((*name).to_owned(), value)
                    })
                    .collect();
                request.body = Some(Body::Form(fields));
            }
            let response = self
                .send::<Value>(&request)
                .await
                .map_err(|err| hide(format!("the token request `{what}` failed: {err}")))?;
            let status = response.status();
            if !status.is_success() {
                let excerpt = crate::error::excerpt(response.body());
                let excerpt = if excerpt.is_empty() {
                    excerpt
                } else {
                    format!(": {excerpt}")
                };
                let attempts = match response.attempts() {
                    0 | 1 => String::new(),
                    n => format!(" (after {n} attempts)"),
                };
                return Err(hide(format!(
                    "the token request `{what}` was refused with HTTP {status}{attempts}{excerpt}"
                ))
                .into());
            }
            let json: Value = serde_json::from_slice(response.body()).map_err(|err| {
                format!("the token response of `{what}` is not JSON ({status}): {err}")
            })?;
            let token = json
                .pointer(exchange.token)
                .and_then(Value::as_str)
                .filter(|token| !token.is_empty())
                .ok_or_else(|| {
                    format!(
                        "the token response of `{what}` has no token at `{}`",
                        exchange.token
                    )
                })?;
            let expires_in = exchange
                .expires_in
                .and_then(|pointer| json.pointer(pointer))
                .and_then(|value| match value {
                    Value::String(text) => text.trim().parse::<u64>().ok(),
                    other => other.as_u64(),
                })
                .filter(|seconds| *seconds > 0)
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

/// The request's body as it goes on the wire, with its `Content-Type`.
fn encode_body<E>(request: &Request) -> Result<Option<Encoded<'_>>, Error<E>> {
    let (bytes, default_type) = match &request.body {
        None => return Ok(None),
        Some(Body::Multipart(form)) => return Ok(Some(Encoded::Multipart(form))),
        Some(Body::Json(value)) => (
            bytes::Bytes::from(
                serde_json::to_vec(value)
                    .map_err(|err| Error::InvalidRequest(format!("request body: {err}")))?,
            ),
            "application/json",
        ),
        Some(Body::Form(fields)) => (
            bytes::Bytes::from(urlencoded(fields)),
            "application/x-www-form-urlencoded",
        ),
        Some(Body::Bytes(bytes)) => (bytes.clone(), "application/octet-stream"),
        Some(Body::Text(text)) => (bytes::Bytes::from(text.clone()), "text/plain"),
    };
    let content_type = request.content_type.as_deref().unwrap_or(default_type);
    Ok(Some(Encoded::Fixed(
        bytes,
        header_value("Content-Type", content_type)?,
    )))
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
