/*
 * The Objective-C bridge (tcmpp-ffi/ios/TcmppBridge.m) and the registration generated from the
 * registry (ExternalJsPlugin, written to RustApis.m by tests/hosts/ios.rs), driven against the
 * handlers of tests/c-host, and the generated registration called the way the SDK stand-in
 * (tests/ios/standins) calls a custom API. Built without ARC, with clang, against GNUstep.
 *
 * Prints "ok <check>" for each check that passes and "FAIL <line>: <what>" for each that does
 * not; exits non-zero when any failed. argv[1]: how many calls the concurrency check makes.
 */
#import <Foundation/Foundation.h>
#import <TCMPPSDK/TCMPPSDK.h>

#import "TcmppBridge.h"
#include "tcmpp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            printf("FAIL %d: ", __LINE__);                                                 \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static const char *C(id object) {
    return object == nil ? "(nil)" : [[object description] UTF8String];
}

static void Ok(NSString *what) {
    printf("ok %s\n", [what UTF8String]);
    fflush(stdout);
}

static void EnterThread(void) {
#ifdef GNUSTEP
    GSRegisterCurrentThread();
#endif
}

#pragma mark - Recording one call through the bridge

@interface Recorder : NSObject {
  @public
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int completions;
    int eventsAfterReply;
    TcmppReply *reply;
    NSMutableArray *events;
}
@end

@implementation Recorder
- (instancetype)init {
    self = [super init];
    pthread_mutex_init(&mutex, NULL);
    pthread_cond_init(&cond, NULL);
    events = [[NSMutableArray alloc] init];
    return self;
}
- (void)dealloc {
    [reply release];
    [events release];
    pthread_cond_destroy(&cond);
    pthread_mutex_destroy(&mutex);
    [super dealloc];
}
/* Waits up to 20 s for the completion. */
- (TcmppReply *)wait {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    pthread_mutex_lock(&mutex);
    while (completions == 0) {
        if (pthread_cond_timedwait(&cond, &mutex, &deadline) != 0) {
            break;
        }
    }
    TcmppReply *got = [[reply retain] autorelease];
    pthread_mutex_unlock(&mutex);
    return got;
}
- (int)completions {
    pthread_mutex_lock(&mutex);
    int n = completions;
    pthread_mutex_unlock(&mutex);
    return n;
}
- (NSArray *)events {
    pthread_mutex_lock(&mutex);
    NSArray *copy = [[events copy] autorelease];
    pthread_mutex_unlock(&mutex);
    return copy;
}
@end

/* Dispatches through the bridge, recording into `recorder` (which outlives the call). */
static TcmppCall *Dispatch(id params, NSString *api, TcmppCaller *caller, Recorder *recorder,
                           BOOL withProgress) {
    TcmppProgressBlock progress = ^(id payload, NSString *payloadJSON, NSString *stateEvent) {
        pthread_mutex_lock(&recorder->mutex);
        if (recorder->completions > 0) {
            recorder->eventsAfterReply++;
        }
        [recorder->events
            addObject:[NSString stringWithFormat:@"%@ %@ %@", stateEvent ?: @"nil", payloadJSON,
                                                 NSStringFromClass([payload class])]];
        pthread_mutex_unlock(&recorder->mutex);
    };
    if (!withProgress) {
        progress = nil;
    }
    return [TcmppBridge dispatchParams:params
                               apiName:api
                                caller:caller
                              progress:progress
                            completion:^(TcmppReply *got) {
                                pthread_mutex_lock(&recorder->mutex);
                                recorder->completions++;
                                [recorder->reply release];
                                recorder->reply = [got retain];
                                pthread_cond_broadcast(&recorder->cond);
                                pthread_mutex_unlock(&recorder->mutex);
                            }];
}

/* The reply of one call dispatched and waited for. */
static TcmppReply *Call(id params, NSString *api, TcmppCaller *caller) {
    Recorder *recorder = [[[Recorder alloc] init] autorelease];
    Dispatch(params, api, caller, recorder, NO);
    TcmppReply *reply = [recorder wait];
    CHECK([recorder completions] == 1, "%s: %d completions", C(api), [recorder completions]);
    return reply;
}

