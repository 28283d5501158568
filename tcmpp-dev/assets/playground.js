// The tcmpp playground: lists the registry's APIs, builds a form per API from its JSON Schema,
// sends calls to the dev server as a chosen caller profile, and shows each reply by kind with
// the progress events that came before it. Everything is served by the dev server itself.
//
// Text from the server (names, replies) is only ever set as textContent, never as HTML.

const $ = (id) => document.getElementById(id);

const state = {
  token: "",
  catalog: null,
  selected: null, // { api, method, schema, root, json }
  subscription: null,
  calls: new Map(), // callId -> entry
  current: null, // the entry whose reply and progress are shown
  next: 0,
  history: [],
};

// ---- the server -------------------------------------------------------------------------

function request(path, init = {}) {
  const headers = { "x-tcmpp-dev-token": state.token, ...(init.headers || {}) };
  return fetch(path, { ...init, headers });
}

async function refusalText(response) {
  const text = await response.text();
  try {
    const refusal = JSON.parse(text);
    return `${refusal.error}: ${refusal.message}`;
  } catch (_) {
    return `HTTP ${response.status}: ${text}`;
  }
}

function notice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text || "";
}

async function start() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  state.token = match ? decodeURIComponent(match[1]) : sessionStorage.getItem("tcmpp-dev-token") || "";
  if (!state.token) {
    $("token-box").hidden = false;
    setStatus("closed", "no token");
    return;
  }
  sessionStorage.setItem("tcmpp-dev-token", state.token);
  const response = await request("/api/apis");
  if (!response.ok) {
    notice(await refusalText(response));
    $("token-box").hidden = false;
    setStatus("closed", "refused");
    return;
  }
  $("token-box").hidden = true;
  state.catalog = await response.json();
  if (state.catalog.schemaError) notice("No schemas, so no forms: " + state.catalog.schemaError);
  renderProfiles();
  renderApis();
  openSocket();
}

$("token-use").addEventListener("click", () => {
  location.hash = "token=" + encodeURIComponent($("token").value.trim());
  start();
});

function setStatus(stateName, text) {
  $("status").dataset.state = stateName;
  $("status").textContent = text;
}

function openSocket() {
  const url = `ws://${location.host}/api/progress?token=${encodeURIComponent(state.token)}`;
  const socket = new WebSocket(url);
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "hello") {
      state.subscription = event.subscription;
      setStatus("open", "progress: live");
      updateSend();
    } else if (event.type === "progress") {
      const entry = state.calls.get(event.callId);
      if (!entry) return;
      entry.events.push(event);
      if (entry === state.current) appendProgress(event);
      if (entry.whole && entry.events.length >= entry.expectedEvents) entry.whole();
    }
  });
  socket.addEventListener("close", () => {
    state.subscription = null;
    setStatus("closed", "progress: reconnecting…");
    updateSend();
    setTimeout(openSocket, 1000);
  });
}

// ---- APIs and profiles --------------------------------------------------------------------

function renderProfiles() {
  const select = $("profile");
  select.replaceChildren();
  for (const profile of state.catalog.profiles) {
    const option = document.createElement("option");
    option.value = profile.name;
    option.textContent = profile.name;
    select.append(option);
  }
  select.addEventListener("change", showProfile);
  showProfile();
}

function showProfile() {
  const profile = state.catalog.profiles.find((p) => p.name === $("profile").value);
  const info = profile.appInfo || {};
  const parts = [];
  parts.push(info.appId !== undefined ? `appId ${info.appId}` : "no AppInfo");
  if (info.appVerType !== undefined) parts.push(`appVerType ${info.appVerType}`);
  if (profile.webViewId !== undefined) parts.push(`web view ${profile.webViewId}`);
  $("profile-info").textContent = parts.join(" · ");
  renderSnippet();
}

function renderApis() {
  const list = $("apis");
  list.replaceChildren();
  for (const api of state.catalog.apis) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.api = api.name;
    if (api.method) button.dataset.method = api.method;
    button.textContent = api.method ? `${api.name} · ${api.method}` : api.name;
    if (api.restricted) button.append(badge("restricted", "restricted"));
    if (api.kind === "sync") button.append(badge("fn", "sync"));
    button.addEventListener("click", () => select(api, button));
    item.append(button);
    list.append(item);
  }
}

