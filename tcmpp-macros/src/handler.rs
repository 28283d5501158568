//! Validating the annotated function and sorting its parameters into data and context.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use crate::errors::Errors;

/// A function that can be registered, as the expansion needs it.
pub(crate) struct Handler {
    pub(crate) ident: syn::Ident,
    pub(crate) is_async: bool,
    pub(crate) params: Vec<Param>,
    pub(crate) reply: Reply,
}

pub(crate) struct Param {
    pub(crate) kind: ParamKind,
    pub(crate) ty: Type,
}

/// How the adapter builds a parameter.
pub(crate) enum ParamKind {
    /// From the call's data.
    Data,
    /// With its `FromContext` implementation.
    Context,
    /// `State<T>`, named so: the adapter checks `T` itself, so that a `T` that cannot be shared
    /// state is reported on `T`, once, in terms of state rather than of `Send` and `Sync`.
    State(Type),
    /// `Option<State<T>>`, likewise.
    OptionalState(Type),
}

/// A parameter's role, as a marker or its type says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Data,
    Context,
}

/// What the handler returns, as far as its signature shows.
pub(crate) struct Reply {
    /// The success value's type when the signature names it (for `Result<T, E>`, `T`); `None`
    /// when it cannot be written in an expression (`impl Trait`).
    pub(crate) value: Option<Type>,
    /// Where errors about the success value go.
    pub(crate) value_span: Span,
    /// The error type of a `Result<T, E>` return type, when the signature names it.
    pub(crate) error: Option<Type>,
    /// Where errors about the error type go.
    pub(crate) error_span: Span,
}

/// The context types recognised by name; any other type is the data parameter unless marked
/// `#[context]`. The one list of context names: add new context types here.
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
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            "a mini API handler cannot be `unsafe`: the registry calls it with no way to uphold its safety contract; make it safe and use `unsafe` blocks inside",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "a mini API handler cannot have an `extern` ABI: the registry calls it from Rust; remove it",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "a mini API handler cannot be variadic: take the values as one data parameter, such as a `Vec<T>` field of a struct",
        ));
    }
    check_generics(&sig.generics, errors);

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
        let marker = take_role_marker(&mut typed.attrs, errors);
        let role = marker.unwrap_or_else(|| role_by_type(&typed.ty));
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
        let kind = match (role, marker) {
            (Role::Data, _) => ParamKind::Data,
            // A type the user marked `#[context]` may be their own `State`: take it as they
            // implemented it.
            (Role::Context, Some(_)) => ParamKind::Context,
            (Role::Context, None) => state_kind(&typed.ty).unwrap_or(ParamKind::Context),
        };
        params.push(Param {
            kind,
            ty: (*typed.ty).clone(),
        });
    }
    let reply = analyze_reply(&func.sig, errors);

    if errors.len() > before {
        return None;
    }
    Some(Handler {
        ident: func.sig.ident.clone(),
        is_async: func.sig.asyncness.is_some(),
        params,
        reply,
    })
}

/// Generics cannot be registered: the registry needs one concrete function. (A `where` clause
/// alone can only hold bounds on concrete types, which are harmless.)
fn check_generics(generics: &syn::Generics, errors: &mut Errors) {
    for param in &generics.params {
        match param {
            syn::GenericParam::Lifetime(lifetime) => errors.push(syn::Error::new_spanned(
                lifetime,
                "a mini API handler cannot have lifetime parameters: its data is deserialized into owned values, and context parameters are owned too; take owned types (`String`, not `&'a str`)",
            )),
            syn::GenericParam::Type(ty) => errors.push(syn::Error::new_spanned(
                &ty.ident,
                "a mini API handler cannot be generic: the registry calls one concrete function; use concrete types, or register one handler per type",
            )),
            syn::GenericParam::Const(constant) => errors.push(syn::Error::new_spanned(
                &constant.ident,
                "a mini API handler cannot have const parameters: the registry calls one concrete function; use a constant in the body",
            )),
        }
    }
}

