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
    R: Eq + Hash,
{
    targets(purchases, antecedent, consequent, |r| r == reseller)
        .remove(reseller)
        .unwrap_or_default()
}

/// [`customers_to_target`] for every reseller at once, in one pass over `purchases`: the
/// insight page applies each rule to the whole network.
pub fn targets_by_reseller<'a, C, P, R>(
    purchases: &'a [Purchase<C, P, R>],
    antecedent: &P,
    consequent: &P,
) -> HashMap<&'a R, Vec<TargetCustomer<C>>>
where
    C: Eq + Hash + Ord + Clone,
    P: Eq,
    R: Eq + Hash,
{
    targets(purchases, antecedent, consequent, |_| true)
}

fn targets<'a, C, P, R>(
    purchases: &'a [Purchase<C, P, R>],
    antecedent: &P,
    consequent: &P,
    keep: impl Fn(&R) -> bool,
) -> HashMap<&'a R, Vec<TargetCustomer<C>>>
where
    C: Eq + Hash + Ord + Clone,
    P: Eq,
    R: Eq + Hash,
{
    let mut first_antecedent: HashMap<(&R, &C), NaiveDate> = HashMap::new();
    let mut owners: HashSet<&C> = HashSet::new();
    for purchase in purchases {
        if purchase.product == *consequent {
            owners.insert(&purchase.customer);
        } else if purchase.product == *antecedent && keep(&purchase.reseller) {
            let first = first_antecedent
                .entry((&purchase.reseller, &purchase.customer))
                .or_insert(purchase.date);
            *first = (*first).min(purchase.date);
        }
    }
    let mut by_reseller: HashMap<&R, Vec<TargetCustomer<C>>> = HashMap::new();
    for ((reseller, customer), first) in first_antecedent {
        if !owners.contains(customer) {
            by_reseller
                .entry(reseller)
                .or_default()
                .push(TargetCustomer {
                    customer: customer.clone(),
                    first_antecedent_purchase: first,
                });
        }
    }
    for targets in by_reseller.values_mut() {
        targets.sort_by(|x, y| {
            y.first_antecedent_purchase
                .cmp(&x.first_antecedent_purchase)
                .then_with(|| x.customer.cmp(&y.customer))
        });
    }
    by_reseller
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
        let all = targets_by_reseller(&rows, &"M", &"B");
        assert_eq!(all[&"R1"], targets);
        let r2: Vec<_> = all[&"R2"].iter().map(|t| t.customer).collect();
        assert_eq!(r2, vec!["c3"]);
    }
}
