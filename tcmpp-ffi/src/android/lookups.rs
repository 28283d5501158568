//! Every Java class and member the native side reaches by name, in one table: the native methods
//! the JVM binds to `export_jni!`'s symbols, and the Kotlin methods native code calls back.
//! A shrinker (R8, ProGuard) sees no Java caller of the callbacks and removes or renames them
//! unless the app's keep rules say otherwise; [`consumer_rules`] writes those rules from this
//! table, and the module ships them as `tcmpp-ffi/android/consumer-rules.pro` (a test checks the
//! file is this function's text, and that a shrunk jar keeps every entry by name).
//!
//! The listener's JNI names (`listener.rs`) are built from the same literals by the
//! `callback!` macro, so a look-up cannot be added without an entry here.

use std::fmt::Write as _;

/// How native code reaches a [`JavaLookup`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupKind {
    /// A `static native` method of [`class`](JavaLookup::class): the JVM binds it to the
    /// exported symbol `Java_<class>_<name>`, so its class and method names must stay.
    Native,
    /// A method native code calls (`GetMethodID` on the object's own class) on objects that
    /// implement the interface [`class`](JavaLookup::class): its name and descriptor must stay
    /// on every implementation.
    Callback,
}

/// A Java method the native side finds by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JavaLookup {
    /// How it is reached.
    pub kind: LookupKind,
    /// The class (for [`LookupKind::Native`]) or interface (for [`LookupKind::Callback`]), as
    /// Java names it: `rs.tcmpp.android.TcmppNative`.
    pub class: &'static str,
    /// The method's name.
    pub name: &'static str,
    /// The method's JNI descriptor: `(ILjava/lang/String;)V`.
    pub descriptor: &'static str,
}

/// The class of `TcmppBridge`'s native methods.
const NATIVES: &str = "rs.tcmpp.android.TcmppNative";
/// The interface a call's listener implements.
const LISTENER: &str = "rs.tcmpp.android.NativeListener";

const fn native(name: &'static str, descriptor: &'static str) -> JavaLookup {
    JavaLookup {
        kind: LookupKind::Native,
        class: NATIVES,
        name,
        descriptor,
    }
}

const fn callback(name: &'static str, descriptor: &'static str) -> JavaLookup {
    JavaLookup {
        kind: LookupKind::Callback,
        class: LISTENER,
        name,
        descriptor,
    }
}

/// `NativeListener.onReply(status, json)`: a call's one reply.
pub(crate) const ON_REPLY: JavaLookup = callback("onReply", "(ILjava/lang/String;)V");
/// `NativeListener.onProgress(stateEvent, payloadJson)`: a call's progress event.
pub(crate) const ON_PROGRESS: JavaLookup =
    callback("onProgress", "(Ljava/lang/String;Ljava/lang/String;)V");

/// Every class and member the native side of the Android bridge reaches by name.
pub const JAVA_LOOKUPS: &[JavaLookup] = &[
    native("init", "()[Ljava/lang/String;"),
    native("apis", "()[Ljava/lang/String;"),
    native("customConfigJson", "()Ljava/lang/String;"),
    native(
        "dispatch",
        "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;ILrs/tcmpp/android/NativeListener;)J",
    ),
    native("cancel", "(J)V"),
    native(
        "dispatchSync",
        "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;I)Ljava/lang/String;",
    ),
    native(
        "dispatchWithCaller",
        "(JLjava/lang/String;Ljava/lang/String;ILrs/tcmpp/android/NativeListener;)J",
    ),
    native(
        "dispatchSyncWithCaller",
        "(JLjava/lang/String;Ljava/lang/String;I)Ljava/lang/String;",
    ),
    native("callerNew", "(Ljava/lang/String;[Ljava/lang/String;)J"),
    native("callerFree", "(J)V"),
    native("heldCallers", "()J"),
    native("shutdown", "(J)Z"),
    native("heldListeners", "()J"),
    native("attachedThreads", "()J"),
    ON_REPLY,
    ON_PROGRESS,
];

