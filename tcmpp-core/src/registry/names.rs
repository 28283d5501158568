//! The name table: the registry's handlers by API name, for the lookup every call makes.
//!
//! An open-addressing table of its own, not a `HashMap`: it is filled once, by names known to be
//! distinct, into room for all of them, so it never grows, never replaces a value and never
//! removes one. A `HashMap` brought its insertion, its growth (`reserve_rehash`), its group probing
//! and its drop for this one type into every library, about 2.3 KB of a phone's; what is left is
//! a loop over a slice. A lookup hashes the name as the map did, with the same hasher; at most
//! half the slots are taken, so most lookups compare one name.

use std::hash::BuildHasher;

use super::NameHasher;

/// Values by name, the names distinct and fixed when the table is made.
pub(crate) struct NameTable<V> {
    /// A power of two of slots, at least twice the names (none when there are no names): at
    /// least half are empty, so a search for a name that is not there ends at an empty slot,
    /// after one or two probes on average.
    slots: Vec<Option<(&'static str, V)>>,
    /// How many more names [`insert`](NameTable::insert) adds: the capacity asked for, less
    /// those added, so that a slot stays empty whatever a caller inserts.
    room: usize,
}

impl<V: Copy> NameTable<V> {
    /// A table with room for `capacity` names, which [`insert`](Self::insert) then adds.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let slots = match capacity {
            0 => 0,
            names => names.saturating_mul(2).next_power_of_two(),
        };
        let mut table = NameTable {
            slots: Vec::new(),
            room: capacity,
        };
        table.slots.resize(slots, None);
        table
    }

    /// Adds `name`, which the table does not hold yet, with its value; within the capacity the
    /// table was made with (a name beyond it is not added).
    pub(crate) fn insert(&mut self, name: &'static str, value: V) {
        let Some(room) = self.room.checked_sub(1) else {
            return;
        };
        self.room = room;
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = hash(name);
        // Ends: fewer names than half the slots were added before this one.
        loop {
            match self.slots.get_mut(at & mask) {
                Some(slot @ None) => {
                    *slot = Some((name, value));
                    return;
                }
                Some(Some(_)) => at = at.wrapping_add(1),
                None => return,
            }
        }
    }

    /// The value of `name`, if the table holds it.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<V> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut at = hash(name);
        // Ends: at least one slot is empty. A table of no slots has none to get (`?`).
        loop {
            match self.slots.get(at & mask)? {
                Some((held, value)) if *held == name => return Some(*value),
                Some(_) => at = at.wrapping_add(1),
                None => return None,
            }
        }
    }
}

/// Where the search for `name` starts, before the table's mask.
#[inline]
fn hash(name: &str) -> usize {
    // The low bits, which the mask keeps, as a `HashMap`'s bucket index keeps them.
    NameHasher::default().hash_one(name) as usize
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::NameTable;

    /// `count` distinct names, some of them alike but for one byte, leaked for the table's
    /// `'static` keys.
    fn some_names(count: usize) -> Vec<&'static str> {
        (0..count)
            .map(|i| match i % 3 {
                0 => format!("api{i}"),
                1 => format!("getSomething{i}Info"),
                _ => format!("{i}"),
            })
            .map(|name| &*Box::leak(name.into_boxed_str()))
            .collect()
    }

    #[test]
    fn the_table_answers_every_lookup_as_a_hash_map_of_the_same_names_answers_it() {
        for count in [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000] {
            let names = some_names(count);
            let mut table = NameTable::with_capacity(count);
            let mut map = HashMap::new();
            for (index, &name) in names.iter().enumerate() {
                table.insert(name, index);
                map.insert(name, index);
            }
            for (index, &name) in names.iter().enumerate() {
                assert_eq!(table.get(name), Some(index), "{name} of {count}");
            }
            for absent in [
                "",
                "api",
                "x",
                "api1000",
                "1000",
                "getSomething",
                "api0 ",
                "0\0",
            ] {
                assert_eq!(
                    table.get(absent),
                    map.get(absent).copied(),
                    "{absent} of {count}"
                );
            }
            for name in some_names(count + 50) {
                assert_eq!(table.get(name), map.get(name).copied(), "{name} of {count}");
            }
        }
    }

    #[test]
    fn a_table_with_room_for_more_names_than_it_was_given_finds_those_it_was_given() {
        let names = some_names(10);
        let mut table = NameTable::with_capacity(40);
        for (index, &name) in names.iter().take(3).enumerate() {
            table.insert(name, index);
        }
        assert_eq!(table.get(names[2]), Some(2));
        assert_eq!(table.get(names[3]), None);
    }

    #[test]
    fn names_beyond_the_capacity_are_not_added_and_every_lookup_still_ends() {
        let names = some_names(10);
        let mut table = NameTable::with_capacity(1);
        for (index, &name) in names.iter().enumerate() {
            table.insert(name, index);
        }
        let found: Vec<_> = names.iter().filter_map(|name| table.get(name)).collect();
        assert_eq!(found, [0]);
        assert_eq!(NameTable::<usize>::with_capacity(0).get("api0"), None);
    }
}
