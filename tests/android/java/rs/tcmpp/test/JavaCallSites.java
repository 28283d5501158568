// What a Java host writes against the shipped bridge: compiled with javac, so that each call site
// below is pinned (a change to the Kotlin signatures that breaks one fails the build), and run by
// BridgeTest.kt.
package rs.tcmpp.test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import rs.tcmpp.android.TcmppAppInfo;
import rs.tcmpp.android.TcmppBridge;
import rs.tcmpp.android.TcmppBuildException;
import rs.tcmpp.android.TcmppCaller;
import rs.tcmpp.android.TcmppCallerHandle;
import rs.tcmpp.android.TcmppPendingCall;
import rs.tcmpp.android.TcmppReply;

public final class JavaCallSites {
    private JavaCallSites() {}

    /** The Java host's start-up and one call of each kind; what each answered. */
    public static String run() throws InterruptedException {
        try {
            // Compiles only while init() declares the checked TcmppBuildException (@Throws):
            // javac refuses a catch of a checked exception the try block cannot throw.
            TcmppBridge.init();
        } catch (TcmppBuildException e) {
            return "the registry did not build: " + e.getProblems();
        }
        CountDownLatch answered = new CountDownLatch(1);
        AtomicReference<TcmppReply> reply = new AtomicReference<>();
        TcmppPendingCall call = TcmppBridge.dispatch(null, "{\"api_name\":\"aEcho\",\"data\":{\"n\":9}}", null, r -> {
            reply.set(r);
            answered.countDown();
        });
        if (!answered.await(10, TimeUnit.SECONDS)) return "no reply";
        call.cancel(); // Answered already: nothing happens.
        TcmppReply sync = TcmppBridge.dispatchSync(null, "{\"api_name\":\"aPing\",\"data\":{}}");
        // A caller stated once: AutoCloseable, and named WithHandle from Java so that a null
        // caller above stays unambiguous.
        TcmppReply who;
        try (TcmppCallerHandle caller = new TcmppCallerHandle(new TcmppCaller(new TcmppAppInfo("wx_java")))) {
            who = TcmppBridge.dispatchSyncWithHandle(null, "{\"api_name\":\"aWho\",\"data\":{}}", caller);
        }
        return reply.get().getStatus() + " " + reply.get().getJson() + ", " + sync.getStatus() + " " + sync.getJson()
            + ", " + who.getStatus() + " " + who.getJson();
    }
}
