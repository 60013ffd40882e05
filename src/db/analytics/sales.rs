//! Grouped sums over the roll-ups, the building block of every widget.
//!
//! A query names the keys it groups by; the filter adds the keys it conditions on; the
//! narrowest roll-up holding all of them is read (see migration 0004). Keys come back as
//! text (dates as `YYYY-MM-DD`, ids in decimal) so that one row type serves every grouping
//! on both backends.

use super::conditions;
use crate::analytics::compute::period::Period;
use crate::analytics::filter::SalesFilter;
use crate::db::{Db, Param};
use crate::{bind_params, with_db};
use chrono::{Datelike, NaiveDate};

/// What a widget groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Day,
    Reseller,
    Product,
    Source,
    Manager,
    ResellerType,
    Region,
    Category,
    CustomerType,
    Channel,
}

impl Key {
    fn sql(self) -> &'static str {
        match self {
            Key::Day => "cast(s.day as text)",
            Key::Reseller => "cast(s.reseller_id as text)",
            Key::Product => "cast(s.product_id as text)",
            Key::Source => "s.source",
            Key::Manager => "coalesce(cast(r.manager_id as text), '')",
            Key::ResellerType => "r.reseller_type",
            Key::Region => "r.region",
            Key::Category => "p.category",
            Key::CustomerType => "s.customer_type",
            Key::Channel => "s.channel",
        }
    }
    fn needs_reseller(self) -> bool {
        matches!(
            self,
            Key::Reseller | Key::Manager | Key::ResellerType | Key::Region
        )
    }
    fn needs_product(self) -> bool {
        matches!(self, Key::Product | Key::Category)
    }
    fn needs_line(self) -> bool {
        matches!(self, Key::CustomerType | Key::Channel)
    }
}

/// One group's sums.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Group {
    pub k1: String,
    pub k2: String,
    pub quantity: i64,
    pub amount: i64,
    pub lines: i64,
}

impl Group {
    pub fn id(&self) -> Option<i64> {
        self.k1.parse().ok()
    }
    pub fn day(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.k1, "%Y-%m-%d").ok()
    }
}

/// The time grain of a roll-up read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grain {
    Daily,
    /// Rows sit on the first day of their month; only whole months may be read.
    Monthly,
}

/// The roll-up read for these keys and filter at `grain`, with the joins it needs; `None`
/// when no table of that grain holds every key (the full-grain table is daily only).
fn source_at(filter: &SalesFilter, keys: &[Key], grain: Grain) -> Option<String> {
    let reseller = filter.on_reseller_attributes() || keys.iter().any(|k| k.needs_reseller());
    let product = filter.on_product_attributes() || keys.iter().any(|k| k.needs_product());
    let line = filter.on_line_attributes() || keys.iter().any(|k| k.needs_line());
    let table = match (reseller, product, line, grain) {
        (_, _, true, Grain::Daily) | (true, true, _, Grain::Daily) => "sales_daily",
        (_, _, true, Grain::Monthly) | (true, true, _, Grain::Monthly) => return None,
        (true, false, false, Grain::Daily) => "sales_daily_reseller",
        (true, false, false, Grain::Monthly) => "sales_monthly_reseller",
        (false, false, false, Grain::Daily) => "sales_daily_total",
        (false, true, false, Grain::Daily) => "sales_daily_product",
        (false, _, false, Grain::Monthly) => "sales_monthly_product",
    };
    let mut from = format!("{table} s");
    if reseller {
        from.push_str(" join resellers r on r.id = s.reseller_id");
    }
    if product {
        from.push_str(" join products p on p.id = s.product_id");
    }
    Some(from)
}

/// The daily roll-up read for these keys and filter.
fn source(filter: &SalesFilter, keys: &[Key]) -> String {
    source_at(filter, keys, Grain::Daily).expect("a daily table holds every key")
}

