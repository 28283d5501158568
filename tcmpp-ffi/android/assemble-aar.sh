#!/bin/sh
# Assembles the bridge's AAR without the Android Gradle Plugin: an AAR is a zip of
#
#     AndroidManifest.xml     the library's manifest (src/main/AndroidManifest.xml)
#     classes.jar             the compiled Kotlin classes of rs.tcmpp.android
#     proguard.txt            the consumer keep rules (consumer-rules.pro), which R8 applies
#     R.txt                   the library's resources: none
#     jni/<abi>/lib<x>.so     the handler crate's native libraries
#
#     assemble-aar.sh <classes directory> <jniLibs directory> <out.aar>
#
# <classes directory> holds the compiled classes (kotlinc -d); only rs/tcmpp/android/ is taken.
# <jniLibs directory> is what build-rust.sh wrote (<abi>/lib<crate>.so). Uses the JDK's `jar`.
# The Gradle module (build.gradle.kts) makes the same AAR with `assembleRelease`; this script is
# what tests/hosts/android.rs runs, AGP not being available on this project's machines.
set -eu
classes=${1:?usage: assemble-aar.sh <classes dir> <jniLibs dir> <out.aar>}
jni_libs=${2:?usage: assemble-aar.sh <classes dir> <jniLibs dir> <out.aar>}
out=${3:?usage: assemble-aar.sh <classes dir> <jniLibs dir> <out.aar>}
module=$(cd "$(dirname "$0")" && pwd)

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp "$module/src/main/AndroidManifest.xml" "$staging/AndroidManifest.xml"
cp "$module/consumer-rules.pro" "$staging/proguard.txt"
: > "$staging/R.txt"
jar --create --file "$staging/classes.jar" -C "$classes" rs/tcmpp/android
mkdir -p "$staging/jni"
cp -R "$jni_libs"/. "$staging/jni/"
rm -f "$out"
jar --create --no-manifest --file "$out" -C "$staging" .