static NSDictionary *Unified(NSString *api, id data) {
    return [NSDictionary dictionaryWithObjectsAndKeys:@"requestCustomApi", @"stateEvent", api,
                                                      @"api_name", data, @"data",
                                                      [NSNumber numberWithInt:4], @"webviewId",
                                                      nil];
}

static NSDictionary *Data(NSString *key, id value) {
    return [NSDictionary dictionaryWithObject:value forKey:key];
}

static void ExpectReply(NSString *what, TcmppReply *reply, TcmppReplyKind kind, NSString *json) {
    CHECK(reply != nil, "%s: no reply", C(what));
    CHECK([reply kind] == kind, "%s: kind %ld, not %ld: %s", C(what), (long)[reply kind],
          (long)kind, C([reply JSONString]));
    CHECK([[reply JSONString] isEqualToString:json], "%s: %s, not %s", C(what),
          C([reply JSONString]), C(json));
    if (reply != nil && [reply kind] == kind && [[reply JSONString] isEqualToString:json]) {
        Ok([NSString stringWithFormat:@"%@: %@", what, json]);
    }
}

#pragma mark - The bridge

static void CheckStartAndLists(void) {
    NSError *error = nil;
    BOOL started = [TcmppBridge startWithError:&error];
    CHECK(started && error == nil, "start: %s", C(error));
    if (started) {
        Ok([NSString stringWithFormat:@"start: ABI version %u checked, registry built",
                                      (unsigned)TCMPP_ABI_VERSION]);
    }
    NSArray *names = [TcmppBridge apiNames];
    CHECK([names containsObject:@"cEcho"] && [names containsObject:@"transfer"], "names: %s",
          C(names));
    NSUInteger luffa = 0;
    for (NSString *name in names) {
        luffa += [name isEqualToString:@"luffaWebRequest"];
    }
    CHECK(luffa == 1, "luffaWebRequest listed %lu times", (unsigned long)luffa);
    NSArray *apis = [TcmppBridge apis];
    CHECK([apis count] > [names count], "apis: %lu, names: %lu", (unsigned long)[apis count],
          (unsigned long)[names count]);
    NSDictionary *first = [apis objectAtIndex:0];
    CHECK([[first objectForKey:@"name"] isEqualToString:@"cCancel"] &&
              [[first objectForKey:@"sync"] boolValue] == NO,
          "first api: %s", C(first));
    NSString *config = [TcmppBridge customConfigJSON];
    NSDictionary *parsed = [NSJSONSerialization
        JSONObjectWithData:[config dataUsingEncoding:NSUTF8StringEncoding]
                   options:0
                     error:NULL];
    NSArray *extApi = [parsed objectForKey:@"extApi"];
    BOOL pingSync = NO;
    for (NSDictionary *api in extApi) {
        pingSync |= [[api objectForKey:@"name"] isEqualToString:@"cPing"] &&
                    [[api objectForKey:@"sync"] boolValue];
    }
    CHECK(pingSync && [extApi count] == [names count], "config: %s", C(config));
    if (luffa == 1 && pingSync) {
        Ok([NSString stringWithFormat:@"api names (%lu, luffaWebRequest once) and custom config",
                                      (unsigned long)[names count]]);
    }
}

