//! The checks on the annotated function: everything its signature shows that cannot be
//! registered, each reported on the token the user wrote.
//!
//! Refused here, by name, because what the expansion would make of them fails in generated code
//! the user never wrote, or, for a reply that is not an object, only at run time.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

use crate::ast::{Handler, Marker, Role, single_type_argument};
use crate::errors::Errors;

impl Handler<'_> {
    /// Reports every reason this function cannot be registered, in the order they appear in the
    /// signature, so that the user reads them as they read their code.
    pub(crate) fn validate(&self, errors: &mut Errors) {
        let sig = self.sig;
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
        // A receiver can only be the first input, so it is reported before any parameter.
        if let Some(receiver) = sig.receiver() {
            errors.push(syn::Error::new_spanned(
                receiver,
                "a mini API handler cannot take `self`: write a free function, and take shared values as `State<T>`",
            ));
        }
        self.validate_params(errors);
        if let Some(value) = self.reply.written {
            check_object(value, errors);
        }
    }

    fn validate_params(&self, errors: &mut Errors) {
        let mut data_param: Option<Span> = None;
        for param in &self.params {
            check_markers(&param.markers, errors);
            if param.role == Role::Data {
                if let Some(first) = data_param {
                    let mut error = syn::Error::new(
                        param.ty.span(),
                        "a mini API handler takes at most one data parameter: gather the fields into one struct, or mark a context parameter `#[context]`",
                    );
                    error.combine(syn::Error::new(first, "the first data parameter is here"));
                    errors.push(error);
                }
                data_param.get_or_insert(param.ty.span());
                check_owned(param.ty, errors);
            }
            if let Some(impl_trait) = find_impl_trait(param.ty) {
                errors.push(syn::Error::new(
                    impl_trait,
                    "a mini API handler cannot take `impl Trait`: name a concrete type",
                ));
            }
        }
    }
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

/// A marker is a bare word, and a parameter has one role: serde options written on a marker
/// would otherwise be silently ignored, and two markers leave the role in doubt.
fn check_markers(markers: &[Marker<'_>], errors: &mut Errors) {
    for (index, marker) in markers.iter().enumerate() {
        if let syn::Meta::List(_) | syn::Meta::NameValue(_) = &marker.attr.meta {
            let name = if marker.role == Role::Data {
                "data"
            } else {
                "context"
            };
            errors.push(syn::Error::new_spanned(
                &marker.attr.meta,
                format!(
                    "`#[{name}]` takes no arguments: write `#[{name}]`; serde options such as `rename` go on the type's fields"
                ),
            ));
        }
        if index > 0 {
            errors.push(syn::Error::new_spanned(
                marker.attr,
                "a parameter is either `#[data]` or `#[context]`, not both: remove one",
            ));
        }
    }
}

/// A data parameter is deserialized from the call and outlives it, so it cannot borrow.
fn check_owned(ty: &Type, errors: &mut Errors) {
    if let Type::Reference(reference) = ty {
        let owned = match &*reference.elem {
            Type::Path(path) if path.path.is_ident("str") => "`String`".to_owned(),
            Type::Slice(slice) => format!("`Vec<{}>`", slice.elem.to_token_stream()),
            other => format!("`{}`", other.to_token_stream()),
        };
        errors.push(syn::Error::new_spanned(
            reference,
            format!(
                "the data parameter cannot be a reference: it is built from the call's data, which the handler outlives; take an owned {owned}"
            ),
        ));
    }
}

/// An `impl Trait` parameter makes the function generic, which the registry cannot call.
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

/// A reply is sent as a JSON object. A return type that plainly serializes to something else is
/// refused here, so that the mistake is a compile error rather than a fail reply at every call.
fn check_object(value: &Type, errors: &mut Errors) {
    if let Some((offending, kind)) = non_object(value) {
        errors.push(syn::Error::new_spanned(
            offending,
            format!(
                "a mini API reply must be a JSON object, but `{}` serializes to {kind}: return a struct that derives `serde::Serialize` with the value in a field, or a map such as `HashMap<String, T>`",
                type_to_string(offending)
            ),
        ));
    }
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

/// A type as a user writes it, for messages: `Vec<String>`, not `Vec < String >`.
fn type_to_string(ty: &Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace("& ", "&")
}

/// Reports `Err("message".into())` returned from a handler whose error type is `ApiError`: a
/// message does not convert into `ApiError` (`From<&str>` would overlap the conversion of every
/// error type), and rustc's own error about it names `std::error::Error`, not the fix. Only
/// what the function itself returns is looked at (its tail, and `return`s outside closures and
/// nested items), where the error type is known to be the signature's.
pub(crate) fn check_string_errors(
    block: &syn::Block,
    error_type: Option<&Type>,
    errors: &mut Errors,
) {
    let is_api_error = error_type.is_some_and(|ty| {
        matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|segment| segment.ident == "ApiError" && segment.arguments.is_empty()))
    });
    if !is_api_error {
        return;
    }
    // The `return`s first, then the tail: the order they are read in.
    let mut returned = Vec::new();
    let mut returns = Returns(&mut returned);
    syn::visit::Visit::visit_block(&mut returns, block);
    tail_of_block(block, &mut returned);
    for expr in returned {
        if let Some(message) = message_into(expr) {
            errors.push(syn::Error::new_spanned(
                message,
                "a message does not convert into `ApiError` with `.into()`: write `Err(ApiError::new(\"message\"))` (`ApiError::new(format!(..))` for a formatted one), or return `Result<T, String>`",
            ));
        }
    }
}