/// Splits a range into the parts each grain reads: whole months from the monthly tables, the
/// partial months at either end from the daily ones. `None` (all time) is all months.
fn split(period: Option<Period>) -> Vec<(Grain, Option<Period>)> {
    let Some(p) = period else {
        return vec![(Grain::Monthly, None)];
    };
    // The whole months run from `first` (inclusive) to `end` (exclusive); both are the first
    // day of a month.
    let first = if p.from().day() == 1 {
        p.from()
    } else {
        next_month(p.from())
    };
    let day_after = p.to().succ_opt().unwrap_or(p.to());
    let end = if day_after.day() == 1 {
        day_after
    } else {
        p.to().with_day(1).unwrap_or(p.to())
    };
    if first >= end {
        return vec![(Grain::Daily, Some(p))];
    }
    let before = |d: NaiveDate| d.pred_opt().unwrap_or(d);
    let mut parts = Vec::with_capacity(3);
    if p.from() < first {
        parts.push((Grain::Daily, Period::new(p.from(), before(first)).ok()));
    }
    let last_month = before(end).with_day(1).unwrap_or(first);
    parts.push((Grain::Monthly, Period::new(first, last_month).ok()));
    if end <= p.to() {
        parts.push((Grain::Daily, Period::new(end, p.to()).ok()));
    }
    parts
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let last = crate::domain::period::last_day_of_month(d);
    last.succ_opt().unwrap_or(last)
}

/// Sums grouped by one or two keys over `period` (`None`: all time).
///
/// Without a day key, whole months are read from the monthly roll-ups and only the partial
/// months at the ends from the daily ones; the parts are summed here.
pub async fn grouped(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    period: Option<Period>,
    k1: Key,
    k2: Option<Key>,
) -> Result<Vec<Group>, sqlx::Error> {
    let keys: Vec<Key> = std::iter::once(k1).chain(k2).collect();
    let by_day = keys.contains(&Key::Day);
    let monthly = !by_day && source_at(filter, &keys, Grain::Monthly).is_some();
    let parts = if monthly {
        split(period)
    } else {
        vec![(Grain::Daily, period)]
    };
    if parts.len() == 1 {
        let (grain, part) = parts[0];
        return grouped_at(db, tenant_id, filter, part, &keys, grain).await;
    }
    let mut sums: std::collections::HashMap<(String, String), Group> = Default::default();
    for (grain, part) in parts {
        for g in grouped_at(db, tenant_id, filter, part, &keys, grain).await? {
            match sums.entry((g.k1.clone(), g.k2.clone())) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let s = e.get_mut();
                    s.quantity += g.quantity;
                    s.amount += g.amount;
                    s.lines += g.lines;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(g);
                }
            }
        }
    }
    Ok(sums.into_values().collect())
}

async fn grouped_at(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    period: Option<Period>,
    keys: &[Key],
    grain: Grain,
) -> Result<Vec<Group>, sqlx::Error> {
    let w = conditions(filter, tenant_id, period);
    let from = source_at(filter, keys, grain).expect("the caller checked the grain");
    let sql = format!(
        "select {} as k1, {} as k2, cast(sum(s.quantity) as bigint) as quantity, \
         cast(sum(s.amount_cents) as bigint) as amount, cast(sum(s.lines) as bigint) as lines \
         from {} where {} group by 1, 2",
        keys[0].sql(),
        keys.get(1).map_or("cast('' as text)", |k| k.sql()),
        from,
        w.sql()
    );
    with_db!(db, p => bind_params!(sqlx::query_as::<_, Group>(&sql), w.params).fetch_all(p).await)
}

/// Sums over the whole filter (no grouping).
pub async fn total(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    period: Option<Period>,
) -> Result<Group, sqlx::Error> {
    let monthly = source_at(filter, &[], Grain::Monthly).is_some();
    let parts = if monthly {
        split(period)
    } else {
        vec![(Grain::Daily, period)]
    };
    let mut sum = Group {
        k1: String::new(),
        k2: String::new(),
        quantity: 0,
        amount: 0,
        lines: 0,
    };
    for (grain, part) in parts {
        let w = conditions(filter, tenant_id, part);
        let sql = format!(
            "select cast('' as text) as k1, cast('' as text) as k2, cast(coalesce(sum(s.quantity), 0) as bigint) as quantity, \
             cast(coalesce(sum(s.amount_cents), 0) as bigint) as amount, cast(coalesce(sum(s.lines), 0) as bigint) as lines \
             from {} where {}",
            source_at(filter, &[], grain).expect("the caller checked the grain"),
            w.sql()
        );
        let g = with_db!(db, p => bind_params!(sqlx::query_as::<_, Group>(&sql), w.params).fetch_one(p).await)?;
        sum.quantity += g.quantity;
        sum.amount += g.amount;
        sum.lines += g.lines;
    }
    Ok(sum)
}

