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
//! [`rebuild`] recomputes a tenant from scratch (after a bulk load such as the demo).

use crate::db::{Db, Tx};
use crate::domain::period::last_day_of_month;
use crate::with_tx;
use chrono::{Datelike, NaiveDate};

/// Which lines changed.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A reseller's lines dated in `[from, to]` (a commit, a replaced period).
    Range {
        reseller_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Every line of an import (an undo).
    Import(i64),
    /// Lines by id (a review decision).
    Lines(&'a [i64]),
}

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
        Scope::Import(import_id) => {
            let sql = "select reseller_id, min(sale_date), max(sale_date) from declaration_lines \
                       where tenant_id = $1 and import_id = $2 group by reseller_id";
            with_tx!(tx, c => sqlx::query_as::<_, (i64, NaiveDate, NaiveDate)>(sql)
                .bind(tenant_id).bind(import_id).fetch_all(c).await)
        }
        Scope::Lines(ids) => {
            let mut out = Vec::new();
            // Ids are integers, written into the statement: no bound-value limit to mind.
            for chunk in ids.chunks(500) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                let sql = format!(
                    "select reseller_id, min(sale_date), max(sale_date) from declaration_lines \
                     where tenant_id = $1 and id in ({list}) group by reseller_id"
                );
                out.extend(
                    with_tx!(tx, c => sqlx::query_as::<_, (i64, NaiveDate, NaiveDate)>(&sql)
                    .bind(tenant_id).fetch_all(c).await)?,
                );
            }
            Ok(out)
        }
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
