//! The build's sorts: a few hundred bytes per element type each, where `sort_unstable_by` is
//! compiled once per element type and comparison, about 3 to 5 KB of a phone's library each
//! (quicksort, heapsort, the small sorts, the pivot).
//!
//! Two sorts, for two kinds of list:
//! - [`merge_sort_by`], stable, for the entries: 10,000 in a large build, references, sorted by
//!   every build.
//! - [`sort_by`], stable, for the lists sorted only when the build fails (its problems, the
//!   handlers that need a missing state): a binary insertion sort, whose `O(n²)` moves are paid
//!   by a build that is refused anyway.
//!
//! (The multiplexed APIs are not sorted: they are kept in the entries' order, by name.)

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably: items that compare equal keep their order. Each item is
/// placed by a binary search of those before it, `O(n log n)` comparisons, and moved there one
/// swap at a time, `O(n²)` swaps at worst (a list in reverse order).
pub(super) fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    // Slices and `get`, not indexes the compiler cannot prove in bounds: each index a panic
    // site of its own, with its location, in every library.
    for sorted in 1..items.len() {
        let Some((item, placed)) = items.get(..=sorted).and_then(<[T]>::split_last) else {
            return;
        };
        // After every item that does not compare greater: equal items keep their order.
        let to = placed.partition_point(|other| compare(other, item) != Ordering::Greater);
        // The item moves to `to` and those after it one place up: swapped through them from the
        // front, not by `swap`'s indexes.
        if let Some((item, after)) = items.get_mut(to..=sorted).and_then(<[T]>::split_last_mut) {
            for other in after {
                std::mem::swap(other, item);
            }
        }
    }
}

/// Sorts `items` by `compare`, stably: a merge sort, `O(n log n)` comparisons however the items
/// come, and `n` of them when they come sorted; `scratch` holds up to half of them.
pub(super) fn merge_sort_by<T: Copy>(
    items: &mut [T],
    scratch: &mut Vec<T>,
    compare: &impl Fn(&T, &T) -> Ordering,
) {
    let len = items.len();
    if len <= 1 {
        return;
    }
    let (first, second) = items.split_at_mut(len / 2);
    merge_sort_by(first, scratch, compare);
    merge_sort_by(second, scratch, compare);
    if let (Some(last), Some(next)) = (first.last(), second.first()) {
        if compare(last, next) != Ordering::Greater {
            return;
        }
    }
    scratch.clear();
    scratch.extend_from_slice(first);
    let mid = scratch.len();
    let (mut left, mut right) = (0, mid);
    for at in 0..len {
        // `get`, not an index the compiler cannot prove in bounds: a panic site, with its
        // location, in every library.
        let Some(&from_left) = scratch.get(left) else {
            break;
        };
        if right < len && compare(&items[right], &from_left) == Ordering::Less {
            items[at] = items[right];
            right += 1;
        } else {
            items[at] = from_left;
            left += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{merge_sort_by, sort_by};

    /// Every list of up to seven keys from 0 to 3, each with the position it started at.
    fn every_short_list() -> impl Iterator<Item = Vec<(usize, usize)>> {
        (0..=7u32).flat_map(|length| {
            (0..4usize.pow(length)).map(move |code| {
                (0..length as usize)
                    .map(|place| ((code / 4usize.pow(place as u32)) % 4, place))
                    .collect()
            })
        })
    }

    #[test]
    fn sorts_as_a_stable_sort_does() {
        for keys in every_short_list() {
            let mut sorted = keys.clone();
            sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            let mut expected = keys.clone();
            expected.sort_by_key(|a| a.0);
            assert_eq!(sorted, expected, "{keys:?}");
        }
    }

    #[test]
    fn sorts_long_lists_and_moves_owned_items() {
        let mut items: Vec<String> = (0..1_000u32)
            .map(|n| format!("{}", n.wrapping_mul(7_919) % 1_009))
            .collect();
        let mut expected = items.clone();
        expected.sort();
        sort_by(&mut items, |a, b| a.cmp(b));
        assert_eq!(items, expected);
    }

    #[test]
    fn sorts_a_list_in_reverse_order() {
        let mut items: Vec<u32> = (0..3_000).rev().collect();
        sort_by(&mut items, |a, b| a.cmp(b));
        assert!(items.iter().copied().eq(0..3_000));
    }

    #[test]
    fn merges_as_a_stable_sort_does() {
        let mut scratch = Vec::new();
        for keys in every_short_list() {
            let mut sorted = keys.clone();
            merge_sort_by(&mut sorted, &mut scratch, &|a, b| a.0.cmp(&b.0));
            let mut expected = keys.clone();
            expected.sort_by_key(|a| a.0);
            assert_eq!(sorted, expected, "{keys:?}");
        }
        // Long lists, with equal keys, in any order, in order and in reverse order.
        let keys: Vec<(usize, usize)> = (0..10_000usize)
            .map(|n| (n.wrapping_mul(7_919) % 1_009, n))
            .collect();
        for mut items in [keys.clone(), (0..10_000).map(|n| (n, n)).collect(), {
            let mut reversed = keys.clone();
            reversed.reverse();
            reversed
        }] {
            let mut expected = items.clone();
            expected.sort_by_key(|a| a.0);
            merge_sort_by(&mut items, &mut scratch, &|a, b| a.0.cmp(&b.0));
            assert_eq!(items, expected);
        }
    }
}