/// Each reseller's last sale day matching the filter, up to `as_of` (the filter's period is
/// ignored: recency looks back from `as_of`).
pub async fn last_sales(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    as_of: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>, sqlx::Error> {
    let mut w = conditions(filter, tenant_id, None);
    w.and("s.day <= {}", Param::Date(as_of));
    let sql = format!(
        "select s.reseller_id, max(s.day) from {} where {} group by s.reseller_id",
        source(filter, &[Key::Reseller]),
        w.sql()
    );
    with_db!(db, p => bind_params!(sqlx::query_as::<_, (i64, NaiveDate)>(&sql), w.params).fetch_all(p).await)
}

/// First and last sale days matching the filter (all time), for "all time" charts.
pub async fn date_span(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
) -> Result<Option<Period>, sqlx::Error> {
    let w = conditions(filter, tenant_id, None);
    let sql = format!(
        "select min(s.day), max(s.day) from {} where {}",
        source(filter, &[]),
        w.sql()
    );
    let span = with_db!(db, p => bind_params!(sqlx::query_as::<_, (Option<NaiveDate>, Option<NaiveDate>)>(&sql), w.params)
        .fetch_one(p).await)?;
    Ok(match span {
        (Some(a), Some(b)) => Period::new(a, b).ok(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_narrowest_roll_up_holding_every_key_is_read() {
        let none = SalesFilter::default();
        assert!(source(&none, &[Key::Product]).starts_with("sales_daily_product"));
        assert!(source(&none, &[Key::Day, Key::Source]).starts_with("sales_daily_total"));
        assert!(source(&none, &[Key::Day, Key::Product]).starts_with("sales_daily_product"));
        assert!(source_at(&none, &[Key::Product], Grain::Monthly)
            .unwrap()
            .starts_with("sales_monthly_product s"));
        assert!(source_at(&none, &[Key::Manager], Grain::Monthly)
            .unwrap()
            .starts_with("sales_monthly_reseller s join resellers"));
        assert!(source(&none, &[Key::Manager]).starts_with("sales_daily_reseller"));
        let region = SalesFilter {
            region: Some("Bretagne".into()),
            ..Default::default()
        };
        assert!(source(&region, &[Key::Product]).starts_with("sales_daily s"));
        let channel = SalesFilter {
            channel: Some("online".into()),
            ..Default::default()
        };
        assert!(source(&channel, &[Key::Day]).starts_with("sales_daily s"));
        assert_eq!(source_at(&channel, &[Key::Product], Grain::Monthly), None);
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn parts(from: &str, to: &str) -> Vec<(Grain, String, String)> {
        split(Some(Period::new(d(from), d(to)).unwrap()))
            .into_iter()
            .map(|(g, p)| {
                let p = p.unwrap();
                (g, p.from().to_string(), p.to().to_string())
            })
            .collect()
    }

    #[test]
    fn ranges_split_into_partial_days_and_whole_months() {
        use Grain::*;
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        let want = |v: Vec<(Grain, (String, String))>| {
            v.into_iter()
                .map(|(g, (a, b))| (g, a, b))
                .collect::<Vec<_>>()
        };
        // Inside one month: days only.
        assert_eq!(
            parts("2026-03-05", "2026-03-20"),
            want(vec![(Daily, s("2026-03-05", "2026-03-20"))])
        );
        // A whole month exactly.
        assert_eq!(
            parts("2026-02-01", "2026-02-28"),
            want(vec![(Monthly, s("2026-02-01", "2026-02-01"))])
        );
        // Partial ends around whole months, across a year.
        assert_eq!(
            parts("2025-11-15", "2026-02-10"),
            want(vec![
                (Daily, s("2025-11-15", "2025-11-30")),
                (Monthly, s("2025-12-01", "2026-01-01")),
                (Daily, s("2026-02-01", "2026-02-10")),
            ])
        );
        // Thirty days across two partial months: days only.
        assert_eq!(
            parts("2026-10-25", "2026-11-23"),
            want(vec![(Daily, s("2026-10-25", "2026-11-23"))])
        );
        // Ends on a month's last day.
        assert_eq!(
            parts("2026-01-10", "2026-03-31"),
            want(vec![
                (Daily, s("2026-01-10", "2026-01-31")),
                (Monthly, s("2026-02-01", "2026-03-01"))
            ])
        );
        assert_eq!(split(None), vec![(Monthly, None)]);
    }
}
