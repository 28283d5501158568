//! Java strings in, Java strings out, each crossed once: a `String?` is copied out as the UTF-16
//! the JVM holds (`GetStringRegion`) and decoded strictly in Rust (a lone surrogate is an error,
//! not a replacement character that would change what the call says); a reply goes back as
//! UTF-16 (`NewString`), written straight from the Rust text. The `jni` crate's own conversions
//! go through modified UTF-8 instead: the JVM converts to it (and allocates) on the way in, and
//! back from it on the way out, with a re-encoding and a copy on the Rust side each time.

use std::cell::RefCell;

use jni::Env;
use jni::objects::JString;
use jni::sys::{jsize, jstring};

thread_local! {
    /// The UTF-16 of the string being read: kept per thread so that reading allocates only the
    /// Rust string.
    static UNITS: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

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
    UNITS.with_borrow_mut(|units| {
        copy_units(env, string, units)
            .map_err(|error| format!("{what} cannot be read: {error}"))?;
        decode(units)
            .map(Some)
            .ok_or_else(|| format!("{what} is not valid UTF-16 (it has a lone surrogate)"))
    })
}

/// Copies the UTF-16 of `string`, not null, into `units`.
#[allow(unsafe_code)] // Two JNI calls the `jni` crate does not wrap.
fn copy_units(
    env: &Env<'_>,
    string: &JString<'_>,
    units: &mut Vec<u16>,
) -> jni::errors::Result<()> {
    if env.exception_check() {
        return Err(jni::errors::Error::JavaException);
    }
    let raw = env.get_raw();
    let string: jstring = string.as_raw();
    // SAFETY: `raw` is this thread's valid JNIEnv, no exception is pending, and `string` is a
    // live, non-null local reference to a java.lang.String; the region is the whole string,
    // which `units` has the room for, so GetStringRegion throws nothing and writes `length`
    // units.
    unsafe {
        let interface = *raw;
        let length = ((*interface).v1_1.GetStringLength)(raw, string);
        let count = usize::try_from(length).unwrap_or(0);
        units.clear();
        units.reserve(count);
        ((*interface).v1_2.GetStringRegion)(raw, string, 0, length, units.as_mut_ptr());
        units.set_len(count);
    }
    Ok(())
}

/// UTF-16 as a Rust string, or `None` when it has a lone surrogate.
fn decode(units: &[u16]) -> Option<String> {
    // Call text is nearly always ASCII: narrowed in one pass the compiler vectorizes.
    if units.iter().all(|&unit| unit < 0x80) {
        let bytes: Vec<u8> = units.iter().map(|&unit| unit as u8).collect();
        return String::from_utf8(bytes).ok();
    }
    String::from_utf16(units).ok()
}

/// A new `java.lang.String` of `prefix` (if any) followed by `text`, written as UTF-16 in one
/// buffer.
#[allow(unsafe_code)] // A JNI call the `jni` crate does not wrap.
pub(super) fn new_string(
    env: &Env<'_>,
    prefix: Option<char>,
    text: &str,
) -> jni::errors::Result<jstring> {
    let mut units: Vec<u16> = Vec::with_capacity(text.len() + 2);
    if let Some(prefix) = prefix {
        units.extend(prefix.encode_utf16(&mut [0; 2]).iter());
    }
    if text.is_ascii() {
        units.extend(text.bytes().map(u16::from));
    } else {
        units.extend(text.encode_utf16());
    }
    let length = jsize::try_from(units.len())
        .map_err(|_| jni::errors::Error::JniCall(jni::errors::JniError::InvalidArguments))?;
    if env.exception_check() {
        return Err(jni::errors::Error::JavaException);
    }
    let raw = env.get_raw();
    // SAFETY: `raw` is this thread's valid JNIEnv with no exception pending; `units` holds
    // `length` UTF-16 units, which NewString copies.
    let string = unsafe { ((**raw).v1_1.NewString)(raw, units.as_ptr(), length) };
    if string.is_null() || env.exception_check() {
        // Out of memory: the pending OutOfMemoryError goes back to Java.
        return Err(jni::errors::Error::JavaException);
    }
    Ok(string)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn utf16_is_decoded_strictly() {
        let units = |text: &str| text.encode_utf16().collect::<Vec<u16>>();
        assert_eq!(decode(&units("{\"a\":1}")).as_deref(), Some("{\"a\":1}"));
        assert_eq!(decode(&units("é😀\0")).as_deref(), Some("é😀\0"));
        assert_eq!(decode(&[0x61, 0xD800]), None, "a lone high surrogate");
        assert_eq!(decode(&[0xDC00, 0x61]), None, "a lone low surrogate");
        assert_eq!(decode(&[]).as_deref(), Some(""));
    }
}
