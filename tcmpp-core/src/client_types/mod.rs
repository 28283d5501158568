//! Types across the border: TypeScript declarations and a JSON Schema for the mini program
//! side, generated from the registry (feature `typed-client`).
//!
//! Every `#[mini_api]` handler records how to describe its data type, its success type, its
//! error type and whether it sends progress (its entry's `describe` hook, defined with the
//! handler entry). [`Registry::client_types`] turns
//! those descriptions into the files a mini program project uses: a `.d.ts` that types
//! `wx.invokeNativePlugin` by `api_name`, a promise helper, and one JSON Schema document.

#[cfg(feature = "typed-client")]
mod document;
#[cfg(feature = "typed-client")]
mod probe;
#[cfg(feature = "typed-client")]
mod schema;
#[cfg(feature = "typed-client")]
mod ts_type;
#[cfg(feature = "typed-client")]
mod typescript;

#[cfg(feature = "typed-client")]
pub use generated::{ClientTypes, ClientTypesError};

#[cfg(feature = "typed-client")]
mod generated {
    use std::fmt;
    use std::io;
    use std::path::Path;

    use super::document::{Document, Misdescribed, Missing, Problems};
    use super::{schema, typescript};
    use crate::registry::Registry;

    /// The mini program side's view of a registry's APIs, as the text of the files a mini
    /// program project uses. Made by [`Registry::client_types`].
    ///
    /// The same registry always gives the same bytes, so a host can commit the files and
    /// review their diffs.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ClientTypes {
        declarations: String,
        json_schema: String,
    }

    impl ClientTypes {
        /// The file name of [`declarations`](Self::declarations).
        pub const DECLARATIONS_FILE: &'static str = "tcmpp.d.ts";
        /// The file name of [`json_schema`](Self::json_schema).
        pub const JSON_SCHEMA_FILE: &'static str = "tcmpp.schema.json";
        /// The file name of [`promise_helper`](Self::promise_helper).
        pub const PROMISE_HELPER_FILE: &'static str = "tcmpp-invoke.js";
        /// The file name of [`promise_helper_declarations`](Self::promise_helper_declarations).
        pub const PROMISE_HELPER_DECLARATIONS_FILE: &'static str = "tcmpp-invoke.d.ts";

        /// TypeScript declarations (`tcmpp.d.ts`), a global script: the data, result, fail and
        /// progress types of every API (namespace `Tcmpp`), `wx.invokeNativePlugin` typed by
        /// `api_name` (and, for a multiplexed API, by the method its `data` names), and
        /// `wx.<name>(…)` for each API of the SDK's custom config, added to
        /// `WechatMiniprogram.Wx`. They compile under TypeScript 4.9 and later.
        pub fn declarations(&self) -> &str {
            &self.declarations
        }

        /// One JSON Schema document (draft 2020-12, `tcmpp.schema.json`): the call
        /// `{ api_name, data }`, and under `$defs` each API's `<name>.data`, `<name>.result`,
        /// `<name>.fail` and `<name>.progress`, beside the named types they use.
        pub fn json_schema(&self) -> &str {
            &self.json_schema
        }

        /// The promise helper (`tcmpp-invoke.js`, an ES module): `invokeNative(name, data)`
        /// calls `wx.invokeNativePlugin` and resolves with the success object, or rejects
        /// with the fail (or cancel) object. The same for every registry; its types are in
        /// [`promise_helper_declarations`](Self::promise_helper_declarations).
        ///
        /// For development, `useDevServer({ url, token })` sends the calls to a `tcmpp-dev`
        /// server instead (`wx.request`, progress over `wx.connectSocket`): off by default, and
        /// ignored in a release build (`envVersion` `"release"`).
        pub fn promise_helper(&self) -> &'static str {
            PROMISE_HELPER
        }

        /// The promise helper's declarations (`tcmpp-invoke.d.ts`), which refer to
        /// [`declarations`](Self::declarations).
        pub fn promise_helper_declarations(&self) -> &'static str {
            PROMISE_HELPER_DECLARATIONS
        }

        /// Every file, as its name and its text.
        pub fn files(&self) -> [(&'static str, &str); 4] {
            [
                (Self::DECLARATIONS_FILE, self.declarations()),
                (Self::PROMISE_HELPER_FILE, self.promise_helper()),
                (
                    Self::PROMISE_HELPER_DECLARATIONS_FILE,
                    self.promise_helper_declarations(),
                ),
                (Self::JSON_SCHEMA_FILE, self.json_schema()),
            ]
        }

        /// Writes every file into `dir`, which must exist, replacing files of the same names.
        pub fn write_to(&self, dir: impl AsRef<Path>) -> io::Result<()> {
            let dir = dir.as_ref();
            for (name, text) in self.files() {
                let path = dir.join(name);
                std::fs::write(&path, text).map_err(|error| {
                    io::Error::new(
                        error.kind(),
                        format!("cannot write {}: {error}", path.display()),
                    )
                })?;
            }
            Ok(())
        }
    }

    /// Why [`Registry::client_types`] could not describe the registry: handler types that do
    /// not implement `schemars::JsonSchema`, or data types whose schema says other than what
    /// serde reads (a field read by a `deserialize_with` the schema does not follow).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ClientTypesError {
        missing: Vec<Missing>,
        misdescribed: Vec<Misdescribed>,
    }

    impl ClientTypesError {
        /// Each type that cannot be described, as `(api name, role, Rust type)`; the role is
        /// `"data"`, `"reply"`, `"progress"` or `"fail body"`.
        pub fn types(&self) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
            self.missing
                .iter()
                .map(|missing| (missing.api, missing.role, missing.type_name))
        }

        /// Each data field whose schema says other than what serde reads, as
        /// `(api name, field path in data, what is wrong)`.
        pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str, &str)> {
            self.misdescribed
                .iter()
                .map(|field| (field.api, field.field.as_str(), field.problem.as_str()))
        }
    }

    impl fmt::Display for ClientTypesError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if !self.missing.is_empty() {
                write!(
                    f,
                    "{} handler type(s) cannot be described to the mini program: derive `schemars::JsonSchema` for each (or, for a type of another crate, wrap it in one that does); the `typed-client-strict` feature makes this a compile error at the handler",
                    self.missing.len()
                )?;
                for missing in &self.missing {
                    write!(
                        f,
                        "\n  - `{}` ({} at {}): the {} type `{}`",
                        missing.api,
                        missing.rust_path,
                        missing.location,
                        missing.role,
                        missing.type_name
                    )?;
                }
            }
            if !self.misdescribed.is_empty() {
                if !self.missing.is_empty() {
                    f.write_str("\n")?;
                }
                write!(
                    f,
                    "{} data field(s) would be declared other than serde reads them",
                    self.misdescribed.len()
                )?;
                for field in &self.misdescribed {
                    write!(
                        f,
                        "\n  - `{}` ({} at {}): field `{}`: {}",
                        field.api, field.rust_path, field.location, field.field, field.problem
                    )?;
                }
            }
            Ok(())
        }
    }

    impl std::error::Error for ClientTypesError {}

    impl Registry {
        /// The TypeScript declarations, promise helper and JSON Schema of every registered API,
        /// for the mini program side (feature `typed-client`). Write them with
        /// [`ClientTypes::write_to`], or compare them with committed copies in a test.
        ///
        /// Fails, naming each one, when a handler's data or reply type does not implement
        /// `schemars::JsonSchema`: a type that cannot be described is never declared as `any`.
        /// Fails too, naming the field, when serde reads a data field in a way its schema does
        /// not say: each data type is asked, with values its schema refuses (a string where it
        /// says number), whether it reads them, as a field with a `deserialize_with` that
        /// schemars cannot follow does. serde's aliases are declared beside their fields.
        ///
        /// ```rust,standalone_crate
        /// use serde::{Deserialize, Serialize};
        /// use tcmpp_core::{mini_api, Registry};
        ///
        /// #[derive(Deserialize, schemars::JsonSchema)]
        /// struct Query { id: u64 }
        ///
        /// #[derive(Serialize, schemars::JsonSchema)]
        /// struct Thing { id: u64, name: String }
        ///
        /// #[mini_api("getThingTyped")]
        /// async fn get_thing(query: Query) -> Thing {
        ///     Thing { id: query.id, name: "thing".to_owned() }
        /// }
        ///
        /// let types = Registry::builder().build()?.client_types()?;
        /// assert!(types.declarations().contains("getThingTyped: {"));
        /// assert!(types.declarations().contains("interface Thing {"));
        /// # Ok::<_, Box<dyn std::error::Error>>(())
        /// ```
        pub fn client_types(&self) -> Result<ClientTypes, ClientTypesError> {
            let document = Document::of(self).map_err(
                |Problems {
                     missing,
                     misdescribed,
                 }| ClientTypesError {
                    missing,
                    misdescribed,
                },
            )?;
            Ok(ClientTypes {
                declarations: typescript::declarations(&document),
                json_schema: schema::document(&document),
            })
        }
    }

    const PROMISE_HELPER: &str = r#"// Generated by tcmpp-core: do not edit. Its types are in tcmpp-invoke.d.ts.

