//! The handler's entry in the registry, submitted to `inventory` at link time.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::params::Extraction;
use super::{Names, Options};
use crate::ast::Handler;

pub(super) fn submit(
    handler: &Handler<'_>,
    name: &syn::LitStr,
    options: &Options,
    params: &Extraction,
    names: &Names<'_>,
) -> TokenStream {
    let Names {
        krate,
        private,
        adapter,
        ..
    } = names;
    let kind = if handler.is_async {
        quote!(#krate::registry::HandlerKind::Async)
    } else {
        quote!(#krate::registry::HandlerKind::Plain)
    };
    let fn_name = handler.ident.to_string();
    // Spanned at the function's name, so that the registry reports where the handler is.
    let ident_span = handler.ident.span();
    let file = quote_spanned!(ident_span=> ::core::file!());
    let line = quote_spanned!(ident_span=> ::core::line!());
    let column = quote_spanned!(ident_span=> ::core::column!());
    let takes_data = params.data.is_some();
    let timeout_ms = match &options.timeout_ms {
        Some(millis) => {
            // Re-typed so that a suffixed literal such as `500u32` still fills the `u64` field.
            let millis = syn::LitInt::new(&format!("{}u64", millis.base10_digits()), millis.span());
            quote!(::core::option::Option::Some(#millis))
        }
        None => quote!(::core::option::Option::None),
    };
    let restricted = options.restricted;
    let method = match &options.method {
        Some(method) => quote!(::core::option::Option::Some(#method)),
        None => quote!(::core::option::Option::None),
    };
    let method_key = match (&options.method, &options.method_key) {
        (None, _) => quote!(::core::option::Option::None),
        (Some(_), Some(key)) => quote!(::core::option::Option::Some(#key)),
        (Some(_), None) => {
            quote!(::core::option::Option::Some(#krate::registry::DEFAULT_METHOD_KEY))
        }
    };
    let overrides_builtin = options.overrides_builtin.is_some();
    let required_states = &params.required_states;
    quote! {
        #private::inventory::submit! {
            #private::ApiEntry {
                name: #name,
                rust_path: ::core::concat!(::core::module_path!(), "::", #fn_name),
                kind: #kind,
                file: #file,
                line: #line,
                column: #column,
                handler: #adapter,
                takes_data: #takes_data,
                timeout_ms: #timeout_ms,
                restricted: #restricted,
                method: #method,
                method_key: #method_key,
                overrides_builtin: #overrides_builtin,
                named_like_builtin: #private::is_builtin_wx_api(#name),
                required_states: &[#(#required_states),*],
                describe: #private::DescribeFn::new(__tcmpp_describe),
            }
        }
    }
}
