//! Applying a cross-sell rule A → B to one reseller: its customers to offer B to.
//!
//! Rules are mined over the whole network ([`super::cross_sell`]); the reseller gets
//! only hashed ids of its own customers, never anything about other resellers' ones.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use serde::Serialize;

use super::cross_sell::Purchase;

/// A customer of the reseller worth offering the consequent of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetCustomer<C> {
    pub customer: C,
    /// The customer's first purchase of the antecedent at this reseller.
    pub first_antecedent_purchase: NaiveDate,
}

/// Customers who bought `antecedent` at `reseller` and have not bought `consequent`
/// anywhere in `purchases` (a customer who already owns B, from any reseller, is not a
/// prospect for it). Most recent buyers of A first, as their window is still open.
pub fn customers_to_target<C, P, R>(
    purchases: &[Purchase<C, P, R>],
    reseller: &R,
    antecedent: &P,
    consequent: &P,
) -> Vec<TargetCustomer<C>>
where
    C: Eq + Hash + Ord + Clone,
    P: Eq,
    R: Eq,
{
    let mut first_antecedent: HashMap<&C, NaiveDate> = HashMap::new();
    let mut owners: HashSet<&C> = HashSet::new();
    for purchase in purchases {
        if purchase.product == *consequent {
            owners.insert(&purchase.customer);
        } else if purchase.product == *antecedent && purchase.reseller == *reseller {
            let first = first_antecedent
                .entry(&purchase.customer)
                .or_insert(purchase.date);
            *first = (*first).min(purchase.date);
        }
    }
    let mut targets: Vec<TargetCustomer<C>> = first_antecedent
        .into_iter()
        .filter(|(customer, _)| !owners.contains(customer))
        .map(|(customer, first)| TargetCustomer {
            customer: customer.clone(),
            first_antecedent_purchase: first,
        })
        .collect();
    targets.sort_by(|x, y| {
        y.first_antecedent_purchase
            .cmp(&x.first_antecedent_purchase)
            .then_with(|| x.customer.cmp(&y.customer))
    });
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn targets_bought_a_at_the_reseller_and_b_nowhere() {
        let at = |customer, product, reseller, date| Purchase {
            customer,
            product,
            reseller,
            date,
        };
        let rows = [
            at("c1", "M", "R1", d(2026, 3, 1)), // target
            at("c2", "M", "R1", d(2026, 3, 2)),
            at("c2", "B", "R2", d(2026, 4, 1)), // owns B, bought elsewhere
            at("c3", "M", "R2", d(2026, 3, 3)), // A at another reseller
            at("c4", "M", "R1", d(2026, 5, 1)),
            at("c4", "M", "R1", d(2026, 2, 1)), // first A is the earlier one
            at("c5", "B", "R1", d(2025, 1, 1)), // owns B from before A
            at("c5", "M", "R1", d(2026, 3, 1)),
        ];
        let targets = customers_to_target(&rows, &"R1", &"M", &"B");
        let found: Vec<_> = targets
            .iter()
            .map(|t| (t.customer, t.first_antecedent_purchase))
            .collect();
        assert_eq!(found, vec![("c1", d(2026, 3, 1)), ("c4", d(2026, 2, 1))]);
    }
}
