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

/// One Rust file of the crate: its path, the function that emits it and how many shards it is
/// made in.
///
/// A large file (`types.rs`, `operations.rs`, `mock.rs`) is made in shards: shard `i` of `n`
/// is the `i`-th of `n` contiguous, nearly equal slices of the file's items (types, or
/// operations), and only shard 0 carries the module docs and the `use` header (and `mock.rs`'s
/// `MockServer`). Each shard's tokens are independent of the others', so shards are emitted,
/// parsed and formatted on separate threads, and their texts joined in order are the file's.
/// A small file is one shard.
#[derive(Clone, Copy)]
pub(crate) struct RustFile {
    pub(crate) path: &'static str,
    pub(crate) emit: fn(&Api, Shard) -> TokenStream,
    pub(crate) shards: usize,
}

/// Which slice of a file's items an emitter makes (see [`RustFile`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    index: usize,
    count: usize,
}

impl Shard {
    /// Shard `index` of `count` (at least one).
    pub(crate) fn new(index: usize, count: usize) -> Self {
        let count = count.max(1);
        Self {
            index: index.min(count - 1),
            count,
        }
    }

    /// The shard that carries the file's header (module docs, `use` declarations).
    pub(crate) fn is_first(self) -> bool {
        self.index == 0
    }

    /// This shard's contiguous slice of the file's items.
    pub(crate) fn of<T>(self, items: &[T]) -> &[T] {
        let start = items.len() * self.index / self.count;
        let end = items.len() * (self.index + 1) / self.count;
        items.get(start..end).unwrap_or_default()
    }
}

/// How many shards a file of `items` items is made in, `per_shard` items each: small enough
/// that two or more threads share a large file evenly and that only a slice of a file's
/// tokens and syntax tree is alive on each thread; large enough that a small crate is one
/// shard per file.
fn shards(items: usize, per_shard: usize) -> usize {
    const MAX_SHARDS: usize = 64;
    items.div_ceil(per_shard).clamp(1, MAX_SHARDS)
}

/// Every Rust file of the crate, with its shard count.
pub(crate) fn files(api: &Api) -> Vec<RustFile> {
    let whole = |path, emit| RustFile {
        path,
        emit,
        shards: 1,
    };
    let operations_shards = shards(api.operations.len(), 32);
    let mut files = vec![
        whole("src/lib.rs", |api, _| lib_rs(api)),
        whole("src/client.rs", |api, _| client(api)),
        RustFile {
            path: "src/operations.rs",
            emit: operations,
            shards: operations_shards,
        },
        RustFile {
            path: "src/types.rs",
            emit: types,
            shards: shards(api.types.len(), 128),
        },
        RustFile {
            path: "src/mock.rs",
            emit: mock::mock,
            shards: operations_shards,
        },
    ];
    if !api.query_languages.is_empty() {
        files.push(whole("src/query.rs", |api, _| query::query(api)));
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
        doc_line(if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        })
    });
    quote! { #( #[doc = #lines] )* }
}

/// Starts the short placeholder that stands for a doc line in the tokens (see [`doc_line`]).
pub(crate) const DOC_MARK: char = '\u{10FFFD}';

thread_local! {
    /// The doc lines of the shard this thread is emitting, by placeholder number.
    static DOC_LINES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The value of a `#[doc = ..]` line: a placeholder (`DOC_MARK` and a number) for a line
/// prettyplease prints as a `///` comment, the line itself otherwise. Doc text is most of a
/// large crate's text, and every byte of a string literal is escaped by `proc_macro2`,
/// copied on each of `syn`'s peeks and unescaped twice (`syn`, `prettyplease`); a placeholder
/// of a few bytes skips that, and [`restore_doc_lines`] puts the lines back into the text as
/// prettyplease would have printed them (`///` then the line, trailing spaces trimmed).
fn doc_line(line: String) -> String {
    if line.contains(['\n', DOC_MARK]) || line.starts_with('/') {
        return line;
    }
    DOC_LINES.with(|lines| {
        let mut lines = lines.borrow_mut();
        let number = lines.len();
        lines.push(line);
        format!("{DOC_MARK}{number}")
    })
}

/// Forgets the doc lines this thread has kept (before it emits a shard).
pub(crate) fn clear_doc_lines() {
    DOC_LINES.with(|lines| lines.borrow_mut().clear());
}

/// Puts the doc lines this thread kept while emitting a shard back in place of their
/// placeholders in the shard's formatted text, and forgets them.
pub(crate) fn restore_doc_lines(text: String) -> String {
    let lines = DOC_LINES.with(|lines| std::mem::take(&mut *lines.borrow_mut()));
    if lines.is_empty() {
        return text;
    }
    let marker = format!("///{DOC_MARK}");
    let mut pieces = text.split(marker.as_str());
    let mut out = String::with_capacity(text.len() + lines.iter().map(String::len).sum::<usize>());
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        let digits = piece.len() - piece.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line = piece
            .get(..digits)
            .and_then(|number| number.parse::<usize>().ok())
            .and_then(|number| lines.get(number));
        match (line, piece.get(digits..)) {
            (Some(line), Some(rest)) => {
                out.push_str("///");
                out.push_str(line.trim_end_matches(' '));
                out.push_str(rest);
            }
            _ => {
                out.push_str(&marker);
                out.push_str(piece);
            }
        }
    }
    out
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Doc lines through placeholders print as prettyplease prints the lines themselves.
    #[test]
    fn doc_placeholders_print_like_the_lines() {
        let doc = "First line.  \n\n  indented `code` \"quoted\" \\ back\n/ slash first\ntrailing \u{10FFFD}7 mark\n\t tab\n///triple";
        let text =
            |tokens: TokenStream| prettyplease::unparse(&syn::parse2::<syn::File>(tokens).unwrap());
        clear_doc_lines();
        let placeheld = doc_attrs(Some(doc));
        let restored = restore_doc_lines(text(quote! { #placeheld struct A; }));
        let lines = doc.lines().map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        });
        let direct = text(quote! { #( #[doc = #lines] )* struct A; });
        assert_eq!(restored, direct);
        assert!(!restored.contains("\u{10FFFD}0"));
    }
}
