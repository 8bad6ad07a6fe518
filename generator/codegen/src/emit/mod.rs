//! `emit`: IR -> token streams, one per generated Rust file. Names come from the IR as they
//! are; nothing here decides a name.

mod client;
mod lib_rs;
mod mock;
mod operations;
mod query;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, ParamStyle, Serialization, TypeRef};

pub(crate) use client::client;
pub(crate) use lib_rs::lib_rs;
pub(crate) use operations::operations;
pub(crate) use types::types;

/// Makes one file's tokens from the IR.
pub(crate) type Emitter = fn(&Api) -> TokenStream;

/// Every Rust file of the crate, by path, with the function that emits it. Each file's tokens
/// are independent of the others', so they can be made (and rendered) on separate threads.
pub(crate) fn files(api: &Api) -> Vec<(&'static str, Emitter)> {
    let mut files: Vec<(&'static str, Emitter)> = vec![
        ("src/lib.rs", lib_rs),
        ("src/client.rs", client),
        ("src/operations.rs", operations),
        ("src/types.rs", types),
        ("src/mock.rs", mock::mock),
    ];
    if !api.query_languages.is_empty() {
        files.push(("src/query.rs", query::query));
    }
    files
}

/// An identifier from an IR name; `r#type` becomes a raw identifier.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ..]` attributes, one per line, so the formatter prints them as `///` comments.
pub(crate) fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else {
        return TokenStream::new();
    };
    let lines = doc.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Inner `#![doc = ..]` attributes for module docs.
pub(crate) fn inner_doc_attrs(doc: &str) -> TokenStream {
    let lines = doc.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

/// The Rust type of a reference. `types_path` prefixes named types (`crate::types::`), or is
/// empty inside the types module.
pub(crate) fn type_tokens(ty: &TypeRef, types_path: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #types_path #name }
        }
        TypeRef::String => quote! { String },
        TypeRef::I64 => quote! { i64 },
        TypeRef::I32 => quote! { i32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::Bool => quote! { bool },
        TypeRef::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        TypeRef::Date => quote! { chrono::NaiveDate },
        TypeRef::Uuid => quote! { uuid::Uuid },
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, types_path);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types_path);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::File => quote! { clientgen_runtime::FilePart },
        TypeRef::Bytes => quote! { clientgen_runtime::Bytes },
    }
}

/// The runtime's `Style` for a serialization (`clientgen_runtime::Style::Form { explode: false }`).
pub(crate) fn style_tokens(serialization: Serialization) -> TokenStream {
    let (style, explode) = match serialization {
        Serialization::Json => return quote! { clientgen_runtime::Style::Json },
        Serialization::Style { style, explode } => (style, explode),
    };
    match style {
        ParamStyle::Simple => quote! { clientgen_runtime::Style::Simple { explode: #explode } },
        ParamStyle::Label => quote! { clientgen_runtime::Style::Label { explode: #explode } },
        ParamStyle::Matrix => quote! { clientgen_runtime::Style::Matrix { explode: #explode } },
        ParamStyle::Form => quote! { clientgen_runtime::Style::Form { explode: #explode } },
        ParamStyle::SpaceDelimited => quote! { clientgen_runtime::Style::SpaceDelimited },
        ParamStyle::PipeDelimited => quote! { clientgen_runtime::Style::PipeDelimited },
        ParamStyle::DeepObject => quote! { clientgen_runtime::Style::DeepObject },
    }
}
