//! Tests of the `typed-client` feature; the tests are the `[[test]]` targets.