/**
 * Calls a custom API of the host with `wx.invokeNativePlugin`. Resolves with the success object
 * (the API's result and `errMsg`); rejects with the fail object (`errMsg`, and `errCode` where
 * the API sets one) or, for an API that can be cancelled, the cancel object.
 *
 * @param {string} apiName the API's `api_name`
 * @param {unknown} [data] the API's `data`
 * @returns {Promise<unknown>}
 */
export function invokeNative(apiName, data) {
  if (devServer !== null) return invokeDev(devServer, apiName, data);
  return new Promise((resolve, reject) => {
    wx.invokeNativePlugin({
      api_name: apiName,
      data,
      success: resolve,
      fail: reject,
      cancel: reject,
    });
  });
}

// The dev transport: `invokeNative` calls a tcmpp dev server (`tcmpp_dev::serve`) with
// `wx.request`, and takes progress over `wx.connectSocket`, so that a mini program in the IDE's
// simulator calls the real Rust handlers. Off unless `useDevServer` is called; refused in
// release builds.

/** @type {null | { url: string, token: string, profile?: string, onProgress?: Function, socket: any, opening: Promise<string> | null, calls: Map<string, any>, next: number }} */
let devServer = null;

/**
 * Sends every later `invokeNative` call to a tcmpp dev server instead of
 * `wx.invokeNativePlugin`. For development only: in a release build (`envVersion` "release") it
 * does nothing and returns `false`. In the IDE, turn off the domain check ("Does not verify
 * valid domain names…" in the project's local settings) so that `wx.request` may reach it.
 *
 * @param {{ url: string, token: string, profile?: string, onProgress?: (event: { apiName: string, payload: unknown, seq: number }) => void }} options
 *   the server's address and token, as it printed them; the caller profile to call as; and
 *   where progress events go (they come over `wx.connectSocket`)
 * @returns {boolean} whether the dev transport is on
 */
