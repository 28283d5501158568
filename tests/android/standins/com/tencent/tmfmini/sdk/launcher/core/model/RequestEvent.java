// STAND-IN for the TCMPP Android SDK (not public). The methods have the signatures the public
// demo calls (CustomPlugin.java, PayJsPlugin.java): ok(), ok(JSONObject), fail(String),
// okSync(JSONObject), failSync(JSONObject, String), sendState(RequestEvent, JSONObject), and
// the field jsonParams. `event` (the API name the SDK routed by) is not shown by the demo
// (unverified). Instead of answering a mini program, this one records what it was told.
package com.tencent.tmfmini.sdk.launcher.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.json.JSONObject;

/** One call from a mini program. */
public class RequestEvent {
    public String event;
    public String jsonParams;

    /** What the plugin answered, in order: "state {…}", "ok {…}", "fail reason", "okSync {…}", "failSync {…} reason". */
    public final List<String> answers = new ArrayList<>();
    /** Counted down by the asynchronous answer (ok or fail). */
    public final CountDownLatch answered = new CountDownLatch(1);

    public RequestEvent(String event, String jsonParams) {
        this.event = event;
        this.jsonParams = jsonParams;
    }

    public synchronized void ok() {
        answers.add("ok {}");
        answered.countDown();
    }

    public synchronized void ok(JSONObject result) {
        answers.add("ok " + result);
        answered.countDown();
    }

    public synchronized void fail(String message) {
        answers.add("fail " + message);
        answered.countDown();
    }

    public synchronized String okSync(JSONObject result) {
        answers.add("okSync " + result);
        return result.toString();
    }

    public synchronized String failSync(JSONObject data, String message) {
        answers.add("failSync " + data + " " + message);
        return data.toString();
    }

    public synchronized void sendState(RequestEvent req, JSONObject state) {
        answers.add("state " + state);
    }

    public synchronized List<String> answersSoFar() {
        return new ArrayList<>(answers);
    }
}