/// `State<T>` and `Option<State<T>>`, by name.
fn state_kind(ty: &Type) -> Option<ParamKind> {
    let segment = last_segment(ty)?;
    let inner = single_type_argument(&segment.arguments)?;
    if segment.ident == "State" {
        return Some(ParamKind::State(inner.clone()));
    }
    if segment.ident == "Option" {
        let state = last_segment(inner)?;
        if state.ident == "State" {
            return Some(ParamKind::OptionalState(
                single_type_argument(&state.arguments)?.clone(),
            ));
        }
    }
    None
}

fn analyze_reply(sig: &syn::Signature, errors: &mut Errors) -> Reply {
    let ty = match &sig.output {
        ReturnType::Default => {
            return Reply {
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
    if let Some((offending, kind)) = non_object(value) {
        errors.push(syn::Error::new_spanned(
            offending,
            format!(
                "a mini API reply must be a JSON object, but `{}` serializes to {kind}: return a struct that derives `serde::Serialize` with the value in a field, or a map such as `HashMap<String, T>`",
                type_to_string(offending)
            ),
        ));
    }
    Reply {
        value: (nameable && !mentions_impl(value)).then(|| value.clone()),
        value_span: first_token_span(value),
        error: error.filter(|error| !mentions_impl(error)).cloned(),
        error_span: first_token_span(error.unwrap_or(ty)),
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

/// The part of a return type that plainly cannot serialize to a JSON object, and what it
/// serializes to instead. Only what the signature shows for certain: a user's type alias may hide
/// anything, and the runtime reports those.
fn non_object(ty: &Type) -> Option<(&Type, &'static str)> {
    match ty {
        Type::Reference(reference) => non_object(&reference.elem).map(|(_, kind)| (ty, kind)),
        Type::Paren(paren) => non_object(&paren.elem),
        Type::Group(group) => non_object(&group.elem),
        Type::Tuple(tuple) if !tuple.elems.is_empty() => Some((ty, "an array")),
        Type::Array(_) | Type::Slice(_) => Some((ty, "an array")),
        Type::Path(path) if path.qself.is_none() => {
            let segment = path.path.segments.last()?;
            let name = segment.ident.to_string();
            match name.as_str() {
                "String" | "str" | "char" => Some((ty, "a string")),
                "bool" => Some((ty, "a boolean")),
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64"
                | "u128" | "usize" | "f32" | "f64" => Some((ty, "a number")),
                "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "BinaryHeap" => {
                    Some((ty, "an array"))
                }
                // Nothing (`None`) is an empty reply; look at what is there otherwise.
                "Option" => non_object(single_type_argument(&segment.arguments)?),
                "Box" | "Rc" | "Arc" | "Cow" => {
                    let inner = single_type_argument(&segment.arguments).or_else(|| {
                        // `Cow<'a, str>`: the type is the last argument.
                        match &segment.arguments {
                            PathArguments::AngleBracketed(args) => {
                                args.args.iter().rev().find_map(|arg| match arg {
                                    GenericArgument::Type(ty) => Some(ty),
                                    _ => None,
                                })
                            }
                            _ => None,
                        }
                    })?;
                    non_object(inner).map(|(_, kind)| (ty, kind))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn mentions_impl(ty: &Type) -> bool {
    fn scan(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "impl",
            proc_macro2::TokenTree::Group(group) => scan(group.stream()),
            _ => false,
        })
    }
    scan(quote::ToTokens::to_token_stream(ty))
}

fn first_token_span(ty: &Type) -> Span {
    quote::ToTokens::to_token_stream(ty)
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span())
}

/// A type as a user writes it, for messages: `Vec<String>`, not `Vec < String >`.
fn type_to_string(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace("& ", "&")
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
        if let syn::Meta::List(_) | syn::Meta::NameValue(_) = &attr.meta {
            let marker = if marked == Role::Data { "data" } else { "context" };
            errors.push(syn::Error::new_spanned(
                &attr.meta,
                format!(
                    "`#[{marker}]` takes no arguments: write `#[{marker}]`; serde options such as `rename` go on the type's fields"
                ),
            ));
        }
        if role.replace(marked).is_some() {
            errors.push(syn::Error::new_spanned(
                attr,
                "a parameter is either `#[data]` or `#[context]`, not both: remove one",
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
