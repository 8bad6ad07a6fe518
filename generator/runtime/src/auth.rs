//! Credentials: what the spec's `securitySchemes` allow, and access tokens that refresh.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::client::Client;
use crate::error::BoxError;
use crate::request::Security;
use crate::secret::Secret;

/// Where an API key goes, as the spec's `apiKey` security scheme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie, sent in the request's one `Cookie` header beside any cookie parameters.
    Cookie,
}

/// One credential, set on the builder for one of the spec's security schemes.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credential {
    /// `Authorization: Bearer <token>`, with a fixed token.
    Bearer(Secret),
    /// `Authorization: Bearer <token>`, with tokens from a [`TokenProvider`], cached and
    /// refreshed before they expire or after a 401.
    Tokens(Arc<TokenCache>),
    /// `Authorization: Basic <base64(username:password)>`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An API key in a header or a query parameter.
    ApiKey {
        /// Where it goes.
        location: ApiKeyLocation,
        /// The header or query parameter name.
        name: &'static str,
        /// The key.
        value: Secret,
    },
}

impl Credential {
    /// A fixed bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Credential::Bearer(token.into())
    }

    /// A user name and password for HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credential::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// An API key sent in the header or query parameter `name`.
    pub fn api_key(location: ApiKeyLocation, name: &'static str, key: impl Into<Secret>) -> Self {
        Credential::ApiKey {
            location,
            name,
            value: key.into(),
        }
    }

    /// Tokens from `provider`, shared by every clone of the client that uses this credential.
    pub fn tokens(provider: impl TokenProvider) -> Self {
        Credential::Tokens(Arc::new(TokenCache::new(Source::Provider(Arc::new(
            provider,
        )))))
    }

    /// Tokens the client obtains itself from the API's token operation (`x-token-exchange`),
    /// sent with the credentials of that operation's security scheme.
    pub fn exchange(exchange: TokenExchange) -> Self {
        Credential::Tokens(Arc::new(TokenCache::new(Source::Exchange(exchange))))
    }
}

/// Where a token exchange sends its request, and what it adds to it: an operation of the API
/// (Nobl9's `POST /api/accessToken`) or a token endpoint outside it (IBM Cloud IAM's
/// `POST https://iam.cloud.ibm.com/identity/token`), as a spec's `x-token-exchange` describes
/// it. The response is JSON with the token at a JSON pointer.
///
/// ```
/// use clientgen_runtime::{Credential, TokenExchange};
///
/// // A key exchanged at an outside endpoint, in a form body.
/// let exchange = TokenExchange::url("POST", "https://iam.example.com/identity/token", "/access_token")
///     .accept("application/json")
///     .form_field("grant_type", "urn:example:apikey")
///     .form_secret("apikey", "my-key")
///     .expires_in("/expires_in");
/// let credential = Credential::exchange(exchange);
/// assert!(!format!("{credential:?}").contains("my-key"));
/// ```
///
/// Every value that is a credential is a [`Secret`]: a `TokenExchange` never shows it in
/// `Debug` output.
#[derive(Debug, Clone)]
pub struct TokenExchange {
    pub(crate) method: &'static str,
    /// The operation's path template; for an outside endpoint, the path of its URL (what
    /// spans show).
    pub(crate) path: &'static str,
    /// An absolute URL requested instead of the client's base URL and `path`.
    pub(crate) url: Option<String>,
    pub(crate) accept: Option<&'static str>,
    pub(crate) security: Option<Security>,
    /// Query parameters and headers, in order.
    pub(crate) params: Vec<(ExchangeParam, &'static str, String)>,
    /// Form body fields, in order (no body when empty).
    pub(crate) form: Vec<(&'static str, FormValue)>,
    pub(crate) token: &'static str,
    pub(crate) expires_in: Option<&'static str>,
    pub(crate) lifetime: Option<Duration>,
}

/// Where a parameter of a token exchange goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExchangeParam {
    Query,
    Header,
}

/// A form field of a token exchange: text from the spec, or the user's credential.
#[derive(Debug, Clone)]
pub(crate) enum FormValue {
    Text(&'static str),
    Secret(Secret),
}

impl TokenExchange {
    /// The API's operation `method path` (method in upper case), whose JSON response has the
    /// token at the JSON pointer `token` (`/access_token`).
    pub const fn new(method: &'static str, path: &'static str, token: &'static str) -> Self {
        Self {
            method,
            path,
            url: None,
            accept: None,
            security: None,
            params: Vec::new(),
            form: Vec::new(),
            token,
            expires_in: None,
            lifetime: None,
        }
    }

