/*
 * TcmppBridge.m: see TcmppBridge.h, which also says how this file was tested (without ARC, on
 * GNUstep) and how not (with ARC, as iOS builds it).
 *
 * Written for ARC. Manual memory management, for runtimes without ARC (gcc's, which GNUstep
 * uses on Linux), is behind `#if !__has_feature(objc_arc)` (TCMPP_MRC). Two facts of that
 * runtime shape the code: a block is not an object there (no -copy/-release messages: Block.h's
 * Block_copy/Block_release), and Block_copy does not retain the objects a block captures.
 */
#import "TcmppBridge.h"

#include <Block.h>

#include "tcmpp.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if !__has_feature(objc_arc)
#define TCMPP_MRC 1
#define TCMPP_AUTORELEASE(object) [(object) autorelease]
#else
#define TCMPP_MRC 0
#define TCMPP_AUTORELEASE(object) (object)
#endif

NSString *const TcmppErrorDomain = @"TcmppErrorDomain";
NSString *const TcmppFailBodyKey = @"TcmppFailBody";

/* Replies and progress arrive on Rust worker threads, which Foundation has not seen before. */
static void TcmppEnterThread(void) {
#ifdef GNUSTEP
    /* GNUstep's Foundation needs every foreign thread registered before it sends a message. */
    GSRegisterCurrentThread();
#endif
}

/*
 * Whether JSON can hold `object`: strings, numbers, NSNull, arrays of them and dictionaries
 * with string keys. Checked here rather than by +isValidJSONObject:, which GNUstep's
 * Foundation answers YES for a dictionary holding an NSDate (and then writes invalid JSON).
 */
static BOOL TcmppIsJSON(id object) {
    if ([object isKindOfClass:[NSString class]] || [object isKindOfClass:[NSNumber class]] ||
        [object isKindOfClass:[NSNull class]]) {
        return YES;
    }
    if ([object isKindOfClass:[NSArray class]]) {
        for (id item in object) {
            if (!TcmppIsJSON(item)) {
                return NO;
            }
        }
        return YES;
    }
    if ([object isKindOfClass:[NSDictionary class]]) {
        for (id key in object) {
            if (![key isKindOfClass:[NSString class]] ||
                !TcmppIsJSON([object objectForKey:key])) {
                return NO;
            }
        }
        return YES;
    }
    return NO;
}

/* The JSON text of a dictionary or array; nil when JSON cannot hold it. */
static NSString *TcmppJSONText(id object) {
    if (!([object isKindOfClass:[NSDictionary class]] || [object isKindOfClass:[NSArray class]]) ||
        !TcmppIsJSON(object)) {
        return nil;
    }
    NSData *data = [NSJSONSerialization dataWithJSONObject:object options:0 error:NULL];
    if (data == nil) {
        return nil;
    }
    NSString *text = [[NSString alloc] initWithData:data encoding:NSUTF8StringEncoding];
    return TCMPP_AUTORELEASE(text);
}

/* Any JSON value, parsed (a bare string or number too); nil when the text is not JSON. */
static id TcmppParseJSON(NSString *text) {
    NSData *data = [text dataUsingEncoding:NSUTF8StringEncoding];
    if (data == nil) {
        return nil;
    }
    return [NSJSONSerialization JSONObjectWithData:data
                                           options:NSJSONReadingAllowFragments
                                             error:NULL];
}

static NSString *TcmppStringFromC(const char *text) {
    return text == NULL ? nil : [NSString stringWithUTF8String:text];
}

#pragma mark - TcmppCaller

@implementation TcmppCaller

@synthesize appInfo = _appInfo;
@synthesize webViewId = _webViewId;
@synthesize stateEvent = _stateEvent;

- (instancetype)initWithAppInfo:(NSDictionary *)appInfo
                      webViewId:(NSNumber *)webViewId
                     stateEvent:(NSString *)stateEvent {
    self = [super init];
    if (self) {
        _appInfo = [appInfo copy];
        _webViewId = [webViewId copy];
        _stateEvent = [stateEvent copy];
    }
    return self;
}

+ (instancetype)callerWithAppInfo:(NSDictionary *)appInfo
                        webViewId:(NSNumber *)webViewId
                       stateEvent:(NSString *)stateEvent {
    TcmppCaller *caller = [[self alloc] initWithAppInfo:appInfo
                                              webViewId:webViewId
                                             stateEvent:stateEvent];
    return TCMPP_AUTORELEASE(caller);
}

#if TCMPP_MRC
- (void)dealloc {
    [_appInfo release];
    [_webViewId release];
    [_stateEvent release];
    [super dealloc];
}
#endif

