//! The build's sorts of its lists other than the entries, through one copy of the standard
//! library's sort.
//!
//! `sort_unstable_by` is compiled once per element type and comparison, about 3 KB of a
//! phone's library each (quicksort, heapsort, the small sorts, the pivot). Here each list sorts
//! the positions of its items, a `[usize]` compared through a `&dyn Fn`, so that one copy
//! serves them all, and then moves its items into place; what stays per type is that move, a
//! loop of swaps. The comparisons cost a call each: the entries, 10,000 in a large build, are
//! sorted by `sort_unstable_by` itself (1.0 ms there against 1.4 ms through here).

use std::cmp::Ordering;

/// Sorts `items` by `compare`, as a stable sort does: items that compare equal keep their
/// order.
pub(super) fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| compare(&items[a], &items[b]));
    place(items, &mut order);
}

/// Sorts `order`, positions of items, by `compare` of the items there, equal items by their
/// positions.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
}

/// Moves each `items[order[k]]` to `items[k]`, one cycle of the permutation at a time, `order`
/// marking each place done as it is filled.
fn place<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
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
}
