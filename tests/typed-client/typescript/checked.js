// @ts-check
// A plain JavaScript page of a mini program, checked with `// @ts-check` against the generated
// declarations: the same mistakes are caught without TypeScript.

/** @type {WechatMiniprogram.Wx} */
const api = wx;

api.invokeNativePlugin({
  api_name: "getProduct",
  data: { productId: "kopi" },
  success(res) {
    console.log(res.title);
  },
});

// @ts-expect-error: a field of the wrong type (TS2322)
api.invokeNativePlugin({ api_name: "getProduct", data: { productId: 1 } });