static void CheckOutcomes(void) {
    TcmppReply *reply = Call(Unified(@"cEcho", Data(@"n", [NSNumber numberWithInt:7])), nil, nil);
    ExpectReply(@"success", reply, TcmppReplyKindSuccess, @"{\"n\":7}");
    CHECK([[[reply object] objectForKey:@"n"] intValue] == 7 && [reply error] == nil &&
              [reply errCode] == nil && [reply message] == nil,
          "success object: %s", C([reply object]));

    reply = Call(Unified(@"cFail", [NSDictionary dictionary]), @"cFail", nil);
    ExpectReply(@"fail", reply, TcmppReplyKindFail, @"{\"code\":1001,\"message\":\"out of stock\"}");
    NSError *error = [reply error];
    CHECK([[reply errCode] intValue] == 1001 && [[reply message] isEqualToString:@"out of stock"] &&
              [[reply object] count] == 0 && [error code] == 1001 &&
              [[error localizedDescription] isEqualToString:@"out of stock"] &&
              [[error domain] isEqualToString:TcmppErrorDomain],
          "fail fields: %s %s", C([reply errCode]), C(error));

    reply = Call(Unified(@"cCancel", [NSDictionary dictionary]), nil, nil);
    ExpectReply(@"cancel", reply, TcmppReplyKindCancel, @"{}");
    CHECK([[reply error] code] == NSUserCancelledError &&
              [[[reply error] localizedDescription] isEqualToString:@"cancel"],
          "cancel error: %s", C([reply error]));

    reply = Call(Unified(@"cFailSync", [NSDictionary dictionary]), nil, nil);
    ExpectReply(@"fail body", reply, TcmppReplyKindFail,
                @"{\"body\":{\"key\":\"value\"},\"code\":-1,\"message\":\"not supported\"}");
    CHECK([[[reply object] objectForKey:@"key"] isEqualToString:@"value"] &&
              [[reply errCode] intValue] == -1 &&
              [[[[reply error] userInfo] objectForKey:TcmppFailBodyKey] isEqual:[reply object]],
          "fail body fields: %s", C([reply error]));

    reply = Call(Unified(@"cPanic", [NSDictionary dictionary]), nil, nil);
    CHECK([reply kind] == TcmppReplyKindFail &&
              [[reply message] rangeOfString:@"panicked"].location != NSNotFound,
          "panic: %s", C([reply JSONString]));
    if ([reply kind] == TcmppReplyKindFail) {
        Ok([NSString stringWithFormat:@"handler panic: %@", [reply JSONString]]);
    }

    reply = Call(Unified(@"cNoSuchApi", [NSDictionary dictionary]), nil, nil);
    CHECK([reply kind] == TcmppReplyKindFail, "unknown: %s", C([reply JSONString]));
    Ok([NSString stringWithFormat:@"unknown API: %@", [reply JSONString]]);

    reply = Call(@"{\"api_name\":\"cEcho\",\"data\":{\"n\":8}}", nil, nil);
    ExpectReply(@"params as JSON text", reply, TcmppReplyKindSuccess, @"{\"n\":8}");

    reply = Call(Unified(@"cEcho", Data(@"n", [NSNumber numberWithInt:9])), @"cFail", nil);
    CHECK([reply kind] == TcmppReplyKindFail, "names disagree: %s", C([reply JSONString]));
    Ok([NSString stringWithFormat:@"names disagree: %@", [reply JSONString]]);

    reply = Call(Unified(@"cEcho", Data(@"when", [NSDate date])), nil, nil);
    ExpectReply(@"params JSON cannot hold", reply, TcmppReplyKindFail,
                @"{\"message\":\"invalid params: the dictionary holds a value JSON cannot (a "
                @"date, data, a non-string key): pass what the SDK handed over\"}");
    reply = Call([NSNumber numberWithInt:3], nil, nil);
    ExpectReply(@"params of another class", reply, TcmppReplyKindFail,
                @"{\"message\":\"invalid params: expected an NSDictionary or its JSON text, got "
                @"NSIntNumber\"}");
    reply = Call(Unified(@"cHuge", [NSDictionary dictionary]), nil, nil);
    ExpectReply(@"u128 exact", reply, TcmppReplyKindSuccess,
                @"{\"max\":340282366920938463463374607431768211455}");
}

