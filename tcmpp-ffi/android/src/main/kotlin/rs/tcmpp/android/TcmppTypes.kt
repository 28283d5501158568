// The values TcmppBridge takes and gives. Shipped with the tcmpp-ffi crate; see TcmppBridge.kt.
package rs.tcmpp.android

/** How a call ended: which of the mini program's callbacks (`success`, `fail`, `cancel`) its reply is for. */
enum class TcmppStatus {
    SUCCESS,
    FAIL,
    CANCEL;

    internal companion object {
        /** The status the native side numbers as tcmpp.h's TCMPP_STATUS_*. */
        fun of(code: Int): TcmppStatus = when (code) {
            0 -> SUCCESS
            2 -> CANCEL
            else -> FAIL
        }
    }
}

/** How a reply's JSON text is written. */
enum class TcmppRendering(internal val flag: Int) {
    /**
     * WeChat's callback object, for hosts that hand the text to the page as is:
     * `{…result,"errMsg":"api:ok"}`, `{"errMsg":"api:fail reason","errCode":N}`, `{"errMsg":"api:cancel"}`.
     */
    CALLBACK(0),

    /**
     * The bare reply, for SDKs that add `errMsg` themselves (Android's `req.ok(JSONObject)`):
     * `{…result}`, `{"code":N,"message":"reason"}` (`code` only when there is one), `{}` on cancel.
     */
    BARE(1),
}

/** One call's reply: how it ended, and its JSON text in the rendering the call asked for. */
data class TcmppReply(val status: TcmppStatus, val json: String)

/**
 * The calling mini program, as the SDK knows it (`mMiniAppContext.getMiniAppInfo()`; docs/hosts.md
 * maps `MiniAppInfo`'s fields to these): the fields of
 * tcmpp-core's `AppInfo`. Every field is optional; `null` leaves it out.
 */
data class TcmppAppInfo @JvmOverloads constructor(
    val appId: String?,
    val appVerType: Int? = null,
    val version: String? = null,
    val time: Long? = null,
    val name: String? = null,
    val iconUrl: String? = null,
    val appIntro: String? = null,
    val appDeveloper: String? = null,
    val appCategory: String? = null,
)

/**
 * Who calls, stated by the host from what its SDK knows: never read from `req.jsonParams`,
 * which is the mini program's own object. Keep one per running mini program: its JSON is
 * written once.
 */
class TcmppCaller @JvmOverloads constructor(
    val appInfo: TcmppAppInfo? = null,
    /** The calling web view, as the SDK reports it. */
    val webviewId: Long? = null,
    /** The key the SDK routes this call's intermediate states by. */
    val stateEvent: String? = null,
) {
    /** The caller as the native side reads it (tcmpp.h's `caller_json`). */
    internal val json: String by lazy {
        val fields = ArrayList<String>(3)
        appInfo?.let { app ->
            val appFields = ArrayList<String>(9)
            app.appId?.let { appFields += "\"appId\":" + quote(it) }
            app.appVerType?.let { appFields += "\"appVerType\":$it" }
            app.version?.let { appFields += "\"version\":" + quote(it) }
            app.time?.let { appFields += "\"time\":$it" }
            app.name?.let { appFields += "\"name\":" + quote(it) }
            app.iconUrl?.let { appFields += "\"iconUrl\":" + quote(it) }
            app.appIntro?.let { appFields += "\"appIntro\":" + quote(it) }
            app.appDeveloper?.let { appFields += "\"appDeveloper\":" + quote(it) }
            app.appCategory?.let { appFields += "\"appCategory\":" + quote(it) }
            fields += appFields.joinToString(",", "\"appInfo\":{", "}")
        }
        webviewId?.let { fields += "\"webviewId\":$it" }
        stateEvent?.let { fields += "\"stateEvent\":" + quote(it) }
        fields.joinToString(",", "{", "}")
    }

    override fun toString(): String = "TcmppCaller($json)"

    private companion object {
        /**
         * A JSON string literal. Characters are kept as they are (a lone surrogate too: the
         * native side refuses it, rather than this guessing a replacement).
         */
        fun quote(text: String): String {
            val out = StringBuilder(text.length + 2).append('"')
            for (c in text) {
                when {
                    c == '"' -> out.append("\\\"")
                    c == '\\' -> out.append("\\\\")
                    c < ' ' -> out.append("\\u").append(String.format("%04x", c.code))
                    else -> out.append(c)
                }
            }
            return out.append('"').toString()
        }
    }
}

