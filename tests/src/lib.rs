//! Integration and UI tests of tcmpp-core; the tests are the `[[test]]` targets.
