// STAND-IN for the TCMPP Android SDK, which is not public: the signature its public demo
// (TencentCloud/tcmpp-demo-android, CustomPlugin.java) uses. Only for compiling and testing
// the generated plugin; the app compiles against the real SDK.
package com.tencent.tmfmini.sdk.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Binds a plugin method to the API names it answers (one annotation may list several). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface JsEvent {
    String[] value();
}
