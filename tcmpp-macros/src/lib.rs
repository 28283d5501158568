//! The `#[mini_api]` attribute. Use it through `tcmpp-core`, which re-exports it and documents
//! it: `tcmpp_core::mini_api`.

mod args;
mod ast;
mod errors;
mod expand;
mod valid;

use proc_macro::TokenStream;

/// Registers an `async fn` or a plain `fn` as the handler of a custom mini program API.
///
/// See `tcmpp_core::mini_api` for the full documentation.
#[proc_macro_attribute]
pub fn mini_api(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::mini_api(args.into(), item.into()).into()
}
