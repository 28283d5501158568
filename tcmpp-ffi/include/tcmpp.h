/*
 * tcmpp.h: the C ABI that `tcmpp_ffi::export_c_abi!()` exports from a Rust handler crate.
 *
 * A super app's SDK glue (JNI on Android, Swift on iOS, dart:ffi in Flutter) forwards each
 * custom API call of a mini program (`wx.invokeNativePlugin({ api_name, data, ... })`) here,
 * and hands the reply back to the SDK. See docs/hosts.md for the wiring.
 *
 * Strings are UTF-8 and NUL-terminated. Every `char *` a function returns belongs to the
 * caller, who frees it with tcmpp_string_free; strings passed to callbacks are borrowed for
 * the duration of the callback only.
 *
 * Threads: every function may be called from any thread, concurrently. The registry of
 * handlers is built on the first call of any function (call tcmpp_init to do it early).
 * A reply may arrive before tcmpp_dispatch returns: plain-fn handlers and refused calls reply
 * on the calling thread, inside tcmpp_dispatch. `async fn` handlers run on a runtime of worker
 * threads started on first use; their reply and progress callbacks arrive on those threads,
 * possibly before tcmpp_dispatch has returned too. So have everything on_reply needs ready
 * before calling tcmpp_dispatch, and do not hold, around tcmpp_dispatch, a lock that on_reply
 * or on_progress takes.
 *
 * Who calls: the mini program is untrusted, and on Android the call text (req.jsonParams) is
 * its own object, so an appInfo, webviewId or stateEvent written in it proves nothing. The
 * host states the caller beside the call, in `caller_json`, from what its SDK knows (Android
 * mMiniAppContext.getMiniAppInfo(), iOS context.tmfAppInfo, Flutter call.appInfo): see
 * tcmpp_dispatch. Or, once
 * per mini program or web view, as a handle that each call names (tcmpp_caller_new,
 * tcmpp_caller_dispatch), so that no call parses it again.
 *
 * Linking a static library (iOS, or any host linking libNAME.a): handlers register themselves
 * at load time from objects that nothing references, so link the archive whole
 * (GNU ld / lld: -Wl,--whole-archive libNAME.a -Wl,--no-whole-archive; Apple ld:
 * -Wl,-force_load,libNAME.a) and add the system libraries Rust's standard library needs
 * (Linux: -lpthread -ldl -lm).
 */
#ifndef TCMPP_H
#define TCMPP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this ABI, which tcmpp_abi_version() returns from the library. Glue compiled
 * against this header checks at start-up that the library it loaded says the same, so that a
 * host built against an older header (whose tcmpp_dispatch took `flags` where `caller_json` now
 * is) and a newer library, or the reverse, fail loudly instead of misreading arguments.
 * History: 1, tcmpp_dispatch(api_name, call_json, flags, ...) without caller_json (never
 * stamped: such a library has no tcmpp_abi_version symbol); 2, caller_json before flags;
 * 3, caller handles (tcmpp_caller_new, tcmpp_caller_free, tcmpp_caller_dispatch,
 * tcmpp_caller_dispatch_sync), everything of 2 unchanged.
 * Raised by every change to a signature, a flag or a constant of this header.
 */
#define TCMPP_ABI_VERSION 3u

/* The reply's status: which of the mini program's callbacks it routes to. */
#define TCMPP_STATUS_SUCCESS 0 /* success */
#define TCMPP_STATUS_FAIL 1    /* fail */
#define TCMPP_STATUS_CANCEL 2  /* cancel */

/*
 * Flags of tcmpp_dispatch and tcmpp_dispatch_sync: how the reply JSON is rendered.
 *
 * TCMPP_RENDER_CALLBACK (the default): WeChat's callback object, for hosts that hand the JSON
 *   straight to the page: {...result,"errMsg":"<api>:ok"} on success,
 *   {...body,"errCode":N,"errMsg":"<api>:fail <reason>"} on failure (the handler's fail body
 *   keys, if any, beside errMsg and errCode), {"errMsg":"<api>:cancel"}.
 * TCMPP_RENDER_BARE: for SDKs that add errMsg themselves (Android req.ok/req.fail):
 *   the result object on success, {"body":{...},"code":N,"message":"<reason>"} on failure
 *   ("body" and "code" only when there is one: pass "body" to req.failSync), {} on cancel. Both renderings write the handler's numbers as the
 *   handler's value holds them, integers beyond 64 bits included.
 */
#define TCMPP_RENDER_CALLBACK 0u
#define TCMPP_RENDER_BARE 1u

/*
 * Flag of tcmpp_dispatch, combined with a TCMPP_RENDER_* by `|`: the strings passed to the
 * reply and progress callbacks are handed over to the host, which frees each (state_event
 * when not NULL, payload_json, reply_json) with tcmpp_string_free((char *)s), instead of being
 * valid during the callback only. For hosts that read them after the callback has returned,
 * such as Dart's NativeCallable.listener.
 */
#define TCMPP_HOST_FREES_STRINGS 2u

