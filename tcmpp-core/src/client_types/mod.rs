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

    /// The promise helper, kept as the JavaScript file it is.
    const PROMISE_HELPER: &str = include_str!("tcmpp-invoke.js");

    /// The promise helper's declarations.
    const PROMISE_HELPER_DECLARATIONS: &str = include_str!("tcmpp-invoke.d.ts");
}
