/*
 * A C host of the tcmpp C ABI: the same calls a JNI, Swift or dart:ffi bridge makes, against
 * the handlers of tests/c-host. Built twice by tests/hosts/c_abi.rs, against the cdylib and against
 * the staticlib, with -Werror against include/tcmpp.h.
 *
 * Prints "ok <check>" for each check that passes and "FAIL <where>: <what>" for each that
 * does not; exits non-zero when any failed.
 */
#define _POSIX_C_SOURCE 200809L

#include "tcmpp.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stdout, "FAIL %s:%d: ", __FILE__, __LINE__);                           \
            fprintf(stdout, __VA_ARGS__);                                                  \
            fprintf(stdout, "\n");                                                         \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#define MAX_EVENTS 32

/* One call's outcome, as its callbacks record it. */
struct call {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int replies;
    int32_t status;
    char *reply;
    int events;
    int events_after_reply;
    char *event[MAX_EVENTS];
};

static struct call *call_new(void) {
    struct call *call = calloc(1, sizeof *call);
    pthread_mutex_init(&call->mutex, NULL);
    pthread_cond_init(&call->cond, NULL);
    return call;
}

static void call_free(struct call *call) {
    free(call->reply);
    for (int i = 0; i < call->events && i < MAX_EVENTS; i++) {
        free(call->event[i]);
    }
    pthread_cond_destroy(&call->cond);
    pthread_mutex_destroy(&call->mutex);
    free(call);
}

static void record_reply(void *context, int32_t status, const char *reply_json) {
    struct call *call = context;
    pthread_mutex_lock(&call->mutex);
    call->replies++;
    call->status = status;
    free(call->reply);
    call->reply = strdup(reply_json);
    pthread_cond_broadcast(&call->cond);
    pthread_mutex_unlock(&call->mutex);
}

static void record_progress(void *context, const char *state_event, const char *payload_json) {
    struct call *call = context;
    pthread_mutex_lock(&call->mutex);
    if (call->replies > 0) {
        call->events_after_reply++;
    }
    if (call->events < MAX_EVENTS) {
        size_t size = strlen(payload_json) + (state_event ? strlen(state_event) : 4) + 2;
        char *line = malloc(size);
        snprintf(line, size, "%s %s", state_event ? state_event : "NULL", payload_json);
        call->event[call->events] = line;
    }
    call->events++;
    pthread_mutex_unlock(&call->mutex);
}

/* With TCMPP_HOST_FREES_STRINGS the strings are the host's to free. */
static void take_reply(void *context, int32_t status, const char *reply_json) {
    record_reply(context, status, reply_json);
    tcmpp_string_free((char *)reply_json);
}

static void take_progress(void *context, const char *state_event, const char *payload_json) {
    record_progress(context, state_event, payload_json);
    tcmpp_string_free((char *)state_event);
    tcmpp_string_free((char *)payload_json);
}

/* Waits up to 10 s for the reply; returns whether it came. */
static int wait_reply(struct call *call) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&call->mutex);
    int error = 0;
    while (call->replies == 0 && error != ETIMEDOUT) {
        error = pthread_cond_timedwait(&call->cond, &call->mutex, &deadline);
    }
    int replied = call->replies > 0;
    pthread_mutex_unlock(&call->mutex);
    return replied;
}

/* Dispatches a call, waits for its reply, and checks the status and the exact reply text
   (any text when `reply` is NULL). */
static struct call *expect_reply(const char *check, const char *api_name, const char *json,
                                 const char *caller, uint32_t flags, int with_progress,
                                 int32_t status, const char *reply) {
    struct call *call = call_new();
    int handed_over = (flags & TCMPP_HOST_FREES_STRINGS) != 0;
    int32_t accepted = tcmpp_dispatch(api_name, json, caller, flags,
                                      handed_over ? take_reply : record_reply,
                                      with_progress ? (handed_over ? take_progress : record_progress) : NULL,
                                      call);
    CHECK(accepted == TCMPP_DISPATCH_ACCEPTED, "%s: tcmpp_dispatch returned %d", check, accepted);
    CHECK(wait_reply(call), "%s: no reply within 10 s", check);
    CHECK(call->replies == 1, "%s: %d replies", check, call->replies);
    CHECK(call->status == status, "%s: status %d, expected %d", check, call->status, status);
    CHECK(call->reply && (reply == NULL || strcmp(call->reply, reply) == 0),
          "%s: reply %s, expected %s", check, call->reply ? call->reply : "(none)",
          reply ? reply : "(any)");
    if (failures == 0) {
        printf("ok %s: %s\n", check, call->reply);
    }
    return call;
}

/* Answers a call synchronously and checks the status and the exact reply text (any text when
   `reply` is NULL). */
static void expect_sync(const char *check, const char *api_name, const char *json,
                        const char *caller, uint32_t flags, int32_t status, const char *reply) {
    int32_t got = -1;
    char *text = tcmpp_dispatch_sync(api_name, json, caller, flags, &got);
    CHECK(text != NULL, "%s: tcmpp_dispatch_sync returned NULL", check);
    CHECK(got == status, "%s: sync status %d, expected %d", check, got, status);
    CHECK(text && (reply == NULL || strcmp(text, reply) == 0), "%s: sync reply %s, expected %s",
          check, text ? text : "(none)", reply ? reply : "(any)");
    if (failures == 0) {
        printf("ok %s (sync): %s\n", check, text);
    }
    tcmpp_string_free(text);
}

/* The same call through tcmpp_dispatch and tcmpp_dispatch_sync: the same answer. */
static void expect_both(const char *check, const char *api_name, const char *json,
                        const char *caller, uint32_t flags, int32_t status, const char *reply) {
    call_free(expect_reply(check, api_name, json, caller, flags, 0, status, reply));
    expect_sync(check, api_name, json, caller, flags, status, reply);
}

