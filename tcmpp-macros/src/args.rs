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
    /// `timeout_ms = N`: this API's own timeout, in milliseconds.
    pub(crate) timeout_ms: Option<syn::LitInt>,
    /// `restricted`: only mini programs the access policy grants may call this API.
    pub(crate) restricted: Option<syn::Ident>,
}

/// The options, for the "unknown option" message.
const OPTIONS: &str = "`crate = path`, `timeout_ms = N`, `restricted`";

enum Arg {
    Positional(Expr),
    Flag(syn::Ident),
    Option { key: syn::Ident, value: Expr },
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let is_option =
            (input.peek(syn::Ident) || input.peek(Token![crate])) && input.peek2(Token![=]);
        let is_flag = input.peek(syn::Ident)
            && !is_option
            && (input.peek2(Token![,]) || input.peek2(syn::parse::End));
        if is_flag && input.fork().parse::<syn::Ident>()? == "restricted" {
            return input.parse().map(Arg::Flag);
        }
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
        timeout_ms: None,
        restricted: None,
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
            Arg::Flag(flag) => {
                if args.restricted.is_some() {
                    errors.push(syn::Error::new(
                        flag.span(),
                        "option `restricted` is given twice: keep one",
                    ));
                }
                args.restricted = Some(flag);
            }
            Arg::Option { key, value } => match key.to_string().as_str() {
                "timeout_ms" => {
                    if args.timeout_ms.is_some() {
                        errors.push(syn::Error::new(
                            key.span(),
                            "option `timeout_ms` is given twice: keep one",
                        ));
                        continue;
                    }
                    match value {
                        Expr::Lit(ExprLit { lit: Lit::Int(millis), .. })
                            if millis.base10_parse::<u64>().is_ok_and(|millis| millis > 0) =>
                        {
                            args.timeout_ms = Some(millis);
                        }
                        other => errors.push(syn::Error::new_spanned(
                            other,
                            "`timeout_ms` takes a whole number of milliseconds greater than 0, such as `timeout_ms = 5000`",
                        )),
                    }
                }
                "restricted" => errors.push(syn::Error::new(
                    key.span(),
                    "`restricted` takes no value: write `restricted`",
                )),
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
                    format!("unknown option `{unknown}`; the options are: {OPTIONS}"),
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
