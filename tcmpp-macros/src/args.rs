//! Parsing the attribute's arguments: `"name"` first, then options, `key = value` or a bare
//! `key`.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, LitStr, Path, Token};

use crate::errors::Errors;

/// The attribute's arguments, as far as they could be read.
pub(crate) struct Args {
    pub(crate) name: Option<LitStr>,
    pub(crate) krate: Option<Path>,
    /// `timeout_ms = N`: this API's own timeout, in milliseconds.
    pub(crate) timeout_ms: Option<syn::LitInt>,
    /// `restricted`: only mini programs the access policy grants may call this API.
    pub(crate) restricted: bool,
    /// `method = "…"`: this handler answers one method of a multiplexed API.
    pub(crate) method: Option<LitStr>,
    /// `method_key = "…"`: the key of `data` that names the method.
    pub(crate) method_key: Option<LitStr>,
    /// `overrides_builtin`: the API is named like a built-in `wx` API on purpose. The key, for
    /// the span of the check that the name is one.
    pub(crate) overrides_builtin: Option<syn::Ident>,
    /// `fail_body = T`: the type of the body the handler's fail replies carry, for the typed
    /// client.
    pub(crate) fail_body: Option<syn::Type>,
}

/// The options, as the "unknown option" error lists them. Add a new option here and in the
/// `match` in [`parse`].
const OPTIONS: &[&str] = &[
    "`crate = path::to::tcmpp_core`",
    "`timeout_ms = N`",
    "`restricted`",
    "`method = \"name\"`",
    "`method_key = \"key\"`",
    "`overrides_builtin`",
    "`fail_body = Type`",
];

const USAGE: &str = "write it as a string literal: `#[mini_api(\"myApiName\")]`";

enum Arg {
    /// An argument that is not an option: the name, or a mistake.
    Positional(Expr),
    /// `key = value`, or a bare `key` (a flag) that comes after the name.
    Option {
        key: syn::Ident,
        value: Option<Expr>,
    },
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let is_key = input.peek(syn::Ident) || input.peek(Token![crate]);
        let is_option = is_key
            && (input.peek2(Token![=]) || input.peek2(Token![,]) || {
                // A bare key that ends the list.
                let fork = input.fork();
                fork.parse::<syn::Ident>().is_ok() && fork.is_empty()
            });
        if !is_option {
            return input.parse().map(Arg::Positional);
        }
        let key = if input.peek(Token![crate]) {
            let token: Token![crate] = input.parse()?;
            syn::Ident::new("crate", token.span)
        } else {
            input.parse()?
        };
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            if key == "fail_body" {
                // A type, which may have generics an expression cannot hold (`Vec<u8>`).
                let ty: syn::Type = input.parse()?;
                Some(Expr::Verbatim(ty.to_token_stream()))
            } else {
                Some(input.parse()?)
            }
        } else {
            None
        };
        Ok(Arg::Option { key, value })
    }
}

pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args {
        name: None,
        krate: None,
        timeout_ms: None,
        restricted: false,
        method: None,
        method_key: None,
        overrides_builtin: None,
        fail_body: None,
    };
    let parsed = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(parsed) => parsed,
        Err(error) => {
            errors.push(syn::Error::new(
                error.span(),
                format!("{error}: the arguments are the name, then options, separated by commas: `#[mini_api(\"myApiName\", crate = my_app::tcmpp)]`"),
            ));
            return args;
        }
    };
    // Whether something stood for the name, even a wrong one: then "missing the name" would be
    // a second error about the same mistake.
    let mut name_given = false;
    let mut seen_options: Vec<syn::Ident> = Vec::new();
    for (index, arg) in parsed.into_iter().enumerate() {
        match arg {
            // A bare identifier first is a name written without quotes, not a flag.
            Arg::Option { key, value: None } if index == 0 => {
                name_given = true;
                errors.push(syn::Error::new(
                    key.span(),
                    format!(
                        "the API name must be a string literal: write `#[mini_api(\"{key}\")]`"
                    ),
                ));
            }
            Arg::Positional(expr) => {
                if name_given {
                    errors.push(syn::Error::new_spanned(
                        expr,
                        "a mini API has one name: remove this argument (options are written `key = value`)",
                    ));
                    continue;
                }
                name_given = true;
                if index > 0 {
                    errors.push(syn::Error::new_spanned(
                        expr,
                        "the API name comes first: `#[mini_api(\"myApiName\", option = value)]`",
                    ));
                    continue;
                }
                match expr {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(name),
                        ..
                    }) => match check_name(&name.value()) {
                        Ok(()) => args.name = Some(name),
                        Err(problem) => errors.push(syn::Error::new(name.span(), problem)),
                    },
                    other => errors.push(syn::Error::new_spanned(
                        other,
                        format!("the API name must be a string literal; {USAGE}"),
                    )),
                }
            }
            Arg::Option { key, value } => {
                if let Some(first) = seen_options.iter().find(|seen| **seen == key) {
                    let mut error = syn::Error::new(
                        key.span(),
                        format!("option `{key}` is given twice: remove one"),
                    );
                    error.combine(syn::Error::new(first.span(), "it is first given here"));
                    errors.push(error);
                    continue;
                }
                seen_options.push(key.clone());
                match key.to_string().as_str() {
                    "crate" => match value {
                        Some(Expr::Path(path)) if path.qself.is_none() => {
                            args.krate = Some(path.path);
                        }
                        Some(other) => errors.push(syn::Error::new_spanned(
                            other,
                            "`crate` takes the path of the tcmpp_core crate, unquoted: `crate = my_app::tcmpp`",
                        )),
                        None => errors.push(syn::Error::new(
                            key.span(),
                            "`crate` takes the path of the tcmpp_core crate: `crate = my_app::tcmpp`",
                        )),
                    },
                    "timeout_ms" => match value {
                        Some(Expr::Lit(ExprLit {
                            lit: Lit::Int(millis),
                            ..
                        })) if millis.base10_parse::<u64>().is_ok_and(|millis| millis > 0) => {
                            args.timeout_ms = Some(millis);
                        }
                        Some(other) => errors.push(syn::Error::new_spanned(
                            other,
                            "`timeout_ms` takes a whole number of milliseconds greater than 0, such as `timeout_ms = 5000`",
                        )),
                        None => errors.push(syn::Error::new(
                            key.span(),
                            "`timeout_ms` takes a number of milliseconds: `timeout_ms = 5000`",
                        )),
                    },
                    "restricted" => match value {
                        None => args.restricted = true,
                        Some(value) => errors.push(syn::Error::new_spanned(
                            value,
                            "`restricted` takes no value: write `restricted` alone",
                        )),
                    },
                    "method" => match value {
                        Some(Expr::Lit(ExprLit {
                            lit: Lit::Str(method),
                            ..
                        })) => match check_method(&method.value(), "method") {
                            Ok(()) => args.method = Some(method),
                            Err(problem) => errors.push(syn::Error::new(method.span(), problem)),
                        },
                        Some(other) => errors.push(syn::Error::new_spanned(
                            other,
                            "`method` takes the method's name as a string literal: `method = \"connect\"`",
                        )),
                        None => errors.push(syn::Error::new(
                            key.span(),
                            "`method` takes the method's name: `method = \"connect\"`",
                        )),
                    },
                    "method_key" => match value {
                        Some(Expr::Lit(ExprLit {
                            lit: Lit::Str(method_key),
                            ..
                        })) => match check_method(&method_key.value(), "method_key") {
                            Ok(()) => args.method_key = Some(method_key),
                            Err(problem) => {
                                errors.push(syn::Error::new(method_key.span(), problem));
                            }
                        },
                        Some(other) => errors.push(syn::Error::new_spanned(
                            other,
                            "`method_key` takes the key of `data` that names the method, as a string literal: `method_key = \"methodName\"`",
                        )),
                        None => errors.push(syn::Error::new(
                            key.span(),
                            "`method_key` takes the key of `data` that names the method: `method_key = \"methodName\"`",
                        )),
                    },
                    "overrides_builtin" => match value {
                        None => args.overrides_builtin = Some(key),
                        Some(value) => errors.push(syn::Error::new_spanned(
                            value,
                            "`overrides_builtin` takes no value: write `overrides_builtin` alone",
                        )),
                    },
                    "fail_body" => match value {
                        Some(Expr::Verbatim(tokens)) => match syn::parse2::<syn::Type>(tokens) {
                            Ok(ty) => args.fail_body = Some(ty),
                            Err(error) => errors.push(error),
                        },
                        _ => errors.push(syn::Error::new(
                            key.span(),
                            "`fail_body` takes the type of the handler's fail body: `fail_body = PaymentDeclined`",
                        )),
                    },
                    "name" => {
                        name_given = true;
                        let shown = value.map_or_else(
                            || "\"myApiName\"".to_owned(),
                            |value| value.to_token_stream().to_string(),
                        );
                        errors.push(syn::Error::new(
                            key.span(),
                            format!(
                                "the API name is not an option: write it first, on its own: `#[mini_api({shown})]`"
                            ),
                        ));
                    }
                    "sync" | "async" => errors.push(syn::Error::new(
                        key.span(),
                        "there is no `sync` or `async` option: a plain `fn` is registered as a sync API, an `async fn` as an async one",
                    )),
                    unknown => errors.push(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{unknown}`; the options are: {}",
                            OPTIONS.join(", ")
                        ),
                    )),
                }
            }
        }
    }
    if !name_given {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!("missing the API name: {USAGE}"),
        ));
    }
    if let (Some(method_key), None) = (&args.method_key, &args.method) {
        errors.push(syn::Error::new(
            method_key.span(),
            "`method_key` is for a handler of one method of a multiplexed API: add the method it answers, `method = \"connect\"`, or remove `method_key`",
        ));
    }
    args
}

/// Checks a method's name, or the key that carries it: text a mini program sends in `data`,
/// so any non-empty string without control characters.
fn check_method(text: &str, option: &str) -> Result<(), String> {
    if text.is_empty() {
        let example = if option == "method" {
            "`method = \"connect\"`"
        } else {
            "`method_key = \"methodName\"` (the default)"
        };
        return Err(format!(
            "`{option}` is empty: give the text mini programs send in `data`, such as {example}"
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "`{option}` contains a control character: give the text mini programs send in `data`"
        ));
    }
    Ok(())
}

/// Checks that `name` can be called from a mini program, as `wx.invokeNativePlugin({ api_name })`
/// and as `wx.<name>()` through the SDK's custom config.
fn check_name(name: &str) -> Result<(), String> {
    const IDENTIFIER: &str = "a name must be a JavaScript identifier (ASCII letters, digits, `_` and `$`, not starting with a digit), because mini programs also call it as `wx.<name>()`";
    let Some(first) = name.chars().next() else {
        return Err(
            "the API name is empty: give the name mini programs call, such as `#[mini_api(\"myApiName\")]`"
                .to_owned(),
        );
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
            "the API name \"{name}\" contains {shown}: {IDENTIFIER}"
        ));
    }
    if first.is_ascii_digit() {
        return Err(format!(
            "the API name \"{name}\" starts with a digit: {IDENTIFIER}"
        ));
    }
    Ok(())
}