static void check_registry(void) {
    char *error = tcmpp_init();
    CHECK(error == NULL, "tcmpp_init: %s", error ? error : "");
    tcmpp_string_free(error);

    char *apis = tcmpp_apis_json();
    CHECK(apis != NULL, "tcmpp_apis_json returned NULL");
    if (apis) {
        const char *names[] = {"cCancel", "cEcho",     "cFail", "cHuge",  "cPanic",
                               "cPing",   "cProgress", "cWho",  "cYield", "transfer"};
        const char *previous = apis;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            char needle[64];
            snprintf(needle, sizeof needle, "{\"name\":\"%s\",", names[i]);
            const char *found = strstr(apis, needle);
            CHECK(found != NULL && found >= previous, "api list lacks %s, sorted: %s", names[i],
                  apis);
            previous = found ? found : previous;
        }
        CHECK(strstr(apis, "{\"name\":\"cPing\",\"sync\":true,") != NULL, "cPing not sync: %s",
              apis);
        CHECK(strstr(apis, "{\"name\":\"cEcho\",\"sync\":false,") != NULL, "cEcho sync: %s",
              apis);
        CHECK(apis[0] == '[' && apis[strlen(apis) - 1] == ']', "not an array: %s", apis);
        printf("ok api list: %s\n", apis);
    }
    tcmpp_string_free(apis);

    char *config = tcmpp_custom_config_json();
    CHECK(config != NULL && strstr(config, "\"extApi\"") != NULL, "custom config: %s",
          config ? config : "(NULL)");
    if (config) {
        printf("ok custom config: %zu bytes\n", strlen(config));
    }
    tcmpp_string_free(config);
    tcmpp_string_free(NULL);
}

