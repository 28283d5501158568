// NOT COMPILED HERE: the machines tcmpp-rs is built and tested on have no Dart SDK; no Dart
// analyzer or compiler has read this file.
//
// The package's library: it exports the file tcmpp-ffi's DartApis generates from your Rust
// registry, which your build writes to lib/src/rust_apis.g.dart (see README.md):
//
//   final apis = registerRustApis(TcmppFlutter(), library: 'libmy_handlers.so');
library tcmpp_rust_apis;

export 'src/rust_apis.g.dart';