static void CheckCallers(void) {
    NSDictionary *wallet = Data(@"appId", @"wx_wallet");
    TcmppCaller *walletCaller = [TcmppCaller callerWithAppInfo:wallet webViewId:nil stateEvent:nil];

    TcmppReply *reply = Call(Unified(@"transfer", [NSDictionary dictionary]), nil, walletCaller);
    ExpectReply(@"stated caller", reply, TcmppReplyKindSuccess, @"{\"transferredBy\":\"wx_wallet\"}");

    reply = Call(Unified(@"transfer", [NSDictionary dictionary]), nil, nil);
    ExpectReply(@"nobody stated", reply, TcmppReplyKindFail, @"{\"message\":\"permission denied\"}");

    NSMutableDictionary *forged = [[Unified(@"transfer", [NSDictionary dictionary]) mutableCopy] autorelease];
    [forged setObject:wallet forKey:@"appInfo"];
    reply = Call(forged, nil, nil);
    CHECK([reply kind] == TcmppReplyKindFail &&
              [[reply message] rangeOfString:@"`appInfo` in the call text is not believed"].location !=
                  NSNotFound,
          "forged: %s", C([reply JSONString]));
    if ([reply kind] == TcmppReplyKindFail) {
        Ok([NSString stringWithFormat:@"forged appInfo in params refused: %@", [reply JSONString]]);
    }
    TcmppReply *sync = [TcmppBridge dispatchSyncParams:forged apiName:@"transfer" caller:nil];
    CHECK([sync kind] == TcmppReplyKindFail &&
              [[sync message] rangeOfString:@"not believed"].location != NSNotFound,
          "forged sync: %s", C([sync JSONString]));
    Ok(@"forged appInfo in params refused (sync)");

    TcmppCaller *host = [TcmppCaller callerWithAppInfo:Data(@"appId", @"wx_host")
                                             webViewId:[NSNumber numberWithInt:4]
                                            stateEvent:@"host"];
    NSMutableDictionary *who = [[Unified(@"cWho", [NSDictionary dictionary]) mutableCopy] autorelease];
    [who setObject:[NSNumber numberWithInt:99] forKey:@"webviewId"];
    [who setObject:@"forged" forKey:@"stateEvent"];
    reply = Call(who, nil, host);
    ExpectReply(@"stated webviewId and stateEvent", reply, TcmppReplyKindSuccess,
                @"{\"appId\":\"wx_host\",\"stateEvent\":\"host\",\"webviewId\":4}");

    TcmppCaller *bad = [TcmppCaller callerWithAppInfo:Data(@"appId", [NSDate date])
                                            webViewId:nil
                                           stateEvent:nil];
    reply = Call(Unified(@"cWho", [NSDictionary dictionary]), nil, bad);
    ExpectReply(@"caller JSON cannot hold", reply, TcmppReplyKindFail,
                @"{\"message\":\"invalid caller: a value of the stated caller cannot be written "
                @"as JSON\"}");
}

static void CheckProgress(void) {
    Recorder *recorder = [[[Recorder alloc] init] autorelease];
    TcmppCaller *caller = [TcmppCaller callerWithAppInfo:nil webViewId:nil stateEvent:@"host42"];
    Dispatch(Unified(@"cProgress", Data(@"steps", [NSNumber numberWithInt:5])), nil, caller,
             recorder, YES);
    TcmppReply *reply = [recorder wait];
    NSArray *events = [recorder events];
    NSMutableArray *expected = [NSMutableArray array];
    for (int step = 1; step <= 5; step++) {
        [expected addObject:[NSString stringWithFormat:@"host42 {\"step\":%d} %@", step,
                                                       NSStringFromClass([[NSDictionary dictionary] class])]];
    }
    /* The payload's class name is whatever the JSON parser makes: compare the rest. */
    BOOL inOrder = [events count] == 5;
    for (NSUInteger i = 0; inOrder && i < 5; i++) {
        NSString *prefix = [NSString stringWithFormat:@"host42 {\"step\":%lu} ", (unsigned long)i + 1];
        inOrder = [[events objectAtIndex:i] hasPrefix:prefix];
    }
    CHECK(inOrder && recorder->eventsAfterReply == 0, "progress: %s", C(events));
    ExpectReply(@"progress reply", reply, TcmppReplyKindSuccess, @"{\"steps\":5}");
    if (inOrder) {
        Ok(@"progress events in order before the reply: host42 {\"step\":1} ... {\"step\":5}");
    }

    recorder = [[[Recorder alloc] init] autorelease];
    Dispatch(Unified(@"cSubscribe", [NSDictionary dictionary]), nil, nil, recorder, YES);
    reply = [recorder wait];
    events = [recorder events];
    BOOL strings = [events count] == 9;
    for (NSUInteger i = 0; strings && i < 9; i++) {
        NSString *event = [events objectAtIndex:i];
        strings = [event hasPrefix:[NSString stringWithFormat:@"nil \"%lu\" ", (unsigned long)i + 1]] &&
                  [event rangeOfString:@"String"].location != NSNotFound;
    }
    CHECK(strings && recorder->eventsAfterReply == 0, "string progress: %s", C(events));
    ExpectReply(@"string progress reply", reply, TcmppReplyKindSuccess, @"{\"states\":9}");
    if (strings) {
        Ok(@"string progress (iOS states) as NSStrings in order: \"1\" ... \"9\"");
    }
}

