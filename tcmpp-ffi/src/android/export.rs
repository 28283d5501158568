//! The one-line export of the Android bridge: [`export_jni!`](crate::export_jni) defines the
//! native methods of `rs.tcmpp.android.TcmppNative` in the crate the app loads, each forwarding
//! to [`natives`](super::natives).

/// Exports the native methods of the shipped Kotlin class `rs.tcmpp.android.TcmppBridge` (feature
/// `jni`) from the crate this is written in.
///
/// Write it once, at the top level of the `cdylib` the app loads:
///
/// ```text
/// tcmpp_ffi::export_jni!();
/// ```
///
/// As with [`export_c_abi!`](crate::export_c_abi), the registry is built lazily with
/// `Registry::builder().build()`, or by the function named with
/// `export_jni!(build = build_registry)` (`fn() -> Result<Registry, BuildError>`), which may give
/// state, an access policy or an `errMsg` prefix. The expansion spells its `unsafe` in this
/// crate, so it compiles in crates that forbid `unsafe_code`, and needs no `jni` dependency in
/// the user's crate.
#[macro_export]
macro_rules! export_jni {
    () => {
        $crate::export_jni!(build = $crate::__private::default_registry);
    };
    (build = $build:path) => {
        const _: () = {
            use bridge::jni::EnvUnowned;
            use bridge::jni::objects::{JClass, JObject, JString};
            use bridge::jni::sys::{jboolean, jint, jlong, jobjectArray, jstring};
            use $crate::__private::android as bridge;

            static REGISTRY: ::std::sync::OnceLock<$crate::__private::Built> =
                ::std::sync::OnceLock::new();

            fn registry() -> &'static $crate::__private::Built {
                REGISTRY.get_or_init(|| $crate::__private::build($build))
            }

            /// `TcmppNative.init()`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_init<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
            ) -> jobjectArray {
                bridge::init(registry, env, class)
            }

            /// `TcmppNative.apis()`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_apis<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
            ) -> jobjectArray {
                bridge::apis(registry, env, class)
            }

            /// `TcmppNative.customConfigJson()`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_customConfigJson<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
            ) -> jstring {
                bridge::custom_config_json(registry, env, class)
            }

            /// `TcmppNative.dispatch(…)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_dispatch<'local>(
                env: EnvUnowned<'local>,
                _class: JClass<'local>,
                api_name: JString<'local>,
                params_json: JString<'local>,
                caller_json: JString<'local>,
                flags: jint,
                listener: JObject<'local>,
            ) -> jlong {
                let call = bridge::JavaCall {
                    api_name: &api_name,
                    params_json: &params_json,
                    caller: bridge::JavaCaller::Json(&caller_json),
                    flags,
                };
                bridge::dispatch(registry, env, call, listener)
            }

            /// `TcmppNative.cancel(callId)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_cancel<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
                call_id: jlong,
            ) {
                bridge::cancel(env, class, call_id)
            }

            /// `TcmppNative.dispatchSync(…)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_dispatchSync<'local>(
                env: EnvUnowned<'local>,
                _class: JClass<'local>,
                api_name: JString<'local>,
                params_json: JString<'local>,
                caller_json: JString<'local>,
                flags: jint,
            ) -> jstring {
                let call = bridge::JavaCall {
                    api_name: &api_name,
                    params_json: &params_json,
                    caller: bridge::JavaCaller::Json(&caller_json),
                    flags,
                };
                bridge::dispatch_sync(registry, env, call)
            }

            /// `TcmppNative.dispatchWithCaller(…)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_dispatchWithCaller<'local>(
                env: EnvUnowned<'local>,
                _class: JClass<'local>,
                caller: jlong,
                api_name: JString<'local>,
                params_json: JString<'local>,
                flags: jint,
                listener: JObject<'local>,
            ) -> jlong {
                let call = bridge::JavaCall {
                    api_name: &api_name,
                    params_json: &params_json,
                    caller: bridge::JavaCaller::Handle(caller),
                    flags,
                };
                bridge::dispatch(registry, env, call, listener)
            }

            /// `TcmppNative.dispatchSyncWithCaller(…)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_dispatchSyncWithCaller<
                'local,
            >(
                env: EnvUnowned<'local>,
                _class: JClass<'local>,
                caller: jlong,
                api_name: JString<'local>,
                params_json: JString<'local>,
                flags: jint,
            ) -> jstring {
                let call = bridge::JavaCall {
                    api_name: &api_name,
                    params_json: &params_json,
                    caller: bridge::JavaCaller::Handle(caller),
                    flags,
                };
                bridge::dispatch_sync(registry, env, call)
            }

            /// `TcmppNative.callerNew(callerJson, problem)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_callerNew<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
                caller_json: JString<'local>,
                problem: bridge::jni::objects::JObjectArray<'local, JString<'local>>,
            ) -> jlong {
                bridge::caller_new(env, class, caller_json, problem)
            }

            /// `TcmppNative.callerFree(id)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_callerFree<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
                id: jlong,
            ) {
                bridge::caller_free(env, class, id)
            }

            /// `TcmppNative.heldCallers()`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_heldCallers<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
            ) -> jlong {
                bridge::held_callers(env, class)
            }

            /// `TcmppNative.shutdown(timeoutMillis)`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_shutdown<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
                timeout_millis: jlong,
            ) -> jboolean {
                bridge::shutdown(env, class, timeout_millis)
            }

            /// `TcmppNative.heldListeners()`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_heldListeners<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
            ) -> jlong {
                bridge::held_listeners(env, class)
            }

            /// `TcmppNative.attachedThreads()`.
            #[unsafe(no_mangle)]
            pub extern "system" fn Java_rs_tcmpp_android_TcmppNative_attachedThreads<'local>(
                env: EnvUnowned<'local>,
                class: JClass<'local>,
            ) -> jlong {
                bridge::attached_threads(env, class)
            }
        };
    };
}