export function useDevServer(options) {
  let env;
  try {
    env = wx.getAccountInfoSync().miniProgram.envVersion;
  } catch (_) {
    env = undefined;
  }
  if (env === "release") {
    console.warn("tcmpp: useDevServer is ignored in a release build; calls go to wx.invokeNativePlugin");
    return false;
  }
  if (!options || typeof options.url !== "string" || typeof options.token !== "string") {
    throw new TypeError("useDevServer({ url, token }): give the address and the token the dev server printed");
  }
  stopDevServer();
  devServer = {
    url: options.url.replace(/\/+$/, ""),
    token: options.token,
    profile: options.profile,
    onProgress: options.onProgress,
    socket: null,
    opening: null,
    calls: new Map(),
    next: 0,
  };
  return true;
}

/** Sends `invokeNative` calls to `wx.invokeNativePlugin` again, and closes the progress socket. */
export function stopDevServer() {
  const server = devServer;
  devServer = null;
  if (server !== null && server.socket !== null) server.socket.close({});
}

function invokeDev(server, apiName, data) {
  const callId = "c" + ++server.next;
  const fail = (reason) => ({ errMsg: apiName + ":fail " + reason });
  return progressSocket(server).then(
    (subscription) =>
      new Promise((resolve, reject) => {
        const events = [];
        let expected = -1;
        let settle = null;
        server.calls.set(callId, {
          event(message) {
            events.push(message);
            if (server.onProgress) server.onProgress({ apiName, payload: message.payload, seq: message.seq });
            if (settle !== null && events.length >= expected) settle();
          },
        });
        let query = "callId=" + callId;
        if (subscription !== null) query += "&progress=" + encodeURIComponent(subscription);
        if (server.profile !== undefined) query += "&profile=" + encodeURIComponent(server.profile);
        wx.request({
          url: server.url + "/api/call?" + query,
          method: "POST",
          header: { "content-type": "application/json", "x-tcmpp-dev-token": server.token },
          data: JSON.stringify({ api_name: apiName, data }),
          dataType: "text",
          responseType: "text",
          success(res) {
            const header = (name) => {
              for (const key in res.header) if (key.toLowerCase() === name) return res.header[key];
              return undefined;
            };
            if (res.statusCode !== 200) {
              server.calls.delete(callId);
              let refusal;
              try {
                refusal = JSON.parse(res.data);
              } catch (_) {
                refusal = { error: "http-" + res.statusCode, message: String(res.data) };
              }
              reject(fail("the dev server refused the call (" + refusal.error + "): " + refusal.message));
              return;
            }
            const kind = header("x-tcmpp-reply-kind");
            const reply = JSON.parse(res.data);
            // Every progress event comes before the reply; wait for those still on the socket.
            expected = Number(header("x-tcmpp-progress-events") || 0);
            settle = () => {
              settle = null;
              server.calls.delete(callId);
              if (kind === "success") resolve(reply);
              else reject(reply);
            };
            if (events.length >= expected || subscription === null) settle();
          },
          fail(err) {
            server.calls.delete(callId);
            reject(fail("the dev server cannot be reached at " + server.url + ": " + (err && err.errMsg)));
          },
        });
      }),
  );
}