/*
 * Flag of tcmpp_dispatch and tcmpp_dispatch_sync: the call is in the legacy Android format
 * (SDK 2.2.16 and earlier), whose whole object is the data; `api_name` must be given. Without
 * it a call is read in the unified format. The format is stated, never guessed: every key of a
 * legacy call is the mini program's, so guessing would let it forge appInfo or webviewId.
 */
#define TCMPP_LEGACY_FORMAT 4u

/*
 * Flag of tcmpp_dispatch and tcmpp_dispatch_sync: the call text is the host SDK's own
 * rendering, which no mini program can shape, so its "appInfo", "webviewId" and "stateEvent"
 * are believed (what `caller_json` states still takes precedence). NEVER right for Android's
 * req.jsonParams, which is the mini program's own `opts` object: there, state the caller in
 * `caller_json`. A legacy-format call has no caller keys, so the flag changes nothing there.
 */
#define TCMPP_CALLER_FROM_CALL_TEXT 8u

/* tcmpp_dispatch's return values. */
#define TCMPP_DISPATCH_ACCEPTED 0           /* on_reply will be called exactly once */
#define TCMPP_DISPATCH_NO_REPLY_CALLBACK (-1) /* on_reply was NULL: nothing was done */

/*
 * Receives a call's reply, exactly once per accepted tcmpp_dispatch. `status` is a
 * TCMPP_STATUS_*; `reply_json` is valid only during the callback (unless
 * TCMPP_HOST_FREES_STRINGS). It runs either on the thread that called tcmpp_dispatch, before
 * tcmpp_dispatch returns (plain-fn handlers, refused calls), or on a runtime worker thread
 * (async handlers), which may also be before tcmpp_dispatch returns.
 */
typedef void (*tcmpp_reply_fn)(void *context, int32_t status, const char *reply_json);

/*
 * Receives a progress event (an intermediate result: Android req.sendState, iOS doSubscribe).
 * `state_event` is the "stateEvent" the host stated in `caller_json` (with
 * TCMPP_CALLER_FROM_CALL_TEXT, else the call text's), or NULL when there is none; a
 * "stateEvent" in untrusted call text never reaches it. `payload_json` is any JSON value (an object, a string such as iOS's doSubscribe sends, …). Both are valid only during the callback (unless
 * TCMPP_HOST_FREES_STRINGS). Events of one call arrive one at
 * a time, in order, on the thread running the handler, and all before its reply.
 */
typedef void (*tcmpp_progress_fn)(void *context, const char *state_event,
                                  const char *payload_json);

/*
 * Builds the registry if it is not built yet. Returns NULL when it is usable, or the build
 * error as text (duplicate API names, missing state, with file and line); free it with
 * tcmpp_string_free. While the registry cannot be built, every call gets a fail reply that
 * carries this text.
 */
char *tcmpp_init(void);

/*
 * The registered APIs, sorted by name, as a JSON array:
 * [{"name":"myApiName","sync":false,"rustPath":"my_crate::my_api","location":"src/lib.rs:12:10"}].
 * A multiplexed API is listed once per method, with "method" and "methodKey" after "name":
 * {"name":"luffaWebRequest","method":"connect","methodKey":"methodName","sync":true,…}.
 * Register each name with the SDK (once). NULL when the registry cannot be built (see
 * tcmpp_init).
 */
char *tcmpp_apis_json(void);

/*
 * The SDK's tcmpp-custom-config.json for the registered APIs:
 * {"extApi":[{"name":...,"sync":...,"params":{"data":""}}]}. NULL when the registry cannot be
 * built.
 */
char *tcmpp_custom_config_json(void);

/*
 * Dispatches one call. `call_json` is the parameters the SDK handed over: the unified format
 * {"stateEvent":...,"api_name":...,"data":{...},"webviewId":...} (with `api_name`, when given,
 * checked against the call's own, which must be there), or, with TCMPP_LEGACY_FORMAT in
 * `flags` and `api_name` given, the legacy format in which the whole object is the data. A
 * NULL or non-UTF-8 `call_json`, JSON that is not a call, or an unknown API each get a fail
 * reply.
 *
 * `caller_json` states who calls, from what the host's SDK knows (Android
 * mMiniAppContext.getMiniAppInfo(), iOS context.tmfAppInfo, Flutter call.appInfo), never from
 * the call text; NULL states nobody.
 * It is a JSON object whose keys are all optional:
 *
 *   {"appInfo":{"appId":"wx_wallet","appVerType":0,"version":"1.0.2","name":"Wallet"},
 *    "webviewId":4,"stateEvent":"onPayProgress"}
 *
 * "appInfo" takes the SDK's AppInfo fields, camelCase (appId, appVerType, version, time, name,
 * iconUrl, appIntro, appDeveloper, appCategory; other fields are kept; an appVerType that is
 * neither an integer nor a string of one is kept as sent, and fails only a call whose access
 * check needs it); "webviewId" is an
 * integer; "stateEvent" is the key progress events are routed by. Access control, the
 * handlers' AppInfo and WebViewId parameters, and on_progress's state_event read the caller
 * from here. In the call text, an "appInfo" key is refused (a fail reply) and "webviewId" and
 * "stateEvent" are ignored, unless `flags` include TCMPP_CALLER_FROM_CALL_TEXT. A
 * `caller_json` that is not UTF-8, not JSON, not an object, or has another key or a value of
 * the wrong type gets a fail reply ("invalid caller: ...") that says what is wrong.
 *
 * `on_reply` is called exactly once, with `context`; `on_progress` (may be NULL: handlers'
 * progress events are then not delivered) for each progress event before it. `context` is
 * passed back untouched and must stay valid, and usable from any thread, until on_reply has
 * run. The reply may arrive before tcmpp_dispatch returns. Returns TCMPP_DISPATCH_ACCEPTED, or
 * TCMPP_DISPATCH_NO_REPLY_CALLBACK when on_reply is NULL.
 */
