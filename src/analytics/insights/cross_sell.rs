//! Cross-sell: association rules A → B mined over the network's identified end customers
//! (hashed ids), and per reseller the customers who bought A but not yet B.

use crate::analytics::compute::cross_sell::{mine_rules, Purchase, RuleOptions};
use crate::analytics::compute::cross_sell_targets::{targets_by_reseller, TargetCustomer};
use crate::analytics::filter::SalesFilter;
use crate::db::analytics::insights;
use crate::db::network::{reseller_labels, ResellerLabel};
use crate::db::products::{product_labels, ProductLabel};
use crate::db::Db;

/// Rules whose target customers are listed (the best ones).
pub const RULES_WITH_TARGETS: usize = 10;

#[derive(Debug, Clone)]
pub struct Rule {
    pub antecedent: ProductLabel,
    pub consequent: ProductLabel,
    pub customers_with_both: u32,
    pub customers_with_antecedent: u32,
    pub customers_with_consequent: u32,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
}

/// A reseller's customers to offer a rule's consequent.
#[derive(Debug, Clone)]
pub struct Targets {
    pub reseller: ResellerLabel,
    /// Index in [`CrossSell::rules`].
    pub rule: usize,
    pub customers: Vec<TargetCustomer<String>>,
}

#[derive(Debug, Clone)]
pub struct CrossSell {
    /// Distinct identified customers in the filter.
    pub customers: u32,
    pub rules: Vec<Rule>,
    /// Most customers first.
    pub targets: Vec<Targets>,
}

/// Mines the rules over the filter's lines. `only_reseller` keeps the targets of one
/// reseller (its own view); the rules always come from the whole filter.
pub async fn cross_sell(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    options: RuleOptions,
    only_reseller: Option<i64>,
) -> Result<CrossSell, sqlx::Error> {
    let purchases: Vec<Purchase<String, i64, i64>> = insights::purchases(db, tenant_id, filter)
        .await?
        .into_iter()
        .map(|r| Purchase {
            customer: r.customer_hash,
            product: r.product_id,
            reseller: r.reseller_id,
            date: r.day,
        })
        .collect();
    let set = mine_rules(&purchases, options);
    let products = product_labels(db, tenant_id).await?;
    let resellers = reseller_labels(db, tenant_id).await?;
    let rules: Vec<Rule> = set
        .rules
        .iter()
        .filter_map(|r| {
            Some(Rule {
                antecedent: products.get(&r.antecedent)?.clone(),
                consequent: products.get(&r.consequent)?.clone(),
                customers_with_both: r.customers_with_both,
                customers_with_antecedent: r.customers_with_antecedent,
                customers_with_consequent: r.customers_with_consequent,
                support: r.support,
                confidence: r.confidence,
                lift: r.lift,
            })
        })
        .collect();
    let mut targets = Vec::new();
    for (index, rule) in rules.iter().enumerate().take(RULES_WITH_TARGETS) {
        let by_reseller = targets_by_reseller(&purchases, &rule.antecedent.id, &rule.consequent.id);
        for (reseller, customers) in by_reseller {
            if only_reseller.is_some_and(|only| only != *reseller) {
                continue;
            }
            if let Some(label) = resellers.get(reseller) {
                targets.push(Targets {
                    reseller: label.clone(),
                    rule: index,
                    customers,
                });
            }
        }
    }
    targets.sort_by(|a, b| {
        b.customers
            .len()
            .cmp(&a.customers.len())
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.reseller.code.cmp(&b.reseller.code))
    });
    Ok(CrossSell {
        customers: set.customers,
        rules,
        targets,
    })
}
