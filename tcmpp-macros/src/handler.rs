//! Validating the annotated function and sorting its parameters into data and context.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use crate::expand::Errors;

/// A function that can be registered, as the expansion needs it.
pub(crate) struct Handler {
    pub(crate) ident: syn::Ident,
    pub(crate) is_async: bool,
    pub(crate) params: Vec<Param>,
    pub(crate) output: ReturnType,
}

pub(crate) struct Param {
    pub(crate) role: Role,
    pub(crate) ty: Type,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Data,
    Context,
}

/// The context types recognised by name; any other type is the data parameter unless marked
/// `#[context]`.
const CONTEXT_TYPES: &[&str] = &[
    "AppInfo",
    "WebViewId",
    "ApiName",
    "MiniApiCall",
    "State",
    "Progress",
];

/// Checks `func`, strips the `#[data]` / `#[context]` markers from its parameters (they are not
/// real attributes), and describes it; `None` when it cannot be registered.
pub(crate) fn analyze(func: &mut ItemFn, errors: &mut Errors) -> Option<Handler> {
    let before = errors.len();
    let sig = &func.sig;
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            "a mini API handler cannot be a `const fn`: remove `const`",
        ));
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            "a mini API handler cannot be `unsafe`: the registry calls it with no way to uphold its safety contract; make it safe and use `unsafe` blocks inside",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "a mini API handler cannot have an `extern` ABI: remove it",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "a mini API handler cannot be variadic",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new(
            sig.generics.span(),
            "a mini API handler cannot be generic: the registry must know the concrete data and return types; use concrete types",
        ));
    }

    let mut params = Vec::new();
    let mut data_param: Option<Span> = None;
    for input in func.sig.inputs.iter_mut() {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                errors.push(syn::Error::new_spanned(
                    &*receiver,
                    "a mini API handler cannot take `self`: write a free function, and take shared values as `State<T>`",
                ));
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let role =
            take_role_marker(&mut typed.attrs, errors).unwrap_or_else(|| role_by_type(&typed.ty));
        if role == Role::Data {
            if let Some(first) = data_param {
                let mut error = syn::Error::new(
                    typed.ty.span(),
                    "a mini API handler takes at most one data parameter: gather the fields into one struct, or mark a context parameter `#[context]`",
                );
                error.combine(syn::Error::new(first, "the first data parameter is here"));
                errors.push(error);
            }
            data_param.get_or_insert(typed.ty.span());
            check_owned(&typed.ty, errors);
        }
        if let Some(impl_trait) = find_impl_trait(&typed.ty) {
            errors.push(syn::Error::new(
                impl_trait,
                "a mini API handler cannot take `impl Trait`: name a concrete type",
            ));
        }
        params.push(Param {
            role,
            ty: (*typed.ty).clone(),
        });
    }

    if errors.len() > before {
        return None;
    }
    Some(Handler {
        ident: func.sig.ident.clone(),
        is_async: func.sig.asyncness.is_some(),
        params,
        output: func.sig.output.clone(),
    })
}

/// Removes `#[data]` / `#[context]` from a parameter and returns the role it names.
fn take_role_marker(attrs: &mut Vec<syn::Attribute>, errors: &mut Errors) -> Option<Role> {
    let mut role = None;
    attrs.retain(|attr| {
        let marked = if attr.path().is_ident("data") {
            Role::Data
        } else if attr.path().is_ident("context") {
            Role::Context
        } else {
            return true;
        };
        if let Err(error) = attr.meta.require_path_only() {
            errors.push(error);
        }
        if role.replace(marked).is_some() {
            errors.push(syn::Error::new_spanned(
                attr,
                "a parameter is either `#[data]` or `#[context]`, once",
            ));
        }
        false
    });
    role
}

fn role_by_type(ty: &Type) -> Role {
    match last_segment(ty) {
        Some(segment) if segment.ident == "Option" => {
            match single_type_argument(&segment.arguments) {
                Some(inner) => role_by_type(inner),
                None => Role::Data,
            }
        }
        Some(segment) if CONTEXT_TYPES.iter().any(|name| segment.ident == name) => Role::Context,
        _ => Role::Data,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

fn single_type_argument(arguments: &PathArguments) -> Option<&Type> {
    match arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        },
        _ => None,
    }
}

/// A data parameter is deserialized from the call and outlives it, so it cannot borrow.
fn check_owned(ty: &Type, errors: &mut Errors) {
    if let Type::Reference(reference) = ty {
        let owned = match &*reference.elem {
            Type::Path(path) if path.path.is_ident("str") => "`String`".to_owned(),
            Type::Slice(slice) => {
                format!("`Vec<{}>`", quote::ToTokens::to_token_stream(&slice.elem))
            }
            other => format!("`{}`", quote::ToTokens::to_token_stream(other)),
        };
        errors.push(syn::Error::new_spanned(
            reference,
            format!(
                "the data parameter cannot be a reference: it is built from the call's data, which the handler outlives; take an owned {owned}"
            ),
        ));
    }
}

fn find_impl_trait(ty: &Type) -> Option<Span> {
    match ty {
        Type::ImplTrait(impl_trait) => Some(impl_trait.span()),
        Type::Reference(reference) => find_impl_trait(&reference.elem),
        Type::Paren(paren) => find_impl_trait(&paren.elem),
        Type::Group(group) => find_impl_trait(&group.elem),
        Type::Path(path) => {
            path.path
                .segments
                .iter()
                .find_map(|segment| match &segment.arguments {
                    PathArguments::AngleBracketed(args) => {
                        args.args.iter().find_map(|arg| match arg {
                            GenericArgument::Type(ty) => find_impl_trait(ty),
                            _ => None,
                        })
                    }
                    _ => None,
                })
        }
        _ => None,
    }
}
