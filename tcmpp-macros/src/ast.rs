//! The model of what `#[mini_api]` is on: the function, its parameters sorted into data and
//! context, and its reply, as the checks and the expansion read them.
//!
//! Building the model refuses nothing about the signature, so that [`crate::valid`] can report
//! all of a signature's mistakes together. The model borrows the user's signature, so that each
//! of those errors can point at the token the user wrote.

mod item;
mod reply;

use syn::{FnArg, GenericArgument, ItemFn, PathArguments, Type};

pub(crate) use self::item::Annotated;
pub(crate) use self::reply::Reply;

/// A function, as the checks and the expansion need it.
pub(crate) struct Handler<'a> {
    /// The signature as written: the checks refuse what cannot be registered on its tokens.
    pub(crate) sig: &'a syn::Signature,
    pub(crate) ident: &'a syn::Ident,
    pub(crate) is_async: bool,
    /// The typed parameters, in order; a `self` is only in `sig`, for the checks to refuse.
    pub(crate) params: Vec<Param<'a>>,
    pub(crate) reply: Reply<'a>,
}

pub(crate) struct Param<'a> {
    pub(crate) ty: &'a Type,
    /// The `#[data]` / `#[context]` markers on it, in order. The last one decides the role, so
    /// that a mistake in the others is reported once, by the checks, and not again as a
    /// misread parameter.
    pub(crate) markers: Vec<Marker<'a>>,
    pub(crate) role: Role,
    pub(crate) kind: ParamKind<'a>,
}

/// A `#[data]` or `#[context]` on a parameter. These are not real attributes: the expansion
/// strips them from the function it emits ([`strip_markers`]).
pub(crate) struct Marker<'a> {
    pub(crate) role: Role,
    pub(crate) attr: &'a syn::Attribute,
}

/// A parameter's role, as a marker or its type says.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Data,
    Context,
}

/// How the adapter builds a parameter.
pub(crate) enum ParamKind<'a> {
    /// From the call's data.
    Data,
    /// With its `FromContext` implementation.
    Context,
    /// `State<T>`, named so: the adapter checks `T` itself, so that a `T` that cannot be shared
    /// state is reported on `T`, once, in terms of state rather than of `Send` and `Sync`.
    State(&'a Type),
    /// `Option<State<T>>`, likewise.
    OptionalState(&'a Type),
}

/// The context types recognised by name; any other type is the data parameter unless marked
/// `#[context]`. The one list of context names: add new context types here.
const CONTEXT_TYPES: &[&str] = &[
    "AppInfo",
    "WebViewId",
    "ApiName",
    "MiniApiCall",
    "State",
    "Extension",
    "Progress",
];

impl<'a> Handler<'a> {
    pub(crate) fn from_syn(sig: &'a syn::Signature) -> Self {
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Receiver(_) => None,
                FnArg::Typed(typed) => Some(Param::from_syn(typed)),
            })
            .collect();
        Handler {
            sig,
            ident: &sig.ident,
            is_async: sig.asyncness.is_some(),
            params,
            reply: Reply::from_syn(sig),
        }
    }
}

impl<'a> Param<'a> {
    fn from_syn(typed: &'a syn::PatType) -> Self {
        let markers: Vec<Marker<'a>> = typed
            .attrs
            .iter()
            .filter_map(|attr| {
                Some(Marker {
                    role: marker_role(attr)?,
                    attr,
                })
            })
            .collect();
        let marked = markers.last().map(|marker| marker.role);
        let role = marked.unwrap_or_else(|| role_by_type(&typed.ty));
        let kind = match (role, marked) {
            (Role::Data, _) => ParamKind::Data,
            // A type the user marked `#[context]` may be their own `State`: take it as they
            // implemented it.
            (Role::Context, Some(_)) => ParamKind::Context,
            (Role::Context, None) => state_kind(&typed.ty).unwrap_or(ParamKind::Context),
        };
        Param {
            ty: &typed.ty,
            markers,
            role,
            kind,
        }
    }
}

/// Removes the `#[data]` / `#[context]` markers from the function's parameters: rustc would
/// refuse them as unknown attributes.
pub(crate) fn strip_markers(func: &mut ItemFn) {
    for input in &mut func.sig.inputs {
        if let FnArg::Typed(typed) = input {
            typed.attrs.retain(|attr| marker_role(attr).is_none());
        }
    }
}

fn marker_role(attr: &syn::Attribute) -> Option<Role> {
    if attr.path().is_ident("data") {
        Some(Role::Data)
    } else if attr.path().is_ident("context") {
        Some(Role::Context)
    } else {
        None
    }
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

/// `State<T>` and `Option<State<T>>`, by name.
fn state_kind(ty: &Type) -> Option<ParamKind<'_>> {
    let segment = last_segment(ty)?;
    let inner = single_type_argument(&segment.arguments)?;
    if segment.ident == "State" {
        return Some(ParamKind::State(inner));
    }
    if segment.ident == "Option" {
        let state = last_segment(inner)?;
        if state.ident == "State" {
            return Some(ParamKind::OptionalState(single_type_argument(
                &state.arguments,
            )?));
        }
    }
    None
}

/// The last segment of a plain path type: what recognising a type by name looks at.
pub(crate) fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// The `T` of `Name<T>`: a wrapper is recognised only with exactly one type argument.
pub(crate) fn single_type_argument(arguments: &PathArguments) -> Option<&Type> {
    match arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        },
        _ => None,
    }
}