/** The progress socket's subscription id; `null` when nobody listens for progress. */
function progressSocket(server) {
  if (!server.onProgress) return Promise.resolve(null);
  if (server.opening !== null) return server.opening;
  server.opening = new Promise((resolve, reject) => {
    const url = server.url.replace(/^http/, "ws") + "/api/progress?token=" + encodeURIComponent(server.token);
    const socket = wx.connectSocket({ url });
    server.socket = socket;
    const reset = () => {
      if (server.socket === socket) {
        server.socket = null;
        server.opening = null;
      }
    };
    socket.onMessage((message) => {
      const event = JSON.parse(message.data);
      if (event.type === "hello") resolve(event.subscription);
      else if (event.type === "progress") {
        const call = server.calls.get(event.callId);
        if (call) call.event(event);
      }
    });
    socket.onClose(reset);
    socket.onError((err) => {
      reset();
      reject({ errMsg: "invokeNative:fail the dev server's progress socket failed: " + (err && err.errMsg) });
    });
  });
  return server.opening;
}
"#;

    const PROMISE_HELPER_DECLARATIONS: &str = r#"// Generated by tcmpp-core: do not edit.
/// <reference path="./tcmpp.d.ts" />

/**
 * A promise that rejects with `E`: `.catch` and `.then`'s second callback receive it typed.
 * (In `try { await … } catch (e) {}`, TypeScript types `e` as `unknown` whatever the promise.)
 */
export interface InvokePromise<T, E> extends Promise<T> {
  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: E) => B | PromiseLike<B>) | null,
  ): Promise<A | B>;
  catch<B = never>(onrejected?: ((reason: E) => B | PromiseLike<B>) | null): Promise<T | B>;
}

/**
 * Calls a custom API of the host with `wx.invokeNativePlugin`. Resolves with the success object
 * (the API's result and `errMsg`); rejects with `Tcmpp.InvokeError<N, M>`: the fail object
 * (`errMsg`, and `errCode` where the API sets one) or, for an API that can be cancelled, the
 * cancel object. For a multiplexed API, both are the method's that `data` names. A helper of
 * the mini program's own that takes the method as a type parameter passes it on explicitly:
 * `invokeNative<"wallet", M>("wallet", data)`.
 */
export declare function invokeNative<
  N extends Tcmpp.ApiName,
  M extends Tcmpp.MethodName<N> = Tcmpp.MethodName<N>,
>(
  apiName: N,
  ...data: Tcmpp.DataArgs<N, M>
): InvokePromise<Tcmpp.Success<N, M>, Tcmpp.InvokeError<N, M>>;

/** A progress event, as the dev transport hands it to `onProgress`. */
export type DevProgressEvent = {
  [N in Tcmpp.ApiName]: { apiName: N; payload: Tcmpp.Progress<N>; seq: number };
}[Tcmpp.ApiName];

/** Where `useDevServer` sends calls: what the dev server printed at start. */
export interface DevServerOptions {
  /** The server's address, `http://127.0.0.1:7370`. */
  url: string;
  /** The token the server printed. */
  token: string;
  /** The caller profile to call as; the server's first when left out. */
  profile?: string;
  /** Receives each progress event, in order, before its call settles. */
  onProgress?: (event: DevProgressEvent) => void;
}

/**
 * Sends every later `invokeNative` call to a tcmpp dev server (with `wx.request`, progress over
 * `wx.connectSocket`) instead of `wx.invokeNativePlugin`. Does nothing and returns `false` in a
 * release build.
 */
export declare function useDevServer(options: DevServerOptions): boolean;

/** Sends `invokeNative` calls to `wx.invokeNativePlugin` again. */
export declare function stopDevServer(): void;
"#;
}
