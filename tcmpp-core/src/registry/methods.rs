//! Multiplexed APIs: one `api_name`, many methods, each its own handler, chosen by a key of the
//! call's `data` (Luffa's `luffaWebRequest` by `data.methodName`).

use crate::handler::ApiEntry;

/// The key of `data` that names the method of a multiplexed API, unless its handlers say
/// otherwise with `#[mini_api("name", method = "…", method_key = "…")]`: `"methodName"`, as
/// Luffa's super app sends it.
pub const DEFAULT_METHOD_KEY: &str = "methodName";

/// Up to how many methods [`Methods::get`] compares one by one rather than by halves.
pub(super) const SCANNED: usize = 8;

/// The methods of one multiplexed API, as dispatch finds them.
pub(crate) struct Methods {
    /// The API's name.
    pub(crate) name: &'static str,
    /// The entry the registry finds under the API's name: its first method's.
    pub(crate) entry: &'static ApiEntry,
    /// The key of `data` that names the method.
    pub(crate) key: &'static str,
    /// Each method's handler, sorted by method: a handful per API, compared one by one (or
    /// searched in halves when there are many).
    by_method: Vec<(&'static str, &'static ApiEntry)>,
    /// The longest method, in bytes: escaped text longer than six bytes per byte of it cannot
    /// decode to any method, so it is never decoded.
    longest: usize,
}

impl Methods {
    /// The methods of `entries`: the handlers of one name, each with a method, checked and
    /// sorted by method; `first`, the first of them, is the one the registry finds under
    /// their name.
    pub(crate) fn new(first: &'static ApiEntry, entries: &[&'static ApiEntry]) -> Self {
        // Pushed, not collected from a `filter_map`, whose collecting code is its own.
        let mut by_method: Vec<(&'static str, &'static ApiEntry)> = Vec::new();
        for entry in entries {
            if let Some(method) = entry.method {
                by_method.push((method, entry));
            }
        }
        Methods {
            name: first.name,
            entry: first,
            key: first.method_key.unwrap_or(DEFAULT_METHOD_KEY),
            longest: by_method
                .iter()
                .map(|(method, _)| method.len())
                .max()
                .unwrap_or(0),
            by_method,
        }
    }

    /// The handler of `method`.
    #[inline]
    pub(crate) fn get(&self, method: &str) -> Option<&'static ApiEntry> {
        // A handful of methods per API: compared one by one, where the unequal lengths of most
        // settle each comparison without reading a byte; halving pays only for many.
        if self.by_method.len() <= SCANNED {
            return self
                .by_method
                .iter()
                .find(|(known, _)| *known == method)
                .map(|(_, entry)| *entry);
        }
        self.by_method
            .binary_search_by(|(known, _)| (*known).cmp(method))
            .ok()
            .map(|index| self.by_method[index].1)
    }

    /// Every method's handler, sorted by method.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &'static ApiEntry> + '_ {
        self.by_method.iter().map(|(_, entry)| *entry)
    }

    /// The most bytes of escaped JSON text that can still decode to one of the methods.
    pub(crate) fn longest_escaped(&self) -> usize {
        self.longest.saturating_mul(6)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::entry;
    use super::*;

    #[test]
    fn every_method_is_found_one_by_one_and_by_halves() {
        for count in [1, 2, SCANNED, SCANNED + 1, 40] {
            let names: Vec<&'static str> = (0..count)
                .map(|index| &*Box::leak(format!("m{index:03}").into_boxed_str()))
                .collect();
            let entries: Vec<&'static ApiEntry> = names
                .iter()
                .map(|name| entry("multi", Some(name)))
                .collect();
            let methods = Methods::new(entries[0], &entries);
            for (name, expected) in names.iter().zip(&entries) {
                let found = methods.get(name).expect("a registered method is found");
                assert!(std::ptr::eq(found, *expected), "{name} of {count}");
            }
            for unknown in ["", "m", "m0000", "zzz", "M000"] {
                assert!(methods.get(unknown).is_none(), "{unknown} of {count}");
            }
            assert_eq!(methods.name, "multi");
        }
    }
}
