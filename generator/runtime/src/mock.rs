//! Test doubles of an API, behind the `mock` feature: a local HTTP server ([`wiremock`] on
//! 127.0.0.1) that answers the requests a generated client sends, each expectation matched
//! on the very [`Request`] the generated request builder makes.
//!
//! A generated crate's `mock` module wraps this: its `MockServer` has one method per
//! operation, named like the client's, taking the same arguments, so a test states what it
//! expects in the API's types and never writes a path, a query string or JSON by hand.
//!
//! An expectation matches a request on its method, its path, its exact query string (pairs
//! in the order the builder writes them; the pairs of an API key sent in the query are
//! ignored), each header the builder sets (header parameters, `Accept`; each cookie pair is
//! looked for in the `Cookie` header) and its body: JSON compared as a JSON value, forms,
//! bytes and text byte for byte with their `Content-Type`, multipart only by its
//! `Content-Type` (each part's boundary differs), and no body when the builder sets none.
//! Credentials and the client's header settings are not matched.

use bytes::Bytes;
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use wiremock::{Match, Mock, ResponseTemplate, Times};

use crate::builder::{ApiDescription, ClientBuilder};
use crate::client::{encode_body, Client, Encoded};
use crate::request::Request;
use crate::value;

/// The mock server crate, re-exported so that tests name the same version
/// ([`wiremock::ResponseTemplate`] for raw answers, [`wiremock::Request`] for received ones).
pub use wiremock;

/// A local HTTP server on 127.0.0.1 that answers what its expectations say. Every request
/// that no expectation matches is answered `404 Not Found`.
///
/// Dropping it checks every expectation's call count ([`Expectation::expect`]), as
/// [`wiremock::MockServer`] does: a count that is not met panics, which fails the test.
#[derive(Debug)]
pub struct MockServer {
    server: wiremock::MockServer,
}

