// A mini program page's calls to the shop example's custom APIs (`examples/src/shop.rs`),
// checked by `tsc --strict` against the declarations generated from the registry.
//
// Every `@ts-expect-error` line names the error it expects, as `(TSnnnn)`: the test also
// compiles this file without the directives and checks that exactly those lines fail, with
// those codes.

import { invokeNative } from "./generated/tcmpp-invoke";

// Calls that compile: every API, with the callbacks typed by `api_name`.
wx.invokeNativePlugin({
  api_name: "getProduct",
  data: { productId: "kopi", withReviews: true, currency: "USD" },
  success(res) {
    const title: string = res.title;
    const amount: number = res.price.amount;
    const currency: Tcmpp.Types.Currency = res.price.currency;
    const stars: number | undefined = res.reviews?.[0]?.stars;
    const message: string = res.errMsg;
    console.log(title, amount, currency, stars, message);
  },
  fail(res) {
    const code: number | undefined = res.errCode;
    console.log(res.errMsg, code);
  },
  cancel(res) {
    console.log(res.errMsg);
  },
  complete(res) {
    console.log(res.errMsg);
  },
});

// Optional keys may be left out; `null` is what serde takes as `None`.
wx.invokeNativePlugin({ api_name: "getProduct", data: { productId: "kopi", currency: null } });

wx.invokeNativePlugin({
  api_name: "payOrder",
  data: {
    orderId: 7,
    total: { amount: 25000, currency: "IDR" },
    payment: { method: "wallet", wallet_id: "w-1" },
    campaign: "ramadan",
  },
  success(res) {
    if (res.state.state === "settled") {
      const receipt: string = res.state.detail.receipt_id;
      console.log(receipt);
    }
  },
});

wx.invokeNativePlugin({ api_name: "applyCoupon", data: "SAVE10" });
wx.invokeNativePlugin({
  api_name: "applyCoupon",
  data: { percent: 10 },
  fail(res) {
    console.log(res.errMsg);
  },
});

// A plain `fn` handler can answer a synchronous call.
wx.invokeNativePlugin({
  api_name: "logEvent",
  data: { name: "open", params: { screen: "home", depth: [1, 2] } },
  sync: true,
});

// No data parameter: `data` may be left out.
wx.invokeNativePlugin({
  api_name: "getCart",
  success(res) {
    if ("items" in res) {
      console.log(res.items.length, res.total.amount);
    }
  },
});

// The same APIs through `tcmpp-custom-config.json`.
wx.getProduct({ data: { productId: "kopi" }, success: (res) => console.log(res.productId) });

// A multiplexed API: `data` is a union discriminated by `methodName`, each method its own data.
wx.invokeNativePlugin({
  api_name: "wallet",
  data: { methodName: "connect", dappUrl: "https://dapp.example" },
  success(res) {
    if ("address" in res) {
      const address: string = res.address;
      console.log(address);
    }
  },
});
wx.invokeNativePlugin({
  api_name: "wallet",
  data: { methodName: "signMessage", message: "hello", nonce: "1" },
});

// The promise helper: resolves with the success object.
async function checkout(): Promise<number> {
  const receipt = await invokeNative("payOrder", {
    orderId: 8,
    total: { amount: 1, currency: "USD" },
    payment: { method: "cash" },
  });
  const cart = await invokeNative("getCart");
  console.log(cart.errMsg);
  return receipt.orderId;
}

// Calls that must not compile.

// @ts-expect-error: an api_name that is not registered (TS2820)
wx.invokeNativePlugin({ api_name: "getProducts", data: { productId: "kopi" } });

// @ts-expect-error: a required field is missing: "Property 'productId' is missing" (TS2322)
wx.invokeNativePlugin({ api_name: "getProduct", data: { withReviews: true } });

wx.invokeNativePlugin({
  api_name: "getProduct",
  // @ts-expect-error: a field of the wrong type (TS2322)
  data: { productId: 42 },
});

wx.invokeNativePlugin({
  api_name: "getProduct",
  // @ts-expect-error: a misspelt optional key (TS2561)
  data: { productId: "kopi", withReview: true },
});

