// Real mini program calls, written as a developer writes them (no cast, no `any`), against the
// declarations of the handlers in real_calls.rs. Shapes from Tencent's public demo
// (TCMPP-Team/mini-programs) and Luffa mini programs' `luffaWebRequest` calls.
//
// Every `@ts-expect-error` line names the error it expects, as `(TSnnnn)`; the test also
// compiles this file without the directives and checks that exactly those lines fail.

import { invokeNative } from "./generated/tcmpp-invoke";

declare function create16String(): string;
declare const page: { money: number | string; nonce: number };

// invoke-native-plugin.js: `testState` with a `progress` callback, typed by the handler's
// `Progress<StateStep>`.
wx.invokeNativePlugin({
  api_name: "testState",
  data: { type: "test" },
  complete(res) {
    console.log(res.errMsg);
  },
  success: (res) => {
    const done: boolean = res.done;
    // A key left out rather than sent as `null`: `?: string`.
    const note: string | undefined = res.note;
    console.log(done, note);
  },
  fail: (err) => {
    const { errMsg = "" } = err;
    console.log(errMsg);
  },
  progress: (res) => {
    const state: number = res.state;
    console.log(state);
  },
});

// `data` may be left out, or `null`, when the data type takes a call without it.
wx.invokeNativePlugin({ api_name: "testState" });
wx.invokeNativePlugin({ api_name: "testState", data: null });

// `myRequestPayment`: the amount a number, or a string; progress of any JSON value.
wx.invokeNativePlugin({
  api_name: "myRequestPayment",
  data: { type: "test", amount: 189 },
  success: (res) => console.log(res.paidAmount),
  fail: (err) => console.log(err.errMsg, err.errCode),
  progress: (res) => console.log(res),
});
wx.invokeNativePlugin({ api_name: "myRequestPayment", data: { type: "test", amount: "189" } });

// request-payment.js: `money` straight from the page's data, a number or a string.
wx.invokeNativePlugin({
  api_name: "requestPayment",
  data: { money: page.money },
  complete() {},
  success(res) {
    console.log(res.errMsg);
  },
  fail(err) {
    const msg = err.errMsg;
    console.log(msg);
  },
});

// native-page.js: the options built in a variable first, then passed. Give the variable the
// options' type; TypeScript widens `api_name` to `string` otherwise.
const loginOpts: Tcmpp.InvokeOptions<"mockLogin"> = {
  api_name: "mockLogin",
  success: (res) => {
    const resultText = res.userName ? "Login success: " + res.userName : "User refuse Auth";
    console.log(resultText);
  },
  fail: function (res) {
    console.log(res.errMsg);
  },
  complete: function (res) {
    console.log(res.errMsg);
  },
  data: { miniAppName: "test app", miniAppId: "123456" },
};
wx.invokeNativePlugin(loginOpts);

const payOpts: Tcmpp.InvokeOptions<"mockPayment"> = {
  api_name: "mockPayment",
  success: (res) => console.log("Successfully paid " + res.actualAmount / 10000),
  fail: (res) => console.log(res.errMsg, res.errCode),
  data: { miniAppName: "test app", miniAppId: "123456" },
};
wx.invokeNativePlugin(payOpts);

// Older pages send `appName`: a serde alias, declared beside the field.
wx.invokeNativePlugin({ api_name: "mockPayment", data: { appName: "test app", appId: "123456" } });

// A plain `fn` answers `sync: true`: the call returns the reply object.
const login = wx.invokeNativePlugin({
  api_name: "mockLogin",
  data: { miniAppName: "test app" },
  sync: true,
});
console.log(login.errMsg);

// Luffa's `connect`, inline: `success` gets `connect`'s result, and only it.
wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: {
    uuid: create16String(),
    methodName: "connect",
    initData: { network: "endless" },
    metadata: { superBox: true, url: "https://dapp.example", icon: "" },
    from: "",
    data: {},
  },
  success: function (res) {
    const address: string = res.address;
    const cid: string | undefined = res.cid;
    console.log(address, res.nickname, res.uid, cid);
  },
  fail: function (res) {
    console.log(res.errMsg);
  },
});

// `signMessageV2`: its own result, fail code and fail body; the nonce a number or a string.
wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { uuid: create16String(), methodName: "signMessageV2", data: { message: "hi", nonce: page.nonce } },
  success(res) {
    console.log(res.signature, res.publicKey);
  },
  fail(res) {
    const status: number | undefined = res.status;
    console.log(res.errCode, status, res.uuid);
  },
  cancel(res) {
    console.log(res.errMsg);
  },
});

// The method in a `const`, and the data built before the call with the type it must have.
const method = "signMessageV2";
wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { uuid: "u", methodName: method, data: { message: "hi", nonce: "1" } },
  success: (res) => console.log(res.signature),
});
const connectData: Tcmpp.Data<"luffaWebRequest", "connect"> = {
  uuid: create16String(),
  methodName: "connect",
  initData: { network: "eds" },
};
wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: connectData,
  success: (res) => console.log(res.address),
});
const shareData = { methodName: "share", text: "hello" } satisfies Tcmpp.Data<"luffaWebRequest">;
wx.invokeNativePlugin({ api_name: "luffaWebRequest", data: shareData, success: (res) => console.log(res.errMsg) });

