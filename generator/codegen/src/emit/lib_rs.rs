//! The crate root.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

pub(crate) fn lib_rs(api: &Api) -> TokenStream {
    let default = if api.default_server.is_some() {
        quote! { , DEFAULT_BASE_URL }
    } else {
        TokenStream::new()
    };
    quote! {
        #![doc = include_str!("../README.md")]
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        pub mod types;

        pub use client::{Client, ClientBuilder #default};
        pub use clientgen_runtime::{ApiError, BuildError, Error};
    }
}
