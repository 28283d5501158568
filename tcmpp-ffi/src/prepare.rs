//! From the host's arguments to a dispatched call: the strings read, the flags turned into the
//! call's wire format, caller and rendering, and the call handed to
//! [`Registry::call`](tcmpp_core::Registry::call); or the fail reply of a call refused first.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use tcmpp_core::dispatch::ReplyFuture;
use tcmpp_core::progress::ProgressSink;
use tcmpp_core::reply::{ErrMsgPrefix, RenderedReply};
use tcmpp_core::{Caller, Wire};

use crate::answer::{Answer, UNNAMED_CALL_PREFIX, rendering};
use crate::caller;
use crate::handles::{self, CallerId};
use crate::registry::Built;
use crate::strings::{read_bytes, read_str};
use crate::{CALLER_FROM_CALL_TEXT, HOST_FREES_STRINGS, LEGACY_FORMAT, RENDER_BARE};

/// One call's arguments, as the host passed them to `tcmpp_dispatch` or `tcmpp_dispatch_sync`.
#[derive(Clone, Copy, Debug)]
pub struct HostCall {
    /// The API name the SDK reported beside the call, or NULL.
    pub api_name: *const c_char,
    /// The call's JSON text, as the SDK handed it over.
    pub call_json: *const c_char,
    /// Who calls, as the host's SDK knows it.
    pub caller: HostCaller,
    /// `TCMPP_*` flags.
    pub flags: u32,
}

/// How the host states who calls.
#[derive(Clone, Copy, Debug)]
pub enum HostCaller {
    /// `caller_json` (`tcmpp_dispatch`), read with each call; NULL states nobody.
    Json(*const c_char),
    /// A handle from `tcmpp_caller_new` (`tcmpp_caller_dispatch`), read once when it was made.
    Handle(*const c_void),
}

/// One call's arguments once read from the host's own types (C strings, Java strings): each
/// either read, or the reason it cannot be (`Err`), which becomes the call's fail reply as it
/// is: whole (`invalid call: …`, `invalid caller: …`), made once where it was found rather than
/// prefixed here.
pub(crate) struct CallArgs<'a> {
    /// The API name the SDK reported, if any.
    pub(crate) api_name: Result<Option<&'a str>, String>,
    /// The call's text; `Err` also for a missing one.
    pub(crate) call_json: Result<&'a [u8], String>,
    /// Who calls, as the host states it.
    pub(crate) caller: CallerArg<'a>,
    /// `TCMPP_*` flags.
    pub(crate) flags: u32,
}

/// Who calls, as the host states it: read from its text with this call, or read once before.
pub(crate) enum CallerArg<'a> {
    /// `caller_json`, if the host gave one, or why it cannot be read.
    Json(Result<Option<&'a str>, String>),
    /// A caller handle's id (0: NULL).
    Handle(CallerId),
}

/// Dispatches the call, or says why it is refused before it reaches a handler: first for flags
/// this library does not know, checked here once for both C entries.
///
/// # Safety
///
/// The strings of `call` are NULL or valid NUL-terminated strings, for the duration of this
/// function.
#[allow(unsafe_code)] // Reads the host's strings.
pub(crate) unsafe fn dispatch(
    registry: fn() -> &'static Built,
    call: HostCall,
    progress: Option<impl ProgressSink>,
) -> Result<ReplyFuture<RenderedReply>, Answer> {
    // SAFETY: NULL or valid, as the caller promises.
    if let Some(refusal) = unsafe { refuse_unknown_flags(registry, call) } {
        return Err(refusal);
    }
    // SAFETY: NULL or valid, as the caller promises. A fail reply names the first thing wrong,
    // in the order `dispatch_args` checks them.
    let args = unsafe {
        CallArgs {
            api_name: read_str(call.api_name, "invalid call: api_name"),
            call_json: read_bytes(call.call_json)
                .ok_or_else(|| "invalid call: call_json is NULL".to_owned()),
            caller: match call.caller {
                HostCaller::Json(json) => {
                    CallerArg::Json(read_str(json, "invalid caller: caller_json"))
                }
                // The handle is an id, never dereferenced.
                HostCaller::Handle(handle) => CallerArg::Handle(handle.addr()),
            },
            flags: call.flags,
        }
    };
    dispatch_args(registry, args, progress)
}