static void CheckSync(void) {
    TcmppReply *reply = [TcmppBridge dispatchSyncParams:Unified(@"cPing", [NSDictionary dictionary])
                                                apiName:@"cPing"
                                                 caller:nil];
    ExpectReply(@"sync call", reply, TcmppReplyKindSuccess, @"{\"pong\":\"c-host\"}");
    reply = [TcmppBridge dispatchSyncParams:Unified(@"cYield", [NSDictionary dictionary])
                                    apiName:nil
                                     caller:nil];
    CHECK([reply kind] == TcmppReplyKindFail &&
              [[reply message] rangeOfString:@"asynchronous"].location != NSNotFound,
          "sync yield: %s", C([reply JSONString]));
    Ok([NSString stringWithFormat:@"sync call to an async API: %@", [reply message]]);
    reply = [TcmppBridge dispatchSyncParams:Unified(@"cFailSync", [NSDictionary dictionary])
                                    apiName:nil
                                     caller:nil];
    ExpectReply(@"sync fail body", reply, TcmppReplyKindFail,
                @"{\"body\":{\"key\":\"value\"},\"code\":-1,\"message\":\"not supported\"}");
    id nothing = nil; /* what a Swift host cannot pass, but Objective-C can */
    reply = [TcmppBridge dispatchSyncParams:nothing apiName:nil caller:nil];
    CHECK([reply kind] == TcmppReplyKindFail, "sync nil: %s", C([reply JSONString]));
    Ok(@"sync call with nil params: a fail reply");
}

static void CheckCancellation(void) {
    /* 300 steps of 1 ms each: cancelled after the first event. */
    Recorder *recorder = [[[Recorder alloc] init] autorelease];
    TcmppCall *call = Dispatch(Unified(@"cProgress", Data(@"steps", [NSNumber numberWithInt:300])),
                               nil, nil, recorder, YES);
    for (int i = 0; i < 2000 && [[recorder events] count] == 0; i++) {
        usleep(1000);
    }
    BOOL cancelled = [call cancel];
    TcmppReply *reply = [recorder wait];
    NSUInteger eventsAtCancel = [[recorder events] count];
    BOOL again = [call cancel];
    usleep(700 * 1000); /* the handler ends meanwhile; its reply must be dropped */
    CHECK(cancelled && !again && [call isFinished], "cancel: %d %d", cancelled, again);
    CHECK([recorder completions] == 1, "cancel: %d completions", [recorder completions]);
    CHECK([[recorder events] count] == eventsAtCancel && eventsAtCancel >= 1 && eventsAtCancel < 300,
          "events after cancel: %lu then %lu", (unsigned long)eventsAtCancel,
          (unsigned long)[[recorder events] count]);
    ExpectReply(@"cancel handle", reply, TcmppReplyKindCancel, @"{}");
    if (cancelled && !again && [recorder completions] == 1) {
        Ok(@"cancellation: a cancel reply once, no event after it, the later reply dropped");
    }

    Recorder *done = [[[Recorder alloc] init] autorelease];
    TcmppCall *answered = Dispatch(Unified(@"cPing", [NSDictionary dictionary]), nil, nil, done, NO);
    [done wait];
    CHECK(![answered cancel] && [done completions] == 1 && [done->reply kind] == TcmppReplyKindSuccess,
          "cancel after the reply");
    Ok(@"cancel after the reply: NO, the reply stands");
}

static int throwingCompletions = 0;

