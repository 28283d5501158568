//! The model of a handler's reply: its success and error types, as far as the signature shows
//! them.

use proc_macro2::Span;
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

use super::last_segment;

/// What the handler returns, as far as its signature shows.
pub(crate) struct Reply<'a> {
    /// The success value's type as written (for `Result<T, E>`, `T`, even when `value` cannot
    /// name it), for the checks; `None` without a return type.
    pub(crate) written: Option<&'a Type>,
    /// The success value's type when the signature names it (for `Result<T, E>`, `T`); `None`
    /// when it cannot be written in an expression (`impl Trait`).
    pub(crate) value: Option<Type>,
    /// Where errors about the success value go.
    pub(crate) value_span: Span,
    /// The error type of a `Result<T, E>` return type, when the signature names it.
    pub(crate) error: Option<&'a Type>,
    /// Where errors about the error type go.
    pub(crate) error_span: Span,
}

impl<'a> Reply<'a> {
    pub(crate) fn from_syn(sig: &'a syn::Signature) -> Self {
        let ty = match &sig.output {
            ReturnType::Default => {
                return Reply {
                    written: None,
                    value: Some(syn::parse_quote!(())),
                    value_span: sig.ident.span(),
                    error: None,
                    error_span: sig.ident.span(),
                };
            }
            ReturnType::Type(_, ty) => &**ty,
        };
        // The success type can be named only when the signature shows a `Result`, or plainly no
        // `Result`: any other path may be an alias of one (`type ApiResult<T> = Result<T, E>`).
        let (value, nameable, error) = match result_arguments(ty) {
            Some((value, error)) => (value, true, error),
            None => (ty, !may_be_result_alias(ty), None),
        };
        Reply {
            written: Some(value),
            value: (nameable && !mentions_impl(value)).then(|| value.clone()),
            value_span: first_token_span(value),
            error: error.filter(|error| !mentions_impl(error)),
            error_span: first_token_span(error.unwrap_or(ty)),
        }
    }
}

/// Whether `ty` may be a type alias of `Result`: a path that is not one of the common types
/// that plainly are not.
fn may_be_result_alias(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => match path.path.segments.last() {
            Some(segment) => !matches!(
                segment.ident.to_string().as_str(),
                "Option" | "Box" | "HashMap" | "BTreeMap" | "Value" | "Map"
            ),
            None => true,
        },
        Type::Paren(paren) => may_be_result_alias(&paren.elem),
        Type::Group(group) => may_be_result_alias(&group.elem),
        // References, tuples, `impl Trait`: never a `Result`.
        _ => false,
    }
}

/// The `T` and `E` of `Result<T, E>`, and the `T` of a one-argument alias such as
/// `std::io::Result<T>`.
fn result_arguments(ty: &Type) -> Option<(&Type, Option<&Type>)> {
    let segment = last_segment(ty)?;
    if segment.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let value = types.next()?;
    Some((value, types.next()))
}

/// Whether `ty` has an `impl Trait` anywhere in it: such a type cannot be named in the
/// expansion's turbofish, so the compiler infers it there instead.
fn mentions_impl(ty: &Type) -> bool {
    fn scan(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "impl",
            proc_macro2::TokenTree::Group(group) => scan(group.stream()),
            _ => false,
        })
    }
    scan(ty.to_token_stream())
}

fn first_token_span(ty: &Type) -> Span {
    ty.to_token_stream()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span())
}
