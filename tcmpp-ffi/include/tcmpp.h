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
 * `async fn` handlers run on a runtime of worker threads started on first use; their reply
 * and progress callbacks arrive on those threads.
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

/* The reply's status: which of the mini program's callbacks it routes to. */
#define TCMPP_STATUS_SUCCESS 0 /* success */
#define TCMPP_STATUS_FAIL 1    /* fail */
#define TCMPP_STATUS_CANCEL 2  /* cancel */

/*
 * Flags of tcmpp_dispatch and tcmpp_dispatch_sync: how the reply JSON is rendered.
 *
 * TCMPP_RENDER_CALLBACK (the default): WeChat's callback object, for hosts that hand the JSON
 *   straight to the page: {...result,"errMsg":"<api>:ok"} on success,
 *   {"errMsg":"<api>:fail <reason>","errCode":N} on failure, {"errMsg":"<api>:cancel"}.
 * TCMPP_RENDER_BARE: for SDKs that add errMsg themselves (Android req.ok/req.fail):
 *   the result object on success, {"message":"<reason>","code":N} on failure ("code" only
 *   when there is one), {} on cancel.
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

/* tcmpp_dispatch's return values. */
#define TCMPP_DISPATCH_ACCEPTED 0           /* on_reply will be called exactly once */
#define TCMPP_DISPATCH_NO_REPLY_CALLBACK (-1) /* on_reply was NULL: nothing was done */

/*
 * Receives a call's reply, exactly once per accepted tcmpp_dispatch. `status` is a
 * TCMPP_STATUS_*; `reply_json` is valid only during the callback (unless
 * TCMPP_HOST_FREES_STRINGS). It runs either on the
 * thread that called tcmpp_dispatch, before tcmpp_dispatch returns (plain-fn handlers, refused
 * calls), or later on a runtime worker thread (async handlers).
 */
typedef void (*tcmpp_reply_fn)(void *context, int32_t status, const char *reply_json);

/*
 * Receives a progress event (an intermediate result: Android req.sendState, iOS doSubscribe).
 * `state_event` is the call's "stateEvent", or NULL when the call carried none; `payload_json`
 * is a JSON object. Both are valid only during the callback (unless
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
 * Register each name with the SDK. NULL when the registry cannot be built (see tcmpp_init).
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
 * checked against the call's own), or, with TCMPP_LEGACY_FORMAT in `flags` and `api_name`
 * given, the legacy format in which the whole object is the data. A NULL or non-UTF-8
 * `call_json`, JSON that is not a call, or an unknown API each get a fail reply.
 *
 * `on_reply` is called exactly once, with `context`; `on_progress` (may be NULL: handlers'
 * progress events are then not delivered) for each progress event before it. `context` is
 * passed back untouched and must stay valid, and usable from any thread, until on_reply has
 * run. Returns TCMPP_DISPATCH_ACCEPTED, or TCMPP_DISPATCH_NO_REPLY_CALLBACK when on_reply is
 * NULL.
 */
int32_t tcmpp_dispatch(const char *api_name, const char *call_json, uint32_t flags,
                       tcmpp_reply_fn on_reply, tcmpp_progress_fn on_progress, void *context);

/*
 * Answers a synchronous call (`sync: true`) at once, on the calling thread: plain-fn handlers
 * reply; an async handler gets a fail reply saying it cannot answer synchronously. Arguments as
 * for tcmpp_dispatch. Stores the TCMPP_STATUS_* in *status_out unless it is NULL. Returns the
 * reply JSON, never NULL; free it with tcmpp_string_free.
 */
char *tcmpp_dispatch_sync(const char *api_name, const char *call_json, uint32_t flags,
                          int32_t *status_out);

/* Frees a string returned by a tcmpp_ function. NULL is allowed. */
void tcmpp_string_free(char *string);

#ifdef __cplusplus
}
#endif

#endif /* TCMPP_H */
