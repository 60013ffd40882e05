//! The prospection map and the recency API: every reseller of the network (after the
//! reseller filters) with the colour of its last declared sale.

use super::compute::recency::{classify, Recency, ResellerStatus};
use super::filter::SalesFilter;
use crate::db::analytics::insights::map_resellers;
use crate::db::analytics::sales::last_sales;
use crate::db::Db;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapReseller {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub city: String,
    pub region: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub last_sale: Option<NaiveDate>,
    pub recency: Recency,
}

/// Resellers matching the filter's reseller attributes, by code, classified as of `as_of`.
/// Product, category, customer and channel filters narrow which sales count as the last one.
pub async fn recency(
    db: &Db,
    tenant_id: i64,
    f: &SalesFilter,
    as_of: NaiveDate,
) -> Result<Vec<MapReseller>, sqlx::Error> {
    // Only the reseller conditions apply to the list itself, on the reseller row.
    let only_reseller = SalesFilter {
        region: f.region.clone(),
        reseller_type: f.reseller_type.clone(),
        brand_organisation: f.brand_organisation.clone(),
        potential: f.potential.clone(),
        manager_id: f.manager_id,
        reseller_id: f.reseller_id,
        ..Default::default()
    };
    let rows = map_resellers(db, tenant_id, &only_reseller).await?;
    let last: HashMap<i64, NaiveDate> = last_sales(db, tenant_id, f, as_of)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let last_sale = last.get(&r.id).copied();
            let status = ResellerStatus::parse(&r.status).unwrap_or(ResellerStatus::Active);
            MapReseller {
                recency: classify(status, last_sale, as_of),
                id: r.id,
                code: r.code,
                name: r.name,
                city: r.city,
                region: r.region,
                latitude: r.latitude,
                longitude: r.longitude,
                last_sale,
            }
        })
        .collect())
}

/// How many resellers per colour, in legend order.
pub fn counts(rows: &[MapReseller]) -> Vec<(Recency, usize)> {
    [
        Recency::Active,
        Recency::FollowUp,
        Recency::Lapsed,
        Recency::NeverDeclared,
        Recency::Prospect,
    ]
    .into_iter()
    .map(|c| (c, rows.iter().filter(|r| r.recency == c).count()))
    .collect()
}
