use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, LOCATION,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
// The deadline is kept on tokio's clock, the one its waits sleep on.
use tokio::time::Instant;
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
use crate::response::{
    announces_more_than, read_body, ErrorBody, RawResponse, ReadError, ResponseLimits,
};
use crate::retry::RetryPolicy;
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
    /// The most pages a `.pages()`/`.items()` stream fetches unless it sets another.
    pub(crate) max_pages: u32,
    /// How much of a response is read, and for how long.
    pub(crate) limits: ResponseLimits,
    /// The cap on requests in flight at once, shared by clones, when the builder set one.
    pub(crate) in_flight: Option<Arc<Semaphore>>,
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
            .field("limits", &self.inner.limits)
            .field(
                "free_request_slots",
                &self
                    .inner
                    .in_flight
                    .as_ref()
                    .map(|cap| cap.available_permits()),
            )
            .finish_non_exhaustive()
    }
}

/// What one attempt produced.
enum Attempt<E> {
    Response(RawResponse),
    /// A success response whose body is left to stream, with its slot of the concurrency cap.
    Streaming(reqwest::Response, Option<OwnedSemaphorePermit>),
    /// The attempt ended with this error, not to be retried (a redirect not followed, or
    /// the request that follows a redirect could not be built).
    Stopped(Error<E>),
    Failed(reqwest::Error),
    /// No response head within the timeout (streaming requests time the head only).
    TimedOut,
    /// A response with this status whose body is larger than the limit (not retried).
    TooLarge(reqwest::StatusCode),
}

/// The outcome of sending a request: a response read in full, or the head of a success
/// response whose body streams.
pub(crate) enum Received {
    Full(RawResponse),
    /// The head, the attempts, and the slot of the concurrency cap the body holds.
    Streaming(reqwest::Response, u32, Option<OwnedSemaphorePermit>),
}

/// A request body encoded once, before the first attempt; a multipart form is built again
/// for each attempt from its parts.
pub(crate) enum Encoded<'r> {
    Fixed(bytes::Bytes, HeaderValue),
    Multipart(&'r Multipart),
}

/// At most this many redirects are followed in one attempt; the next is [`Error::Redirect`].
const MAX_REDIRECTS: u32 = 10;

/// What every request of an attempt is built from: the first, and those that follow its
/// redirects.
struct Outgoing<'r> {
    request: &'r Request,
    /// The request's header and cookie parameters, checked.
    headers: &'r [(HeaderName, HeaderValue)],
    body: &'r Option<Encoded<'r>>,
    /// A request outside the API (a token endpoint elsewhere) carries none of its settings.
    outside: bool,
    /// Whether a success response's body is left to stream.
    stream: bool,
    /// When the first attempt started (the retry deadline counts from it).
    started: Instant,
    /// The origin (scheme, host, port) of the request's URL: its credentials go nowhere else.
    origin: url::Origin,
}

/// The last response of an attempt's redirects with its slot of the concurrency cap, or the
/// transport error that ended them.
type Sent = Result<(reqwest::Response, Option<OwnedSemaphorePermit>), reqwest::Error>;

/// One request of an attempt: the first, or one that follows a redirect.
struct Hop {
    method: Method,
    url: reqwest::Url,
    /// Whether it carries the request's settings, header and cookie parameters and
    /// credentials: only while every request of the attempt has gone to the first one's
    /// origin. Once a redirect leaves it, no later request is trusted, even one back there.
    trusted: bool,
    /// Whether it carries the request body: the first request, and one that follows a 307 or
    /// 308 to the same origin.
    body: bool,
}