- (NSString *)JSONString {
    NSMutableDictionary *caller = [NSMutableDictionary dictionary];
    if (_appInfo != nil) {
        [caller setObject:_appInfo forKey:@"appInfo"];
    }
    if (_webViewId != nil) {
        [caller setObject:_webViewId forKey:@"webviewId"];
    }
    if (_stateEvent != nil) {
        [caller setObject:_stateEvent forKey:@"stateEvent"];
    }
    return TcmppJSONText(caller);
}

@end

#pragma mark - TcmppReply

@implementation TcmppReply

@synthesize kind = _kind;
@synthesize object = _object;
@synthesize errCode = _errCode;
@synthesize message = _message;
@synthesize JSONString = _JSONString;

/* A reply from its status and its bare rendering, which this class reads. */
- (instancetype)initWithStatus:(int32_t)status text:(NSString *)text {
    self = [super init];
    if (self) {
        _JSONString = [(text ?: @"{}") copy];
        id parsed = TcmppParseJSON(_JSONString);
        NSDictionary *object = [parsed isKindOfClass:[NSDictionary class]] ? parsed : nil;
        NSDictionary *empty = [NSDictionary dictionary];
        switch (status) {
        case TCMPP_STATUS_SUCCESS:
            _kind = TcmppReplyKindSuccess;
            _object = [(object ?: empty) copy];
            break;
        case TCMPP_STATUS_CANCEL:
            _kind = TcmppReplyKindCancel;
            _object = [empty copy];
            _message = [@"cancel" copy];
            break;
        default: {
            /* {"body":{...},"code":N,"message":"reason"}, body and code when there is one. */
            _kind = TcmppReplyKindFail;
            id body = [object objectForKey:@"body"];
            id code = [object objectForKey:@"code"];
            id message = [object objectForKey:@"message"];
            _object = [([body isKindOfClass:[NSDictionary class]] ? body : empty) copy];
            _errCode = [code isKindOfClass:[NSNumber class]] ? [code copy] : nil;
            _message = [([message isKindOfClass:[NSString class]] ? message
                                                                  : @"invalid reply") copy];
            break;
        }
        }
    }
    return self;
}

+ (instancetype)replyWithStatus:(int32_t)status text:(NSString *)text {
    TcmppReply *reply = [[self alloc] initWithStatus:status text:text];
    return TCMPP_AUTORELEASE(reply);
}

/* A fail reply this bridge makes itself, written as the C ABI writes one: {"message":"..."}. */
+ (instancetype)failureWithMessage:(NSString *)message {
    /* The writers differ in spacing (GNUstep's puts a space after ':'): only the string's
       escaping is theirs, taken from a one-element array. */
    NSString *array = TcmppJSONText([NSArray arrayWithObject:message]);
    NSString *quoted = [array substringWithRange:NSMakeRange(1, [array length] - 2)];
    NSString *text = [NSString stringWithFormat:@"{\"message\":%@}", quoted];
    return [self replyWithStatus:TCMPP_STATUS_FAIL text:text];
}

#if TCMPP_MRC
- (void)dealloc {
    [_object release];
    [_errCode release];
    [_message release];
    [_JSONString release];
    [super dealloc];
}
#endif

- (NSError *)error {
    switch (_kind) {
    case TcmppReplyKindSuccess:
        return nil;
    case TcmppReplyKindCancel:
        return [NSError errorWithDomain:TcmppErrorDomain
                                   code:NSUserCancelledError
                               userInfo:[NSDictionary dictionaryWithObject:@"cancel"
                                                                    forKey:NSLocalizedDescriptionKey]];
    case TcmppReplyKindFail:
    default: {
        NSMutableDictionary *userInfo = [NSMutableDictionary dictionary];
        [userInfo setObject:_message forKey:NSLocalizedDescriptionKey];
        if ([_object count] > 0) {
            [userInfo setObject:_object forKey:TcmppFailBodyKey];
        }
        NSInteger code = _errCode != nil ? [_errCode integerValue] : -1;
        return [NSError errorWithDomain:TcmppErrorDomain code:code userInfo:userInfo];
    }
    }
}

- (NSString *)description {
    return [NSString stringWithFormat:@"<TcmppReply kind=%ld %@>", (long)_kind, _JSONString];
}

@end

#pragma mark - TcmppCall

@implementation TcmppCall

- (instancetype)initWithProgress:(TcmppProgressBlock)progress
                      completion:(TcmppCompletionBlock)completion {
    self = [super init];
    if (self) {
#if TCMPP_MRC
        if (progress != nil) {
            _progress = Block_copy(progress);
        }
        _completion = Block_copy(completion);
#else
        _progress = progress;
        _completion = completion;
#endif
        pthread_mutexattr_t attributes;
        pthread_mutexattr_init(&attributes);
        pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(&_lock, &attributes);
        pthread_mutexattr_destroy(&attributes);
    }
    return self;
}

