//! Which mini programs may call which APIs.

use serde::{Deserialize, Serialize};

use crate::call::{AppInfo, UnreadableVerType};

/// Which mini programs may call which APIs, as data the host can load from its own config.
///
/// For a multiplexed API (`#[mini_api("name", method = "…")]`), each method is guarded by its
/// own `restricted` flag, and a grant names the whole API (`"luffaWebRequest"`: every method)
/// or one method (`"luffaWebRequest.signMessageV2"`).
///
/// An API is *guarded* when its handler is marked `#[mini_api("name", restricted)]`, or when
/// the policy is [`default_deny`](Self::default_deny). A guarded API answers only callers that a
/// [`Grant`] names; everyone else gets `"<api>:fail permission denied"` and the handler does not
/// run. Unguarded APIs answer everyone.
///
/// The registry checks the policy when it is built: a grant that names an API no handler
/// serves is reported, not ignored.
///
/// ```
/// use tcmpp_core::AccessPolicy;
///
/// let policy: AccessPolicy = serde_json::from_str(r#"{
///     "defaultDeny": true,
///     "grants": [
///         { "appId": "*", "apis": ["ping"] },
///         { "appId": "wx_first_party", "apis": ["*"] },
///         { "appId": "wx_partner", "apis": ["getProfile"], "appVerTypes": [0] }
///     ]
/// }"#)?;
/// assert!(policy.default_deny);
/// # Ok::<_, serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AccessPolicy {
    /// Guard every API, not only the `restricted` ones.
    #[serde(default)]
    pub default_deny: bool,
    /// Who may call what.
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// Lets one mini program (or every caller) call some APIs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Grant {
    /// The mini program's `appId`; `"*"` grants every caller, even one without an `appId`.
    pub app_id: String,
    /// The API names granted; `"*"` grants every API. A multiplexed API is granted whole by
    /// its name, or one method at a time as `"name.method"` (`"luffaWebRequest.connect"`).
    pub apis: Vec<String>,
    /// When present, only these version types (`appVerType`) of the mini program are granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_ver_types: Option<Vec<i64>>,
}

/// The wildcard of [`Grant::app_id`] and [`Grant::apis`].
pub(crate) const ANY: &str = "*";

impl Grant {
    /// Lets `app_id` (or `"*"`, every caller) call `apis` (or `"*"`, every API).
    pub fn new<I, S>(app_id: impl Into<String>, apis: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Grant {
            app_id: app_id.into(),
            apis: apis.into_iter().map(Into::into).collect(),
            app_ver_types: None,
        }
    }

    /// Grants only these version types (`appVerType`) of the mini program.
    #[must_use]
    pub fn app_ver_types(mut self, types: impl IntoIterator<Item = i64>) -> Self {
        self.app_ver_types = Some(types.into_iter().collect());
        self
    }
}

impl Grant {
    /// Whether this grant names `caller`, whatever the APIs; `Err` when only the caller's
    /// version type could tell, and it cannot be read.
    fn admits(&self, caller: Option<&AppInfo>) -> Result<bool, UnreadableVerType> {
        let app_matches = self.app_id == ANY
            || caller.and_then(|caller| caller.app_id.as_deref()) == Some(self.app_id.as_str());
        // Version types restrict wildcard grants too; a caller that sends no version type does
        // not match a grant that names some.
        let Some(types) = self.app_ver_types.as_ref().filter(|_| app_matches) else {
            return Ok(app_matches);
        };
        let ver_type = caller.map_or(Ok(None), AppInfo::ver_type)?;
        Ok(ver_type.is_some_and(|ver_type| types.contains(&ver_type)))
    }
}

/// Whether any of `grants` admits `caller`: a grant that does settles it, whatever another
/// could not tell.
fn any_admits<'g>(
    grants: impl IntoIterator<Item = &'g Grant>,
    caller: Option<&AppInfo>,
) -> Result<bool, UnreadableVerType> {
    any_yes(grants.into_iter().map(|grant| grant.admits(caller)))
}

/// The answers asked one after another, as one: the first yes settles it (the rest are not
/// asked), whatever an earlier one could not tell; otherwise an answer that could not be told,
/// or no.
fn any_yes(
    answers: impl Iterator<Item = Result<bool, UnreadableVerType>>,
) -> Result<bool, UnreadableVerType> {
    let mut unreadable = Ok(false);
    for answer in answers {
        match answer {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(error) => unreadable = Err(error),
        }
    }
    unreadable
}

impl AccessPolicy {
    /// A policy that guards only `restricted` APIs and grants nothing yet.
    pub fn new() -> Self {
        AccessPolicy::default()
    }

