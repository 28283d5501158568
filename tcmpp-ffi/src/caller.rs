//! Who calls, as the host states it beside the call: `caller_json`, read into a
//! [`tcmpp_core::Caller`] by [`Caller::with_json`].

use tcmpp_core::Caller;

/// The caller of one call: what `caller_json` states (`None`: nothing), read from the call text
/// as well when the host says the text is its SDK's own (`from_call_text`). The error is the
/// reason of the call's fail reply.
pub(crate) fn read(caller_json: Option<&str>, from_call_text: bool) -> Result<Caller, String> {
    let caller = if from_call_text {
        Caller::trust_call_text()
    } else {
        Caller::new()
    };
    match caller_json {
        Some(json) => caller
            .with_json(json)
            .map_err(|invalid| invalid.to_string()),
        None => Ok(caller),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_stated_is_nobody() {
        assert_eq!(read(None, false).unwrap(), Caller::new());
        assert!(read(None, true).unwrap().trusts_call_text());
    }

    #[test]
    fn the_json_is_read_over_the_host_flag() {
        let caller = read(Some(r#"{"webviewId":4}"#), true).unwrap();
        assert_eq!(caller.web_view_id(), Some(4));
        assert!(caller.trusts_call_text());
        assert_eq!(
            read(Some("[]"), false).unwrap_err(),
            "invalid caller: expected a JSON object, found an array"
        );
    }
}