/// The ProGuard/R8 keep rules that keep every entry of [`JAVA_LOOKUPS`]: what the Android
/// module ships as its consumer rules (`consumer-rules.pro`), so that an app's release build
/// applies them without writing any.
pub fn consumer_rules() -> String {
    let mut rules = String::from(
        "# Generated from tcmpp_ffi::android::JAVA_LOOKUPS (tcmpp_ffi::android::consumer_rules()):
# every class and member the Rust side of the bridge reaches by name. Do not edit; a test
# checks this file against the table and a shrunk jar against this file.
",
    );
    let mut classes: Vec<(LookupKind, &str)> = Vec::new();
    for lookup in JAVA_LOOKUPS {
        if !classes.contains(&(lookup.kind, lookup.class)) {
            classes.push((lookup.kind, lookup.class));
        }
    }
    for (kind, class) in classes {
        let members = |rules: &mut String| {
            for lookup in JAVA_LOOKUPS
                .iter()
                .filter(|lookup| lookup.kind == kind && lookup.class == class)
            {
                let _ = writeln!(rules, "    {};", member(lookup));
            }
        };
        match kind {
            LookupKind::Native => {
                let _ = writeln!(
                    rules,
                    "\n# The JVM binds these to the library's Java_{}_* symbols by class and method name;\n\
                     # the listener type in their descriptors is kept by name too.\n\
                     -keep,includedescriptorclasses class {class} {{",
                    class.replace('.', "_"),
                );
                members(&mut rules);
                rules.push_str("}\n");
            }
            LookupKind::Callback => {
                let _ = writeln!(
                    rules,
                    "\n# Native code calls these by name and descriptor on the listener it was given, from\n\
                     # the calling thread or a runtime worker; no Java code calls them.\n\
                     -keep interface {class} {{"
                );
                members(&mut rules);
                let _ = writeln!(rules, "}}\n-keepclassmembers class * implements {class} {{");
                members(&mut rules);
                rules.push_str("}\n");
            }
        }
    }
    rules
}

/// A member specification of a keep rule: `static native long cancel(long)`.
fn member(lookup: &JavaLookup) -> String {
    let (parameters, result) = lookup.descriptor[1..]
        .split_once(')')
        .expect("a method descriptor");
    let mut types = Vec::new();
    let mut rest = parameters;
    while !rest.is_empty() {
        let (java, after) = java_type(rest);
        types.push(java);
        rest = after;
    }
    let modifiers = match lookup.kind {
        LookupKind::Native => "static native ",
        LookupKind::Callback => "",
    };
    format!(
        "{modifiers}{} {}({})",
        java_type(result).0,
        lookup.name,
        types.join(", ")
    )
}

/// The Java spelling of the first type of a descriptor, and what follows it.
fn java_type(descriptor: &str) -> (String, &str) {
    let (first, rest) = descriptor.split_at(1);
    let primitive = match first {
        "V" => "void",
        "Z" => "boolean",
        "B" => "byte",
        "C" => "char",
        "S" => "short",
        "I" => "int",
        "J" => "long",
        "F" => "float",
        "D" => "double",
        "[" => {
            let (element, rest) = java_type(rest);
            return (element + "[]", rest);
        }
        "L" => {
            let (class, rest) = rest.split_once(';').expect("a class type ends with ;");
            return (class.replace('/', "."), rest);
        }
        other => panic!("not a JNI type descriptor: {other}"),
    };
    (primitive.to_owned(), rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_written_as_keep_rules_spell_them() {
        assert_eq!(
            member(&JAVA_LOOKUPS[3]),
            "static native long dispatch(java.lang.String, java.lang.String, java.lang.String, int, rs.tcmpp.android.NativeListener)"
        );
        assert_eq!(
            member(&JAVA_LOOKUPS[0]),
            "static native java.lang.String[] init()"
        );
        assert_eq!(member(&ON_REPLY), "void onReply(int, java.lang.String)");
    }
}
