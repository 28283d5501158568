// STAND-IN for the TCMPP Android SDK (not public). Tencent's public demo reads `appId`
// (WxApiPlugin.java: mMiniAppInfo.appId; PaymentManager.java: getMiniAppInfo().appId). The other
// fields are those of the SDK's lineage, the QQ mini program SDK's MiniAppBaseInfo
// (com.tencent.qqmini.sdk.launcher.model, public only as a decompiled QQ app, e.g.
// github.com/tsuzcx/qq_apk): names and types as there, not checked against TCMPP's own SDK.
package com.tencent.tmfmini.sdk.launcher.model;

/** The SDK's record of the running mini program. */
public class MiniAppInfo {
    public String appId;
    /** 0 develop, 1 trial, 3 online, 4 preview (the lineage's constants). */
    public int verType;
    public String version;
    public String name;
    public String iconUrl;
    public String desc;
    public String developerDesc;
    public long timestamp;

    public MiniAppInfo(String appId) {
        this.appId = appId;
    }
}
