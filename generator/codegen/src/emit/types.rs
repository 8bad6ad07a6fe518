//! The `types` module: one struct, enum or alias per named type.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{cfg_features, doc_attrs, gate, ident, inner_doc_attrs, type_tokens, Shard};
use crate::ir::{
    Api, Content, Field, IntVariant, MediaVariant, StatusMatch, StatusVariant, TypeDef, TypeKind,
    UnionVariant, Variant,
};

pub(crate) fn types(api: &Api, shard: Shard) -> TokenStream {
    let defs = shard
        .of(&api.types)
        .iter()
        .map(|def| gate(&cfg_features(&def.features), type_def(def)));
    if !shard.is_first() {
        return quote! { #( #defs )* };
    }
    let module_doc = inner_doc_attrs(&format!(
        "Request and response types of the {}.\n\nObjects ignore fields they do not know, and string and integer enums keep values they do not know in an `Unknown` variant, so a vendor adding either never breaks decoding.\n\nEvery type can grow without breaking your code: structs and enums are `#[non_exhaustive]`. Build a struct with `new(..)`, which takes its required fields (every optional field is `None`), or with `default()` when it has no required field, then assign the other fields, which are public: `let mut value = T::default(); value.name = Some(..);`. A `match` on an enum needs a `_` arm. An optional field or an enum value added to the spec is then a compatible release; a required field added changes `new(..)`, so it is a breaking one.",
        api.title
    ));
    // String enums name `serde` through the runtime's macro; the other kinds need the traits.
    let serde_users: Vec<&TypeDef> = api
        .types
        .iter()
        .filter(|def| {
            matches!(
                def.kind,
                TypeKind::Struct { .. } | TypeKind::IntEnum { .. } | TypeKind::Union { .. }
            )
        })
        .collect();
    let serde_use = if serde_users.is_empty() {
        TokenStream::new()
    } else {
        // Only where one of its users exists: the features of them all, or none when one of
        // them always exists.
        let features: std::collections::BTreeSet<&str> = serde_users
            .iter()
            .flat_map(|def| def.features.iter().map(String::as_str))
            .collect();
        let cfg = if serde_users.iter().any(|def| def.features.is_empty()) {
            TokenStream::new()
        } else {
            cfg_features(&features.into_iter().collect::<Vec<_>>())
        };
        quote! { #cfg use serde::{Deserialize, Serialize}; }
    };
    quote! {
        #module_doc

        #serde_use

        #( #defs )*
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(Some(
        def.doc
            .as_deref()
            .unwrap_or(&format!("The `{}` schema.", def.name)),
    ));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields } => {
            let all_optional = fields.iter().all(|f| !f.required);
            let default = if all_optional {
                quote! { Default, }
            } else {
                TokenStream::new()
            };
            let constructor = constructor(&def.name, fields);
            let fields = fields.iter().map(field);
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
                #[non_exhaustive]
                pub struct #name {
                    #( #fields )*
                }

                #constructor
            }
        }
        TypeKind::StringEnum { variants } => string_enum(&doc, &name, variants),
        TypeKind::IntEnum { variants } => int_enum(&doc, &name, variants),
        TypeKind::Union {
            discriminator,
            variants,
        } => union(&doc, &name, discriminator.as_deref(), variants),
        TypeKind::Alias(target) => {
            let target = type_tokens(target, &TokenStream::new());
            quote! {
                #doc
                pub type #name = #target;
            }
        }
        TypeKind::Responses { error, variants } => responses(&doc, &name, *error, variants),
        TypeKind::MediaTypes { variants } => media_types(&doc, &name, variants),
    }
}

/// The media types an operation's response offers, for its builder's `Accept` setter: a plain
/// enum (never sent as JSON), the first variant its `Default`, with the media type of each.
fn media_types(
    doc: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[MediaVariant],
) -> TokenStream {
    let declarations = variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.rust_name);
        if i == 0 {
            let doc = doc_attrs(Some(&format!(
                "`{}`, the default: what the request asks for unless told otherwise.",
                v.media_type
            )));
            quote! { #doc #[default] #variant }
        } else {
            let doc = doc_attrs(Some(&format!("`{}`.", v.media_type)));
            quote! { #doc #variant }
        }
    });
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let media = &v.media_type;
        quote! { Self::#variant => #media, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum #name {
            #( #declarations, )*
        }

        impl #name {
            /// The media type, as the `Accept` header sends it.
            pub fn media_type(self) -> &'static str {
                match self {
                    #( #arms )*
                }
            }
        }
    }
}

