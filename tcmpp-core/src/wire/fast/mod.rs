//! The fast reader: the common shape of a unified call in one pass, without serde.

mod scanner;
mod seed;
mod wider;

pub(super) use seed::read;
pub(super) use wider::read_wider;

use std::borrow::Cow;

use super::{CallError, TextCaller};

/// A call [`read`] refused, in the same pass, with the error the full reader would refuse it
/// with.
pub(crate) struct FastRefusal {
    pub(crate) error: CallError,
    /// How deep the text read nests, the call object itself counting as one level.
    pub(crate) depth: usize,
    /// Where the text stopped being read: its length, unless the refusal was known before its
    /// end (a key given twice). The nesting limit then measures the rest, from inside the call
    /// object, as its scan of the whole text would have.
    pub(crate) read_to: usize,
}

impl<'a> TextCaller<'a> {
    /// The caller's keys a fast reader read (`None` when absent, `Some(None)` when `null`):
    /// read, so that a mistyped one sends the call to the full reader to be refused, but kept
    /// only when the host said to believe them (`believed`).
    #[inline(always)]
    fn read(
        believed: bool,
        web_view_id: Option<Option<i64>>,
        state_event: Option<Option<&'a str>>,
    ) -> Self {
        if believed {
            TextCaller {
                web_view_id: web_view_id.flatten(),
                state_event: state_event.flatten().map(Cow::Borrowed),
                app_info: None,
            }
        } else {
            TextCaller::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DataRead, Reading, Wire, WireCall, full};
    use super::*;
    use crate::echo::bounded;

    fn reading(wire: Wire<'_>, caller_from_text: bool) -> Reading<'_> {
        Reading {
            wire,
            caller_from_text,
            max_keys: 64,
        }
    }

    /// What [`read`] made of `text`: read (with how deep it nests), refused, or `None` when it
    /// left it to the full reader.
    fn outcome<'a>(
        text: &'a str,
        reading: Reading<'_>,
        decodes_data: impl FnMut(&str) -> DataRead,
    ) -> Option<Result<(WireCall<'a>, usize), FastRefusal>> {
        let mut refusal = None;
        let mut decodes_data = decodes_data;
        match read_wider(text, reading, &mut decodes_data, &mut refusal) {
            Some(read) => Some(Ok(read)),
            None => refusal.map(Err),
        }
    }

    /// The call [`read`] read, and how deep it nests; `None` when it left it to the full reader
    /// or refused it.
    fn read_ok<'a>(
        text: &'a str,
        reading: Reading<'_>,
        decodes_data: impl FnMut(&str) -> DataRead,
    ) -> Option<(WireCall<'a>, usize)> {
        outcome(text, reading, decodes_data)?.ok()
    }