int32_t tcmpp_dispatch(const char *api_name, const char *call_json, const char *caller_json,
                       uint32_t flags, tcmpp_reply_fn on_reply, tcmpp_progress_fn on_progress,
                       void *context);

/*
 * Answers a synchronous call (`sync: true`) at once, on the calling thread: plain-fn handlers
 * reply, and so does an async handler that is done when first polled; any other async handler
 * is dropped and the call gets a fail reply saying it cannot answer synchronously. It never
 * waits on the runtime. Arguments as for tcmpp_dispatch (TCMPP_HOST_FREES_STRINGS does not
 * apply). Stores the TCMPP_STATUS_* in *status_out unless it is NULL. Returns the reply JSON,
 * never NULL; free it with tcmpp_string_free.
 */
char *tcmpp_dispatch_sync(const char *api_name, const char *call_json, const char *caller_json,
                          uint32_t flags, int32_t *status_out);

/*
 * A caller stated once: who calls, read from `caller_json` when the handle is made rather than
 * with every call. Make one per mini program (or per web view, when the web view id is part of
 * the caller) from what the SDK knows, pass it to each of its calls, free it when the mini
 * program or web view goes away.
 *
 * The handle is an opaque number, never a pointer the library reads: a NULL handle, one freed
 * already, or one never made are each refused with a fail reply ("invalid caller: ..."), not
 * undefined behaviour. Ids are never reused, so a handle freed while another thread still
 * dispatches with it makes that call a fail reply, never another caller's call.
 *
 * Threads: a handle may be used by any number of threads at once, and freed from any thread.
 * A call dispatched before the handle is freed keeps its caller until its reply; a call
 * dispatched after gets a fail reply.
 */
typedef struct tcmpp_caller tcmpp_caller;

/*
 * Reads `caller_json` (as tcmpp_dispatch describes it; NULL states nobody) into a caller
 * handle, to free with tcmpp_caller_free. `flags` is 0 or TCMPP_CALLER_FROM_CALL_TEXT (the
 * caller's calls believe their text's caller keys; never for Android's req.jsonParams): any
 * other bit is refused. Returns NULL when the caller is refused, and then, unless `error_out`
 * is NULL, stores in *error_out why ("invalid caller: ...", the reason a call with that
 * caller_json would get), to free with tcmpp_string_free. *error_out is left untouched on
 * success.
 */
tcmpp_caller *tcmpp_caller_new(const char *caller_json, uint32_t flags, char **error_out);

/*
 * tcmpp_dispatch with a caller handle in place of `caller_json`: the same arguments, flags,
 * callbacks, threads and return values. A NULL, freed or unknown `caller` is a fail reply
 * through on_reply ("invalid caller: ..."), as is TCMPP_CALLER_FROM_CALL_TEXT in `flags` (it is
 * stated once, to tcmpp_caller_new).
 */
int32_t tcmpp_caller_dispatch(const tcmpp_caller *caller, const char *api_name,
                              const char *call_json, uint32_t flags, tcmpp_reply_fn on_reply,
                              tcmpp_progress_fn on_progress, void *context);

/*
 * tcmpp_dispatch_sync with a caller handle in place of `caller_json`; a NULL, freed or unknown
 * `caller` is a fail reply, as for tcmpp_caller_dispatch.
 */
char *tcmpp_caller_dispatch_sync(const tcmpp_caller *caller, const char *api_name,
                                 const char *call_json, uint32_t flags, int32_t *status_out);

/*
 * Frees a caller handle. NULL, or a handle freed already, does nothing. Calls dispatched with
 * it before are unaffected.
 */
void tcmpp_caller_free(tcmpp_caller *caller);

/*
 * The ABI version the library was built with: compare it with TCMPP_ABI_VERSION at start-up,
 * and refuse to go on when they differ (the header and the library do not match).
 */
uint32_t tcmpp_abi_version(void);

/* Frees a string returned by a tcmpp_ function. NULL is allowed. */
void tcmpp_string_free(char *string);

#ifdef __cplusplus
}
#endif

#endif /* TCMPP_H */
