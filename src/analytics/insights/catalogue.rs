//! Catalogue performance: value per product and per category, split by a segment, with a
//! price-elasticity estimate per product from the declared unit prices.

use crate::analytics::compute::elasticity::{
    by_product, Elasticity, ElasticityOptions, PriceObservation,
};
use crate::analytics::compute::shares::shares;
use crate::analytics::filter::SalesFilter;
use crate::db::analytics::insights::price_points;
use crate::db::analytics::sales::{grouped, Group, Key};
use crate::db::products::product_labels;
use crate::db::Db;
use chrono::Datelike;
use std::collections::{BTreeMap, HashMap};

/// What the columns split the value by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    ResellerType,
    Region,
    CustomerType,
    Channel,
}

impl Segment {
    pub const ALL: [Segment; 4] = [
        Segment::ResellerType,
        Segment::Region,
        Segment::CustomerType,
        Segment::Channel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Segment::ResellerType => "type",
            Segment::Region => "region",
            Segment::CustomerType => "customer_type",
            Segment::Channel => "channel",
        }
    }

    /// Unknown codes fall back to the reseller type.
    pub fn parse(s: &str) -> Segment {
        Segment::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .unwrap_or(Segment::ResellerType)
    }

    fn key(self) -> Key {
        match self {
            Segment::ResellerType => Key::ResellerType,
            Segment::Region => Key::Region,
            Segment::CustomerType => Key::CustomerType,
            Segment::Channel => Key::Channel,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PerformanceRow {
    /// A product's SKU or a category name.
    pub key: String,
    pub name: String,
    pub quantity: i64,
    pub amount_cents: i64,
    /// Percent of the total value.
    pub share: f64,
    /// Value per segment, in the order of [`Catalogue::segments`].
    pub by_segment: Vec<i64>,
    /// Products only.
    pub elasticity: Option<Elasticity>,
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub segment: Segment,
    /// Segment codes as stored (`''` for unknown), largest first.
    pub segments: Vec<String>,
    pub products: Vec<PerformanceRow>,
    pub categories: Vec<PerformanceRow>,
}

pub async fn catalogue(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    segment: Segment,
) -> Result<Catalogue, sqlx::Error> {
    let seg = segment.key();
    let products = grouped(
        db,
        tenant_id,
        filter,
        filter.period,
        Key::Product,
        Some(seg),
    )
    .await?;
    let categories = grouped(
        db,
        tenant_id,
        filter,
        filter.period,
        Key::Category,
        Some(seg),
    )
    .await?;
    let mut segment_totals: HashMap<String, i64> = HashMap::new();
    for g in &products {
        *segment_totals.entry(g.k2.clone()).or_default() += g.amount;
    }
    let segments: Vec<String> = shares(&segment_totals.into_iter().collect::<Vec<_>>())
        .into_iter()
        .map(|s| s.key)
        .collect();

    let labels = product_labels(db, tenant_id).await?;
    let elasticities = elasticities(db, tenant_id, filter).await?;
    let product_rows = pivot(&products, &segments, |k| {
        let id: i64 = k.parse().ok()?;
        let label = labels.get(&id)?;
        Some((
            label.sku.clone(),
            label.name.clone(),
            elasticities.get(&id).copied(),
        ))
    });
    let category_rows = pivot(&categories, &segments, |k| {
        Some((k.to_string(), String::new(), None))
    });
    Ok(Catalogue {
        segment,
        segments,
        products: product_rows,
        categories: category_rows,
    })
}

type Label = (String, String, Option<Elasticity>);

/// One row per first key, its value split by the second; largest value first.
fn pivot(
    groups: &[Group],
    segments: &[String],
    label: impl Fn(&str) -> Option<Label>,
) -> Vec<PerformanceRow> {
    let column: HashMap<&str, usize> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let mut rows: BTreeMap<&str, (i64, i64, Vec<i64>)> = BTreeMap::new();
    for g in groups {
        let row = rows
            .entry(g.k1.as_str())
            .or_insert_with(|| (0, 0, vec![0; segments.len()]));
        row.0 += g.quantity;
        row.1 += g.amount;
        if let Some(&i) = column.get(g.k2.as_str()) {
            row.2[i] += g.amount;
        }
    }
    let amounts: Vec<(&str, i64)> = rows.iter().map(|(k, r)| (*k, r.1)).collect();
    shares(&amounts)
        .into_iter()
        .filter_map(|s| {
            let (quantity, amount, by_segment) = rows.get(s.key)?.clone();
            let (key, name, elasticity) = label(s.key)?;
            Some(PerformanceRow {
                key,
                name,
                quantity,
                amount_cents: amount,
                share: s.percent,
                by_segment,
                elasticity,
            })
        })
        .collect()
}

/// Each product's elasticity from weekly observations: the quantity sold per ISO week at
/// each declared unit price.
async fn elasticities(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<HashMap<i64, Elasticity>, sqlx::Error> {
    let rows = price_points(db, tenant_id, filter).await?;
    let mut weekly: BTreeMap<(i64, i32, u32, i64), i64> = BTreeMap::new();
    for r in rows {
        let week = r.day.iso_week();
        *weekly
            .entry((r.product_id, week.year(), week.week(), r.unit_price_cents))
            .or_default() += r.quantity;
    }
    let observations: Vec<(i64, PriceObservation)> = weekly
        .into_iter()
        .map(|((product, _, _, price), quantity)| {
            (
                product,
                PriceObservation {
                    unit_price_cents: price,
                    quantity,
                },
            )
        })
        .collect();
    Ok(by_product(&observations, ElasticityOptions::default())
        .into_iter()
        .map(|e| (e.product, e.elasticity))
        .collect())
}