    /// Lets `app_id` call `apis`; see [`Grant::new`].
    #[must_use]
    pub fn grant<I, S>(self, app_id: impl Into<String>, apis: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.with_grant(Grant::new(app_id, apis))
    }

    /// Adds a grant.
    #[must_use]
    pub fn with_grant(mut self, grant: Grant) -> Self {
        self.grants.push(grant);
        self
    }

    /// Guards every API, not only the `restricted` ones.
    #[must_use]
    pub fn deny_by_default(mut self) -> Self {
        self.default_deny = true;
        self
    }
}

/// A policy arranged for lookups on every call.
#[derive(Debug, Default)]
pub(crate) struct AccessControl {
    default_deny: bool,
    /// Every grant of the policy, once, however many names it gives.
    grants: Vec<Grant>,
    /// The grants (places in `grants`) by the name they give: an API's (`"name"`), one method's
    /// of a multiplexed API (`"name.method"`), or every API's ([`ANY`]); sorted by
    /// [`name_and_method`] of the name and searched in halves. A list, not a `HashMap`: it is
    /// filled once, and a map type would be its own copy of the hash table's code. Each name
    /// is kept as where its first grant gives it (the grant's place, the name's among its
    /// `apis`), not as a copy: no copy to make and none to drop.
    by_name: Vec<((usize, usize), Vec<usize>)>,
}

/// Where the grants of `name` (its `method`) are in `by_name`, or where they would go.
fn find_in(
    grants: &[Grant],
    by_name: &[((usize, usize), Vec<usize>)],
    name: &str,
    method: Option<&str>,
) -> Result<usize, usize> {
    by_name.binary_search_by(|&((grant, api), _)| {
        name_and_method(granted(grants, grant, api)).cmp(&(name, method))
    })
}

/// The name that grant `grant` of `grants` gives at `api`.
fn granted(grants: &[Grant], grant: usize, api: usize) -> &str {
    // `get`, not indexes: every place in `by_name` is one, and an index would be a panic site.
    grants
        .get(grant)
        .and_then(|grant| grant.apis.get(api))
        .map_or("", String::as_str)
}

/// A granted name as an API name and, for `"name.method"`, a method: API names have no `.`, so
/// the first one splits. The one reading of a granted name, for access control and for the
/// registry's check that each grant names a registered API.
pub(crate) fn name_and_method(granted: &str) -> (&str, Option<&str>) {
    // A byte search and two slices at an ASCII byte, not `split_once`, whose searcher of a
    // character this one use would bring into every library.
    let dot = granted.bytes().position(|byte| byte == b'.');
    match dot.and_then(|at| Some((granted.get(..at)?, granted.get(at + 1..)?))) {
        Some((name, method)) => (name, Some(method)),
        None => (granted, None),
    }
}

impl AccessControl {
    pub(crate) fn new(policy: AccessPolicy) -> Self {
        // Each name is placed by a search in halves and an insertion: `O(n²)` moves in the
        // distinct names, which the build bounds by the registry's APIs (a grant of a name no
        // handler serves is refused), where a sort would be one more sort's code in every
        // library. The grants themselves are referred to by place, never copied.
        let mut by_name: Vec<((usize, usize), Vec<usize>)> = Vec::new();
        for (at, grant) in policy.grants.iter().enumerate() {
            for (place, api) in grant.apis.iter().enumerate() {
                let (name, method) = name_and_method(api);
                match find_in(&policy.grants, &by_name, name, method) {
                    Ok(found) => {
                        // `get_mut`, not an index: one panic site fewer in every library.
                        if let Some((_, grants)) = by_name.get_mut(found) {
                            // A grant that gives a name twice is listed once.
                            if grants.last() != Some(&at) {
                                grants.push(at);
                            }
                        }
                    }
                    Err(to) => by_name.insert(to, ((at, place), vec![at])),
                }
            }
        }
        AccessControl {
            default_deny: policy.default_deny,
            grants: policy.grants,
            by_name,
        }
    }

    /// The grants of `name` (its `method`).
    fn grants_of(&self, name: &str, method: Option<&str>) -> impl Iterator<Item = &Grant> {
        // `get`, not an index, for the search's place: one panic site fewer in every library.
        let places = match find_in(&self.grants, &self.by_name, name, method) {
            Ok(at) => self.by_name.get(at).map_or(&[][..], |(_, places)| places),
            Err(_) => &[],
        };
        // `get`: each place is a grant's, and an index would be a panic site.
        places.iter().filter_map(|&at| self.grants.get(at))
    }

