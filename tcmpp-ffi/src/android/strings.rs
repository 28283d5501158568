//! Java strings in, Java strings out: a `String?` read exactly (a lone surrogate is an error,
//! not a replacement character that would change what the call says).

use jni::Env;
use jni::objects::JString;

/// Reads a `String?`: `None` for `null`; the error, for a string that is not valid UTF-16,
/// says that `what` is not, and becomes the call's fail reply.
pub(super) fn read(
    env: &Env<'_>,
    string: &JString<'_>,
    what: &str,
) -> Result<Option<String>, String> {
    if string.is_null() {
        return Ok(None);
    }
    let chars = string
        .mutf8_chars(env)
        .map_err(|error| format!("{what} cannot be read: {error}"))?;
    // The JVM hands strings over in modified UTF-8, where a lone surrogate is a 3-byte
    // sequence that no UTF-8 decoder accepts: the strict decoder refuses it too.
    simd_cesu8::mutf8::decode(chars.to_bytes())
        .map(|text| Some(text.into_owned()))
        .map_err(|_| format!("{what} is not valid UTF-16 (it has a lone surrogate)"))
}
