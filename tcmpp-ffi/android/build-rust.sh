#!/bin/sh
# Builds a handler crate (the cdylib that says `tcmpp_ffi::export_jni!()`) for the ABIs Android
# phones and emulators use, into <jniLibs>/<abi>/lib<crate>.so, as the Android library module's
# cargoNdk task does. Run it in the crate's directory:
#
#     build-rust.sh <crate package name> <jniLibs directory>
#
# Needs cargo-ndk (`cargo install cargo-ndk`), the Android NDK (ANDROID_NDK_HOME, r27 or later,
# whose linker aligns to 16 KB as Android 15's 16 KB page devices need; the flag below makes
# older ones do the same) and the Rust targets (`rustup target add aarch64-linux-android
# armv7-linux-androideabi x86_64-linux-android`).
#
# NOT RUN HERE: the NDK cannot be fetched on this project's machines. What this produces is the
# layout tests/hosts/android.rs checks in an AAR (jni/<abi>/lib<crate>.so), built there for the host.
set -eu
crate=${1:?usage: build-rust.sh <crate package name> <jniLibs directory>}
out=${2:?usage: build-rust.sh <crate package name> <jniLibs directory>}

# Release libraries without symbols (they ship in the APK), aligned to 16 KB pages.
export CARGO_PROFILE_RELEASE_STRIP=symbols
export CARGO_PROFILE_RELEASE_DEBUG=false
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"

# --platform 21: the module's minSdk.
exec cargo ndk \
    --platform 21 \
    -t arm64-v8a -t armeabi-v7a -t x86_64 \
    -o "$out" \
    build --release -p "$crate"