    /// Whether an unknown API is to be answered as a forbidden one: under default deny, for a
    /// caller that no grant names, so that it learns nothing of which APIs exist. `Err` when
    /// that depends on a version type that cannot be read.
    pub(crate) fn hides_unknown_apis_from(
        &self,
        caller: Option<&AppInfo>,
    ) -> Result<bool, UnreadableVerType> {
        if !self.default_deny {
            return Ok(false);
        }
        // A grant that names no API invites nobody.
        let grants = self.grants.iter().filter(|grant| !grant.apis.is_empty());
        any_admits(grants, caller).map(|invited| !invited)
    }

    /// Whether `caller` may call `api` (its `method`, for a multiplexed API); `Err` when that
    /// depends on a version type that cannot be read.
    #[inline]
    pub(crate) fn permits(
        &self,
        api: &str,
        method: Option<&str>,
        restricted: bool,
        caller: Option<&AppInfo>,
    ) -> Result<bool, UnreadableVerType> {
        // Most registries restrict nothing: that answer should cost a branch, not a call.
        if !restricted && !self.default_deny {
            return Ok(true);
        }
        self.grants_allow(api, method, caller)
    }

    fn grants_allow(
        &self,
        api: &str,
        method: Option<&str>,
        caller: Option<&AppInfo>,
    ) -> Result<bool, UnreadableVerType> {
        // The grants of the name, of any name, then of the method (for a method), each list
        // read by `any_admits` and the lists' answers taken as its grants' are: not a
        // `flat_map` and a `chain` of them, whose adapters' state was code of its own.
        let keys = [(api, None), (ANY, None), (api, method)];
        let keys = if method.is_some() {
            &keys[..]
        } else {
            &keys[..2]
        };
        any_yes(
            keys.iter()
                .map(|&(key, method)| any_admits(self.grants_of(key, method), caller)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{AccessControl, AccessPolicy, Grant, name_and_method};
    use crate::call::AppInfo;

    #[test]
    fn a_granted_name_splits_at_its_first_dot_as_split_once_splits_it() {
        for granted in [
            "",
            ".",
            "..",
            "a",
            "a.",
            ".b",
            "a.b",
            "a.b.c",
            "é.ü",
            "名.方法",
            "a..b",
        ] {
            let split = match granted.split_once('.') {
                Some((name, method)) => (name, Some(method)),
                None => (granted, None),
            };
            assert_eq!(name_and_method(granted), split, "{granted}");
        }
    }

    #[test]
    fn a_grant_is_kept_once_however_many_names_it_gives() {
        let names: Vec<String> = (0..2_000).map(|n| format!("api{n}")).collect();
        let policy = AccessPolicy::new()
            .deny_by_default()
            .with_grant(Grant::new("wx_one", names.iter().rev().cloned()))
            .grant("wx_two", ["api7", "api7", "api7.method"]);
        let control = AccessControl::new(policy);
        // Copying the grant for each of its names held 2,000 copies of 2,000 names.
        assert_eq!(control.grants.len(), 2);
        assert_eq!(control.by_name.len(), 2_001);
        let one = AppInfo::with_app_id("wx_one");
        let two = AppInfo::with_app_id("wx_two");
        let other = AppInfo::with_app_id("wx_other");
        for name in ["api0", "api7", "api1999"] {
            assert_eq!(control.permits(name, None, false, Some(&one)), Ok(true));
        }
        assert_eq!(
            control.permits("api2000", None, false, Some(&one)),
            Ok(false)
        );
        assert_eq!(control.permits("api7", None, false, Some(&two)), Ok(true));
        assert_eq!(control.permits("api8", None, false, Some(&two)), Ok(false));
        assert_eq!(
            control.permits("api7", Some("method"), false, Some(&two)),
            Ok(true)
        );
        assert_eq!(
            control.permits("api7", None, false, Some(&other)),
            Ok(false)
        );
        // A name given twice by one grant lists it once.
        let at = super::find_in(&control.grants, &control.by_name, "api7", None).unwrap();
        assert_eq!(control.by_name[at].1, [0, 1]);
        assert_eq!(control.hides_unknown_apis_from(Some(&two)), Ok(false));
        assert_eq!(control.hides_unknown_apis_from(Some(&other)), Ok(true));
    }

    #[test]
    fn a_grant_of_no_api_invites_nobody() {
        let policy = AccessPolicy::new()
            .deny_by_default()
            .grant("wx_none", Vec::<String>::new());
        let control = AccessControl::new(policy);
        let caller = AppInfo::with_app_id("wx_none");
        assert_eq!(control.hides_unknown_apis_from(Some(&caller)), Ok(true));
    }
}
