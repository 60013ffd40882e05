//! Which committed lines a channel manager should look at before they count: a quantity far
//! above what this reseller usually sells of the product, a price far from the list price, or a
//! sale long before the declaration. Such lines are committed as `pending` with their reasons;
//! the others are `approved`.

use chrono::NaiveDate;
use std::collections::HashMap;

/// A quantity above this many times the reseller's median for the product is held.
pub const QUANTITY_FACTOR: i64 = 5;
/// The median means something only with a few earlier lines.
pub const MIN_HISTORY: usize = 3;
/// A unit price below this percentage of the list price is held.
pub const PRICE_LOW_PERCENT: i64 = 50;
/// A unit price above this percentage of the list price is held.
pub const PRICE_HIGH_PERCENT: i64 = 200;
/// A sale dated more than this many days before the declaration is held.
pub const OLD_SALE_DAYS: i64 = 90;

/// Stable reason codes, stored comma-separated in `declaration_lines.review_reason`.
pub const QUANTITY_ABOVE_USUAL: &str = "quantity_above_usual";
pub const PRICE_FAR_FROM_LIST: &str = "price_far_from_list";
pub const SALE_DATE_OLD: &str = "sale_date_old";
pub const ALL_REASONS: [&str; 3] = [QUANTITY_ABOVE_USUAL, PRICE_FAR_FROM_LIST, SALE_DATE_OLD];

pub struct ReviewRules {
    /// Median approved quantity by product, for products with enough history.
    medians: HashMap<i64, i64>,
    today: NaiveDate,
}

impl ReviewRules {
    /// From `(product id, quantity)` of the reseller's approved lines.
    pub fn new(history: Vec<(i64, i64)>, today: NaiveDate) -> ReviewRules {
        let mut by_product: HashMap<i64, Vec<i64>> = HashMap::new();
        for (p, q) in history {
            by_product.entry(p).or_default().push(q);
        }
        let medians = by_product
            .into_iter()
            .filter(|(_, qs)| qs.len() >= MIN_HISTORY)
            .map(|(p, mut qs)| {
                qs.sort_unstable();
                (p, qs[qs.len() / 2])
            })
            .collect();
        ReviewRules { medians, today }
    }

    /// The reasons to hold a line, comma-separated, or None to approve it.
    /// `given_price` is the unit price the reseller stated (None when it defaulted to the list).
    pub fn reasons(
        &self,
        product_id: i64,
        quantity: i64,
        given_price: Option<i64>,
        list_price: i64,
        sale_date: NaiveDate,
    ) -> Option<&'static str> {
        // One bit per reason of `ALL_REASONS`; the joined texts are constants, so holding a
        // million lines allocates nothing.
        const JOINED: [&str; 8] = [
            "",
            QUANTITY_ABOVE_USUAL,
            PRICE_FAR_FROM_LIST,
            "quantity_above_usual,price_far_from_list",
            SALE_DATE_OLD,
            "quantity_above_usual,sale_date_old",
            "price_far_from_list,sale_date_old",
            "quantity_above_usual,price_far_from_list,sale_date_old",
        ];
        let mut bits = 0;
        if self
            .medians
            .get(&product_id)
            .is_some_and(|m| quantity > m.saturating_mul(QUANTITY_FACTOR))
        {
            bits |= 1;
        }
        if let Some(p) = given_price {
            if list_price > 0
                && (p.saturating_mul(100) < list_price * PRICE_LOW_PERCENT
                    || p.saturating_mul(100) > list_price * PRICE_HIGH_PERCENT)
            {
                bits |= 2;
            }
        }
        if (self.today - sale_date).num_days() > OLD_SALE_DAYS {
            bits |= 4;
        }
        (bits != 0).then_some(JOINED[bits])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn holds_big_quantities_odd_prices_and_old_sales_only() {
        let rules = ReviewRules::new(vec![(1, 2), (1, 3), (1, 2), (2, 1)], d(11, 1));
        assert_eq!(rules.reasons(1, 10, Some(1000), 1000, d(10, 1)), None);
        assert_eq!(
            rules.reasons(1, 11, None, 1000, d(10, 1)),
            Some(QUANTITY_ABOVE_USUAL)
        );
        // Product 2 has too little history to judge its quantities.
        assert_eq!(rules.reasons(2, 100, None, 1000, d(10, 1)), None);
        assert_eq!(
            rules.reasons(2, 1, Some(499), 1000, d(10, 1)),
            Some(PRICE_FAR_FROM_LIST)
        );
        assert_eq!(
            rules.reasons(2, 1, Some(2001), 1000, d(10, 1)),
            Some(PRICE_FAR_FROM_LIST)
        );
        assert_eq!(
            rules.reasons(2, 1, Some(500), 1000, d(7, 31)),
            Some(SALE_DATE_OLD)
        );
        assert_eq!(
            rules.reasons(1, 50, Some(1), 1000, d(1, 3)),
            Some("quantity_above_usual,price_far_from_list,sale_date_old")
        );
    }
}
