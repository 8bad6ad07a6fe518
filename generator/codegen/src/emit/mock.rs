//! The `mock` module (behind the crate's `mock` feature): a `MockServer` with one expectation
//! method per operation, named like the client's method and taking its arguments, whose
//! expectation wraps the operation's own request builder, so it matches exactly what the
//! client sends. The shared machinery is the runtime's `mock` module.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::operations::{argument, positional, types_path};
use super::{
    cfg_any_operation, cfg_operation, doc_attrs, gate, ident, inner_doc_attrs, type_tokens, Shard,
};
use crate::ir::{
    Api, BodyEncoding, Content, ErrorType, KeyLocation, Operation, SchemeKind, StatusMatch,
    StatusVariant, Success, TypeKind, TypeRef,
};

pub(crate) fn mock(api: &Api, shard: Shard) -> TokenStream {
    let expectations = shard
        .of(&api.operations)
        .iter()
        .map(|op| gate(&cfg_operation(op), expectation(api, op)));
    if !shard.is_first() {
        return quote! { #( #expectations )* };
    }
    let module_doc = inner_doc_attrs(
        "Test doubles of the API (the `mock` feature): [`MockServer`] is a local HTTP server on 127.0.0.1 that answers typed expectations, for the tests of code that uses [`crate::Client`].\n\nEach operation has one expectation method on [`MockServer`], named like the client's method and taking the same arguments; optional parameters and the body have the request builder's setters. The expectation matches the request the client's builder makes with those values: method, path, exact query string, header parameters and body (JSON compared as a JSON value), never the credentials. It answers with `.respond(..)` (the operation's success, with its first success status), `.respond_error(status, ..)` (its error type) or `.respond_with(..)` (any wiremock `ResponseTemplate`); `.expect(n)` sets how many calls it must get, checked by [`MockServer::verify`] and when the server is dropped. A request that no expectation matches is answered `404 Not Found`.",
    );
    let keys: Vec<&str> = api
        .security_schemes
        .iter()
        .filter_map(|scheme| match &scheme.kind {
            SchemeKind::ApiKey {
                location: KeyLocation::Query,
                name,
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    // An API without operations (only webhooks) has no expectations: no client to make
    // their builders, no API keys to ignore.
    // With group features, only while one of them is on.
    let any = !api.operations.is_empty();
    let cfg = cfg_any_operation(api);
    let keys = any.then(|| {
        quote! {
            /// The query parameters of API keys, which a request may carry besides its own.
            #cfg
            const API_KEYS_IN_QUERY: &[&str] = &[ #( #keys ),* ];
        }
    });
    let client_field = any.then(|| quote! { #cfg client: crate::Client, });
    let client = any.then(|| {
        quote! {
            #cfg
            let client = crate::Client {
                inner: server.client(crate::client::API),
            };
        }
    });
    let fields = if any {
        quote! { Self { server, #cfg client } }
    } else {
        quote! { Self { server } }
    };
    let methods = api
        .operations
        .iter()
        .map(|op| gate(&cfg_operation(op), server_method(op)));
    quote! {
        #module_doc

        /// The wiremock crate, for raw answers ([`wiremock::ResponseTemplate`]) and received requests ([`wiremock::Request`]).
        pub use clientgen_runtime::mock::wiremock;

        #keys

        /// A local HTTP server on 127.0.0.1 that answers the expectations mounted on it; point a client at it with `Client::builder().base_url(server.base_url())`.
        ///
        /// Dropping it checks each expectation's call count (`.expect(n)`): one that is not met panics, failing the test.
        #[derive(Debug)]
        pub struct MockServer {
            server: clientgen_runtime::mock::MockServer,
            #client_field
        }

        impl MockServer {
            /// Starts a server on a free port of 127.0.0.1.
            pub async fn start() -> Self {
                let server = clientgen_runtime::mock::MockServer::start().await;
                #client
                #fields
            }

            /// The server's base URL (`http://127.0.0.1:<port>`), for `Client::builder().base_url(..)`.
            pub fn base_url(&self) -> String {
                self.server.base_url()
            }

            /// Checks that every expectation got as many calls as it expects (`.expect(n)`).
            ///
            /// # Panics
            ///
            /// When one did not, listing the expectations and the requests received.
            pub async fn verify(&self) {
                self.server.verify().await;
            }

            /// Every request the server has received, in order.
            pub async fn received_requests(&self) -> Vec<wiremock::Request> {
                self.server.received_requests().await
            }

            /// Removes every expectation and forgets the requests received.
            pub async fn reset(&self) {
                self.server.reset().await;
            }

            /// The wiremock server itself, to mount hand-written mocks beside the typed ones.
            pub fn wiremock(&self) -> &wiremock::MockServer {
                self.server.wiremock()
            }

            #( #methods )*
        }

        #( #expectations )*
    }
}

/// The `MockServer` method of an operation: the client method's name and arguments.
fn server_method(op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let name = op.method_name.trim_start_matches("r#");
    let (args, values) = positional(op);
    let status = Literal::u16_unsuffixed(op.success_status);
    let doc = doc_attrs(Some(&format!(
        "Expects `{} {}` as [`crate::Client::{name}`] sends it with these arguments. Set its optional parameters, its answer (`.respond(..)`), then `.mount().await` it.",
        op.http_method, op.path
    )));
    quote! {
        #doc
        pub fn #method(&self, #( #args ),*) -> #builder<'_> {
            #builder {
                builder: self.client.#method(#( #values ),*),
                expectation: clientgen_runtime::mock::Expectation::new(
                    &self.server,
                    #name,
                    #status,
                    API_KEYS_IN_QUERY,
                ),
            }
        }
    }
}

/// The expectation of one operation: the builder's setters, the answers, the call count.
fn expectation(api: &Api, op: &Operation) -> TokenStream {
    let types = types_path();
    let name = ident(&op.builder_name);
    let method = op.method_name.trim_start_matches("r#");
    let doc = doc_attrs(Some(&format!(
        "The expectation of [`crate::Client::{method}`] (`{} {}`), from [`MockServer::{method}`]: the request to match, its answer and how many calls it must get. Without an answer it answers `{}` with no body.",
        op.http_method, op.path, op.success_status
    )));
    let setters = setters(op).into_iter().map(|(setter, ty, doc)| {
        let doc = doc_attrs(Some(&doc));
        quote! {
            #doc
            pub fn #setter(self, value: #ty) -> Self {
                Self { builder: self.builder.#setter(value), ..self }
            }
        }
    });
    let status = Literal::u16_unsuffixed(op.success_status);
    let media = |default: &str| op.accept.clone().unwrap_or_else(|| default.to_owned());
    let respond = match &op.success {
        Success::Json(ty) => {
            let ty = borrowed(ty);
            let content_type = media("application/json");
            quote! {
                /// Answers with `value` as JSON, with the operation's success status.
                pub fn respond(self, value: &#ty) -> Self {
                    Self { expectation: self.expectation.json(#status, #content_type, value), ..self }
                }
            }
        }
        Success::Optional(ty) => {
            let ty = borrowed(ty);
            let content_type = media("application/json");
            let empty = Literal::u16_unsuffixed(op.empty_status.unwrap_or(204));
            quote! {
                /// Answers with `value` as JSON, with the success status that has a body (`send()` returns `Some`).
                pub fn respond(self, value: &#ty) -> Self {
                    Self { expectation: self.expectation.json(#status, #content_type, value), ..self }
                }

                /// Answers with the success status that has no body (`send()` returns `None`).
                pub fn respond_empty(self) -> Self {
                    Self { expectation: self.expectation.empty(#empty), ..self }
                }
            }
        }
        Success::Empty => quote! {
            /// Answers with the operation's success status and no body.
            pub fn respond(self) -> Self {
                Self { expectation: self.expectation.empty(#status), ..self }
            }
        },
        Success::Text => {
            let content_type = media("text/plain");
            quote! {
                /// Answers with `text`, with the operation's success status.
                pub fn respond(self, text: impl Into<String>) -> Self {
                    Self { expectation: self.expectation.text(#status, #content_type, text.into()), ..self }
                }
            }
        }
        Success::Bytes => {
            let content_type = media("application/octet-stream");
            quote! {
                /// Answers with `body`, with the operation's success status.
                pub fn respond(self, body: impl Into<clientgen_runtime::Bytes>) -> Self {
                    Self { expectation: self.expectation.bytes(#status, #content_type, body.into()), ..self }
                }
            }
        }
        Success::ByStatus(enum_name) => {
            let arms = by_status(api, enum_name, false);
            let enum_name = ident(enum_name);
            quote! {
                /// Answers with `value`: its variant's status (a range's first code, `default` as 200) and body.
                pub fn respond(self, value: #types #enum_name) -> Self {
                    let expectation = match value { #( #arms )* };
                    Self { expectation, ..self }
                }
            }
        }
        Success::Events(ty) => {
            let ty = type_tokens(ty, &types);
            quote! {
                /// Answers with a `text/event-stream` of `events`, one event per value (its `data` the value as JSON).
                pub fn respond(self, events: &[#ty]) -> Self {
                    Self { expectation: self.expectation.events(#status, events), ..self }
                }
            }
        }
    };
    let respond_error = match &op.error {
        ErrorType::Json(ty) => {
            let ty = borrowed(ty);
            quote! {
                /// Answers `status` with `value` as the JSON error body.
                pub fn respond_error(self, status: u16, value: &#ty) -> Self {
                    Self { expectation: self.expectation.json(status, "application/json", value), ..self }
                }
            }
        }
        ErrorType::ByStatus(enum_name) => {
            let arms = by_status(api, enum_name, true);
            let enum_name = ident(enum_name);
            quote! {
                /// Answers `status` with `value`'s body (JSON, text, bytes or none, as its variant has).
                pub fn respond_error(self, status: u16, value: #types #enum_name) -> Self {
                    let expectation = match value {
                        #( #arms )*
                        #types #enum_name::Other(value) => self.expectation.json(status, "application/json", &value),
                    };
                    Self { expectation, ..self }
                }
            }
        }
    };
    quote! {
        #doc
        #[must_use = "an expectation does nothing until it is mounted with `.mount().await`"]
        pub struct #name<'a> {
            builder: crate::operations::#name<'a>,
            expectation: clientgen_runtime::mock::Expectation<'a>,
        }

        impl<'a> #name<'a> {
            #( #setters )*

            #respond

            #respond_error

            /// Answers with `template` as it is: any status, headers, body or delay.
            pub fn respond_with(self, template: wiremock::ResponseTemplate) -> Self {
                Self { expectation: self.expectation.template(template), ..self }
            }

            /// How many matching requests the server must get (`1`, `1..`, `..=3`), checked by [`MockServer::verify`] and when the server is dropped.
            pub fn expect(self, times: impl Into<wiremock::Times>) -> Self {
                Self { expectation: self.expectation.expect(times), ..self }
            }

            /// Registers the expectation until the server is dropped or reset.
            ///
            /// # Panics
            ///
            /// When the request cannot be sent (a value its parameter's style cannot write) or the answer cannot be encoded.
            pub async fn mount(self) {
                let request = self.builder.request();
                self.expectation.mount(request).await;
            }

            /// Registers the expectation while the returned guard lives; dropping the guard checks its call count.
            ///
            /// # Panics
            ///
            /// Like [`Self::mount`].
            pub async fn mount_as_scoped(self) -> wiremock::MockGuard {
                let request = self.builder.request();
                self.expectation.mount_as_scoped(request).await
            }
        }
    }
}

/// The type a value is borrowed as (`&#ty`): a slice for a `Vec`, `str` for a `String`.
fn borrowed(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, &types_path());
            quote! { [#inner] }
        }
        TypeRef::String => quote! { str },
        other => type_tokens(other, &types_path()),
    }
}

/// The builder's setters the expectation delegates to: name, argument type and rustdoc.
fn setters(op: &Operation) -> Vec<(proc_macro2::Ident, TokenStream, String)> {
    let types = types_path();
    let builder = &op.builder_name;
    let mut setters = Vec::new();
    for param in op.params.iter().filter(|p| !p.required) {
        let (ty, _) = argument(&param.ty, &ident("value"));
        setters.push((
            ident(&param.rust_name),
            ty,
            format!(
                "Expects the `{}` parameter to be `value` (see [`crate::operations::{builder}::{}`]).",
                param.wire_name,
                param.rust_name.trim_start_matches("r#")
            ),
        ));
    }
    if let Some(body) = op.body.as_ref() {
        if !body.required {
            let (ty, _) = argument(&body.ty, &ident("value"));
            setters.push((
                ident("body"),
                ty,
                format!("Expects the request body to be `value` (see [`crate::operations::{builder}::body`])."),
            ));
        }
        if body.encoding == BodyEncoding::Binary {
            setters.push((
                ident("content_type"),
                quote! { impl Into<String> },
                format!("Expects the body's `Content-Type` to be `value` (see [`crate::operations::{builder}::content_type`])."),
            ));
        }
    }
    if let Some(choice) = &op.accept_choice {
        let ty = ident(&choice.type_name);
        setters.push((
            ident(&choice.setter),
            quote! { #types #ty },
            format!(
                "Expects the request's `Accept` to be `value`'s media type (see [`crate::operations::{builder}::{}`]).",
                choice.setter.trim_start_matches("r#")
            ),
        ));
    }
    setters
}

/// The match arms that turn a response enum's value into the expectation's answer: its
/// variant's status (success enums) or the given `status` (error enums), and its body.
fn by_status(api: &Api, enum_name: &str, error: bool) -> Vec<TokenStream> {
    let types = types_path();
    let Some(variants) = api.types.iter().find_map(|def| match &def.kind {
        TypeKind::Responses { variants, .. } if def.name == enum_name => Some(variants),
        _ => None,
    }) else {
        return Vec::new();
    };
    let enum_name = ident(enum_name);
    variants
        .iter()
        .map(|v: &StatusVariant| {
            let variant = ident(&v.rust_name);
            let status = if error {
                quote! { status }
            } else {
                let code = match v.status {
                    StatusMatch::Code(code) => code,
                    StatusMatch::Range(class) => class * 100,
                    StatusMatch::Default => 200,
                };
                let code = Literal::u16_unsuffixed(code);
                quote! { #code }
            };
            match &v.content {
                Content::Empty => {
                    quote! { #types #enum_name::#variant => self.expectation.empty(#status), }
                }
                Content::Json(_) => quote! {
                    #types #enum_name::#variant(value) => self.expectation.json(#status, "application/json", &value),
                },
                Content::Text => quote! {
                    #types #enum_name::#variant(value) => self.expectation.text(#status, "text/plain", value),
                },
                Content::Bytes => quote! {
                    #types #enum_name::#variant(value) => self.expectation.bytes(#status, "application/octet-stream", value),
                },
            }
        })
        .collect()
}
