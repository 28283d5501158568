/*
 * TcmppBridge.h: the Objective-C bridge of tcmpp-ffi, shipped with the crate, over the C ABI of
 * include/tcmpp.h. An iOS super app (Objective-C, or Swift through a bridging header) forwards
 * the custom API calls of its mini programs to Rust handlers through it; the SDK-side
 * registration that calls it is generated from the registry (tcmpp_ffi::ios::ExternalJsPlugin).
 *
 * Add TcmppBridge.h, TcmppBridge.m and tcmpp.h to the app target; link the handler crate's
 * staticlib whole (Other Linker Flags: -Wl,-force_load,path/libmy_handlers.a).
 *
 * How this file was tested, and how not:
 *   - Without ARC: compiled with -Werror and run on Linux by tests/hosts/ios.rs, with clang against
 *     GNUstep's Foundation on gcc's Objective-C runtime (Debian 12), which has no ARC: every
 *     outcome, progress, cancellation, 10,000 calls from 8 threads; and the same program, with
 *     400 calls, under valgrind (no invalid access, no definite leak). The manual memory
 *     management is behind `#if !__has_feature(objc_arc)`.
 *   - With ARC (how iOS builds it): NOT compiled, NOT run (no Apple toolchain on this project's
 *     machines; clang refuses -fobjc-arc, even -fsyntax-only, with GNUstep's gcc-runtime
 *     headers). The ARC branches are the `#else` of TCMPP_MRC in TcmppBridge.m: strong block
 *     ivars, __bridge_retained / __bridge_transfer for the context handed to C.
 *
 * Threads: every method may be called from any thread. The completion and progress blocks run
 * on the thread the reply arrives on: the calling thread, before the dispatch method returns,
 * for plain-fn handlers and refused calls; a Rust runtime worker thread for async handlers.
 * Hop to the main queue inside them if the SDK needs it (asynchronously: -cancel waits for a
 * progress block that is running, so a progress block must not wait for a thread that cancels).
 */
#import <Foundation/Foundation.h>

#include <pthread.h>

NS_ASSUME_NONNULL_BEGIN

/* The domain of the errors this bridge makes (start-up, and the NSError of a failed call). */
FOUNDATION_EXPORT NSString *const TcmppErrorDomain;
/* userInfo key of a failed call's NSError: the handler's fail body (an NSDictionary), if any. */
FOUNDATION_EXPORT NSString *const TcmppFailBodyKey;

/* TcmppErrorDomain codes of +startWithError:. */
typedef NS_ENUM(NSInteger, TcmppStartError) {
    /* The Rust registry cannot be built: the description lists every problem (duplicate API
       names, missing state, with file and line). */
    TcmppStartErrorBuildFailed = 1,
    /* The library's tcmpp_abi_version() is not the TCMPP_ABI_VERSION of the tcmpp.h this
       bridge was compiled against: rebuild one of them. */
    TcmppStartErrorAbiMismatch = 2,
};

/* Which of the mini program's callbacks a reply routes to. */
typedef NS_ENUM(NSInteger, TcmppReplyKind) {
    TcmppReplyKindSuccess = 0,
    TcmppReplyKindFail = 1,
    TcmppReplyKindCancel = 2,
};

/*
 * Who calls, as the SDK states it: built from the SDK's own record of the running mini
 * program (iOS: the context's tmfAppInfo; Flutter: MiniApiCall.appInfo and webViewId), never
 * from the call's params, which the mini program shapes. Becomes the C ABI's caller_json.
 */
@interface TcmppCaller : NSObject {
    /* Instance variables are declared here, not in the @implementation, because gcc's
       Objective-C runtime (this project's test machines) has fragile ivars. */
  @private
    NSDictionary *_appInfo;
    NSNumber *_webViewId;
    NSString *_stateEvent;
}
/*
 * appInfo: AppInfo's camelCase fields (appId, appVerType, version, time, name, iconUrl,
 * appIntro, appDeveloper, appCategory; others are kept), values JSON-serializable.
 * webViewId: the web view the call came from; stateEvent: the key handlers see as the call's
 * stateEvent. Each may be nil.
 */
- (instancetype)initWithAppInfo:(nullable NSDictionary<NSString *, id> *)appInfo
                      webViewId:(nullable NSNumber *)webViewId
                     stateEvent:(nullable NSString *)stateEvent;
+ (instancetype)callerWithAppInfo:(nullable NSDictionary<NSString *, id> *)appInfo
                        webViewId:(nullable NSNumber *)webViewId
                       stateEvent:(nullable NSString *)stateEvent;
@property (nonatomic, readonly, nullable) NSDictionary<NSString *, id> *appInfo;
@property (nonatomic, readonly, nullable) NSNumber *webViewId;
@property (nonatomic, readonly, nullable) NSString *stateEvent;
/* The caller_json text; nil when a value cannot be written as JSON. */
- (nullable NSString *)JSONString;
@end

