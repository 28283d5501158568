//! The `@JsEvent` plugin, generated from the registry: the TCMPP Android SDK binds API names by
//! annotation at compile time, so the Kotlin class that routes every registered name to
//! `TcmppBridge` is written from the registry, as the SDK's config is.

use std::fmt::{self, Write as _};

use tcmpp_core::Registry;
use tcmpp_core::registry::HandlerKind;

/// The Kotlin source of a TCMPP `@JsPlugin` that routes every API of a registry to
/// `rs.tcmpp.android.TcmppBridge`, so that the page gets each reply as the bridge's callback
/// rendering writes it:
///
/// - the asynchronous APIs answer through `req.ok(JSONObject)`, `req.fail(JSONObject, message)`
///   (the object is the fail body, `ApiError::with_body`, with `errCode` beside it) and
///   `req.cancel()` (`"<api>:cancel"`); progress goes out through `req.sendState`;
/// - the plain-`fn` ones, which the generated `tcmpp-custom-config.json` marks `"sync": true`,
///   through `req.okSync(JSONObject)` and `req.failSync(JSONObject, message)`;
/// - the caller is the SDK's record of the running mini program,
///   `mMiniAppContext.getMiniAppInfo()`, with every field `TcmppAppInfo` has, and the web view
///   id when [`web_view_id`](Self::web_view_id) says where the SDK keeps it; never
///   `req.jsonParams`. The API name is the one the SDK routed by, `req.event`;
/// - calls still running when the SDK destroys the plugin (`onDestroy`) are cancelled, which
///   drops their handlers' futures.
///
/// Write it to the app's sources at build time, from a small Rust binary that links the
/// handlers (the handler crate is then `crate-type = ["cdylib", "rlib"]`), and regenerate it
/// whenever the APIs change:
///
/// ```
/// # use tcmpp_core::Registry;
/// use tcmpp_ffi::android::JsPlugin;
///
/// # let registry = Registry::builder().build().unwrap();
/// let source = JsPlugin::new(&registry)
///     .package("com.example.superapp")
///     .class_name("RustApis")
///     .to_string();
/// assert!(source.contains("class RustApis : BaseJsPlugin()"));
/// ```
///
/// `docs/hosts.md` says which of these SDK members Tencent's public demo and pages show, and
/// which only the SDK's lineage (the QQ mini program SDK) or this project's stand-ins.
#[derive(Clone, Debug)]
#[must_use = "the plugin is written by `to_string()`"]
pub struct JsPlugin<'r> {
    registry: &'r Registry,
    package: String,
    class_name: String,
    legacy_sdk: bool,
    web_view_id: Option<String>,
}

impl<'r> JsPlugin<'r> {
    /// The plugin of `registry`'s APIs, as class `RustApis` in package `rs.tcmpp.generated`.
    pub fn new(registry: &'r Registry) -> Self {
        JsPlugin {
            registry,
            package: "rs.tcmpp.generated".to_owned(),
            class_name: "RustApis".to_owned(),
            legacy_sdk: false,
            web_view_id: None,
        }
    }

    /// The Kotlin package of the class.
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.package = package.into();
        self
    }

    /// The class's name.
    pub fn class_name(mut self, class_name: impl Into<String>) -> Self {
        self.class_name = class_name.into();
        self
    }

    /// Whether the app embeds an SDK of 2.2.16 or earlier, whose `req.jsonParams` is the data
    /// alone (the legacy format), read with the event name (`req.event`). Stated from the SDK
    /// version the app ships, never guessed from the text.
    pub fn legacy_sdk(mut self, legacy_sdk: bool) -> Self {
        self.legacy_sdk = legacy_sdk;
        self
    }

    /// Where the app's SDK keeps the calling web view's id: a Kotlin expression over
    /// `req: RequestEvent` that yields a number (`Int`, `Long`, or `null`), such as
    /// `"req.webViewId"`. Without it the plugin states no web view, and a handler that takes
    /// `WebViewId` fails. Tencent's public demo and pages do not show where the SDK keeps it,
    /// so the app says so for the SDK version it ships.
    pub fn web_view_id(mut self, expression: impl Into<String>) -> Self {
        self.web_view_id = Some(expression.into());
        self
    }
}

