//! The one-line export: [`export_c_abi!`](crate::export_c_abi) defines the `#[no_mangle]`
//! functions of `include/tcmpp.h` in the crate the host links, each forwarding to
//! [`entry`](crate::entry).

/// Exports the C ABI of `include/tcmpp.h` from the crate this is written in.
///
/// Write it once, at the top level of the `cdylib` or `staticlib` crate the host links:
///
/// ```standalone_crate,no_run
/// tcmpp_ffi::export_c_abi!();
/// # fn main() {}
/// ```
///
/// The registry is built lazily with `Registry::builder().build()`. To build it another way
/// (to provide state, an access policy or an `errMsg` prefix), name a function that returns
/// `Result<Registry, BuildError>`:
///
/// ```standalone_crate,no_run
/// # struct Config;
/// # impl Config { fn from_env() -> Self { Config } }
/// fn build_registry() -> Result<tcmpp_core::Registry, tcmpp_core::BuildError> {
///     tcmpp_core::Registry::builder().state(Config::from_env()).build()
/// }
///
/// tcmpp_ffi::export_c_abi!(build = build_registry);
/// # fn main() {}
/// ```
///
/// The expansion defines `#[no_mangle]` functions (one symbol per C function, so the macro is
/// used once per linked binary) that forward to this crate; their `unsafe` is spelled in this
/// crate's macro, so it compiles in crates that forbid `unsafe_code`.
#[macro_export]
macro_rules! export_c_abi {
    () => {
        $crate::export_c_abi!(build = $crate::__private::default_registry);
    };
    (build = $build:path) => {
        const _: () = {
            static REGISTRY: ::std::sync::OnceLock<$crate::__private::Built> =
                ::std::sync::OnceLock::new();

            fn registry() -> &'static $crate::__private::Built {
                REGISTRY.get_or_init(|| $crate::__private::build($build))
            }

            /// See `tcmpp_init` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_init() -> *mut ::std::ffi::c_char {
                $crate::__private::init(registry)
            }

            /// See `tcmpp_apis_json` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_apis_json() -> *mut ::std::ffi::c_char {
                $crate::__private::apis_json(registry)
            }

            /// See `tcmpp_custom_config_json` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_custom_config_json() -> *mut ::std::ffi::c_char {
                $crate::__private::custom_config_json(registry)
            }

            /// See `tcmpp_dispatch` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `api_name`, `call_json` and `caller_json` are `NULL` or valid NUL-terminated
            /// strings; `context` may be used from any thread until the reply callback has run.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_dispatch(
                api_name: *const ::std::ffi::c_char,
                call_json: *const ::std::ffi::c_char,
                caller_json: *const ::std::ffi::c_char,
                flags: u32,
                on_reply: $crate::ReplyCallback,
                on_progress: $crate::ProgressCallback,
                context: *mut ::std::ffi::c_void,
            ) -> i32 {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe {
                    $crate::__private::dispatch(
                        registry,
                        $crate::__private::HostCall {
                            api_name,
                            call_json,
                            caller: $crate::__private::HostCaller::Json(caller_json),
                            flags,
                        },
                        on_reply,
                        on_progress,
                        context,
                    )
                }
            }

            /// See `tcmpp_dispatch_sync` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `api_name`, `call_json` and `caller_json` are `NULL` or valid NUL-terminated
            /// strings; `status_out` is `NULL` or points to writable `int32_t`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_dispatch_sync(
                api_name: *const ::std::ffi::c_char,
                call_json: *const ::std::ffi::c_char,
                caller_json: *const ::std::ffi::c_char,
                flags: u32,
                status_out: *mut i32,
            ) -> *mut ::std::ffi::c_char {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe {
                    $crate::__private::dispatch_sync(
                        registry,
                        $crate::__private::HostCall {
                            api_name,
                            call_json,
                            caller: $crate::__private::HostCaller::Json(caller_json),
                            flags,
                        },
                        status_out,
                    )
                }
            }

            /// See `tcmpp_caller_new` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `caller_json` is `NULL` or a valid NUL-terminated string; `error_out` is `NULL` or
            /// points to a writable `char *`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_caller_new(
                caller_json: *const ::std::ffi::c_char,
                flags: u32,
                error_out: *mut *mut ::std::ffi::c_char,
            ) -> *mut ::std::ffi::c_void {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe { $crate::__private::caller_new(caller_json, flags, error_out) }
            }

            /// See `tcmpp_caller_free` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_caller_free(caller: *mut ::std::ffi::c_void) {
                $crate::__private::caller_free(caller)
            }

            /// See `tcmpp_caller_dispatch` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `api_name` and `call_json` are `NULL` or valid NUL-terminated strings; `caller`
            /// is any value (it is never dereferenced); `context` may be used from any thread
            /// until the reply callback has run.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_caller_dispatch(
                caller: *const ::std::ffi::c_void,
                api_name: *const ::std::ffi::c_char,
                call_json: *const ::std::ffi::c_char,
                flags: u32,
                on_reply: $crate::ReplyCallback,
                on_progress: $crate::ProgressCallback,
                context: *mut ::std::ffi::c_void,
            ) -> i32 {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe {
                    $crate::__private::dispatch(
                        registry,
                        $crate::__private::HostCall {
                            api_name,
                            call_json,
                            caller: $crate::__private::HostCaller::Handle(caller),
                            flags,
                        },
                        on_reply,
                        on_progress,
                        context,
                    )
                }
            }

            /// See `tcmpp_caller_dispatch_sync` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `api_name` and `call_json` are `NULL` or valid NUL-terminated strings; `caller`
            /// is any value (it is never dereferenced); `status_out` is `NULL` or points to
            /// writable `int32_t`.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_caller_dispatch_sync(
                caller: *const ::std::ffi::c_void,
                api_name: *const ::std::ffi::c_char,
                call_json: *const ::std::ffi::c_char,
                flags: u32,
                status_out: *mut i32,
            ) -> *mut ::std::ffi::c_char {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe {
                    $crate::__private::dispatch_sync(
                        registry,
                        $crate::__private::HostCall {
                            api_name,
                            call_json,
                            caller: $crate::__private::HostCaller::Handle(caller),
                            flags,
                        },
                        status_out,
                    )
                }
            }

            /// See `tcmpp_abi_version` in `tcmpp.h`.
            #[unsafe(no_mangle)]
            pub extern "C" fn tcmpp_abi_version() -> u32 {
                $crate::ABI_VERSION
            }

            /// See `tcmpp_string_free` in `tcmpp.h`.
            ///
            /// # Safety
            ///
            /// `string` is `NULL` or a string returned by a `tcmpp_` function, not yet freed.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn tcmpp_string_free(string: *mut ::std::ffi::c_char) {
                // SAFETY: the caller upholds the contract documented above and in `tcmpp.h`.
                unsafe { $crate::__private::string_free(string) }
            }
        };
    };
}
