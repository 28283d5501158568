//! A dev server for tcmpp-rs handlers: call the real Rust handlers of a super app from a
//! browser or from the mini program IDE's simulator, without a phone.
//!
//! [`serve`] takes the app's [`Registry`](tcmpp_core::Registry), as the app's own
//! `build_registry` makes it, and serves on loopback:
//!
//! - `GET /`: the playground page (every API and method, a form per API from its JSON Schema,
//!   caller profiles, replies by kind, progress live, history, a typed snippet of the call);
//! - `GET /api/apis`: the API list, with the schema and TypeScript declarations when the
//!   `typed-client` feature is on (the default);
//! - `POST /api/call?profile=NAME&progress=ID&callId=ID`: the call text as the body, dispatched
//!   through `Registry::call` as the named [`Profile`] (stated beside the call, as a host's
//!   SDK states the caller); the reply is the rendered callback object, byte for byte, with
//!   its kind in `x-tcmpp-reply-kind`, its time in `x-tcmpp-elapsed-us` and the number of
//!   progress events it sent in `x-tcmpp-progress-events`;
//! - `GET /api/progress?token=…`: a WebSocket carrying the progress events of the calls that
//!   name its subscription id, as they are sent, in order.
//!
//! Safe by default: it listens on loopback only ([`DevOptions::allow_non_loopback`] to change
//! that), refuses requests whose `Host` is not its own (DNS rebinding) or whose `Origin` is
//! another site's, and requires the token it prints at start on every API request. Each
//! refusal is a JSON body, `{"error":"<code>","message":"…"}`, saying what to do.
//!
//! # The app's own handlers, with desktop stand-ins
//!
//! Serve the registry the app's own `build_registry` makes, not a copy. State that only a
//! device has (a battery, the SDK's signed-in user) is best stated as a trait object the
//! registry is given, `State<Arc<dyn Battery>>`, so that `build_registry` takes the platform's
//! implementation on the phone and a fake on the laptop, and the handlers do not change. A
//! stand-in forgotten is reported when the registry is built, naming the state and the handler.
//! `tests/server.rs` serves such an app; the README shows the whole pattern.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use tcmpp_dev::{DevOptions, Profile};
//!
//! let registry = tcmpp_core::Registry::builder().build()?;
//! tcmpp_dev::serve(
//!     registry,
//!     DevOptions::new()
//!         .profile(Profile::new("shop").app_id("wx_shop").web_view_id(1))
//!         .profile(Profile::anonymous("nobody")),
//! )
//! .await?;
//! # Ok(()) }
//! ```

mod assets;
mod call;
mod catalog;
mod error;
mod guard;
mod options;
mod profile;
mod progress;
mod refusal;
mod server;
mod token;

pub use call::{ELAPSED_HEADER, PROFILE_HEADER, PROGRESS_EVENTS_HEADER, REPLY_KIND_HEADER};
pub use error::DevError;
pub use guard::TOKEN_HEADER;
pub use options::{DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, DevOptions};
pub use profile::{DEV_STATE_EVENT, Profile};
pub use server::{DevServer, bind, serve};
