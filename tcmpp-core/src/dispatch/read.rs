//! Dispatching a call given as JSON text: the limits, the read (one pass for the common shape,
//! the full reader for the rest), the handler's context, and the `errMsg` prefix.

use std::borrow::Cow;

use super::Started;
use super::answer::InFlight;
use super::flight::Flight;
use super::observe::log_refused_call;
use crate::context::CallContext;
use crate::data::DataSource;
use crate::handler::ApiEntry;
use crate::passes::{self, Pass};
use crate::registry::DEFAULT_METHOD_KEY;
use crate::reply::{
    FailureKind, PrefixText, Reply, ReplyFormat, UNNAMED_CALL_PREFIX, echoable_name,
};
use crate::wire::{CallError, DataRead, FastRefusal, OtherKeys, Reading, Wire, WireCall};

/// A call refused before dispatch, and the API name to render its reply with, if known.
pub(super) struct Refusal<'a> {
    name: Option<Cow<'a, str>>,
    reply: Reply,
}

impl<'a> Refusal<'a> {
    pub(super) fn new(name: Option<&'a str>, reply: Reply) -> Self {
        log_refused_call(&reply, None);
        Refusal {
            name: name.map(Cow::Borrowed),
            reply,
        }
    }

    pub(super) fn of_error(error: &CallError, reported_name: Option<&'a str>) -> Self {
        let reply = error.to_reply();
        log_refused_call(&reply, Some(&error.log_reason()));
        let name = match error.api_name() {
            Some(name) => Some(Cow::Owned(name.to_owned())),
            None => reported_name.map(Cow::Borrowed),
        };
        Refusal { name, reply }
    }
}

/// Call text, and how the host said to read it.
#[derive(Clone, Copy)]
pub(super) struct Text<'a> {
    pub(super) json: &'a str,
    pub(super) reading: Reading<'a>,
}

