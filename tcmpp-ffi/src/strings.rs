//! Strings across the boundary: reading the host's C strings, handing strings over to the host
//! (which frees them with `tcmpp_string_free`), and lending them to its callbacks.

use std::ffi::{CStr, CString, c_char};

/// Reads an optional C string as bytes, which need not be UTF-8.
///
/// # Safety
///
/// `pointer` is NULL or a valid NUL-terminated string that outlives `'a`.
#[allow(unsafe_code)] // Dereferences a host pointer.
pub(crate) unsafe fn read_bytes<'a>(pointer: *const c_char) -> Option<&'a [u8]> {
    if pointer.is_null() {
        return None;
    }
    // SAFETY: non-NULL, hence valid and NUL-terminated, as the caller promises.
    Some(unsafe { CStr::from_ptr(pointer) }.to_bytes())
}

/// Reads an optional C string as UTF-8; the error says that `what` is not UTF-8. `what` starts
/// with the refusal's own words (`invalid call: api_name`), so that the error is the whole reason.
///
/// # Safety
///
/// `pointer` is NULL or a valid NUL-terminated string that outlives `'a`.
#[allow(unsafe_code)] // Dereferences a host pointer.
pub(crate) unsafe fn read_str<'a>(
    pointer: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, String> {
    // SAFETY: as the caller promises.
    let Some(bytes) = (unsafe { read_bytes(pointer) }) else {
        return Ok(None);
    };
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|error| format!("{what} is not UTF-8 ({error})"))
}

/// Hands a string to the host, which frees it with `tcmpp_string_free`.
pub(crate) fn into_c_string(text: String) -> *mut c_char {
    c_string(text).into_raw()
}

/// Takes back a string handed to the host.
///
/// # Safety
///
/// `string` is NULL or came from [`into_c_string`] and is not freed yet.
#[allow(unsafe_code)] // Takes back ownership of a string given to the host.
pub(crate) unsafe fn free(string: *mut c_char) {
    if !string.is_null() {
        // SAFETY: the string came from `CString::into_raw` and is freed once, as promised.
        drop(unsafe { CString::from_raw(string) });
    }
}

/// A string passed to a host callback: lent for the callback, or, with
/// [`HOST_FREES_STRINGS`](crate::HOST_FREES_STRINGS), handed over.
pub(crate) enum HostString {
    Lent(CString),
    HandedOver(*mut c_char),
}

impl HostString {
    pub(crate) fn new(text: String, flags: u32) -> Self {
        if flags & crate::HOST_FREES_STRINGS != 0 {
            HostString::HandedOver(into_c_string(text))
        } else {
            HostString::Lent(c_string(text))
        }
    }

    /// The pointer to pass: valid while `self` lives, or, once handed over, until the host
    /// frees it.
    pub(crate) fn as_ptr(&self) -> *const c_char {
        match self {
            HostString::Lent(text) => text.as_ptr(),
            HostString::HandedOver(pointer) => pointer.cast_const(),
        }
    }
}

/// `text` as a C string. JSON text escapes NUL, and nothing else handed out contains one;
/// a NUL is stripped to be certain.
fn c_string(text: String) -> CString {
    CString::new(text).unwrap_or_else(|error| {
        let mut bytes = error.into_vec();
        bytes.retain(|&byte| byte != 0);
        // Through this function again, not a second `CString::new` of bytes: its own copy.
        // Text without its NULs is still UTF-8, and now has none.
        c_string(String::from_utf8(bytes).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_stripped_and_the_rest_kept() {
        assert_eq!(c_string("{\"a\":1}".to_owned()).as_bytes(), b"{\"a\":1}");
        assert_eq!(
            c_string("\0a\0\0é\0".to_owned()).as_bytes(),
            "aé".as_bytes()
        );
        assert_eq!(c_string("\0".to_owned()).as_bytes(), b"");
        assert_eq!(c_string(String::new()).as_bytes(), b"");
    }
}
