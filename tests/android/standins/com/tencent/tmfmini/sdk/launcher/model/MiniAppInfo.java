// STAND-IN for the TCMPP Android SDK (not public). The demo reads `mMiniAppInfo.appId`
// (WxApiPlugin.java); the SDK's other fields are not shown publicly, so none is assumed here.
package com.tencent.tmfmini.sdk.launcher.model;

/** The SDK's record of the running mini program. */
public class MiniAppInfo {
    public String appId;

    public MiniAppInfo(String appId) {
        this.appId = appId;
    }
}
