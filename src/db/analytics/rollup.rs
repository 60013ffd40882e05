//! The sales roll-ups: sums of the approved lines that the dashboards read instead of the
//! lines — daily at three grains (migration 0004), and a tenant-wide daily total and monthly
//! tables for long ranges (migration 0007).
//!
//! [`apply`] keeps them exact inside the transaction that changes lines (commit, replaced
//! period, undo, review): it recomputes the affected reseller's own rows from the lines rather
//! than adding deltas from the caller, so it is correct whatever happened to the lines
//! (approved, withdrawn, rejected) and safe to call twice. The tables without a reseller key
//! (and the monthly reseller table) are shared with other transactions, so they are adjusted by
//! subtracting the reseller's old sums and adding the new ones.
//! [`add`] is the shortcut for a commit that only added lines (an import, most of the time):
//! the new approved lines' sums, gathered while they were written ([`Added`]), are added to
//! every roll-up, without reading the lines again.
//! [`rebuild`] recomputes a tenant from scratch (after a bulk load such as the demo).

use crate::analytics::rollup::{Added, Scope, Sums};
use crate::db::bulk::{self, V};
use crate::db::declarations::{import_date_spans, line_date_spans};
use crate::db::{Db, Tx};
use crate::domain::period::last_day_of_month;
use crate::with_tx;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Brings the roll-ups of `tenant_id` up to date for the lines in `scope`, in `tx`.
pub async fn apply(tx: &mut Tx, tenant_id: i64, scope: Scope<'_>) -> Result<(), sqlx::Error> {
    for (reseller_id, from, to) in ranges(tx, tenant_id, scope).await? {
        refresh(tx, tenant_id, reseller_id, from, to).await?;
    }
    Ok(())
}

/// The (reseller, first day, last day) ranges that `scope` touches.
pub async fn ranges(
    tx: &mut Tx,
    tenant_id: i64,
    scope: Scope<'_>,
) -> Result<Vec<(i64, NaiveDate, NaiveDate)>, sqlx::Error> {
    match scope {
        Scope::Range {
            reseller_id,
            from,
            to,
        } => Ok(vec![(reseller_id, from, to)]),
        Scope::Import(import_id) => import_date_spans(tx, tenant_id, import_id).await,
        Scope::Lines(ids) => line_date_spans(tx, tenant_id, ids).await,
    }
}

/// Adds (`sign` "") or subtracts (`sign` "-") the sums of one reseller's days `$3..=$4`, read
/// from `from` grouped by `keys`, to the shared roll-up `table` (keyed by `tenant_id, day` and
/// `keys`). Shared tables are adjusted by deltas rather than recomputed so that two resellers'
/// transactions never delete and re-insert each other's rows (an upsert waits, a re-insert
/// would fail on the unique key). `day` is the day expression (the month's first day for a
/// monthly table).
fn delta_sql(sign: &str, table: &str, from: &str, day: &str, keys: &str) -> String {
    format!(
        "insert into {table} (tenant_id, day, {keys}, quantity, amount_cents, lines) \
         select tenant_id, {day}, {keys}, {sign}sum(quantity), {sign}sum(amount_cents), {sign}sum(lines) \
         from {from} where tenant_id = $1 and reseller_id = $2 and day between $3 and $4 \
         group by tenant_id, {day}, {keys} \
         on conflict (tenant_id, day, {keys}) do update set \
         quantity = {table}.quantity + excluded.quantity, \
         amount_cents = {table}.amount_cents + excluded.amount_cents, \
         lines = {table}.lines + excluded.lines"
    )
}

/// The deltas applied to every shared roll-up: (table, read from, keys, monthly).
const SHARED: [(&str, &str, &str, bool); 4] = [
    (
        "sales_daily_product",
        "sales_daily",
        "product_id, source",
        false,
    ),
    ("sales_daily_total", "sales_daily_reseller", "source", false),
    (
        "sales_monthly_reseller",
        "sales_daily_reseller",
        "reseller_id, source",
        true,
    ),
    (
        "sales_monthly_product",
        "sales_daily",
        "product_id, source",
        true,
    ),
];

/// The first day of `day`'s month, as SQL for each dialect.
fn month_sql(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(_) => "substr(day, 1, 8) || '01'",
        Tx::Postgres(_) => "cast(date_trunc('month', day) as date)",
    }
}

fn shared_deltas(tx: &Tx, sign: &str) -> Vec<String> {
    SHARED
        .iter()
        .map(|(table, from, keys, monthly)| {
            let day = if *monthly { month_sql(tx) } else { "day" };
            delta_sql(sign, table, from, day, keys)
        })
        .collect()
}

const INSERT_DAILY: &str = "insert into sales_daily \
    (tenant_id, day, reseller_id, product_id, customer_type, channel, source, quantity, amount_cents, lines) \
    select tenant_id, sale_date, reseller_id, product_id, coalesce(customer_type, ''), coalesce(channel, ''), source, \
    sum(quantity), sum(amount_cents), count(*) from declaration_lines \
    where review_status = 'approved' and tenant_id = $1";