/// An operation's response enum: one variant per declared status, decoded by the status of
/// the response (exact codes, then ranges, then `default`). Success enums implement
/// `SuccessBody` (an undeclared status is a decode error); error enums implement
/// `ErrorBody`, with `Other` for a JSON body that fits no declared variant.
fn responses(
    doc: &TokenStream,
    name: &proc_macro2::Ident,
    error: bool,
    variants: &[StatusVariant],
) -> TokenStream {
    let declarations = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = match &v.doc {
            Some(doc) => format!("`{}`: {doc}", v.status),
            None => format!("`{}`.", v.status),
        };
        let doc = doc_attrs(Some(&doc));
        match &v.content {
            Content::Empty => quote! { #doc #variant },
            Content::Json(ty) => {
                let ty = type_tokens(ty, &TokenStream::new());
                quote! { #doc #variant(#ty) }
            }
            Content::Text => quote! { #doc #variant(String) },
            Content::Bytes => quote! { #doc #variant(clientgen_runtime::Bytes) },
        }
    });
    let decode = |v: &StatusVariant| {
        let variant = ident(&v.rust_name);
        match (&v.content, error) {
            (Content::Empty, false) => quote! { Ok(Self::#variant) },
            (Content::Json(_), false) => quote! { response.json_body().map(Self::#variant) },
            (Content::Text, false) => quote! { response.text_body().map(Self::#variant) },
            (Content::Bytes, false) => quote! { Ok(Self::#variant(response.body().clone())) },
            (Content::Empty | Content::Bytes, true) => quote! { Some(Self::#variant) },
            (Content::Json(_), true) => {
                quote! { serde_json::from_slice(body).ok().map(Self::#variant) }
            }
            (Content::Text, true) => quote! {
                std::str::from_utf8(body).ok().map(|text| Self::#variant(text.to_owned()))
            },
        }
    };
    // Exact codes first; then, in an inner match on the class (so that no arm overlaps
    // another), the ranges; then `default`, or else what an undeclared status means.
    let codes: Vec<TokenStream> = variants
        .iter()
        .filter_map(|v| match v.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                let decode = decode(v);
                Some(quote! { #code => #decode, })
            }
            _ => None,
        })
        .collect();
    let ranges: Vec<TokenStream> = variants
        .iter()
        .filter_map(|v| match v.status {
            StatusMatch::Range(class) => {
                let class = Literal::u16_unsuffixed(class);
                let decode = decode(v);
                Some(quote! { #class => #decode, })
            }
            _ => None,
        })
        .collect();
    let otherwise = match variants.iter().find(|v| v.status == StatusMatch::Default) {
        Some(v) => decode(v),
        None if error => quote! { None },
        None => quote! { Err(response.unexpected_status()) },
    };
    let status = if error {
        quote! { status }
    } else {
        quote! { response.status() }
    };
    let rest = if ranges.is_empty() {
        quote! { _ => #otherwise, }
    } else {
        quote! {
            _ => match #status.as_u16() / 100 {
                #( #ranges )*
                _ => #otherwise,
            },
        }
    };
    // Only `default` (the error responses of Box's `GET /authorize`, text): the
    // match has one arm, which `clippy::match_single_binding` would reject.
    let single = if codes.is_empty() && ranges.is_empty() {
        quote! { #[allow(clippy::match_single_binding)] }
    } else {
        TokenStream::new()
    };
    if error {
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #( #declarations, )*
                /// A JSON body that fits none of the declared ones (or came with a status the
                /// spec does not declare); it is kept as sent.
                Other(serde_json::Value),
            }

            impl clientgen_runtime::ErrorBody for #name {
                #single
                fn from_response(status: clientgen_runtime::StatusCode, body: &[u8]) -> Option<Self> {
                    let declared = match status.as_u16() {
                        #( #codes )*
                        #rest
                    };
                    declared.or_else(|| serde_json::from_slice(body).ok().map(Self::Other))
                }
            }
        }
    } else {
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #( #declarations, )*
            }

            impl clientgen_runtime::SuccessBody for #name {
                #single
                fn from_response<E>(
                    response: &clientgen_runtime::RawResponse,
                ) -> Result<Self, clientgen_runtime::Error<E>> {
                    match response.status().as_u16() {
                        #( #codes )*
                        #rest
                    }
                }
            }
        }
    }
}

/// `new(..)` for a struct with required fields: one argument per required field, in
/// declaration order, every optional field `None`. Structs are `#[non_exhaustive]`, so this
/// (or `Default` when no field is required) is how other crates build one; an optional field
/// added later leaves it unchanged, a required one changes its signature, as it should.
fn constructor(name: &str, fields: &[Field]) -> TokenStream {
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    if required.is_empty() {
        return TokenStream::new();
    }
    let params = required.iter().map(|f| {
        let arg = ident(&f.rust_name);
        let inner = type_tokens(&f.ty, &TokenStream::new());
        let ty = if f.is_option() {
            quote! { Option<#inner> }
        } else {
            inner
        };
        quote! { #arg: #ty }
    });
    let inits = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        match (f.required, f.boxed, f.is_option()) {
            (false, _, _) => quote! { #field: None },
            (true, false, _) => quote! { #field },
            (true, true, false) => quote! { #field: Box::new(#field) },
            (true, true, true) => quote! { #field: #field.map(Box::new) },
        }
    });
    let many = if required.len() > 7 {
        quote! { #[allow(clippy::too_many_arguments)] }
    } else {
        TokenStream::new()
    };
    let doc = doc_attrs(Some(&format!(
        "Builds a `{name}` from its required fields, every optional field `None`; assign those afterwards (the fields are public)."
    )));
    let ty = ident(name);
    quote! {
        impl #ty {
            #doc
            #many
            pub fn new(#( #params ),*) -> Self {
                Self {
                    #( #inits, )*
                }
            }
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let doc = doc_attrs(Some(
        field
            .doc
            .as_deref()
            .unwrap_or(&format!("The `{}` property.", field.wire_name)),
    ));
    let name = ident(&field.rust_name);
    let inner = held_type(&field.ty, field.boxed);
    let ty = if field.is_option() {
        quote! { Option<#inner> }
    } else {
        inner
    };
    let wire = &field.wire_name;
    let rename = if field.rust_name.trim_start_matches("r#") == wire {
        TokenStream::new()
    } else {
        quote! { #[serde(rename = #wire)] }
    };
    // Absent optional fields decode as `None` (serde's derive does that for every `Option`
    // field, so no `default`) and are left out when encoding; a required nullable field is
    // always written, as `null` when `None`.
    let optional = if field.required {
        TokenStream::new()
    } else {
        quote! { #[serde(skip_serializing_if = "Option::is_none")] }
    };
    quote! {
        #doc
        #rename
        #optional
        pub #name: #ty,
    }
}

/// The type of a field or alternative: `Box<T>` when it holds its own container (recursion).
fn held_type(ty: &crate::ir::TypeRef, boxed: bool) -> TokenStream {
    let ty = type_tokens(ty, &TokenStream::new());
    if boxed {
        quote! { Box<#ty> }
    } else {
        ty
    }
}

fn string_enum(doc: &TokenStream, name: &proc_macro2::Ident, variants: &[Variant]) -> TokenStream {
    let names: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<_> = variants.iter().map(|v| v.wire_value.as_str()).collect();
    let variant_docs = values.iter().map(|value| format!(" `{value}`"));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #names, )*
            /// A value this version of the client does not know; it is kept as sent.
            Unknown(String),
        }

        impl #name {
            /// The value as it appears in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#names => #values, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#names, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        clientgen_runtime::string_enum!(#name);
    }
}

/// Like [`string_enum`], for integers: `Copy`, `value()`, `From<i64>` both ways, and JSON
/// numbers on the wire. Lowering lists each value once, so no match arm is unreachable.
fn int_enum(doc: &TokenStream, name: &proc_macro2::Ident, variants: &[IntVariant]) -> TokenStream {
    let names: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let values: Vec<_> = variants
        .iter()
        .map(|v| Literal::i64_unsuffixed(v.value))
        .collect();
    let variant_docs = variants.iter().map(|v| format!(" `{}`", v.value));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #names, )*
            /// A value this version of the client does not know; it is kept as sent.
            Unknown(i64),
        }

        impl #name {
            /// The value as it appears in JSON.
            pub fn value(self) -> i64 {
                match self {
                    #( Self::#names => #values, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #( #values => Self::#names, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                i64::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// A `oneOf`/`anyOf`: one tuple variant per alternative and `Unknown(serde_json::Value)`,
/// allowed to differ in size (`clippy::large_enum_variant`). Encoding writes the alternative as it is. Decoding reads the value once, then picks the
/// alternative by the discriminator's value when there is one (a known value whose body does
/// not fit is an error), or else tries the alternatives in turn; a value none of them takes
/// is kept in `Unknown`.
fn union(
    doc: &TokenStream,
    name: &proc_macro2::Ident,
    discriminator: Option<&str>,
    variants: &[UnionVariant],
) -> TokenStream {
    let names: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<_> = variants.iter().map(|v| held_type(&v.ty, v.boxed)).collect();
    let variant_docs = variants.iter().map(|v| {
        if v.tags.is_empty() {
            format!(" The `{}` alternative.", v.ty)
        } else {
            let tags: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
            format!(
                " The `{}` alternative, selected by {}.",
                v.ty,
                tags.join(" or ")
            )
        }
    });
    let decode = match discriminator {
        Some(property) => {
            let arms = variants
                .iter()
                .zip(&names)
                .zip(&types)
                .map(|((v, name), ty)| {
                    let tags = &v.tags;
                    quote! {
                        #( Some(#tags) )|* => serde_json::from_value::<#ty>(value)
                            .map(Self::#name)
                            .map_err(serde::de::Error::custom),
                    }
                });
            quote! {
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #( #arms )*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
        None => quote! {
            #(
                if let Ok(decoded) = serde_json::from_value::<#types>(value.clone()) {
                    return Ok(Self::#names(decoded));
                }
            )*
            Ok(Self::Unknown(value))
        },
    };
    // An alternative is held by value, as the spec's types are everywhere else; one large
    // struct beside a string (Stripe's expandable fields: `Account` or its id) would
    // otherwise fail `clippy::large_enum_variant` in the generated crate.
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #names(#types), )*
            /// A value that none of the alternatives this version of the client knows takes;
            /// it is kept as sent.
            Unknown(serde_json::Value),
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( Self::#names(value) => value.serialize(serializer), )*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #decode
            }
        }
    }
}
