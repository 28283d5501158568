//! Callers stated once: `tcmpp_caller_new` (and Kotlin's `TcmppCallerHandle`) reads a
//! `caller_json` into a [`Caller`] kept here under an id, and each call names the id instead of
//! carrying the JSON, so no call parses its caller again.
//!
//! The host holds an id, never a pointer to Rust memory: a freed, never-made or made-up handle
//! is not found here, and its call gets a fail reply rather than reading freed memory. Ids are
//! never reused, so a handle freed on one thread while another still dispatches with it is
//! refused too, not mistaken for a newer caller.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tcmpp_core::Caller;

use crate::{CALLER_FROM_CALL_TEXT, caller};

/// A caller handle as the host holds it: pointer-sized, so that C can hold it as an opaque
/// pointer and Kotlin as a `Long`. 0 is no handle (C's NULL).
pub(crate) type CallerId = usize;

/// The callers the host holds handles to, sorted by id and searched in halves: a host holds a
/// few (one per mini program it runs), and a list is no copy of the hash table's code for this
/// type. Ids are handed out in order, so a new one almost always goes at the end.
type Callers = Vec<(CallerId, Arc<Caller>)>;

/// The callers the host holds handles to. A `Mutex`, not an `RwLock`: held to search a short
/// list and clone an `Arc` (see `runtime::RUNTIME`).
static CALLERS: Mutex<Callers> = Mutex::new(Vec::new());

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
    let mut callers = CALLERS.lock().unwrap_or_else(PoisonError::into_inner);
    // After every smaller id: another thread may have taken an id before this one and not yet
    // put its caller here. Ids are never reused, so this one is not here yet.
    let at = callers.partition_point(|(held, _)| *held < id);
    callers.insert(at, (id, Arc::new(caller)));
    Ok(id)
}

/// The caller of handle `id`, shared with the call for as long as it reads it: a handle freed
/// meanwhile leaves the running call its caller.
pub(crate) fn get(id: CallerId) -> Result<Arc<Caller>, String> {
    // Either refusal's text made at one place.
    let reason = if id == 0 {
        "invalid caller: the caller handle is NULL (did making it fail?)"
    } else {
        let callers = CALLERS.lock().unwrap_or_else(PoisonError::into_inner);
        match find(&callers, id).and_then(|at| callers.get(at)) {
            Some((_, caller)) => return Ok(Arc::clone(caller)),
            None => "invalid caller: the caller handle was freed (closed), or never made",
        }
    };
    Err(reason.to_owned())
}

/// Frees handle `id`; whether it was held (0, a freed or unknown id: nothing to do).
pub(crate) fn free(id: CallerId) -> bool {
    let mut callers = CALLERS.lock().unwrap_or_else(PoisonError::into_inner);
    // Checked against the length, which changes nothing (a found index is in the list), where
    // `remove` sees it: its own check, which could not fail, was a panic site.
    match find(&callers, id).filter(|&at| at < callers.len()) {
        Some(at) => {
            callers.remove(at);
            true
        }
        None => false,
    }
}

/// Where handle `id` is held, if it is.
fn find(callers: &Callers, id: CallerId) -> Option<usize> {
    callers.binary_search_by_key(&id, |(held, _)| *held).ok()
}

/// How many handles are held now: for leak checks (Kotlin's `TcmppBridge.heldCallers()`).
#[cfg_attr(not(feature = "jni"), allow(dead_code))]
pub(crate) fn held() -> usize {
    CALLERS.lock().unwrap_or_else(PoisonError::into_inner).len()
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
    fn handles_made_and_freed_in_any_order_find_their_callers() {
        let ids: Vec<CallerId> = (0..40)
            .map(|n| make(Some(&format!(r#"{{"webviewId":{n}}}"#)), 0).expect("a valid caller"))
            .collect();
        // Every third freed, then every id checked: freed, or holding what it was made with.
        for id in ids.iter().step_by(3) {
            assert!(free(*id));
        }
        for (n, id) in ids.iter().enumerate() {
            match get(*id) {
                Ok(caller) => {
                    assert_ne!(n % 3, 0, "{n} was freed");
                    assert_eq!(caller.web_view_id(), Some(n as i64));
                }
                Err(refused) => {
                    assert_eq!(n % 3, 0, "{n} is held");
                    assert!(refused.contains("freed"), "{refused}");
                }
            }
        }
        for id in ids.iter().rev() {
            free(*id);
        }
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