impl fmt::Display for JsPlugin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A multiplexed API is listed once per method: its name gets one `@JsEvent`, routed
        // to the synchronous dispatch only when every method is a plain `fn`.
        let mut apis: Vec<&tcmpp_core::registry::ApiInfo> = Vec::new();
        for api in self.registry.apis() {
            match apis.last_mut() {
                Some(listed) if listed.name == api.name => {
                    if api.kind != HandlerKind::Plain {
                        *listed = api;
                    }
                }
                _ => apis.push(api),
            }
        }
        let (sync, asynchronous): (Vec<_>, Vec<_>) = apis
            .into_iter()
            .partition(|api| api.kind == HandlerKind::Plain);
        let names = |apis: &[&tcmpp_core::registry::ApiInfo]| {
            let mut names = String::new();
            for (i, api) in apis.iter().enumerate() {
                if i > 0 {
                    names.push_str(", ");
                }
                let _ = write!(names, "\"{}\"", kotlin_string(api.name));
            }
            names
        };
        let legacy = self.legacy_sdk;
        let web_view_id = match &self.web_view_id {
            Some(expression) => format!("({expression})?.toLong()"),
            None => "null".to_owned(),
        };
        writeln!(
            f,
            "// Generated by tcmpp-ffi's JsPlugin from the registry: do not edit; regenerate it when
// the APIs change. Routes every registered API to rs.tcmpp.android.TcmppBridge.
package {package}

import com.tencent.tmfmini.sdk.annotation.JsEvent
import com.tencent.tmfmini.sdk.annotation.JsPlugin
import com.tencent.tmfmini.sdk.launcher.core.model.RequestEvent
import com.tencent.tmfmini.sdk.launcher.core.plugins.BaseJsPlugin
import com.tencent.tmfmini.sdk.launcher.model.MiniAppInfo
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicBoolean
import org.json.JSONObject
import org.json.JSONTokener
import rs.tcmpp.android.TcmppAppInfo
import rs.tcmpp.android.TcmppBridge
import rs.tcmpp.android.TcmppCaller
import rs.tcmpp.android.TcmppPendingCall
import rs.tcmpp.android.TcmppRendering
import rs.tcmpp.android.TcmppReply
import rs.tcmpp.android.TcmppStatus

@JsPlugin(secondary = true)
class {class} : BaseJsPlugin() {{
    /** The calls not answered yet, cancelled when the SDK destroys the plugin. */
    private val pending = ConcurrentHashMap<Any, TcmppPendingCall>()
",
            package = self.package,
            class = self.class_name,
        )?;
        if !asynchronous.is_empty() {
            writeln!(
                f,
                "    /** The `async fn` handlers: answered through req.ok / req.fail / req.cancel, progress through req.sendState. */
    @JsEvent({names})
    fun dispatch(req: RequestEvent) {{
        val key = Any()
        val answered = AtomicBoolean(false)
        val call = TcmppBridge.dispatch(
            req.event,
            req.jsonParams,
            caller(req),
            TcmppRendering.BARE,
            {legacy},
            {{ _, payload -> req.sendState(req, stateObject(payload)) }},
        ) {{ reply ->
            answered.set(true)
            pending.remove(key)
            answer(req, reply)
        }}
        // Answered before dispatch returned (a refused call), or since: nothing to cancel.
        pending[key] = call
        if (answered.get()) pending.remove(key)
    }}
",
                names = names(&asynchronous),
            )?;
        }
        if !sync.is_empty() {
            writeln!(
                f,
                "    /** The plain `fn` handlers (\"sync\": true in tcmpp-custom-config.json): answered at once. */
    @JsEvent({names})
    fun dispatchSync(req: RequestEvent): String {{
        val reply = TcmppBridge.dispatchSync(req.event, req.jsonParams, caller(req), TcmppRendering.BARE, {legacy})
        if (reply.status == TcmppStatus.SUCCESS) return req.okSync(JSONObject(reply.json))
        val failure = JSONObject(reply.json)
        return req.failSync(failObject(failure), failure.optString(\"message\", \"cancel\"))
    }}
",
                names = names(&sync),
            )?;
        }
        write!(
            f,
            "    /** The SDK is done with this plugin: the calls still running are cancelled. */
    override fun onDestroy() {{
        for (call in pending.values) call.cancel()
        pending.clear()
        super.onDestroy()
    }}

    private fun answer(req: RequestEvent, reply: TcmppReply) {{
        when (reply.status) {{
            TcmppStatus.SUCCESS -> req.ok(JSONObject(reply.json))
            TcmppStatus.FAIL -> {{
                val failure = JSONObject(reply.json)
                req.fail(failObject(failure), failure.optString(\"message\"))
            }}
            TcmppStatus.CANCEL -> req.cancel()
        }}
    }}

    /**
     * What the SDK puts beside errMsg on a fail: the fail body (ApiError::with_body) and
     * errCode, as the bridge's callback rendering writes them.
     */
    private fun failObject(failure: JSONObject): JSONObject {{
        val data = failure.optJSONObject(\"body\") ?: JSONObject()
        if (failure.has(\"code\")) data.put(\"errCode\", failure.getLong(\"code\"))
        return data
    }}

    /**
     * req.sendState takes a JSON object: an object payload as it is, any other (a string such as
     * iOS's doSubscribe sends, a number) as {{\"value\": payload}}.
     */
    private fun stateObject(payload: String): JSONObject =
        when (val value = JSONTokener(payload).nextValue()) {{
            is JSONObject -> value
            else -> JSONObject().put(\"value\", value)
        }}

    /** Who calls: the SDK's record of the running mini program, never req.jsonParams. */
    private fun caller(req: RequestEvent): TcmppCaller? {{
        val info = mMiniAppContext?.miniAppInfo ?: return null
        val webViewId: Long? = {web_view_id}
        cachedCaller?.let {{ known -> if (known.info === info && known.webViewId == webViewId) return known.caller }}
        val caller = TcmppCaller(appInfo(info), webViewId)
        cachedCaller = CachedCaller(info, webViewId, caller)
        return caller
    }}

    /** MiniAppInfo's fields, as TcmppAppInfo names them. */
    private fun appInfo(info: MiniAppInfo) = TcmppAppInfo(
        appId = info.appId,
        appVerType = info.verType,
        version = info.version,
        time = info.timestamp,
        name = info.name,
        iconUrl = info.iconUrl,
        appIntro = info.desc,
        appDeveloper = info.developerDesc,
    )

    /** The caller's JSON is written once per mini program and web view. */
    private class CachedCaller(val info: MiniAppInfo, val webViewId: Long?, val caller: TcmppCaller)

    @Volatile
    private var cachedCaller: CachedCaller? = null
}}
"
        )
    }
}

/// `text` as the inside of a Kotlin string literal: `"`, `\` and `$` (templates) escaped, control
/// characters as `\uXXXX`.
fn kotlin_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::kotlin_string;

    #[test]
    fn names_are_kotlin_string_literals() {
        assert_eq!(kotlin_string("myApiName"), "myApiName");
        assert_eq!(kotlin_string("a\"b\\c$d\ne"), "a\\\"b\\\\c\\$d\\u000ae");
    }
}
