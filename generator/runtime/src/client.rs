use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::request::Request;
use crate::response::Response;
use crate::secret::Secret;

/// The timeout applied to each request unless the builder sets another.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A configured connection to one API: base URL, credentials and HTTP settings.
///
/// Cheap to clone: clones share the connection pool. Generated clients wrap one.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    bearer_token: Option<Secret>,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("bearer_token", &self.bearer_token)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The base URL every operation path is appended to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request and reads the whole response.
    ///
    /// Any status is a successful execution here; the operation decides what the status means
    /// when it decodes the [`Response`].
    pub async fn execute<E: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response, Error<E>> {
        if let Some(problem) = request.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let url = format!("{}{}", self.base_url, request.path);
        let url = reqwest::Url::parse(&url)
            .map_err(|err| Error::InvalidRequest(format!("invalid URL {url:?}: {err}")))?;
        let mut builder = self
            .http
            .request(request.method, url)
            .timeout(self.timeout)
            .query(&request.query);
        for (name, value) in &request.headers {
            builder = builder.header(header_name(name)?, header_value(name, value)?);
        }
        if let Some(token) = &self.bearer_token {
            let mut value = header_value("Authorization", &format!("Bearer {}", token.expose()))?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(body) = request.body {
            builder = builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(body);
        }
        let response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        Ok(Response::new(status, headers, body))
    }
}

fn header_name<E>(name: &str) -> Result<HeaderName, Error<E>> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))
}

/// Header values are checked before anything is sent: a CR or LF would split the header.
fn header_value<E>(name: &str, value: &str) -> Result<HeaderValue, Error<E>> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidRequest(format!(
            "the value of header `{name}` contains a character not allowed in a header (such as CR or LF)"
        ))
    })
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
    /// The underlying HTTP client could not be created (for example TLS setup failed).
    #[error("could not create the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// Builds a client of type `C` (a generated crate's `Client`).
///
/// Start from the generated `Client::builder()`, which sets the spec's default server.
#[must_use]
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    bearer_token: Option<Secret>,
    timeout: Duration,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    target: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("bearer_token", &self.bearer_token)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the spec's default server (if it has one) and user agent.
    pub fn new(default_base_url: Option<&str>, user_agent: &str) -> Self {
        Self {
            base_url: default_base_url.map(str::to_owned),
            bearer_token: None,
            timeout: DEFAULT_TIMEOUT,
            user_agent: Some(user_agent.to_owned()),
            http: None,
            target: PhantomData,
        }
    }

    /// Sends requests to this base URL instead of the spec's default server (a region, a
    /// proxy, or a local test server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticates every request with `Authorization: Bearer <token>`.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// The time one request may take, from sending to the last byte of the response
    /// (default: 30 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default: the generated crate's name and version). Ignored when
    /// a ready HTTP client is given with [`ClientBuilder::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses a ready `reqwest::Client` (its proxy, TLS and pool settings) instead of creating one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and creates the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = self.base_url.ok_or(BuildError::MissingBaseUrl)?;
        let parsed = reqwest::Url::parse(&base_url).map_err(|err| BuildError::InvalidBaseUrl {
            url: base_url.clone(),
            reason: err.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(BuildError::InvalidBaseUrl {
                url: base_url,
                reason: "expected an absolute http or https URL".to_owned(),
            });
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(user_agent) = &self.user_agent {
                    builder = builder.user_agent(user_agent.as_str());
                }
                builder.build()?
            }
        };
        Ok(C::from(Client {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            bearer_token: self.bearer_token,
            timeout: self.timeout,
        }))
    }
}