impl Client {
    /// The base URL every operation path is appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request, retrying as the client's policy allows, and reads the whole response.
    ///
    /// Any status is a successful execution here; the operation decides what the status means
    /// when it decodes the [`RawResponse`].
    pub async fn execute<E: ErrorBody>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        self.send(&request).await
    }

    /// Sends a request like [`Client::execute`], but leaves the body of a success response to
    /// stream: retries apply until the status and headers arrive, never mid-stream. A
    /// non-success status is [`Error::Api`] with its body decoded as `E`. A success whose
    /// `Content-Length` is above the download limit is [`Error::BodyTooLarge`] before any
    /// of its body is read.
    pub async fn execute_stream<E: ErrorBody + Send + 'static>(
        &self,
        request: Request,
    ) -> Result<ByteStream<E>, Error<E>> {
        let limits = self.inner.limits;
        let max_bytes = request.max_download_bytes.or(limits.max_download_bytes);
        match self.exchange(&request, true).await? {
            Received::Streaming(response, attempts, slot) => {
                if let Some(limit) =
                    max_bytes.filter(|limit| announces_more_than(&response, *limit))
                {
                    return Err(Error::BodyTooLarge {
                        limit,
                        status: response.status(),
                        attempts,
                    });
                }
                Ok(ByteStream::new(
                    response,
                    self.timeout_for(&request),
                    attempts,
                    max_bytes,
                    limits.download_timeout,
                )
                .holding(slot))
            }
            Received::Full(response) => Err(match response.error_for_status::<E>() {
                Err(err) => err,
                // Only non-success responses are read in full when streaming.
                Ok(response) => response.unexpected_status(),
            }),
        }
    }

    pub(crate) async fn send<E>(&self, request: &Request) -> Result<RawResponse, Error<E>> {
        match self.exchange(request, false).await? {
            Received::Full(response) => Ok(response),
            // The slot is held until the body is read.
            Received::Streaming(response, attempts, _slot) => {
                let status = response.status();
                let headers = response.headers().clone();
                let limit = self.response_limit(request);
                let body = read_body(response, limit).await.map_err(|err| match err {
                    ReadError::Transport(err) => Error::from_reqwest(err.without_url(), attempts),
                    ReadError::TooLarge => Error::BodyTooLarge {
                        limit,
                        status,
                        attempts,
                    },
                })?;
                Ok(RawResponse::new(status, headers, body, attempts))
            }
        }
    }

    /// The time each attempt of `request` may take: its own timeout, else the client's.
    pub(crate) fn timeout_for(&self, request: &Request) -> Duration {
        request.timeout.unwrap_or(self.inner.timeout)
    }

    /// The most retries of `request`: its own count, else the client's.
    pub(crate) fn max_retries_for(&self, request: &Request) -> u32 {
        request.max_retries.unwrap_or(self.inner.retry.max_retries)
    }

    /// The most bytes the response body to `request` may have when read whole.
    fn response_limit(&self, request: &Request) -> u64 {
        request
            .max_response_bytes
            .unwrap_or(self.inner.limits.max_response_bytes)
    }

    /// The attempt loop. With `stream`, a success response is returned before its body is
    /// read, and only the response head is subject to the attempt's timeout. A body read
    /// whole is read within the response limit, and one above it is not retried.
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

        let body_limit = self.response_limit(request);
        let retry = &self.inner.retry;
        let max_retries = self.max_retries_for(request);
        let started = Instant::now();
        let outgoing = Outgoing {
            request,
            headers: &headers,
            body: &body,
            outside,
            stream,
            started,
            origin: url.origin(),
        };
        let mut attempts = 0;
        let mut retries = 0;
        let mut refreshed_token = false;
        // Whether the next attempt already has its place within the rate limits (a retry
        // takes it after its wait, before it is decided).
        let mut admitted = false;
        loop {
            attempts += 1;
            if !std::mem::take(&mut admitted) {
                if let Err(wait) = self.admit(request, outside, started).await {
                    return Err(Error::RateLimited { wait });
                }
            }
            let first = Hop {
                method: request.method.clone(),
                url: url.clone(),
                trusted: true,
                body: true,
            };
            let (builder, token) = self.prepare(&outgoing, &first).await?;

            let span = tracing::info_span!(
                "http_request",
                method = %request.method,
                path = %request.path_template,
                attempt = attempts,
                status = tracing::field::Empty,
            );
            let outcome = async {
                let sent = match self.follow(&outgoing, first, builder, attempts).await {
                    Ok(sent) => sent,
                    Err(stopped) => return stopped,
                };
                match sent {
                    // The slot of the concurrency cap is held until the body is read.
                    Ok((response, slot)) => {
                        let status = response.status();
                        tracing::Span::current().record("status", status.as_u16());
                        if stream && status.is_success() {
                            return Attempt::Streaming(response, slot);
                        }
                        let headers = response.headers().clone();
                        let read = read_body(response, body_limit);
                        let read = if stream {
                            match tokio::time::timeout(self.timeout_for(request), read).await {
                                Ok(read) => read,
                                Err(_) => return Attempt::TimedOut,
                            }
                        } else {
                            read.await
                        };
                        match read {
                            Ok(body) => {
                                Attempt::Response(RawResponse::new(status, headers, body, attempts))
                            }
                            Err(ReadError::Transport(err)) => Attempt::Failed(err),
                            Err(ReadError::TooLarge) => Attempt::TooLarge(status),
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
                    (retries < max_retries && retry.retries_status(&request.method, status))
                        .then(|| retry.wait_after_response(response.headers(), retries + 1))
                        .flatten()
                }
                Attempt::Failed(err) => (retries < max_retries
                    && retry.retries_transport(&request.method, err))
                .then(|| retry.backoff(retries + 1)),
                Attempt::Streaming(..)
                | Attempt::TimedOut
                | Attempt::TooLarge(_)
                | Attempt::Stopped(_) => None,
            };
            let wait = wait.filter(|wait| {
                started
                    .elapsed()
                    .checked_add(*wait)
                    .is_some_and(|resumed| resumed < retry.deadline)
            });
            if let Some(wait) = wait {
                let reason = match &outcome {
                    Attempt::Response(response) => format!("HTTP {}", response.status()),
                    Attempt::Failed(err) => strip_url(err),
                    Attempt::Streaming(response, _) => format!("HTTP {}", response.status()),
                    Attempt::Stopped(err) => err.to_string(),
                    Attempt::TimedOut => "timed out".to_owned(),
                    Attempt::TooLarge(status) => format!("HTTP {status}, body too large"),
                };
                tracing::debug!(
                    path = %request.path_template,
                    attempt = attempts,
                    wait_ms = wait.as_millis() as u64,
                    %reason,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                // The retry's place within the rate limits, by the deadline; without one, this
                // outcome is the call's.
                match self.admit(request, outside, started).await {
                    Ok(()) => {
                        retries += 1;
                        admitted = true;
                        continue;
                    }
                    Err(held) => tracing::debug!(
                        path = %request.path_template,
                        wait_ms = held.as_millis() as u64,
                        "the client-side rate limit holds the retry past the retry deadline"
                    ),
                }
            }
            match outcome {
                Attempt::Response(response) => return Ok(Received::Full(response)),
                Attempt::Streaming(response, slot) => {
                    return Ok(Received::Streaming(response, attempts, slot))
                }
                Attempt::Stopped(err) => return Err(err),
                Attempt::Failed(err) => {
                    return Err(Error::from_reqwest(err.without_url(), attempts))
                }
                Attempt::TimedOut => return Err(Error::Timeout { attempts }),
                Attempt::TooLarge(status) => {
                    return Err(Error::BodyTooLarge {
                        limit: body_limit,
                        status,
                        attempts,
                    })
                }
            }
        }
    }

    /// The request that `hop` sends. A trusted hop carries everything the request has:
    /// the API's settings (unless it goes outside the API), header and cookie parameters,
    /// the credentials its security calls for, and the body when `hop.body`; the token used
    /// is returned with its generation. Any other hop carries only the request's `Accept`.
    async fn prepare<E>(
        &self,
        out: &Outgoing<'_>,
        hop: &Hop,
    ) -> Result<(reqwest::RequestBuilder, Option<(Arc<TokenCache>, u64)>), Error<E>> {
        let mut builder = self.inner.http.request(hop.method.clone(), hop.url.clone());
        if !out.stream {
            builder = builder.timeout(self.attempt_timeout(out.request, out.started));
        }
        if !hop.trusted {
            for (name, value) in out.headers.iter().filter(|(name, _)| *name == ACCEPT) {
                builder = builder.header(name, value);
            }
            return Ok((builder, None));
        }
        let settings = if out.outside {
            &[][..]
        } else {
            &self.inner.settings[..]
        };
        for (name, value) in settings {
            builder = builder.header(name, value);
        }
        // Cookies go in one header, which `authorize` writes with any cookie credential.
        for (name, value) in out.headers.iter().filter(|(name, _)| *name != COOKIE) {
            builder = builder.header(name, value);
        }
        let (builder, token) = self.authorize(out.request, builder).await?;
        let builder = match out.body.as_ref().filter(|_| hop.body) {
            Some(Encoded::Fixed(bytes, content_type)) => builder
                .header(CONTENT_TYPE, content_type.clone())
                .body(bytes.clone()),
            Some(Encoded::Multipart(form)) => {
                builder.multipart(form.to_form().map_err(Error::InvalidRequest)?)
            }
            None => builder,
        };
        Ok((builder, token))
    }

    /// Sends `builder` (the request of `hop`) and follows the redirects it gets, at most
    /// [`MAX_REDIRECTS`] (see [`Client::redirect`]). Each request first waits for a slot of
    /// the concurrency cap, and gives it back before the next is built; the last response is
    /// returned with its slot. `Err` ends the attempt at once (a head that did not arrive in
    /// time when streaming, a redirect not followed); a transport error is `Ok(Err(..))`,
    /// for the retry policy to judge.
    async fn follow<E>(
        &self,
        out: &Outgoing<'_>,
        mut hop: Hop,
        mut builder: reqwest::RequestBuilder,
        attempts: u32,
    ) -> Result<Sent, Attempt<E>> {
        let mut redirects = 0;
        loop {
            // Waiting for a slot counts against the retry deadline like any other wait.
            let left = self
                .inner
                .retry
                .deadline
                .saturating_sub(out.started.elapsed());
            let Ok(slot) = tokio::time::timeout(left, self.slot()).await else {
                return Err(Attempt::TimedOut);
            };
            let sent = if out.stream {
                let head = self.attempt_timeout(out.request, out.started);
                match tokio::time::timeout(head, builder.send()).await {
                    Ok(sent) => sent,
                    Err(_) => return Err(Attempt::TimedOut),
                }
            } else {
                builder.send().await
            };
            let response = match sent {
                Ok(response) => response,
                Err(err) => return Ok(Err(err)),
            };
            let status = response.status();
            let refused = |reason: String| {
                Attempt::Stopped(Error::Redirect {
                    status,
                    reason,
                    attempts,
                })
            };
            let next = match self.redirect(out, &hop, &response) {
                Ok(Some(next)) => next,
                Ok(None) => return Ok(Ok((response, slot))),
                Err(reason) => return Err(refused(reason)),
            };
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(refused(format!(
                    "more than {MAX_REDIRECTS} redirects in a row"
                )));
            }
            drop(response);
            drop(slot);
            tracing::debug!(
                status = status.as_u16(),
                same_origin = next.trusted,
                "following a redirect"
            );
            builder = match self.prepare(out, &next).await {
                Ok((builder, _)) => builder,
                Err(err) => return Err(Attempt::Stopped(err)),
            };
            hop = next;
        }
    }

    /// The request that follows `response` to `hop`: `Ok(None)` when it is not a redirect
    /// to follow (a status other than 301, 302, 303, 307 and 308, or no `Location` that
    /// resolves to a URL: the response is the answer), `Err` with the reason when it must not
    /// be followed (a URL that is not http or https; a 307 or 308 that would take the body
    /// to another origin).
    ///
    /// 301, 302 and 303 turn any method but `GET` and `HEAD` into `GET` without the body, as
    /// browsers do; 307 and 308 keep the method and the body. A request to another origin
    /// (scheme, host or port) than the first request's is not trusted (see [`Hop`]), and
    /// neither is any after it. An API key of the client's that the server put in the
    /// `Location` query is taken out (a trusted hop gets it again from `authorize`).
    fn redirect(
        &self,
        out: &Outgoing<'_>,
        hop: &Hop,
        response: &reqwest::Response,
    ) -> Result<Option<Hop>, String> {
        let status = response.status().as_u16();
        if !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return Ok(None);
        }
        let Some(mut url) = response
            .headers()
            .get(LOCATION)
            .and_then(|location| location.to_str().ok())
            .and_then(|location| hop.url.join(location.trim()).ok())
        else {
            return Ok(None);
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err("its location is not an http or https URL".to_owned());
        }
        let trusted = hop.trusted && url.origin() == out.origin;
        let keeps_method = matches!(status, 307 | 308);
        let body = keeps_method && hop.body && out.body.is_some();
        if body && !trusted {
            return Err(format!(
                "a {status} to another origin would send the request body there"
            ));
        }
        let method = if keeps_method || hop.method == Method::HEAD {
            hop.method.clone()
        } else {
            Method::GET
        };
        url.set_fragment(None);
        self.without_query_keys(&mut url);
        Ok(Some(Hop {
            method,
            url,
            trusted,
            body,
        }))
    }

    /// Takes out of `url`'s query every parameter that is an API key of the client's (its
    /// name with its value); the other parameters stay exactly as written, so that a signed
    /// URL keeps its signature.
    fn without_query_keys(&self, url: &mut reqwest::Url) {
        let keys: Vec<(&str, &str)> = self
            .inner
            .credentials
            .iter()
            .filter_map(|(_, credential)| match credential {
                Credential::ApiKey {
                    location: ApiKeyLocation::Query,
                    name,
                    value,
                } => Some((*name, value.expose())),
                _ => None,
            })
            .collect();
        let Some(query) = url.query().filter(|_| !keys.is_empty()) else {
            return;
        };
        let is_key = |pair: &str| {
            url::form_urlencoded::parse(pair.as_bytes())
                .next()
                .is_some_and(|(name, value)| keys.contains(&(&*name, &*value)))
        };
        let kept: Vec<&str> = query.split('&').filter(|pair| !is_key(pair)).collect();
        if kept.len() < query.split('&').count() {
            let kept = kept.join("&");
            url.set_query((!kept.is_empty()).then_some(kept.as_str()));
        }
    }

    /// A slot of the client's cap on requests in flight, when it has one: waited for while
    /// every slot is taken, given back when dropped.
    async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        let cap = self.inner.in_flight.clone()?;
        // The semaphore is never closed.
        cap.acquire_owned().await.ok()
    }

    /// The time the next attempt of `request` may take: its timeout (its own, else the
    /// client's), cut short so that it ends by the retry deadline.
    fn attempt_timeout(&self, request: &Request, started: Instant) -> Duration {
        let left = self.inner.retry.deadline.saturating_sub(started.elapsed());
        self.timeout_for(request)
            .min(left.max(Duration::from_millis(1)))
    }

    /// Waits for the request's place within the rate limits (the API's, then its
    /// operation's), but never past the retry deadline: `Err` with the wait a limit asks for
    /// when that is longer. A request outside the API has none.
    async fn admit(
        &self,
        request: &Request,
        outside: bool,
        started: Instant,
    ) -> Result<(), Duration> {
        if outside {
            return Ok(());
        }
        let left = || self.inner.retry.deadline.saturating_sub(started.elapsed());
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire_within(left()).await?;
        }
        let method = request.method.as_str();
        for (op_method, path, limiter) in &self.inner.operation_limiters {
            if *op_method == method && *path == request.path_template {
                limiter.acquire_within(left()).await?;
            }
        }
        Ok(())
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
pub(crate) fn encode_body<E>(request: &Request) -> Result<Option<Encoded<'_>>, Error<E>> {
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