    #[test]
    fn the_common_shape_is_read_in_one_pass() {
        let text = r#" {"stateEvent":"requestCustomApi","api_name":"myApiName","data":{"a":["]\"",{}]},"webviewId":-4} "#;
        for decoded in [true, false] {
            let (call, depth) = read_ok(text, reading(Wire::Unified, true), |_| {
                if decoded {
                    DataRead::Decoded
                } else {
                    DataRead::Checked
                }
            })
            .expect("the common shape");
            assert_eq!(
                depth, 4,
                "the call object, data, its array and the object in it"
            );
            assert_eq!(call.api_name, "myApiName");
            assert_eq!(call.data, Some(r#"{"a":["]\"",{}]}"#));
            assert_eq!(call.caller.web_view_id, Some(-4));
            assert_eq!(call.caller.state_event.as_deref(), Some("requestCustomApi"));
            // Left to the decoder only when there is one.
            assert_eq!(call.data_checked, !decoded);
        }
        for other in [
            r#"{"api_name":"a","appInfo":{}}"#,
            r#"{"api_name":"a","api_name":"b"}"#,
            r#"{"api_name":"a"} x"#,
            r#"{"api_name":"a","webviewId":"1"}"#,
            r#"{"api_name":"a","k\u0062":1}"#,
            r#"{"data":{}}"#,
        ] {
            assert!(
                outcome(other, reading(Wire::Unified, true), |_| DataRead::Decoded).is_none(),
                "{other}"
            );
        }
    }

    /// Texts the fast reader reads or refuses, and texts near them: each a call of every shape
    /// it takes, and every text one edit away from those.
    fn calls() -> Vec<String> {
        let long = "n".repeat(5000);
        let seeds = [
            r#"{"api_name":"a","data":{"x":[1,"]"]},"webviewId":4,"stateEvent":"e"}"#.to_owned(),
            r#"{"data":[],"api_name":"a","k":1,"sync":true}"#.to_owned(),
            r#"{"api_name":"a\u0062","k":{"z":null},"sync":1}"#.to_owned(),
            r#"{"api_name":"a","appInfo":{"appId":"x"},"webviewId":1e3}"#.to_owned(),
            r#"{"api_name":"a","k":1,"j":2,"k":3}"#.to_owned(),
            r#"{"api_name":"","webviewId":99999999999999999999}"#.to_owned(),
            format!(r#"{{"api_name":"{long}","k":[]}}"#),
            format!(r#"{{"api_name":"{long}\ud800","k":[]}}"#),
        ];
        let edits: &[u8] = b"\"\\,:[]{}01-.eE u\tn";
        let mut texts = Vec::new();
        for seed in &seeds {
            let seed = seed.as_bytes();
            // Edits near the start and the end of the long names' texts; all of the others.
            let places =
                (0..=seed.len()).filter(|&at| seed.len() < 200 || at < 60 || at + 60 > seed.len());
            texts.extend(crate::wire::texts_near(seed, edits, places));
        }
        texts
            .into_iter()
            .filter_map(|text| String::from_utf8(text).ok())
            .collect()
    }

    /// Whatever the fast reader reads or refuses, the full reader reads or refuses the same way.
    #[test]
    fn reads_and_refuses_as_the_full_reader_does() {
        let mut decided = 0;
        let mut refused = 0;
        for text in calls() {
            for wire in [Wire::Unified, Wire::Named("a")] {
                for caller_from_text in [false, true] {
                    for data_read in [DataRead::Checked, DataRead::Decoded] {
                        let reading = reading(wire, caller_from_text);
                        let Some(fast) = outcome(&text, reading, |_| data_read) else {
                            continue;
                        };
                        let full = full::read(&text, reading);
                        decided += 1;
                        match (fast, full) {
                            (Err(fast), Err(full)) => {
                                assert_eq!(fast.error, full, "{text:.200} {wire:?}");
                                refused += 1;
                            }
                            (Ok((fast, _)), Ok(full)) => {
                                // The full reader keeps a long name only as far as a reply
                                // echoes it; this one keeps it whole, for a lookup that fails.
                                assert_eq!(
                                    bounded(&fast.api_name),
                                    bounded(&full.api_name),
                                    "{text:.200}"
                                );
                                assert_eq!(fast.data, full.data, "{text:.200}");
                                assert_eq!(fast.extra, full.extra, "{text:.200}");
                                assert_eq!(
                                    fast.caller.web_view_id, full.caller.web_view_id,
                                    "{text:.200}"
                                );
                                assert_eq!(
                                    fast.caller.state_event, full.caller.state_event,
                                    "{text:.200}"
                                );
                            }
                            // Data left to its decoder, which refuses it.
                            (Ok((fast, _)), Err(_)) if !fast.data_checked => {}
                            (fast, full) => panic!(
                                "{text:.200} {wire:?}: fast {:?}, full {:?}",
                                fast.err().map(|refused| refused.error),
                                full.err()
                            ),
                        }
                    }
                }
            }
        }
        assert!(decided > 10_000, "{decided} decided");
        assert!(refused > 1_000, "{refused} refused");
    }

    #[test]
    fn a_key_given_twice_is_refused_where_it_is_found() {
        let text = r#"{"api_name":"a","k":1,"k":[[[[2]]]]}"#;
        let Some(Err(refused)) =
            outcome(text, reading(Wire::Unified, false), |_| DataRead::Checked)
        else {
            panic!("refused")
        };
        assert_eq!(
            &text[refused.read_to..],
            "[[[[2]]]]}",
            "the rest, left to the limit"
        );
        assert_eq!(refused.depth, 1);
        // Data left unchecked is checked first: the full reader would refuse it first.
        let malformed = r#"{"api_name":"a","data":[1,],"k":1,"k":2}"#;
        assert!(
            outcome(malformed, reading(Wire::Unified, false), |_| {
                DataRead::Decoded
            })
            .is_none()
        );
    }

    #[test]
    fn data_no_decoder_reads_is_checked_as_it_is_skipped() {
        let asked = std::cell::Cell::new(0);
        let decodes = |name: &str| {
            asked.set(asked.get() + 1);
            if name == "decoded" {
                DataRead::Decoded
            } else {
                DataRead::Checked
            }
        };
        let data = r#"{"a":tru}"#;
        // Malformed data is the full reader's to explain, unless a decoder will find it.
        let unknown = format!(r#"{{"api_name":"other","data":{data}}}"#);
        assert!(outcome(&unknown, reading(Wire::Unified, false), decodes).is_none());
        let decoded = format!(r#"{{"api_name":"decoded","data":{data}}}"#);
        let (call, _) = read_ok(&decoded, reading(Wire::Unified, false), decodes).unwrap();
        assert!(!call.data_checked);
        // Before its name, nobody knows who decodes the data: it is checked.
        let data_first = format!(r#"{{"data":{data},"api_name":"decoded"}}"#);
        assert!(outcome(&data_first, reading(Wire::Unified, false), decodes).is_none());
        let data_first = r#"{"data":[1,{"b":null}],"api_name":"decoded"}"#;
        let (call, depth) = read_ok(data_first, reading(Wire::Unified, false), decodes).unwrap();
        assert!(call.data_checked);
        assert_eq!(depth, 3);
        assert_eq!(
            asked.get(),
            2,
            "asked once per call that names its API first"
        );
    }
}
