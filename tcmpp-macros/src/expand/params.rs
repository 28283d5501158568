//! Building the handler's arguments inside the adapter.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::Names;
use crate::ast::{Param, ParamKind};

/// The adapter's code for the handler's parameters.
pub(super) struct Extraction {
    /// One statement per context parameter, in order; each returns the context's refusal when
    /// the call cannot provide the value.
    pub(super) contexts: Vec<TokenStream>,
    /// The statement that decodes the data parameter. It comes after the contexts because it
    /// takes the data out of the invocation they read.
    pub(super) data: Option<TokenStream>,
    /// The variables the handler is called with, in the order of its parameters.
    pub(super) args: Vec<Ident>,
    /// The state each context parameter needs, for the registry to check when it is built
    /// rather than at the first call.
    pub(super) required_states: Vec<TokenStream>,
}

pub(super) fn extraction(params: &[Param<'_>], names: &Names<'_>) -> Extraction {
    let Names {
        private,
        invocation,
        ..
    } = names;
    let mut extraction = Extraction {
        contexts: Vec::new(),
        data: None,
        args: Vec::new(),
        required_states: Vec::new(),
    };
    for (index, param) in params.iter().enumerate() {
        let var = format_ident!("__tcmpp_arg{}", index);
        let ty = param.ty;
        // Each check names the user's type in a turbofish, so that an unmet bound is reported on
        // that type, in the user's file.
        let context_param = match &param.kind {
            ParamKind::Data => {
                extraction.data = Some(quote_spanned! {ty.span()=>
                    let #var = match data_parameter::<#ty>(&mut #invocation) {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(refused) => return refused,
                    };
                });
                extraction.args.push(var);
                continue;
            }
            ParamKind::Context => quote_spanned!(ty.span()=> context_parameter::<#ty>()),
            ParamKind::State(state) => quote_spanned!(state.span()=> state_parameter::<#state>()),
            ParamKind::OptionalState(state) => {
                quote_spanned!(state.span()=> optional_state_parameter::<#state>())
            }
        };
        extraction.contexts.push(quote! {
            let #var = match (#context_param.extract)(#invocation.context()) {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(error) => return #private::Outcome::context_rejected(error),
            };
        });
        extraction
            .required_states
            .push(quote!(#context_param.required_state));
        extraction.args.push(var);
    }
    extraction
}
