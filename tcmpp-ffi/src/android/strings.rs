//! Java strings in, Java strings out, each crossed once: a `String?` is copied out as the UTF-16
//! the JVM holds (`GetStringRegion`) and decoded strictly in Rust (a lone surrogate is an error,
//! not a replacement character that would change what the call says); a reply goes back as
//! UTF-16 (`NewString`), written straight from the Rust text. The `jni` crate's own conversions
//! go through modified UTF-8 instead: the JVM converts to it (and allocates) on the way in, and
//! back from it on the way out, with a re-encoding and a copy on the Rust side each time.
//!
//! On the per-call path nothing here allocates once a thread has made a few calls: the text read
//! and the reply's UTF-16 are written into buffers each thread keeps, and the JNI calls are the
//! three a string needs (`GetStringLength`, `GetStringRegion`, `NewString`), with no
//! `ExceptionCheck` around them (see [`JniEnv`]).

use std::cell::{Cell, RefCell};
use std::thread::LocalKey;

use jni::errors::{Error, JniError};
use jni::sys::{JNIEnv, jsize, jstring};

/// The buffers a thread keeps: at most this many (the API name, the call's text and the
/// caller's JSON of one call)…
const KEPT_BUFFERS: usize = 3;
/// …each at most this large, so that one huge call does not stay allocated for the thread's life.
const KEPT_CAPACITY: usize = 64 * 1024;

thread_local! {
    /// The UTF-16 of the string being read, or of the reply being written.
    static UNITS: Cell<Vec<u16>> = const { Cell::new(Vec::new()) };
    /// Spare buffers for [`JavaText`], taken when a string is read and given back when it is
    /// dropped.
    static SPARE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// A thread's JNI environment, as a native method receives it.
///
/// Its functions make no `ExceptionCheck`: a native method is entered with no exception pending,
/// `GetStringLength` and `GetStringRegion` throw nothing for a live `String` and a region inside
/// it, and `NewString` says it threw (out of memory) by returning `null`. So none is pending
/// when the next of these JNI calls is made, which is all the JNI specification asks of the
/// caller.
#[derive(Clone, Copy)]
pub(super) struct JniEnv(*mut JNIEnv);

impl JniEnv {
    /// The environment of a native method's thread.
    ///
    /// The pointer is the `JNIEnv*` the JVM passed to the native method being run, on its
    /// thread, with no exception pending since: every use of the result relies on that.
    pub(super) fn of_native_method(raw: *mut JNIEnv) -> Self {
        JniEnv(raw)
    }
}

/// A Java string, read: valid UTF-8 in a buffer the thread reuses for its next string.
pub(super) struct JavaText {
    /// Always valid UTF-8.
    bytes: Vec<u8>,
}

impl JavaText {
    /// The text.
    #[allow(unsafe_code)] // The buffer's UTF-8 was checked, or written as ASCII, when it was filled.
    pub(super) fn as_str(&self) -> &str {
        // SAFETY: `bytes` is only ever filled by `decode_into` (from `read`), which leaves it
        // ASCII, a `String`'s bytes, or empty.
        unsafe { std::str::from_utf8_unchecked(&self.bytes) }
    }

    /// The text's bytes.
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for JavaText {
    fn drop(&mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        if bytes.capacity() == 0 || bytes.capacity() > KEPT_CAPACITY {
            return;
        }
        // A thread being torn down has no buffers to keep: the bytes are freed.
        let _ = SPARE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                if spare.len() < KEPT_BUFFERS {
                    spare.push(bytes);
                }
            }
        });
    }
}

/// Reads a `String?`: `None` for `null`; the error, for a string that is not valid UTF-16,
/// says that `what` is not, and becomes the call's fail reply as it is (`what` starts with the
/// refusal's own words, `invalid call: apiName`).
pub(super) fn read(env: JniEnv, string: jstring, what: &str) -> Result<Option<JavaText>, String> {
    if string.is_null() {
        return Ok(None);
    }
    let mut bytes = SPARE
        .try_with(|spare| spare.try_borrow_mut().ok()?.pop())
        .ok()
        .flatten()
        .unwrap_or_default();
    let valid = with_kept(&UNITS, |units| {
        copy_units(env, string, units);
        decode_into(units, &mut bytes)
    });
    let text = JavaText { bytes };
    if valid {
        Ok(Some(text))
    } else {
        Err(format!(
            "{what} is not valid UTF-16 (it has a lone surrogate)"
        ))
    }
}