static void CheckThrowingCompletion(void) {
    [TcmppBridge dispatchParams:Unified(@"cPing", [NSDictionary dictionary])
                        apiName:nil
                         caller:nil
                       progress:nil
                     completion:^(TcmppReply *reply) {
                         (void)reply;
                         __atomic_add_fetch(&throwingCompletions, 1, __ATOMIC_SEQ_CST);
                         [NSException raise:@"TestException" format:@"boom"];
                     }];
    TcmppReply *after = Call(Unified(@"cEcho", Data(@"n", [NSNumber numberWithInt:5])), nil, nil);
    CHECK(throwingCompletions == 1 && [after kind] == TcmppReplyKindSuccess, "after a throw");
    Ok(@"a throwing completion block is stopped in the bridge; calls go on");
}

#pragma mark - Concurrency

enum { THREADS = 8 };
static int totalCalls = 10000;
static int *answers;
static int wrongReplies = 0;
static int answered = 0;

static void *Caller(void *arg) {
    EnterThread();
    long thread = (long)arg;
    int per = totalCalls / THREADS;
    @autoreleasepool {
        for (int i = 0; i < per; i++) @autoreleasepool {
            int n = (int)thread * per + i;
            [TcmppBridge dispatchParams:Unified(@"cEcho", Data(@"n", [NSNumber numberWithInt:n]))
                                apiName:nil
                                 caller:nil
                               progress:nil
                             completion:^(TcmppReply *reply) {
                                 if ([reply kind] != TcmppReplyKindSuccess ||
                                     [[[reply object] objectForKey:@"n"] intValue] != n) {
                                     __atomic_add_fetch(&wrongReplies, 1, __ATOMIC_SEQ_CST);
                                 }
                                 __atomic_add_fetch(&answers[n], 1, __ATOMIC_SEQ_CST);
                                 __atomic_add_fetch(&answered, 1, __ATOMIC_SEQ_CST);
                             }];
        }
    }
    return NULL;
}

static void CheckConcurrency(void) {
    totalCalls -= totalCalls % THREADS;
    answers = calloc((size_t)totalCalls, sizeof *answers);
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; t++) {
        pthread_create(&threads[t], NULL, Caller, (void *)t);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    for (int i = 0; i < 120000 && __atomic_load_n(&answered, __ATOMIC_SEQ_CST) < totalCalls; i++) {
        usleep(1000);
    }
    usleep(50 * 1000); /* a second reply, were there one, would land meanwhile */
    int missing = 0, doubled = 0;
    for (int i = 0; i < totalCalls; i++) {
        missing += answers[i] == 0;
        doubled += answers[i] > 1;
    }
    CHECK(missing == 0 && doubled == 0 && wrongReplies == 0,
          "concurrency: %d missing, %d answered twice, %d wrong", missing, doubled, wrongReplies);
    if (missing == 0 && doubled == 0 && wrongReplies == 0) {
        Ok([NSString stringWithFormat:@"concurrency: %d calls from %d threads, each answered exactly once",
                                      totalCalls, THREADS]);
    }
    free(answers);
}

#pragma mark - The generated registration, called as the SDK stand-in calls it

/* Compact JSON with sorted keys, whatever the Foundation's writer spaces and orders. */
static NSString *Canonical(id value) {
    if (value == nil || [value isKindOfClass:[NSNull class]]) {
        return @"null";
    }
    if ([value isKindOfClass:[NSString class]]) {
        NSData *data = [NSJSONSerialization dataWithJSONObject:[NSArray arrayWithObject:value]
                                                       options:0
                                                         error:NULL];
        NSString *array = [[[NSString alloc] initWithData:data encoding:NSUTF8StringEncoding] autorelease];
        return [array substringWithRange:NSMakeRange(1, [array length] - 2)];
    }
    if ([value isKindOfClass:[NSNumber class]]) {
        return [value stringValue];
    }
    if ([value isKindOfClass:[NSArray class]]) {
        NSMutableArray *items = [NSMutableArray array];
        for (id item in value) {
            [items addObject:Canonical(item)];
        }
        return [NSString stringWithFormat:@"[%@]", [items componentsJoinedByString:@","]];
    }
    NSMutableArray *pairs = [NSMutableArray array];
    for (NSString *key in [[value allKeys] sortedArrayUsingSelector:@selector(compare:)]) {
        [pairs addObject:[NSString stringWithFormat:@"%@:%@", Canonical(key),
                                                    Canonical([value objectForKey:key])]];
    }
    return [NSString stringWithFormat:@"{%@}", [pairs componentsJoinedByString:@","]];
}

