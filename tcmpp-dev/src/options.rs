//! How a dev server is set up: where it listens, who it lets in, and the callers it can play.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::profile::Profile;

/// The port a dev server listens on unless told otherwise: fixed, so that the address a mini
/// program project is configured with stays the same from one run to the next.
pub const DEFAULT_PORT: u16 = 7370;

/// The largest request body the server reads by default: 16 MiB, four times the registry's
/// default call limit, so that the registry's own limit (a fail reply naming it) answers an
/// oversized call rather than the HTTP layer.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Options of [`serve`](crate::serve) and [`bind`](crate::bind), as builder steps; every one has a
/// safe default.
///
/// ```
/// use tcmpp_dev::{DevOptions, Profile};
///
/// let options = DevOptions::new()
///     .port(0) // any free port
///     .profile(Profile::new("shop").app_id("wx_shop").app_ver_type(0).web_view_id(1))
///     .profile(Profile::new("partner").app_id("wx_partner"))
///     .profile(Profile::anonymous("nobody"));
/// assert_eq!(options.profiles().len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct DevOptions {
    pub(crate) addr: SocketAddr,
    pub(crate) non_loopback: bool,
    pub(crate) token: Option<String>,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) origins: Vec<String>,
    pub(crate) max_body_bytes: usize,
}

impl Default for DevOptions {
    fn default() -> Self {
        DevOptions {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
            non_loopback: false,
            token: None,
            profiles: Vec::new(),
            origins: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl DevOptions {
    /// `127.0.0.1:7370`, a fresh random token, the default profiles, no other origin.
    pub fn new() -> Self {
        Self::default()
    }

    /// Listens on this port of the loopback address; `0` picks a free one (tests).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Listens on this address. One that is not loopback is refused when the server binds
    /// unless [`allow_non_loopback`](Self::allow_non_loopback) says otherwise.
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Lets the server listen on an address other machines can reach (a phone on the same
    /// network, say). The token still guards every call; but anyone on that network can try it,
    /// and the handlers run with the desktop's rights. Off by default.
    #[must_use]
    pub fn allow_non_loopback(mut self, allow: bool) -> Self {
        self.non_loopback = allow;
        self
    }

    /// Uses this token instead of a fresh random one (a fixed token keeps a mini program
    /// project's configuration valid across runs). It should be long and random: anyone who
    /// knows it can call every handler.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Adds a caller the page and the transport can call as. The first profile is the default.
    /// Without any, the server offers [`Profile::defaults`].
    #[must_use]
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profiles.push(profile);
        self
    }

    /// Also accepts requests whose `Origin` header is exactly `origin` (`scheme://host[:port]`),
    /// besides the server's own: for a client that runs on another origin, such as a mini
    /// program IDE whose simulator sends its own. Requests without `Origin` are accepted (they
    /// do not come from a web page); the token is required either way.
    #[must_use]
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.origins.push(origin.into());
        self
    }

    /// Refuses request bodies longer than `bytes` (`413`, before the registry sees them);
    /// [`DEFAULT_MAX_BODY_BYTES`] by default. Keep it above the registry's `max_call_bytes`, so
    /// that the registry's own limit answers oversized calls.
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The profiles the server will offer: those given, or [`Profile::defaults`].
    pub fn profiles(&self) -> Vec<Profile> {
        if self.profiles.is_empty() {
            Profile::defaults()
        } else {
            self.profiles.clone()
        }
    }
}
