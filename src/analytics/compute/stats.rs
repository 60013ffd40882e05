//! Order statistics shared by the benchmarks and the cadence: median and percentiles.
//!
//! Percentiles use linear interpolation between closest ranks (Hyndman & Fan type 7,
//! the default of NumPy, R and spreadsheet `PERCENTILE.INC`), so the figures match what
//! a channel manager gets when re-computing a downloaded table in a spreadsheet.

use serde::Serialize;

/// The median and the 95th percentile of a set of values, with how many there were.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
}

/// The median; `None` for no values. Non-finite values are ignored (see [`percentile`]).
pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

/// The `p`-th percentile (`p` in percent, clamped to 0..=100); `None` for no values.
///
/// NaN and infinite values are left out rather than sorted in: they come from a division
/// by zero upstream and carry no information about the distribution.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let sorted = sorted_finite(values);
    percentile_of_sorted(&sorted, p)
}

/// Median and 95th percentile in one sort.
pub fn spread(values: &[f64]) -> Option<Spread> {
    let sorted = sorted_finite(values);
    Some(Spread {
        n: sorted.len(),
        p50: percentile_of_sorted(&sorted, 50.0)?,
        p95: percentile_of_sorted(&sorted, 95.0)?,
    })
}

fn sorted_finite(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    sorted
}

fn percentile_of_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let p = if p.is_nan() {
        50.0
    } else {
        p.clamp(0.0, 100.0)
    };
    let rank = p / 100.0 * last as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    let weight = rank - below as f64;
    Some(sorted[below] + (sorted[above] - sorted[below]) * weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn median_of_odd_count_is_the_middle_value() {
        assert_eq!(median(&[7.0, 1.0, 3.0]), Some(3.0));
    }

    #[test]
    fn median_of_even_count_is_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&[4.0, 1.0, 10.0, 2.0]), Some(3.0));
    }

    #[test]
    fn no_values_have_no_median() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN]), None);
    }

    #[test]
    fn p95_interpolates_between_closest_ranks() {
        // 1..=10: rank = 0.95 × 9 = 8.55 → 9 + 0.55 × (10 − 9) = 9.55 (NumPy gives the same).
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let p95 = percentile(&values, 95.0).unwrap();
        assert!((p95 - 9.55).abs() < 1e-12, "{p95}");
    }

    #[test]
    fn percentile_bounds_are_min_and_max_and_p_is_clamped() {
        let values = [5.0, 2.0, 9.0];
        assert_eq!(percentile(&values, 0.0), Some(2.0));
        assert_eq!(percentile(&values, 100.0), Some(9.0));
        assert_eq!(percentile(&values, 250.0), Some(9.0));
        assert_eq!(percentile(&values, -3.0), Some(2.0));
    }

    #[test]
    fn non_finite_values_are_ignored() {
        assert_eq!(median(&[1.0, f64::NAN, 3.0, f64::INFINITY]), Some(2.0));
    }

    #[test]
    fn spread_gives_p50_and_p95_together() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = spread(&values).unwrap();
        assert_eq!(s.n, 10);
        assert_eq!(s.p50, 5.5);
        assert!((s.p95 - 9.55).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn percentiles_lie_within_the_values_and_grow_with_p(
            values in prop::collection::vec(-1e9f64..1e9, 1..50),
            p in 0.0f64..100.0,
            q in 0.0f64..100.0,
        ) {
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (lo, hi) = (p.min(q), p.max(q));
            let at_lo = percentile(&values, lo).unwrap();
            let at_hi = percentile(&values, hi).unwrap();
            prop_assert!(min <= at_lo && at_hi <= max);
            prop_assert!(at_lo <= at_hi + 1e-6);
        }
    }
}
