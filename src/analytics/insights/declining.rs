//! Declining resellers: value in the last N weeks against the N weeks before, from the
//! roll-ups, with the products each one stopped declaring.

use crate::analytics::compute::declining::{comparison_windows, declining, ResellerWindows};
use crate::analytics::compute::period::Period;
use crate::analytics::filter::SalesFilter;
use crate::db::analytics::sales::{grouped, Key};
use crate::db::network::{reseller_labels, ResellerLabel};
use crate::db::products::{product_labels, ProductLabel};
use crate::db::Db;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::num::NonZeroU32;

#[derive(Debug, Clone)]
pub struct DecliningReseller {
    pub reseller: ResellerLabel,
    pub amount_before: i64,
    pub amount_recent: i64,
    pub drop: i64,
    pub drop_pct: Option<f64>,
    /// With the amount declared in the window before.
    pub stopped: Vec<(ProductLabel, i64)>,
}

#[derive(Debug, Clone)]
pub struct DecliningList {
    pub recent: Period,
    pub before: Period,
    pub resellers: Vec<DecliningReseller>,
}

/// The windows end on `as_of`; the filter's own period is not used.
pub async fn list(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    as_of: NaiveDate,
    weeks: NonZeroU32,
) -> Result<DecliningList, sqlx::Error> {
    let (recent, before) = comparison_windows(as_of, weeks);
    let rows = |p: Period| {
        grouped(
            db,
            tenant_id,
            filter,
            Some(p),
            Key::Reseller,
            Some(Key::Product),
        )
    };
    let mut windows: BTreeMap<i64, ResellerWindows<i64, i64>> = BTreeMap::new();
    for (period, is_recent) in [(recent, true), (before, false)] {
        for g in rows(period).await? {
            let (Some(reseller), Ok(product)) = (g.id(), g.k2.parse::<i64>()) else {
                continue;
            };
            let w = windows.entry(reseller).or_insert_with(|| ResellerWindows {
                reseller,
                recent: vec![],
                before: vec![],
            });
            if is_recent {
                w.recent.push((product, g.amount));
            } else {
                w.before.push((product, g.amount));
            }
        }
    }
    let windows: Vec<_> = windows.into_values().collect();
    let labels = reseller_labels(db, tenant_id).await?;
    let products = product_labels(db, tenant_id).await?;
    let resellers = declining(&windows)
        .into_iter()
        .filter_map(|d| {
            Some(DecliningReseller {
                reseller: labels.get(&d.reseller).cloned()?,
                amount_before: d.amount_before,
                amount_recent: d.amount_recent,
                drop: d.drop,
                drop_pct: d.drop_pct,
                stopped: d
                    .stopped_products
                    .iter()
                    .filter_map(|s| Some((products.get(&s.product).cloned()?, s.amount_before)))
                    .collect(),
            })
        })
        .collect();
    Ok(DecliningList {
        recent,
        before,
        resellers,
    })
}
