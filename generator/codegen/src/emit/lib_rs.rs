//! The crate root.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Content, SchemeKind, Success, TypeKind, TypeRef};

pub(crate) fn lib_rs(api: &Api) -> TokenStream {
    let default = if api.default_server.is_some() {
        quote! { , DEFAULT_BASE_URL }
    } else {
        TokenStream::new()
    };
    // Runtime types a user names when using the crate: errors always; credentials, token
    // providers, page streams and typed responses when the API has them.
    let mut runtime = vec![quote! { ApiError }, quote! { BuildError }, quote! { Error }];
    if !api.security_schemes.is_empty() {
        runtime.push(quote! { Secret });
    }
    if api
        .security_schemes
        .iter()
        .any(|s| matches!(s.kind, SchemeKind::Bearer { .. }))
    {
        runtime.extend([
            quote! { AccessToken },
            quote! { BoxError },
            quote! { TokenProvider },
        ]);
    }
    if api.operations.iter().any(|op| op.pagination.is_some()) {
        runtime.extend([
            quote! { Items },
            quote! { Pages },
            quote! { PaginationError },
        ]);
    }
    // What `send_with_response()` returns (every builder but an event-only one has it).
    if api
        .operations
        .iter()
        .any(|op| !matches!(op.success, Success::Events(_)))
    {
        runtime.push(quote! { Response });
    }
    let downloads = api.operations.iter().any(|op| op.success == Success::Bytes);
    if downloads {
        runtime.push(quote! { ByteStream });
    }
    if api.operations.iter().any(|op| op.events.is_some()) {
        runtime.extend([quote! { Event }, quote! { EventStream }]);
    }
    let byte_variants = api.types.iter().any(|def| {
        matches!(&def.kind, TypeKind::Responses { variants, .. }
            if variants.iter().any(|v| v.content == Content::Bytes))
    });
    if downloads || byte_variants || api.uses(|ty| *ty == TypeRef::Bytes) {
        runtime.push(quote! { Bytes });
    }
    if api.uses(|ty| *ty == TypeRef::File) {
        runtime.push(quote! { FilePart });
    }
    // One `use` per item, sorted, so that rustfmt (which formats this file, unlike the
    // `#[rustfmt::skip]` modules) leaves prettyplease's output as it is.
    runtime.sort_by_key(ToString::to_string);
    let query = (!api.query_languages.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod query;
        }
    });
    quote! {
        #![doc = include_str!("../README.md")]
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        mod client;
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;
        #[rustfmt::skip]
        pub mod operations;
        #query
        #[rustfmt::skip]
        pub mod types;

        pub use client::{Client, ClientBuilder #default};
        #( pub use clientgen_runtime::#runtime; )*
    }
}
