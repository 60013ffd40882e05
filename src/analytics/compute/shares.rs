//! Shares of a total (by product family, customer type, channel…) for pies and tables.
//!
//! Each share comes twice: the exact `f64` for computation and a display value rounded
//! to one decimal with the largest-remainder method, so that the displayed column adds
//! up to exactly 100.0 (naive rounding of 33.33 × 3 shows 99.9 and readers notice).
//!
//! Only positive amounts make up the total: a key whose net is zero or negative (more
//! returns than sales) gets a 0 % share instead of a negative slice no pie can draw.
//! When nothing is positive, every share is 0.

use std::collections::BTreeMap;

use serde::Serialize;

/// Display precision: tenths of a percent, 1000 in all.
const TENTHS_IN_WHOLE: i128 = 1000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share<K> {
    pub key: K,
    pub amount: i64,
    /// Exact share in percent.
    pub percent: f64,
    /// Share in percent rounded to one decimal; the column sums to 100.0.
    pub display_percent: f64,
}

/// Shares of `items`, sorted by amount descending then key. Repeated keys are merged
/// first, so that two rows for one label (say from two channels) form one slice.
pub fn shares<K: Ord + Clone>(items: &[(K, i64)]) -> Vec<Share<K>> {
    let mut merged: BTreeMap<&K, i64> = BTreeMap::new();
    for (key, amount) in items {
        *merged.entry(key).or_default() += amount;
    }
    let mut rows: Vec<(&K, i64)> = merged.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));

    let counted = |amount: i64| i128::from(amount.max(0));
    let total: i128 = rows.iter().map(|(_, amount)| counted(*amount)).sum();
    let tenths = largest_remainder_tenths(
        &rows.iter().map(|(_, a)| counted(*a)).collect::<Vec<_>>(),
        total,
    );

    rows.into_iter()
        .zip(tenths)
        .map(|((key, amount), tenths)| Share {
            key: key.clone(),
            amount,
            percent: if total == 0 {
                0.0
            } else {
                counted(amount) as f64 * 100.0 / total as f64
            },
            display_percent: tenths as f64 / 10.0,
        })
        .collect()
}

/// Tenths of a percent for each weight, summing to 1000 when `total > 0`.
///
/// Integer arithmetic throughout (i128 cannot overflow for i64 amounts × 1000), so the
/// result does not depend on float rounding. Leftover tenths go to the largest
/// remainders; ties go to the earlier row, which is the larger amount or smaller key.
fn largest_remainder_tenths(weights: &[i128], total: i128) -> Vec<i128> {
    if total == 0 {
        return vec![0; weights.len()];
    }
    let mut tenths: Vec<i128> = weights
        .iter()
        .map(|w| w * TENTHS_IN_WHOLE / total)
        .collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(weights[i] * TENTHS_IN_WHOLE % total));
    let leftover = TENTHS_IN_WHOLE - tenths.iter().sum::<i128>();
    for &i in by_remainder.iter().take(leftover as usize) {
        tenths[i] += 1;
    }
    tenths
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn display<'a>(shares: &[Share<&'a str>]) -> Vec<(&'a str, f64)> {
        shares.iter().map(|s| (s.key, s.display_percent)).collect()
    }

    #[test]
    fn three_equal_thirds_display_as_33_4_33_3_33_3() {
        let s = shares(&[("b", 100), ("a", 100), ("c", 100)]);
        assert_eq!(display(&s), vec![("a", 33.4), ("b", 33.3), ("c", 33.3)]);
        assert!((s[0].percent - 100.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn rows_are_sorted_by_amount_then_key_and_leftovers_go_to_largest_remainders() {
        // 1/7 = 14.2857 %, 2/7 = 28.5714 %, 4/7 = 57.1428 % → floors 142 + 285 + 571 = 998;
        // remainders .857, .714, .428 → the two leftover tenths go to 1/7 and 2/7.
        let s = shares(&[("one", 1), ("four", 4), ("two", 2)]);
        assert_eq!(
            display(&s),
            vec![("four", 57.1), ("two", 28.6), ("one", 14.3)]
        );
    }

    #[test]
    fn repeated_keys_are_merged() {
        let s = shares(&[("store", 300), ("online", 100), ("store", 600)]);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].key, s[0].amount, s[0].display_percent),
            ("store", 900, 90.0)
        );
    }

    #[test]
    fn negative_net_amounts_get_a_zero_share() {
        let s = shares(&[("mower", 750), ("trimmer", 250), ("returns", -400)]);
        assert_eq!(
            display(&s),
            vec![("mower", 75.0), ("trimmer", 25.0), ("returns", 0.0)]
        );
        assert_eq!(s[2].amount, -400);
    }

    #[test]
    fn nothing_positive_gives_zero_shares() {
        let s = shares(&[("a", 0), ("b", -5)]);
        assert!(s
            .iter()
            .all(|s| s.percent == 0.0 && s.display_percent == 0.0));
        assert!(shares::<&str>(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn display_shares_sum_to_100_and_stay_within_a_tenth_of_exact(
            items in prop::collection::vec((0u8..30, -1_000_000i64..i64::MAX / 64), 1..40),
        ) {
            let s = shares(&items);
            if s.iter().any(|s| s.amount > 0) {
                let sum: f64 = s.iter().map(|s| s.display_percent).sum();
                prop_assert!((sum - 100.0).abs() < 1e-9, "sum {}", sum);
                let exact: f64 = s.iter().map(|s| s.percent).sum();
                prop_assert!((exact - 100.0).abs() < 1e-6);
            }
            for share in &s {
                prop_assert!((share.display_percent - share.percent).abs() <= 0.1 + 1e-9);
            }
            prop_assert!(s.windows(2).all(|w| w[0].amount >= w[1].amount));
        }
    }
}
