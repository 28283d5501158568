//! Writes the mini program side's types for this binary's handlers (the shop of
//! `tcmpp_examples::shop`): `cargo run --example typescript -- DIR`.
//!
//! `DIR` gets `tcmpp.d.ts` (declarations that type `wx.invokeNativePlugin` by `api_name`, and
//! `wx.<name>(…)`), `tcmpp-invoke.js` with `tcmpp-invoke.d.ts` (a promise helper) and
//! `tcmpp.schema.json` (JSON Schema of every API's data, result, fail object and progress).
//! The same handlers always give the same bytes, so the files can be committed.

use std::path::PathBuf;

use tcmpp_core::Registry;
// The handlers live in the examples' library: reference it, or they are not linked.
use tcmpp_examples as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        return Err(
            "usage: cargo run --example typescript -- DIR (the directory to write the files into)"
                .into(),
        );
    };
    std::fs::create_dir_all(&dir)
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let types = Registry::builder().build()?.client_types()?;
    types.write_to(&dir)?;
    for (name, _) in types.files() {
        println!("{}", dir.join(name).display());
    }
    Ok(())
}
