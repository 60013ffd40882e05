//! Grouped sums over the roll-ups, the building block of every widget.
//!
//! A query names the keys it groups by; the filter adds the keys it conditions on; the
//! narrowest roll-up holding all of them is read (see migration 0004). Keys come back as
//! text (dates as `YYYY-MM-DD`, ids in decimal) so that one row type serves every grouping
//! on both backends.

use super::compute::period::Period;
use super::filter::SalesFilter;
use crate::db::Db;
use crate::{bind_params, with_db};
use chrono::NaiveDate;

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

/// The roll-up read for these keys and filter, with the joins it needs.
fn source(filter: &SalesFilter, keys: &[Key]) -> String {
    let reseller = filter.on_reseller_attributes() || keys.iter().any(|k| k.needs_reseller());
    let product = filter.on_product_attributes() || keys.iter().any(|k| k.needs_product());
    let line = filter.on_line_attributes() || keys.iter().any(|k| k.needs_line());
    let table = match (reseller, product, line) {
        (_, _, true) | (true, true, _) => "sales_daily",
        (true, false, false) => "sales_daily_reseller",
        (false, _, false) => "sales_daily_product",
    };
    let mut from = format!("{table} s");
    if reseller {
        from.push_str(" join resellers r on r.id = s.reseller_id");
    }
    if product {
        from.push_str(" join products p on p.id = s.product_id");
    }
    from
}

/// Sums grouped by one or two keys over `period` (`None`: all time).
pub async fn grouped(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    period: Option<Period>,
    k1: Key,
    k2: Option<Key>,
) -> Result<Vec<Group>, sqlx::Error> {
    let keys: Vec<Key> = std::iter::once(k1).chain(k2).collect();
    let w = filter.conditions(tenant_id, period);
    let sql = format!(
        "select {} as k1, {} as k2, cast(sum(s.quantity) as bigint) as quantity, \
         cast(sum(s.amount_cents) as bigint) as amount, cast(sum(s.lines) as bigint) as lines \
         from {} where {} group by 1, 2",
        k1.sql(),
        k2.map_or("cast('' as text)", Key::sql),
        source(filter, &keys),
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
    let w = filter.conditions(tenant_id, period);
    let sql = format!(
        "select cast('' as text) as k1, cast('' as text) as k2, cast(coalesce(sum(s.quantity), 0) as bigint) as quantity, \
         cast(coalesce(sum(s.amount_cents), 0) as bigint) as amount, cast(coalesce(sum(s.lines), 0) as bigint) as lines \
         from {} where {}",
        source(filter, &[]),
        w.sql()
    );
    with_db!(db, p => bind_params!(sqlx::query_as::<_, Group>(&sql), w.params).fetch_one(p).await)
}

/// Each reseller's last sale day matching the filter, up to `as_of` (the filter's period is
/// ignored: recency looks back from `as_of`).
pub async fn last_sales(
    db: &Db,
    tenant_id: i64,
    filter: &SalesFilter,
    as_of: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>, sqlx::Error> {
    let mut w = filter.conditions(tenant_id, None);
    w.and("s.day <= {}", crate::db::Param::Date(as_of));
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
    let w = filter.conditions(tenant_id, None);
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
        assert!(source(&none, &[Key::Day, Key::Source]).starts_with("sales_daily_product"));
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
    }
}
