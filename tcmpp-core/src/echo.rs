//! Echoing text the mini program wrote, in replies and logs: bounded, so that a call of
//! megabytes cannot make its reply megabytes too.

use std::borrow::Cow;

/// The most characters of caller text a reply or a log line repeats.
pub(crate) const MAX_ECHO_CHARS: usize = 64;

/// The most characters of a parser's message about caller text a reply repeats: serde quotes
/// the offending value, which may be megabytes long.
pub(crate) const MAX_MESSAGE_CHARS: usize = 300;

/// `text`, or its first [`MAX_ECHO_CHARS`] characters and `…`.
pub(crate) fn bounded(text: &str) -> Cow<'_, str> {
    bounded_to(text, MAX_ECHO_CHARS)
}

/// `text`, or its first `max` characters and `…`.
pub(crate) fn bounded_to(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        // `get`: `cut` is a character's start, and an index would be a panic site.
        Some((cut, _)) => Cow::Owned(format!("{}…", text.get(..cut).unwrap_or(text))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character() {
        assert_eq!(bounded("short"), "short");
        let long = "é".repeat(MAX_ECHO_CHARS + 10);
        let echoed = bounded(&long);
        assert_eq!(echoed.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(echoed.ends_with('…'));
        assert_eq!(
            bounded(&"x".repeat(MAX_ECHO_CHARS)),
            "x".repeat(MAX_ECHO_CHARS)
        );
    }
}
