// The Android side of tcmpp-ffi's `jni` feature: a Kotlin entry to the Rust handlers of the
// library built with `tcmpp_ffi::export_jni!()`. Use the module (tcmpp-ffi/android) or copy
// this directory unchanged, with consumer-rules.pro: the native methods are bound to these class
// names, and native code calls NativeListener's methods by name.
package rs.tcmpp.android

import kotlinx.coroutines.suspendCancellableCoroutine
import kotlin.coroutines.resume

/**
 * Forwards a mini program's custom API calls to the Rust handlers (`#[mini_api]`) of the native
 * library, and brings their replies back.
 *
 * Who calls is always the host's to say ([TcmppCaller], from the SDK's
 * `mMiniAppContext.getMiniAppInfo()`), never
 * what the call text claims: on Android that text (`req.jsonParams`) is the mini program's own
 * object, so an `appInfo` in it is refused and its `webviewId`/`stateEvent` are ignored.
 *
 * Every dispatched call gets exactly one reply, whatever happens: a bad call, an unknown API, a
 * denied caller, a handler error or panic are fail replies, never an exception or a lost reply.
 */
object TcmppBridge {
    /** tcmpp.h's TCMPP_LEGACY_FORMAT. */
    private const val LEGACY_FORMAT = 4

    /** Native-only flag: the call has a progress listener. */
    private const val LISTENS_TO_PROGRESS = 1 shl 16

    /**
     * Loads the native library (`lib<library>.so`, as `System.loadLibrary` names it) and builds
     * the registry: see [init].
     */
    @JvmStatic
    fun init(library: String) {
        System.loadLibrary(library)
        init()
    }

    /**
     * Builds the registry now, in a library already loaded, rather than on the first call.
     *
     * @throws TcmppBuildException listing every problem (an API name registered twice, a
     * `State<T>` a handler takes that the build function did not give). Until it is fixed,
     * every call gets a fail reply that carries the same message. Checked in Java
     * (`catch (TcmppBuildException e)` compiles).
     */
    @JvmStatic
    @Throws(TcmppBuildException::class)
    fun init() {
        val failure = TcmppNative.init() ?: return
        throw TcmppBuildException(failure[0], failure.drop(1))
    }

    /**
     * The registered handlers: one entry per API, or per method of a multiplexed API (its name
     * is then listed once per method). Register each distinct name with the SDK (the generated
     * plugin does).
     */
    @JvmStatic
    fun apis(): List<TcmppApi> {
        val fields = TcmppNative.apis()
        return (fields.indices step 5).map { i ->
            TcmppApi(fields[i], fields[i + 1] == "true", fields[i + 2], fields[i + 3], fields[i + 4].ifEmpty { null })
        }
    }

    /** The SDK's `tcmpp-custom-config.json`, which lists the APIs mini programs may call as `wx.<name>`. */
    @JvmStatic
    fun customConfigJson(): String =
        TcmppNative.customConfigJson() ?: throw IllegalStateException(
            "the registry cannot be built: call TcmppBridge.init() to see why"
        )

    /**
     * Dispatches a call and suspends until its reply. Cancelling the coroutine drops the
     * handler's future in Rust.
     *
     * @param apiName the name the SDK routed the call by (`req.event`), or `null`. A unified
     *   call names its API itself, and the two must agree; a legacy call needs it.
     * @param paramsJson the call's text as the SDK hands it over (`req.jsonParams`); `null` is a
     *   fail reply.
     * @param caller who calls, from what the SDK knows; `null`: nobody known.
     * @param rendering how the reply is written; [TcmppRendering.BARE] suits `req.ok(JSONObject)`.
     * @param legacy whether [paramsJson] is in the legacy Android format (SDK 2.2.16 and
     *   earlier: the object is the data). Stated, never guessed.
     * @param onProgress receives the handler's intermediate states, before the reply. As a
     *   trailing lambda it takes two parameters (`{ stateEvent, payloadJson -> … }`); a
     *   one-parameter trailing lambda is the reply callback of the other `dispatch`.
     */
    suspend fun dispatch(
        apiName: String?,
        paramsJson: String?,
        caller: TcmppCaller? = null,
        rendering: TcmppRendering = TcmppRendering.BARE,
        legacy: Boolean = false,
        onProgress: TcmppProgressListener? = null,
    ): TcmppReply = suspendCancellableCoroutine { continuation ->
        val call = dispatch(apiName, paramsJson, caller, rendering, legacy, onProgress) { reply ->
            // Ignored once the coroutine is cancelled.
            continuation.resume(reply)
        }
        continuation.invokeOnCancellation { call.cancel() }
    }

