//! The dispatching methods an earlier release had, each kept as a name that fails to compile
//! with a message that names its replacement. Without them the compiler suggests the method
//! with the nearest name (`dispatch_json` for `dispatch_json_sync`), which is an async call, not
//! a synchronous answer. Each returns what it returned then (or the type that replaced it), so
//! that the error is this one alone. Hidden from the documentation; the CHANGELOG maps every
//! one.

use super::ReplyFuture;
use crate::registry::Registry;
use crate::reply::Reply;

macro_rules! removed {
    ($(
        $method:ident($($arg:ident),*) -> $ret:ty => $trait:ident: $message:literal;
    )*) => {
        impl Registry {
            $(
                #[doc(hidden)]
                pub fn $method<'a, $($arg),*>(&'a self, $(_: $arg),*) -> $ret
                where
                    &'a Self: $trait,
                {
                    <&'a Self as $trait>::replaced()
                }
            )*
        }

        $(
            #[diagnostic::on_unimplemented(
                message = $message,
                label = "removed: see tcmpp-core's CHANGELOG.md",
                note = "every call goes through `registry.call(input)`, whose options (`.wire`, `.caller`, `.progress`, `.rendered`, `.now_or_fail()`) combine freely"
            )]
            #[doc(hidden)]
            pub trait $trait {
                #[doc(hidden)]
                fn replaced<R>() -> R;
            }
        )*
    };
}

removed! {
    dispatch(A) -> ReplyFuture<Reply> => DispatchRemoved:
        "`Registry::dispatch(call)` was removed: write `registry.call(call)` (`.await` it for the `Reply`)";
    dispatch_sync(A) -> Reply => DispatchSyncRemoved:
        "`Registry::dispatch_sync(call)` was removed: write `registry.call(call).reply().now_or_fail()`";
    dispatch_json_sync(A) -> String => DispatchJsonSyncRemoved:
        "`Registry::dispatch_json_sync(text)` was removed: write `registry.dispatch_json(text).now_or_fail()`";
    dispatch_json_with_name(A, B) -> ReplyFuture<String> => DispatchJsonWithNameRemoved:
        "`Registry::dispatch_json_with_name(name, text)` was removed: write `registry.call(text).wire(Wire::Named(name)).rendered(Rendering::Callback)`";
    dispatch_json_legacy(A, B) -> ReplyFuture<String> => DispatchJsonLegacyRemoved:
        "`Registry::dispatch_json_legacy(name, text)` was removed: write `registry.call(text).wire(Wire::Legacy(name)).rendered(Rendering::Callback)`";
    dispatch_json_bytes(A) -> ReplyFuture<String> => DispatchJsonBytesRemoved:
        "`Registry::dispatch_json_bytes(bytes)` was removed: write `registry.call(bytes).rendered(Rendering::Callback)`";
    dispatch_json_bare(A) -> ReplyFuture<Reply> => DispatchJsonBareRemoved:
        "`Registry::dispatch_json_bare(text)` was removed: write `registry.call(text).rendered(Rendering::Bare)` (or `.await` for the `Reply`)";
    dispatch_json_bare_sync(A) -> Reply => DispatchJsonBareSyncRemoved:
        "`Registry::dispatch_json_bare_sync(text)` was removed: write `registry.call(text).rendered(Rendering::Bare).now_or_fail()`";
    dispatch_json_bare_with_name(A, B) -> ReplyFuture<Reply> => DispatchJsonBareWithNameRemoved:
        "`Registry::dispatch_json_bare_with_name(name, text)` was removed: write `registry.call(text).wire(Wire::Named(name)).rendered(Rendering::Bare)`";
    dispatch_json_bare_legacy(A, B) -> ReplyFuture<Reply> => DispatchJsonBareLegacyRemoved:
        "`Registry::dispatch_json_bare_legacy(name, text)` was removed: write `registry.call(text).wire(Wire::Legacy(name)).rendered(Rendering::Bare)`";
    with_progress(A) -> &'a Registry => WithProgressRemoved:
        "`Registry::with_progress(sink)` was removed: write `registry.call(input).progress(sink)`";
    with_shared_progress(A) -> &'a Registry => WithSharedProgressRemoved:
        "`Registry::with_shared_progress(sink)` was removed: write `registry.call(input).progress(sink)` (an `Arc` of a sink is a sink)";
}
