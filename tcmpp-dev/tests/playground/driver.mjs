// The playground test's driver: runs the page in headless chromium through playwright-core and
// prints what it saw as JSON, for tests/playground.rs to check.
// Arguments: playwright-core's directory, chromium, the page's URL (with the token), the screenshot's path.
import { createRequire } from "node:module";
const [playwright, executablePath, url, shot] = process.argv.slice(2);
const { chromium } = createRequire(import.meta.url)(playwright);

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const out = { errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 760 } });
  page.on("pageerror", (e) => out.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") out.errors.push(m.text()); });
  page.setDefaultTimeout(10000);

  const historyLength = () => page.$$eval("#history li", (l) => l.length);
  const read = () => page.evaluate(() => ({
    kind: document.getElementById("reply").dataset.kind,
    errMsg: document.getElementById("reply-errmsg").textContent,
    errCode: document.getElementById("reply-errcode").textContent,
    body: document.getElementById("reply-body").textContent,
    time: document.getElementById("reply-time").textContent,
  }));
  const send = async () => {
    const before = await historyLength();
    await page.click("#send");
    await page.waitForFunction((n) => document.querySelectorAll("#history li").length > n, before);
    return read();
  };
  const pick = async (api, method) => {
    await page.click(method ? `#apis button[data-api="${api}"][data-method="${method}"]` : `#apis button[data-api="${api}"]:not([data-method])`);
  };
  const fieldNames = () => page.$$eval("#form [name]", (l) => l.map((e) => e.name));

  await page.goto(url);
  await page.waitForSelector('#status[data-state="open"]');
  out.apis = await page.$$eval("#apis button", (l) => l.map((b) => [b.dataset.api, b.dataset.method || null]));
  out.profiles = await page.$$eval("#profile option", (l) => l.map((o) => o.value));

  // Pick an API, fill its form, send, read the reply.
  await pick("getProduct");
  out.getProductFields = await fieldNames();
  await page.fill('[name="productId"]', "kopi");
  await page.check('[name="withReviews"]');
  await page.selectOption('[name="currency"]', "USD");
  out.getProductSnippet = await page.textContent("#snippet");
  out.getProduct = await send();
  // The same data, as JSON in the editor, sends the same call.
  await page.click("#as-json");
  out.asJson = JSON.parse(await page.inputValue("#json"));
  out.asJsonReply = await send();

  // A required field left empty: refused by the form, nothing sent.
  await pick("getProduct");
  await page.fill('[name="productId"]', "");
  const before = await historyLength();
  await page.click("#send");
  out.requiredErrors = await page.textContent("#form-errors");
  out.sentAnyway = (await historyLength()) !== before;

  // A fail with a code and a body.
  await pick("countdown");
  await page.fill('[name="from"]', "30");
  out.failWithCode = await send();

  // A cancel.
  await pick("confirmOrder");
  await page.fill('[name="orderId"]', "9");
  out.cancel = await send();

  // Progress, live and in order: the first event shows while the reply is pending.
  await pick("countdown");
  await page.fill('[name="from"]', "5");
  await page.fill('[name="interval_ms"]', "150");
  // The reply's state when the first event is shown, recorded by the page itself (a mutation
  // observer runs right after the event's handler), so that no timing of the driver matters.
  await page.evaluate(() => {
    window.kindAtFirstEvent = null;
    new MutationObserver(() => {
      if (window.kindAtFirstEvent === null && document.querySelector("#progress li")) {
        window.kindAtFirstEvent = document.getElementById("reply").dataset.kind;
      }
    }).observe(document.getElementById("progress"), { childList: true });
  });
  await page.click("#send");
  await page.waitForSelector("#progress li");
  out.pendingAtFirstEvent = await page.evaluate(() => window.kindAtFirstEvent);
  await page.waitForFunction(() => document.getElementById("reply").dataset.kind !== "pending");
  out.progress = await page.$$eval("#progress li", (l) => l.map((e) => e.textContent));
  out.countdown = await read();

  // A field no form fits (a tagged enum) is a JSON editor, checked against the schema.
  await pick("payOrder");
  out.payOrderFields = await fieldNames();
  await page.fill('[name="orderId"]', "7");
  await page.fill('[name="total.amount"]', "0");
  await page.selectOption('[name="total.currency"]', "IDR");
  await page.fill('[name="payment"]', '{"method":"bitcoin"}');
  await page.click("#send");
  out.paymentErrors = await page.textContent("#form-errors");
  await page.fill('[name="payment"]', '{"method":"cash"}');
  out.declined = await send();

  // A multiplexed API: a form per method.
  await pick("wallet", "connect");
  out.connectFields = await fieldNames();
  await pick("wallet", "signMessage");
  out.signFields = await fieldNames();
  await page.fill('[name="message"]', "hi");
  await page.fill('[name="nonce"]', "1");
  out.signSnippet = await page.textContent("#snippet");
  // A restricted method: refused as the partner, answered as the shop.
  await page.selectOption("#profile", "partner");
  out.profileInfo = await page.textContent("#profile-info");
  out.asPartner = await send();
  await page.selectOption("#profile", "shop");
  out.asShop = await send();
  // The history resends a call as it was made, with its profile.
  const partnerEntry = page.locator("#history li", { hasText: "as partner" });
  const count = await historyLength();
  await partnerEntry.locator("button.resend").click();
  await page.waitForFunction((n) => document.querySelectorAll("#history li").length > n, count);
  out.resent = await read();
  out.history = await page.$$eval("#history li span", (l) => l.map((e) => e.textContent.replace(/^\S+ /, "")));

  // A top-level shape no form fits: the JSON editor, checked against the schema.
  await pick("applyCoupon");
  out.couponFormHidden = await page.isHidden("#form [name]").catch(() => true);
  out.couponLabel = await page.textContent("#json-label");
  await page.fill("#json", '{"percent":"x"}');
  out.couponErrors = await page.textContent("#json-errors");
  await page.fill("#json", '"SAVE10"');
  out.coupon = await send();

  // The screenshot: a countdown with its progress, the history beside it.
  await pick("countdown");
  await page.fill('[name="from"]', "4");
  await page.fill('[name="interval_ms"]', "20");
  out.lastCountdown = await send();
  out.lastProgress = await page.$$eval("#progress li", (l) => l.map((e) => e.textContent));
  await page.screenshot({ path: shot, fullPage: true });

  // Without schemas (a registry whose types cannot be described): raw JSON, untyped snippet.
  const raw = await browser.newPage();
  raw.on("pageerror", (e) => out.errors.push(String(e)));
  await raw.route("**/api/apis", async (route) => {
    const response = await route.fetch();
    const catalog = await response.json();
    catalog.schema = null;
    catalog.declarations = null;
    catalog.schemaError = "1 handler type(s) cannot be described";
    await route.fulfill({ response, json: catalog });
  });
  await raw.goto(url);
  await raw.waitForSelector('#status[data-state="open"]');
  out.rawNotice = await raw.textContent("#notice");
  await raw.click('#apis button[data-api="applyCoupon"]');
  out.rawLabel = await raw.textContent("#json-label");
  await raw.fill("#json", '{"percent":12}');
  out.rawSnippet = await raw.textContent("#snippet");
  await raw.click("#send");
  await raw.waitForSelector("#history li");
  out.rawReply = await raw.evaluate(() => [document.getElementById("reply").dataset.kind, document.getElementById("reply-body").textContent]);

  // A wrong token: the page says what the server said.
  const wrong = await browser.newPage();
  wrong.on("pageerror", (e) => out.errors.push(String(e)));
  await wrong.goto(url.replace(/#token=.*/, "#token=" + "0".repeat(32)));
  await wrong.waitForSelector('#status[data-state="closed"]');
  out.wrongTokenNotice = await wrong.textContent("#notice");
  out.wrongTokenBoxShown = await wrong.isVisible("#token-box");
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
