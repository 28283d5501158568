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
    let mut unreadable = Ok(false);
    for grant in grants {
        match grant.admits(caller) {
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
    /// Grants by the name they give: an API's (`"name"`), one method's of a multiplexed API
    /// (`"name.method"`), or every API's ([`ANY`]); sorted by [`name_and_method`] of the name
    /// and searched in halves. A list, not a `HashMap`: a policy is a handful of grants, read
    /// once, and a map type would be its own copy of the hash table's code.
    grants: Vec<(String, Vec<Grant>)>,
}

/// A granted name as an API name and, for `"name.method"`, a method: API names have no `.`, so
/// the first one splits. The one reading of a granted name, for access control and for the
/// registry's check that each grant names a registered API.
pub(crate) fn name_and_method(granted: &str) -> (&str, Option<&str>) {
    match granted.split_once('.') {
        Some((name, method)) => (name, Some(method)),
        None => (granted, None),
    }
}

impl AccessControl {
    pub(crate) fn new(policy: AccessPolicy) -> Self {
        let mut control = AccessControl {
            default_deny: policy.default_deny,
            grants: Vec::new(),
        };
        for grant in policy.grants {
            for api in &grant.apis {
                let (name, method) = name_and_method(api);
                match control.find(name, method) {
                    Ok(at) => control.grants[at].1.push(grant.clone()),
                    Err(at) => control
                        .grants
                        .insert(at, (api.clone(), vec![grant.clone()])),
                }
            }
        }
        control
    }

    /// Where the grants of `name` (its `method`) are, or where they would go.
    fn find(&self, name: &str, method: Option<&str>) -> Result<usize, usize> {
        self.grants
            .binary_search_by(|(granted, _)| name_and_method(granted).cmp(&(name, method)))
    }

    /// The grants of `name` (its `method`).
    fn grants_of(&self, name: &str, method: Option<&str>) -> Option<&Vec<Grant>> {
        let at = self.find(name, method).ok()?;
        Some(&self.grants[at].1)
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
        let grants = self.grants.iter().flat_map(|(_, grants)| grants);
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
        let of_method = method.and_then(|method| self.grants_of(api, Some(method)));
        let grants = [api, ANY]
            .into_iter()
            .filter_map(|key| self.grants_of(key, None))
            .chain(of_method)
            .flatten();
        any_admits(grants, caller)
    }
}
