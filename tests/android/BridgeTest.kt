// Drives the shipped TcmppBridge on a real JVM, against tests/android-host's native library;
// run by tests/hosts/android.rs, which checks that every "ok …" line below was printed. Any failed
// check throws, and the JVM exits non-zero.
package rs.tcmpp.test

import com.tencent.tmfmini.sdk.launcher.core.model.RequestEvent
import com.tencent.tmfmini.sdk.launcher.model.MiniAppInfo
import java.lang.ref.WeakReference
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicIntegerArray
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import com.tencent.tmfmini.sdk.launcher.core.IMiniAppContext
import org.json.JSONObject
import org.json.JSONTokener
import rs.tcmpp.android.TcmppAppInfo
import rs.tcmpp.android.TcmppBridge
import rs.tcmpp.android.TcmppCaller
import rs.tcmpp.android.TcmppCallerHandle
import rs.tcmpp.android.TcmppRendering
import rs.tcmpp.android.TcmppRendering.BARE
import rs.tcmpp.android.TcmppRendering.CALLBACK
import rs.tcmpp.android.TcmppReply
import rs.tcmpp.android.TcmppStatus
import rs.tcmpp.generated.RustApis

fun check(condition: Boolean, what: () -> String) {
    if (!condition) throw AssertionError(what())
}

fun expect(label: String, reply: TcmppReply, status: TcmppStatus, json: String) {
    check(reply.status == status && reply.json == json) { "$label: expected $status $json, got $reply" }
    println("ok $label: $json")
}

fun expectPrefix(label: String, reply: TcmppReply, status: TcmppStatus, jsonPrefix: String) {
    check(reply.status == status && reply.json.startsWith(jsonPrefix)) {
        "$label: expected $status $jsonPrefix…, got $reply"
    }
    println("ok $label: ${reply.json}")
}

fun unified(api: String, data: String) = """{"stateEvent":"requestCustomApi","api_name":"$api","data":$data,"webviewId":4}"""

/** Waits, up to [seconds], for [condition]. */
fun eventually(seconds: Long, condition: () -> Boolean): Boolean {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
    while (System.nanoTime() < deadline) {
        if (condition()) return true
        System.gc()
        Thread.sleep(10)
    }
    return condition()
}

fun tcmppThreads(): List<String> = Thread.getAllStackTraces().keys.map { it.name }.filter { it.startsWith("tcmpp") }

fun main(args: Array<String>) {
    try {
        checks(args)
    } catch (failure: Throwable) {
        failure.printStackTrace()
        // The runtime's threads are attached to the JVM, which would wait for them.
        kotlin.system.exitProcess(1)
    }
}

fun checks(args: Array<String>) {
    System.load(args[0])
    val calls = args.getOrNull(1)?.toInt() ?: 100_000
    TcmppBridge.init()

    val apis = TcmppBridge.apis()
    check(apis.any { it.name == "aEcho" && !it.sync } && apis.any { it.name == "aPing" && it.sync }) { "apis: $apis" }
    println("ok apis: ${apis.size} APIs, aPing sync")
    val config = TcmppBridge.customConfigJson()
    val extApi = org.json.JSONObject(config).getJSONArray("extApi")
    val ping = (0 until extApi.length()).map { extApi.getJSONObject(it) }.single { it.getString("name") == "aPing" }
    check(extApi.length() == apis.map { it.name }.distinct().size && ping.getBoolean("sync")) { "config: $config" }
    println("ok custom config")
    // A multiplexed API: one entry per method, its name once in the SDK's config.
    val wallet = apis.filter { it.name == "aWallet" }
    check(wallet.map { it.method } == listOf("connect", "language") && apis.single { it.name == "aPing" }.method == null) { "apis: $apis" }
    check((0 until extApi.length()).count { extApi.getJSONObject(it).getString("name") == "aWallet" } == 1) { "config: $config" }
    println("ok multiplexed in apis and config")

    val java = JavaCallSites.run()
    check(java == "SUCCESS {\"n\":9}, SUCCESS {\"pong\":\"android-host\"}, SUCCESS {\"appId\":\"wx_java\",\"name\":null,\"stateEvent\":null,\"webviewId\":null}") { "Java call sites: $java" }
    println("ok Java call sites: catch (TcmppBuildException e), dispatch with a lambda, dispatchSync: $java")
    runBlocking { outcomes() }
    syncCalls()
    runBlocking { callers() }
    runBlocking { callerHandles() }
    runBlocking { progress() }
    badInput()
    throwingListener()
    runBlocking { cancellation() }
    plugin()
    stress(calls)
    leaks()
    println("all checks passed")
}