static void check_replies(void) {
    call_free(expect_reply("success", NULL, "{\"api_name\":\"cEcho\",\"data\":{\"n\":7}}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_SUCCESS,
                           "{\"n\":7,\"errMsg\":\"cEcho:ok\"}"));
    call_free(expect_reply("bare success", NULL, "{\"api_name\":\"cEcho\",\"data\":{\"n\":8}}", NULL,
                           TCMPP_RENDER_BARE, 0, TCMPP_STATUS_SUCCESS, "{\"n\":8}"));
    call_free(expect_reply("named", "cEcho", "{\"api_name\":\"cEcho\",\"data\":{\"n\":9}}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_SUCCESS,
                           "{\"n\":9,\"errMsg\":\"cEcho:ok\"}"));
    call_free(expect_reply("name mismatch", "cEcho", "{\"api_name\":\"cPing\"}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_FAIL, NULL));
    call_free(expect_reply("legacy format", "cEcho", "{\"n\":3}", NULL,
                           TCMPP_RENDER_CALLBACK | TCMPP_LEGACY_FORMAT, 0, TCMPP_STATUS_SUCCESS,
                           "{\"n\":3,\"errMsg\":\"cEcho:ok\"}"));
    /* Without the flag, a legacy object is not read as one, even with the name beside it: a
       named unified call must name its API itself. */
    call_free(expect_reply(
        "legacy keys are not a call", "cEcho", "{\"n\":3,\"appInfo\":{\"appId\":\"forged\"}}", NULL,
        TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_FAIL,
        "{\"errMsg\":\"cEcho:fail invalid call: missing `api_name`: a unified call names its API "
        "itself (a legacy-format call, whose whole object is the data, must be read as "
        "legacy)\"}"));
    call_free(expect_reply("legacy needs a name", NULL, "{\"n\":3}", NULL,
                           TCMPP_RENDER_CALLBACK | TCMPP_LEGACY_FORMAT, 0, TCMPP_STATUS_FAIL,
                           "{\"errMsg\":\"invokeNativePlugin:fail invalid call: a legacy-format "
                           "call needs the api_name the SDK reported\"}"));
    call_free(expect_reply("fail", NULL, "{\"api_name\":\"cFail\"}", NULL, TCMPP_RENDER_CALLBACK, 0,
                           TCMPP_STATUS_FAIL,
                           "{\"errCode\":1001,\"errMsg\":\"cFail:fail out of stock\"}"));
    call_free(expect_reply("bare fail", NULL, "{\"api_name\":\"cFail\"}", NULL, TCMPP_RENDER_BARE, 0,
                           TCMPP_STATUS_FAIL, "{\"code\":1001,\"message\":\"out of stock\"}"));
    call_free(expect_reply("cancel", NULL, "{\"api_name\":\"cCancel\"}", NULL, TCMPP_RENDER_CALLBACK,
                           0, TCMPP_STATUS_CANCEL, "{\"errMsg\":\"cCancel:cancel\"}"));
    call_free(expect_reply("bare cancel", NULL, "{\"api_name\":\"cCancel\"}", NULL,
                           TCMPP_RENDER_BARE, 0, TCMPP_STATUS_CANCEL, "{}"));
    call_free(expect_reply(
        "unknown API", NULL, "{\"api_name\":\"noSuchApi\",\"data\":{}}", NULL, TCMPP_RENDER_CALLBACK,
        0, TCMPP_STATUS_FAIL,
        "{\"errMsg\":\"noSuchApi:fail unknown API: no handler is registered for \\\"noSuchApi\\\"\"}"));
    call_free(expect_reply("bad JSON", NULL, "{\"api_name\":", NULL, TCMPP_RENDER_CALLBACK, 0,
                           TCMPP_STATUS_FAIL, NULL));
    call_free(expect_reply("NULL call", NULL, NULL, NULL, TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_FAIL,
                           "{\"errMsg\":\"invokeNativePlugin:fail invalid call: call_json is NULL\"}"));
    call_free(expect_reply("invalid UTF-8", NULL, "{\"api_name\":\"cEcho\xff\"}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_FAIL, NULL));
    call_free(expect_reply("invalid UTF-8 name", "cEcho\xff", "{\"api_name\":\"cEcho\"}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_FAIL, NULL));
    call_free(expect_reply("handler panic", NULL, "{\"api_name\":\"cPanic\"}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_FAIL,
                           "{\"errMsg\":\"cPanic:fail internal error: the handler panicked\"}"));

    /* Bad JSON is refused under invokeNativePlugin, and says why. */
    struct call *bad = call_new();
    tcmpp_dispatch(NULL, "{\"api_name\":", NULL, 0, record_reply, NULL, bad);
    CHECK(wait_reply(bad) && strncmp(bad->reply, "{\"errMsg\":\"invokeNativePlugin:fail ", 35) == 0,
          "bad JSON reply: %s", bad->reply ? bad->reply : "(none)");
    call_free(bad);
    struct call *utf8 = call_new();
    tcmpp_dispatch(NULL, "{\"api_name\":\"x\xff\"}", NULL, 0, record_reply, NULL, utf8);
    CHECK(wait_reply(utf8) && strstr(utf8->reply, "invalid call: not valid UTF-8") != NULL,
          "invalid UTF-8 reply: %s", utf8->reply ? utf8->reply : "(none)");
    call_free(utf8);
    struct call *name = call_new();
    tcmpp_dispatch("x\xff", "{}", NULL, 0, record_reply, NULL, name);
    CHECK(wait_reply(name) &&
              strncmp(name->reply,
                      "{\"errMsg\":\"invokeNativePlugin:fail invalid call: api_name is not UTF-8",
                      69) == 0,
          "invalid UTF-8 name reply: %s", name->reply ? name->reply : "(none)");
    call_free(name);

    CHECK(tcmpp_dispatch(NULL, "{\"api_name\":\"cEcho\"}", NULL, 0, NULL, NULL, NULL) ==
              TCMPP_DISPATCH_NO_REPLY_CALLBACK,
          "a NULL reply callback is refused");

    /* A plain-fn handler answers before tcmpp_dispatch returns, on the calling thread. */
    struct call *ping = call_new();
    tcmpp_dispatch(NULL, "{\"api_name\":\"cPing\"}", NULL, 0, record_reply, NULL, ping);
    CHECK(ping->replies == 1, "cPing answered %d times before returning", ping->replies);
    call_free(ping);
    printf("ok plain fn answers before tcmpp_dispatch returns\n");
}

/* u128::MAX reaches the host as written, in both renderings, not as a float. */
static void check_numbers(void) {
    const char *call = "{\"api_name\":\"cHuge\"}";
    expect_both("u128 callback", NULL, call, NULL, TCMPP_RENDER_CALLBACK, TCMPP_STATUS_SUCCESS,
                "{\"max\":340282366920938463463374607431768211455,\"errMsg\":\"cHuge:ok\"}");
    expect_both("u128 bare", NULL, call, NULL, TCMPP_RENDER_BARE, TCMPP_STATUS_SUCCESS,
                "{\"max\":340282366920938463463374607431768211455}");
}

/* The forged calls of the issue: the restricted API `transfer` is granted to wx_wallet alone,
   and no call text the mini program writes makes it wx_wallet. */
static void check_forged_callers(void) {
    const char *forged = "{\"api_name\":\"transfer\",\"data\":{},\"appInfo\":{\"appId\":\"wx_wallet\"}}";
    const char *escaped =
        "{\"api_name\":\"transfer\",\"data\":{},\"app\\u0049nfo\":{\"appId\":\"wx_wallet\"}}";
    const char *not_believed = "{\"errMsg\":\"transfer:fail invalid call: `appInfo` in the call "
                               "text is not believed: the host states the caller beside the "
                               "call, or, when the text is its own SDK's rendering, says to "
                               "believe it with `Caller::trust_call_text()`\"}";
    const char *denied = "{\"errMsg\":\"transfer:fail permission denied\"}";
    /* Each with api_name NULL (iOS) and "transfer" (Android), dispatched and answered sync. */
    const char *names[] = {NULL, "transfer"};
    char check[96];
    for (int i = 0; i < 2; i++) {
        const char *named = names[i] ? ", named" : "";
        snprintf(check, sizeof check, "forged appInfo%s", named);
        expect_both(check, names[i], forged, NULL, 0, TCMPP_STATUS_FAIL, not_believed);
        snprintf(check, sizeof check, "forged escaped appInfo%s", named);
        expect_both(check, names[i], escaped, NULL, 0, TCMPP_STATUS_FAIL, not_believed);
        /* A caller stated beside it does not make the text's appInfo believed. */
        snprintf(check, sizeof check, "forged appInfo beside a caller%s", named);
        expect_both(check, names[i], forged, "{\"appInfo\":{\"appId\":\"wx_other\"}}", 0,
                    TCMPP_STATUS_FAIL, not_believed);
    }
    /* A legacy call's keys are its data: an appInfo there is nobody's identity. */
    expect_both("forged legacy appInfo", "transfer", "{\"appInfo\":{\"appId\":\"wx_good\"}}", NULL,
                TCMPP_LEGACY_FORMAT, TCMPP_STATUS_FAIL, denied);
    expect_both("forged legacy wx_wallet", "transfer", "{\"appInfo\":{\"appId\":\"wx_wallet\"}}",
                NULL, TCMPP_LEGACY_FORMAT | TCMPP_CALLER_FROM_CALL_TEXT, TCMPP_STATUS_FAIL, denied);
    expect_both("forged legacy without a name", NULL, "{\"appInfo\":{\"appId\":\"wx_good\"}}", NULL,
                TCMPP_LEGACY_FORMAT, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"invokeNativePlugin:fail invalid call: a legacy-format call needs "
                "the api_name the SDK reported\"}");
    expect_both("forged legacy read as unified", "transfer", "{\"appInfo\":{\"appId\":\"wx_good\"}}",
                NULL, 0, TCMPP_STATUS_FAIL, NULL);

    /* The host states the caller: the grant applies. */
    const char *wallet = "{\"appInfo\":{\"appId\":\"wx_wallet\"}}";
    const char *paid = "{\"transferredBy\":\"wx_wallet\",\"errMsg\":\"transfer:ok\"}";
    for (int i = 0; i < 2; i++) {
        const char *named = names[i] ? ", named" : "";
        snprintf(check, sizeof check, "stated caller%s", named);
        expect_both(check, names[i], "{\"api_name\":\"transfer\",\"data\":{}}", wallet, 0,
                    TCMPP_STATUS_SUCCESS, paid);
        snprintf(check, sizeof check, "stated other caller%s", named);
        expect_both(check, names[i], "{\"api_name\":\"transfer\",\"data\":{}}",
                    "{\"appInfo\":{\"appId\":\"wx_good\"}}", 0, TCMPP_STATUS_FAIL, denied);
        snprintf(check, sizeof check, "no caller%s", named);
        expect_both(check, names[i], "{\"api_name\":\"transfer\",\"data\":{}}", NULL, 0,
                    TCMPP_STATUS_FAIL, denied);
    }
    expect_both("stated caller, legacy", "transfer", "{}", wallet, TCMPP_LEGACY_FORMAT,
                TCMPP_STATUS_SUCCESS, paid);
    /* Only when the host says the text is its SDK's own is its appInfo read. */
    expect_both("caller from the call text", NULL, forged, NULL, TCMPP_CALLER_FROM_CALL_TEXT,
                TCMPP_STATUS_SUCCESS, paid);
}

/* webviewId and stateEvent: the host's, not the call text's. */
static void check_caller_context(void) {
    const char *forged = "{\"api_name\":\"cWho\",\"webviewId\":7,\"stateEvent\":\"forged\"}";
    expect_both("untrusted webviewId and stateEvent", NULL, forged, NULL, 0, TCMPP_STATUS_SUCCESS,
                "{\"appId\":null,\"stateEvent\":null,\"webviewId\":null,\"errMsg\":\"cWho:ok\"}");
    expect_both("stated webviewId and stateEvent", NULL, forged,
                "{\"appInfo\":{\"appId\":\"wx_host\"},\"webviewId\":4,\"stateEvent\":\"host\"}", 0,
                TCMPP_STATUS_SUCCESS,
                "{\"appId\":\"wx_host\",\"stateEvent\":\"host\",\"webviewId\":4,\"errMsg\":\"cWho:ok\"}");
    const char *sdk = "{\"api_name\":\"cWho\",\"webviewId\":7,\"stateEvent\":\"sdk\",\"appInfo\":"
                      "{\"appId\":\"wx_sdk\"}}";
    expect_both("caller keys from the call text", NULL, sdk, NULL, TCMPP_CALLER_FROM_CALL_TEXT,
                TCMPP_STATUS_SUCCESS,
                "{\"appId\":\"wx_sdk\",\"stateEvent\":\"sdk\",\"webviewId\":7,\"errMsg\":\"cWho:ok\"}");
    expect_both("stated caller over the call text", NULL, sdk, "{\"webviewId\":4}",
                TCMPP_CALLER_FROM_CALL_TEXT, TCMPP_STATUS_SUCCESS,
                "{\"appId\":\"wx_sdk\",\"stateEvent\":\"sdk\",\"webviewId\":4,\"errMsg\":\"cWho:ok\"}");
    /* A webviewId of the wrong type is still refused, whoever is believed. */
    expect_both("untrusted webviewId of the wrong type", NULL,
                "{\"api_name\":\"cWho\",\"webviewId\":\"7\"}", NULL, 0, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"cWho:fail invalid call: `webviewId` must be an integer, found a "
                "string\"}");
}

/* An invalid caller_json is a fail reply that says what is wrong, exactly once. It is refused
   before the call is read, so errMsg names the api_name given beside the call, or without one
   the call's own api_name, found by a scan of its text; invokeNativePlugin when there is none
   (or it is written with escapes). */
static void check_invalid_callers(void) {
    const char *call = "{\"api_name\":\"cWho\"}";
    expect_both("caller not JSON", NULL, call, "wx_wallet", 0, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"cWho:fail invalid caller: expected value at line 1 column 1\"}");
    expect_both("caller not JSON, call without a name", NULL, "{\"data\":{\"api_name\":\"cWho\"}}",
                "wx_wallet", 0, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"invokeNativePlugin:fail invalid caller: expected value at line 1 "
                "column 1\"}");
    expect_both("caller not JSON, escaped name", NULL, "{\"api_name\":\"cWh\\u006f\"}",
                "wx_wallet", 0, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"invokeNativePlugin:fail invalid caller: expected value at line 1 "
                "column 1\"}");
    expect_both("caller not an object", "cWho", call, "[\"wx_wallet\"]", 0, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"cWho:fail invalid caller: expected a JSON object, found an array\"}");
    expect_both("caller of the wrong type", "cWho", call, "{\"webviewId\":\"4\"}", 0,
                TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"cWho:fail invalid caller: `webviewId`: invalid type: string "
                "\\\"4\\\", expected i64 at line 1 column 16\"}");
    expect_both("caller appInfo of the wrong type", NULL, call, "{\"appInfo\":{\"appId\":5}}",
                TCMPP_RENDER_BARE, TCMPP_STATUS_FAIL,
                "{\"message\":\"invalid caller: `appInfo.appId`: invalid type: integer `5`, "
                "expected a string at line 1 column 21\"}");
    expect_both("caller with an unknown key", "cWho", call, "{\"appinfo\":{}}", 0,
                TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"cWho:fail invalid caller: unknown field `appinfo`, expected one of "
                "`appInfo`, `webviewId`, `stateEvent` at line 1 column 10\"}");
    expect_both("caller not UTF-8", "cWho", call, "{\"appInfo\":{\"appId\":\"wx\xff\"}}", 0,
                TCMPP_STATUS_FAIL, NULL);
    /* Also through the progress path, and with the strings handed over. */
    struct call *utf8 = call_new();
    tcmpp_dispatch("cWho", call, "{\"stateEvent\":\"\xff\"}",
                   TCMPP_RENDER_BARE | TCMPP_HOST_FREES_STRINGS, take_reply, take_progress, utf8);
    CHECK(wait_reply(utf8) && utf8->replies == 1 && utf8->status == TCMPP_STATUS_FAIL &&
              strncmp(utf8->reply, "{\"message\":\"invalid caller: caller_json is not UTF-8", 51) == 0,
          "caller not UTF-8: %s", utf8->reply ? utf8->reply : "(none)");
    call_free(utf8);
}

/* The same call through tcmpp_caller_dispatch and tcmpp_caller_dispatch_sync, with a caller
   handle: the same answer as the JSON entries give. */
static void expect_handle_both(const char *check, const char *json, const tcmpp_caller *caller,
                               uint32_t flags, int32_t status, const char *reply) {
    struct call *call = call_new();
    int32_t accepted = tcmpp_caller_dispatch(caller, NULL, json, flags, record_reply, NULL, call);
    CHECK(accepted == TCMPP_DISPATCH_ACCEPTED, "%s: tcmpp_caller_dispatch returned %d", check,
          accepted);
    CHECK(wait_reply(call) && call->replies == 1, "%s: %d replies", check, call->replies);
    CHECK(call->status == status && call->reply && strcmp(call->reply, reply) == 0,
          "%s: status %d, reply %s, expected %d, %s", check, call->status,
          call->reply ? call->reply : "(none)", status, reply);
    call_free(call);
    int32_t got = -1;
    char *text = tcmpp_caller_dispatch_sync(caller, NULL, json, flags, &got);
    CHECK(text && got == status && strcmp(text, reply) == 0,
          "%s: sync status %d, reply %s, expected %d, %s", check, got, text ? text : "(none)",
          status, reply);
    if (failures == 0) {
        printf("ok %s (handle): %s\n", check, text);
    }
    tcmpp_string_free(text);
}

/* A caller stated once, as a handle: answered as the same caller_json is, refused when NULL,
   freed or never made, never read as memory. */
static void check_caller_handles(void) {
    const char *forged = "{\"api_name\":\"cWho\",\"webviewId\":7,\"stateEvent\":\"forged\"}";
    char *error = (char *)"untouched";
    tcmpp_caller *host = tcmpp_caller_new(
        "{\"appInfo\":{\"appId\":\"wx_host\"},\"webviewId\":4,\"stateEvent\":\"host\"}", 0, &error);
    CHECK(host != NULL, "caller handle: NULL");
    CHECK(strcmp(error, "untouched") == 0, "caller handle: error_out written on success");
    const char *stated =
        "{\"appId\":\"wx_host\",\"stateEvent\":\"host\",\"webviewId\":4,\"errMsg\":\"cWho:ok\"}";
    expect_handle_both("handle states the caller", forged, host, 0, TCMPP_STATUS_SUCCESS, stated);
    expect_handle_both("handle, again", forged, host, 0, TCMPP_STATUS_SUCCESS, stated);
    expect_handle_both("handle with call-text trust per call", forged, host,
                       TCMPP_CALLER_FROM_CALL_TEXT, TCMPP_STATUS_FAIL,
                       "{\"errMsg\":\"cWho:fail invalid caller: TCMPP_CALLER_FROM_CALL_TEXT is "
                       "stated once, to tcmpp_caller_new, not with each call of a caller "
                       "handle\"}");

    /* Progress events carry the handle's stateEvent. */
    struct call *call = call_new();
    tcmpp_caller_dispatch(host, "cProgress", "{\"api_name\":\"cProgress\",\"data\":{\"steps\":2}}",
                          TCMPP_RENDER_BARE, record_reply, record_progress, call);
    CHECK(wait_reply(call) && call->replies == 1 && call->status == TCMPP_STATUS_SUCCESS &&
              call->events == 2 && strcmp(call->event[1], "host {\"step\":2}") == 0,
          "handle progress: %d events, %s", call->events, call->events > 1 ? call->event[1] : "");
    call_free(call);

    /* Trust in the call text is the handle's. */
    tcmpp_caller *sdk = tcmpp_caller_new(NULL, TCMPP_CALLER_FROM_CALL_TEXT, NULL);
    CHECK(sdk != NULL, "caller handle trusting the call text: NULL");
    expect_handle_both("handle trusting the call text", forged, sdk, 0, TCMPP_STATUS_SUCCESS,
                       "{\"appId\":null,\"stateEvent\":\"forged\",\"webviewId\":7,\"errMsg\":\"cWho:ok\"}");
    tcmpp_caller_free(sdk);

    /* Refused callers make no handle, and say why. */
    error = NULL;
    CHECK(tcmpp_caller_new("[\"wx\"]", 0, &error) == NULL, "array caller: a handle");
    CHECK(error && strcmp(error, "invalid caller: expected a JSON object, found an array") == 0,
          "array caller: %s", error ? error : "(none)");
    tcmpp_string_free(error);
    error = NULL;
    CHECK(tcmpp_caller_new(NULL, TCMPP_RENDER_BARE, &error) == NULL, "render flag: a handle");
    CHECK(error && strstr(error, "unknown flag bits 0x1") != NULL, "render flag: %s",
          error ? error : "(none)");
    tcmpp_string_free(error);
    CHECK(tcmpp_caller_new("{\"appInfo\":{\"appId\":\"wx\xff\"}}", 0, NULL) == NULL,
          "non-UTF-8 caller: a handle");

    /* NULL, freed and made-up handles: a fail reply each, exactly once. */
    expect_handle_both("NULL handle", forged, NULL, 0, TCMPP_STATUS_FAIL,
                       "{\"errMsg\":\"cWho:fail invalid caller: the caller handle is NULL (did "
                       "making it fail?)\"}");
    tcmpp_caller_free(host);
    tcmpp_caller_free(host);
    tcmpp_caller_free(NULL);
    const char *gone = "{\"errMsg\":\"cWho:fail invalid caller: the caller handle was freed "
                       "(closed), or never made\"}";
    expect_handle_both("freed handle", forged, host, 0, TCMPP_STATUS_FAIL, gone);
    expect_handle_both("made-up handle", forged, (const tcmpp_caller *)(uintptr_t)0x7ff0dead, 0,
                       TCMPP_STATUS_FAIL, gone);
    CHECK(tcmpp_caller_dispatch(host, NULL, forged, 0, NULL, NULL, NULL) ==
              TCMPP_DISPATCH_NO_REPLY_CALLBACK,
          "handle dispatch without on_reply");
    if (failures == 0) {
        printf("ok caller handles\n");
    }
}

static void check_progress(void) {
    /* The stateEvent the host states routes the events; the call text's does not. */
    struct call *call = expect_reply(
        "progress", NULL,
        "{\"stateEvent\":\"evt42\",\"api_name\":\"cProgress\",\"data\":{\"steps\":5},\"webviewId\":3}",
        "{\"stateEvent\":\"host42\",\"webviewId\":3}", TCMPP_RENDER_CALLBACK, 1,
        TCMPP_STATUS_SUCCESS, "{\"steps\":5,\"errMsg\":\"cProgress:ok\"}");
    CHECK(call->events == 5, "progress: %d events, expected 5", call->events);
    CHECK(call->events_after_reply == 0, "progress: %d events after the reply",
          call->events_after_reply);
    for (int i = 0; i < call->events && i < 5; i++) {
        char expected[64];
        snprintf(expected, sizeof expected, "host42 {\"step\":%d}", i + 1);
        CHECK(strcmp(call->event[i], expected) == 0, "progress event %d: %s, expected %s", i,
              call->event[i], expected);
    }
    if (failures == 0) {
        printf("ok progress events in order before the reply: %s ... %s\n", call->event[0],
               call->event[4]);
    }
    call_free(call);

    /* The same, with the strings handed over to the host. */
    call = expect_reply("progress, host frees strings", NULL,
                        "{\"stateEvent\":\"evt43\",\"api_name\":\"cProgress\",\"data\":{\"steps\":2}}",
                        "{\"stateEvent\":\"host43\"}", TCMPP_RENDER_BARE | TCMPP_HOST_FREES_STRINGS,
                        1, TCMPP_STATUS_SUCCESS, "{\"steps\":2}");
    CHECK(call->events == 2 && strcmp(call->event[1], "host43 {\"step\":2}") == 0,
          "handed-over progress: %d events, %s", call->events,
          call->events > 1 ? call->event[1] : "");
    call_free(call);

    /* An untrusted stateEvent alone reaches nobody: the events carry none. */
    call = expect_reply("progress, untrusted stateEvent", NULL,
                        "{\"stateEvent\":\"forged\",\"api_name\":\"cProgress\",\"data\":{\"steps\":1}}",
                        NULL, TCMPP_RENDER_CALLBACK, 1, TCMPP_STATUS_SUCCESS, NULL);
    CHECK(call->events == 1 && strcmp(call->event[0], "NULL {\"step\":1}") == 0,
          "untrusted stateEvent: %d events, %s", call->events,
          call->events > 0 ? call->event[0] : "");
    if (failures == 0) {
        printf("ok untrusted stateEvent does not reach on_progress: %s\n", call->event[0]);
    }
    call_free(call);

    /* With TCMPP_CALLER_FROM_CALL_TEXT the text's stateEvent is the SDK's, and believed. */
    call = expect_reply("progress, stateEvent from the call text", NULL,
                        "{\"stateEvent\":\"sdk44\",\"api_name\":\"cProgress\",\"data\":{\"steps\":1}}",
                        NULL, TCMPP_CALLER_FROM_CALL_TEXT, 1, TCMPP_STATUS_SUCCESS, NULL);
    CHECK(call->events == 1 && strcmp(call->event[0], "sdk44 {\"step\":1}") == 0,
          "stateEvent from the call text: %d events, %s", call->events,
          call->events > 0 ? call->event[0] : "");
    if (failures == 0) {
        printf("ok stateEvent from the call text with TCMPP_CALLER_FROM_CALL_TEXT: %s\n",
               call->event[0]);
    }
    call_free(call);

    /* Without a progress callback the events are dropped, and the handler's `?` on send does
       not fail the call: nobody listening is no error. */
    call_free(expect_reply("progress without a listener", NULL,
                           "{\"api_name\":\"cProgress\",\"data\":{\"steps\":1}}", NULL,
                           TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_SUCCESS,
                           "{\"steps\":1,\"errMsg\":\"cProgress:ok\"}"));

    /* iOS's doSubscribe sends strings: "1" to "9", in order, before the reply. */
    call = expect_reply("string progress", NULL, "{\"api_name\":\"cSubscribe\"}",
                        "{\"stateEvent\":\"onSubscribe\"}", TCMPP_RENDER_CALLBACK, 1,
                        TCMPP_STATUS_SUCCESS, "{\"states\":9,\"errMsg\":\"cSubscribe:ok\"}");
    CHECK(call->events == 9 && call->events_after_reply == 0, "string progress: %d events",
          call->events);
    for (int i = 0; i < call->events && i < 9; i++) {
        char expected[64];
        snprintf(expected, sizeof expected, "onSubscribe \"%d\"", i + 1);
        CHECK(strcmp(call->event[i], expected) == 0, "string progress event %d: %s, expected %s",
              i, call->event[i], expected);
    }
    if (failures == 0) {
        printf("ok string progress in order before the reply: %s ... %s\n", call->event[0],
               call->event[8]);
    }
    call_free(call);
}

static void check_fail_body(void) {
    /* Android's req.failSync(JSONObject, msg): the body's keys beside errMsg and errCode in the
       callback object; under "body" in the bare rendering, apart from the message. */
    expect_both("fail body", NULL, "{\"api_name\":\"cFailSync\"}", NULL, TCMPP_RENDER_CALLBACK,
                TCMPP_STATUS_FAIL,
                "{\"errCode\":-1,\"errMsg\":\"cFailSync:fail not supported\",\"key\":\"value\"}");
    expect_both("bare fail body", NULL, "{\"api_name\":\"cFailSync\"}", NULL, TCMPP_RENDER_BARE,
                TCMPP_STATUS_FAIL,
                "{\"body\":{\"key\":\"value\"},\"code\":-1,\"message\":\"not supported\"}");
}

/* Luffa's multiplexed luffaWebRequest (tests/support/luffa.rs): each method its own handler,
   chosen by data.methodName, through both entries. */
static void check_multiplexed(void) {
    const char *wallet = "{\"appInfo\":{\"appId\":\"wx_wallet\"}}";
    expect_both("multiplexed connect", NULL,
                "{\"api_name\":\"luffaWebRequest\",\"data\":{\"uuid\":\"u1\",\"methodName\":"
                "\"connect\",\"initData\":{\"network\":\"eds\"},\"metadata\":{\"url\":\"u\","
                "\"icon\":\"i\"},\"from\":\"\",\"data\":{}}}",
                NULL, TCMPP_RENDER_BARE, TCMPP_STATUS_SUCCESS,
                "{\"data\":{\"address\":\"0xb60e8dd61c5d32be8058bb8eb970870f07233155\",\"icon\":\"i\","
                "\"network\":\"eds\",\"superBox\":false,\"url\":\"u\"},\"status\":0,\"uuid\":\"u1\"}");
    const char *sign =
        "{\"api_name\":\"luffaWebRequest\",\"data\":{\"uuid\":\"u2\",\"methodName\":\"signMessageV2\","
        "\"data\":{\"message\":\"hi\",\"nonce\":\"1\"}}}";
    expect_both("multiplexed signMessageV2", "luffaWebRequest", sign, wallet, TCMPP_RENDER_CALLBACK,
                TCMPP_STATUS_SUCCESS,
                "{\"data\":{\"signature\":\"sig(hi#1)\",\"signedFor\":\"wx_wallet\"},\"status\":0,"
                "\"uuid\":\"u2\",\"errMsg\":\"luffaWebRequest:ok\"}");
    expect_both("multiplexed signMessageV2 denied", NULL, sign, NULL, TCMPP_RENDER_CALLBACK,
                TCMPP_STATUS_FAIL, "{\"errMsg\":\"luffaWebRequest:fail permission denied\"}");
    expect_both("multiplexed numeric nonce", NULL,
                "{\"api_name\":\"luffaWebRequest\",\"data\":{\"uuid\":\"u2\",\"methodName\":"
                "\"signMessageV2\",\"data\":{\"message\":\"hi\",\"nonce\":1}}}",
                wallet, TCMPP_RENDER_CALLBACK, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"luffaWebRequest:fail invalid data: data.nonce: invalid type: integer "
                "`1`, expected a string\"}");
    call_free(expect_reply(
        "multiplexed packageTransaction", NULL,
        "{\"api_name\":\"luffaWebRequest\",\"data\":{\"uuid\":\"u3\",\"methodName\":"
        "\"packageTransaction\",\"data\":{\"module\":\"0x1\",\"moduleName\":\"m\","
        "\"functionName\":\"f\",\"data\":\"[1,2,3]\"}}}",
        NULL, TCMPP_RENDER_CALLBACK, 0, TCMPP_STATUS_SUCCESS,
        "{\"data\":{\"arguments\":3,\"function\":\"0x1::m::f\"},\"status\":0,\"uuid\":\"u3\","
        "\"errMsg\":\"luffaWebRequest:ok\"}"));
    expect_both("multiplexed language, legacy", "luffaWebRequest",
                "{\"uuid\":\"u4\",\"methodName\":\"language\"}", NULL,
                TCMPP_LEGACY_FORMAT | TCMPP_RENDER_BARE, TCMPP_STATUS_SUCCESS,
                "{\"data\":{\"language\":\"en\"},\"status\":0}");
    /* The restricted signMessageV2 is listed only to a caller that may call it. */
    expect_both("multiplexed unknown method", NULL,
                "{\"api_name\":\"luffaWebRequest\",\"data\":{\"methodName\":\"share\"}}", NULL,
                TCMPP_RENDER_CALLBACK, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"luffaWebRequest:fail invalid data: methodName: unknown method "
                "\\\"share\\\"; the methods of luffaWebRequest are \\\"connect\\\", \\\"language\\\", "
                "\\\"packageTransaction\\\"\"}");
    expect_both("multiplexed unknown method, granted caller", NULL,
                "{\"api_name\":\"luffaWebRequest\",\"data\":{\"methodName\":\"share\"}}", wallet,
                TCMPP_RENDER_CALLBACK, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"luffaWebRequest:fail invalid data: methodName: unknown method "
                "\\\"share\\\"; the methods of luffaWebRequest are \\\"connect\\\", \\\"language\\\", "
                "\\\"packageTransaction\\\", \\\"signMessageV2\\\"\"}");

    char *apis = tcmpp_apis_json();
    CHECK(apis && strstr(apis, "{\"name\":\"luffaWebRequest\",\"method\":\"connect\",\"methodKey\":"
                               "\"methodName\",\"sync\":true,") != NULL,
          "api list lacks luffaWebRequest.connect: %s", apis ? apis : "(NULL)");
    tcmpp_string_free(apis);
    char *config = tcmpp_custom_config_json();
    CHECK(config && strstr(config, "\"name\": \"luffaWebRequest\",\n      \"sync\": false") != NULL,
          "custom config lacks luffaWebRequest, async: %s", config ? config : "(NULL)");
    const char *first = config ? strstr(config, "luffaWebRequest") : NULL;
    CHECK(first && strstr(first + 1, "luffaWebRequest") == NULL,
          "custom config lists luffaWebRequest more than once: %s", config ? config : "(NULL)");
    if (failures == 0) {
        printf("ok multiplexed in the api list and once in the custom config\n");
    }
    tcmpp_string_free(config);
}

static void check_sync(void) {
    int32_t status = -1;
    char *reply = tcmpp_dispatch_sync(NULL, "{\"api_name\":\"cPing\"}", NULL,
                                      TCMPP_RENDER_CALLBACK, &status);
    CHECK(status == TCMPP_STATUS_SUCCESS && strcmp(reply, "{\"pong\":\"c-host\",\"errMsg\":\"cPing:ok\"}") == 0,
          "sync cPing: %d %s", status, reply);
    printf("ok sync call: %s\n", reply);
    tcmpp_string_free(reply);

    /* An async handler that is not done at once cannot answer a synchronous call. */
    reply = tcmpp_dispatch_sync(NULL, "{\"api_name\":\"cYield\"}", NULL, TCMPP_RENDER_BARE, &status);
    CHECK(status == TCMPP_STATUS_FAIL && strstr(reply, "cannot answer a synchronous call") != NULL,
          "sync call to an async API: %d %s", status, reply);
    printf("ok sync call to an async API: %s\n", reply);
    tcmpp_string_free(reply);

    /* One that is done when first polled can. */
    expect_sync("sync call to an async API done at once", NULL,
                "{\"api_name\":\"cEcho\",\"data\":{\"n\":1}}", NULL, TCMPP_RENDER_BARE,
                TCMPP_STATUS_SUCCESS, "{\"n\":1}");

    reply = tcmpp_dispatch_sync("cPing", NULL, NULL, 0, NULL);
    CHECK(strcmp(reply, "{\"errMsg\":\"cPing:fail invalid call: call_json is NULL\"}") == 0,
          "sync NULL call: %s", reply);
    tcmpp_string_free(reply);
}

/* 10,000 concurrent calls from several threads: every reply arrives, exactly once, and is the
   reply to its own call; half of the threads share one caller handle. */
#define THREADS 8
#define CALLS_PER_THREAD 1250
#define CALLS (THREADS * CALLS_PER_THREAD)

struct slot {
    atomic_int replies;
    atomic_int wrong;
    int n;
};

static struct slot slots[CALLS];
static atomic_int total_replies;
/* Odd threads state their caller with this one handle, even threads as JSON. */
static tcmpp_caller *shared_caller;

static void count_reply(void *context, int32_t status, const char *reply_json) {
    struct slot *slot = context;
    char expected[64];
    snprintf(expected, sizeof expected, "{\"n\":%d,\"errMsg\":\"cEcho:ok\"}", slot->n);
    if (status != TCMPP_STATUS_SUCCESS || strcmp(reply_json, expected) != 0) {
        atomic_fetch_add(&slot->wrong, 1);
    }
    atomic_fetch_add(&slot->replies, 1);
    atomic_fetch_add(&total_replies, 1);
}

static void *send_calls(void *arg) {
    int first = *(int *)arg;
    char json[96];
    for (int i = first; i < first + CALLS_PER_THREAD; i++) {
        slots[i].n = i;
        snprintf(json, sizeof json, "{\"api_name\":\"cEcho\",\"data\":{\"n\":%d},\"webviewId\":1}", i);
        int32_t accepted =
            (first / CALLS_PER_THREAD) % 2
                ? tcmpp_caller_dispatch(shared_caller, NULL, json, 0, count_reply, NULL, &slots[i])
                : tcmpp_dispatch(NULL, json, "{\"webviewId\":1}", 0, count_reply, NULL, &slots[i]);
        if (accepted != TCMPP_DISPATCH_ACCEPTED) {
            atomic_fetch_add(&slots[i].wrong, 1);
        }
    }
    return NULL;
}

static void check_concurrency(void) {
    pthread_t threads[THREADS];
    int firsts[THREADS];
    shared_caller = tcmpp_caller_new("{\"webviewId\":1}", 0, NULL);
    CHECK(shared_caller != NULL, "concurrency: no caller handle");
    for (int t = 0; t < THREADS; t++) {
        firsts[t] = t * CALLS_PER_THREAD;
        pthread_create(&threads[t], NULL, send_calls, &firsts[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
    }
    struct timespec pause = {0, 1000000};
    for (int waited = 0; atomic_load(&total_replies) < CALLS && waited < 60000; waited++) {
        nanosleep(&pause, NULL);
    }
    /* Give a duplicate reply, if there were one, the time to arrive. */
    struct timespec settle = {0, 100000000};
    nanosleep(&settle, NULL);
    int missing = 0, duplicated = 0, wrong = 0;
    for (int i = 0; i < CALLS; i++) {
        int replies = atomic_load(&slots[i].replies);
        missing += replies == 0;
        duplicated += replies > 1;
        wrong += atomic_load(&slots[i].wrong) > 0;
    }
    CHECK(missing == 0 && duplicated == 0 && wrong == 0,
          "concurrency: %d missing, %d duplicated, %d wrong of %d", missing, duplicated, wrong,
          CALLS);
    CHECK(atomic_load(&total_replies) == CALLS, "concurrency: %d replies for %d calls",
          atomic_load(&total_replies), CALLS);
    tcmpp_caller_free(shared_caller);
    if (failures == 0) {
        printf("ok concurrency: %d calls from %d threads, each answered exactly once\n", CALLS,
               THREADS);
    }
}

/* The library says the ABI version of the header it was compiled against. */
static void check_abi_version(void) {
    uint32_t version = tcmpp_abi_version();
    CHECK(version == TCMPP_ABI_VERSION, "tcmpp_abi_version() is %u, tcmpp.h says %u",
          (unsigned)version, (unsigned)TCMPP_ABI_VERSION);
    if (version == TCMPP_ABI_VERSION) {
        printf("ok abi version: %u\n", (unsigned)version);
    }
}

/* A flag bit this library does not know (a host built against a newer tcmpp.h) is refused
   with a fail reply, rendered and delivered by the bits it knows, never silently ignored. */
static void check_unknown_flags(void) {
    const char *call = "{\"api_name\":\"cEcho\",\"data\":{\"n\":1}}";
    const char *refused =
        "{\"errMsg\":\"cEcho:fail invalid call: unknown flag bits 0x10; this library knows "
        "TCMPP_RENDER_BARE (1), TCMPP_HOST_FREES_STRINGS (2), TCMPP_LEGACY_FORMAT (4) and "
        "TCMPP_CALLER_FROM_CALL_TEXT (8): build the host against this library's tcmpp.h\"}";
    expect_both("unknown flag bit", "cEcho", call, NULL, 16u, TCMPP_STATUS_FAIL, refused);
    expect_both("unknown flag bit, bare", "cEcho", call, NULL, 16u | TCMPP_RENDER_BARE,
                TCMPP_STATUS_FAIL,
                "{\"message\":\"invalid call: unknown flag bits 0x10; this library knows "
                "TCMPP_RENDER_BARE (1), TCMPP_HOST_FREES_STRINGS (2), TCMPP_LEGACY_FORMAT (4) and "
                "TCMPP_CALLER_FROM_CALL_TEXT (8): build the host against this library's tcmpp.h\"}");
    expect_both("high flag bit", NULL, call, NULL, 0x80000000u, TCMPP_STATUS_FAIL,
                "{\"errMsg\":\"invokeNativePlugin:fail invalid call: unknown flag bits 0x80000000; "
                "this library knows TCMPP_RENDER_BARE (1), TCMPP_HOST_FREES_STRINGS (2), "
                "TCMPP_LEGACY_FORMAT (4) and TCMPP_CALLER_FROM_CALL_TEXT (8): build the host "
                "against this library's tcmpp.h\"}");
    /* Handed over with the known bit: the host frees the refusal as any reply. */
    struct call *handed = call_new();
    tcmpp_dispatch("cEcho", call, NULL, 32u | TCMPP_HOST_FREES_STRINGS, take_reply, NULL, handed);
    CHECK(wait_reply(handed) && handed->replies == 1 && handed->status == TCMPP_STATUS_FAIL &&
              strstr(handed->reply, "unknown flag bits 0x20") != NULL,
          "unknown flag bit, strings handed over: %s", handed->reply ? handed->reply : "(none)");
    call_free(handed);
    if (failures == 0) {
        printf("ok unknown flag bits refused\n");
    }
}

int main(void) {
    check_abi_version();
    check_registry();
    check_replies();
    check_numbers();
    check_forged_callers();
    check_caller_context();
    check_invalid_callers();
    check_caller_handles();
    check_progress();
    check_multiplexed();
    check_fail_body();
    check_sync();
    check_concurrency();
    check_unknown_flags();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
