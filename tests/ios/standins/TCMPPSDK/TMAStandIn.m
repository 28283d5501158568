/* STAND-IN for the TCMPP iOS SDK: see TCMPPSDK.h. Built without ARC (GNUstep, gcc's runtime). */
#import "TCMPPSDK.h"

#include <objc/runtime.h>

@implementation TMFMiniAppInfo
@synthesize appId = _appId;
@synthesize appTitle = _appTitle;
@synthesize appIcon = _appIcon;
@synthesize appDescription = _appDescription;
@synthesize verType = _verType;
- (void)dealloc {
    [_appId release];
    [_appTitle release];
    [_appIcon release];
    [_appDescription release];
    [super dealloc];
}
@end

@implementation TMAExternalJSPluginResult
@synthesize result = _result;
@synthesize error = _error;
- (void)dealloc {
    [_result release];
    [_error release];
    [super dealloc];
}
@end

/* A plain C list: +load runs before Foundation is ready to make objects. */
enum { TMA_STAND_IN_MAX_PLUGINS = 16 };
static Class plugins[TMA_STAND_IN_MAX_PLUGINS];
static int pluginCount;

void TMAStandInRegisterPlugin(Class plugin) {
    if (pluginCount < TMA_STAND_IN_MAX_PLUGINS) {
        plugins[pluginCount++] = plugin;
    }
}

typedef TMAExternalJSPluginResult *(*TMAStandInApi)(id, SEL, NSString *, NSDictionary *,
                                                     id<TMAExternalJSContextProtocol>);

TMAExternalJSPluginResult *TMAStandInInvoke(NSString *api, NSDictionary *params,
                                            id<TMAExternalJSContextProtocol> context,
                                            BOOL *found) {
    NSString *selectorName =
        [NSString stringWithFormat:@"__tma_external_api__%@:params:context:", api];
    SEL selector = sel_registerName([selectorName UTF8String]);
    for (int i = 0; i < pluginCount; i++) {
        Class plugin = plugins[i];
        Method method = class_getInstanceMethod(plugin, selector);
        if (method == NULL) {
            continue;
        }
        *found = YES;
        id instance = [[plugin alloc] init];
        TMAStandInApi imp = (TMAStandInApi)method_getImplementation(method);
        TMAExternalJSPluginResult *result = imp(instance, selector, api, params, context);
        [instance release];
        return result;
    }
    *found = NO;
    return nil;
}