/// Runs `work` with one of the thread's buffers, taken out of its slot meanwhile (so that a
/// nested use, or one on a thread being torn down, gets a new buffer rather than a panic).
fn with_kept<T: 'static, R>(
    slot: &'static LocalKey<Cell<Vec<T>>>,
    work: impl FnOnce(&mut Vec<T>) -> R,
) -> R {
    let mut buffer = slot.try_with(Cell::take).unwrap_or_default();
    let done = work(&mut buffer);
    // One huge string does not stay allocated for the thread's life.
    if buffer.capacity() * std::mem::size_of::<T>() <= KEPT_CAPACITY {
        let _ = slot.try_with(|slot| slot.set(buffer));
    }
    done
}

/// Copies the UTF-16 of `string`, not null, into `units`.
#[allow(unsafe_code)] // Two JNI calls the `jni` crate does not wrap.
fn copy_units(env: JniEnv, string: jstring, units: &mut Vec<u16>) {
    let raw = env.0;
    // SAFETY: `raw` is this thread's valid JNIEnv with no exception pending (`JniEnv`'s promise),
    // and `string` is a live, non-null local reference to a java.lang.String; the region is the
    // whole string, which `units` has the room for, so GetStringRegion throws nothing and writes
    // `length` units.
    unsafe {
        let interface = *raw;
        let length = ((*interface).v1_1.GetStringLength)(raw, string);
        let count = usize::try_from(length).unwrap_or(0);
        units.clear();
        units.reserve(count);
        ((*interface).v1_2.GetStringRegion)(raw, string, 0, length, units.as_mut_ptr());
        units.set_len(count);
    }
}

/// Decodes UTF-16 into `bytes` as UTF-8; `false` (and `bytes` empty) when it has a lone
/// surrogate.
fn decode_into(units: &[u16], bytes: &mut Vec<u8>) -> bool {
    bytes.clear();
    // Call text is nearly always ASCII: narrowed and checked in one pass the compiler
    // vectorizes, the check an OR of every unit.
    let mut seen = 0u16;
    bytes.extend(units.iter().map(|&unit| {
        seen |= unit;
        unit as u8
    }));
    if seen < 0x80 {
        return true;
    }
    bytes.clear();
    match String::from_utf16(units) {
        Ok(text) => {
            bytes.extend_from_slice(text.as_bytes());
            true
        }
        Err(_) => false,
    }
}

/// A new `java.lang.String` of `prefix` (if any) followed by `text`, written as UTF-16 in the
/// thread's buffer. `JavaException` when the JVM could not make it (an `OutOfMemoryError` is
/// then pending, for Java to receive); `InvalidArguments` for a text longer than a Java string.
#[allow(unsafe_code)] // A JNI call the `jni` crate does not wrap.
pub(super) fn new_string(
    env: JniEnv,
    prefix: Option<char>,
    text: &str,
) -> jni::errors::Result<jstring> {
    with_kept(&UNITS, |units| {
        units.clear();
        units.reserve(text.len() + 2);
        if let Some(prefix) = prefix {
            units.extend(prefix.encode_utf16(&mut [0; 2]).iter());
        }
        if text.is_ascii() {
            units.extend(text.bytes().map(u16::from));
        } else {
            units.extend(text.encode_utf16());
        }
        let length =
            jsize::try_from(units.len()).map_err(|_| Error::JniCall(JniError::InvalidArguments))?;
        let raw = env.0;
        // SAFETY: `raw` is this thread's valid JNIEnv with no exception pending (`JniEnv`'s
        // promise); `units` holds `length` UTF-16 units, which NewString copies.
        let string = unsafe { ((**raw).v1_1.NewString)(raw, units.as_ptr(), length) };
        if string.is_null() {
            return Err(Error::JavaException);
        }
        Ok(string)
    })
}

#[cfg(test)]
mod tests {
    use super::decode_into;

    fn decode(units: &[u16]) -> Option<String> {
        let mut bytes = vec![b'x'; 3];
        decode_into(units, &mut bytes).then(|| String::from_utf8(bytes).expect("UTF-8"))
    }

    #[test]
    fn utf16_is_decoded_strictly() {
        let units = |text: &str| text.encode_utf16().collect::<Vec<u16>>();
        assert_eq!(decode(&units("{\"a\":1}")).as_deref(), Some("{\"a\":1}"));
        assert_eq!(decode(&units("é😀\0")).as_deref(), Some("é😀\0"));
        let long = "ascii, then é: ".repeat(40);
        assert_eq!(decode(&units(&long)).as_deref(), Some(long.as_str()));
        assert_eq!(decode(&[0x61, 0xD800]), None, "a lone high surrogate");
        assert_eq!(decode(&[0xDC00, 0x61]), None, "a lone low surrogate");
        assert_eq!(decode(&[]).as_deref(), Some(""));
    }
}
