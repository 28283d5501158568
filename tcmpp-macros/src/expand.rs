//! Generating the registration: the user's function, unchanged, and beside it a hidden
//! adapter and its `inventory` entry.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::args::{self, Args};
use crate::ast::{self, Annotated, Handler, ParamKind};
use crate::errors::Errors;

pub(crate) fn mini_api(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &mut errors);
    let mut func = match Annotated::parse(item, &mut errors) {
        Annotated::Function(func) => func,
        Annotated::Expression(error, expr) => {
            let error = error.to_compile_error();
            return quote!({ #error #expr });
        }
        Annotated::Refused(item) => {
            let errors = errors.into_compile_errors();
            return quote!(#item #errors);
        }
    };
    let handler = Handler::from_syn(&func.sig);
    handler.validate(&mut errors);
    let registration = match args {
        Args {
            name: Some(name),
            krate,
            timeout_ms,
            restricted,
        } if errors.is_empty() => {
            let krate = krate.unwrap_or_else(|| syn::parse_quote!(::tcmpp_core));
            let options = Options {
                timeout_ms,
                restricted,
            };
            Some(registration(&handler, &name, &krate, &options))
        }
        _ => None,
    };
    ast::strip_markers(&mut func);
    match registration {
        Some(registration) => quote! {
            #func
            #registration
        },
        None => {
            // rustc rejects a variadic `fn` definition on its own; that error would only repeat
            // ours.
            if func.sig.variadic.take().is_some() {
                while func.sig.inputs.pop_punct().is_some() {}
            }
            let errors = errors.into_compile_errors();
            quote!(#func #errors)
        }
    }
}

/// The attribute's options that reach the registry.
struct Options {
    timeout_ms: Option<syn::LitInt>,
    restricted: bool,
}

fn registration(
    handler: &Handler,
    name: &syn::LitStr,
    krate: &syn::Path,
    options: &Options,
) -> TokenStream {
    let private = quote!(#krate::__private);
    let fn_ident = handler.ident;
    let adapter = format_ident!("__tcmpp_handler_{}", fn_ident);
    let invocation = format_ident!("__tcmpp_invocation");
    let reply_format = format_ident!("__tcmpp_reply_format");

    let mut contexts = Vec::new();
    let mut data = None;
    let mut args = Vec::new();
    let mut required_states = Vec::new();
    for (index, param) in handler.params.iter().enumerate() {
        let var = format_ident!("__tcmpp_arg{}", index);
        let ty = &param.ty;
        // Each check names the user's type in a turbofish, so that an unmet bound is reported on
        // that type, in the user's file.
        let context_param = match &param.kind {
            ParamKind::Data => {
                data = Some(quote_spanned! {ty.span()=>
                    let #var = match data_parameter::<#ty>(#invocation) {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(refused) => return refused,
                    };
                });
                args.push(var);
                continue;
            }
            ParamKind::Context => quote_spanned!(ty.span()=> context_parameter::<#ty>()),
            ParamKind::State(state) => quote_spanned!(state.span()=> state_parameter::<#state>()),
            ParamKind::OptionalState(state) => {
                quote_spanned!(state.span()=> optional_state_parameter::<#state>())
            }
        };
        contexts.push(quote! {
            let #var = match (#context_param.extract)(#invocation.context()) {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(error) => return #private::Outcome::context_rejected(error),
            };
        });
        required_states.push(quote!(#context_param.required_state));
        args.push(var);
    }

    let reply = &handler.reply;
    let value_check = match &reply.value {
        Some(ty) => quote_spanned!(reply.value_span=> reply_value::<#ty>),
        None => quote_spanned!(reply.value_span=> reply_value::<_>),
    };
    let error_check = match &reply.error {
        Some(ty) => quote_spanned!(reply.error_span=> reply_error::<#ty>),
        None => quote_spanned!(reply.error_span=> reply_error::<_>),
    };
    // Autoref specialization tells a `Result` (even behind an alias) from a plain value.
    let into_reply = quote! {
        {
            #[allow(unused_imports)]
            use #private::{ResultKind as _, ValueKind as _};
            match (&__tcmpp_returned).__tcmpp_reply_kind().split(__tcmpp_returned) {
                ::core::result::Result::Ok(value) => #value_check(value, #reply_format),
                ::core::result::Result::Err(error) => #error_check(error),
            }
        }
    };
    let ident_span = fn_ident.span();
    let call = quote_spanned!(ident_span=> #fn_ident(#(#args),*));
    let (run, kind) = if handler.is_async {
        (
            quote! {
                let __tcmpp_future = handler_future_must_be_send(#call);
                #private::Outcome::pending(async move {
                    let __tcmpp_returned = __tcmpp_future.await;
                    #into_reply
                })
            },
            quote!(#krate::HandlerKind::Async),
        )
    } else {
        (
            quote! {
                let __tcmpp_returned = #call;
                #private::Outcome::Ready(#into_reply)
            },
            quote!(#krate::HandlerKind::Sync),
        )
    };
    let line = quote_spanned!(ident_span=> ::core::line!());
    let column = quote_spanned!(ident_span=> ::core::column!());
    let file = quote_spanned!(ident_span=> ::core::file!());
    let fn_name = fn_ident.to_string();
    let timeout_ms = match &options.timeout_ms {
        Some(millis) => {
            // Re-typed so that a suffixed literal such as `500u32` still fills the `u64` field.
            let millis = syn::LitInt::new(&format!("{}u64", millis.base10_digits()), millis.span());
            quote!(::core::option::Option::Some(#millis))
        }
        None => quote!(::core::option::Option::None),
    };
    let restricted = options.restricted;
    let unique_name = unique_name_check(name);
    let takes_data = data.is_some();

    quote! {
        #[doc(hidden)]
        const _: () = {
            #unique_name

            // The bounds a handler's types must meet, as generic functions of this expansion
            // rather than of tcmpp_core: an unmet bound's "required by" note then points at the
            // user's `#[mini_api]` line, and the message at the user's type.
            #[allow(dead_code)]
            fn data_parameter<T: #krate::DataParam>(
                invocation: #private::Invocation<'_>,
            ) -> ::core::result::Result<T, #private::Outcome> {
                invocation.data::<T>()
            }
            #[allow(dead_code)]
            const fn context_parameter<T: #krate::FromContext>() -> #private::ContextParam<T> {
                #private::ContextParam::<T>::of()
            }
            #[allow(dead_code)]
            const fn state_parameter<T: #krate::StateValue>(
            ) -> #private::ContextParam<#krate::State<T>> {
                #private::ContextParam::<#krate::State<T>>::of()
            }
            #[allow(dead_code)]
            const fn optional_state_parameter<T: #krate::StateValue>(
            ) -> #private::ContextParam<::core::option::Option<#krate::State<T>>> {
                #private::ContextParam::<::core::option::Option<#krate::State<T>>>::of()
            }
            #[allow(dead_code)]
            fn reply_value<T: #krate::ReplyValue>(
                value: T,
                format: #private::ReplyFormat,
            ) -> #private::HandlerReply {
                #private::success(&value, format)
            }
            #[allow(dead_code)]
            fn reply_error<E: #krate::IntoApiError>(error: E) -> #private::HandlerReply {
                #private::failure(error)
            }
            #[allow(dead_code)]
            fn handler_future_must_be_send<F: ::core::future::Future + ::core::marker::Send>(
                future: F,
            ) -> F {
                future
            }

            #[allow(unused_variables, clippy::needless_pass_by_value)]
            fn #adapter(#invocation: #private::Invocation<'_>) -> #private::Outcome {
                // Taken first: the data parameter consumes the invocation.
                let #reply_format = #invocation.reply_format();
                #(#contexts)*
                #data
                #run
            }

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
                    required_states: &[#(#required_states),*],
                }
            }
        };
    }
}

/// A hidden `#[macro_export]` macro named after the API name. Exported macros all live at the
/// crate root, wherever they are defined, so two handlers of one crate with the same name define
/// it twice: rustc's "defined multiple times" error then points at both name literals. Handlers
/// in different crates are the registry's to catch.
fn unique_name_check(name: &syn::LitStr) -> TokenStream {
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
