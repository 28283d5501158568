//! From the host's arguments to a dispatched call: the strings read, the flags turned into the
//! call's wire format, caller and rendering, and the call handed to
//! [`Registry::call`](tcmpp_core::Registry::call); or the fail reply of a call refused first.

use std::ffi::c_char;

use tcmpp_core::{ErrMsgPrefix, Rendered, ReplyFuture, Wire};

use crate::answer::{Answer, UNNAMED_CALL_PREFIX, rendering};
use crate::caller;
use crate::host::HostProgress;
use crate::registry::Built;
use crate::strings::{read_bytes, read_str};
use crate::{CALLER_FROM_CALL_TEXT, LEGACY_FORMAT};

/// One call's arguments, as the host passed them to `tcmpp_dispatch` or `tcmpp_dispatch_sync`.
#[derive(Clone, Copy, Debug)]
pub struct HostCall {
    /// The API name the SDK reported beside the call, or NULL.
    pub api_name: *const c_char,
    /// The call's JSON text, as the SDK handed it over.
    pub call_json: *const c_char,
    /// Who calls, as the host's SDK knows it, or NULL.
    pub caller_json: *const c_char,
    /// `TCMPP_*` flags.
    pub flags: u32,
}

/// Dispatches the call, or says why it is refused before it reaches a handler.
///
/// # Safety
///
/// The strings of `call` are NULL or valid NUL-terminated strings, for the duration of this
/// function.
#[allow(unsafe_code)] // Reads the host's strings.
pub(crate) unsafe fn dispatch(
    registry: fn() -> &'static Built,
    call: HostCall,
    progress: Option<HostProgress>,
) -> Result<ReplyFuture<Rendered>, Answer> {
    let flags = call.flags;
    // SAFETY: NULL or valid, as the caller promises.
    let api_name = unsafe { read_str(call.api_name, "api_name") }.map_err(|reason| {
        Answer::refused(
            format!("invalid call: {reason}"),
            UNNAMED_CALL_PREFIX,
            flags,
        )
    })?;
    let registry = match registry() {
        Ok(registry) => registry,
        // No registry, so no configured prefix: the default one.
        Err(error) => {
            let prefix = ErrMsgPrefix::default();
            return Err(Answer::refused(
                error.as_str(),
                prefix.for_call(api_name),
                flags,
            ));
        }
    };
    let refused =
        |reason: String| Answer::refused(reason, registry.errmsg_prefix_for(api_name), flags);
    // Bytes: the registry checks the size limit first, then UTF-8.
    // SAFETY: NULL or valid, as the caller promises.
    let Some(call_json) = (unsafe { read_bytes(call.call_json) }) else {
        return Err(refused("invalid call: call_json is NULL".to_owned()));
    };
    // SAFETY: NULL or valid, as the caller promises.
    let caller_json = unsafe { read_str(call.caller_json, "caller_json") }
        .map_err(|reason| refused(format!("invalid caller: {reason}")))?;
    let caller = caller::read(caller_json, flags & CALLER_FROM_CALL_TEXT != 0).map_err(refused)?;
    let wire = match (api_name, flags & LEGACY_FORMAT != 0) {
        (Some(name), true) => Wire::Legacy(name),
        (None, true) => {
            return Err(refused(
                "invalid call: a legacy-format call needs the api_name the SDK reported".to_owned(),
            ));
        }
        (Some(name), false) => Wire::Named(name),
        (None, false) => Wire::Unified,
    };
    let dispatch = registry.call(call_json).wire(wire).caller(&caller);
    let dispatch = match progress {
        Some(sink) => dispatch.progress(sink),
        None => dispatch,
    };
    Ok(dispatch.rendered(rendering(flags)))
}