function badge(text, kind) {
  const span = document.createElement("span");
  span.className = "badge " + kind;
  span.textContent = text;
  return span;
}

// ---- schemas ----------------------------------------------------------------------------

function definition(ref) {
  const defs = (state.catalog.schema && state.catalog.schema.$defs) || {};
  const name = decodeURIComponent(ref.replace(/^#\/\$defs\//, ""));
  return defs[name];
}

/** The schema with its `$ref`s followed (siblings such as `description` kept). */
function resolve(schema) {
  let seen = 0;
  while (schema && typeof schema === "object" && schema.$ref && seen++ < 32) {
    const { $ref, ...rest } = schema;
    const target = definition($ref);
    if (target === undefined) return rest;
    schema = typeof target === "object" ? { ...target, ...rest } : target;
  }
  return schema;
}

/** `{ schema, nullable }`: an `anyOf [X, null]` or `type: [X, "null"]` taken apart. */
function unwrapNullable(schema) {
  schema = resolve(schema);
  if (schema && Array.isArray(schema.anyOf) && schema.anyOf.length === 2) {
    const rest = schema.anyOf.filter((s) => !(s && s.type === "null"));
    if (rest.length === 1) return { schema: resolve(rest[0]), nullable: true };
  }
  if (schema && Array.isArray(schema.type) && schema.type.includes("null")) {
    const types = schema.type.filter((t) => t !== "null");
    return { schema: { ...schema, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  return { schema, nullable: false };
}

/** The strings an enum-like schema allows, or null. */
function choices(schema) {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) return schema.enum;
  if (Array.isArray(schema.oneOf) && schema.oneOf.every((s) => s && typeof resolve(s).const === "string")) {
    return schema.oneOf.map((s) => resolve(s).const);
  }
  return null;
}

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function equal(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Checks `value` against `schema`, pushing `path: what is wrong` to `errors`. */
function validate(value, schema, path, errors) {
  if (schema === true || schema === undefined || schema === null) return;
  if (schema === false) {
    errors.push(`${path}: nothing is allowed here`);
    return;
  }
  schema = resolve(schema);
  if (typeof schema !== "object") return;
  const type = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes(type) && !(type === "integer" && types.includes("number"))) {
      errors.push(`${path}: expected ${types.join(" or ")}, found ${type}`);
      return;
    }
  }
  if ("const" in schema && !equal(value, schema.const)) {
    errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => equal(v, value))) {
    errors.push(`${path}: must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: at most ${schema.maximum}`);
  }
  if (type === "object") {
    for (const key of schema.required || []) {
      if (!(key in value)) errors.push(`${path}.${key}: missing`);
    }
    const properties = schema.properties || {};
    for (const [key, item] of Object.entries(value)) {
      if (key in properties) validate(item, properties[key], `${path}.${key}`, errors);
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not a known key`);
      else if (typeof schema.additionalProperties === "object") validate(item, schema.additionalProperties, `${path}.${key}`, errors);
    }
  }
  if (type === "array" && schema.items !== undefined) {
    value.forEach((item, i) => validate(item, schema.items, `${path}[${i}]`, errors));
  }
  for (const part of schema.allOf || []) validate(value, part, path, errors);
  const matching = (list) => list.filter((part) => {
    const found = [];
    validate(value, part, path, found);
    return found.length === 0;
  }).length;
  if (Array.isArray(schema.anyOf) && matching(schema.anyOf) === 0) {
    errors.push(`${path}: matches none of the ${schema.anyOf.length} shapes it may take`);
  }
  if (Array.isArray(schema.oneOf)) {
    const count = matching(schema.oneOf);
    if (count !== 1) {
      const shapes = choices(schema);
      errors.push(shapes ? `${path}: must be one of ${shapes.map((s) => JSON.stringify(s)).join(", ")}`
        : `${path}: matches ${count} of the ${schema.oneOf.length} shapes it may take, not exactly one`);
    }
  }
}

// ---- the form ---------------------------------------------------------------------------

function select(api, button) {
  for (const other of document.querySelectorAll("#apis button")) other.removeAttribute("aria-current");
  button.setAttribute("aria-current", "true");
  const key = api.method ? `${api.name}.${api.method}.data` : `${api.name}.data`;
  const hasSchema = !!(state.catalog.schema && state.catalog.schema.$defs && key in state.catalog.schema.$defs);
  const schema = hasSchema ? state.catalog.schema.$defs[key] : undefined;
  state.selected = { api, schema, hasSchema, root: null, json: false };
  $("call-title").textContent = api.method ? `${api.name} · ${api.method}` : api.name;
  const meta = [api.kind === "sync" ? "plain fn (answers sync: true)" : "async fn"];
  if (api.restricted) meta.push("restricted: only callers the access policy grants");
  if (api.timeoutMs) meta.push(`timeout ${api.timeoutMs} ms`);
  meta.push(api.location);
  $("call-meta").textContent = meta.join(" · ");
  buildForm();
  updateSend();
}

function buildForm() {
  const selected = state.selected;
  const form = $("form");
  form.replaceChildren();
  const resolved = resolve(selected.schema);
  const formable = selected.hasSchema && resolved && typeof resolved === "object"
    && resolved.type === "object" && resolved.properties && !selected.json;
  $("json-box").hidden = formable;
  $("as-json").hidden = !formable;
  $("json-errors").replaceChildren();
  if (formable) {
    selected.root = objectFields(resolved, "", form);
    const errors = document.createElement("ul");
    errors.className = "errors";
    errors.id = "form-errors";
    form.append(errors);
  } else {
    selected.root = null;
    const takesNothing = selected.schema === true || (resolved && typeof resolved === "object" && Object.keys(resolved).length === 0);
    $("json-label").textContent = !selected.hasSchema
      ? "data (raw JSON: this API has no schema)"
      : takesNothing
        ? "data (JSON; this API reads none: leave empty to send none)"
        : "data (JSON, checked against the API's schema)";
    if (!selected.json) $("json").value = "";
  }
  renderSnippet();
}

/** Fields for an object's properties in `parent`; the spec to read them back. */
function objectFields(schema, prefix, parent) {
  const required = new Set(schema.required || []);
  const fields = [];
  for (const [key, property] of Object.entries(schema.properties)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const method = state.selected.api.method;
    if (!prefix && method && key === state.selected.api.methodKey) continue;
    fields.push(field(key, path, property, required.has(key), parent));
  }
  return { kind: "object", fields };
}

function field(key, path, property, required, parent) {
  const { schema, nullable } = unwrapNullable(property);
  const description = (property && property.description) || (schema && schema.description) || "";
  const optional = !required || nullable;
  const spec = { key, path, schema: property, optional };
  const values = schema && typeof schema === "object" ? choices(schema) : null;
  if (schema && schema.type === "object" && schema.properties && !values) {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = key + (optional ? "" : " *");
    fieldset.append(legend);
    parent.append(fieldset);
    return { ...spec, kind: "object", fields: objectFields(schema, path, fieldset).fields };
  }
  const label = document.createElement("label");
  label.className = "field";
  const name = document.createElement("span");
  name.textContent = key;
  if (!optional) name.className = "required";
  label.append(name);
  let input;
  if (values) {
    input = document.createElement("select");
    const options = optional ? ["", ...values] : values;
    for (const value of options) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value === "" ? "(left out)" : value;
      input.append(option);
    }
    spec.kind = "choice";
  } else if (schema && (schema.type === "string")) {
    input = document.createElement("input");
    input.type = "text";
    spec.kind = "string";
  } else if (schema && (schema.type === "integer" || schema.type === "number")) {
    input = document.createElement("input");
    input.type = "number";
    if (schema.minimum !== undefined) input.min = schema.minimum;
    if (schema.maximum !== undefined) input.max = schema.maximum;
    if (schema.type === "integer") input.step = "1";
    spec.kind = schema.type;
  } else if (schema && schema.type === "boolean") {
    input = document.createElement("input");
    input.type = "checkbox";
    input.checked = property.default === true;
    spec.kind = "boolean";
  } else {
    // No form fits (a tagged enum, a list, a map, any JSON): a JSON editor for this field,
    // checked against its schema.
    input = document.createElement("textarea");
    input.rows = 3;
    input.spellcheck = false;
    input.placeholder = "JSON";
    spec.kind = "json";
  }
  input.name = path;
  input.id = "f-" + path;
  input.addEventListener("input", renderSnippet);
  input.addEventListener("change", renderSnippet);
  label.append(input);
  if (description) {
    const small = document.createElement("small");
    small.textContent = description;
    label.append(small);
  }
  parent.append(label);
  spec.input = input;
  return spec;
}

/** Reads an object spec into a value; missing optional fields are left out. */
function readObject(spec, errors) {
  const value = {};
  for (const field of spec.fields) {
    const read = readField(field, errors);
    if (read !== undefined) value[field.key] = read;
  }
  return value;
}

function readField(field, errors) {
  if (field.kind === "object") return readObject(field, errors);
  const input = field.input;
  if (field.kind === "boolean") return input.checked;
  const raw = input.value;
  if (raw === "") {
    if (!field.optional) errors.push(`data.${field.path}: required`);
    return undefined;
  }
  if (field.kind === "string" || field.kind === "choice") return raw;
  if (field.kind === "integer" || field.kind === "number") {
    const number = Number(raw);
    if (!Number.isFinite(number)) errors.push(`data.${field.path}: not a number`);
    return number;
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    errors.push(`data.${field.path}: not JSON (${error.message})`);
    return undefined;
  }
}

/** The call's data as the form or the editor holds it: `{ data, errors }`; `data` undefined
 * when the call sends none. */
function readData() {
  const selected = state.selected;
  const errors = [];
  let data;
  if (selected.root) {
    data = readObject(selected.root, errors);
    if (selected.api.method) data = { [selected.api.methodKey]: selected.api.method, ...data };
  } else {
    const text = $("json").value.trim();
    if (text !== "") {
      try {
        data = JSON.parse(text);
      } catch (error) {
        errors.push(`not JSON: ${error.message}`);
      }
    }
  }
  if (errors.length === 0 && selected.hasSchema && data !== undefined) {
    validate(data, selected.schema, "data", errors);
  }
  return { data, errors };
}

$("as-json").addEventListener("click", () => {
  const { data } = readData();
  state.selected.json = true;
  buildForm();
  $("json").value = data === undefined ? "" : JSON.stringify(data, null, 2);
  renderSnippet();
});
$("json").addEventListener("input", renderSnippet);

function showErrors(errors) {
  const list = state.selected.root ? $("form-errors") : $("json-errors");
  list.replaceChildren(...errors.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
}

// ---- the snippet ------------------------------------------------------------------------

function renderSnippet() {
  const selected = state.selected;
  if (!selected) return;
  const { data, errors } = readData();
  if (errors.length > 0 && !selected.root) showErrors(errors);
  else if (!selected.root) showErrors([]);
  const name = JSON.stringify(selected.api.name);
  const typed = !!state.catalog.declarations;
  const json = data === undefined ? undefined : JSON.stringify(data, null, 2);
  const nested = json === undefined ? undefined : json.replace(/\n/g, "\n  ");
  const lines = [];
  if (typed) {
    lines.push("// TypeScript, with the generated typings (tcmpp.d.ts, tcmpp-invoke.d.ts)");
    lines.push('import { invokeNative } from "./typings/tcmpp-invoke";');
    lines.push("");
    lines.push(`const res: Tcmpp.Success<${name}> = await invokeNative(${name}${json === undefined ? "" : ", " + json});`);
    lines.push(`// rejects with Tcmpp.InvokeError<${name}>: the fail (or cancel) object`);
  } else {
    lines.push(`const res = await invokeNative(${name}${json === undefined ? "" : ", " + json});`);
  }
  lines.push("");
  lines.push("// or with callbacks");
  lines.push("wx.invokeNativePlugin({");
  lines.push(`  api_name: ${name},`);
  if (nested !== undefined) lines.push(`  data: ${nested},`);
  lines.push(typed ? `  success(res) {}, // Tcmpp.Success<${name}>` : "  success(res) {},");
  lines.push(typed ? `  fail(res) {}, // Tcmpp.Fail<${name}>` : "  fail(res) {},");
  lines.push("});");
  $("snippet").textContent = lines.join("\n");
}

// ---- calls ------------------------------------------------------------------------------

function updateSend() {
  $("send").disabled = !state.selected || state.subscription === null;
}

$("send").addEventListener("click", () => {
  const selected = state.selected;
  const { data, errors } = readData();
  showErrors(errors);
  if (errors.length > 0) return;
  const call = data === undefined ? { api_name: selected.api.name } : { api_name: selected.api.name, data };
  send({
    api: selected.api.name,
    method: selected.api.method,
    profile: $("profile").value,
    callText: JSON.stringify(call),
  });
});

async function send(call) {
  const callId = "p" + ++state.next;
  const entry = { ...call, callId, events: [], kind: "pending", at: new Date() };
  state.calls.set(callId, entry);
  state.current = entry;
  showReply(entry);
  $("progress").replaceChildren();
  const query = new URLSearchParams({ profile: call.profile, callId });
  if (state.subscription !== null) query.set("progress", state.subscription);
  const started = performance.now();
  let response;
  try {
    response = await request("/api/call?" + query, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: call.callText,
    });
  } catch (error) {
    entry.kind = "refused";
    entry.errMsg = "the dev server cannot be reached: " + error.message;
    finish(entry);
    return;
  }
  entry.roundTripMs = performance.now() - started;
  if (!response.ok) {
    entry.kind = "refused";
    entry.errMsg = await refusalText(response);
    finish(entry);
    return;
  }
  entry.replyText = await response.text();
  entry.kind = response.headers.get("x-tcmpp-reply-kind");
  entry.elapsedUs = Number(response.headers.get("x-tcmpp-elapsed-us"));
  entry.expectedEvents = Number(response.headers.get("x-tcmpp-progress-events") || 0);
  // Every progress event comes before the reply, but over the socket: wait for those on their
  // way, so that the list is whole when the reply shows.
  if (entry.events.length < entry.expectedEvents) {
    await new Promise((resolve) => {
      entry.whole = resolve;
      setTimeout(resolve, 5000);
    });
  }
  const reply = JSON.parse(entry.replyText);
  entry.errMsg = reply.errMsg;
  entry.errCode = reply.errCode;
  const { errMsg: _m, errCode: _c, ...body } = reply;
  entry.body = body;
  finish(entry);
}

function finish(entry) {
  state.calls.delete(entry.callId);
  if (entry === state.current) showReply(entry);
  state.history.unshift(entry);
  renderHistory();
}

function showReply(entry) {
  $("reply").dataset.kind = entry.kind;
  $("reply-kind").textContent = entry.kind;
  $("reply-errmsg").textContent = entry.errMsg || "";
  $("reply-errcode").textContent = entry.errCode !== undefined ? `errCode ${entry.errCode}` : "";
  $("reply-time").textContent = entry.elapsedUs !== undefined
    ? `${formatUs(entry.elapsedUs)} in the registry, ${entry.roundTripMs.toFixed(1)} ms round trip`
    : "";
  $("reply-body").textContent = entry.body && Object.keys(entry.body).length > 0
    ? JSON.stringify(entry.body, null, 2)
    : entry.kind === "pending" ? "…" : "(no body)";
}

function formatUs(us) {
  return us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us} µs`;
}

function appendProgress(event) {
  const item = document.createElement("li");
  item.dataset.seq = event.seq;
  item.textContent = `#${event.seq} ${JSON.stringify(event.payload)}`;
  $("progress").append(item);
}

function renderHistory() {
  const list = $("history");
  list.replaceChildren();
  for (const entry of state.history.slice(0, 50)) {
    const item = document.createElement("li");
    item.dataset.kind = entry.kind;
    const name = entry.method ? `${entry.api}.${entry.method}` : entry.api;
    const time = entry.at.toTimeString().slice(0, 8);
    const text = document.createElement("span");
    text.textContent = `${time} ${name} as ${entry.profile} → ${entry.kind}`;
    const show = document.createElement("button");
    show.type = "button";
    show.className = "show";
    show.textContent = "show";
    show.addEventListener("click", () => {
      state.current = entry;
      showReply(entry);
      $("progress").replaceChildren();
      entry.events.forEach(appendProgress);
    });
    const resend = document.createElement("button");
    resend.type = "button";
    resend.className = "resend";
    resend.textContent = "resend";
    resend.addEventListener("click", () => send({ api: entry.api, method: entry.method, profile: entry.profile, callText: entry.callText }));
    item.append(text, show, resend);
    list.append(item);
  }
}

start();
