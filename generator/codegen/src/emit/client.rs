//! The `client` module: `Client`, its `ClientBuilder`, and one method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{argument, method_doc, positional};
use super::{cfg_any_operation, cfg_operation, doc_attrs, ident, inner_doc_attrs, style_tokens};
use crate::ir::{
    Api, ExchangeCredential, ExchangeTarget, FormValue, KeyLocation, ParamLocation, RateLimit,
    SchemeKind, Serialization, ServerTemplate, TokenExchange,
};

pub(crate) fn client(api: &Api) -> TokenStream {
    // A document with nothing to call (only webhooks and components) has no builders to name.
    let operations_import = if api.operations.is_empty() {
        TokenStream::new()
    } else {
        let cfg = cfg_any_operation(api);
        quote! { #cfg use crate::operations; }
    };
    let module_doc = inner_doc_attrs("The client and its builder.");
    let client_doc = doc_attrs(Some(&format!(
        "Client for the {} (API version {}).\n\nCreate one with [`Client::builder`]. Cheap to clone: clones share connections, credentials and the rate-limit budget.",
        api.title, api.api_version
    )));
    let default_const = match &api.default_server {
        Some(url) => {
            let doc = doc_attrs(Some(
                "The server the spec declares; [`Client::builder`] starts with it.",
            ));
            quote! { #doc pub const DEFAULT_BASE_URL: &str = #url; }
        }
        None => TokenStream::new(),
    };
    let builder_doc = doc_attrs(Some(match api.default_server {
        Some(_) => "A builder that starts with the spec's server, [`DEFAULT_BASE_URL`].",
        None => "A builder. The spec names no fixed server, so set one with `.base_url(..)` before `.build()`.",
    }));
    let methods = api.operations.iter().map(|op| {
        let doc = doc_attrs(Some(&method_doc(op)));
        let name = ident(&op.method_name);
        let builder = ident(&op.builder_name);
        let (args, values) = positional(op);
        let cfg = cfg_operation(op);
        quote! {
            #doc
            #cfg
            pub fn #name(&self, #( #args ),*) -> operations::#builder<'_> {
                operations::#builder::new(self, #( #values ),*)
            }
        }
    });
    let description = api_description(api);
    let builder = builder(api);
    quote! {
        #module_doc

        use clientgen_runtime::BuildError;

        #operations_import

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) inner: clientgen_runtime::Client,
        }

        #default_const

        #description

        impl Client {
            #builder_doc
            pub fn builder() -> ClientBuilder {
                ClientBuilder { inner: clientgen_runtime::ClientBuilder::new(API) }
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            #( #methods )*
        }

        #builder
    }
}

