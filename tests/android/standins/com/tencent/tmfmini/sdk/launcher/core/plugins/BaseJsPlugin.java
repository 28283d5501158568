// STAND-IN for the TCMPP Android SDK (not public): the field the public demo's plugins read.
package com.tencent.tmfmini.sdk.launcher.core.plugins;

import com.tencent.tmfmini.sdk.launcher.model.MiniAppInfo;

/** The base of every plugin; the SDK sets the running mini program. */
public class BaseJsPlugin {
    protected MiniAppInfo mMiniAppInfo;

    /** Test hook standing in for the SDK setting the running mini program. */
    public void standInSetMiniAppInfo(MiniAppInfo info) {
        mMiniAppInfo = info;
    }
}