- (void)dealloc {
    /* The blocks live as long as the call: a progress event may be running while another
       thread cancels, so they are never released before the last reference goes. */
#if TCMPP_MRC
    if (_progress != nil) {
        Block_release(_progress);
    }
    Block_release(_completion);
#endif
    pthread_mutex_destroy(&_lock);
#if TCMPP_MRC
    [super dealloc];
#endif
}

- (BOOL)isFinished {
    return __atomic_load_n(&_finished, __ATOMIC_ACQUIRE) != 0;
}

/* Runs the completion with `reply`, unless it has run: whether this call ran it. */
- (BOOL)finishWithReply:(TcmppReply *)reply {
    pthread_mutex_lock(&_lock);
    int was = __atomic_exchange_n(&_finished, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&_lock);
    if (was != 0) {
        return NO;
    }
    @try {
        _completion(reply);
    } @catch (NSException *exception) {
        /* An exception must not unwind into Rust's frames. Its reason may quote the call's
           data, so only its name is logged. */
        NSLog(@"TcmppBridge: a completion block threw %@; it was stopped here", [exception name]);
    }
    return YES;
}

- (void)deliverProgress:(id)payload JSON:(NSString *)JSON stateEvent:(NSString *)stateEvent {
    if (_progress == nil) {
        return;
    }
    pthread_mutex_lock(&_lock);
    if (__atomic_load_n(&_finished, __ATOMIC_ACQUIRE) == 0) {
        @try {
            _progress(payload, JSON, stateEvent);
        } @catch (NSException *exception) {
            NSLog(@"TcmppBridge: a progress block threw %@; it was stopped here", [exception name]);
        }
    }
    pthread_mutex_unlock(&_lock);
}

- (BOOL)cancel {
    return [self finishWithReply:[TcmppReply replyWithStatus:TCMPP_STATUS_CANCEL text:@"{}"]];
}

@end

#pragma mark - The C callbacks

/* `context` is the TcmppCall, retained for the C side until its one reply. */
static void TcmppOnReply(void *context, int32_t status, const char *reply_json) {
    TcmppEnterThread();
    @autoreleasepool {
#if TCMPP_MRC
        TcmppCall *call = (TcmppCall *)context;
#else
        TcmppCall *call = (__bridge_transfer TcmppCall *)context;
#endif
        [call finishWithReply:[TcmppReply replyWithStatus:status
                                                     text:TcmppStringFromC(reply_json)]];
#if TCMPP_MRC
        [call release];
#endif
    }
}

static void TcmppOnProgress(void *context, const char *state_event, const char *payload_json) {
    TcmppEnterThread();
    @autoreleasepool {
#if TCMPP_MRC
        TcmppCall *call = (TcmppCall *)context;
#else
        TcmppCall *call = (__bridge TcmppCall *)context;
#endif
        NSString *JSON = TcmppStringFromC(payload_json) ?: @"null";
        id payload = TcmppParseJSON(JSON);
        [call deliverProgress:(payload ?: [NSNull null])
                         JSON:JSON
                   stateEvent:TcmppStringFromC(state_event)];
    }
}

#pragma mark - TcmppBridge

/* The call text of `params`, or nil with the reason in *problem. */
static NSString *TcmppParamsText(id params, NSString **problem) {
    if ([params isKindOfClass:[NSString class]]) {
        return params;
    }
    if ([params isKindOfClass:[NSDictionary class]]) {
        NSString *text = TcmppJSONText(params);
        if (text == nil) {
            *problem = @"invalid params: the dictionary holds a value JSON cannot (a date, data, "
                       @"a non-string key): pass what the SDK handed over";
        }
        return text;
    }
    *problem = [NSString
        stringWithFormat:@"invalid params: expected an NSDictionary or its JSON text, got %@",
                         params == nil ? @"nil" : NSStringFromClass([params class])];
    return nil;
}

/* caller_json of `caller` (NULL for none), or nil with the reason in *problem. */
static BOOL TcmppCallerText(TcmppCaller *caller, NSString **text, NSString **problem) {
    *text = nil;
    if (caller == nil) {
        return YES;
    }
    *text = [caller JSONString];
    if (*text == nil) {
        *problem = @"invalid caller: a value of the stated caller cannot be written as JSON";
        return NO;
    }
    return YES;
}

@implementation TcmppBridge

