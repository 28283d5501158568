/*
 * TcmppBridge's start-up against a stand-in of the C library (these functions, not the Rust
 * one): a library that speaks another ABI version, and a registry that cannot be built, each
 * refused with an NSError that says what to do. Built and run by tests/hosts/ios.rs, without ARC.
 */
#import <Foundation/Foundation.h>

#import "TcmppBridge.h"
#include "tcmpp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the stand-in library says. */
static uint32_t libraryVersion = TCMPP_ABI_VERSION;
static const char *buildProblems = NULL;
static int freed = 0;

uint32_t tcmpp_abi_version(void) { return libraryVersion; }
char *tcmpp_init(void) { return buildProblems == NULL ? NULL : strdup(buildProblems); }
char *tcmpp_apis_json(void) { return buildProblems == NULL ? strdup("[]") : NULL; }
char *tcmpp_custom_config_json(void) { return NULL; }
void tcmpp_string_free(char *string) {
    freed += string != NULL;
    free(string);
}
int32_t tcmpp_dispatch(const char *api_name, const char *call_json, const char *caller_json,
                       uint32_t flags, tcmpp_reply_fn on_reply, tcmpp_progress_fn on_progress,
                       void *context) {
    (void)api_name, (void)call_json, (void)caller_json, (void)flags, (void)on_progress;
    on_reply(context, TCMPP_STATUS_SUCCESS, "{}");
    return TCMPP_DISPATCH_ACCEPTED;
}
char *tcmpp_dispatch_sync(const char *api_name, const char *call_json, const char *caller_json,
                          uint32_t flags, int32_t *status_out) {
    (void)api_name, (void)call_json, (void)caller_json, (void)flags;
    *status_out = TCMPP_STATUS_SUCCESS;
    return strdup("{}");
}

int main(void) {
    int failures = 0;
    @autoreleasepool {
        NSError *error = nil;
        libraryVersion = TCMPP_ABI_VERSION + 1;
        BOOL started = [TcmppBridge startWithError:&error];
        if (!started && [[error domain] isEqualToString:TcmppErrorDomain] &&
            [error code] == TcmppStartErrorAbiMismatch &&
            [[error localizedDescription]
                rangeOfString:[NSString stringWithFormat:@"speaks C ABI version %u",
                                                         (unsigned)TCMPP_ABI_VERSION + 1]]
                    .location != NSNotFound) {
            printf("ok another ABI version refused: %s\n", [[error localizedDescription] UTF8String]);
        } else {
            printf("FAIL abi mismatch: %d %s\n", started, [[error description] UTF8String]);
            failures++;
        }

        libraryVersion = TCMPP_ABI_VERSION;
        buildProblems = "duplicate API name \"pay\": src/a.rs:3:1 and src/b.rs:9:1";
        error = nil;
        started = [TcmppBridge startWithError:&error];
        if (!started && [error code] == TcmppStartErrorBuildFailed &&
            [[error localizedDescription]
                isEqualToString:@"the Rust registry cannot be built: duplicate API name \"pay\": "
                                @"src/a.rs:3:1 and src/b.rs:9:1"] &&
            freed == 1 && [TcmppBridge apis] == nil && [TcmppBridge apiNames] == nil) {
            printf("ok build problems as an NSError: %s\n", [[error localizedDescription] UTF8String]);
        } else {
            printf("FAIL build problems: %d %s (freed %d)\n", started, [[error description] UTF8String], freed);
            failures++;
        }

        buildProblems = NULL;
        error = nil;
        if ([TcmppBridge startWithError:&error] && error == nil && [TcmppBridge startWithError:NULL]) {
            printf("ok a matching library with a registry starts\n");
        } else {
            printf("FAIL start: %s\n", [[error description] UTF8String]);
            failures++;
        }
    }
    printf(failures ? "%d check(s) failed\n" : "all start-up checks passed\n", failures);
    return failures ? 1 : 0;
}
