//! The two renderings of a reply as JSON text: WeChat's callback object, and the bare map for
//! SDKs that add `errMsg` themselves.

use serde_json::{Map, Value};

use super::{Failure, Reply, ReplyKind, text};

/// How a reply is rendered as JSON text; see [`PendingCall::rendered`](crate::dispatch::PendingCall::rendered).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rendering {
    /// WeChat's callback object, for hosts that hand the text straight to the page:
    /// `{…result, "errMsg":"<api>:ok"}`, `{"errCode":…,"errMsg":"<api>:fail <reason>"}`,
    /// `{"errMsg":"<api>:cancel"}`. See [`Reply::to_callback_json`].
    #[default]
    Callback,
    /// The bare reply, for SDKs that add `errMsg` themselves (Android `req.ok(json)` /
    /// `req.fail(msg)`, iOS): the result object on success, `{"message":…,"code":…}` on
    /// failure (with `"body":{…}` when the failure has a [body](Failure::body)), `{}` on
    /// cancel. See [`Reply::to_bare_json`].
    Bare,
}

/// A reply rendered as JSON text, and how the call ended: what a host routes on (the mini
/// program's `success`, `fail` or `cancel`) and what it passes on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RenderedReply {
    /// How the call ended.
    pub kind: ReplyKind,
    /// The reply, rendered.
    pub text: String,
}

impl RenderedReply {
    pub(crate) fn new(kind: ReplyKind, text: String) -> Self {
        RenderedReply { kind, text }
    }
}

impl Reply {
    /// The reply as the callback object a mini program receives: the result map with `errMsg`
    /// added on success (the map's own `errMsg` and `errCode` left out); on failure the [body](Failure::body)'s keys, if any, with `errMsg` and,
    /// when there is one, `errCode` beside them; `errMsg` alone on cancel.
    ///
    /// `prefix` is usually the API name; see [`ErrMsgPrefix`](crate::reply::ErrMsgPrefix).
    ///
    /// ```
    /// use serde_json::json;
    /// use tcmpp_core::reply::FailureKind;
    /// use tcmpp_core::Reply;
    ///
    /// let fail = Reply::fail(FailureKind::Handler, "out of stock").with_code(1001);
    /// assert_eq!(
    ///     serde_json::Value::Object(fail.to_callback("buy")),
    ///     json!({ "errMsg": "buy:fail out of stock", "errCode": 1001 }),
    /// );
    /// ```
    pub fn to_callback(&self, prefix: &str) -> Map<String, Value> {
        self.clone().into_callback(prefix)
    }

    /// [`to_callback`](Self::to_callback), moving the result map instead of copying it.
    pub(crate) fn into_callback(self, prefix: &str) -> Map<String, Value> {
        let err_msg = self.err_msg(prefix);
        let mut map = match self {
            Reply::Success(mut result) => {
                // A success has no `errCode`: one in the result would contradict its routing.
                crate::json::take_keys(&mut result, "errCode", None);
                result
            }
            Reply::Fail(Failure { code, body, .. }) => {
                // The body's keys first, beside which `errCode` and `errMsg` go; a body never
                // holds those two (see `Failure::with_body`).
                let mut map = body.map(|body| *body).unwrap_or_default();
                if let Some(code) = code {
                    map.insert("errCode".to_owned(), Value::from(code));
                }
                map
            }
            Reply::Cancel => Map::new(),
        };
        // Inserted last so that a result key named `errMsg` cannot break the JS SDK's routing.
        map.insert("errMsg".to_owned(), Value::String(err_msg));
        map
    }

    /// [`to_callback`](Self::to_callback) as JSON text.
    ///
    /// For a `Reply` the host holds: one it built for a call it refused itself, or took with
    /// `.await` to look at first. A dispatched call's reply is better taken rendered
    /// ([`PendingCall::rendered`](crate::dispatch::PendingCall::rendered), or the
    /// [`dispatch_json`](crate::Registry::dispatch_json) shortcut), which serializes the
    /// handler's value once, straight into the text, and keeps what a `Reply`'s map cannot.
    pub fn to_callback_json(&self, prefix: &str) -> String {
        self.clone().into_callback_json(prefix)
    }

    /// [`to_callback_json`](Self::to_callback_json), moving the result map instead of copying it.
    pub(crate) fn into_callback_json(self, prefix: &str) -> String {
        match self {
            Reply::Fail(Failure {
                message,
                code,
                body: None,
                ..
            }) => text::callback_fail(prefix, &message, code),
            Reply::Cancel => text::callback_cancel(prefix),
            reply => crate::json::text_of(&Value::Object(reply.into_callback(prefix))),
        }
    }