fn rate_limit(limit: &RateLimit) -> TokenStream {
    let requests = proc_macro2::Literal::u32_unsuffixed(limit.requests);
    let seconds = proc_macro2::Literal::u64_unsuffixed(limit.period_seconds);
    quote! { clientgen_runtime::RateLimit::new(#requests, std::time::Duration::from_secs(#seconds)) }
}

/// `const API`: what the runtime needs to know about the API as a whole.
fn api_description(api: &Api) -> TokenStream {
    let mut calls = Vec::new();
    if api.default_server.is_some() {
        calls.push(quote! { .default_base_url(DEFAULT_BASE_URL) });
    }
    if let Some(security) = &api.security {
        let security = security_tokens(security);
        calls.push(quote! { .security(#security) });
    }
    if let Some(limit) = &api.rate_limit {
        let limit = rate_limit(limit);
        calls.push(quote! { .rate_limit(#limit) });
    }
    let operation_limits: Vec<TokenStream> = api
        .operations
        .iter()
        .filter_map(|op| {
            let limit = rate_limit(op.rate_limit.as_ref()?);
            let (method, path) = (&op.http_method, &op.path);
            Some(quote! { clientgen_runtime::OperationRateLimit::new(#method, #path, #limit) })
        })
        .collect();
    if !operation_limits.is_empty() {
        calls.push(quote! { .operation_rate_limits(&[ #( #operation_limits ),* ]) });
    }
    if !api.settings.is_empty() {
        let settings = api.settings.iter().map(|s| {
            let (method, header, required) =
                (s.method.trim_start_matches("r#"), &s.wire_name, s.required);
            quote! { clientgen_runtime::Setting::new(#method, #header, #required) }
        });
        calls.push(quote! { .settings(&[ #( #settings ),* ]) });
    }
    quote! {
        /// What the spec says about the API as a whole: server, security, rate limits, settings.
        pub(crate) const API: clientgen_runtime::ApiDescription = clientgen_runtime::ApiDescription::new(
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        ) #( #calls )*;
    }
}

/// The builder methods of a token exchange: the one that takes the credential (and any
/// parameters of the token operation), and for an outside endpoint the one that moves it.
fn token_exchange(scheme: &str, exchange: &TokenExchange) -> TokenStream {
    let method = ident(&exchange.method);
    let token = &exchange.token;
    let mut tail = TokenStream::new();
    if let Some(expires_in) = &exchange.expires_in {
        tail.extend(quote! { .expires_in(#expires_in) });
    }
    if let Some(seconds) = exchange.lifetime_seconds {
        let seconds = proc_macro2::Literal::u64_unsuffixed(seconds);
        tail.extend(quote! { .lifetime(std::time::Duration::from_secs(#seconds)) });
    }
    let lifetime = match (&exchange.expires_in, exchange.lifetime_seconds) {
        (Some(_), Some(s)) => format!(
            " A token is taken to be valid for the seconds the response states, else {s} seconds."
        ),
        (Some(_), None) => {
            " A token is taken to be valid for the seconds the response states.".to_owned()
        }
        (None, Some(s)) => format!(" A token is taken to be valid for {s} seconds."),
        (None, None) => String::new(),
    };
    let refresh = format!(
        "A token is fetched on first use, shared by clones of the client and by concurrent calls, and fetched again shortly before it expires or after a 401.{lifetime}"
    );
    let inferred = exchange
        .inferred
        .as_deref()
        .map(|note| format!("\n\n{note}"))
        .unwrap_or_default();
    match &exchange.target {
        ExchangeTarget::Operation {
            http_method,
            path,
            accept,
            scheme: via,
            credential,
            parameters,
        } => {
            let mut description =
                quote! { clientgen_runtime::TokenExchange::new(#http_method, #path, #token) };
            if let Some(accept) = accept {
                description.extend(quote! { .accept(#accept) });
            }
            description.extend(quote! { .security(&[&[#via]]) });
            for param in parameters {
                let (arg, wire) = (ident(&param.arg), &param.wire_name);
                description.extend(match param.location {
                    ParamLocation::Header => quote! { .header(#wire, #arg) },
                    _ => quote! { .query(#wire, #arg) },
                });
            }
            description.extend(tail);
            let mut args: Vec<TokenStream> = parameters
                .iter()
                .map(|param| {
                    let arg = ident(&param.arg);
                    quote! { #arg: impl Into<String> }
                })
                .collect();
            let (sent, build) = match credential {
                ExchangeCredential::Basic => {
                    args.push(quote! { client_id: impl Into<String> });
                    args.push(quote! { client_secret: impl Into<clientgen_runtime::Secret> });
                    (
                        format!("sending `client_id` and `client_secret` with HTTP basic authentication (security scheme `{via}`)"),
                        quote! { clientgen_runtime::Credential::basic(client_id, client_secret) },
                    )
                }
                ExchangeCredential::Bearer => {
                    args.push(quote! { token: impl Into<clientgen_runtime::Secret> });
                    (
                        format!(
                            "sending `token` as `Authorization: Bearer` (security scheme `{via}`)"
                        ),
                        quote! { clientgen_runtime::Credential::bearer(token) },
                    )
                }
                ExchangeCredential::ApiKey { location, name } => {
                    args.push(quote! { key: impl Into<clientgen_runtime::Secret> });
                    let (place, location) = match location {
                        KeyLocation::Query => ("query parameter", quote! { Query }),
                        KeyLocation::Header => ("header", quote! { Header }),
                        KeyLocation::Cookie => ("cookie", quote! { Cookie }),
                    };
                    (
                        format!("sending `key` in the `{name}` {place} (security scheme `{via}`)"),
                        quote! {
                            clientgen_runtime::Credential::api_key(
                                clientgen_runtime::ApiKeyLocation::#location,
                                #name,
                                key,
                            )
                        },
                    )
                }
            };
            let mut lines = vec![format!(
                "Authenticates with tokens that the client obtains itself from `{http_method} {path}`, {sent}; the tokens are then sent as `Authorization: Bearer` (security scheme `{scheme}`)."
            )];
            for param in parameters {
                let about = param
                    .doc
                    .as_deref()
                    .map(|d| format!(": {}", d.replace('\n', " ")))
                    .unwrap_or_default();
                lines.push(format!(
                    "- `{}`: sent as the token operation's `{}` {}{about}",
                    param.arg.trim_start_matches("r#"),
                    param.wire_name,
                    if param.location == ParamLocation::Header {
                        "header"
                    } else {
                        "query parameter"
                    },
                ));
            }
            lines.push(format!("{refresh}{inferred}"));
            let doc = doc_attrs(Some(&lines.join("\n\n")));
            quote! {
                #doc
                pub fn #method(mut self, #( #args ),*) -> Self {
                    let credential = #build;
                    let exchange = #description;
                    self.inner = self
                        .inner
                        .credential(#via, credential)
                        .credential(#scheme, clientgen_runtime::Credential::exchange(exchange));
                    self
                }
            }
        }
        ExchangeTarget::Url {
            http_method,
            url,
            accept,
            url_method,
            form,
        } => {
            let mut description = quote! {
                clientgen_runtime::TokenExchange::url(#http_method, #url, #token).accept(#accept)
            };
            let mut fields = Vec::new();
            let uses = form
                .iter()
                .filter(|(_, value)| *value == FormValue::Credential)
                .count();
            let mut used = 0;
            for (name, value) in form {
                match value {
                    FormValue::Text(text) => {
                        description.extend(quote! { .form_field(#name, #text) });
                        fields.push(format!("`{name}={text}`"));
                    }
                    FormValue::Credential => {
                        used += 1;
                        let secret = if used < uses {
                            quote! { secret.clone() }
                        } else {
                            quote! { secret }
                        };
                        description.extend(quote! { .form_secret(#name, #secret) });
                        fields.push(format!("`{name}=<secret>`"));
                    }
                }
            }
            // The credential goes in several fields: convert it once, then clone it.
            let convert = (uses > 1).then(|| {
                quote! { let secret: clientgen_runtime::Secret = secret.into(); }
            });
            description.extend(tail);
            let doc = doc_attrs(Some(&format!(
                "Authenticates with tokens that the client obtains itself by sending `secret` to `{http_method} {url}` in a form body ({}); the tokens are then sent as `Authorization: Bearer` (security scheme `{scheme}`). `secret` goes nowhere else and never shows in `Debug` output or errors.\n\n{refresh} `.{}(..)` sends the exchange to another URL.{inferred}",
                fields.join(", "),
                url_method.trim_start_matches("r#"),
            )));
            let url_ident = ident(url_method);
            let url_doc = doc_attrs(Some(&format!(
                "Sends the token exchange of `.{}(..)` to `url` instead of `{url}` (a private endpoint, or a local test server). `build()` fails if it is not an absolute http(s) URL.",
                exchange.method.trim_start_matches("r#"),
            )));
            quote! {
                #doc
                pub fn #method(mut self, secret: impl Into<clientgen_runtime::Secret>) -> Self {
                    #convert
                    let exchange = #description;
                    self.inner = self
                        .inner
                        .credential(#scheme, clientgen_runtime::Credential::exchange(exchange));
                    self
                }

                #url_doc
                pub fn #url_ident(mut self, url: impl Into<String>) -> Self {
                    self.inner = self.inner.token_url(#scheme, url);
                    self
                }
            }
        }
    }
}

/// The builder method that fills the server URL's variables.
fn server_method(server: &ServerTemplate) -> TokenStream {
    let method = ident(&server.method);
    let name = server.method.trim_start_matches("r#");
    let url = &server.url;
    let mut lines = vec![format!(
        "Sends requests to the spec's server `{url}` with its variables filled in."
    )];
    if let Some(doc) = &server.doc {
        lines.push(doc.clone());
    }
    for variable in &server.variables {
        let mut line = format!("- `{}`", variable.arg.trim_start_matches("r#"));
        if let Some(doc) = &variable.doc {
            line.push_str(&format!(": {}", doc.replace('\n', " ")));
        }
        match &variable.default {
            Some(default) => line.push_str(&format!(" (default `{default}`)")),
            None => line.push_str(" (no default: set it, or `.base_url(..)`)"),
        }
        if !variable.values.is_empty() {
            let values: Vec<String> = variable.values.iter().map(|v| format!("`{v}`")).collect();
            line.push_str(&format!("; the spec lists {}", values.join(", ")));
        }
        lines.push(line);
    }
    lines.push(
        "A value that is empty or would change the URL's structure (`/ ? # @`, whitespace) makes `build()` fail."
            .to_owned(),
    );
    let doc = doc_attrs(Some(&lines.join("\n\n")));
    let args: Vec<TokenStream> = server
        .variables
        .iter()
        .map(|v| {
            let arg = ident(&v.arg);
            quote! { #arg: &str }
        })
        .collect();
    let pairs = server.variables.iter().map(|v| {
        let (arg, variable) = (ident(&v.arg), &v.name);
        quote! { (#variable, #arg) }
    });
    quote! {
        #doc
        pub fn #method(mut self, #( #args ),*) -> Self {
            self.inner = self.inner.server(#name, #url, &[ #( #pairs ),* ]);
            self
        }
    }
}

/// `&[&["bearerAuth"], &[]]`.
pub(crate) fn security_tokens(security: &[Vec<String>]) -> TokenStream {
    let alternatives = security
        .iter()
        .map(|schemes| quote! { &[ #( #schemes ),* ] });
    quote! { &[ #( #alternatives ),* ] }
}

/// The crate's `ClientBuilder`: the runtime's settings, and the spec's credentials and
/// settings by name.
fn builder(api: &Api) -> TokenStream {
    let mut methods = Vec::new();
    for scheme in &api.security_schemes {
        let name = &scheme.name;
        let method = ident(&scheme.method);
        let about = scheme
            .doc
            .as_deref()
            .map(|d| format!("\n\nThe spec says: {d}"))
            .unwrap_or_default();
        match &scheme.kind {
            SchemeKind::Bearer {
                provider_method,
                exchange,
            } => {
                if let Some(exchange) = exchange {
                    methods.push(token_exchange(name, exchange));
                }
                let doc = doc_attrs(Some(&format!(
                    "Authenticates with `Authorization: Bearer <token>` (security scheme `{name}`).{about}"
                )));
                let provider = ident(provider_method);
                let provider_doc = doc_attrs(Some(&format!(
                    "Authenticates with bearer tokens from `provider` (security scheme `{name}`): fetched on first use, shared by clones of the client, refreshed before they expire and after a 401, with one fetch for concurrent calls."
                )));
                methods.push(quote! {
                    #doc
                    pub fn #method(mut self, token: impl Into<clientgen_runtime::Secret>) -> Self {
                        self.inner = self.inner.credential(#name, clientgen_runtime::Credential::bearer(token));
                        self
                    }

                    #provider_doc
                    pub fn #provider(mut self, provider: impl clientgen_runtime::TokenProvider) -> Self {
                        self.inner = self.inner.credential(#name, clientgen_runtime::Credential::tokens(provider));
                        self
                    }
                });
            }
            SchemeKind::Basic => {
                let doc = doc_attrs(Some(&format!(
                    "Authenticates with HTTP basic authentication (security scheme `{name}`).{about}"
                )));
                methods.push(quote! {
                    #doc
                    pub fn #method(
                        mut self,
                        username: impl Into<String>,
                        password: impl Into<clientgen_runtime::Secret>,
                    ) -> Self {
                        let credential = clientgen_runtime::Credential::basic(username, password);
                        self.inner = self.inner.credential(#name, credential);
                        self
                    }
                });
            }
            SchemeKind::ApiKey {
                location,
                name: wire,
            } => {
                let (place, location) = match location {
                    KeyLocation::Query => ("query parameter", quote! { Query }),
                    KeyLocation::Header => ("header", quote! { Header }),
                    KeyLocation::Cookie => ("cookie", quote! { Cookie }),
                };
                let doc = doc_attrs(Some(&format!(
                    "Authenticates with an API key in the `{wire}` {place} (security scheme `{name}`).{about}"
                )));
                methods.push(quote! {
                    #doc
                    pub fn #method(mut self, key: impl Into<clientgen_runtime::Secret>) -> Self {
                        let credential = clientgen_runtime::Credential::api_key(
                            clientgen_runtime::ApiKeyLocation::#location,
                            #wire,
                            key,
                        );
                        self.inner = self.inner.credential(#name, credential);
                        self
                    }
                });
            }
        }
    }
    if let Some(server) = &api.server {
        methods.push(server_method(server));
    }
    for setting in &api.settings {
        let method = ident(&setting.method);
        let header = &setting.wire_name;
        let (arg_ty, conversion) = argument(&setting.ty, &ident("value"));
        let need = if setting.required {
            "Every operation requires it: `build()` fails without it."
        } else {
            "Every operation accepts it."
        };
        let doc = doc_attrs(Some(&match &setting.doc {
            Some(doc) => format!("{doc}\n\nSent as the `{header}` header of every request. {need}"),
            None => format!("Sends the `{header}` header with every request. {need}"),
        }));
        let convert = (setting.ty == crate::ir::TypeRef::String)
            .then(|| quote! { let value: String = #conversion; });
        let set = if setting.serialization == Serialization::default_for(ParamLocation::Header) {
            quote! { self.inner.setting(#header, &value) }
        } else {
            let style = style_tokens(setting.serialization);
            quote! { self.inner.setting_with(#header, &value, #style) }
        };
        methods.push(quote! {
            #doc
            pub fn #method(mut self, value: #arg_ty) -> Self {
                #convert
                self.inner = #set;
                self
            }
        });
    }
    let rate_limiting = api.has_rate_limits().then(|| {
        quote! {
            /// Whether requests wait to stay within the rate limits the spec declares (default:
            /// on). The budget is shared by every clone of the client.
            pub fn rate_limiting(mut self, enabled: bool) -> Self {
                self.inner = self.inner.rate_limiting(enabled);
                self
            }
        }
    });
    // The page limit of `.pages()`/`.items()`, offered only where operations page.
    let max_pages = api
        .operations
        .iter()
        .any(|op| op.pagination.is_some())
        .then(|| {
            quote! {
                /// The most pages one `.pages()` or `.items()` stream fetches (default: 10,000):
                /// a list that is not over by then ends with
                /// [`clientgen_runtime::Error::Pagination`] instead of another request. A
                /// stream's own `.max_pages(..)` overrides it.
                pub fn max_pages(mut self, pages: u32) -> Self {
                    self.inner = self.inner.max_pages(pages);
                    self
                }
            }
        });
    // Streamed downloads have their own limits, offered only where there are downloads.
    let downloads = api
        .operations
        .iter()
        .any(|op| op.success == crate::ir::Success::Bytes)
        .then(|| {
            quote! {
                /// The most bytes the body of a streamed download (`send_stream()`) may have
                /// (default: no limit). A larger `Content-Length` fails before the stream is
                /// returned; once more arrives, the stream yields
                /// [`clientgen_runtime::Error::BodyTooLarge`] and ends. A request builder's
                /// `.max_download_bytes(..)` sets it for one call.
                pub fn max_download_bytes(mut self, limit: u64) -> Self {
                    self.inner = self.inner.max_download_bytes(limit);
                    self
                }

                /// The time the body of a streamed download (`send_stream()`) may take in all,
                /// from when the stream is returned (default: none). The timeout still bounds
                /// the head and each chunk. When it passes, the stream yields
                /// [`clientgen_runtime::Error::Timeout`] and ends.
                pub fn download_timeout(mut self, timeout: std::time::Duration) -> Self {
                    self.inner = self.inner.download_timeout(timeout);
                    self
                }
            }
        });
    quote! {
        /// Builder for [`Client`]: base URL, credentials, settings, timeout, retries.
        #[derive(Debug)]
        #[must_use = "a builder does nothing until `.build()` is called"]
        pub struct ClientBuilder {
            inner: clientgen_runtime::ClientBuilder,
        }

        impl ClientBuilder {
            /// Sends requests to this base URL instead of the spec's server (a region, a proxy,
            /// or a local test server).
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.inner = self.inner.base_url(url);
                self
            }

            #( #methods )*

            /// The time one attempt may take, from sending to the last byte of the response
            /// (default: 30 seconds).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.inner = self.inner.timeout(timeout);
                self
            }

            /// The most bytes a response body read whole may have (default: 32 MiB): every
            /// `send()`, success or error, and every page. A larger `Content-Length` fails
            /// before anything is read, and reading stops as soon as more arrives; either is
            /// [`clientgen_runtime::Error::BodyTooLarge`], not retried. `u64::MAX` lifts the
            /// limit; a request builder's `.max_response_bytes(..)` sets it for one call.
            pub fn max_response_bytes(mut self, limit: u64) -> Self {
                self.inner = self.inner.max_response_bytes(limit);
                self
            }

            #downloads

            /// The `User-Agent` header (default: this crate's name and version).
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.inner = self.inner.user_agent(user_agent);
                self
            }

            /// Uses a ready `reqwest::Client` (its proxy, TLS and pool settings). Its redirect
            /// policy applies: reqwest's default follows redirects itself and keeps API keys
            /// in other headers than `Authorization` when the host changes; build it with
            /// `.redirect(Policy::none())` to have this client follow them, sending no
            /// credential to another origin.
            pub fn http_client(mut self, client: clientgen_runtime::reqwest::Client) -> Self {
                self.inner = self.inner.http_client(client);
                self
            }

            /// At most `n` requests in flight at once, shared by the client's clones (default:
            /// no cap). A request holds its slot until its body is read, a `send_stream()`
            /// download until the stream ends or is dropped; others wait for a slot.
            pub fn max_concurrent_requests(mut self, n: usize) -> Self {
                self.inner = self.inner.max_concurrent_requests(n);
                self
            }

            /// How many times a failed attempt is retried (default: 2; 0 turns retrying off).
            /// Connection failures, 429, 502, 503 and 504 are retried with exponential backoff
            /// and jitter, honouring `Retry-After`; only idempotent methods are retried, except
            /// on 429 or when no connection could be opened.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.inner = self.inner.max_retries(retries);
                self
            }

            /// No retry starts or waits past this much time after the first attempt
            /// (default: 2 minutes).
            pub fn retry_deadline(mut self, deadline: std::time::Duration) -> Self {
                self.inner = self.inner.retry_deadline(deadline);
                self
            }

            /// The wait before the first retry (default: 500 ms), doubled for each further one
            /// up to `max` (default: 8 s).
            pub fn retry_backoff(mut self, initial: std::time::Duration, max: std::time::Duration) -> Self {
                self.inner = self.inner.retry_backoff(initial, max);
                self
            }

            /// The longest `Retry-After` waited out before a retry (default: 30 s). A 429 or
            /// 503 asking for longer ends the call at once with
            /// [`clientgen_runtime::Error::Api`], whose `retry_after` holds the server's wait.
            pub fn max_retry_after(mut self, max: std::time::Duration) -> Self {
                self.inner = self.inner.max_retry_after(max);
                self
            }

            #rate_limiting

            #max_pages

            /// Checks the settings and creates the client.
            pub fn build(self) -> Result<Client, BuildError> {
                self.inner.build().map(|inner| Client { inner })
            }
        }
    }
}