    /// A token endpoint outside the API, at the absolute URL `url`, requested with `method`
    /// (upper case). It gets no credential, header setting or rate limit of the API: only
    /// what this exchange adds (form fields, parameters). `ClientBuilder::token_url` can send
    /// it elsewhere.
    pub fn url(method: &'static str, url: &'static str, token: &'static str) -> Self {
        let path = url
            .find("://")
            .and_then(|scheme| {
                let after = url.get(scheme + 3..)?;
                let start = scheme + 3 + after.find('/')?;
                url.get(start..)
            })
            .unwrap_or("/");
        Self {
            url: Some(url.to_owned()),
            ..Self::new(method, path, token)
        }
    }

    /// The `Accept` header the exchange sends.
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }

    /// The security requirements of the token operation (its credentials, such as a client
    /// id and secret in basic authentication, or an API token).
    pub fn security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    /// Adds the query parameter `name` (a value the user gave, such as an account name).
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.params.push((ExchangeParam::Query, name, value.into()));
        self
    }

    /// Adds the header `name`.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.params
            .push((ExchangeParam::Header, name, value.into()));
        self
    }

    /// Adds a field of the spec's text to the exchange's form body
    /// (`application/x-www-form-urlencoded`), such as a `grant_type`.
    pub fn form_field(mut self, name: &'static str, value: &'static str) -> Self {
        self.form.push((name, FormValue::Text(value)));
        self
    }

    /// Adds the user's credential as a field of the exchange's form body, such as an
    /// `apikey`. It is sent only in that body, and never shown.
    pub fn form_secret(mut self, name: &'static str, secret: impl Into<Secret>) -> Self {
        self.form.push((name, FormValue::Secret(secret.into())));
        self
    }

    /// The JSON pointer of the token's lifetime in seconds in the response (a number or a
    /// numeric string; 0, or no value, means the response does not say).
    pub fn expires_in(mut self, pointer: &'static str) -> Self {
        self.expires_in = Some(pointer);
        self
    }

    /// How long a token is valid when the response does not say.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// Whether the exchange goes to an endpoint outside the API.
    pub(crate) fn is_outside(&self) -> bool {
        self.url.is_some()
    }

    /// The same exchange sent to `url` (an outside endpoint only).
    pub(crate) fn with_url(mut self, url: String) -> Self {
        if self.url.is_some() {
            self.url = Some(url);
        }
        self
    }

    /// `POST /api/accessToken` or `POST https://iam.example.com/identity/token`, for errors.
    pub(crate) fn describe(&self) -> String {
        format!(
            "{} {}",
            self.method,
            self.url.as_deref().unwrap_or(self.path)
        )
    }

    /// The credentials of the exchange's form, to keep them out of error messages.
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        self.form.iter().filter_map(|(_, value)| match value {
            FormValue::Secret(secret) => Some(secret.expose()),
            FormValue::Text(_) => None,
        })
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
            Credential::Tokens(_) => f.write_str("Tokens(..)"),
            Credential::Basic { username, password } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", password)
                .finish(),
            Credential::ApiKey {
                location,
                name,
                value,
            } => f
                .debug_struct("ApiKey")
                .field("location", location)
                .field("name", name)
                .field("value", value)
                .finish(),
        }
    }
}

