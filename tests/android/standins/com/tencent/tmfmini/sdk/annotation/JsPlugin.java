// STAND-IN for the TCMPP Android SDK (not public), as its public demo uses it.
package com.tencent.tmfmini.sdk.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a class as a plugin; `secondary = true` for an app's own APIs. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface JsPlugin {
    boolean secondary() default false;
}
