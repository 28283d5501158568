//! The handler's `describe` function: how the registry tells the mini program side about the
//! handler's types (tcmpp_core's `typed-client` feature).
//!
//! The function is generated whatever the features, and says the same thing in every build:
//! the data type, the type the handler returns (named from a call of the function, so that an
//! alias of `Result` or an `impl Trait` is seen through), whether a context parameter of the
//! user's own may refuse the call, and whether the handler sends progress. tcmpp_core decides
//! what describing costs: nothing without the feature.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::Names;
use crate::ast::{Handler, ParamKind, Role, last_segment, single_type_argument};

pub(super) fn function(
    handler: &Handler<'_>,
    fail_body: Option<&syn::Type>,
    names: &Names<'_>,
) -> TokenStream {
    let Names { krate, private, .. } = names;
    let types = quote!(__tcmpp_types);
    let data = match handler
        .params
        .iter()
        .find(|param| matches!(param.kind, ParamKind::Data))
    {
        Some(param) => {
            let ty = param.ty;
            // Spanned at the data type, so that a type that cannot be described is reported
            // there.
            quote_spanned! {ty.span()=>
                let __tcmpp_data = #private::TypeProbe::<#ty>::new();
                described_to_the_mini_program(&__tcmpp_data);
                (&__tcmpp_data).__tcmpp_data(#types);
            }
        }
        None => quote!(#types.no_data();),
    };
    // The handler called in a closure that never runs, with arguments of no value
    // (`absent()`), so that what it returns is named exactly as the adapter sees it. Spanned
    // like the adapter's call, so that a handler that cannot be called is reported once.
    let fn_ident = handler.ident;
    let absent = handler.params.iter().map(|_| quote!(#private::absent()));
    let call = quote_spanned!(fn_ident.span()=> #fn_ident(#(#absent),*));
    let returned = if handler.is_async {
        quote!(#private::ReturnProbe::of_future(|| #call))
    } else {
        quote!(#private::ReturnProbe::of(|| #call))
    };
    let success_described =
        quote_spanned!(handler.reply.value_span=> described_to_the_mini_program(&__tcmpp_success););
    // The `Progress` type itself (out of an `Option`), whose payload type is described.
    let progress = handler
        .params
        .iter()
        .filter(|param| param.markers.is_empty())
        .find_map(|param| progress_type(param.ty))
        .map(|ty| {
            // A declared payload type (`Progress<T>`) is checked like the data and reply types
            // under `typed-client-strict`, at the `T`.
            let payload = last_segment(ty)
                .and_then(|segment| single_type_argument(&segment.arguments))
                .map(|payload| {
                    quote_spanned! {payload.span()=>
                        let __tcmpp_payload = #private::TypeProbe::<#payload>::new();
                        described_to_the_mini_program(&__tcmpp_payload);
                    }
                });
            quote_spanned! {ty.span()=>
                #payload
                (&#private::TypeProbe::<#ty>::new()).__tcmpp_progress(#types);
            }
        });
    // Spanned at the declared type, so that one that cannot be described is reported there.
    let fail_body = fail_body.map(|ty| {
        quote_spanned! {ty.span()=>
            let __tcmpp_fail_body = #private::TypeProbe::<#ty>::new();
            described_to_the_mini_program(&__tcmpp_fail_body);
            (&__tcmpp_fail_body).__tcmpp_fail_body(#types);
        }
    });
    let custom_context = handler
        .params
        .iter()
        .any(|param| {
            param
                .markers
                .last()
                .is_some_and(|marker| marker.role == Role::Context)
        })
        .then(|| quote!(#types.custom_context();));
    quote! {
        #[allow(dead_code)]
        fn described_to_the_mini_program<T: #krate::bounds::DescribedType>(_: &#private::TypeProbe<T>) {}

        #[allow(dead_code, unused_variables)]
        fn __tcmpp_describe(#types: &mut #private::Describer<'_>) {
            #[allow(unused_imports)]
            use #private::{
                DescribeData as _, DescribeFailBody as _, DescribeProgress as _,
                DescribeResult as _, KnownError as _, MessageError as _, ResultKind as _,
                Undescribed as _, ValueKind as _,
            };
            #data
            let __tcmpp_returned = #returned;
            let (__tcmpp_success, __tcmpp_error) =
                (&__tcmpp_returned).__tcmpp_reply_kind().probes(__tcmpp_returned);
            #success_described
            (&__tcmpp_success).__tcmpp_result(#types);
            (&__tcmpp_error).__tcmpp_error(#types);
            #progress
            #fail_body
            #custom_context
        }
    }
}

/// The `Progress` (or `Progress<T>`) type of a `Progress` or `Option<Progress>` parameter, by
/// name, as the parameter's role is recognised.
fn progress_type(ty: &syn::Type) -> Option<&syn::Type> {
    match last_segment(ty) {
        Some(segment) if segment.ident == "Progress" => Some(ty),
        Some(segment) if segment.ident == "Option" => {
            single_type_argument(&segment.arguments).and_then(progress_type)
        }
        _ => None,
    }
}
