//! What comes before `:ok`, `:fail` or `:cancel` in `errMsg`.

use std::borrow::Cow;
use std::sync::Arc;

use crate::echo::MAX_ECHO_CHARS;

/// What comes before `:ok`, `:fail` or `:cancel` in `errMsg`.
///
/// WeChat's convention prefixes the API name, the default. The runtime TCMPP descends from
/// prefixes `invokeNativePlugin` instead; routing ignores the prefix, so either works.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ErrMsgPrefix {
    /// The called API's name: `"myApiName:ok"`.
    #[default]
    ApiName,
    /// A fixed text, such as `"invokeNativePlugin"`.
    Fixed(Cow<'static, str>),
}

impl ErrMsgPrefix {
    /// A fixed prefix.
    pub fn fixed(prefix: impl Into<Cow<'static, str>>) -> Self {
        ErrMsgPrefix::Fixed(prefix.into())
    }

    /// The text before `:ok` / `:fail` for a call reported as `api_name`: the fixed prefix when
    /// one is set; otherwise the name, when a handler could have it (a JavaScript identifier of
    /// at most 64 characters); otherwise `invokeNativePlugin`.
    ///
    /// For a host with no registry (it failed to build) that refuses a call and renders the
    /// refusal itself. With a registry, ask
    /// [`Registry::errmsg_prefix_for`](crate::Registry::errmsg_prefix_for), which applies the
    /// registry's prefix; for a call on its way, its future's
    /// [`prefix`](crate::dispatch::ReplyFuture::prefix).
    ///
    /// ```
    /// use tcmpp_core::reply::ErrMsgPrefix;
    ///
    /// assert_eq!(ErrMsgPrefix::ApiName.for_call(Some("scan")), "scan");
    /// assert_eq!(ErrMsgPrefix::ApiName.for_call(Some("a:b")), "invokeNativePlugin");
    /// assert_eq!(ErrMsgPrefix::fixed("invokeNativePlugin").for_call(Some("scan")), "invokeNativePlugin");
    /// ```
    pub fn for_call<'a>(&'a self, api_name: Option<&'a str>) -> &'a str {
        match self {
            ErrMsgPrefix::Fixed(prefix) => prefix,
            ErrMsgPrefix::ApiName => echoable_name(api_name),
        }
    }
}

/// An `errMsg` prefix as a reply holds it: borrowed from the program when it can be, so that
/// the common replies copy no text.
#[derive(Clone, Debug)]
pub(crate) enum PrefixText {
    /// A registered API name, or a fixed prefix given as a `&'static str`.
    Static(&'static str),
    /// A fixed prefix given as a `String`, shared by every reply.
    Shared(Arc<str>),
    /// A name read from the call itself: an unknown API, or a call that could not be read.
    Owned(String),
}

impl PrefixText {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            PrefixText::Static(prefix) => prefix,
            PrefixText::Shared(prefix) => prefix,
            PrefixText::Owned(prefix) => prefix,
        }
    }
}

/// The `errMsg` prefix used when a call is so broken that its API name cannot be read.
pub(crate) const UNNAMED_CALL_PREFIX: &str = "invokeNativePlugin";

/// The name to put before `:fail` for a call reported as `api_name`, with the default prefix:
/// the name when a handler could have it, otherwise `invokeNativePlugin`. A name such as
/// `"a:b"` is not echoed, since the JS SDK routes on the first `:` of `errMsg`, nor a name of
/// more than [`MAX_ECHO_CHARS`] characters, which would make a reply as long as the call.
pub(crate) fn echoable_name(api_name: Option<&str>) -> &str {
    api_name
        .filter(|name| name.len() <= MAX_ECHO_CHARS && is_api_name(name))
        .unwrap_or(UNNAMED_CALL_PREFIX)
}

/// Whether `name` can be a registered API name: a JavaScript identifier, as `#[mini_api]`
/// requires.
pub(crate) fn is_api_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}