wx.invokeNativePlugin({
  api_name: "getProduct",
  data: { productId: "kopi" },
  success(res) {
    // @ts-expect-error: a result key that does not exist (TS2551)
    console.log(res.price.amout);
  },
});

wx.invokeNativePlugin({
  api_name: "getProduct",
  data: { productId: "kopi" },
  // @ts-expect-error: `sync: true` on an async API (TS2322)
  sync: true,
});

wx.invokeNativePlugin({
  api_name: "payOrder",
  data: {
    orderId: 1,
    total: { amount: 1, currency: "USD" },
    // @ts-expect-error: a field that belongs to another variant of a tagged enum (TS2353)
    payment: { method: "card", wallet_id: "w-1" },
  },
});

wx.invokeNativePlugin({
  api_name: "payOrder",
  data: {
    orderId: 1,
    // @ts-expect-error: a value outside a Rust enum (TS2322)
    total: { amount: 1, currency: "EUR" },
    payment: { method: "cash" },
  },
});

wx.invokeNativePlugin({
  api_name: "applyCoupon",
  data: "SAVE10",
  fail(res) {
    // @ts-expect-error: `errCode` on an API whose errors carry none (TS2339)
    console.log(res.errCode);
  },
});

wx.invokeNativePlugin({
  api_name: "applyCoupon",
  data: "SAVE10",
  // @ts-expect-error: `cancel` on an API that cannot be cancelled (TS2353)
  cancel() {},
});

// @ts-expect-error: `data` is required where the data type needs fields (TS2345)
wx.logEvent({});

wx.invokeNativePlugin({
  api_name: "payOrder",
  data: { orderId: 1, total: { amount: 1, currency: "USD" }, payment: { method: "cash" } },
  success(res) {
    // @ts-expect-error: a data key read from the result (TS2339)
    console.log(res.payment);
  },
});

wx.invokeNativePlugin({
  api_name: "wallet",
  // @ts-expect-error: another method's data on a multiplexed API (TS2353)
  data: { methodName: "connect", message: "hello", nonce: "1" },
});

wx.invokeNativePlugin({
  api_name: "wallet",
  // @ts-expect-error: a method the multiplexed API does not have (TS2322)
  data: { methodName: "share", dappUrl: "https://dapp.example" },
});

wx.invokeNativePlugin({
  api_name: "wallet",
  // @ts-expect-error: the method's data without its method (TS2322)
  data: { message: "hello", nonce: "1" },
});

wx.invokeNativePlugin({
  api_name: "wallet",
  // @ts-expect-error: a field of the wrong type in a method's data (TS2322)
  data: { methodName: "signMessage", message: "hello", nonce: 1 },
});

async function wrongHelperCalls(): Promise<void> {
  // @ts-expect-error: the helper checks the name too (TS2345)
  await invokeNative("payOrders", {});
  const product = await invokeNative("getProduct", { productId: "kopi" });
  // @ts-expect-error: and types what it resolves with (TS2339)
  console.log(product.orderId);
}

// A fail body the handler declares (`fail_body = PaymentDeclined`): its keys beside `errMsg`,
// each optional, since a call can fail before the handler runs.
wx.invokeNativePlugin({
  api_name: "payOrder",
  data: { orderId: 2, total: { amount: 0, currency: "IDR" }, payment: { method: "cash" } },
  fail(res) {
    const status: number | undefined = res.status;
    const uuid: string | undefined = res.uuid;
    console.log(res.errMsg, res.errCode, status, uuid);
    // @ts-expect-error: a key the declared fail body does not have (TS2339)
    console.log(res.reason);
  },
});

wx.invokeNativePlugin({
  api_name: "getProduct",
  data: { productId: "kopi" },
  fail(res) {
    // @ts-expect-error: a fail body key on an API that declares none (TS2339)
    console.log(res.status);
  },
});

// The progress payload a handler's `Progress<T>` declares, for the host-side listener's types.
const step: Tcmpp.Progress<"payOrder"> = { step: "charging" };
// @ts-expect-error: a progress payload of the wrong shape (TS2322)
const wrongStep: Tcmpp.Progress<"payOrder"> = { step: 1 };
console.log(step, wrongStep);

export { checkout, wrongHelperCalls };
