//! The build's sorts of its lists other than the entries: a binary insertion sort, a few
//! hundred bytes per element type.
//!
//! `sort_unstable_by` is compiled once per element type and comparison, about 3 KB of a
//! phone's library each (quicksort, heapsort, the small sorts, the pivot). The entries, 10,000
//! in a large build, are sorted by it; the other lists are short (the methods of multiplexed
//! APIs) or only sorted when the build fails (its problems, the handlers that need a missing
//! state), and sorted here.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably: items that compare equal keep their order. Each item is
/// placed by a binary search of those before it, `O(n log n)` comparisons, and moved there one
/// swap at a time, `O(n²)` swaps at worst (a list in reverse order).
pub(super) fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    for sorted in 1..items.len() {
        let (head, tail) = items.split_at(sorted);
        // After every item that does not compare greater: equal items keep their order.
        let to = head.partition_point(|item| compare(item, &tail[0]) != Ordering::Greater);
        for at in (to..sorted).rev() {
            items.swap(at, at + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sort_by;

    #[test]
    fn sorts_as_a_stable_sort_does() {
        // Every list of up to seven keys from 0 to 3, with the positions they started at.
        for length in 0..=7u32 {
            for code in 0..4usize.pow(length) {
                let keys: Vec<(usize, usize)> = (0..length as usize)
                    .map(|place| ((code / 4usize.pow(place as u32)) % 4, place))
                    .collect();
                let mut sorted = keys.clone();
                sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
                let mut expected = keys.clone();
                expected.sort_by_key(|a| a.0);
                assert_eq!(sorted, expected, "{keys:?}");
            }
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
}
