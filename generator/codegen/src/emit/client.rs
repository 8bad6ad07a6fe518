//! The `client` module: `Client`, its builder, and one method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{method_doc, positional};
use super::{doc_attrs, ident, inner_doc_attrs};
use crate::ir::Api;

pub(crate) fn client(api: &Api) -> TokenStream {
    let module_doc = inner_doc_attrs("The client and its builder.");
    let client_doc = doc_attrs(Some(&format!(
        "Client for the {} (API version {}).\n\nCreate one with [`Client::builder`]. Cheap to clone: clones share connections and settings.",
        api.title, api.api_version
    )));
    let (default_const, default_arg) = match &api.default_server {
        Some(url) => {
            let doc = doc_attrs(Some(
                "The server the spec declares; [`Client::builder`] starts with it.",
            ));
            (
                quote! { #doc pub const DEFAULT_BASE_URL: &str = #url; },
                quote! { Some(DEFAULT_BASE_URL) },
            )
        }
        None => (TokenStream::new(), quote! { None }),
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
        quote! {
            #doc
            pub fn #name(&self, #( #args ),*) -> operations::#builder<'_> {
                operations::#builder::new(self, #( #values ),*)
            }
        }
    });
    quote! {
        #module_doc

        use crate::operations;

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            pub(crate) inner: clientgen_runtime::Client,
        }

        /// Builder for [`Client`]: base URL, credentials, timeout, user agent or a ready
        /// `reqwest::Client`.
        pub type ClientBuilder = clientgen_runtime::ClientBuilder<Client>;

        #default_const

        impl Client {
            #builder_doc
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(#default_arg, concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            #( #methods )*
        }

        impl From<clientgen_runtime::Client> for Client {
            fn from(inner: clientgen_runtime::Client) -> Self {
                Self { inner }
            }
        }
    }
}
