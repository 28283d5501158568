//! The error collector every stage reports to.
//!
//! A stage that stopped at its first mistake would make the user fix one error per build; so each
//! stage pushes what it finds and carries on, and the expansion reports them all at once, as
//! serde_derive's `Ctxt` does.

use proc_macro2::TokenStream;

/// Every error found so far, in the order found: that order is the order the user reads them.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Whether the registration may be generated: code built on a refused handler would only add
    /// follow-on errors to ours.
    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// One `compile_error!` per error, each spanned at the token it is about, combined so that
    /// rustc shows them all.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        let mut combined: Option<syn::Error> = None;
        for error in self.errors {
            match &mut combined {
                Some(all) => all.combine(error),
                None => combined = Some(error),
            }
        }
        combined
            .map(|error| error.to_compile_error())
            .unwrap_or_default()
    }
}
