//! Generating the registration: the user's function, unchanged, and beside it a hidden
//! adapter and its `inventory` entry.

mod bounds;
mod call;
mod describe;
mod entry;
mod params;
mod unique_name;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::args::{self, Args};
use crate::ast::{self, Annotated, Handler};
use crate::errors::Errors;

/// Runs the stages and emits the user's item in every case, so that a mistake in a handler
/// shows as our errors alone and not also as every use of the function failing; the
/// registration only when there is no error at all, since code generated from a refused handler
/// would add follow-on errors to ours.
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
    crate::valid::check_string_errors(&func.block, handler.reply.error, &mut errors);
    let registration = match args {
        Args {
            name: Some(name),
            krate,
            timeout_ms,
            restricted,
            method,
            method_key,
            overrides_builtin,
            fail_body,
        } if errors.is_empty() => {
            let krate = krate.unwrap_or_else(|| syn::parse_quote!(::tcmpp_core));
            let options = Options {
                timeout_ms,
                restricted,
                method,
                method_key,
                overrides_builtin,
                fail_body,
            };
            Some(registration(&handler, &name, &krate, &options))
        }
        _ => None,
    };
    // Only now: the model borrows the markers until the registration is generated.
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

/// The attribute's options that reach the registry, once the name and the crate path are
/// settled.
struct Options {
    timeout_ms: Option<syn::LitInt>,
    restricted: bool,
    /// The method of a multiplexed API this handler answers.
    method: Option<syn::LitStr>,
    /// The key of `data` that names the method, when not the default.
    method_key: Option<syn::LitStr>,
    overrides_builtin: Option<Ident>,
    fail_body: Option<syn::Type>,
}

/// The names every part of the registration refers to.
struct Names<'a> {
    /// The runtime crate: `::tcmpp_core`, or the path the `crate` option gives.
    krate: &'a syn::Path,
    /// `#krate::__private`: what generated code needs from the runtime and users never write.
    private: TokenStream,
    /// The hidden function the registry calls for this handler.
    adapter: Ident,
    /// The adapter's parameter: one call, as the registry hands it over.
    invocation: Ident,
    /// The form the caller wants the reply in, taken out of the invocation once the parameters
    /// are: after the data parameter, which takes only the data.
    reply_format: Ident,
}

/// The hidden items that register the handler, in a `const _` block so that none of their names
/// can clash with the user's.
fn registration(
    handler: &Handler<'_>,
    name: &syn::LitStr,
    krate: &syn::Path,
    options: &Options,
) -> TokenStream {
    let names = Names {
        krate,
        private: quote!(#krate::__private),
        adapter: format_ident!("__tcmpp_handler_{}", handler.ident),
        invocation: format_ident!("__tcmpp_invocation"),
        reply_format: format_ident!("__tcmpp_reply_format"),
    };
    let unique_name = unique_name::check(name, options.method.as_ref());
    let bounds = bounds::functions(&names);
    let params = params::extraction(&handler.params, &names);
    let run = call::run(handler, &params.args, &names);
    let describe = describe::function(handler, options.fail_body.as_ref(), &names);
    let entry = entry::submit(handler, name, options, &params, &names);
    let overrides = options
        .overrides_builtin
        .as_ref()
        .map(|key| overrides_builtin(key, name, &names));
    let Names {
        private,
        adapter,
        invocation,
        reply_format,
        ..
    } = &names;
    let contexts = &params.contexts;
    let data = &params.data;
    quote! {
        #[doc(hidden)]
        const _: () = {
            #unique_name

            #overrides

            #bounds

            #[allow(unused_mut, unused_variables, clippy::needless_pass_by_value)]
            fn #adapter(mut #invocation: #private::Invocation<'_>) -> #private::Outcome {
                #(#contexts)*
                #data
                // Taken last, out of the invocation: a refusal above drops it whole.
                let #reply_format = #invocation.reply_format();
                #run
            }

            #describe

            #entry
        };
    }
}

/// `overrides_builtin` says the name is a built-in `wx` API: checked at compile time against
/// the runtime's one list of them, and reported at the option when it is not.
fn overrides_builtin(key: &Ident, name: &syn::LitStr, names: &Names<'_>) -> TokenStream {
    let private = &names.private;
    quote::quote_spanned! {key.span()=>
        const _: () = ::core::assert!(
            #private::is_builtin_wx_api(#name),
            "`overrides_builtin`: no built-in `wx` API has this name, so the API overrides nothing; remove `overrides_builtin`"
        );
    }
}