/* One call's reply, read from the bare rendering (the iOS SDK adds errMsg itself). */
@interface TcmppReply : NSObject {
  @private
    TcmppReplyKind _kind;
    NSDictionary *_object;
    NSNumber *_errCode;
    NSString *_message;
    NSString *_JSONString;
}
@property (nonatomic, readonly) TcmppReplyKind kind;
/*
 * Success: the handler's result object. Fail: the handler's fail body (ApiError::with_body),
 * or an empty dictionary. Cancel: an empty dictionary.
 */
@property (nonatomic, readonly) NSDictionary<NSString *, id> *object;
/* Fail: the handler's numeric code (ApiError::with_code), or nil. Otherwise nil. */
@property (nonatomic, readonly, nullable) NSNumber *errCode;
/* Fail: the reason. Cancel: @"cancel". Success: nil. */
@property (nonatomic, readonly, nullable) NSString *message;
/* The reply as the C ABI wrote it (bare rendering): numbers beyond 64 bits exact. */
@property (nonatomic, readonly) NSString *JSONString;
/*
 * nil on success; else the NSError an SDK callback takes: code errCode (-1 without one) and
 * the message as its description, the fail body under TcmppFailBodyKey; a cancel is
 * NSUserCancelledError with the description @"cancel".
 */
- (nullable NSError *)error;
@end

/*
 * Progress events of a call (Android req.sendState, iOS doSubscribe): `payload` is the JSON
 * value the handler sent, parsed (an NSString for iOS's string states, an NSDictionary, an
 * NSNumber, NSNull, ...), `payloadJSON` its JSON text; `stateEvent` is the caller's stated
 * stateEvent, or nil. Events arrive in order, all before the completion, none after a cancel.
 */
typedef void (^TcmppProgressBlock)(id payload, NSString *payloadJSON,
                                   NSString *_Nullable stateEvent);
/* The one reply of a call. */
typedef void (^TcmppCompletionBlock)(TcmppReply *reply);

/* A call in flight: the handle that cancels it. */
@interface TcmppCall : NSObject {
  @private
    TcmppProgressBlock _progress;
    TcmppCompletionBlock _completion;
    /* 0 until the completion is taken, then 1: taken once, by the reply or by -cancel. */
    int _finished;
    /* Held while a progress event is delivered, and while `_finished` is set: no event starts
       after the completion is taken. Recursive: a progress block may cancel its own call. */
    pthread_mutex_t _lock;
}
/*
 * Answers the call with a cancel reply now, unless it has answered already: YES when this
 * cancelled it. Its progress block gets nothing more, and the Rust reply that comes later is
 * dropped. The C ABI cannot stop a handler, so an async handler runs on to its end on the
 * runtime (its side effects happen); only the answer is cancelled.
 */
- (BOOL)cancel;
/* Whether the completion block has run (or is running). */
@property (nonatomic, readonly, getter=isFinished) BOOL finished;
@end

@interface TcmppBridge : NSObject
/*
 * Checks that the linked library speaks the ABI of this tcmpp.h, and builds the registry. NO,
 * with *error set (TcmppErrorDomain, a TcmppStartError code), when either fails. Calls work
 * without it (they are fail replies while the registry cannot be built); call it at start-up
 * to see the problems.
 */
+ (BOOL)startWithError:(NSError *_Nullable *_Nullable)error;
/*
 * The registered APIs, sorted by name: dictionaries with "name", "sync", "rustPath",
 * "location" (and "method", "methodKey" for each method of a multiplexed API). nil while the
 * registry cannot be built.
 */
+ (nullable NSArray<NSDictionary<NSString *, id> *> *)apis;
/* The distinct API names, sorted, each once: what to register with the SDK. */
+ (nullable NSArray<NSString *> *)apiNames;
/* The SDK's tcmpp-custom-config.json for the registered APIs. nil while it cannot be built. */
+ (nullable NSString *)customConfigJSON;

/*
 * Dispatches one call. `params`: what the SDK handed the handler, an NSDictionary in the
 * unified format ({stateEvent, api_name, data, webviewId}) or its JSON text as an NSString;
 * anything else (or a dictionary JSON cannot hold) is a fail reply. `apiName`: the name the
 * SDK routed by (checked against the params' own), or nil. Any "appInfo" in `params` is
 * refused (a fail reply): who calls is `caller`. `completion` runs exactly once.
 */
+ (TcmppCall *)dispatchParams:(id)params
                      apiName:(nullable NSString *)apiName
                       caller:(nullable TcmppCaller *)caller
                     progress:(nullable TcmppProgressBlock)progress
                   completion:(TcmppCompletionBlock)completion;

/*
 * Answers a `sync: true` call at once, on this thread: plain-fn handlers reply; an async
 * handler that is not done when first polled is a fail reply. Arguments as above.
 */
+ (TcmppReply *)dispatchSyncParams:(id)params
                           apiName:(nullable NSString *)apiName
                            caller:(nullable TcmppCaller *)caller;
@end

NS_ASSUME_NONNULL_END
