//! `emit`: IR -> token streams, one per generated Rust file. Names come from the IR as they
//! are; nothing here decides a name.

mod client;
mod lib_rs;
mod mock;
mod operations;
mod query;
mod types;

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
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

/// The `cfg` attribute of something that exists only with one of `features`:
/// `#[cfg(feature = "a")]`, `#[cfg(any(feature = "a", feature = "b"))]`, or nothing when the
/// list is empty.
pub(crate) fn cfg_features<S: AsRef<str>>(features: &[S]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => {
            let one = one.as_ref();
            quote! { #[cfg(feature = #one)] }
        }
        many => {
            let many = many.iter().map(AsRef::as_ref);
            quote! { #[cfg(any( #( feature = #many ),* ))] }
        }
    }
}

/// The `cfg` attribute of an operation's items: its group's feature.
pub(crate) fn cfg_operation(op: &crate::ir::Operation) -> TokenStream {
    cfg_features(op.feature.as_slice())
}

/// The `cfg` attribute of what every operation uses (imports, shared helpers): any group's
/// feature. Nothing when the crate has no group features.
pub(crate) fn cfg_any_operation(api: &Api) -> TokenStream {
    let names: Vec<&str> = api.features.iter().map(|f| f.name.as_str()).collect();
    cfg_features(&names)
}

/// Puts `attr` (a `cfg`) before every item of `items`. An item ends at a `;` or at a braced
/// block (with a `;` right after it, as a `const`'s struct value has), outside any group.
pub(crate) fn gate(attr: &TokenStream, items: TokenStream) -> TokenStream {
    if attr.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut item = Vec::new();
    let mut tokens = items.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let ends = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';' || p.as_char() == '.')
            }
            _ => false,
        };
        item.push(token);
        if ends {
            gate_item(&mut out, attr, &mut item);
        }
    }
    if !item.is_empty() {
        gate_item(&mut out, attr, &mut item);
    }
    out
}

/// One item of [`gate`], with `attr` after its doc comments (`#[doc = ..]`), where rustfmt
/// puts attributes.
fn gate_item(out: &mut TokenStream, attr: &TokenStream, item: &mut Vec<TokenTree>) {
    let is_doc = |pair: &[TokenTree]| match pair {
        [TokenTree::Punct(hash), TokenTree::Group(group)] => {
            hash.as_char() == '#'
                && group.delimiter() == Delimiter::Bracket
                && matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
        }
        _ => false,
    };
    let mut docs = 0;
    while item.get(docs..docs + 2).is_some_and(is_doc) {
        docs += 2;
    }
    let mut tokens = item.drain(..);
    out.extend(tokens.by_ref().take(docs));
    out.extend(attr.clone());
    out.extend(tokens);
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