/**
 * A [TcmppCaller] stated once to the native side: read there when it is made, and named by each
 * call (`TcmppBridge.dispatch(apiName, paramsJson, handle)`), so that no call carries or parses
 * the caller's JSON again. Make one per running mini program (or per web view, when
 * [TcmppCaller.webviewId] is set) and [close] it when that goes away; an unclosed handle keeps
 * a few hundred bytes of native memory until the process ends (`TcmppBridge.heldCallers()`
 * counts them).
 *
 * Any number of threads may dispatch with one handle at once. A call dispatched after [close]
 * gets a fail reply (`invalid caller: …`), never a crash; calls dispatched before keep their
 * caller until their reply.
 *
 * @throws IllegalArgumentException when the native side refuses the caller (a string with a
 *   lone surrogate), saying why.
 */
class TcmppCallerHandle(
    /** The caller this handle states. */
    val caller: TcmppCaller,
) : AutoCloseable {
    /** The native id, which calls name; never reused, so once closed every call refuses it. */
    internal val id: Long = arrayOfNulls<String>(1).let { problem ->
        val made = TcmppNative.callerNew(caller.json, problem)
        require(made != 0L) { problem[0] ?: "invalid caller" }
        made
    }

    private val closed = java.util.concurrent.atomic.AtomicBoolean(false)

    /** Frees the native caller. Closing twice does nothing. */
    override fun close() {
        if (closed.compareAndSet(false, true)) TcmppNative.callerFree(id)
    }

    override fun toString(): String = "TcmppCallerHandle(${caller.json}${if (closed.get()) ", closed" else ""})"
}

/** One registered handler, as `TcmppBridge.apis()` lists it: an API, or one method of a multiplexed API. */
data class TcmppApi @JvmOverloads constructor(
    /** The name mini programs call, and the `@JsEvent` name to register. */
    val name: String,
    /** Whether a plain `fn` serves it, which can answer a `sync: true` call. */
    val sync: Boolean,
    /** The handler's Rust path. */
    val rustPath: String,
    /** Where the handler is written (`file:line`). */
    val location: String,
    /**
     * The method this handler answers, for a multiplexed API (`#[mini_api("name", method = "…")]`,
     * chosen by a key of `data`); `null` for a plain API.
     */
    val method: String? = null,
)

/** The registry cannot be built: every problem is listed, in the message too. */
class TcmppBuildException(message: String, val problems: List<String>) : Exception(message)

/** Receives a call's intermediate states (a handler's `Progress`), in order, all before its reply. */
fun interface TcmppProgressListener {
    /**
     * One event. [stateEvent] is the one the caller stated ([TcmppCaller.stateEvent]), else
     * `null`; [payloadJson] is any JSON value the handler sent: an object, or a string such as
     * iOS's `doSubscribe` sends (`"1"`). Runs on the thread that runs the handler.
     */
    fun onProgress(stateEvent: String?, payloadJson: String)
}

/** Receives a call's one reply. */
fun interface TcmppReplyListener {
    /**
     * The reply: exactly once per call, on the calling thread before `dispatch` returns (a plain
     * `fn`, a refused call) or later on a `tcmpp-worker` thread. An exception it throws is
     * printed and dropped; it does not reach the other calls.
     */
    fun onReply(reply: TcmppReply)
}

/** A call dispatched with a [TcmppReplyListener]. */
class TcmppPendingCall internal constructor(private val callId: Long) {
    /**
     * Drops the handler's future if it is still running, and answers the call with a
     * [TcmppStatus.CANCEL] reply; does nothing once the call has been answered.
     */
    fun cancel() {
        if (callId != 0L) TcmppNative.cancel(callId)
    }
}
