//! A registry that cannot be built: `tcmpp_init` reports why, the lists are NULL, and every
//! call gets a fail reply that carries the reason, through the exported C functions.
#![allow(unsafe_code)] // Calls the exported functions as a C host would.

use std::ffi::{CStr, c_char, c_void};
use std::sync::Mutex;

use tcmpp_core::{BuildError, Registry};

fn build_panics() -> Result<Registry, BuildError> {
    panic!("no configuration");
}

tcmpp_ffi::export_c_abi!(build = build_panics);

// The functions the macro defined, as the host sees them.
unsafe extern "C" {
    fn tcmpp_init() -> *mut c_char;
    fn tcmpp_apis_json() -> *mut c_char;
    fn tcmpp_custom_config_json() -> *mut c_char;
    fn tcmpp_dispatch(
        api_name: *const c_char,
        call_json: *const c_char,
        caller_json: *const c_char,
        flags: u32,
        on_reply: tcmpp_ffi::ReplyCallback,
        on_progress: tcmpp_ffi::ProgressCallback,
        context: *mut c_void,
    ) -> i32;
    fn tcmpp_dispatch_sync(
        api_name: *const c_char,
        call_json: *const c_char,
        caller_json: *const c_char,
        flags: u32,
        status_out: *mut i32,
    ) -> *mut c_char;
    fn tcmpp_string_free(string: *mut c_char);
}

/// Takes a string the library handed out.
fn take(string: *mut c_char) -> Option<String> {
    if string.is_null() {
        return None;
    }
    // SAFETY: a non-NULL string from the library, freed once, here.
    let text = unsafe { CStr::from_ptr(string) }
        .to_string_lossy()
        .into_owned();
    unsafe { tcmpp_string_free(string) };
    Some(text)
}

static REPLIES: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn record(_context: *mut c_void, status: i32, reply_json: *const c_char) {
    // SAFETY: the library passes a valid string for the duration of the call.
    let reply = unsafe { CStr::from_ptr(reply_json) }
        .to_string_lossy()
        .into_owned();
    REPLIES.lock().unwrap().push((status, reply));
}

#[test]
fn a_build_failure_is_reported_and_every_call_fails_with_it() {
    // SAFETY: these calls follow tcmpp.h.
    unsafe {
        let error = take(tcmpp_init()).expect("tcmpp_init reports the failure");
        assert_eq!(
            error,
            "cannot build the mini API registry: the build function panicked"
        );
        assert_eq!(take(tcmpp_apis_json()), None);
        assert_eq!(take(tcmpp_custom_config_json()), None);

        let accepted = tcmpp_dispatch(
            std::ptr::null(),
            c"{\"api_name\":\"anything\"}".as_ptr(),
            std::ptr::null(),
            tcmpp_ffi::RENDER_CALLBACK,
            Some(record),
            None,
            std::ptr::null_mut(),
        );
        assert_eq!(accepted, tcmpp_ffi::DISPATCH_ACCEPTED);
        assert_eq!(
            *REPLIES.lock().unwrap(),
            [(
                tcmpp_ffi::STATUS_FAIL,
                r#"{"errMsg":"invokeNativePlugin:fail cannot build the mini API registry: the build function panicked"}"#
                    .to_owned()
            )]
        );

        let mut status = -1;
        let reply = take(tcmpp_dispatch_sync(
            c"named".as_ptr(),
            c"{}".as_ptr(),
            c"{\"appInfo\":{\"appId\":\"wx_a\"}}".as_ptr(),
            tcmpp_ffi::RENDER_BARE,
            &mut status,
        ));
        assert_eq!(status, tcmpp_ffi::STATUS_FAIL);
        assert_eq!(
            reply.as_deref(),
            Some(
                r#"{"message":"cannot build the mini API registry: the build function panicked"}"#
            )
        );
    }
}