+ (BOOL)startWithError:(NSError **)error {
    uint32_t version = tcmpp_abi_version();
    if (version != TCMPP_ABI_VERSION) {
        if (error != NULL) {
            NSString *description = [NSString
                stringWithFormat:@"the linked Rust library speaks C ABI version %u, but this "
                                 @"bridge was compiled against tcmpp.h version %u: rebuild the "
                                 @"app with the tcmpp.h and TcmppBridge of the tcmpp-ffi "
                                 @"version the library was built with",
                                 (unsigned)version, (unsigned)TCMPP_ABI_VERSION];
            *error = [NSError errorWithDomain:TcmppErrorDomain
                                         code:TcmppStartErrorAbiMismatch
                                     userInfo:[NSDictionary dictionaryWithObject:description
                                                                          forKey:NSLocalizedDescriptionKey]];
        }
        return NO;
    }
    char *problems = tcmpp_init();
    if (problems == NULL) {
        return YES;
    }
    NSString *text = TcmppStringFromC(problems) ?: @"(not UTF-8)";
    tcmpp_string_free(problems);
    if (error != NULL) {
        NSString *description =
            [NSString stringWithFormat:@"the Rust registry cannot be built: %@", text];
        *error = [NSError errorWithDomain:TcmppErrorDomain
                                     code:TcmppStartErrorBuildFailed
                                 userInfo:[NSDictionary dictionaryWithObject:description
                                                                      forKey:NSLocalizedDescriptionKey]];
    }
    return NO;
}

+ (NSArray *)apis {
    char *json = tcmpp_apis_json();
    if (json == NULL) {
        return nil;
    }
    id apis = TcmppParseJSON(TcmppStringFromC(json));
    tcmpp_string_free(json);
    return [apis isKindOfClass:[NSArray class]] ? apis : nil;
}

+ (NSArray *)apiNames {
    NSArray *apis = [self apis];
    if (apis == nil) {
        return nil;
    }
    /* Sorted by name already; a multiplexed API is listed once per method. */
    NSMutableArray *names = [NSMutableArray array];
    for (NSDictionary *api in apis) {
        NSString *name = [api objectForKey:@"name"];
        if ([names count] == 0 || ![[names lastObject] isEqualToString:name]) {
            [names addObject:name];
        }
    }
    return names;
}

+ (NSString *)customConfigJSON {
    char *json = tcmpp_custom_config_json();
    NSString *text = TcmppStringFromC(json);
    tcmpp_string_free(json);
    return text;
}

+ (TcmppCall *)dispatchParams:(id)params
                      apiName:(NSString *)apiName
                       caller:(TcmppCaller *)caller
                     progress:(TcmppProgressBlock)progress
                   completion:(TcmppCompletionBlock)completion {
    TcmppCall *call =
        TCMPP_AUTORELEASE([[TcmppCall alloc] initWithProgress:progress completion:completion]);
    NSString *problem = nil;
    NSString *text = TcmppParamsText(params, &problem);
    NSString *callerText = nil;
    if (text == nil || !TcmppCallerText(caller, &callerText, &problem)) {
        [call finishWithReply:[TcmppReply failureWithMessage:problem]];
        return call;
    }
    /* Retained for the C side until TcmppOnReply, which may run before this returns. */
#if TCMPP_MRC
    void *context = [call retain];
#else
    void *context = (__bridge_retained void *)call;
#endif
    int32_t accepted = tcmpp_dispatch([apiName UTF8String], [text UTF8String],
                                      [callerText UTF8String], TCMPP_RENDER_BARE, TcmppOnReply,
                                      progress != nil ? TcmppOnProgress : NULL, context);
    if (accepted != TCMPP_DISPATCH_ACCEPTED) {
        /* Only a NULL on_reply is refused, which this never passes; answered all the same. */
#if TCMPP_MRC
        [call release];
#else
        (void)(__bridge_transfer TcmppCall *)context;
#endif
        [call finishWithReply:[TcmppReply failureWithMessage:@"tcmpp_dispatch refused the call"]];
    }
    return call;
}

+ (TcmppReply *)dispatchSyncParams:(id)params
                           apiName:(NSString *)apiName
                            caller:(TcmppCaller *)caller {
    NSString *problem = nil;
    NSString *text = TcmppParamsText(params, &problem);
    NSString *callerText = nil;
    if (text == nil || !TcmppCallerText(caller, &callerText, &problem)) {
        return [TcmppReply failureWithMessage:problem];
    }
    int32_t status = TCMPP_STATUS_FAIL;
    char *reply = tcmpp_dispatch_sync([apiName UTF8String], [text UTF8String],
                                      [callerText UTF8String], TCMPP_RENDER_BARE, &status);
    NSString *replyText = TcmppStringFromC(reply);
    tcmpp_string_free(reply);
    return [TcmppReply replyWithStatus:status text:replyText];
}

@end