/// An access token and how long it stays valid.
#[derive(Debug, Clone)]
pub struct AccessToken {
    token: Secret,
    expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token valid for `expires_in` from now (`None`: until the API answers 401).
    pub fn new(token: impl Into<Secret>, expires_in: Option<Duration>) -> Self {
        Self {
            token: token.into(),
            expires_in,
        }
    }

    /// The token.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// How long it is valid from when it was issued, when known.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }
}

/// Obtains bearer tokens, for APIs whose tokens expire (an OAuth client-credentials grant,
/// an access-token exchange).
///
/// The client calls [`TokenProvider::fetch_token`] on first use, again shortly before the
/// token expires, and again after the API answers 401; concurrent requests wait for one
/// fetch instead of each starting their own. A closure returning a future is a provider:
///
/// ```
/// use std::time::Duration;
/// use clientgen_runtime::{AccessToken, BoxError, Credential};
///
/// let credential = Credential::tokens(|| async {
///     // Exchange a client id and secret for a token here.
///     Ok::<_, BoxError>(AccessToken::new("token", Some(Duration::from_secs(3600))))
/// });
/// # drop(credential);
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// Obtains a new token.
    fn fetch_token(&self) -> BoxFuture<'_, Result<AccessToken, BoxError>>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, BoxError>> + Send + 'static,
{
    fn fetch_token(&self) -> BoxFuture<'_, Result<AccessToken, BoxError>> {
        Box::pin(self())
    }
}

/// The current token of a [`TokenProvider`] or a [`TokenExchange`], shared by clones of a
/// client.
pub struct TokenCache {
    source: Source,
    state: tokio::sync::Mutex<Option<Cached>>,
}

/// Where new tokens come from.
pub(crate) enum Source {
    Provider(Arc<dyn TokenProvider>),
    Exchange(TokenExchange),
}

struct Cached {
    token: Secret,
    /// When to fetch a new token; `None`: never, until a 401.
    refresh_at: Option<Instant>,
    /// Counts fetched tokens, so that a 401 invalidates only the token it was sent with.
    generation: u64,
}

impl TokenCache {
    pub(crate) fn new(source: Source) -> Self {
        Self {
            source,
            state: tokio::sync::Mutex::new(None),
        }
    }

    /// A valid token and its generation, fetching one if there is none or it is about to
    /// expire. The lock is held across the fetch, so concurrent callers share it. A token
    /// exchange is sent through `client`.
    pub(crate) async fn current(&self, client: &Client) -> Result<(Secret, u64), BoxError> {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.as_ref() {
            if cached.refresh_at.is_none_or(|at| Instant::now() < at) {
                return Ok((cached.token.clone(), cached.generation));
            }
        }
        let fetched = match &self.source {
            Source::Provider(provider) => provider.fetch_token().await?,
            Source::Exchange(exchange) => client.exchange_token(exchange).await?,
        };
        let generation = state.as_ref().map_or(1, |cached| cached.generation + 1);
        let refresh_at = fetched
            .expires_in
            .map(|lifetime| Instant::now() + lifetime.saturating_sub(refresh_margin(lifetime)));
        *state = Some(Cached {
            token: fetched.token.clone(),
            refresh_at,
            generation,
        });
        Ok((fetched.token, generation))
    }

    /// The token exchange this cache's tokens come from, if they come from one.
    pub(crate) fn exchange(&self) -> Option<&TokenExchange> {
        match &self.source {
            Source::Exchange(exchange) => Some(exchange),
            Source::Provider(_) => None,
        }
    }

    /// Forgets the token of `generation` after the API refused it; a newer one is kept.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if let Some(cached) = state.as_mut().filter(|c| c.generation == generation) {
            cached.refresh_at = Some(Instant::now());
        }
    }
}

