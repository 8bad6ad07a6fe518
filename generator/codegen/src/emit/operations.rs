//! The `operations` module: one request builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::security_tokens;
use super::{
    cfg_any_operation, cfg_operation, doc_attrs, gate, ident, inner_doc_attrs, style_tokens,
    type_tokens, Shard,
};
use crate::ir::{
    Api, Body, BodyEncoding, ErrorType, MultipartField, Operation, PageStyle, Pagination, Param,
    ParamLocation, PartKind, Serialization, Success, TypeRef,
};

pub(crate) fn types_path() -> TokenStream {
    quote! { crate::types:: }
}

/// The rustdoc of an operation's client method.
pub(crate) fn method_doc(op: &Operation) -> String {
    let mut parts = Vec::new();
    if let Some(summary) = &op.summary {
        parts.push(summary.clone());
    }
    if let Some(description) = &op.description {
        parts.push(description.clone());
    }
    if op.deprecated {
        parts.push("**Deprecated** by the API.".to_owned());
    }
    parts.push(format!("`{} {}`", op.http_method, op.path));
    parts.join("\n\n")
}

/// How a value is taken as an argument: strings as `impl Into<String>`, bytes as
/// `impl Into<Bytes>`, everything else as is.
pub(crate) fn argument(ty: &TypeRef, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote! { impl Into<String> }, quote! { #name.into() }),
        TypeRef::Bytes => (
            quote! { impl Into<clientgen_runtime::Bytes> },
            quote! { #name.into() },
        ),
        other => (type_tokens(other, &types_path()), quote! { #name }),
    }
}

/// Whether [`argument`] converts the value (`x.into()`).
fn converts(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Bytes)
}

/// The positional arguments of an operation (required parameters, then a required body):
/// their declarations and the values passed on to the builder.
pub(crate) fn positional(op: &Operation) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut args = Vec::new();
    let mut values = Vec::new();
    for param in op.params.iter().filter(|p| p.required) {
        let name = ident(&param.rust_name);
        let (ty, _) = argument(&param.ty, &name);
        args.push(quote! { #name: #ty });
        values.push(quote! { #name });
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let (ty, _) = argument(&body.ty, &ident("body"));
        args.push(quote! { body: #ty });
        values.push(quote! { body });
    }
    (args, values)
}

pub(crate) fn operations(api: &Api, shard: Shard) -> TokenStream {
    let builders = shard
        .of(&api.operations)
        .iter()
        .map(|op| gate(&cfg_operation(op), builder(op)));
    if !shard.is_first() {
        return quote! { #( #builders )* };
    }
    let module_doc = inner_doc_attrs(
        "Request builders, one per operation. Get one from a [`Client`] method, set optional parameters, then `.send().await`.",
    );
    if api.operations.is_empty() {
        return inner_doc_attrs(
            "Request builders, one per operation. The document has no operations (only webhooks or components), so there are none.",
        );
    }
    let cfg = cfg_any_operation(api);
    quote! {
        #module_doc

        #cfg
        use clientgen_runtime::{Method, Request};

        #cfg
        use crate::Client;

        #( #builders )*
    }
}

fn builder(op: &Operation) -> TokenStream {
    let types = types_path();
    let name = ident(&op.builder_name);
    let doc = doc_attrs(Some(&format!(
        "Request builder for [`Client::{}`]: `{} {}`.",
        op.method_name.trim_start_matches("r#"),
        op.http_method,
        op.path
    )));

    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    let mut request_steps = Vec::new();
    for param in &op.params {
        let field = ident(&param.rust_name);
        let inner = type_tokens(&param.ty, &types);
        let wire = &param.wire_name;
        if param.required {
            let (arg_ty, conversion) = argument(&param.ty, &field);
            fields.push(quote! { #field: #inner });
            new_args.push(quote! { #field: #arg_ty });
            // `x: x` would be flagged by clippy; plain `x` when no conversion is needed.
            new_inits.push(if param.ty == TypeRef::String {
                quote! { #field: #conversion }
            } else {
                quote! { #field }
            });
        } else {
            let (arg_ty, conversion) = argument(&param.ty, &ident("value"));
            let doc = doc_attrs(Some(
                param
                    .doc
                    .as_deref()
                    .unwrap_or(&format!("Sets the `{wire}` parameter.")),
            ));
            fields.push(quote! { #field: Option<#inner> });
            new_inits.push(quote! { #field: None });
            setters.push(quote! {
                #doc
                pub fn #field(mut self, value: #arg_ty) -> Self {
                    self.#field = Some(#conversion);
                    self
                }
            });
        }
        request_steps.push(param_step(param));
    }
    if let Some(body) = &op.body {
        let ty = type_tokens(&body.ty, &types);
        let (arg_ty, conversion) = argument(&body.ty, &ident("body"));
        if body.required {
            fields.push(quote! { body: #ty });
            new_args.push(quote! { body: #arg_ty });
            new_inits.push(if converts(&body.ty) {
                quote! { body: #conversion }
            } else {
                quote! { body }
            });
        } else {
            let (arg_ty, conversion) = argument(&body.ty, &ident("value"));
            let doc = doc_attrs(Some(
                body.doc.as_deref().unwrap_or("Sets the request body."),
            ));
            fields.push(quote! { body: Option<#ty> });
            new_inits.push(quote! { body: None });
            setters.push(quote! {
                #doc
                pub fn body(mut self, value: #arg_ty) -> Self {
                    self.body = Some(#conversion);
                    self
                }
            });
        }
        if body.encoding == BodyEncoding::Binary {
            let default = &body.content_type;
            let doc = doc_attrs(Some(&format!(
                "Sets the body's `Content-Type` (the spec's is `{default}`)."
            )));
            fields.push(quote! { content_type: Option<String> });
            new_inits.push(quote! { content_type: None });
            setters.push(quote! {
                #doc
                pub fn content_type(mut self, value: impl Into<String>) -> Self {
                    self.content_type = Some(value.into());
                    self
                }
            });
        }
        request_steps.push(body_step(body));
    }

    let http_method = ident(&op.http_method);
    let path = &op.path;
    let error = match &op.error {
        ErrorType::Json(ty) => type_tokens(ty, &types),
        ErrorType::ByStatus(name) => {
            let name = ident(name);
            quote! { #types #name }
        }
    };
    // Where a dropped event stream resumes: its `Last-Event-ID` header, when declared.
    let resume = match op.events.as_ref().and_then(|e| e.last_event_id.as_deref()) {
        Some(header) => quote! { Some(#header) },
        None => quote! { None },
    };
    let events_output = |ty: &TypeRef| {
        let ty = type_tokens(ty, &types);
        quote! { clientgen_runtime::EventStream<#ty, #error> }
    };
    let events_call = quote! { self.client.inner.events(self.request(), #resume).await };
    let (output, decode) = match &op.success {
        Success::Json(ty) => (type_tokens(ty, &types), quote! { json }),
        Success::Optional(ty) => {
            let ty = type_tokens(ty, &types);
            (quote! { Option<#ty> }, quote! { optional_json })
        }
        Success::Empty => (quote! { () }, quote! { empty }),
        Success::Text => (quote! { String }, quote! { text }),
        Success::Bytes => (quote! { clientgen_runtime::Bytes }, quote! { bytes }),
        Success::ByStatus(name) => {
            let name = ident(name);
            (quote! { #types #name }, quote! { decode })
        }
        Success::Events(ty) => (events_output(ty), TokenStream::new()),
    };
    let send_body = if matches!(op.success, Success::Events(_)) {
        events_call.clone()
    } else {
        quote! { self.client.inner.execute(self.request()).await?.#decode() }
    };
    // An event stream has its own `status()` and `headers()`. The decoder is passed as a
    // method path, not a closure: clippy's `result_large_err` flags a closure returning a
    // large error type (Box's `Error<ClientError>`), and the decoders live in the runtime.
    let send_with_response = (!matches!(op.success, Success::Events(_))).then(|| {
        let doc = doc_attrs(Some(&format!(
            "Sends the request like `send()`: `{} {}`, and returns the decoded body together with the response's status and headers.",
            op.http_method, op.path
        )));
        quote! {
            #doc
            pub async fn send_with_response(
                self,
            ) -> Result<clientgen_runtime::Response<#output>, clientgen_runtime::Error<#error>> {
                self.client
                    .inner
                    .execute(self.request())
                    .await?
                    .typed(clientgen_runtime::RawResponse::#decode)
            }
        }
    });
    let events_doc = |method: &str| {
        let resume = match op.events.as_ref().and_then(|e| e.last_event_id.as_deref()) {
            Some(header) => format!(" A dropped connection is opened again with `{header}` set to the last event's ID (at most the client's retry count in a row)."),
            None => String::new(),
        };
        format!(
            "{method}: `{} {}`, asking for `text/event-stream`, and returns the server-sent events as they arrive, each `data` decoded. An event whose data does not decode is an error item for that event only; `data: [DONE]` ends the stream. The client's timeout bounds the wait for each chunk and its response limit (or `.max_response_bytes(..)`) the size of one event.{resume}",
            op.http_method, op.path
        )
    };
    let send_doc = doc_attrs(Some(&if matches!(op.success, Success::Events(_)) {
        events_doc("Sends the request")
    } else {
        format!("Sends the request: `{} {}`.", op.http_method, op.path)
    }));
    let send_events = op.events.as_ref().filter(|e| e.beside).map(|events| {
        let doc = doc_attrs(Some(&events_doc(
            "Sends the request for a stream instead of one response (set the body's streaming option, such as `stream: true`, as the API asks)",
        )));
        let output = events_output(&events.ty);
        quote! {
            #doc
            pub async fn send_events(self) -> Result<#output, clientgen_runtime::Error<#error>> {
                #events_call
            }
        }
    });
    if let Some(choice) = &op.accept_choice {
        // Several media types: the caller's choice, by default the first.
        let field = ident(&choice.setter);
        let ty = ident(&choice.type_name);
        let default = ident(&choice.default_variant);
        let doc = doc_attrs(Some(&format!(
            "Chooses the response's media type: the one the request's `Accept` header asks for. Without it, the request asks for `{}`, the first the spec lists.",
            op.accept.as_deref().unwrap_or_default()
        )));
        fields.push(quote! { #field: #types #ty });
        new_inits.push(quote! { #field: #types #ty::#default });
        setters.push(quote! {
            #doc
            pub fn #field(mut self, value: #types #ty) -> Self {
                self.#field = value;
                self
            }
        });
        request_steps.push(quote! { .header("Accept", self.#field.media_type()) });
    } else if let Some(accept) = &op.accept {
        request_steps.push(quote! { .header("Accept", #accept) });
    }
    if let Some(security) = &op.security {
        let security = security_tokens(security);
        request_steps.push(quote! { .security(#security) });
    }
    // The response limits for this call, beside the client's (their names are reserved in
    // `lower::operations`, so no parameter takes them).
    let download = op.success == Success::Bytes;
    let limit_doc = doc_attrs(Some(if op.events.is_some() {
        "The most bytes the response body may have when read whole (a success or an error body), and one event of an event stream before it is complete, for this call only, instead of the client's [`crate::ClientBuilder::max_response_bytes`] (default: 32 MiB). A larger body or event is [`clientgen_runtime::Error::BodyTooLarge`]."
    } else if download {
        "The most bytes the response body may have when `send()` reads it whole (a success or an error body), for this call only, instead of the client's [`crate::ClientBuilder::max_response_bytes`] (default: 32 MiB). A larger body is [`clientgen_runtime::Error::BodyTooLarge`]; `send_stream()` has its own limit, `.max_download_bytes(..)`."
    } else {
        "The most bytes the response body may have (a success or an error body), for this call only, instead of the client's [`crate::ClientBuilder::max_response_bytes`] (default: 32 MiB). A larger body is [`clientgen_runtime::Error::BodyTooLarge`]."
    }));
    fields.push(quote! { max_response_bytes: Option<u64> });
    new_inits.push(quote! { max_response_bytes: None });
    setters.push(quote! {
        #limit_doc
        pub fn max_response_bytes(mut self, limit: u64) -> Self {
            self.max_response_bytes = Some(limit);
            self
        }
    });
    request_steps.push(quote! { .max_response_bytes(self.max_response_bytes) });
    if download {
        let doc = doc_attrs(Some(
            "The most bytes the body streamed by `send_stream()` may have, for this call only, instead of the client's [`crate::ClientBuilder::max_download_bytes`] (default: none). A larger `Content-Length` is [`clientgen_runtime::Error::BodyTooLarge`] before the stream is returned; once more arrives, the stream yields that error and ends.",
        ));
        fields.push(quote! { max_download_bytes: Option<u64> });
        new_inits.push(quote! { max_download_bytes: None });
        setters.push(quote! {
            #doc
            pub fn max_download_bytes(mut self, limit: u64) -> Self {
                self.max_download_bytes = Some(limit);
                self
            }
        });
        request_steps.push(quote! { .max_download_bytes(self.max_download_bytes) });
    }
    // The per-call options, named in `lower::operations` after every other setter.
    let timeout = ident(&op.options.timeout);
    let header = ident(&op.options.header);
    let max_retries = ident(&op.options.max_retries);
    let timeout_doc = doc_attrs(Some(
        "The time each attempt of this call may take (until the response head arrives and while a body is read whole; each chunk of a stream), instead of the client's [`crate::ClientBuilder::timeout`]. An attempt that takes longer is [`clientgen_runtime::Error::Timeout`] (not retried); the client's retry deadline still bounds the whole call.",
    ));
    let header_doc = doc_attrs(Some(
        "Adds a header the operation does not declare (an idempotency key, a trace ID) to this call, sent as given. It goes where header parameters go: with every attempt, and after a redirect only to the request's own origin. A name or value that is not valid in a header is [`clientgen_runtime::Error::InvalidRequest`] when the call is sent.",
    ));
    let retries_doc = doc_attrs(Some(
        "The most times this call is retried, instead of the client's [`crate::ClientBuilder::max_retries`]; `0` sends it once. Only what is safe to repeat is retried, whatever the count.",
    ));
    fields.push(quote! { #timeout: Option<std::time::Duration> });
    fields.push(quote! { #header: Vec<(String, String)> });
    fields.push(quote! { #max_retries: Option<u32> });
    new_inits.push(quote! { #timeout: None });
    new_inits.push(quote! { #header: Vec::new() });
    new_inits.push(quote! { #max_retries: None });
    setters.push(quote! {
        #timeout_doc
        pub fn #timeout(mut self, timeout: std::time::Duration) -> Self {
            self.#timeout = Some(timeout);
            self
        }

        #header_doc
        pub fn #header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.#header.push((name.into(), value.into()));
            self
        }

        #retries_doc
        pub fn #max_retries(mut self, retries: u32) -> Self {
            self.#max_retries = Some(retries);
            self
        }
    });
    request_steps.push(quote! {
        .timeout(self.#timeout)
        .max_retries(self.#max_retries)
        .extra_headers(&self.#header)
    });
    let paging = op
        .pagination
        .as_ref()
        .map(|pagination| paging(op, pagination, &output, &error));
    let stream = download.then(|| {
        let doc = doc_attrs(Some(&format!(
            "Sends the request: `{} {}`, and returns the body as it arrives, chunk by chunk, instead of whole. Retries apply until the status and headers arrive, never mid-stream; the client's timeout bounds the wait for the head and for each chunk, its download timeout (if set) the whole body, and its download limit (if set, or `.max_download_bytes(..)`) the body's size.",
            op.http_method, op.path
        )));
        quote! {
            #doc
            pub async fn send_stream(
                self,
            ) -> Result<clientgen_runtime::ByteStream<#error>, clientgen_runtime::Error<#error>> {
                self.client.inner.execute_stream(self.request()).await
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent with `.send().await`"]
        pub struct #name<'a> {
            client: &'a Client,
            #( #fields, )*
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(client: &'a Client, #( #new_args ),*) -> Self {
                Self { client, #( #new_inits, )* }
            }

            #( #setters )*

            pub(crate) fn request(&self) -> Request {
                Request::new(Method::#http_method, #path) #( #request_steps )*
            }

            #send_doc
            pub async fn send(self) -> Result<#output, clientgen_runtime::Error<#error>> {
                #send_body
            }

            #send_with_response

            #stream

            #send_events

            #paging
        }
    }
}

/// The `Request` call that adds a parameter: the short form (`.query(..)`) when it has its
/// location's default serialization, else the one that names the style.
fn param_step(param: &Param) -> TokenStream {
    let field = ident(&param.rust_name);
    let wire = &param.wire_name;
    let value = quote! { &self.#field };
    if param.allow_reserved {
        let style = style_tokens(param.serialization);
        return quote! { .query_reserved(#wire, #value, #style) };
    }
    let method = match param.location {
        ParamLocation::Path => "path_param",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    if param.serialization == Serialization::default_for(param.location) {
        let method = ident(method);
        quote! { .#method(#wire, #value) }
    } else {
        let method = ident(&format!("{method}_with"));
        let style = style_tokens(param.serialization);
        quote! { .#method(#wire, #value, #style) }
    }
}

/// The request step that sets the body, by its encoding.
fn body_step(body: &Body) -> TokenStream {
    let required = body.required;
    let content_type = &body.content_type;
    let mut step = match &body.encoding {
        BodyEncoding::Json if required => quote! { .json(&self.body) },
        BodyEncoding::Json => quote! { .optional_json(self.body.as_ref()) },
        BodyEncoding::Form { styles } => {
            let styles = styles.iter().map(|(name, style)| {
                let style = style_tokens(*style);
                quote! { (#name, #style) }
            });
            let styles = quote! { &[ #( #styles ),* ] };
            if required {
                quote! { .form(&self.body, #styles) }
            } else {
                quote! { .optional_form(self.body.as_ref(), #styles) }
            }
        }
        BodyEncoding::Multipart { parts } => {
            if required {
                let form = multipart(parts, &quote! { self.body });
                quote! { .multipart(#form) }
            } else {
                let form = multipart(parts, &quote! { body });
                quote! { .optional_multipart(self.body.as_ref().map(|body| #form)) }
            }
        }
        BodyEncoding::Binary if required => quote! { .bytes(self.body.clone()) },
        BodyEncoding::Binary => quote! { .optional_bytes(self.body.clone()) },
        BodyEncoding::Text if required => quote! { .text(self.body.clone()) },
        BodyEncoding::Text => quote! { .optional_text(self.body.clone()) },
    };
    // Each kind has a default `Content-Type`; another one is stated.
    let default = match &body.encoding {
        BodyEncoding::Json => "application/json",
        BodyEncoding::Form { .. } => "application/x-www-form-urlencoded",
        BodyEncoding::Multipart { .. } => content_type.as_str(),
        BodyEncoding::Binary => "",
        BodyEncoding::Text => "text/plain",
    };
    if body.encoding == BodyEncoding::Binary {
        step.extend(
            quote! { .content_type(self.content_type.as_deref().unwrap_or(#content_type)) },
        );
    } else if content_type != default {
        step.extend(quote! { .content_type(#content_type) });
    }
    step
}

/// A `Multipart` with one call per field of `body` (an expression of the body's struct).
fn multipart(parts: &[MultipartField], body: &TokenStream) -> TokenStream {
    let calls = parts.iter().map(|part| {
        let wire = &part.wire_name;
        let field = ident(&part.rust_name);
        let content_type = match &part.content_type {
            Some(content_type) => quote! { Some(#content_type) },
            None => quote! { None },
        };
        match (part.kind, part.optional) {
            (PartKind::File, false) => quote! { .files(#wire, [&#body.#field], #content_type) },
            // `&Option<FilePart>` and `&Vec<FilePart>` iterate over their files.
            (PartKind::File, true) | (PartKind::Files, false) => {
                quote! { .files(#wire, &#body.#field, #content_type) }
            }
            (PartKind::Files, true) => {
                quote! { .files(#wire, #body.#field.iter().flatten(), #content_type) }
            }
            (PartKind::Value, _) => quote! { .part(#wire, &#body.#field, #content_type) },
        }
    });
    quote! { clientgen_runtime::Multipart::new() #( #calls )* }
}

/// `.pages()` and `.items()` of a paginated operation, with its `Pagination` constant.
fn paging(
    op: &Operation,
    pagination: &Pagination,
    page: &TokenStream,
    error: &TokenStream,
) -> TokenStream {
    let param = &pagination.param;
    let mut description = match pagination.style {
        PageStyle::Page => quote! { clientgen_runtime::Pagination::page(#param) },
        PageStyle::Offset => quote! { clientgen_runtime::Pagination::offset(#param) },
        PageStyle::Token | PageStyle::Cursor => {
            let next = pagination.next.as_deref().unwrap_or_default();
            quote! { clientgen_runtime::Pagination::token(#param, #next) }
        }
    };
    if let Some(size) = &pagination.size_param {
        description.extend(quote! { .size(#size) });
    }
    if pagination.in_body {
        description.extend(quote! { .in_body() });
    }
    if let Some(first) = pagination.first_page {
        let first = proc_macro2::Literal::i64_unsuffixed(first);
        description.extend(quote! { .first_page(#first) });
    }
    let items = &pagination.items;
    description.extend(quote! { .items(#items) });
    if let Some(total) = &pagination.total {
        description.extend(quote! { .total(#total) });
    }
    if let Some(total_pages) = &pagination.total_pages {
        description.extend(quote! { .total_pages(#total_pages) });
    }
    if !pagination.replaces.is_empty() {
        let replaces = &pagination.replaces;
        description.extend(quote! { .replaces(&[ #( #replaces ),* ]) });
    }
    let item = type_tokens(&pagination.item_type, &types_path());
    let how = match pagination.style {
        PageStyle::Page => format!("the `{param}` page number"),
        PageStyle::Offset => format!("the `{param}` offset"),
        PageStyle::Token => format!("the `{param}` token"),
        PageStyle::Cursor => format!("the `{param}` cursor"),
    };
    let pages_doc = doc_attrs(Some(&format!(
        "Every page of `{} {}` from this one on, fetched as the stream is polled. Only {how} changes between requests; the stream ends without another request once a page shows it is the last.",
        op.http_method, op.path
    )));
    let items_doc = doc_attrs(Some(&format!(
        "Every item of every page of `{} {}` (at `{}` in each page), fetched page by page as the stream is polled.",
        op.http_method,
        op.path,
        if items.is_empty() { "the top level" } else { items.as_str() }
    )));
    quote! {
        /// How this operation pages (its `x-pagination`).
        const PAGINATION: clientgen_runtime::Pagination = #description;

        #pages_doc
        pub fn pages(self) -> clientgen_runtime::Pages<#page, #error> {
            self.client.inner.pages(self.request(), Self::PAGINATION)
        }

        #items_doc
        pub fn items(self) -> clientgen_runtime::Items<#item, #error> {
            self.client.inner.items(self.request(), Self::PAGINATION)
        }
    }
}
