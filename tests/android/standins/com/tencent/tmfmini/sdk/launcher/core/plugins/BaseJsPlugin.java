// STAND-IN for the TCMPP Android SDK (not public). Tencent's public demo's plugins read the
// fields mMiniAppInfo (WxApiPlugin.java) and mMiniAppContext (PayJsPlugin.java); onDestroy() is
// the SDK lineage's (the QQ mini program SDK's BaseJsPlugin, public only decompiled), where the
// SDK calls it when the mini program's plugins are torn down.
package com.tencent.tmfmini.sdk.launcher.core.plugins;

import com.tencent.tmfmini.sdk.launcher.core.IMiniAppContext;
import com.tencent.tmfmini.sdk.launcher.model.MiniAppInfo;

/** The base of every plugin; the SDK sets the running mini program. */
public class BaseJsPlugin {
    protected IMiniAppContext mMiniAppContext;
    protected MiniAppInfo mMiniAppInfo;
    protected boolean mIsDestroyed;

    /** Test hook standing in for the SDK creating the plugin for a running mini program (onCreate). */
    public void standInCreate(IMiniAppContext context) {
        mMiniAppContext = context;
        mMiniAppInfo = context.getMiniAppInfo();
        mIsDestroyed = false;
    }

    /** The SDK is done with the plugin. */
    public void onDestroy() {
        mIsDestroyed = true;
    }
}