/* A stand-in context: records what the plugin answered, in order. */
@interface StandInContext : NSObject <TMAExternalJSContextProtocol> {
  @public
    TMFMiniAppInfo *info;
    NSMutableArray *answers;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int callbacks;
}
- (instancetype)initWithAppId:(NSString *)appId;
- (NSArray *)waitForCallback;
@end

@implementation StandInContext
- (instancetype)initWithAppId:(NSString *)appId {
    self = [super init];
    if (appId != nil) {
        info = [[TMFMiniAppInfo alloc] init];
        [info setAppId:appId];
        [info setAppTitle:@"Wallet"];
        [info setVerType:TMAVersionOnline];
    }
    answers = [[NSMutableArray alloc] init];
    pthread_mutex_init(&mutex, NULL);
    pthread_cond_init(&cond, NULL);
    return self;
}
- (void)dealloc {
    [info release];
    [answers release];
    pthread_cond_destroy(&cond);
    pthread_mutex_destroy(&mutex);
    [super dealloc];
}
- (TMFMiniAppInfo *)tmfAppInfo {
    return info;
}
- (void)doCallback:(TMAExternalJSPluginResult *)result {
    pthread_mutex_lock(&mutex);
    if ([result error] != nil) {
        NSError *error = [result error];
        [answers addObject:[NSString stringWithFormat:@"error %ld %@ %@", (long)[error code],
                                                      [error localizedDescription],
                                                      [[error userInfo] objectForKey:TcmppFailBodyKey]
                                                          ? Canonical([[error userInfo] objectForKey:TcmppFailBodyKey])
                                                          : @"-"]];
    } else {
        [answers addObject:[NSString stringWithFormat:@"result %@", Canonical([result result])]];
    }
    callbacks++;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&mutex);
}
- (void)doSubscribe:(NSString *)event data:(NSString *)data {
    pthread_mutex_lock(&mutex);
    [answers addObject:[NSString stringWithFormat:@"state %@ %@", event, data]];
    pthread_mutex_unlock(&mutex);
}
- (NSArray *)waitForCallback {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    pthread_mutex_lock(&mutex);
    while (callbacks == 0) {
        if (pthread_cond_timedwait(&cond, &mutex, &deadline) != 0) {
            break;
        }
    }
    NSArray *copy = [[answers copy] autorelease];
    pthread_mutex_unlock(&mutex);
    return copy;
}
@end

/* An asynchronous API through the generated plugin: what the context was told. */
static NSString *Plugin(NSString *api, NSDictionary *params, NSString *appId) {
    StandInContext *context = [[[StandInContext alloc] initWithAppId:appId] autorelease];
    BOOL found = NO;
    TMAExternalJSPluginResult *now = TMAStandInInvoke(api, params, context, &found);
    CHECK(found, "%s is not registered", C(api));
    CHECK(now == nil, "%s answered at once", C(api));
    NSArray *answers = [context waitForCallback];
    usleep(20 * 1000);
    CHECK(context->callbacks == 1, "%s: %d callbacks", C(api), context->callbacks);
    return [answers componentsJoinedByString:@" | "];
}

/* A synchronous API through the generated plugin: what it returned. */
static NSString *PluginSync(NSString *api, NSDictionary *params, NSString *appId) {
    StandInContext *context = [[[StandInContext alloc] initWithAppId:appId] autorelease];
    BOOL found = NO;
    TMAExternalJSPluginResult *now = TMAStandInInvoke(api, params, context, &found);
    CHECK(found && now != nil, "%s: no synchronous answer", C(api));
    [context doCallback:now];
    return [[context waitForCallback] componentsJoinedByString:@" | "];
}

static void ExpectPlugin(NSString *what, NSString *got, NSString *expected) {
    CHECK([got isEqualToString:expected], "%s: %s, not %s", C(what), C(got), C(expected));
    if ([got isEqualToString:expected]) {
        Ok([NSString stringWithFormat:@"plugin: %@: %@", what, got]);
    }
}

