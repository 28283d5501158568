// STAND-IN for the TCMPP Android SDK (not public). Used exactly so in Tencent's public demo
// (TencentCloud/tcmpp-demo-android: CustomPlugin.java, PayJsPlugin.java): ok(), ok(JSONObject),
// fail(String), failSync(JSONObject, String), sendState(RequestEvent, JSONObject), the field
// jsonParams. From the SDK's lineage only (the QQ mini program SDK's RequestEvent, public only
// decompiled, e.g. github.com/tsuzcx/qq_apk): the field `event` (the API name the SDK routed
// by), fail(JSONObject, String), cancel(), cancel(JSONObject), and what the page receives
// (ApiUtil.wrapCallbackOk/Fail/Cancel: the object, with errMsg "<event>:ok", "<event>:fail
// <message>", "<event>:cancel cancel"). Unverified: okSync's parameter (a JSONObject, like
// failSync's) and `webViewId` (where an SDK keeps the calling web view's id: not shown
// publicly; the generated plugin reads it only where the app says so).
//
// Instead of answering a mini program, this one records what it was told (`answers`) and
// what the page would receive (`pageViews`).
package com.tencent.tmfmini.sdk.launcher.core.model;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.json.JSONException;
import org.json.JSONObject;

/** One call from a mini program. */
public class RequestEvent {
    public String event;
    public String jsonParams;
    /** Unverified (see above). */
    public int webViewId;

    /** What the plugin answered, in order: "state {…}", "ok {…}", "fail {…} reason", "cancel", "okSync {…}", "failSync {…} reason". */
    public final List<String> answers = new ArrayList<>();
    /** The callback objects the page receives, as the lineage's ApiUtil writes them. */
    public final List<String> pageViews = new ArrayList<>();
    /** Counted down by the asynchronous answer (ok, fail or cancel). */
    public final CountDownLatch answered = new CountDownLatch(1);

    public RequestEvent(String event, String jsonParams) {
        this.event = event;
        this.jsonParams = jsonParams;
    }

    public synchronized String ok() {
        return ok(null);
    }

    public synchronized String ok(JSONObject result) {
        answers.add("ok " + (result == null ? "{}" : result));
        answered.countDown();
        return page(result, ":ok");
    }

    public synchronized String fail() {
        return fail(null, null);
    }

    public synchronized String fail(String message) {
        return fail(null, message);
    }

    public synchronized String fail(JSONObject data, String message) {
        answers.add("fail " + (data == null ? "{}" : data) + " " + message);
        answered.countDown();
        return page(data, message == null || message.isEmpty() ? ":fail" : ":fail " + message);
    }

    public synchronized String cancel() {
        return cancel(null);
    }

    public synchronized String cancel(JSONObject data) {
        answers.add("cancel");
        answered.countDown();
        return page(data, ":cancel cancel");
    }

    public synchronized String okSync(JSONObject result) {
        answers.add("okSync " + result);
        page(result, ":ok");
        return result.toString();
    }

    public synchronized String failSync(JSONObject data, String message) {
        answers.add("failSync " + data + " " + message);
        page(data, ":fail " + message);
        return data.toString();
    }

    public synchronized void sendState(RequestEvent req, JSONObject state) {
        answers.add("state " + state);
    }

    public synchronized List<String> answersSoFar() {
        return new ArrayList<>(answers);
    }

    public synchronized List<String> pageViewsSoFar() {
        return new ArrayList<>(pageViews);
    }

    /** The object with errMsg set, as the page receives it. */
    private String page(JSONObject data, String status) {
        try {
            JSONObject view = new JSONObject();
            if (data != null) {
                for (Iterator<String> keys = data.keys(); keys.hasNext(); ) {
                    String key = keys.next();
                    view.put(key, data.get(key));
                }
            }
            view.put("errMsg", event + status);
            pageViews.add(view.toString());
            return view.toString();
        } catch (JSONException e) {
            throw new IllegalStateException(e);
        }
    }
}
