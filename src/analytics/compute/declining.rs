//! Declining resellers: who sold less in the last N weeks than in the N weeks before,
//! and which products they stopped declaring.
//!
//! Only resellers whose total dropped are listed: this feeds an action list, and a
//! reseller that stopped one product but grew overall is not the urgent call. A product
//! counts as stopped when its net amount was positive before and is zero, negative or
//! absent now (a net zero is sales cancelled by returns, i.e. nothing really sold).

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::period::{compare, Period};

/// One reseller's net amounts per product in the recent window and the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct ResellerWindows<R, P> {
    pub reseller: R,
    pub recent: Vec<(P, i64)>,
    pub before: Vec<(P, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoppedProduct<P> {
    pub product: P,
    pub amount_before: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decline<R, P> {
    pub reseller: R,
    pub amount_before: i64,
    pub amount_recent: i64,
    /// `amount_before − amount_recent`, always positive in the list.
    pub drop: i64,
    /// Drop in percent of `amount_before`; `None` when that was not positive.
    pub drop_pct: Option<f64>,
    /// Largest amount before first, then by product.
    pub stopped_products: Vec<StoppedProduct<P>>,
}

/// The recent window (the `weeks` × 7 days ending on `as_of`) and the window before it.
///
/// Rolling days rather than ISO weeks, so the list is the same whichever day it is run;
/// the weekly job runs on Mondays with `as_of` the Sunday before, which aligns both.
pub fn comparison_windows(as_of: NaiveDate, weeks: NonZeroU32) -> (Period, Period) {
    let days = u64::from(weeks.get()) * 7;
    let from = as_of
        .checked_sub_days(Days::new(days - 1))
        .unwrap_or(NaiveDate::MIN);
    let recent = Period::new(from, as_of).expect("from is not after as_of");
    (recent, recent.previous())
}

/// Resellers whose total dropped, the largest absolute drop first (then the largest
/// percentage, then by reseller, so the order is stable between runs).
pub fn declining<R: Ord + Clone, P: Ord + Clone>(
    resellers: &[ResellerWindows<R, P>],
) -> Vec<Decline<R, P>> {
    let mut declines: Vec<Decline<R, P>> = resellers.iter().filter_map(decline).collect();
    declines.sort_by(|a, b| {
        b.drop
            .cmp(&a.drop)
            .then_with(|| {
                b.drop_pct
                    .unwrap_or(0.0)
                    .total_cmp(&a.drop_pct.unwrap_or(0.0))
            })
            .then_with(|| a.reseller.cmp(&b.reseller))
    });
    declines
}

fn decline<R: Clone, P: Ord + Clone>(windows: &ResellerWindows<R, P>) -> Option<Decline<R, P>> {
    // Per-product sums: the caller's rows may split a product (per channel, per week).
    let per_product = |rows: &[(P, i64)]| {
        let mut sums: BTreeMap<P, i64> = BTreeMap::new();
        for (product, amount) in rows {
            *sums.entry(product.clone()).or_default() += amount;
        }
        sums
    };
    let recent = per_product(&windows.recent);
    let before = per_product(&windows.before);

    let comparison = compare(recent.values().sum(), before.values().sum());
    if comparison.change >= 0 {
        return None;
    }
    let mut stopped_products: Vec<StoppedProduct<P>> = before
        .into_iter()
        .filter(|(product, amount)| *amount > 0 && recent.get(product).is_none_or(|now| *now <= 0))
        .map(|(product, amount_before)| StoppedProduct {
            product,
            amount_before,
        })
        .collect();
    // The BTreeMap already ordered by product; a stable sort keeps that as the tie-break.
    stopped_products.sort_by_key(|stopped| std::cmp::Reverse(stopped.amount_before));

    Some(Decline {
        reseller: windows.reseller.clone(),
        amount_before: comparison.previous,
        amount_recent: comparison.current,
        drop: -comparison.change,
        drop_pct: comparison
            .change_pct
            .filter(|_| comparison.previous > 0)
            .map(|pct| -pct),
        stopped_products,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn windows(
        reseller: &'static str,
        recent: &[(&'static str, i64)],
        before: &[(&'static str, i64)],
    ) -> ResellerWindows<&'static str, &'static str> {
        ResellerWindows {
            reseller,
            recent: recent.to_vec(),
            before: before.to_vec(),
        }
    }

    #[test]
    fn four_week_windows_end_on_as_of_and_touch_each_other() {
        let (recent, before) = comparison_windows(d(2026, 3, 29), NonZeroU32::new(4).unwrap());
        assert_eq!(
            (recent.from(), recent.to()),
            (d(2026, 3, 2), d(2026, 3, 29))
        );
        assert_eq!((before.from(), before.to()), (d(2026, 2, 2), d(2026, 3, 1)));
    }

    #[test]
    fn drop_is_absolute_and_relative_to_the_window_before() {
        let list = declining(&[windows("R1", &[("mower", 6_000)], &[("mower", 8_000)])]);
        assert_eq!(list.len(), 1);
        assert_eq!(
            (list[0].amount_before, list[0].amount_recent),
            (8_000, 6_000)
        );
        assert_eq!(list[0].drop, 2_000);
        assert_eq!(list[0].drop_pct, Some(25.0));
        assert!(list[0].stopped_products.is_empty());
    }

    #[test]
    fn growing_or_flat_resellers_are_not_listed() {
        let list = declining(&[
            windows("up", &[("a", 5)], &[("a", 4)]),
            windows("flat", &[("b", 4)], &[("a", 4)]),
        ]);
        assert!(list.is_empty());
    }

    #[test]
    fn largest_absolute_drop_comes_first_then_largest_percentage_then_reseller() {
        let list = declining(&[
            windows("small", &[("a", 0)], &[("a", 1_000)]), // −1 000, −100 %
            windows("big", &[("a", 90_000)], &[("a", 100_000)]), // −10 000, −10 %
            windows("half", &[("a", 1_000)], &[("a", 2_000)]), // −1 000, −50 %
            windows("also", &[], &[("a", 1_000)]),          // −1 000, −100 %
        ]);
        let order: Vec<_> = list.iter().map(|d| d.reseller).collect();
        assert_eq!(order, vec!["big", "also", "small", "half"]);
    }

    #[test]
    fn stopped_products_were_positive_before_and_are_absent_or_not_positive_now() {
        let list = declining(&[windows(
            "R1",
            &[("mower", 3_000), ("hedge", 0), ("blower", -50)],
            &[
                ("mower", 3_000),
                ("hedge", 700),
                ("blower", 900),
                ("saw", 1_200),
                ("oil", -30),
                ("oil", 20),
            ],
        )]);
        let stopped: Vec<_> = list[0]
            .stopped_products
            .iter()
            .map(|s| (s.product, s.amount_before))
            .collect();
        assert_eq!(
            stopped,
            vec![("saw", 1_200), ("blower", 900), ("hedge", 700)]
        );
    }

    #[test]
    fn rows_for_one_product_are_summed_before_comparing() {
        let list = declining(&[windows(
            "R1",
            &[("a", 100), ("a", 200)],
            &[("a", 250), ("a", 250)],
        )]);
        assert_eq!(
            (list[0].amount_before, list[0].amount_recent, list[0].drop),
            (500, 300, 200)
        );
    }

    #[test]
    fn drop_from_a_non_positive_total_has_no_percentage() {
        let list = declining(&[windows("R1", &[("a", -100)], &[])]);
        assert_eq!(list[0].drop, 100);
        assert_eq!(list[0].drop_pct, None);
    }
}