    /// The reply in the bare rendering: the result object on success (without an `errMsg` or
    /// `errCode` key of its own: the SDK adds the `errMsg` that routes the reply); `{"message":…}`, with `"code"`
    /// when there is one and the [body](Failure::body) under `"body"` when there is one, on
    /// failure; `{}` on cancel.
    ///
    /// ```
    /// use tcmpp_core::reply::FailureKind;
    /// use tcmpp_core::Reply;
    ///
    /// let fail = Reply::fail(FailureKind::Handler, "out of stock").with_code(1001);
    /// assert_eq!(fail.to_bare_json(), r#"{"code":1001,"message":"out of stock"}"#);
    /// assert_eq!(Reply::Cancel.to_bare_json(), "{}");
    /// ```
    pub fn to_bare_json(&self) -> String {
        match self {
            Reply::Success(result)
                if !result.contains_key("errMsg") && !result.contains_key("errCode") =>
            {
                // A map of `Value`s always serializes.
                serde_json::to_string(result).unwrap_or_else(|_| "{}".to_owned())
            }
            Reply::Fail(Failure {
                message,
                code,
                body: None,
                ..
            }) => text::bare_fail(message, *code),
            Reply::Cancel => "{}".to_owned(),
            // The rest changes the map it renders: a copy's.
            reply => reply.clone().into_bare_json(),
        }
    }

    /// [`to_bare_json`](Self::to_bare_json), moving the result map or the body instead of
    /// copying it.
    pub(crate) fn into_bare_json(self) -> String {
        match self {
            Reply::Success(mut result) => {
                // The SDK adds the `errMsg` that routes the reply; a result's own would
                // contradict it, so it is left out, as the callback rendering replaces it, and
                // so is an `errCode`, which a success does not have.
                super::result::strip_reply_keys(&mut result);
                crate::json::text_of(&Value::Object(result))
            }
            Reply::Fail(Failure {
                message,
                code,
                body: None,
                ..
            }) => text::bare_fail(&message, code),
            Reply::Fail(Failure {
                message,
                code,
                body,
                ..
            }) => {
                let mut map = Map::new();
                map.insert("message".into(), message.into());
                if let Some(code) = code {
                    map.insert("code".into(), code.into());
                }
                // Nested, not beside `message` and `code`: real bodies have keys of those
                // names (`{status_code, result: "fail", message}`), and an SDK that adds
                // `errMsg` itself takes the body apart from the message
                // (`req.failSync(body, message)`).
                if let Some(body) = body {
                    map.insert("body".into(), Value::Object(*body));
                }
                crate::json::text_of(&Value::Object(map))
            }
            Reply::Cancel => "{}".to_owned(),
        }
    }

    /// The reply rendered as `rendering` asks, with `prefix` before `errMsg`'s `:ok`, `:fail` or
    /// `:cancel` in the callback rendering: [`to_callback_json`](Self::to_callback_json) or
    /// [`to_bare_json`](Self::to_bare_json), moving the reply's map instead of copying it, with
    /// how the call ended. For a host that renders a reply it built itself.
    ///
    /// ```
    /// use tcmpp_core::reply::{FailureKind, Rendering, ReplyKind};
    /// use tcmpp_core::Reply;
    ///
    /// let fail = Reply::fail(FailureKind::Handler, "out of stock").with_code(1001);
    /// let rendered = fail.into_rendered(Rendering::Callback, "buy");
    /// assert_eq!(rendered.kind, ReplyKind::Fail);
    /// assert_eq!(rendered.text, r#"{"errCode":1001,"errMsg":"buy:fail out of stock"}"#);
    /// ```
    pub fn into_rendered(self, rendering: Rendering, prefix: &str) -> RenderedReply {
        let kind = self.kind();
        let text = match rendering {
            Rendering::Callback => self.into_callback_json(prefix),
            Rendering::Bare => self.into_bare_json(),
        };
        RenderedReply::new(kind, text)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::{Failure, Rendering, Reply};
    use crate::json::object as map;
    use crate::reply::FailureKind;

    #[test]
    fn a_reply_renders_the_same_moved_or_borrowed() {
        let replies = [
            Reply::Success(Map::new()),
            Reply::Success(map(json!({ "a": 1, "b": [true] }))),
            Reply::Success(map(json!({ "errMsg": "x", "errCode": 2, "z": null }))),
            Reply::Success(map(json!({ "errCode": 2 }))),
            Reply::fail(FailureKind::Handler, "no \"stock\"").with_code(7),
            Reply::Fail(
                Failure::new(FailureKind::Handler, "declined")
                    .with_body(map(json!({ "uuid": "u", "errMsg": "dropped" }))),
            ),
            Reply::Cancel,
        ];
        for reply in replies {
            let bare = reply.clone().into_rendered(Rendering::Bare, "api");
            assert_eq!(bare.text, reply.to_bare_json());
            assert_eq!(bare.kind, reply.kind());
            let callback = reply.clone().into_rendered(Rendering::Callback, "api");
            assert_eq!(callback.text, reply.to_callback_json("api"));
        }
    }
}
