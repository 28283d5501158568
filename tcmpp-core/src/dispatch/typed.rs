//! Dispatching a call the host read or built itself: its data is a value already, and who
//! calls is what the host states.

use super::answer::InFlight;
use super::flight::Flight;
use super::future::Started;
use super::read::Refusal;
use crate::call::MiniApiCall;
use crate::context::CallContext;
use crate::data::DataSource;
use crate::wire::{OtherKeys, Wire, check_agrees};

impl Flight<'_> {
    /// Dispatches a call the host read or built itself.
    #[inline]
    pub(super) fn typed(&self, call: MiniApiCall) -> Started {
        let MiniApiCall {
            api_name,
            data,
            extra,
        } = call;
        let caller = self.stated;
        let cx = CallContext {
            api_name: &api_name,
            web_view_id: caller.web_view_id,
            state_event: caller.state_event.as_deref(),
            app_info: caller.app_info.as_ref(),
            extra: OtherKeys::Map(&extra),
            states: self.registry.states(),
            data: data.map_or(DataSource::Absent, DataSource::Value),
            progress: self.progress(),
            extensions: None,
        };
        let entry = self.registry.lookup(&api_name);
        let format = self.format_for(entry, Some(&api_name));
        let in_flight = self
            .run(entry, cx, &format)
            // Data that is already a value was JSON: never malformed, but answered if it were.
            .unwrap_or_else(|malformed| InFlight::ready(malformed.reply()));
        Started { in_flight, format }
    }

    /// Dispatches a call read already, whose name the SDK also reported: the two must agree.
    #[cold]
    pub(super) fn reported(&self, call: MiniApiCall, wire: Wire<'_>) -> Started {
        match check_agrees(&call.api_name, wire.reported_name()) {
            Ok(()) => self.typed(call),
            Err(error) => self.refused(Refusal::of_error(&error, wire.reported_name())),
        }
    }
}
