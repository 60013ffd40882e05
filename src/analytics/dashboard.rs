//! The manufacturer's sales dashboard, widget by widget: each function loads its sums from
//! the roll-ups and shapes them with the pure computations. Pages, the JSON API and exports
//! call the same functions, so they always agree.

use super::compute::period::{compare, Period};
use super::compute::shares::shares;
use super::compute::weekly::{history_needed, weekly_trend, WeekRow};
use super::filter::SalesFilter;
use crate::db::analytics::sales::{date_span, grouped, Group, Key};
use crate::db::products::product_labels;
use crate::db::Db;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RepShare {
    pub manager_id: Option<i64>,
    pub manager_email: Option<String>,
    pub manager_name: String,
    pub amount_cents: i64,
    /// Percent of the total amount.
    pub share: f64,
    pub display_share: f64,
}

/// Sales by channel manager (the manager owning each reseller), largest first.
pub async fn sales_by_rep(
    db: &Db,
    tenant_id: i64,
    f: &SalesFilter,
) -> Result<Vec<RepShare>, sqlx::Error> {
    let rows = grouped(db, tenant_id, f, f.period, Key::Manager, None).await?;
    let managers: HashMap<i64, crate::db::network::Manager> =
        crate::db::network::managers(db, tenant_id)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
    let items: Vec<(Option<i64>, i64)> = rows.iter().map(|g| (g.id(), g.amount)).collect();
    Ok(shares(&items)
        .into_iter()
        .map(|s| {
            let m = s.key.and_then(|id| managers.get(&id));
            RepShare {
                manager_id: s.key,
                manager_email: m.map(|m| m.email.clone()),
                manager_name: m
                    .map(|m| {
                        if m.name.is_empty() {
                            m.email.clone()
                        } else {
                            m.name.clone()
                        }
                    })
                    .unwrap_or_default(),
                amount_cents: s.amount,
                share: s.percent,
                display_share: s.display_percent,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BestSeller {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub quantity: i64,
    pub amount_cents: i64,
    /// Percent of the total amount.
    pub share: f64,
    pub display_share: f64,
    /// Percent of the total quantity.
    pub quantity_share: f64,
    /// Amount over the previous period of the same length (`None` for all time).
    pub previous_amount_cents: Option<i64>,
    pub change_pct: Option<f64>,
}

/// Products by amount with their shares and the change against the previous period.
pub async fn best_sellers(
    db: &Db,
    tenant_id: i64,
    f: &SalesFilter,
) -> Result<Vec<BestSeller>, sqlx::Error> {
    let current = grouped(db, tenant_id, f, f.period, Key::Product, None).await?;
    let previous: HashMap<i64, i64> = match f.period {
        Some(p) => grouped(db, tenant_id, f, Some(p.previous()), Key::Product, None)
            .await?
            .iter()
            .filter_map(|g| Some((g.id()?, g.amount)))
            .collect(),
        None => HashMap::new(),
    };
    let labels = product_labels(db, tenant_id).await?;
    let quantities: HashMap<i64, i64> = current
        .iter()
        .filter_map(|g| Some((g.id()?, g.quantity)))
        .collect();
    let total_quantity: i64 = quantities.values().map(|q| (*q).max(0)).sum();
    let items: Vec<(i64, i64)> = current
        .iter()
        .filter_map(|g| Some((g.id()?, g.amount)))
        .collect();
    Ok(shares(&items)
        .into_iter()
        .map(|s| {
            let label = labels.get(&s.key);
            let quantity = quantities.get(&s.key).copied().unwrap_or(0);
            let previous_amount = f.period.map(|_| previous.get(&s.key).copied().unwrap_or(0));
            BestSeller {
                product_id: s.key,
                sku: label.map(|l| l.sku.clone()).unwrap_or_default(),
                name: label.map(|l| l.name.clone()).unwrap_or_default(),
                category: label.map(|l| l.category.clone()).unwrap_or_default(),
                quantity,
                amount_cents: s.amount,
                share: s.percent,
                display_share: s.display_percent,
                quantity_share: if total_quantity > 0 {
                    quantity.max(0) as f64 * 100.0 / total_quantity as f64
                } else {
                    0.0
                },
                previous_amount_cents: previous_amount,
                change_pct: previous_amount.and_then(|p| compare(s.amount, p).change_pct),
            }
        })
        .collect())
}

/// The period a chart covers: the filter's, or for all time the span of the data.
pub async fn chart_period(
    db: &Db,
    tenant_id: i64,
    f: &SalesFilter,
) -> Result<Option<Period>, sqlx::Error> {
    match f.period {
        Some(p) => Ok(Some(p)),
        None => date_span(db, tenant_id, f).await,
    }
}

/// Weekly amounts with the previous year's same weeks.
pub async fn weekly(db: &Db, tenant_id: i64, f: &SalesFilter) -> Result<Vec<WeekRow>, sqlx::Error> {
    let Some(period) = chart_period(db, tenant_id, f).await? else {
        return Ok(vec![]);
    };
    let rows = grouped(
        db,
        tenant_id,
        f,
        Some(history_needed(period)),
        Key::Day,
        None,
    )
    .await?;
    let points: Vec<(NaiveDate, i64)> = rows
        .iter()
        .filter_map(|g| Some((g.day()?, g.amount)))
        .collect();
    Ok(weekly_trend(&points, period))
}

/// Lines declared by resellers themselves (form, file, API) against those entered by staff.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SelfServiceRow {
    /// A week's Monday (`YYYY-MM-DD`) or a segment code.
    pub key: String,
    pub self_service_lines: i64,
    pub staff_lines: i64,
    /// Percent of the lines; `None` when there are none.
    pub share: Option<f64>,
}

impl SelfServiceRow {
    fn add(&mut self, g: &Group) {
        if g.k2 == "staff" || g.k1 == "staff" {
            self.staff_lines += g.lines;
        } else {
            self.self_service_lines += g.lines;
        }
        let all = self.self_service_lines + self.staff_lines;
        self.share = (all > 0).then(|| self.self_service_lines as f64 * 100.0 / all as f64);
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SelfService {
    pub overall: SelfServiceRow,
    pub by_week: Vec<SelfServiceRow>,
    /// By reseller type.
    pub by_segment: Vec<SelfServiceRow>,
}

pub async fn self_service(
    db: &Db,
    tenant_id: i64,
    f: &SalesFilter,
) -> Result<SelfService, sqlx::Error> {
    let by_day = grouped(db, tenant_id, f, f.period, Key::Day, Some(Key::Source)).await?;
    let mut weeks: BTreeMap<NaiveDate, SelfServiceRow> = BTreeMap::new();
    let mut overall = SelfServiceRow {
        key: "all".into(),
        ..Default::default()
    };
    for g in &by_day {
        let Some(day) = g.day() else { continue };
        let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
        weeks
            .entry(monday)
            .or_insert_with(|| SelfServiceRow {
                key: monday.to_string(),
                ..Default::default()
            })
            .add(g);
        overall.add(g);
    }
    let mut segments: BTreeMap<String, SelfServiceRow> = BTreeMap::new();
    for g in grouped(
        db,
        tenant_id,
        f,
        f.period,
        Key::ResellerType,
        Some(Key::Source),
    )
    .await?
    {
        segments
            .entry(g.k1.clone())
            .or_insert_with(|| SelfServiceRow {
                key: g.k1.clone(),
                ..Default::default()
            })
            .add(&g);
    }
    Ok(SelfService {
        overall,
        by_week: weeks.into_values().collect(),
        by_segment: segments.into_values().collect(),
    })
}

/// Every widget of `/dashboard`.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub period: Option<Period>,
    pub total: Totals,
    pub by_rep: Vec<RepShare>,
    pub best_sellers: Vec<BestSeller>,
    pub weekly: Vec<WeekRow>,
    pub self_service: SelfService,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub quantity: i64,
    pub amount_cents: i64,
    pub lines: i64,
}

pub async fn dashboard(db: &Db, tenant_id: i64, f: &SalesFilter) -> Result<Dashboard, sqlx::Error> {
    // The widgets are independent reads: run them at once on the pool's connections.
    let (by_rep, best_sellers, self_service, weekly) = tokio::try_join!(
        sales_by_rep(db, tenant_id, f),
        best_sellers(db, tenant_id, f),
        self_service(db, tenant_id, f),
        weekly(db, tenant_id, f),
    )?;
    let total = Totals {
        quantity: best_sellers.iter().map(|b| b.quantity).sum(),
        amount_cents: best_sellers.iter().map(|b| b.amount_cents).sum(),
        lines: self_service.overall.self_service_lines + self_service.overall.staff_lines,
    };
    Ok(Dashboard {
        period: f.period,
        total,
        by_rep,
        best_sellers,
        weekly,
        self_service,
    })
}

/// One channel manager's page: its value, products, regions and end-customer categories.
#[derive(Debug, Clone, Serialize)]
pub struct RepDetail {
    pub amount_cents: i64,
    pub products: Vec<BestSeller>,
    pub regions: Vec<(String, i64, f64)>,
    pub customer_types: Vec<(String, i64, f64)>,
}

pub async fn rep_detail(
    db: &Db,
    tenant_id: i64,
    f: &SalesFilter,
) -> Result<RepDetail, sqlx::Error> {
    let products = best_sellers(db, tenant_id, f).await?;
    let share_rows = |rows: Vec<Group>| {
        let items: Vec<(String, i64)> = rows.into_iter().map(|g| (g.k1, g.amount)).collect();
        shares(&items)
            .into_iter()
            .map(|s| (s.key, s.amount, s.display_percent))
            .collect::<Vec<_>>()
    };
    let regions = share_rows(grouped(db, tenant_id, f, f.period, Key::Region, None).await?);
    let customer_types =
        share_rows(grouped(db, tenant_id, f, f.period, Key::CustomerType, None).await?);
    Ok(RepDetail {
        amount_cents: products.iter().map(|p| p.amount_cents).sum(),
        products,
        regions,
        customer_types,
    })
}