    /**
     * Dispatches a call; [onReply] receives its one reply, perhaps before this returns. The
     * other parameters are those of the suspending `dispatch`. [onReply] comes last, so that
     * Kotlin's trailing lambda is the reply callback, in or out of a coroutine:
     * `TcmppBridge.dispatch(req.event, req.jsonParams, caller) { reply -> … }`; from Java,
     * `TcmppBridge.dispatch(apiName, paramsJson, caller, reply -> …)`.
     *
     * @return the call, to [cancel][TcmppPendingCall.cancel] it.
     */
    @JvmStatic
    @JvmOverloads
    fun dispatch(
        apiName: String?,
        paramsJson: String?,
        caller: TcmppCaller?,
        rendering: TcmppRendering = TcmppRendering.BARE,
        legacy: Boolean = false,
        onProgress: TcmppProgressListener? = null,
        onReply: TcmppReplyListener,
    ): TcmppPendingCall {
        var flags = flags(rendering, legacy)
        if (onProgress != null) flags = flags or LISTENS_TO_PROGRESS
        val listener = Listener(onReply, onProgress)
        return TcmppPendingCall(TcmppNative.dispatch(apiName, paramsJson, caller?.json, flags, listener))
    }

    /**
     * [dispatch] with a caller stated once ([TcmppCallerHandle]): the same call, without
     * carrying the caller's JSON or parsing it again. A closed handle is a fail reply.
     */
    suspend fun dispatch(
        apiName: String?,
        paramsJson: String?,
        caller: TcmppCallerHandle,
        rendering: TcmppRendering = TcmppRendering.BARE,
        legacy: Boolean = false,
        onProgress: TcmppProgressListener? = null,
    ): TcmppReply = suspendCancellableCoroutine { continuation ->
        val call = dispatch(apiName, paramsJson, caller, rendering, legacy, onProgress) { reply ->
            continuation.resume(reply)
        }
        continuation.invokeOnCancellation { call.cancel() }
    }

    /**
     * The callback [dispatch] with a caller stated once ([TcmppCallerHandle]). From Java it is
     * `dispatchWithHandle`, so that `dispatch(apiName, paramsJson, null, reply -> …)` keeps
     * meaning "nobody known".
     */
    @JvmStatic
    @JvmOverloads
    @JvmName("dispatchWithHandle")
    fun dispatch(
        apiName: String?,
        paramsJson: String?,
        caller: TcmppCallerHandle,
        rendering: TcmppRendering = TcmppRendering.BARE,
        legacy: Boolean = false,
        onProgress: TcmppProgressListener? = null,
        onReply: TcmppReplyListener,
    ): TcmppPendingCall {
        var flags = flags(rendering, legacy)
        if (onProgress != null) flags = flags or LISTENS_TO_PROGRESS
        val listener = Listener(onReply, onProgress)
        return TcmppPendingCall(TcmppNative.dispatchWithCaller(caller.id, apiName, paramsJson, flags, listener))
    }

    /**
     * [dispatchSync] with a caller stated once ([TcmppCallerHandle]); from Java,
     * `dispatchSyncWithHandle`. A closed handle is a fail reply.
     */
    @JvmStatic
    @JvmOverloads
    @JvmName("dispatchSyncWithHandle")
    fun dispatchSync(
        apiName: String?,
        paramsJson: String?,
        caller: TcmppCallerHandle,
        rendering: TcmppRendering = TcmppRendering.BARE,
        legacy: Boolean = false,
    ): TcmppReply {
        return reply(TcmppNative.dispatchSyncWithCaller(caller.id, apiName, paramsJson, flags(rendering, legacy)))
    }

    /**
     * Answers a `sync: true` call at once, on this thread. A plain `fn` handler answers, and so
     * does an `async fn` one that is done on its first poll; any other is a fail reply.
     */
    @JvmStatic
    @JvmOverloads
    fun dispatchSync(
        apiName: String?,
        paramsJson: String?,
        caller: TcmppCaller? = null,
        rendering: TcmppRendering = TcmppRendering.BARE,
        legacy: Boolean = false,
    ): TcmppReply {
        return reply(TcmppNative.dispatchSync(apiName, paramsJson, caller?.json, flags(rendering, legacy)))
    }