impl MockServer {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        Self {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`), for the client builder's
    /// `.base_url(..)`.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// A client of the API described by `description` that sends to this server, with no
    /// credentials, settings, rate limits or retries. Generated mocks make their request
    /// builders with it; it sends nothing itself.
    ///
    /// # Panics
    ///
    /// When no HTTP client can be made (no TLS backend), as a test helper may.
    #[allow(clippy::panic)]
    pub fn client(&self, description: ApiDescription) -> Client {
        match ClientBuilder::new(description.settings(&[]))
            .base_url(self.base_url())
            .rate_limiting(false)
            .max_retries(0)
            .build()
        {
            Ok(client) => client,
            Err(err) => panic!("cannot make the mock server's client: {err}"),
        }
    }

    /// Checks that every expectation was met as many times as it expects
    /// ([`Expectation::expect`]).
    ///
    /// # Panics
    ///
    /// When one was not, with the expectations and the requests received, failing the test.
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    /// Every request the server has received, in order.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Removes every expectation and forgets the requests received.
    pub async fn reset(&self) {
        self.server.reset().await;
    }

    /// The wiremock server itself, to mount hand-written mocks beside the typed ones.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }
}

/// One expected request and its answer: what a generated mock builds, then
/// [`Expectation::mount`]s with the request its builder makes.
#[must_use = "an expectation does nothing until it is mounted with `.mount().await`"]
#[derive(Debug)]
pub struct Expectation<'a> {
    server: &'a MockServer,
    name: &'static str,
    ignored_query: &'static [&'static str],
    response: Result<ResponseTemplate, String>,
    times: Option<Times>,
}

impl<'a> Expectation<'a> {
    /// An expectation on `server`, named `name` in wiremock's reports (the client method),
    /// that answers `status` with no body until told otherwise. `ignored_query` are the query
    /// parameters of API keys, which the request may carry besides its own.
    pub fn new(
        server: &'a MockServer,
        name: &'static str,
        status: u16,
        ignored_query: &'static [&'static str],
    ) -> Self {
        Self {
            server,
            name,
            ignored_query,
            response: Ok(ResponseTemplate::new(status)),
            times: None,
        }
    }

    /// Answers `status` with `value` as JSON, sent as `content_type`.
    pub fn json<T: Serialize + ?Sized>(self, status: u16, content_type: &str, value: &T) -> Self {
        let body = serde_json::to_vec(value)
            .map_err(|err| format!("the mocked `{}` response: {err}", self.name));
        self.answer(body.map(|body| ResponseTemplate::new(status).set_body_raw(body, content_type)))
    }

    /// Answers `status` with `text`, sent as `content_type`.
    pub fn text(self, status: u16, content_type: &str, text: String) -> Self {
        self.answer(Ok(
            ResponseTemplate::new(status).set_body_raw(text.into_bytes(), content_type)
        ))
    }

    /// Answers `status` with `body`, sent as `content_type`.
    pub fn bytes(self, status: u16, content_type: &str, body: Bytes) -> Self {
        self.answer(Ok(
            ResponseTemplate::new(status).set_body_raw(body.to_vec(), content_type)
        ))
    }

    /// Answers `status` with no body.
    pub fn empty(self, status: u16) -> Self {
        self.answer(Ok(ResponseTemplate::new(status)))
    }

    /// Answers `status` with a `text/event-stream` body: one event per value, its `data` the
    /// value as JSON.
    pub fn events<T: Serialize>(self, status: u16, events: &[T]) -> Self {
        let mut body = String::new();
        for event in events {
            match serde_json::to_string(event) {
                Ok(data) => {
                    body.push_str("data: ");
                    body.push_str(&data);
                    body.push_str("\n\n");
                }
                Err(err) => {
                    let problem = format!("the mocked `{}` event: {err}", self.name);
                    return self.answer(Err(problem));
                }
            }
        }
        self.answer(Ok(
            ResponseTemplate::new(status).set_body_raw(body.into_bytes(), "text/event-stream")
        ))
    }

    /// Answers with `template` as it is: any status, headers, body or delay.
    pub fn template(self, template: ResponseTemplate) -> Self {
        self.answer(Ok(template))
    }

    /// How many matching requests the server must receive (`1`, `1..`, `..=3`), checked by
    /// [`MockServer::verify`] and when the server is dropped.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    fn answer(mut self, response: Result<ResponseTemplate, String>) -> Self {
        // The first problem stays: the test fails on it when the expectation is mounted.
        if self.response.is_ok() {
            self.response = response;
        }
        self
    }

    /// Registers the expectation for requests that match `request`, until the server is
    /// dropped or reset.
    ///
    /// # Panics
    ///
    /// When `request` cannot be sent (a parameter its style cannot write) or the answer
    /// cannot be encoded: the test is wrong, and fails here.
    pub async fn mount(self, request: Request) {
        let server = self.server;
        server.server.register(self.mock(&request)).await;
    }

    /// Like [`Expectation::mount`], but only while the returned guard lives: dropping it
    /// removes the expectation and checks its call count.
    ///
    /// # Panics
    ///
    /// Like [`Expectation::mount`].
    pub async fn mount_as_scoped(self, request: Request) -> wiremock::MockGuard {
        let server = self.server;
        server.server.register_as_scoped(self.mock(&request)).await
    }

    #[allow(clippy::panic)]
    fn mock(self, request: &Request) -> Mock {
        let matcher = match RequestMatcher::new(request, self.ignored_query) {
            Ok(matcher) => matcher,
            Err(problem) => panic!("cannot mock `{}`: {problem}", self.name),
        };
        let response = match self.response {
            Ok(response) => response,
            Err(problem) => panic!("cannot mock `{}`: {problem}", self.name),
        };
        let mock = Mock::given(matcher).respond_with(response).named(self.name);
        match self.times {
            Some(times) => mock.expect(times),
            None => mock,
        }
    }
}

/// A [`wiremock::Match`] for the requests a client sends for one [`Request`]: method, path,
/// exact query string (less the `ignored` API key pairs), the request's headers and its body
/// (see the [module](self) docs). Usable with hand-written wiremock mocks too.
#[derive(Debug)]
pub struct RequestMatcher {
    method: Method,
    path: String,
    query: Vec<String>,
    headers: Vec<(String, String)>,
    body: Expected,
    ignored: Vec<String>,
}

/// The body a request must have.
#[derive(Debug)]
enum Expected {
    None,
    Json(Value, HeaderValue),
    Bytes(Bytes, HeaderValue),
    Multipart,
}

impl RequestMatcher {
    /// Matches what a client sends for `request`, ignoring the query parameters `ignored`
    /// (API keys). `Err` when the request cannot be sent (the reason).
    pub fn new(request: &Request, ignored: &[&str]) -> Result<Self, String> {
        if let Some(problem) = &request.problem {
            return Err(problem.clone());
        }
        // The path and query as the client's URL has them (the URL parser's normalization).
        let url = url::Url::parse(&format!("http://127.0.0.1{}", request.path_and_query()))
            .map_err(|err| format!("the request's URL: {err}"))?;
        let body = match encode_body::<Value>(request).map_err(|err| err.to_string())? {
            None => Expected::None,
            Some(Encoded::Multipart(_)) => Expected::Multipart,
            Some(Encoded::Fixed(bytes, content_type)) => match &request.body {
                Some(crate::request::Body::Json(value)) => {
                    Expected::Json(value.clone(), content_type)
                }
                _ => Expected::Bytes(bytes, content_type),
            },
        };
        Ok(Self {
            method: request.method.clone(),
            path: url.path().to_owned(),
            query: pairs(url.query()),
            headers: request.headers.clone(),
            body,
            ignored: ignored.iter().map(|name| value::form(name)).collect(),
        })
    }

    fn query_matches(&self, query: Option<&str>) -> bool {
        let received: Vec<String> = pairs(query)
            .into_iter()
            .filter(|pair| {
                let name = pair.split('=').next().unwrap_or_default();
                !self.ignored.iter().any(|ignored| ignored == name)
            })
            .collect();
        received == self.query
    }

    fn headers_match(&self, headers: &reqwest::header::HeaderMap) -> bool {
        self.headers.iter().all(|(name, expected)| {
            let values = headers.get_all(name.as_str());
            if name.eq_ignore_ascii_case("cookie") {
                // Credentials share the one `Cookie` header: each expected pair is in it.
                let received: Vec<&str> = values
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split("; "))
                    .collect();
                expected.split("; ").all(|pair| received.contains(&pair))
            } else {
                values.iter().any(|v| v.as_bytes() == expected.as_bytes())
            }
        })
    }

    fn body_matches(&self, request: &wiremock::Request) -> bool {
        let content_type = request.headers.get(reqwest::header::CONTENT_TYPE);
        match &self.body {
            Expected::None => request.body.is_empty(),
            Expected::Json(expected, kind) => {
                content_type == Some(kind)
                    && serde_json::from_slice::<Value>(&request.body).is_ok_and(|v| v == *expected)
            }
            Expected::Bytes(expected, kind) => {
                content_type == Some(kind) && request.body == expected.as_ref()
            }
            Expected::Multipart => content_type
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("multipart/form-data")),
        }
    }
}

impl Match for RequestMatcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.method == self.method
            && request.url.path() == self.path
            && self.query_matches(request.url.query())
            && self.headers_match(&request.headers)
            && self.body_matches(request)
    }
}

/// A query string's pairs, as written.
fn pairs(query: Option<&str>) -> Vec<String> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderName};

    fn received(url: &str, headers: &[(&str, &str)], body: &[u8]) -> wiremock::Request {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        wiremock::Request {
            url: url::Url::parse(url).unwrap(),
            method: Method::POST,
            headers: map,
            body: body.to_vec(),
        }
    }

    #[test]
    fn api_keys_and_credential_cookies_are_not_part_of_the_match() {
        let request = Request::new(Method::POST, "/a/{id}")
            .path_param("id", "x y")
            .query("q", "a&b")
            .cookie("session", "s1")
            .header("X-Trace", "t")
            .json(&serde_json::json!({"a": 1, "b": [true]}));
        let matcher = RequestMatcher::new(&request, &["api_key"]).unwrap();
        let json = ("content-type", "application/json");
        let headers = [json, ("cookie", "key=secret; session=s1"), ("x-trace", "t")];
        let url = "http://127.0.0.1/a/x%20y?q=a%26b&api_key=k";
        assert!(matcher.matches(&received(url, &headers, br#"{"b":[true],"a":1}"#)));
        // Another value anywhere is another request.
        for (url, headers, body) in [
            (
                "http://127.0.0.1/a/x?q=a%26b",
                &headers[..],
                &br#"{"a":1,"b":[true]}"#[..],
            ),
            (
                "http://127.0.0.1/a/x%20y?q=a",
                &headers[..],
                br#"{"a":1,"b":[true]}"#,
            ),
            (
                "http://127.0.0.1/a/x%20y?q=a%26b&z=1",
                &headers[..],
                br#"{"a":1,"b":[true]}"#,
            ),
            (
                "http://127.0.0.1/a/x%20y?q=a%26b",
                &headers[..2],
                br#"{"a":1,"b":[true]}"#,
            ),
            (
                "http://127.0.0.1/a/x%20y?q=a%26b",
                &headers[..],
                br#"{"a":2,"b":[true]}"#,
            ),
            (
                "http://127.0.0.1/a/x%20y?q=a%26b",
                &[json, ("x-trace", "t")][..],
                br#"{"a":1,"b":[true]}"#,
            ),
        ] {
            assert!(
                !matcher.matches(&received(url, headers, body)),
                "{url} {headers:?}"
            );
        }
    }

    #[test]
    fn a_request_that_cannot_be_sent_is_refused() {
        let request = Request::new(Method::GET, "/a/{id}").path_param("id", "..");
        assert!(RequestMatcher::new(&request, &[]).is_err());
    }
}
