//! The `query` module: typed builders of clause queries (`x-query-language`).

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, inner_doc_attrs};
use crate::ir::{Api, QueryLanguage};

pub(crate) fn query(api: &Api) -> TokenStream {
    let module_doc = inner_doc_attrs(
        "Typed builders for the query parameters that take `field:value` clauses. Values are escaped, so no value can change a query's structure.",
    );
    let languages = api.query_languages.iter().map(language);
    quote! {
        #module_doc

        use std::fmt;

        #( #languages )*
    }
}

fn language(language: &QueryLanguage) -> TokenStream {
    let name = ident(&language.type_name);
    let field = ident(&language.field_enum);
    let (method, param) = &language.used_by;
    let example = language.fields.first().map_or(String::new(), |first| {
        format!(
            "\n\nFor example, `{name}::new().is({field}::{v}, \"active\").any_of({field}::{v}, [\"a b\", \"c\"])` is the query `{w}:active {w}:(\"a b\" OR c)`.",
            name = language.type_name,
            field = language.field_enum,
            v = first.variant,
            w = first.wire,
        )
    });
    let type_doc = doc_attrs(Some(&format!(
        "A `{param}` for [`Client::{method}`](crate::Client::{method}), built clause by clause: `field:value` clauses separated by spaces, all of which must match, and `field:(a OR b)` for alternatives. Values are escaped (`+ - && || ! ( ) {{ }} [ ] ^ \" ~ * ? : \\`) and quoted when they contain spaces.{example}"
    )));
    let field_doc = doc_attrs(Some(&format!(
        "The fields a [`{}`] can filter on.",
        language.type_name
    )));
    let variants = language.fields.iter().map(|f| {
        let variant = ident(&f.variant);
        let doc = doc_attrs(Some(&match &f.doc {
            Some(doc) => format!("`{}`: {doc}", f.wire),
            None => format!("`{}`", f.wire),
        }));
        quote! { #doc #variant }
    });
    let arms = language.fields.iter().map(|f| {
        let variant = ident(&f.variant);
        let wire = &f.wire;
        quote! { #field::#variant => #wire }
    });
    quote! {
        #field_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #field {
            #( #variants, )*
        }

        impl #field {
            /// The field as it is written in a query.
            pub fn as_str(&self) -> &'static str {
                match self {
                    #( #arms, )*
                }
            }
        }

        #type_doc
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct #name(clientgen_runtime::ClauseQuery);

        impl #name {
            /// A query with no clauses.
            pub fn new() -> Self {
                Self::default()
            }

            /// Adds `field:value`: records whose `field` matches `value` exactly.
            pub fn is(self, field: #field, value: impl AsRef<str>) -> Self {
                Self(self.0.is(field.as_str(), value.as_ref()))
            }

            /// Adds `field:(a OR b ..)`: records whose `field` matches any of `values`. No
            /// values add no clause.
            pub fn any_of<S: AsRef<str>>(self, field: #field, values: impl IntoIterator<Item = S>) -> Self {
                Self(self.0.any_of(field.as_str(), values))
            }

            /// Whether no clause was added.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<#name> for String {
            fn from(query: #name) -> Self {
                query.to_string()
            }
        }
    }
}
