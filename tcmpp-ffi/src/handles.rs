//! Callers stated once: `tcmpp_caller_new` (and Kotlin's `TcmppCallerHandle`) reads a
//! `caller_json` into a [`Caller`] kept here under an id, and each call names the id instead of
//! carrying the JSON, so no call parses its caller again.
//!
//! The host holds an id, never a pointer to Rust memory: a freed, never-made or made-up handle
//! is not found here, and its call gets a fail reply rather than reading freed memory. Ids are
//! never reused, so a handle freed on one thread while another still dispatches with it is
//! refused too, not mistaken for a newer caller.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use tcmpp_core::Caller;

use crate::{CALLER_FROM_CALL_TEXT, caller};

/// A caller handle as the host holds it: pointer-sized, so that C can hold it as an opaque
/// pointer and Kotlin as a `Long`. 0 is no handle (C's NULL).
pub(crate) type CallerId = usize;

/// The callers the host holds handles to, by id.
type Callers = HashMap<CallerId, Arc<Caller>, BuildHasherDefault<IdHasher>>;

/// The callers the host holds handles to.
static CALLERS: LazyLock<RwLock<Callers>> = LazyLock::new(|| RwLock::new(HashMap::default()));

/// The next handle's id; 0 is no handle, so ids start at 1.
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

/// Reads `caller_json` (`None`: nobody) once and keeps the caller: its handle, or why it is
/// refused (the same reasons a call with that `caller_json` would get). `flags` may hold
/// `TCMPP_CALLER_FROM_CALL_TEXT` only.
pub(crate) fn make(caller_json: Option<&str>, flags: u32) -> Result<CallerId, String> {
    let unknown = flags & !CALLER_FROM_CALL_TEXT;
    if unknown != 0 {
        return Err(format!(
            "invalid caller: unknown flag bits {unknown:#x}; a caller handle takes \
             TCMPP_CALLER_FROM_CALL_TEXT (8) only: the other flags are stated with each call"
        ));
    }
    let caller = caller::read(caller_json, flags & CALLER_FROM_CALL_TEXT != 0)?;
    // Ids are never reused: past the last one, no more handles are made.
    let id = NEXT_ID
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1))
        .map_err(|_| "invalid caller: every caller handle id has been used".to_owned())?;
    CALLERS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, Arc::new(caller));
    Ok(id)
}

/// The caller of handle `id`, shared with the call for as long as it reads it: a handle freed
/// meanwhile leaves the running call its caller.
pub(crate) fn get(id: CallerId) -> Result<Arc<Caller>, String> {
    if id == 0 {
        return Err("invalid caller: the caller handle is NULL (did making it fail?)".to_owned());
    }
    CALLERS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
        .cloned()
        .ok_or_else(|| {
            "invalid caller: the caller handle was freed (closed), or never made".to_owned()
        })
}

/// Frees handle `id`; whether it was held (0, a freed or unknown id: nothing to do).
pub(crate) fn free(id: CallerId) -> bool {
    CALLERS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id)
        .is_some()
}

/// How many handles are held now: for leak checks (Kotlin's `TcmppBridge.heldCallers()`).
#[cfg_attr(not(feature = "jni"), allow(dead_code))]
pub(crate) fn held() -> usize {
    CALLERS.read().unwrap_or_else(PoisonError::into_inner).len()
}

/// Hashes an id in a few instructions: ids are sequential numbers the library chose, not keys an
/// attacker picks, so SipHash's protection buys nothing on this per-call path. The multiply
/// spreads sequential ids over the high bits the table's control bytes are taken from.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte) ^ self.0.rotate_left(8));
        }
    }

    fn write_usize(&mut self, id: usize) {
        self.write_u64(id as u64);
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_reads_its_caller_once_and_a_freed_one_is_refused() {
        let id = make(Some(r#"{"webviewId":4}"#), 0).expect("a valid caller");
        assert_eq!(get(id).expect("held").web_view_id(), Some(4));
        assert!(free(id));
        assert!(!free(id), "freeing twice does nothing");
        let refused = get(id).expect_err("freed");
        assert!(refused.contains("freed"), "{refused}");
        assert!(get(0).expect_err("NULL").contains("NULL"));
        let next = make(None, CALLER_FROM_CALL_TEXT).expect("nobody");
        assert_ne!(next, id, "ids are not reused");
        assert!(free(next));
    }

    #[test]
    fn an_invalid_caller_or_flag_makes_no_handle() {
        assert!(
            make(Some("[]"), 0)
                .expect_err("an array")
                .starts_with("invalid caller: expected a JSON object")
        );
        assert!(
            make(None, 1)
                .expect_err("a render flag")
                .contains("unknown flag bits 0x1")
        );
    }
}
