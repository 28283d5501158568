//! Parsing the attribute's arguments: `"name"` and `key = value` options.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, Path, Token};

use crate::expand::Errors;

/// The attribute's arguments, as far as they could be read.
pub(crate) struct Args {
    pub(crate) name: Option<LitStr>,
    pub(crate) krate: Option<Path>,
}

enum Arg {
    Positional(Expr),
    Option { key: syn::Ident, value: Expr },
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let is_option =
            (input.peek(syn::Ident) || input.peek(Token![crate])) && input.peek2(Token![=]);
        if !is_option {
            return input.parse().map(Arg::Positional);
        }
        let key = if input.peek(Token![crate]) {
            let token: Token![crate] = input.parse()?;
            syn::Ident::new("crate", token.span)
        } else {
            input.parse()?
        };
        input.parse::<Token![=]>()?;
        Ok(Arg::Option {
            key,
            value: input.parse()?,
        })
    }
}

const USAGE: &str = "write the API name as a string literal: `#[mini_api(\"myApiName\")]`";

pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args {
        name: None,
        krate: None,
    };
    let parsed = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(parsed) => parsed,
        Err(error) => {
            errors.push(error);
            return args;
        }
    };
    let mut name_given = false;
    for arg in parsed {
        match arg {
            Arg::Positional(expr) => {
                if name_given {
                    errors.push(syn::Error::new_spanned(
                        expr,
                        "a mini API has one name: remove this argument, or give options as `key = value`",
                    ));
                    continue;
                }
                name_given = true;
                match expr {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(name),
                        ..
                    }) => {
                        if let Err(problem) = check_name(&name.value()) {
                            errors.push(syn::Error::new(name.span(), problem));
                        } else {
                            args.name = Some(name);
                        }
                    }
                    other => errors.push(syn::Error::new_spanned(
                        other,
                        format!("the API name must be a string literal; {USAGE}"),
                    )),
                }
            }
            Arg::Option { key, value } => match key.to_string().as_str() {
                "crate" => {
                    if args.krate.is_some() {
                        errors.push(syn::Error::new(
                            key.span(),
                            "option `crate` is given twice: keep one",
                        ));
                        continue;
                    }
                    match value {
                        Expr::Path(path) if path.qself.is_none() => args.krate = Some(path.path),
                        other => errors.push(syn::Error::new_spanned(
                            other,
                            "`crate` takes a path to the tcmpp_core crate, such as `crate = my_app::tcmpp`",
                        )),
                    }
                }
                unknown => errors.push(syn::Error::new(
                    key.span(),
                    format!("unknown option `{unknown}`; the options are: `crate = path`"),
                )),
            },
        }
    }
    if !name_given {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!("missing the API name; {USAGE}"),
        ));
    }
    args
}

/// Checks that `name` can be called from a mini program, as `wx.invokeNativePlugin({ api_name })`
/// and as `wx.<name>()` through the SDK's custom config.
fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(format!("the API name is empty; {USAGE}"));
    };
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '$'))
    {
        let shown = if bad.is_whitespace() {
            "whitespace".to_owned()
        } else {
            format!("`{bad}`")
        };
        return Err(format!(
            "the API name \"{name}\" contains {shown}: a name must be a JavaScript identifier (ASCII letters, digits, `_` and `$`), because mini programs also call it as `wx.<name>()`"
        ));
    }
    if first.is_ascii_digit() {
        return Err(format!(
            "the API name \"{name}\" starts with a digit: a name must be a JavaScript identifier, because mini programs also call it as `wx.<name>()`"
        ));
    }
    Ok(())
}
