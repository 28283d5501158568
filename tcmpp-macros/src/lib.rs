//! The `#[mini_api]` attribute. Use it through `tcmpp-core`, which re-exports it and documents
//! it: `tcmpp_core::mini_api`.
//!
//! The expansion is a pipeline, each stage in its own module and none reading a later one, so
//! that each can be read and changed alone: `args` reads the attribute, `ast` models the
//! function, `valid` refuses what cannot be registered, `expand` generates the registration.
//! Every stage reports to `errors` and carries on, so that all mistakes are reported at once.

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
