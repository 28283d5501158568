// The Android library module of tcmpp-ffi's bridge: the Kotlin classes (src/main/kotlin), the
// consumer keep rules every app that depends on it applies (consumer-rules.pro, written from
// the Rust side's JNI look-ups), and the handler crate's native libraries, built by cargo-ndk
// (build-rust.sh) into src/main/jniLibs/<abi>/.
//
// Include it from the app's settings.gradle.kts:
//     include(":tcmpp")
//     project(":tcmpp").projectDir = file("<path to tcmpp-ffi>/android")
// and set the handler crate in gradle.properties: tcmpp.crateDir=<path>, tcmpp.crate=<package>.
//
// NOT BUILT HERE: the Android Gradle Plugin and the NDK cannot be fetched on this project's
// machines, so this file has not been run by Gradle. Everything it packages is tested without
// it: the Kotlin sources compiled by kotlinc and run on a JVM, the keep rules through ProGuard,
// an AAR of the same layout assembled by assemble-aar.sh (tests/hosts/android.rs).
plugins {
    id("com.android.library") version "8.5.2"
    id("org.jetbrains.kotlin.android") version "2.0.21"
}

android {
    namespace = "rs.tcmpp.android"
    compileSdk = 34

    defaultConfig {
        // Android 5.0, as Tencent's demo app (minSdk 21).
        minSdk = 21
        // What R8 keeps in every app that uses the bridge: the native methods and the callbacks
        // the Rust side finds by name.
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    sourceSets["main"].java.srcDirs("src/main/kotlin")

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_1_8
        targetCompatibility = JavaVersion.VERSION_1_8
    }
    kotlinOptions { jvmTarget = "1.8" }
}

dependencies {
    // The suspending dispatch; org.json comes with Android.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.8.1")
}

// The handler crate's libraries, built for every ABI before the native libraries are merged.
val cargoNdk by tasks.registering(Exec::class) {
    val crateDir = providers.gradleProperty("tcmpp.crateDir").orNull
        ?: error("set tcmpp.crateDir (the handler crate's directory) in gradle.properties")
    val crate = providers.gradleProperty("tcmpp.crate").orNull
        ?: error("set tcmpp.crate (the handler crate's package name) in gradle.properties")
    workingDir = file(crateDir)
    commandLine(file("build-rust.sh").absolutePath, crate, file("src/main/jniLibs").absolutePath)
}
tasks.matching { it.name.startsWith("merge") && it.name.endsWith("JniLibFolders") }
    .configureEach { dependsOn(cargoNdk) }
