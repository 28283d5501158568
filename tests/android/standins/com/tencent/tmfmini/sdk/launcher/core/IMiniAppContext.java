// STAND-IN for the TCMPP Android SDK (not public). Tencent's public demo
// (TencentCloud/tcmpp-demo-android: PaymentManager.java, MiniOpenApiProxyImpl.java) imports this
// interface and calls getMiniAppInfo() on it; Tencent's page "Customizing Mini Program APIs"
// (tencentcloud.com/document/product/1219/61274, 2026-03-20) reads the caller through
// mMiniAppContext.getMiniAppInfo() in a plugin. Nothing else of it is assumed.
package com.tencent.tmfmini.sdk.launcher.core;

import com.tencent.tmfmini.sdk.launcher.model.MiniAppInfo;

/** The environment a mini program runs in. */
public interface IMiniAppContext {
    MiniAppInfo getMiniAppInfo();
}
