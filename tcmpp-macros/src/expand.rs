//! Generating the registration: the user's function, unchanged, and beside it a hidden
//! adapter and its `inventory` entry.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Item, ReturnType};

use crate::args::{self, Args};
use crate::handler::{self, Handler, Role};

/// Every error found, reported together.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    pub(crate) fn len(&self) -> usize {
        self.errors.len()
    }

    fn into_compile_errors(self) -> TokenStream {
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

pub(crate) fn mini_api(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &mut errors);
    let item: Item = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            errors.push(error);
            // Keep the user's tokens so rust-analyzer still sees their item.
            let errors = errors.into_compile_errors();
            return quote!(#item #errors);
        }
    };
    let mut func = match item {
        Item::Fn(func) => func,
        other => {
            errors.push(syn::Error::new(
                item_keyword_span(&other),
                format!(
                    "#[mini_api] goes on a function (`async fn` or `fn`), not on {}",
                    item_kind(&other)
                ),
            ));
            let errors = errors.into_compile_errors();
            return quote!(#other #errors);
        }
    };
    let handler = handler::analyze(&mut func, &mut errors);
    match (handler, args) {
        (
            Some(handler),
            Args {
                name: Some(name),
                krate,
            },
        ) if errors.len() == 0 => {
            let krate = krate.unwrap_or_else(|| syn::parse_quote!(::tcmpp_core));
            let registration = registration(&handler, &name, &krate);
            quote! {
                #func
                #registration
            }
        }
        _ => {
            let errors = errors.into_compile_errors();
            quote!(#func #errors)
        }
    }
}

fn registration(handler: &Handler, name: &syn::LitStr, krate: &syn::Path) -> TokenStream {
    let private = quote!(#krate::__private);
    let fn_ident = &handler.ident;
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
        match param.role {
            Role::Context => {
                contexts.push(quote_spanned! {ty.span()=>
                    let #var = match <#ty as #krate::FromContext>::from_context(#invocation.context()) {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(error) => return #private::Outcome::context_rejected(error),
                    };
                });
                required_states
                    .push(quote_spanned!(ty.span()=> <#ty as #krate::FromContext>::required_state));
            }
            Role::Data => {
                data = Some(quote_spanned! {ty.span()=>
                    let #var = match #invocation.data::<#ty>() {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(refused) => return refused,
                    };
                });
            }
        }
        args.push(var);
    }

    let return_span = match &handler.output {
        ReturnType::Default => fn_ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let into_reply = quote_spanned! {return_span=>
        {
            #[allow(unused_imports)]
            use #private::{ResultKind as _, ValueKind as _};
            (&__tcmpp_returned).__tcmpp_reply_kind().into_reply(__tcmpp_returned, #reply_format)
        }
    };
    let ident_span = fn_ident.span();
    let (run, kind) = if handler.is_async {
        let future = quote_spanned!(ident_span=> #private::assert_send(#fn_ident(#(#args),*)));
        (
            quote! {
                let __tcmpp_future = #future;
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
                let __tcmpp_returned = #fn_ident(#(#args),*);
                #private::Outcome::Ready(#into_reply)
            },
            quote!(#krate::HandlerKind::Sync),
        )
    };
    let line = quote_spanned!(ident_span=> ::core::line!());
    let column = quote_spanned!(ident_span=> ::core::column!());
    let file = quote_spanned!(ident_span=> ::core::file!());
    let fn_name = fn_ident.to_string();
    let takes_data = data.is_some();

    quote! {
        #[doc(hidden)]
        const _: () = {
            #[allow(unused_variables, clippy::needless_pass_by_value)]
            fn #adapter(#invocation: #private::Invocation<'_>) -> #private::Outcome {
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
                    required_states: &[#(#required_states),*],
                }
            }
        };
    }
}

fn item_kind(item: &Item) -> &'static str {
    match item {
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Union(_) => "a union",
        Item::Trait(_) | Item::TraitAlias(_) => "a trait",
        Item::Impl(_) => "an impl block",
        Item::Const(_) => "a const",
        Item::Static(_) => "a static",
        Item::Mod(_) => "a module",
        Item::Type(_) => "a type alias",
        Item::Use(_) => "a use declaration",
        Item::ExternCrate(_) => "an extern crate",
        Item::ForeignMod(_) => "an extern block",
        Item::Macro(_) => "a macro invocation",
        _ => "this item",
    }
}

fn item_keyword_span(item: &Item) -> Span {
    match item {
        Item::Struct(item) => item.struct_token.span,
        Item::Enum(item) => item.enum_token.span,
        Item::Union(item) => item.union_token.span,
        Item::Trait(item) => item.trait_token.span,
        Item::Impl(item) => item.impl_token.span,
        Item::Const(item) => item.const_token.span,
        Item::Static(item) => item.static_token.span,
        Item::Mod(item) => item.mod_token.span,
        Item::Type(item) => item.type_token.span,
        other => other
            .to_token_stream()
            .into_iter()
            .next()
            .map_or_else(Span::call_site, |token| token.span()),
    }
}