// `language` takes no data and is a plain `fn`: a synchronous call.
const language = wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { methodName: "language" },
  sync: true,
});
if ("language" in language) {
  console.log(language.language);
}

// Through `wx.<name>` (tcmpp-custom-config.json).
wx.luffaWebRequest({ data: { methodName: "language" }, success: (res) => console.log(res.language) });

// A promise helper of the mini program's own, as Luffa mini programs write one, typed by the
// method: it passes the method on to `invokeNative`.
function luffa<M extends Tcmpp.MethodName<"luffaWebRequest">>(data: Tcmpp.Data<"luffaWebRequest", M>) {
  return invokeNative<"luffaWebRequest", M>("luffaWebRequest", data);
}

async function connectWallet(): Promise<string> {
  const user = await luffa({ methodName: "connect", uuid: create16String(), initData: { network: "endless" } });
  const signed = await invokeNative("luffaWebRequest", {
    methodName: "signMessageV2",
    uuid: create16String(),
    data: { message: user.address, nonce: 1 },
  });
  // The promise rejects with the method's fail object (or cancel object).
  await luffa({ methodName: "signMessageV2", uuid: "u", data: { message: "m", nonce: "2" } }).catch((err) => {
    console.log(err.errMsg, "status" in err ? err.status : undefined);
  });
  const state = await invokeNative("testState");
  console.log(state.done);
  return signed.signature;
}

// Mistakes that must not compile: one per narrowing.

wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { uuid: "u", methodName: "connect", initData: { network: "endless" } },
  success(res) {
    // @ts-expect-error: another method's result key (TS2339)
    console.log(res.signature);
  },
  fail(res) {
    // @ts-expect-error: `errCode` on a method whose errors carry none (TS2339)
    console.log(res.errCode);
  },
});

wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { methodName: "share", text: "hi" },
  // @ts-expect-error: `cancel` on a method that cannot be cancelled (TS2353)
  cancel() {},
});

wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { methodName: "share", text: "hi" },
  fail(res) {
    // @ts-expect-error: a fail body key of another method (TS2339)
    console.log(res.status);
  },
});

wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  data: { methodName: "signMessageV2", uuid: "u", data: { message: "m", nonce: 1 } },
  // @ts-expect-error: `sync: true` on a method that is an async fn (TS2322)
  sync: true,
});

wx.invokeNativePlugin({
  api_name: "testState",
  progress(res) {
    // @ts-expect-error: a progress key the payload does not have (TS2551)
    console.log(res.stat);
  },
});

wx.invokeNativePlugin({
  api_name: "mockLogin",
  data: { miniAppName: "a" },
  // @ts-expect-error: `progress` on an API that sends none (TS2353)
  progress() {},
});

// @ts-expect-error: `data: null` where the data type needs fields (TS2322)
wx.invokeNativePlugin({ api_name: "mockPayment", data: null });

wx.invokeNativePlugin({
  api_name: "mockLogin",
  data: { miniAppName: "a" },
  success(res) {
    // @ts-expect-error: an optional reply key is never `null` (TS2322)
    const name: string | null = res.userName;
    console.log(name);
  },
});

// @ts-expect-error: an async API's call returns nothing (TS2339)
wx.invokeNativePlugin({ api_name: "mockPayment", data: { miniAppName: "a" } }).errMsg;

wx.invokeNativePlugin({
  api_name: "mockPayment",
  // @ts-expect-error: a misspelt alias (TS2353)
  data: { appNam: "test app" },
});

// @ts-expect-error: a money that is neither a number nor a string (TS2322)
wx.invokeNativePlugin({ api_name: "requestPayment", data: { money: true } });

// The data built without its type: `methodName` is widened to `string` and matches no method.
const untyped = { methodName: "connect", uuid: "u", initData: { network: "endless" } };
// @ts-expect-error: give the variable `Tcmpp.Data<"luffaWebRequest", "connect">` (TS2322)
wx.invokeNativePlugin({ api_name: "luffaWebRequest", data: untyped });

wx.luffaWebRequest({
  data: { methodName: "language" },
  // @ts-expect-error: the `wx.<name>` form narrows too (TS2339)
  success: (res) => console.log(res.address),
});

async function wrongAwaits(): Promise<void> {
  const user = await luffa({ methodName: "connect", uuid: "u", initData: { network: "endless" } });
  // @ts-expect-error: a helper's promise resolves with the method's result (TS2339)
  console.log(user.signature);
  const signed = await invokeNative("luffaWebRequest", { methodName: "signMessageV2", uuid: "u", data: { message: "m", nonce: 1 } });
  // @ts-expect-error: so does `invokeNative`'s (TS2339)
  console.log(signed.address);
  await invokeNative("luffaWebRequest", { methodName: "share", text: "t" }).catch((err) => {
    // @ts-expect-error: and it rejects with the method's fail object (TS2339)
    console.log(err.status);
  });
}

// Keys the handler's type does not name are refused, though serde would ignore them: a
// misspelt key is caught (the JSON Schema, like the runtime, accepts them).
wx.invokeNativePlugin({
  api_name: "luffaWebRequest",
  // @ts-expect-error: a key the data type does not have (TS2353)
  data: { methodName: "share", text: "t", func: "x" },
});

export { connectWallet, wrongAwaits };
