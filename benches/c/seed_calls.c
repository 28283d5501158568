/*
 * The seed call through the C ABI, N times and nothing else: a program for callgrind, as
 * benches/benches/instructions.rs is for the Rust entry. Linked against the cdylib of
 * tests/android-host (the seed handler `myApiName` the JVM benchmark calls), it answers each
 * call with tcmpp_dispatch_sync, the caller stated either as JSON with every call (`json`) or
 * once, as a handle (`handle`). The difference of the counts of `<contender> 10000` and
 * `<contender> 0`, over 10,000, is the contender's instructions per call; docs/PERFORMANCE.md
 * (issue 23) says how to build and run it.
 */
#include "tcmpp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const SEED =
    "{\"stateEvent\":\"requestCustomApi\",\"api_name\":\"myApiName\",\"data\":{\"name\":\"kka\","
    "\"age\":22},\"webviewId\":4}";
static const char *const CALLER = "{\"appInfo\":{\"appId\":\"wx_demo_app\"}}";
static const char *const EXPECTED = "{\"result\":\"success\",\"method\":\"myApiHandler\"}";

/* One seed call; whether it was answered as expected. */
static int seed_call(int with_handle, const tcmpp_caller *caller) {
    int32_t status = -1;
    char *reply = with_handle
                      ? tcmpp_caller_dispatch_sync(caller, NULL, SEED, TCMPP_RENDER_BARE, &status)
                      : tcmpp_dispatch_sync(NULL, SEED, CALLER, TCMPP_RENDER_BARE, &status);
    int ok = status == TCMPP_STATUS_SUCCESS && strcmp(reply, EXPECTED) == 0;
    if (!ok) {
        fprintf(stderr, "unexpected reply %d %s\n", status, reply);
    }
    tcmpp_string_free(reply);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "json") != 0 && strcmp(argv[1], "handle") != 0)) {
        fprintf(stderr, "usage: %s json|handle CALLS\n", argv[0]);
        return 2;
    }
    int with_handle = strcmp(argv[1], "handle") == 0;
    long calls = strtol(argv[2], NULL, 10);
    if (tcmpp_abi_version() != TCMPP_ABI_VERSION) {
        fprintf(stderr, "the library is not of this tcmpp.h\n");
        return 1;
    }
    char *problem = tcmpp_init();
    if (problem != NULL) {
        fprintf(stderr, "registry: %s\n", problem);
        return 1;
    }
    /* Both contenders make the handle and answer one call first, so that the counts of 0 calls
       hold the same start-up (the registry, lazy statics). */
    tcmpp_caller *caller = tcmpp_caller_new(CALLER, 0, NULL);
    if (caller == NULL || !seed_call(with_handle, caller)) {
        return 1;
    }
    for (long i = 0; i < calls; i++) {
        if (!seed_call(with_handle, caller)) {
            return 1;
        }
    }
    tcmpp_caller_free(caller);
    printf("%ld seed calls (%s)\n", calls, argv[1]);
    return 0;
}