const GROUP_DAILY: &str =
    " group by tenant_id, sale_date, reseller_id, product_id, coalesce(customer_type, ''), coalesce(channel, ''), source";

const INSERT_RESELLER: &str = "insert into sales_daily_reseller \
    (tenant_id, day, reseller_id, source, quantity, amount_cents, lines) \
    select tenant_id, day, reseller_id, source, sum(quantity), sum(amount_cents), sum(lines) \
    from sales_daily where tenant_id = $1";

async fn refresh(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), sqlx::Error> {
    let range = " and reseller_id = $2 and day between $3 and $4";
    // Take the reseller's old sums out of the shared tables, rewrite its own rows from the
    // lines, put the new sums back, then drop the rows left empty.
    let mut statements = shared_deltas(tx, "-");
    statements.extend([
        format!("delete from sales_daily where tenant_id = $1{range}"),
        format!("{INSERT_DAILY} and reseller_id = $2 and sale_date between $3 and $4{GROUP_DAILY}"),
        format!("delete from sales_daily_reseller where tenant_id = $1{range}"),
        format!("{INSERT_RESELLER}{range} group by tenant_id, day, reseller_id, source"),
    ]);
    statements.extend(shared_deltas(tx, ""));
    for sql in &statements {
        with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(reseller_id).bind(from).bind(to).execute(c).await.map(|_| ()))?;
    }
    // Drop the rows left empty, over whole months (the monthly rows sit on the first day).
    let first = from.with_day(1).unwrap_or(from);
    let last = last_day_of_month(to);
    for (table, ..) in SHARED {
        // $2 = $2: every statement binds the same four values.
        let sql = format!(
            "delete from {table} where tenant_id = $1 and lines = 0 and $2 = $2 \
             and day between $3 and $4"
        );
        with_tx!(tx, c => sqlx::query(&sql).bind(tenant_id).bind(reseller_id).bind(first).bind(last).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Recomputes every roll-up of `tenant_id` from its lines, in one transaction.
pub async fn rebuild(db: &Db, tenant_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let statements = [
        "delete from sales_daily_product where tenant_id = $1".to_string(),
        "delete from sales_daily_reseller where tenant_id = $1".to_string(),
        "delete from sales_daily where tenant_id = $1".to_string(),
        format!("{INSERT_DAILY}{GROUP_DAILY}"),
        format!("{INSERT_RESELLER} group by tenant_id, day, reseller_id, source"),
        "insert into sales_daily_product (tenant_id, day, product_id, source, quantity, amount_cents, lines) \
         select tenant_id, day, product_id, source, sum(quantity), sum(amount_cents), sum(lines) \
         from sales_daily where tenant_id = $1 group by tenant_id, day, product_id, source"
            .to_string(),
    ];
    let month = month_sql(&tx);
    let coarse = [
        "delete from sales_daily_total where tenant_id = $1".to_string(),
        "delete from sales_monthly_reseller where tenant_id = $1".to_string(),
        "delete from sales_monthly_product where tenant_id = $1".to_string(),
        "insert into sales_daily_total (tenant_id, day, source, quantity, amount_cents, lines) \
         select tenant_id, day, source, sum(quantity), sum(amount_cents), sum(lines) \
         from sales_daily_reseller where tenant_id = $1 group by tenant_id, day, source"
            .to_string(),
        format!(
            "insert into sales_monthly_reseller (tenant_id, day, reseller_id, source, quantity, amount_cents, lines) \
             select tenant_id, {month}, reseller_id, source, sum(quantity), sum(amount_cents), sum(lines) \
             from sales_daily_reseller where tenant_id = $1 group by tenant_id, {month}, reseller_id, source"
        ),
        format!(
            "insert into sales_monthly_product (tenant_id, day, product_id, source, quantity, amount_cents, lines) \
             select tenant_id, {month}, product_id, source, sum(quantity), sum(amount_cents), sum(lines) \
             from sales_daily_product where tenant_id = $1 group by tenant_id, {month}, product_id, source"
        ),
    ];
    let statements: Vec<String> = statements.into_iter().chain(coarse).collect();
    for sql in &statements {
        with_tx!(&mut tx, c => sqlx::query(sql).bind(tenant_id).execute(c).await.map(|_| ()))?;
    }
    tx.commit().await
}

/// Rebuilds every tenant (the demo generator's last step).
pub async fn rebuild_all(db: &Db) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = crate::with_db!(db, p => sqlx::query_scalar("select id from tenants order by id").fetch_all(p).await)?;
    for id in ids {
        rebuild(db, id).await?;
    }
    Ok(())
}

/// The `on conflict` clause that adds a row's sums to the existing row of the same key.
fn add_on_conflict(table: &str, keys: &str) -> String {
    format!(
        "on conflict (tenant_id, day, {keys}) do update set \
         quantity = {table}.quantity + excluded.quantity, \
         amount_cents = {table}.amount_cents + excluded.amount_cents, \
         lines = {table}.lines + excluded.lines"
    )
}

/// Adds the sums of `groups` (keyed by day and the id in `id_column`: a reseller or a product)
/// to `table`, whose rows are `(tenant_id, day, id_column, source)`.
async fn add_by_id(
    tx: &mut Tx,
    table: &str,
    id_column: &str,
    (tenant_id, source): (i64, &str),
    groups: &BTreeMap<(NaiveDate, i64), Sums>,
) -> anyhow::Result<()> {
    let rows: Vec<(&(NaiveDate, i64), &Sums)> = groups.iter().collect();
    let columns = [
        "tenant_id",
        "day",
        id_column,
        "source",
        "quantity",
        "amount_cents",
        "lines",
    ];
    let suffix = add_on_conflict(table, &format!("{id_column}, source"));
    bulk::insert_rows(tx, table, &columns, &suffix, rows.len(), |i| {
        let (&(day, id), s) = rows[i];
        [
            V::I(Some(tenant_id)),
            V::D(day),
            V::I(Some(id)),
            V::T(Some(source)),
            V::I(Some(s.quantity)),
            V::I(Some(s.amount_cents)),
            V::I(Some(s.lines)),
        ]
    })
    .await
}

/// Adds the lines of one commit (`added`: approved lines of `reseller_id`, all from `source`)
/// to every roll-up, in `tx`. Only for a commit that added lines and changed no others; when
/// `added` is not complete, use [`apply`] over the lines' range instead.
pub async fn add(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    source: &str,
    added: &Added,
) -> anyhow::Result<()> {
    debug_assert!(added.is_complete());
    let groups = added.groups();
    if groups.is_empty() {
        return Ok(());
    }
    let columns = [
        "tenant_id",
        "day",
        "reseller_id",
        "product_id",
        "customer_type",
        "channel",
        "source",
        "quantity",
        "amount_cents",
        "lines",
    ];
    let suffix = add_on_conflict(
        "sales_daily",
        "reseller_id, product_id, customer_type, channel, source",
    );
    bulk::insert_rows(tx, "sales_daily", &columns, &suffix, groups.len(), |i| {
        let (day, product, ty, channel, s) = groups[i];
        [
            V::I(Some(tenant_id)),
            V::D(day),
            V::I(Some(reseller_id)),
            V::I(Some(product)),
            V::T(Some(ty)),
            V::T(Some(channel)),
            V::T(Some(source)),
            V::I(Some(s.quantity)),
            V::I(Some(s.amount_cents)),
            V::I(Some(s.lines)),
        ]
    })
    .await?;
    let month = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let mut by_day: BTreeMap<(NaiveDate, i64), Sums> = BTreeMap::new();
    let mut by_month: BTreeMap<(NaiveDate, i64), Sums> = BTreeMap::new();
    let mut by_day_product: BTreeMap<(NaiveDate, i64), Sums> = BTreeMap::new();
    let mut by_month_product: BTreeMap<(NaiveDate, i64), Sums> = BTreeMap::new();
    for &(day, product, _, _, s) in &groups {
        by_day.entry((day, reseller_id)).or_default().add(s);
        by_month
            .entry((month(day), reseller_id))
            .or_default()
            .add(s);
        by_day_product.entry((day, product)).or_default().add(s);
        by_month_product
            .entry((month(day), product))
            .or_default()
            .add(s);
    }
    let owner = (tenant_id, source);
    add_by_id(tx, "sales_daily_reseller", "reseller_id", owner, &by_day).await?;
    add_by_id(
        tx,
        "sales_daily_product",
        "product_id",
        owner,
        &by_day_product,
    )
    .await?;
    add_by_id(
        tx,
        "sales_monthly_reseller",
        "reseller_id",
        owner,
        &by_month,
    )
    .await?;
    add_by_id(
        tx,
        "sales_monthly_product",
        "product_id",
        owner,
        &by_month_product,
    )
    .await?;
    let totals: Vec<(NaiveDate, Sums)> = by_day.iter().map(|(&(d, _), &s)| (d, s)).collect();
    let columns = [
        "tenant_id",
        "day",
        "source",
        "quantity",
        "amount_cents",
        "lines",
    ];
    let suffix = add_on_conflict("sales_daily_total", "source");
    bulk::insert_rows(
        tx,
        "sales_daily_total",
        &columns,
        &suffix,
        totals.len(),
        |i| {
            let (day, s) = totals[i];
            [
                V::I(Some(tenant_id)),
                V::D(day),
                V::T(Some(source)),
                V::I(Some(s.quantity)),
                V::I(Some(s.amount_cents)),
                V::I(Some(s.lines)),
            ]
        },
    )
    .await
}
