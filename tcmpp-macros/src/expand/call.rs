//! Calling the handler in the adapter and turning what it returns into the reply.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};

use super::Names;
use crate::ast::{Handler, Reply};

/// The adapter's last statements: the call, awaited in a boxed future for an `async fn`, and its
/// reply.
pub(super) fn run(handler: &Handler<'_>, args: &[Ident], names: &Names<'_>) -> TokenStream {
    let private = &names.private;
    let fn_ident = handler.ident;
    // Spanned at the function's name, so that an error about the call points there.
    let call = quote_spanned!(fn_ident.span()=> #fn_ident(#(#args),*));
    let into_reply = into_reply(&handler.reply, names);
    if handler.is_async {
        quote! {
            let __tcmpp_future = handler_future_must_be_send(#call);
            #private::Outcome::pending(async move {
                let __tcmpp_returned = __tcmpp_future.await;
                #into_reply
            })
        }
    } else {
        quote! {
            let __tcmpp_returned = #call;
            #private::Outcome::Ready(#into_reply)
        }
    }
}

/// The reply of `__tcmpp_returned`: its success value or its error. Autoref specialization tells
/// a `Result` (even behind an alias) from a plain value, which the signature alone cannot.
fn into_reply(reply: &Reply<'_>, names: &Names<'_>) -> TokenStream {
    let Names {
        private,
        reply_format,
        ..
    } = names;
    // Each check names the type when the signature does, so that an unmet bound is reported on
    // the type the user wrote.
    let value_check = match &reply.value {
        Some(ty) => quote_spanned!(reply.value_span=> reply_value::<#ty>),
        None => quote_spanned!(reply.value_span=> reply_value::<_>),
    };
    let error_check = match &reply.error {
        Some(ty) => quote_spanned!(reply.error_span=> reply_error::<#ty>),
        None => quote_spanned!(reply.error_span=> reply_error::<_>),
    };
    quote! {
        {
            #[allow(unused_imports)]
            use #private::{ResultKind as _, ValueKind as _};
            match (&__tcmpp_returned).__tcmpp_reply_kind().split(__tcmpp_returned) {
                ::core::result::Result::Ok(value) => #value_check(value, #reply_format),
                ::core::result::Result::Err(error) => #error_check(error),
            }
        }
    }
}
