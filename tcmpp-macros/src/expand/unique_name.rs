//! The check that one crate does not register an API name twice.

use proc_macro2::TokenStream;
use quote::quote_spanned;

/// A hidden `#[macro_export]` macro named after the API name. Exported macros all live at the
/// crate root, wherever they are defined, so two handlers of one crate with the same name define
/// it twice: rustc's "defined multiple times" error then points at both name literals. Handlers
/// in different crates are the registry's to catch.
pub(super) fn check(name: &syn::LitStr) -> TokenStream {
    let value = name.value();
    // API names are ASCII letters, digits, `_` and `$`; `$` is not allowed in a Rust identifier.
    // Names with a `$` get their own prefix and an escaping, so that no two names meet.
    let ident = if value.contains('$') {
        let escaped = value.replace('_', "__").replace('$', "_S");
        format!("mini_api_escaped_{escaped}")
    } else {
        format!("mini_api_named_{value}")
    };
    let ident = syn::Ident::new(&ident, name.span());
    quote_spanned! {name.span()=>
        // Inside a function body the macro is still exported to the crate root, which is what
        // the check relies on; rustc's lint about that is noise here.
        #[allow(non_local_definitions)]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #ident {
            () => {};
        }
    }
}
