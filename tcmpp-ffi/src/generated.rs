//! What the generated SDK registrations share: the names to register, each once, and how each
//! is answered.

use tcmpp_core::Registry;
use tcmpp_core::registry::HandlerKind;

/// One name to register with an SDK.
pub(crate) struct RegisteredName {
    /// The API name mini programs call.
    pub(crate) name: &'static str,
    /// Whether every handler of the name is a plain `fn` (`"sync": true` in the generated
    /// `tcmpp-custom-config.json`), so that the SDK may ask for its answer at once.
    pub(crate) sync: bool,
}

/// Every API name of `registry`, sorted, once each: a multiplexed API is listed once per method
/// by the registry, and is synchronous only when every method is a plain `fn`.
pub(crate) fn registered_names(registry: &Registry) -> Vec<RegisteredName> {
    let mut names: Vec<RegisteredName> = Vec::new();
    for api in registry.apis() {
        let sync = api.kind == HandlerKind::Plain;
        match names.last_mut() {
            Some(listed) if listed.name == api.name => listed.sync &= sync,
            _ => names.push(RegisteredName {
                name: api.name,
                sync,
            }),
        }
    }
    names
}

/// Whether `name` can be pasted into an identifier of the generated source: the macro crate
/// accepts only JavaScript identifiers (ASCII letters, digits, `_`, `$`, no leading digit),
/// which Objective-C compilers and Dart strings take as they are; anything else is refused
/// rather than escaped into a name the SDK would not route.
pub(crate) fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}
