//! The bounds a handler's types must meet, as generic functions of the expansion.

use proc_macro2::TokenStream;
use quote::quote;

use super::Names;

/// One generic function per bound, which the adapter calls with the user's type in a turbofish.
/// They are functions of this expansion rather than of tcmpp_core, so that an unmet bound's
/// "required by" note points at the user's `#[mini_api]` line and its message at the user's
/// type, not into tcmpp_core.
pub(super) fn functions(names: &Names<'_>) -> TokenStream {
    let Names { krate, private, .. } = names;
    quote! {
        #[allow(dead_code)]
        fn data_parameter<T: #krate::bounds::DataParam>(
            invocation: &mut #private::Invocation<'_>,
        ) -> ::core::result::Result<T, #private::Outcome> {
            invocation.data::<T>()
        }
        #[allow(dead_code)]
        const fn context_parameter<T: #krate::context::FromContext>() -> #private::ContextParam<T> {
            #private::ContextParam::<T>::of()
        }
        #[allow(dead_code)]
        const fn state_parameter<T: #krate::bounds::StateValue>(
        ) -> #private::ContextParam<#krate::State<T>> {
            #private::ContextParam::<#krate::State<T>>::of()
        }
        #[allow(dead_code)]
        const fn optional_state_parameter<T: #krate::bounds::StateValue>(
        ) -> #private::ContextParam<::core::option::Option<#krate::State<T>>> {
            #private::ContextParam::<::core::option::Option<#krate::State<T>>>::of()
        }
        #[allow(dead_code)]
        fn reply_value<T: #krate::bounds::ReplyValue>(
            value: T,
            format: #private::ReplyFormat,
        ) -> #private::HandlerReply {
            #private::success(&value, format)
        }
        #[allow(dead_code)]
        fn reply_error<E: #krate::bounds::IntoApiError>(error: E) -> #private::HandlerReply {
            #private::failure(error)
        }
        #[allow(dead_code)]
        fn handler_future_must_be_send<F: ::core::future::Future + ::core::marker::Send>(
            future: F,
        ) -> F {
            future
        }
    }
}
