/*
 * STAND-IN for the TCMPP iOS SDK (pod TCMPPSDK, not public): only what Tencent's public demo
 * (github.com/TencentCloud/tcmpp-demo-ios, Objective-C/ and Swift/) and its "Custom Mini
 * Program APIs" page (tencentcloud.com/document/product/1219/61463) show, each declaration
 * citing where it was seen. Instead of answering a mini program, this one records what a
 * plugin told it (TMAStandIn.m). Compiled by tests/hosts/ios.rs with clang against GNUstep.
 */
#import <Foundation/Foundation.h>

/*
 * The version types of a mini program: the names TCMPPAppCell.m compares `appInfo.verType`
 * with (TMAVersionDevelop, TMAVersionAudit, TMAVersionPreview, TMAVersionOnline,
 * TMAVersionLocal). The enum's own name and its values are not shown (unverified): the
 * generated registration passes the value on as the SDK numbers it, under a key of its own.
 */
typedef NS_ENUM(NSInteger, TMAVersionType) {
    TMAVersionOnline,
    TMAVersionDevelop,
    TMAVersionAudit,
    TMAVersionPreview,
    TMAVersionLocal,
};

/*
 * The SDK's record of a mini program: appId (PayRequestJsApi.m: `appInfo.appId`), appTitle,
 * appIcon, appDescription, verType (TCMPPAppCell.m). appIcon's type is not shown: the demo
 * hands it to an image loader as a URL string (unverified).
 */
@interface TMFMiniAppInfo : NSObject {
  @private
    NSString *_appId;
    NSString *_appTitle;
    NSString *_appIcon;
    NSString *_appDescription;
    TMAVersionType _verType;
}
@property (nonatomic, copy) NSString *appId;
@property (nonatomic, copy) NSString *appTitle;
@property (nonatomic, copy) NSString *appIcon;
@property (nonatomic, copy) NSString *appDescription;
@property (nonatomic, assign) TMAVersionType verType;
@end

/*
 * A custom API's answer: `[TMAExternalJSPluginResult new]`, then `result` (a dictionary) or
 * `error` (an NSError whose NSLocalizedDescriptionKey is the reason) (PayRequestJsApi.m; the
 * custom-API page's testSync returns one with `result = @{}`).
 */
@interface TMAExternalJSPluginResult : NSObject {
  @private
    NSDictionary *_result;
    NSError *_error;
}
@property (nonatomic, strong) NSDictionary *result;
@property (nonatomic, strong) NSError *error;
@end

/*
 * What a custom API is handed besides its params: `context.tmfAppInfo` (PayRequestJsApi.m, the
 * custom-API page), `[context doCallback:pluginResult]` for an asynchronous answer
 * (PayRequestJsApi.m), `[context doSubscribe:stateEvent data:@"1"]` for an intermediate state,
 * a string (TestStateJsApi.m; TMATestView.m passes JSON text).
 */
@protocol TMAExternalJSContextProtocol <NSObject>
@property (nonatomic, readonly) TMFMiniAppInfo *tmfAppInfo;
- (void)doCallback:(TMAExternalJSPluginResult *)result;
- (void)doSubscribe:(NSString *)event data:(NSString *)data;
@end

/*
 * TMAExternalJSAPI_IMP(name) { ... } defines a custom API whose body sees `params` (an
 * NSDictionary: `params[@"data"]`, `params[@"stateEvent"]`) and `context`, and returns a
 * TMAExternalJSPluginResult for a synchronous answer or nil for one given later through
 * doCallback (PayRequestJsApi.m, TestStateJsApi.m, the custom-API page's testSync and test).
 * The macro's expansion is not public; the Swift demo (PayRequestJSApi.swift) writes the same
 * API as `@objc func __tma_external_api__myRequestPayment(_ name: String, params:
 * [String : Any]?, context: TMAExternalJSContextProtocol) -> TMAExternalJSPluginResult?`,
 * which is the method this stand-in declares. The first parameter's name is not shown, so
 * generated code never uses it.
 */
#define TMAExternalJSAPI_IMP(api)                                                                \
    -(TMAExternalJSPluginResult *)__tma_external_api__##api : (NSString *)tma_stand_in_name     \
                                                     params : (NSDictionary *)params             \
                                                    context : (id<TMAExternalJSContextProtocol>)context

/*
 * TMA_REGISTER_EXTENAL_JSPLUGIN (spelt so) in a class's @implementation makes its APIs known
 * to the SDK (PayRequestJsApi.m, TestStateJsApi.m, the custom-API page). How is not shown: here
 * it adds the class to the list TMAStandInInvoke searches, when the class is loaded.
 */
void TMAStandInRegisterPlugin(Class plugin);
#define TMA_REGISTER_EXTENAL_JSPLUGIN                                                            \
    +(void)load {                                                                                \
        TMAStandInRegisterPlugin(self);                                                          \
    }

/*
 * The stand-in's own, not the SDK's: what the SDK does when a mini program calls `api`, as far
 * as this project assumes it: make the registered class's instance and call its
 * __tma_external_api__<api>:params:context: method. Returns what the method returned (a
 * synchronous answer, or nil); NO in *found when no registered class has the API.
 */
TMAExternalJSPluginResult *TMAStandInInvoke(NSString *api, NSDictionary *params,
                                            id<TMAExternalJSContextProtocol> context,
                                            BOOL *found);
