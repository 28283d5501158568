// The benchmark of the Android bridge (run by tests/hosts/android_bench.rs): the seed call,
// Kotlin → Rust → Kotlin through TcmppBridge, against the same handler written in Kotlin over
// org.json (what a host writes without Rust), in one JVM, in alternating rounds.
package rs.tcmpp.test

import org.json.JSONObject
import rs.tcmpp.android.TcmppAppInfo
import rs.tcmpp.android.TcmppBridge
import rs.tcmpp.android.TcmppCaller
import rs.tcmpp.android.TcmppCallerHandle
import rs.tcmpp.android.TcmppStatus

/** The seed call of Tencent's page, as req.jsonParams carries it. */
const val SEED = """{"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"name":"kka","age":22},"webviewId":4}"""

/** The seed handler in Kotlin over org.json: read the call, check the data, answer. */
fun kotlinSeedHandler(jsonParams: String): String {
    val call = JSONObject(jsonParams)
    if (call.optString("api_name") != "myApiName") return JSONObject().put("message", "unknown API").toString()
    val data = call.optJSONObject("data") ?: return JSONObject().put("message", "invalid data").toString()
    val name = data.optString("name", "")
    val age = data.optInt("age", -1)
    if (name.isEmpty() || age < 0 || age > 200) return JSONObject().put("message", "implausible person").toString()
    return JSONObject().put("result", "success").put("method", "myApiHandler").toString()
}

/** Nanoseconds per call of [call], over [calls] calls. */
inline fun timePerCall(calls: Int, call: () -> Int): Pair<Double, Int> {
    var sink = 0
    val started = System.nanoTime()
    for (i in 0 until calls) sink += call()
    return (System.nanoTime() - started).toDouble() / calls to sink
}

fun main(args: Array<String>) {
    System.load(args[0])
    TcmppBridge.init()
    val caller = TcmppCaller(TcmppAppInfo("wx_demo_app"))
    val expected = """{"result":"success","method":"myApiHandler"}"""
    // The same caller stated once: what a host that keeps one per mini program passes.
    val handle = TcmppCallerHandle(caller)
    val viaRust = TcmppBridge.dispatchSync(null, SEED, caller)
    check(viaRust.status == TcmppStatus.SUCCESS && viaRust.json == expected) { "rust: $viaRust" }
    val viaHandle = TcmppBridge.dispatchSync(null, SEED, handle)
    check(viaHandle.status == TcmppStatus.SUCCESS && viaHandle.json == expected) { "rust, handle: $viaHandle" }
    check(kotlinSeedHandler(SEED) == expected) { "kotlin: ${kotlinSeedHandler(SEED)}" }

    val calls = 200_000
    val rounds = 7
    val rust = ArrayList<Double>()
    val rustHandle = ArrayList<Double>()
    val kotlin = ArrayList<Double>()
    var sink = 0
    // Round 0 warms both up (JIT); it is not counted.
    for (round in 0..rounds) {
        val (r, s1) = timePerCall(calls) { TcmppBridge.dispatchSync(null, SEED, caller).json.length }
        val (k, s2) = timePerCall(calls) { kotlinSeedHandler(SEED).length }
        val (h, s3) = timePerCall(calls) { TcmppBridge.dispatchSync(null, SEED, handle).json.length }
        sink += s1 + s2 + s3
        if (round > 0) {
            rust += r
            rustHandle += h
            kotlin += k
        }
    }
    handle.close()
    val rustMedian = rust.sorted()[rounds / 2]
    val handleMedian = rustHandle.sorted()[rounds / 2]
    val kotlinMedian = kotlin.sorted()[rounds / 2]
    println("seed call, Kotlin -> Rust -> Kotlin (TcmppBridge.dispatchSync), caller as JSON:   %.0f ns/call (median of %d rounds of %d)".format(rustMedian, rounds, calls))
    println("seed call, Kotlin -> Rust -> Kotlin (TcmppBridge.dispatchSync), caller handle:    %.0f ns/call".format(handleMedian))
    println("seed call, Kotlin handler over org.json:                                          %.0f ns/call".format(kotlinMedian))
    println("ratio bridge / Kotlin, caller as JSON: %.2f".format(rustMedian / kotlinMedian))
    println("ratio bridge / Kotlin, caller handle: %.2f (sink %d)".format(handleMedian / kotlinMedian, sink % 10))
}