/// Dispatches a call whose arguments are read, or says why it is refused before it reaches a
/// handler.
pub(crate) fn dispatch_args(
    registry: fn() -> &'static Built,
    args: CallArgs<'_>,
    progress: Option<impl ProgressSink>,
) -> Result<ReplyFuture<RenderedReply>, Answer> {
    let flags = args.flags;
    let api_name = args
        .api_name
        .map_err(|reason| Answer::refused(reason, UNNAMED_CALL_PREFIX, flags))?;
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
    let call_json = args.call_json.map_err(refused)?;
    // The caller is refused, not the call: the reply is named after the API the call names,
    // found by a scan of its text when the SDK reported no name beside it.
    let refused_caller = |reason: String| {
        let name = api_name.or_else(|| {
            let text = std::str::from_utf8(call_json).ok()?;
            Wire::Unified.api_name_in(text)
        });
        Answer::refused(reason, registry.errmsg_prefix_for(name), flags)
    };
    // The caller is borrowed from one of these, whichever the host stated it with. Each way's
    // reason is refused at one place, not at each `?`.
    let read: Caller;
    let shared: Arc<Caller>;
    let caller: Result<&Caller, String> = match args.caller {
        CallerArg::Json(caller_json) => {
            let from_call_text = flags & CALLER_FROM_CALL_TEXT != 0;
            match caller_json.and_then(|json| caller::read(json, from_call_text)) {
                Ok(caller) => {
                    read = caller;
                    Ok(&read)
                }
                Err(reason) => Err(reason),
            }
        }
        // What the text may state is part of the caller, made once with it: a call cannot
        // widen it.
        CallerArg::Handle(_) if flags & CALLER_FROM_CALL_TEXT != 0 => Err(
            "invalid caller: TCMPP_CALLER_FROM_CALL_TEXT is stated once, to tcmpp_caller_new, \
             not with each call of a caller handle"
                .to_owned(),
        ),
        CallerArg::Handle(id) => match handles::get(id) {
            Ok(caller) => {
                shared = caller;
                Ok(&shared)
            }
            Err(reason) => Err(reason),
        },
    };
    let caller = caller.map_err(refused_caller)?;
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
    Ok(registry
        .call(call_json)
        .wire(wire)
        .caller(caller)
        .set_progress(progress)
        .rendered(rendering(flags)))
}

/// Every flag of the C ABI this library knows.
const KNOWN_FLAGS: u32 = RENDER_BARE | HOST_FREES_STRINGS | LEGACY_FORMAT | CALLER_FROM_CALL_TEXT;

/// The fail reply of a call whose flags hold a bit this library does not know: a host built
/// against a newer `tcmpp.h` asks for something this library would silently not do (render
/// differently, read another format), so the call is refused rather than answered otherwise.
/// The known bits still apply to the refusal's rendering and delivery.
///
/// # Safety
///
/// `call.api_name` is NULL or a valid NUL-terminated string.
#[allow(unsafe_code)] // Reads the host's API name, to name the reply after it.
unsafe fn refuse_unknown_flags(registry: fn() -> &'static Built, call: HostCall) -> Option<Answer> {
    let unknown = call.flags & !KNOWN_FLAGS;
    if unknown == 0 {
        return None;
    }
    // SAFETY: NULL or valid, as the caller promises. A name that is not UTF-8 names nothing
    // here: read without making the reason `read_str` would, only to drop it.
    let api_name =
        unsafe { read_bytes(call.api_name) }.and_then(|bytes| std::str::from_utf8(bytes).ok());
    let prefix = match registry() {
        Ok(registry) => registry.errmsg_prefix_for(api_name),
        Err(_) => UNNAMED_CALL_PREFIX,
    };
    Some(Answer::refused(
        format!(
            "invalid call: unknown flag bits {unknown:#x}; this library knows TCMPP_RENDER_BARE \
             (1), TCMPP_HOST_FREES_STRINGS (2), TCMPP_LEGACY_FORMAT (4) and \
             TCMPP_CALLER_FROM_CALL_TEXT (8): build the host against this library's tcmpp.h"
        ),
        prefix,
        call.flags,
    ))
}
