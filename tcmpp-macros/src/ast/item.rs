//! What the attribute is on: a function, or something it refuses.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{Item, ItemFn};

use crate::errors::Errors;

/// What the attribute was put on.
pub(crate) enum Annotated {
    /// A function, the one thing that can be registered.
    Function(ItemFn),
    /// An expression, such as a closure, with our error about it. rustc has already refused the
    /// attribute there; the error goes in a block with the expression, so that the expression
    /// stays an expression and nothing around it breaks. It is the only error emitted there:
    /// mistakes in the attribute's arguments hardly matter where the attribute cannot go at all.
    Expression(syn::Error, syn::Expr),
    /// Anything else, refused in the errors. Its tokens are kept so that rust-analyzer still
    /// sees the user's item.
    Refused(TokenStream),
}

impl Annotated {
    pub(crate) fn parse(item: TokenStream, errors: &mut Errors) -> Self {
        let parsed = match syn::parse2::<Item>(item.clone()) {
            Ok(parsed) => parsed,
            Err(error) => {
                if let Ok(expr) = syn::parse2::<syn::Expr>(item.clone()) {
                    let error = syn::Error::new(
                        error.span(),
                        format!(
                            "#[mini_api] goes on a function (`async fn` or `fn`), not on {}: write the handler as a named function",
                            expr_kind(&expr)
                        ),
                    );
                    return Annotated::Expression(error, expr);
                }
                errors.push(error);
                return Annotated::Refused(item);
            }
        };
        match parsed {
            Item::Fn(func) => Annotated::Function(func),
            other => {
                errors.push(syn::Error::new(
                    item_keyword_span(&other),
                    format!(
                        "#[mini_api] goes on a function (`async fn` or `fn`), not on {}",
                        item_kind(&other)
                    ),
                ));
                Annotated::Refused(other.into_token_stream())
            }
        }
    }
}

fn expr_kind(expr: &syn::Expr) -> &'static str {
    match expr {
        syn::Expr::Closure(_) => "a closure",
        syn::Expr::Async(_) => "an async block",
        syn::Expr::Block(_) => "a block",
        _ => "an expression",
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

/// Where a refused item's error goes: its keyword, which says what it is, rather than the whole
/// item.
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