/// The expressions a block's value can come from: its tail, through `if`, `match` and blocks.
fn tail_of_block<'a>(block: &'a syn::Block, out: &mut Vec<&'a syn::Expr>) {
    if let Some(syn::Stmt::Expr(expr, None)) = block.stmts.last() {
        tail_of_expr(expr, out);
    }
}

fn tail_of_expr<'a>(expr: &'a syn::Expr, out: &mut Vec<&'a syn::Expr>) {
    match expr {
        syn::Expr::Block(block) => tail_of_block(&block.block, out),
        syn::Expr::Unsafe(block) => tail_of_block(&block.block, out),
        syn::Expr::If(branch) => {
            tail_of_block(&branch.then_branch, out);
            if let Some((_, otherwise)) = &branch.else_branch {
                tail_of_expr(otherwise, out);
            }
        }
        syn::Expr::Match(branches) => {
            for arm in &branches.arms {
                tail_of_expr(&arm.body, out);
            }
        }
        other => out.push(other),
    }
}

/// Collects the values of `return` expressions, outside closures, async blocks and nested
/// items, whose `return`s are their own.
struct Returns<'a, 'b>(&'b mut Vec<&'a syn::Expr>);

impl<'a> syn::visit::Visit<'a> for Returns<'a, '_> {
    fn visit_expr_return(&mut self, node: &'a syn::ExprReturn) {
        if let Some(expr) = &node.expr {
            tail_of_expr(expr, self.0);
        }
        syn::visit::visit_expr_return(self, node);
    }

    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}

    fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}

    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// The message of `Err(<message>.into())`, where the message is a string literal or a
/// `format!`.
fn message_into(expr: &syn::Expr) -> Option<&syn::Expr> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let syn::Expr::Path(func) = &*call.func else {
        return None;
    };
    if !func.path.is_ident("Err") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::MethodCall(method) = &call.args[0] else {
        return None;
    };
    if method.method != "into" || !method.args.is_empty() {
        return None;
    }
    match &*method.receiver {
        message @ syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(_),
            ..
        }) => Some(message),
        message @ syn::Expr::Macro(mac) if mac.mac.path.is_ident("format") => Some(message),
        _ => None,
    }
}