suspend fun outcomes() {
    // Every outcome, in both renderings; unified calls, with and without the reported name.
    expect("success, callback", TcmppBridge.dispatch(null, unified("aEcho", """{"n":7}"""), rendering = CALLBACK), TcmppStatus.SUCCESS, """{"n":7,"errMsg":"aEcho:ok"}""")
    expect("success, bare", TcmppBridge.dispatch("aEcho", unified("aEcho", """{"n":7}""")), TcmppStatus.SUCCESS, """{"n":7}""")
    expect("success from a worker, bare", TcmppBridge.dispatch("aEcho", unified("aEcho", """{"n":100}""")), TcmppStatus.SUCCESS, """{"n":100}""")
    expect("fail, callback", TcmppBridge.dispatch(null, unified("aFail", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errCode":1001,"errMsg":"aFail:fail out of stock"}""")
    expect("fail, bare", TcmppBridge.dispatch(null, unified("aFail", "{}")), TcmppStatus.FAIL, """{"code":1001,"message":"out of stock"}""")
    expect("fail body, bare", TcmppBridge.dispatchSync(null, unified("aFailSync", "{}")), TcmppStatus.FAIL, """{"body":{"key":"value"},"code":-1,"message":"not supported"}""")
    expect("fail body, callback", TcmppBridge.dispatchSync(null, unified("aFailSync", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errCode":-1,"errMsg":"aFailSync:fail not supported","key":"value"}""")
    expect("cancel, callback", TcmppBridge.dispatch(null, unified("aCancel", "{}"), rendering = CALLBACK), TcmppStatus.CANCEL, """{"errMsg":"aCancel:cancel"}""")
    expect("cancel, bare", TcmppBridge.dispatch(null, unified("aCancel", "{}")), TcmppStatus.CANCEL, "{}")
    expectPrefix("unknown API, callback", TcmppBridge.dispatch(null, unified("nope", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"nope:fail""")
    expectPrefix("unknown API, bare", TcmppBridge.dispatch(null, unified("nope", "{}")), TcmppStatus.FAIL, """{"message":""")
    expectPrefix("bad JSON, callback", TcmppBridge.dispatch(null, "{not json", rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"invokeNativePlugin:fail invalid call: not valid JSON""")
    expectPrefix("bad data, bare", TcmppBridge.dispatch(null, unified("aEcho", """{"n":"seven"}""")), TcmppStatus.FAIL, """{"message":"invalid data""")
    expectPrefix("handler panic, callback", TcmppBridge.dispatch(null, unified("aPanic", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aPanic:fail""")
    expectPrefix("handler panic, bare", TcmppBridge.dispatch(null, unified("aPanic", "{}")), TcmppStatus.FAIL, """{"message":""")
    expectPrefix("names disagree", TcmppBridge.dispatch("aPing", unified("aEcho", """{"n":1}""")), TcmppStatus.FAIL, """{"message":"invalid call""")
    // The legacy format: the object is the data, the name comes beside it.
    expect("multiplexed method", TcmppBridge.dispatchSync(null, unified("aWallet", """{"methodName":"language","fallback":"id"}""")), TcmppStatus.SUCCESS, """{"language":"id"}""")
    expectPrefix("multiplexed, unknown method", TcmppBridge.dispatchSync(null, unified("aWallet", """{"methodName":"nope"}"""), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aWallet:fail invalid data: methodName: unknown method \"nope\"""")
    expect("legacy", TcmppBridge.dispatch("aEcho", """{"n":3}""", legacy = true), TcmppStatus.SUCCESS, """{"n":3}""")
    expect("legacy, callback", TcmppBridge.dispatch("aEcho", """{"n":3}""", rendering = CALLBACK, legacy = true), TcmppStatus.SUCCESS, """{"n":3,"errMsg":"aEcho:ok"}""")
    expectPrefix("legacy without a name", TcmppBridge.dispatch(null, """{"n":3}""", legacy = true), TcmppStatus.FAIL, """{"message":"invalid call: a legacy-format call needs the api_name""")
}

fun syncCalls() {
    expect("sync call", TcmppBridge.dispatchSync(null, unified("aPing", "{}")), TcmppStatus.SUCCESS, """{"pong":"android-host"}""")
    expect("sync call, callback", TcmppBridge.dispatchSync("aPing", unified("aPing", "{}"), rendering = CALLBACK), TcmppStatus.SUCCESS, """{"pong":"android-host","errMsg":"aPing:ok"}""")
    expect("sync call to an async API done at once", TcmppBridge.dispatchSync(null, unified("aEcho", """{"n":1}""")), TcmppStatus.SUCCESS, """{"n":1}""")
    expectPrefix("sync call to an async API", TcmppBridge.dispatchSync(null, unified("aYield", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aYield:fail this API is asynchronous and did not answer at once""")
    expect("sync cancel", TcmppBridge.dispatchSync(null, unified("aCancel", "{}")), TcmppStatus.CANCEL, "{}")
    expectPrefix("sync panic", TcmppBridge.dispatchSync(null, unified("aPanic", "{}")), TcmppStatus.FAIL, """{"message":""")
    // Tokio in the first poll of a synchronous call: timers and spawn work (the poll runs inside
    // the runtime); a handler that waits on a timer is answered as not synchronous.
    expectPrefix("sync call to an async API that sleeps on a Tokio timer", TcmppBridge.dispatchSync(null, unified("aSleepy", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aSleepy:fail this API is asynchronous and did not answer at once""")
    val ran = { JSONObject(TcmppBridge.dispatchSync(null, unified("aSpawnedRan", "{}")).json).getLong("ran") }
    val before = ran()
    expect("sync call to an async API that spawns a Tokio task", TcmppBridge.dispatchSync(null, unified("aSpawns", "{}")), TcmppStatus.SUCCESS, """{"spawned":true}""")
    check(eventually(10) { ran() > before }) { "the task aSpawns spawned never ran" }
    expect("sync legacy", TcmppBridge.dispatchSync("aPing", "{}", legacy = true), TcmppStatus.SUCCESS, """{"pong":"android-host"}""")
}

suspend fun callers() {
    val wallet = TcmppCaller(TcmppAppInfo("wx_wallet", name = "Wallet \"quoted\" \\ é"), webviewId = 4, stateEvent = "host42")
    expect("stated caller", TcmppBridge.dispatch(null, unified("aWho", "{}"), wallet), TcmppStatus.SUCCESS, """{"appId":"wx_wallet","name":"Wallet \"quoted\" \\ é","stateEvent":"host42","webviewId":4}""")
    expect("stated caller (sync)", TcmppBridge.dispatchSync(null, unified("transfer", "{}"), wallet), TcmppStatus.SUCCESS, """{"transferredBy":"wx_wallet"}""")
    expect("untrusted webviewId and stateEvent", TcmppBridge.dispatchSync(null, unified("aWho", "{}")), TcmppStatus.SUCCESS, """{"appId":null,"name":null,"stateEvent":null,"webviewId":null}""")
    val forged = """{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_wallet"}}"""
    expectPrefix("forged appInfo", TcmppBridge.dispatch(null, forged, rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"transfer:fail invalid call: `appInfo` in the call text is not believed""")
    expectPrefix("forged appInfo (sync)", TcmppBridge.dispatchSync(null, forged), TcmppStatus.FAIL, """{"message":"invalid call: `appInfo` in the call text is not believed""")
    expect("forged legacy appInfo", TcmppBridge.dispatch("transfer", """{"appInfo":{"appId":"wx_wallet"}}""", rendering = CALLBACK, legacy = true), TcmppStatus.FAIL, """{"errMsg":"transfer:fail permission denied"}""")
    expect("nobody stated", TcmppBridge.dispatchSync(null, unified("transfer", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"transfer:fail permission denied"}""")
}

suspend fun callerHandles() {
    val heldBefore = TcmppBridge.heldCallers()
    val wallet = TcmppCaller(TcmppAppInfo("wx_wallet", name = "Wallet \"quoted\" \\ é"), webviewId = 4, stateEvent = "host42")
    val handle = TcmppCallerHandle(wallet)
    check(TcmppBridge.heldCallers() == heldBefore + 1) { "held callers: ${TcmppBridge.heldCallers()}" }
    val who = """{"appId":"wx_wallet","name":"Wallet \"quoted\" \\ é","stateEvent":"host42","webviewId":4}"""
    expect("caller handle", TcmppBridge.dispatch(null, unified("aWho", "{}"), handle), TcmppStatus.SUCCESS, who)
    expect("caller handle (sync)", TcmppBridge.dispatchSync(null, unified("aWho", "{}"), handle), TcmppStatus.SUCCESS, who)
    expect("caller handle, access control", TcmppBridge.dispatchSync(null, unified("transfer", "{}"), handle), TcmppStatus.SUCCESS, """{"transferredBy":"wx_wallet"}""")
    val forged = """{"api_name":"aWho","data":{},"webviewId":9,"stateEvent":"forged"}"""
    expect("caller handle over the call text", TcmppBridge.dispatchSync(null, forged, handle), TcmppStatus.SUCCESS, who)
    val events = ConcurrentLinkedQueue<String>()
    val reply = TcmppBridge.dispatch(null, unified("aProgress", """{"steps":2}"""), handle) { stateEvent, payload -> events.add("$stateEvent $payload") }
    check(events.toList() == listOf("host42 {\"step\":1}", "host42 {\"step\":2}") && reply.json == """{"steps":2}""") { "handle progress: $events $reply" }
    val latch = CountDownLatch(1)
    var callback: TcmppReply? = null
    TcmppBridge.dispatch(null, unified("aWho", "{}"), handle, rendering = CALLBACK) { r -> callback = r; latch.countDown() }
    check(latch.await(10, TimeUnit.SECONDS)) { "handle callback: no reply" }
    expect("caller handle, callback", callback!!, TcmppStatus.SUCCESS, who.dropLast(1) + ""","errMsg":"aWho:ok"}""")
    handle.close()
    handle.close()
    check(TcmppBridge.heldCallers() == heldBefore) { "held callers after close: ${TcmppBridge.heldCallers()}" }
    expect("closed caller handle", TcmppBridge.dispatchSync(null, unified("aWho", "{}"), handle, rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aWho:fail invalid caller: the caller handle was freed (closed), or never made"}""")
    expect("closed caller handle, async", TcmppBridge.dispatch(null, unified("aWho", "{}"), handle), TcmppStatus.FAIL, """{"message":"invalid caller: the caller handle was freed (closed), or never made"}""")
    val lone = try {
        TcmppCallerHandle(TcmppCaller(TcmppAppInfo("wx_\uD800"))).close()
        "made"
    } catch (refused: IllegalArgumentException) {
        refused.message
    }
    check(lone == "invalid caller: callerJson is not valid UTF-16 (it has a lone surrogate)") { "lone surrogate handle: $lone" }
    check(TcmppBridge.heldCallers() == heldBefore) { "held callers after a refused one: ${TcmppBridge.heldCallers()}" }
    println("ok caller handles: the stated caller, progress, access control; closed and refused ones")
}

suspend fun progress() {
    val events = ConcurrentLinkedQueue<String>()
    val caller = TcmppCaller(stateEvent = "host42")
    val reply = TcmppBridge.dispatch(null, unified("aProgress", """{"steps":5}"""), caller) { stateEvent, payload ->
        events.add("$stateEvent $payload")
    }
    events.add("reply ${reply.json}")
    val expected = (1..5).map { "host42 {\"step\":$it}" } + "reply {\"steps\":5}"
    check(events.toList() == expected) { "progress: $events" }
    println("ok progress events in order before the reply: ${events.first()} ... ${events.last()}")
    val untrusted = ConcurrentLinkedQueue<String>()
    TcmppBridge.dispatch(null, unified("aProgress", """{"steps":1}""")) { stateEvent, _ -> untrusted.add("$stateEvent") }
    check(untrusted.toList() == listOf("null")) { "untrusted stateEvent: $untrusted" }
    println("ok untrusted stateEvent does not reach onProgress")
    // iOS-style string states reach the listener as JSON strings, in order, before the reply.
    val states = ConcurrentLinkedQueue<String>()
    val subscribed = TcmppBridge.dispatch(null, unified("aSubscribe", "{}"), TcmppCaller(stateEvent = "onSubscribe")) { stateEvent, payload ->
        states.add("$stateEvent $payload")
    }
    states.add("reply ${subscribed.json}")
    check(states.toList() == (1..9).map { "onSubscribe \"$it\"" } + "reply {\"states\":9}") { "string progress: $states" }
    println("ok string progress in order before the reply: ${states.first()} ... ${states.last()}")
}

fun badInput() {
    expectPrefix("null paramsJson", TcmppBridge.dispatchSync("aPing", null, rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aPing:fail invalid call: paramsJson is null""")
    val latch = CountDownLatch(1)
    var asyncNull: TcmppReply? = null
    TcmppBridge.dispatch(null, null, null) { reply -> asyncNull = reply; latch.countDown() }
    latch.await(10, TimeUnit.SECONDS)
    expectPrefix("null paramsJson, async", asyncNull!!, TcmppStatus.FAIL, """{"message":"invalid call: paramsJson is null""")
    val lone = "\uD800"
    expectPrefix("lone surrogate in paramsJson", TcmppBridge.dispatchSync("aEcho", unified("aEcho", """{"n":1,"s":"$lone"}"""), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"aEcho:fail invalid call: paramsJson is not valid UTF-16""")
    expectPrefix("lone surrogate in apiName", TcmppBridge.dispatchSync("aEcho$lone", unified("aEcho", "{}"), rendering = CALLBACK), TcmppStatus.FAIL, """{"errMsg":"invokeNativePlugin:fail invalid call: apiName is not valid UTF-16""")
    val loneCaller = TcmppCaller(TcmppAppInfo("wx_$lone"))
    expectPrefix("lone surrogate in the caller", TcmppBridge.dispatchSync(null, unified("aWho", "{}"), loneCaller), TcmppStatus.FAIL, """{"message":"invalid caller: callerJson is not valid UTF-16""")
    expect("a surrogate pair is fine", TcmppBridge.dispatchSync(null, unified("aWho", "{}"), TcmppCaller(TcmppAppInfo("wx_\uD83D\uDE00"))), TcmppStatus.SUCCESS, """{"appId":"wx_😀","name":null,"stateEvent":null,"webviewId":null}""")
}

fun throwingListener() {
    // The listener throws, on the calling thread and on a worker: each exception is printed
    // and stops there; the process and the other calls go on.
    TcmppBridge.dispatch(null, unified("aPing", "{}"), null) { throw IllegalStateException("listener boom on the calling thread") }
    TcmppBridge.dispatch(null, unified("aEcho", """{"n":200}"""), null) { throw IllegalStateException("listener boom on a worker") }
    val after = CountDownLatch(2)
    TcmppBridge.dispatch(null, unified("aPing", "{}"), null) { after.countDown() }
    TcmppBridge.dispatch(null, unified("aEcho", """{"n":300}"""), null) { after.countDown() }
    check(after.await(10, TimeUnit.SECONDS)) { "replies after a throwing listener" }
    check(eventually(10) { TcmppBridge.heldListeners() == 0L }) { "listeners held after throwing: ${TcmppBridge.heldListeners()}" }
    println("ok a throwing listener: other replies arrive")
}

suspend fun cancellation() {
    val dropped = { TcmppBridge.dispatchSync(null, unified("aSlowDropped", "{}")).json }
    check(dropped() == """{"dropped":0}""") { "dropped before: ${dropped()}" }
    kotlinx.coroutines.coroutineScope {
        val call = async(start = CoroutineStart.UNDISPATCHED) { TcmppBridge.dispatch(null, unified("aSlow", "{}")) }
        delay(20)
        call.cancel()
    }
    check(eventually(10) { dropped() == """{"dropped":1}""" }) { "the cancelled coroutine's future was not dropped: ${dropped()}" }
    println("ok coroutine cancellation drops the handler's future")
    val reply = CompletableDeferred<TcmppReply>()
    val pending = TcmppBridge.dispatch(null, unified("aSlow", "{}"), null, CALLBACK) { reply.complete(it) }
    pending.cancel()
    expect("a cancelled callback call gets a cancel reply", withTimeout(10_000) { reply.await() }, TcmppStatus.CANCEL, """{"errMsg":"aSlow:cancel"}""")
    pending.cancel() // Answered already: nothing happens.
    check(eventually(10) { dropped() == """{"dropped":2}""" }) { "dropped: ${dropped()}" }
    val timeout = runCatching { withTimeout(30) { TcmppBridge.dispatch(null, unified("aSlow", "{}")) } }
    check(timeout.isFailure && eventually(10) { dropped() == """{"dropped":3}""" }) { "timeout: $timeout, ${dropped()}" }
    println("ok withTimeout drops the handler's future")
}

/** A running mini program, as the SDK's stand-in context reports it. */
class StandInContext(private val info: MiniAppInfo) : IMiniAppContext {
    override fun getMiniAppInfo(): MiniAppInfo = info
}

fun miniApp(appId: String): StandInContext = StandInContext(MiniAppInfo(appId))

/** A JSON object's keys and values, sorted, so that two renderings compare whatever their key order. */
fun canonical(json: String): String {
    val value = JSONTokener(json).nextValue()
    if (value !is JSONObject) return value.toString()
    val keys = value.keys().asSequence().toList().sorted()
    return keys.joinToString(",", "{", "}") { key -> "\"$key\":" + canonical(JSONObject().put("v", value.get(key)).toString().removePrefix("{\"v\":").removeSuffix("}")) }
}

fun plugin() {
    // The generated @JsEvent plugin, against the SDK stand-ins.
    val plugin = RustApis()
    plugin.standInCreate(miniApp("wx_wallet"))
    val ok = RequestEvent("aProgress", unified("aProgress", """{"steps":2}"""))
    plugin.dispatch(ok)
    check(ok.answered.await(10, TimeUnit.SECONDS)) { "plugin: no answer" }
    check(ok.answersSoFar() == listOf("state {\"step\":1}", "state {\"step\":2}", "ok {\"steps\":2}")) { "plugin progress: ${ok.answers}" }
    println("ok plugin: sendState, then ok")
    val fail = RequestEvent("aFail", unified("aFail", "{}"))
    plugin.dispatch(fail)
    check(fail.answered.await(10, TimeUnit.SECONDS) && fail.answersSoFar() == listOf("fail {\"errCode\":1001} out of stock")) { "plugin fail: ${fail.answers}" }
    println("ok plugin: fail")
    val sync = RequestEvent("transfer", unified("transfer", "{}"))
    check(plugin.dispatchSync(sync) == """{"transferredBy":"wx_wallet"}""" && sync.answersSoFar() == listOf("okSync {\"transferredBy\":\"wx_wallet\"}")) { "plugin sync: ${sync.answers}" }
    println("ok plugin: okSync with the caller from mMiniAppContext.getMiniAppInfo()")
    plugin.standInCreate(miniApp("wx_other"))
    val denied = RequestEvent("transfer", unified("transfer", "{}"))
    plugin.dispatchSync(denied)
    check(denied.answersSoFar() == listOf("failSync {} permission denied")) { "plugin denied: ${denied.answers}" }
    val forged = RequestEvent("transfer", """{"api_name":"transfer","data":{},"appInfo":{"appId":"wx_wallet"}}""")
    plugin.dispatchSync(forged)
    check(forged.answersSoFar().single().startsWith("failSync {} invalid call: `appInfo` in the call text is not believed")) { "plugin forged: ${forged.answers}" }
    println("ok plugin: failSync, and req.jsonParams never names the caller")
    // A fail body reaches failSync's JSONObject, beside errCode.
    val withBody = RequestEvent("aFailSync", unified("aFailSync", "{}"))
    plugin.dispatchSync(withBody)
    val answer = withBody.answersSoFar().single()
    check(answer.startsWith("failSync ") && answer.endsWith(" not supported")) { "plugin fail body: $answer" }
    val body = JSONObject(answer.removePrefix("failSync ").removeSuffix(" not supported"))
    check(body.length() == 2 && body.getString("key") == "value" && body.getLong("errCode") == -1L) { "plugin fail body: $body" }
    println("ok plugin: failSync with the fail body")
    // String progress reaches req.sendState, which takes objects, as {"value": …}.
    val strings = RequestEvent("aSubscribe", unified("aSubscribe", "{}"))
    plugin.dispatch(strings)
    check(strings.answered.await(10, TimeUnit.SECONDS)) { "plugin string progress: no answer" }
    check(strings.answersSoFar() == (1..9).map { "state {\"value\":\"$it\"}" } + "ok {\"states\":9}") { "plugin string progress: ${strings.answers}" }
    println("ok plugin: string progress through sendState")
    pageViews(plugin)
}

/** What the page receives through the generated plugin is what the bridge's callback rendering writes. */
fun pageViews(plugin: RustApis) {
    fun page(api: String, data: String, sync: Boolean = false): String {
        val req = RequestEvent(api, unified(api, data))
        req.webViewId = 7
        if (sync) plugin.dispatchSync(req) else {
            plugin.dispatch(req)
            check(req.answered.await(10, TimeUnit.SECONDS)) { "page view of $api: no answer" }
        }
        return req.pageViewsSoFar().single()
    }
    fun rendered(api: String, data: String): String =
        TcmppBridge.dispatchSync(null, unified(api, data), TcmppCaller(TcmppAppInfo("wx_wallet"), webviewId = 7), rendering = CALLBACK).json
    plugin.standInCreate(miniApp("wx_wallet"))
    for ((api, data) in listOf("aEcho" to """{"n":5}""", "aFail" to "{}", "requestPay" to "{}", "aPing" to "{}", "aFailSync" to "{}")) {
        val sync = api == "aPing" || api == "aFailSync"
        val expected = if (sync) rendered(api, data) else runBlocking {
            TcmppBridge.dispatch(null, unified(api, data), TcmppCaller(TcmppAppInfo("wx_wallet"), webviewId = 7), rendering = CALLBACK).json
        }
        val seen = page(api, data, sync)
        check(canonical(seen) == canonical(expected)) { "page view of $api: $seen, the callback rendering: $expected" }
    }
    val declined = page("requestPay", "{}")
    check(canonical(declined) == canonical("""{"errCode":1001,"errMsg":"requestPay:fail declined","status":-1,"uuid":"u2"}""")) { "requestPay: $declined" }
    println("ok plugin: the page sees errCode and the fail body: $declined")
    val cancelled = page("aCancel", "{}")
    check(JSONObject(cancelled).getString("errMsg").startsWith("aCancel:cancel")) { "cancel: $cancelled" }
    println("ok plugin: a cancel reaches the page as :cancel")
    // The caller: every field of the SDK's MiniAppInfo, the web view, the API name.
    val info = MiniAppInfo("wx_full").apply {
        verType = 1; version = "1.2.3"; name = "Full"; iconUrl = "https://icon"; desc = "intro"; developerDesc = "dev"; timestamp = 1700000000L
    }
    plugin.standInCreate(StandInContext(info))
    val caller = JSONObject(page("aCaller", "{}"))
    val app = caller.getJSONObject("app")
    check(app.getString("appId") == "wx_full" && app.getInt("appVerType") == 1 && app.getString("version") == "1.2.3" &&
        app.getString("name") == "Full" && app.getString("iconUrl") == "https://icon" && app.getString("appIntro") == "intro" &&
        app.getString("appDeveloper") == "dev" && app.getLong("time") == 1700000000L && caller.getLong("webviewId") == 7L &&
        caller.getString("api") == "aCaller") { "plugin caller: $caller" }
    println("ok plugin: the caller is every MiniAppInfo field and the web view: $caller")
    // The name the SDK routed by is passed: a call text naming another API is refused.
    val mismatch = RequestEvent("aEcho", unified("aPing", "{}"))
    plugin.dispatch(mismatch)
    check(mismatch.answered.await(10, TimeUnit.SECONDS) && JSONObject(mismatch.pageViewsSoFar().single()).getString("errMsg").startsWith("aEcho:fail invalid call")) { "plugin names: ${mismatch.pageViews}" }
    println("ok plugin: the API name the SDK routed by is passed")
    // Destroying the plugin cancels the calls still running, dropping their handlers' futures.
    val before = TcmppBridge.dispatchSync(null, unified("aSlowDropped", "{}")).json
    val slow = RequestEvent("aSlow", unified("aSlow", "{}"))
    plugin.dispatch(slow)
    plugin.onDestroy()
    check(slow.answered.await(10, TimeUnit.SECONDS) && slow.answersSoFar() == listOf("cancel")) { "plugin destroy: ${slow.answers}" }
    val dropped = { JSONObject(TcmppBridge.dispatchSync(null, unified("aSlowDropped", "{}")).json).getInt("dropped") }
    check(eventually(10) { dropped() == JSONObject(before).getInt("dropped") + 1 }) { "plugin destroy: the future was not dropped" }
    println("ok plugin: onDestroy cancels the calls still running")
}

fun stress(calls: Int) {
    val threads = 8
    val perThread = calls / threads
    val total = perThread * threads
    val answers = AtomicIntegerArray(total)
    val wrong = AtomicInteger()
    val done = CountDownLatch(total)
    // A weak reference to every 100th reply listener: a global reference leaked would keep it.
    val watched = ConcurrentLinkedQueue<WeakReference<Any>>()
    val sawWorker = AtomicInteger()
    // Odd threads state their caller with one shared handle, even threads as JSON.
    val handle = TcmppCallerHandle(TcmppCaller(webviewId = 1))
    val started = System.nanoTime()
    val workers = (0 until threads).map { t ->
        Thread {
            for (i in 0 until perThread) {
                val n = t * perThread + i
                val listener = rs.tcmpp.android.TcmppReplyListener { reply ->
                    if (reply.status != TcmppStatus.SUCCESS || reply.json != "{\"n\":$n}") wrong.incrementAndGet()
                    if (Thread.currentThread().name == "tcmpp-worker") sawWorker.incrementAndGet()
                    answers.incrementAndGet(n)
                    done.countDown()
                }
                if (n % 100 == 0) watched.add(WeakReference(listener))
                val call = "{\"api_name\":\"aEcho\",\"data\":{\"n\":$n}}"
                if (t % 2 == 1) TcmppBridge.dispatch(null, call, handle, onReply = listener)
                else TcmppBridge.dispatch(null, call, null, onReply = listener)
            }
        }.apply { start() }
    }
    workers.forEach { it.join() }
    check(done.await(120, TimeUnit.SECONDS)) { "stress: ${done.count} calls unanswered" }
    handle.close()
    val seconds = (System.nanoTime() - started) / 1e9
    check(wrong.get() == 0) { "stress: ${wrong.get()} wrong replies" }
    for (n in 0 until total) check(answers.get(n) == 1) { "stress: call $n answered ${answers.get(n)} times" }
    check(sawWorker.get() > 0 && tcmppThreads().isNotEmpty()) { "stress: no reply came from an attached worker thread" }
    check(TcmppBridge.attachedThreads() > 0) { "stress: no thread attached" }
    println("ok concurrency: $total calls from $threads threads, each answered exactly once (${sawWorker.get()} from workers, ${"%.1f".format(seconds)} s)")
    check(eventually(20) { TcmppBridge.heldListeners() == 0L }) { "leak: ${TcmppBridge.heldListeners()} listeners held" }
    check(eventually(20) { watched.all { it.get() == null } }) { "leak: ${watched.count { it.get() != null }} of ${watched.size} listeners still reachable" }
    println("ok no global reference leaked: 0 held, ${watched.size} watched listeners collected")
}

fun leaks() {
    check(TcmppBridge.shutdown()) { "shutdown timed out" }
    check(eventually(10) { TcmppBridge.attachedThreads() == 0L && tcmppThreads().isEmpty() }) {
        "threads left attached: ${TcmppBridge.attachedThreads()}, ${tcmppThreads()}"
    }
    println("ok no thread left attached: 0 attached, no tcmpp thread in the JVM")
    // A call after the shutdown starts a new runtime.
    val after = CountDownLatch(1)
    TcmppBridge.dispatch(null, unified("aEcho", """{"n":400}"""), null) { after.countDown() }
    check(after.await(10, TimeUnit.SECONDS)) { "no reply after a shutdown" }
    check(TcmppBridge.shutdown() && eventually(10) { TcmppBridge.attachedThreads() == 0L && TcmppBridge.heldListeners() == 0L }) { "second shutdown" }
    println("ok the runtime restarts after a shutdown, and stops again")
}