    /**
     * Stops the Rust runtime that runs `async fn` handlers: calls still running get a fail
     * reply, and its threads detach from the JVM and end (a JVM waits for attached threads
     * before it exits). The next asynchronous call starts a new runtime.
     *
     * @return whether the threads ended within [timeoutMillis].
     */
    @JvmStatic
    @JvmOverloads
    fun shutdown(timeoutMillis: Long = 5_000): Boolean = TcmppNative.shutdown(timeoutMillis)

    /** How many reply listeners the native side holds now (one per unanswered call): for leak checks. */
    @JvmStatic
    fun heldListeners(): Long = TcmppNative.heldListeners()

    /** How many [TcmppCallerHandle]s are open now (made and not closed): for leak checks. */
    @JvmStatic
    fun heldCallers(): Long = TcmppNative.heldCallers()

    /** How many threads the native side has attached to the JVM and not yet detached: for leak checks. */
    @JvmStatic
    fun attachedThreads(): Long = TcmppNative.attachedThreads()

    /**
     * A synchronous answer as the native side writes it: the text alone for a success that
     * starts at U+0020 or above (a JSON object does), else the status's code as a character below
     * U+0020, then the text. A success is kept whole, with no copy of its text.
     */
    private fun reply(answer: String): TcmppReply =
        if (answer.isNotEmpty() && answer[0] < ' ') {
            TcmppReply(TcmppStatus.of(answer[0].code), answer.substring(1))
        } else {
            TcmppReply(TcmppStatus.SUCCESS, answer)
        }

    private fun flags(rendering: TcmppRendering, legacy: Boolean): Int =
        rendering.flag or (if (legacy) LEGACY_FORMAT else 0)

    /** What the native side calls back: the caller's listeners, behind one object. */
    private class Listener(
        private val onReply: TcmppReplyListener,
        private val onProgress: TcmppProgressListener?,
    ) : NativeListener {
        override fun onProgress(stateEvent: String?, payloadJson: String) {
            onProgress?.onProgress(stateEvent, payloadJson)
        }

        override fun onReply(status: Int, json: String) {
            onReply.onReply(TcmppReply(TcmppStatus.of(status), json))
        }
    }
}

/** The object the native side calls back, by these names and signatures. */
internal interface NativeListener {
    fun onProgress(stateEvent: String?, payloadJson: String)

    fun onReply(status: Int, json: String)
}

/** The native methods `tcmpp_ffi::export_jni!()` exports, bound by these names. */
internal object TcmppNative {
    /** `null`, or the build error's message followed by each problem. */
    @JvmStatic external fun init(): Array<String>?

    /** Five strings per handler: name, sync (`"true"`/`"false"`), Rust path, location, method (`""` for none). */
    @JvmStatic external fun apis(): Array<String>

    /** `null` when the registry cannot be built. */
    @JvmStatic external fun customConfigJson(): String?

    /** The call's id for [cancel], or 0 when it was answered before this returned. */
    @JvmStatic external fun dispatch(
        apiName: String?,
        paramsJson: String?,
        callerJson: String?,
        flags: Int,
        listener: NativeListener,
    ): Long

    @JvmStatic external fun cancel(callId: Long)

    /** The reply's text, after its status as a character below U+0020 unless it succeeded (see `TcmppBridge.reply`). */
    @JvmStatic external fun dispatchSync(apiName: String?, paramsJson: String?, callerJson: String?, flags: Int): String

    /** [dispatch] with a caller handle's id in place of its JSON. */
    @JvmStatic external fun dispatchWithCaller(
        caller: Long,
        apiName: String?,
        paramsJson: String?,
        flags: Int,
        listener: NativeListener,
    ): Long

    /** [dispatchSync] with a caller handle's id in place of its JSON. */
    @JvmStatic external fun dispatchSyncWithCaller(caller: Long, apiName: String?, paramsJson: String?, flags: Int): String

    /** A caller handle's id; 0, with why in `problem[0]`, when the caller is refused. */
    @JvmStatic external fun callerNew(callerJson: String?, problem: Array<String?>): Long

    @JvmStatic external fun callerFree(id: Long)

    @JvmStatic external fun heldCallers(): Long

    @JvmStatic external fun shutdown(timeoutMillis: Long): Boolean

    @JvmStatic external fun heldListeners(): Long

    @JvmStatic external fun attachedThreads(): Long
}
