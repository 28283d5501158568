// A JVM whose main thread ends without TcmppBridge.shutdown(), after replies that came from
// runtime workers: tests/hosts/android.rs checks that it exits (the workers attach as daemon threads).
package rs.tcmpp.test

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import rs.tcmpp.android.TcmppBridge

fun main(args: Array<String>) {
    System.load(args[0])
    TcmppBridge.init()
    val answered = CountDownLatch(1)
    // n = 100 waits on a timer: answered from a worker, which attaches to the JVM.
    TcmppBridge.dispatch(null, """{"api_name":"aEcho","data":{"n":100}}""", null) { answered.countDown() }
    check(answered.await(10, TimeUnit.SECONDS)) { "no reply" }
    val workers = Thread.getAllStackTraces().keys.filter { it.name == "tcmpp-worker" }
    check(workers.isNotEmpty() && workers.all { it.isDaemon } && TcmppBridge.attachedThreads() > 0) {
        "workers: ${workers.map { "${it.name} daemon=${it.isDaemon}" }}, attached: ${TcmppBridge.attachedThreads()}"
    }
    println("ok workers attached as daemons: ${workers.size}; main returns without shutdown()")
}