/// How long before expiry a token is replaced: a tenth of its lifetime, at most a minute.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn client() -> Client {
        crate::ClientBuilder::new(crate::ApiDescription::new("test"))
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap()
    }

    fn counting_provider(expires_in: Option<Duration>) -> (Arc<AtomicU32>, impl TokenProvider) {
        let calls = Arc::new(AtomicU32::new(0));
        let counter = calls.clone();
        let provider = move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok::<_, BoxError>(AccessToken::new(format!("token-{n}"), expires_in))
            }
        };
        (calls, provider)
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let (calls, provider) = counting_provider(Some(Duration::from_secs(3600)));
        let cache = Arc::new(TokenCache::new(Source::Provider(Arc::new(provider))));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let cache = cache.clone();
                tokio::spawn(async move { cache.current(&client()).await.map(|(t, _)| t) })
            })
            .collect();
        for task in tasks {
            let token = task.await.unwrap().unwrap();
            assert_eq!(token.expose(), "token-1");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidating_an_old_generation_keeps_the_new_token() {
        let (calls, provider) = counting_provider(None);
        let cache = TokenCache::new(Source::Provider(Arc::new(provider)));
        let (_, first) = cache.current(&client()).await.unwrap();
        cache.invalidate(first).await;
        let (token, second) = cache.current(&client()).await.unwrap();
        assert_eq!(token.expose(), "token-2");
        cache.invalidate(first).await;
        let (token, third) = cache.current(&client()).await.unwrap();
        assert_eq!((token.expose(), third), ("token-2", second));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn tokens_are_replaced_before_they_expire() {
        let (calls, provider) = counting_provider(Some(Duration::from_millis(50)));
        let cache = TokenCache::new(Source::Provider(Arc::new(provider)));
        cache.current(&client()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        let (token, _) = cache.current(&client()).await.unwrap();
        assert_eq!(token.expose(), "token-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn an_outside_exchange_keeps_its_url_and_hides_its_secret() {
        let exchange = TokenExchange::url("POST", "https://iam.example.com/identity/token", "/t")
            .form_field("grant_type", "apikey")
            .form_secret("apikey", "hunter2");
        assert_eq!(exchange.path, "/identity/token");
        assert_eq!(
            exchange.describe(),
            "POST https://iam.example.com/identity/token"
        );
        assert!(!format!("{exchange:?}").contains("hunter2"));
        assert_eq!(exchange.secrets().collect::<Vec<_>>(), ["hunter2"]);
        let moved = exchange.with_url("http://127.0.0.1:1/token".to_owned());
        assert_eq!(moved.describe(), "POST http://127.0.0.1:1/token");
        // An operation of the API is not moved: the base URL moves it.
        let operation = TokenExchange::new("POST", "/token", "/t").with_url("http://x/".to_owned());
        assert_eq!(operation.describe(), "POST /token");
        assert_eq!(
            TokenExchange::url("GET", "https://iam.example.com", "/t").path,
            "/"
        );
    }

    #[tokio::test]
    async fn a_token_url_must_be_absolute_and_moves_only_its_schemes_exchange() {
        let exchange = TokenExchange::url("POST", "https://iam.example.com/token", "/t")
            .form_secret("apikey", "k");
        let builder = || {
            crate::ClientBuilder::new(crate::ApiDescription::new("test"))
                .base_url("http://127.0.0.1:9")
                .credential("iam", Credential::exchange(exchange.clone()))
        };
        let err = builder().token_url("iam", "/token").build().unwrap_err();
        assert!(
            matches!(err, crate::BuildError::InvalidTokenUrl { .. }),
            "{err:?}"
        );
        let client = builder()
            .token_url("other", "http://127.0.0.1:2/token")
            .token_url("iam", "http://127.0.0.1:1/token")
            .build()
            .unwrap();
        let urls: Vec<String> = client
            .inner
            .credentials
            .iter()
            .filter_map(|(_, credential)| match credential {
                Credential::Tokens(cache) => cache.exchange().map(TokenExchange::describe),
                _ => None,
            })
            .collect();
        assert_eq!(urls, ["POST http://127.0.0.1:1/token"]);
    }

    #[test]
    fn margin_is_a_tenth_capped_at_a_minute() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(100)),
            Duration::from_secs(10)
        );
    }
}