static void CheckGeneratedPlugin(void) {
    ExpectPlugin(@"doCallback with the result",
                 Plugin(@"cEcho", Unified(@"cEcho", Data(@"n", [NSNumber numberWithInt:3])), nil),
                 @"result {\"n\":3}");
    ExpectPlugin(@"doCallback with an error and its code",
                 Plugin(@"cFail", Unified(@"cFail", [NSDictionary dictionary]), nil),
                 @"error 1001 out of stock -");
    ExpectPlugin(@"a cancel is NSUserCancelledError",
                 Plugin(@"cCancel", Unified(@"cCancel", [NSDictionary dictionary]), nil),
                 @"error 3072 cancel -");
    NSMutableDictionary *subscribe =
        [[Unified(@"cSubscribe", [NSDictionary dictionary]) mutableCopy] autorelease];
    [subscribe setObject:@"onSubscribe" forKey:@"stateEvent"];
    ExpectPlugin(@"string states through doSubscribe, then doCallback",
                 Plugin(@"cSubscribe", subscribe, nil),
                 @"state onSubscribe 1 | state onSubscribe 2 | state onSubscribe 3 | state "
                 @"onSubscribe 4 | state onSubscribe 5 | state onSubscribe 6 | state onSubscribe "
                 @"7 | state onSubscribe 8 | state onSubscribe 9 | result {\"states\":9}");
    NSMutableDictionary *steps =
        [[Unified(@"cProgress", Data(@"steps", [NSNumber numberWithInt:2])) mutableCopy] autorelease];
    [steps setObject:@"onSteps" forKey:@"stateEvent"];
    ExpectPlugin(@"object states as JSON text through doSubscribe", Plugin(@"cProgress", steps, nil),
                 @"state onSteps {\"step\":1} | state onSteps {\"step\":2} | result {\"steps\":2}");
    ExpectPlugin(@"a sync API returns its result",
                 PluginSync(@"cPing", Unified(@"cPing", [NSDictionary dictionary]), nil),
                 @"result {\"pong\":\"c-host\"}");
    NSString *body = PluginSync(@"cFailSync", Unified(@"cFailSync", [NSDictionary dictionary]), nil);
    ExpectPlugin(@"a sync API returns its error, with the fail body", body,
                 @"error -1 not supported {\"key\":\"value\"}");
    ExpectPlugin(@"the caller from the context's tmfAppInfo",
                 PluginSync(@"transfer", Unified(@"transfer", [NSDictionary dictionary]), @"wx_wallet"),
                 @"result {\"transferredBy\":\"wx_wallet\"}");
    NSMutableDictionary *forged =
        [[Unified(@"transfer", [NSDictionary dictionary]) mutableCopy] autorelease];
    [forged setObject:Data(@"appId", @"wx_wallet") forKey:@"appInfo"];
    NSString *refused = PluginSync(@"transfer", forged, @"wx_other");
    CHECK([refused hasPrefix:@"error -1 invalid call: `appInfo` in the call text is not believed"],
          "forged through the plugin: %s", C(refused));
    Ok(@"plugin: an appInfo forged in params is refused, whatever the context says");
    ExpectPlugin(@"another app in the context is denied",
                 PluginSync(@"transfer", Unified(@"transfer", [NSDictionary dictionary]), @"wx_other"),
                 @"error -1 permission denied -");
    NSString *who = PluginSync(@"cWho", Unified(@"cWho", [NSDictionary dictionary]), @"wx_ctx");
    ExpectPlugin(@"handlers see the context's appId, not the params' webviewId or stateEvent", who,
                 @"result {\"appId\":\"wx_ctx\",\"stateEvent\":null,\"webviewId\":null}");
    BOOL found = YES;
    TMAStandInInvoke(@"cNoSuchApi", [NSDictionary dictionary], nil, &found);
    CHECK(!found, "an unregistered name was found");
}

int main(int argc, char **argv) {
    @autoreleasepool {
        if (argc > 1) {
            totalCalls = atoi(argv[1]);
        }
        CheckStartAndLists();
        CheckOutcomes();
        CheckCallers();
        CheckProgress();
        CheckSync();
        CheckCancellation();
        CheckThrowingCompletion();
        CheckGeneratedPlugin();
        CheckConcurrency();
    }
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
