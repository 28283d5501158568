//! The check that one crate does not register an API name, or a method of one, twice.

use proc_macro2::TokenStream;
use quote::quote_spanned;

/// A hidden `#[macro_export]` macro named after the API name (and the method, for a handler of
/// one method of a multiplexed API). Exported macros all live at the crate root, wherever they
/// are defined, so two handlers of one crate with the same name define it twice: rustc's
/// "defined multiple times" error then points at both literals. Handlers in different crates,
/// and a name registered both plain and multiplexed, are the registry's to catch.
pub(super) fn check(name: &syn::LitStr, method: Option<&syn::LitStr>) -> TokenStream {
    let value = name.value();
    let ident = match method {
        // API names are ASCII letters, digits, `_` and `$`; `$` is not allowed in a Rust
        // identifier. Names with a `$` get their own prefix and an escaping, so that no two
        // names meet.
        None if value.contains('$') => format!("mini_api_escaped_{}", escape(&value)),
        None => format!("mini_api_named_{value}"),
        // Methods are any text: both parts escaped, so that no two (name, method) pairs meet.
        Some(method) => format!(
            "mini_api_method_{}_X{}",
            escape(&value),
            escape(&method.value())
        ),
    };
    let span = method.map_or(name.span(), syn::LitStr::span);
    let ident = syn::Ident::new(&ident, span);
    quote_spanned! {span=>
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

/// `text` as identifier characters, one way only: every `_` starts an escape (`__` for `_`,
/// `_S` for `$`, `_u<hex>_` for any other character), so `_X` can separate two parts.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '_' => out.push_str("__"),
            '$' => out.push_str("_S"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c => out.push_str(&format!("_u{:x}_", u32::from(c))),
        }
    }
    out
}
