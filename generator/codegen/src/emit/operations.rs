//! The `operations` module: one request builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, inner_doc_attrs, type_tokens};
use crate::ir::{Api, Operation, ParamLocation, Success, TypeRef};

fn types_path() -> TokenStream {
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

/// How a value is taken as an argument: strings as `impl Into<String>`, everything else as is.
fn argument(ty: &TypeRef, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (quote! { impl Into<String> }, quote! { #name.into() }),
        other => (type_tokens(other, &types_path()), quote! { #name }),
    }
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
        let ty = type_tokens(&body.ty, &types_path());
        args.push(quote! { body: #ty });
        values.push(quote! { body });
    }
    (args, values)
}

pub(crate) fn operations(api: &Api) -> TokenStream {
    let module_doc = inner_doc_attrs(
        "Request builders, one per operation. Get one from a [`Client`] method, set optional parameters, then `.send().await`.",
    );
    let builders = api.operations.iter().map(builder);
    quote! {
        #module_doc

        use clientgen_runtime::{Method, Request};

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
        request_steps.push(match param.location {
            ParamLocation::Path => quote! { .path_param(#wire, &self.#field) },
            ParamLocation::Query => quote! { .query(#wire, &self.#field) },
            ParamLocation::Header => quote! { .header(#wire, &self.#field) },
        });
    }
    if let Some(body) = &op.body {
        let ty = type_tokens(&body.ty, &types);
        if body.required {
            fields.push(quote! { body: #ty });
            new_args.push(quote! { body: #ty });
            new_inits.push(quote! { body });
        } else {
            let doc = doc_attrs(Some(
                body.doc.as_deref().unwrap_or("Sets the request body."),
            ));
            fields.push(quote! { body: Option<#ty> });
            new_inits.push(quote! { body: None });
            setters.push(quote! {
                #doc
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            });
        }
        request_steps.push(if body.required {
            quote! { .json(&self.body) }
        } else {
            quote! { .optional_json(self.body.as_ref()) }
        });
    }

    let http_method = ident(&op.http_method);
    let path = &op.path;
    let error = type_tokens(&op.error, &types);
    let (output, decode) = match &op.success {
        Success::Json(ty) => (type_tokens(ty, &types), quote! { json() }),
        Success::Empty => (quote! { () }, quote! { empty() }),
    };
    let send_doc = doc_attrs(Some(&format!(
        "Sends the request: `{} {}`.",
        op.http_method, op.path
    )));
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

            #send_doc
            pub async fn send(self) -> Result<#output, clientgen_runtime::Error<#error>> {
                let request = Request::new(Method::#http_method, #path) #( #request_steps )*;
                self.client.inner.execute(request).await?.#decode
            }
        }
    }
}
