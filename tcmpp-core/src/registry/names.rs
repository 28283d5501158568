//! The name table: the registry's handlers by API name, for the lookup every call makes.
//!
//! An open-addressing table of its own, not a `HashMap`: it is filled once, by names known to be
//! distinct, into room for all of them, so it never grows, never replaces a value and never
//! removes one. A `HashMap` brought its insertion, its growth (`reserve_rehash`), its group probing
//! and its drop for this one type into every library, about 2.3 KB of a phone's; what is left is
//! a loop over a slice. A lookup hashes the name with [`hash`]; at most
//! half the slots are taken, so most lookups compare one name.

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

/// Where the search for `name` starts, before the table's mask (which keeps the low bits).
///
/// A hash of its own, not a crate's: foldhash's, which this was, brought its hasher for long
/// input, its panic sites and their locations, about 1 KB of a phone's library, for names that
/// are nearly all under 17 bytes. This is foldhash's hash of a short string (its folded
/// multiply of the first and last eight, four or one bytes), sixteen bytes at a time before the
/// last sixteen, with its constants as a fixed seed; a name's length is in the seed.
///
/// Not a hash that resists crafted keys, nor needs to: the table's names are the program's own,
/// fixed at start-up, and a caller only chooses what to look up, which cannot lengthen the
/// probe sequences those names laid out. Knowing every hash, a caller can at most meet the
/// longest of them every time rather than by chance.
#[inline]
fn hash(name: &str) -> usize {
    let mut rest = name.as_bytes();
    let mut s0 = SEED[0] ^ rest.len() as u64;
    let s1 = SEED[1];
    while rest.len() > 16 {
        let Some((pair, after)) = rest.split_first_chunk::<16>() else {
            break;
        };
        s0 = folded_multiply(s0 ^ word(&pair[..8]), s1 ^ word(&pair[8..]));
        rest = after;
    }
    let (first, last) = if rest.len() >= 8 {
        (
            word(rest),
            rest.last_chunk::<8>()
                .map_or(0, |last| u64::from_le_bytes(*last)),
        )
    } else if rest.len() >= 4 {
        let half =
            |four: Option<&[u8; 4]>| four.map_or(0, |four| u64::from(u32::from_le_bytes(*four)));
        (half(rest.first_chunk()), half(rest.last_chunk()))
    } else {
        let byte = |at: usize| rest.get(at).map_or(0, |&byte| u64::from(byte));
        let last = rest.len().wrapping_sub(1);
        (byte(0), byte(last) << 8 | byte(rest.len() / 2))
    };
    folded_multiply(s0 ^ first, s1 ^ last) as usize
}

/// foldhash's fixed seed (its first constants, the digits of pi).
const SEED: [u64; 2] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344];

/// The first eight bytes of `bytes` (at least eight), little-endian.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    bytes
        .first_chunk::<8>()
        .map_or(0, |word| u64::from_le_bytes(*word))
}

/// The 128-bit product of `x` and `y`, its halves folded together: the middle bits, which vary
/// most with the input, into the low ones.
#[inline]
fn folded_multiply(x: u64, y: u64) -> u64 {
    let full = u128::from(x) * u128::from(y);
    (full as u64) ^ ((full >> 64) as u64)
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
    fn every_byte_of_a_name_and_its_length_change_its_hash() {
        for len in 0..=40 {
            let name = "a".repeat(len);
            // Every length hashes apart from the others, even where the bytes read are the same.
            for shorter in 0..len {
                assert_ne!(
                    super::hash(&name),
                    super::hash(&"a".repeat(shorter)),
                    "{len}"
                );
            }
            for at in 0..len {
                let mut changed = name.clone().into_bytes();
                changed[at] = b'b';
                let changed = String::from_utf8(changed).unwrap();
                assert_ne!(super::hash(&name), super::hash(&changed), "{len} at {at}");
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