impl Flight<'_> {
    /// Reads and dispatches a call given as JSON text.
    pub(super) fn text(&self, text: Text<'_>) -> Started {
        let (call, entry) = match self.read(text) {
            Ok(read) => read,
            Err(refusal) => return self.refused(refusal),
        };
        let format = self.format_for(entry, Some(&call.api_name));
        match self.run_read(text, call, entry, &format) {
            Ok(in_flight) => Started { in_flight, format },
            Err(refusal) => self.refused(refusal),
        }
    }

    /// The size limit, then UTF-8.
    pub(super) fn check_bytes<'b>(&self, bytes: &'b [u8]) -> Result<&'b str, Reply> {
        self.registry.config().limits.check_size(bytes.len())?;
        std::str::from_utf8(bytes).map_err(|error| {
            Reply::fail(
                FailureKind::InvalidCall,
                format!(
                    "invalid call: not valid UTF-8 (at byte {})",
                    error.valid_up_to()
                ),
            )
        })
    }

    /// A refused call's reply, with the prefix to render it with.
    pub(super) fn refused(&self, refusal: Refusal<'_>) -> Started {
        Started {
            in_flight: InFlight::ready(refusal.reply),
            format: self.format_for(None, refusal.name.as_deref()),
        }
    }

    /// The form the reply to a call named `name`, handled by `entry`, is taken in: its
    /// `errMsg` prefix is found only for a reply rendered as text.
    #[inline]
    pub(super) fn format_for(
        &self,
        entry: Option<&'static ApiEntry>,
        name: Option<&str>,
    ) -> ReplyFormat {
        ReplyFormat::new(self.rendering, || self.errmsg_prefix_of(entry, name))
    }

    /// What `errMsg` starts with in the rendered reply to a call named `name`, handled by
    /// `entry`. Borrowed from the registry whenever it can be.
    pub(super) fn errmsg_prefix_of(
        &self,
        entry: Option<&'static ApiEntry>,
        name: Option<&str>,
    ) -> PrefixText {
        if let Some(fixed) = self.registry.fixed_prefix() {
            return fixed.clone();
        }
        if let Some(entry) = entry.filter(|entry| name == Some(entry.name)) {
            return PrefixText::Static(entry.name);
        }
        match echoable_name(name) {
            UNNAMED_CALL_PREFIX => PrefixText::Static(UNNAMED_CALL_PREFIX),
            name => PrefixText::Owned(name.to_owned()),
        }
    }

    /// Checks a call given as JSON text against the limits, reads it and finds its handler: in
    /// one pass for the common shape of call, with the full reader for everything else.
    fn read<'a>(
        &self,
        text: Text<'a>,
    ) -> Result<(WireCall<'a>, Option<&'static ApiEntry>), Refusal<'a>> {
        let Text { json, reading } = text;
        let reported_name = reading.wire.reported_name();
        let limits = &self.registry.config().limits;
        let refuse = |reply| Refusal::new(reported_name, reply);
        limits.check_size(json.len()).map_err(refuse)?;
        // A call that names its API before its data is looked up there, so that the reader
        // knows whether a handler will decode the data (and check it) or the data is to be
        // checked as it is skipped: either way, one pass over it. The fast reader never
        // believes an `appInfo` of the text, so the stated one decides access.
        if let Wire::Legacy(name) = reading.wire {
            if let Some(read) = self.read_legacy_unread(json, name) {
                let (call, depth, entry) = read;
                match depth {
                    Some(depth) => limits.check_measured_depth(depth),
                    None => limits.check_depth(json.as_bytes()),
                }
                .map_err(refuse)?;
                return Ok((call, entry));
            }
        }
        let mut looked_up = None;
        let decodes_data = |name: &str| {
            let entry = self.registry.lookup(name);
            looked_up = Some(entry);
            self.data_read(entry)
        };
        // The fast reader measures the nesting as it skips the values, so the limit costs no
        // extra pass.
        if let Some((call, depth)) = WireCall::read_common(json, reading, decodes_data) {
            limits.check_measured_depth(depth).map_err(refuse)?;
            let entry = match looked_up {
                Some(entry) => entry,
                None => self.registry.lookup(&call.api_name),
            };
            return Ok((call, entry));
        }
        // A shape it does not take, read (or refused) in one pass by the wider reader.
        let mut refusal = None;
        let mut decodes_data = |name: &str| self.data_read(self.registry.lookup(name));
        if let Some((call, depth)) =
            WireCall::read_wider(json, reading, &mut decodes_data, &mut refusal)
        {
            limits.check_measured_depth(depth).map_err(refuse)?;
            let entry = self.registry.lookup(&call.api_name);
            return Ok((call, entry));
        }
        if let Some(refusal) = refusal {
            return Err(self.refused_in_one_pass(json, refusal, reported_name));
        }
        limits.check_depth(json.as_bytes()).map_err(refuse)?;
        let call = WireCall::read(json, reading)
            .map_err(|error| Refusal::of_error(&error, reported_name))?;
        let entry = self.registry.lookup(&call.api_name);
        Ok((call, entry))
    }

    /// How the fast reader reads the data of a call to the API of `entry` from `stated`.
    #[inline]
    fn data_read(&self, entry: Option<&'static ApiEntry>) -> DataRead {
        match entry {
            // A multiplexed API's handler is known only once its method is found in the data:
            // the reader finds it as it checks the data, in one pass.
            Some(entry) if entry.method.is_some() => {
                DataRead::Method(entry.method_key.unwrap_or(DEFAULT_METHOD_KEY))
            }
            Some(entry) if self.decodes_straight(entry) => DataRead::Decoded,
            _ => DataRead::Checked,
        }
    }

    /// A call the fast reader refused in its one pass: over the nesting limit first, as the
    /// limit's scan of the whole text would find it; a call it refused before the end of its
    /// text (a key given twice) is measured on to the end, from inside the call object.
    #[cold]
    #[inline(never)]
    fn refused_in_one_pass<'a>(
        &self,
        json: &str,
        refusal: FastRefusal,
        reported_name: Option<&'a str>,
    ) -> Refusal<'a> {
        let limits = &self.registry.config().limits;
        // `get`: the fast reader stopped inside the text, and an index would be a panic site.
        let rest = json.as_bytes().get(refusal.read_to..).unwrap_or_default();
        match limits
            .check_measured_depth(refusal.depth)
            .and_then(|()| limits.check_depth_within(rest, 1))
        {
            Err(reply) => Refusal::new(reported_name, reply),
            Ok(()) => Refusal::of_error(&refusal.error, reported_name),
        }
    }

    /// Whether the handler of `entry`, an API without methods, will decode the data of a call
    /// from the stated caller: it takes data, and the access policy lets the caller call it.
    #[inline]
    fn decodes_straight(&self, entry: &'static ApiEntry) -> bool {
        entry.takes_data && self.permits(entry, self.stated.app_info.as_ref()) == Ok(true)
    }

    /// A legacy call whose data no handler will decode straight from the text: to an unknown
    /// API, one the caller may not call, one without data, or a multiplexed API. Its keys are
    /// not read, and its text is checked in one pass that builds nothing, which measures its
    /// nesting: for a multiplexed API, the scan that finds its method. So refusing it costs that
    /// pass. (When that scan cannot follow the text, the depth is `None`: the limit's own scan
    /// measures it, and the method's resolution explains.) `None` when a handler will decode the
    /// data (the full reader reads its keys, to refuse one given twice), or the text is not one
    /// object within the depth the pass follows (the full reader explains).
    #[cold]
    #[inline(never)]
    fn read_legacy_unread<'a>(
        &self,
        json: &'a str,
        name: &'a str,
    ) -> Option<(WireCall<'a>, Option<usize>, Option<&'static ApiEntry>)> {
        let entry = self.registry.lookup(name);
        match entry {
            Some(entry) if entry.method.is_some() => {
                let key = entry.method_key.unwrap_or(DEFAULT_METHOD_KEY);
                let (call, depth) = WireCall::legacy_object(json, name, key)?;
                Some((call, depth, Some(entry)))
            }
            Some(entry) if self.decodes_straight(entry) => None,
            _ => {
                let (call, depth) = WireCall::read_legacy_unread(json, name)?;
                Some((call, Some(depth), entry))
            }
        }
    }

    /// Invokes the handler on a call read from `json`. When the call is refused with data that
    /// was not yet validated, and that data is not JSON, the call is refused as malformed,
    /// whatever else is wrong with it: with serde's words for the flaw, placed in the call's
    /// text as the full reader would place them, without reading the call again.
    fn run_read<'a>(
        &self,
        text: Text<'a>,
        call: WireCall<'_>,
        entry: Option<&'static ApiEntry>,
        format: &ReplyFormat,
    ) -> Result<InFlight, Refusal<'a>> {
        let cx = self.text_context(&call);
        self.run(entry, cx, format).map_err(|malformed| {
            // Only unchecked data is found malformed, and data is a slice of the call's text.
            let data = call.data.unwrap_or_default();
            let error = malformed.refusal_in(text.json, data);
            Refusal::of_error(&error, text.reading.wire.reported_name())
        })
    }

    /// The context of a call read from JSON text: the caller as the host stated it, and from
    /// the text only what the host said to believe.
    fn text_context<'a>(&'a self, call: &'a WireCall<'a>) -> CallContext<'a> {
        if call.data.is_some() && (call.data_checked || call.method.is_some()) {
            // The reader checked the data as it read the call: that was its one read.
            passes::count(Pass::DataRead);
        }
        let stated = self.stated;
        CallContext {
            api_name: &call.api_name,
            web_view_id: stated.web_view_id.or(call.caller.web_view_id),
            state_event: stated
                .state_event
                .as_deref()
                .or(call.caller.state_event.as_deref()),
            app_info: stated.app_info.as_ref().or(call.caller.app_info.as_deref()),
            extra: OtherKeys::Raw(&call.extra),
            states: self.registry.states(),
            data: match (call.data, call.method) {
                (None, _) => DataSource::Absent,
                (Some(text), Some(method)) => DataSource::scanned(text, method),
                (Some(text), None) if call.data_checked => DataSource::Text(text),
                (Some(text), None) => DataSource::Unchecked(text),
            },
            progress: self.progress(),
            extensions: None,
        }
    }
}
