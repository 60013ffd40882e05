//! The points ledger (`points_entries`): append-only. Rows are inserted, never updated or deleted;
//! a balance is always a sum over them.

use super::{now, Db, Tx};
use crate::with_db;
use chrono::NaiveDate;

/// Reads that must see a caller's uncommitted writes (inside a declarations commit) take the
/// transaction; pages read from the pool. `with_exec!` compiles one body for the four cases.
pub enum Exec<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

#[macro_export]
macro_rules! with_exec {
    ($e:expr, $c:ident => $body:expr) => {
        match $e {
            $crate::db::points::Exec::Db($crate::db::Db::Sqlite($c)) => $body,
            $crate::db::points::Exec::Db($crate::db::Db::Postgres($c)) => $body,
            $crate::db::points::Exec::Tx($crate::db::Tx::Sqlite(t)) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::points::Exec::Tx($crate::db::Tx::Postgres(t)) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// One row to append. Strings are the ledger's closed vocabularies (see the migration).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub reseller_id: i64,
    pub challenge_id: Option<i64>,
    pub version: Option<i64>,
    pub line_id: Option<i64>,
    pub kind: &'static str,
    pub rule_index: Option<i64>,
    pub state: &'static str,
    pub points: i64,
    pub reason: &'static str,
    pub basis: Option<i64>,
    pub rate: Option<i64>,
    pub factor_permille: Option<i64>,
    pub capped_by: Option<&'static str>,
    pub redemption_id: Option<i64>,
    pub booked_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// Rows per insert statement: well under SQLite's 32,766 and PostgreSQL's 65,535 limits.
const BATCH: usize = 2_000;

fn num(sql: &mut String, v: Option<i64>) {
    use std::fmt::Write;
    match v {
        Some(x) => write!(sql, "{x},").expect("writing to a String"),
        None => sql.push_str("null,"),
    }
}

fn text(sql: &mut String, v: Option<&str>) {
    // Only our own vocabulary and ISO dates reach here; quotes are stripped all the same.
    match v {
        Some(x) => {
            sql.push('\'');
            sql.extend(x.chars().filter(|c| *c != '\''));
            sql.push_str("',");
        }
        None => sql.push_str("null,"),
    }
}

/// Appends entries. Every value is a number, a date or a word of the ledger's vocabulary, so the
/// rows are written as literals, straight into the statement's text: binding 17 values per row
/// would spend the statement's parameter budget and dominate the time of a million-line
/// recomputation.
pub async fn insert(tx: &mut Tx, tenant_id: i64, entries: &[NewEntry]) -> Result<u64, sqlx::Error> {
    use std::fmt::Write;
    let created = now();
    let mut written = 0;
    let mut sql = String::new();
    for chunk in entries.chunks(BATCH) {
        sql.clear();
        sql.reserve(chunk.len() * 110 + 300);
        sql.push_str(
            "insert into points_entries (tenant_id, reseller_id, challenge_id, version, line_id, kind, \
             rule_index, state, points, reason, basis, rate, factor_permille, capped_by, redemption_id, \
             booked_on, expires_on, created_at) values ",
        );
        for (i, e) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            write!(sql, "({tenant_id},{},", e.reseller_id).expect("writing to a String");
            num(&mut sql, e.challenge_id);
            num(&mut sql, e.version);
            num(&mut sql, e.line_id);
            text(&mut sql, Some(e.kind));
            num(&mut sql, e.rule_index);
            text(&mut sql, Some(e.state));
            num(&mut sql, Some(e.points));
            text(&mut sql, Some(e.reason));
            num(&mut sql, e.basis);
            num(&mut sql, e.rate);
            num(&mut sql, e.factor_permille);
            text(&mut sql, e.capped_by);
            num(&mut sql, e.redemption_id);
            write!(sql, "'{}',", e.booked_on).expect("writing to a String");
            match e.expires_on {
                Some(d) => write!(sql, "'{d}',").expect("writing to a String"),
                None => sql.push_str("null,"),
            }
            write!(sql, "{created})").expect("writing to a String");
        }
        written += crate::with_tx!(tx, c => sqlx::query(&sql).persistent(false).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(written)
}

/// A challenge entry as the reconciliation needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PostingRow {
    pub reseller_id: i64,
    pub line_id: Option<i64>,
    pub kind: String,
    pub rule_index: Option<i64>,
    pub version: Option<i64>,
    pub state: String,
    pub points: i64,
}

/// Every entry of a challenge (all versions), or of some of its participants.
pub async fn challenge_postings(
    exec: Exec<'_>,
    tenant_id: i64,
    challenge_id: i64,
    resellers: Option<&[i64]>,
) -> Result<Vec<PostingRow>, sqlx::Error> {
    let mut sql = "select reseller_id, line_id, kind, rule_index, version, state, points from points_entries \
                   where tenant_id = $1 and challenge_id = $2"
        .to_string();
    if let Some(ids) = resellers {
        sql.push_str(&format!(" and reseller_id in ({})", id_list(ids)));
    }
    with_exec!(exec, c => sqlx::query_as::<_, PostingRow>(&sql).persistent(false).bind(tenant_id).bind(challenge_id).fetch_all(c).await)
}

/// Ids are our own integers: written inline (an empty list matches nothing).
pub fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "null".into();
    }
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// What a reseller can spend (every non-pending entry) and what awaits review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub available: i64,
    pub pending: i64,
}

const TOTALS: &str = "select cast(coalesce(sum(case when state <> 'pending' then points else 0 end), 0) as bigint), \
                      cast(coalesce(sum(case when state = 'pending' then points else 0 end), 0) as bigint) \
                      from points_entries where tenant_id = $1 and reseller_id = $2";

pub async fn totals(
    exec: Exec<'_>,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Totals, sqlx::Error> {
    let (available, pending) = with_exec!(exec, c => sqlx::query_as::<_, (i64, i64)>(TOTALS)
        .bind(tenant_id).bind(reseller_id).fetch_one(c).await)?;
    Ok(Totals { available, pending })
}

/// One statement row with everything it needs to explain itself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatementRow {
    pub id: i64,
    pub booked_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub kind: String,
    pub state: String,
    pub points: i64,
    pub reason: String,
    pub rule_index: Option<i64>,
    pub basis: Option<i64>,
    pub rate: Option<i64>,
    pub factor_permille: Option<i64>,
    pub capped_by: Option<String>,
    pub challenge_id: Option<i64>,
    pub challenge_name: Option<String>,
    pub version: Option<i64>,
    pub line_id: Option<i64>,
    pub sale_date: Option<NaiveDate>,
    pub quantity: Option<i64>,
    pub product_sku: Option<String>,
    pub product_name: Option<String>,
    pub import_id: Option<i64>,
    pub import_file: Option<String>,
    pub source_sheet: Option<String>,
    pub source_row: Option<i64>,
    pub review_reason: Option<String>,
    pub reward_name: Option<String>,
}

/// A reseller's statement, newest first. Filtering on both tenant and reseller is what keeps one
/// reseller from ever reading another's entries.
pub async fn statement(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<StatementRow>, i64), sqlx::Error> {
    let sql = "select e.id, e.booked_on, e.expires_on, e.kind, e.state, e.points, e.reason, e.rule_index, e.basis, \
               e.rate, e.factor_permille, e.capped_by, e.challenge_id, c.name as challenge_name, e.version, e.line_id, \
               l.sale_date, l.quantity, p.sku as product_sku, p.name as product_name, l.import_id, \
               i.filename as import_file, l.source_sheet, l.source_row, l.review_reason, w.name as reward_name \
               from points_entries e \
               left join challenges c on c.id = e.challenge_id \
               left join declaration_lines l on l.id = e.line_id \
               left join products p on p.id = l.product_id \
               left join imports i on i.id = l.import_id \
               left join redemptions r on r.id = e.redemption_id \
               left join rewards w on w.id = r.reward_id \
               where e.tenant_id = $1 and e.reseller_id = $2 order by e.id desc limit $3 offset $4";
    let count = "select count(*) from points_entries where tenant_id = $1 and reseller_id = $2";
    let rows = with_db!(db, p => sqlx::query_as::<_, StatementRow>(sql).bind(tenant_id).bind(reseller_id).bind(limit).bind(offset).fetch_all(p).await)?;
    let total = with_db!(db, p => sqlx::query_scalar::<_, i64>(count).bind(tenant_id).bind(reseller_id).fetch_one(p).await)?;
    Ok((rows, total))
}

/// A reseller's account as the FIFO expiry reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub booked_on: NaiveDate,
    pub points: i64,
    pub state: String,
    pub expires_on: Option<NaiveDate>,
}

pub async fn account(
    exec: Exec<'_>,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<AccountRow>, sqlx::Error> {
    let sql = "select id, booked_on, points, state, expires_on from points_entries \
               where tenant_id = $1 and reseller_id = $2 order by id";
    with_exec!(exec, c => sqlx::query_as::<_, AccountRow>(sql).bind(tenant_id).bind(reseller_id).fetch_all(c).await)
}

/// Resellers holding a confirmed credit that may have expired by `as_of`.
pub async fn resellers_with_expiring(
    db: &Db,
    tenant_id: i64,
    as_of: NaiveDate,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "select distinct reseller_id from points_entries \
               where tenant_id = $1 and expires_on is not null and expires_on <= $2 order by reseller_id";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(as_of).fetch_all(p).await)
}

/// Per reseller: available and pending points (the liability), for the payout exports.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LiabilityRow {
    pub reseller_id: i64,
    pub code: String,
    pub name: String,
    pub available: i64,
    pub pending: i64,
}

pub async fn liability(
    db: &Db,
    tenant_id: i64,
    as_of: NaiveDate,
) -> Result<Vec<LiabilityRow>, sqlx::Error> {
    let sql = "select r.id as reseller_id, r.code, r.name, \
               cast(coalesce(sum(case when e.state <> 'pending' then e.points else 0 end), 0) as bigint) as available, \
               cast(coalesce(sum(case when e.state = 'pending' then e.points else 0 end), 0) as bigint) as pending \
               from points_entries e join resellers r on r.id = e.reseller_id \
               where e.tenant_id = $1 and e.booked_on <= $2 group by r.id, r.code, r.name order by r.code";
    with_db!(db, p => sqlx::query_as::<_, LiabilityRow>(sql).bind(tenant_id).bind(as_of).fetch_all(p).await)
}

/// Confirmed movements per day, challenge and state over a period: what the journal books.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DayMovement {
    pub booked_on: NaiveDate,
    pub challenge_id: Option<i64>,
    pub challenge_name: Option<String>,
    pub point_value_cents: Option<i64>,
    pub state: String,
    pub points: i64,
}

pub async fn movements(
    db: &Db,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayMovement>, sqlx::Error> {
    let sql = "select e.booked_on, e.challenge_id, c.name as challenge_name, c.point_value_cents, e.state, \
               cast(sum(e.points) as bigint) as points \
               from points_entries e left join challenges c on c.id = e.challenge_id \
               where e.tenant_id = $1 and e.booked_on between $2 and $3 and e.state <> 'pending' \
               group by e.booked_on, e.challenge_id, c.name, c.point_value_cents, e.state \
               order by e.booked_on, e.challenge_id, e.state";
    with_db!(db, p => sqlx::query_as::<_, DayMovement>(sql).bind(tenant_id).bind(from).bind(to).fetch_all(p).await)
}

/// The tenant's points settings: its time zone (which day "today" is) and the default
/// validity of confirmed points in months.
pub async fn tenant_settings(exec: Exec<'_>, tenant_id: i64) -> Result<(String, i64), sqlx::Error> {
    let sql = "select time_zone, points_validity_months from tenants where id = $1";
    with_exec!(exec, c => sqlx::query_as::<_, (String, i64)>(sql).bind(tenant_id).fetch_one(c).await)
}

/// Net points a reseller booked since `since` (inclusive).
pub async fn booked_since(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    since: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let sql = "select cast(coalesce(sum(points), 0) as bigint) from points_entries \
               where tenant_id = $1 and reseller_id = $2 and booked_on >= $3";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(reseller_id).bind(since).fetch_one(p).await)
}

/// Resellers with at least one entry.
pub async fn resellers_in_ledger(db: &Db, tenant_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    with_db!(db, p => sqlx::query_scalar(
        "select distinct reseller_id from points_entries where tenant_id = $1")
        .bind(tenant_id).fetch_all(p).await)
}

/// `(challenge, reseller, points)` booked before `day` in these challenges: a leaderboard as
/// it stood then.
pub async fn challenge_points_before(
    db: &Db,
    tenant_id: i64,
    challenge_ids: &[i64],
    day: NaiveDate,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    let sql = format!(
        "select challenge_id, reseller_id, cast(coalesce(sum(points), 0) as bigint) from points_entries \
         where tenant_id = $1 and booked_on < $2 and challenge_id in ({}) group by challenge_id, reseller_id",
        id_list(challenge_ids)
    );
    with_db!(db, p => sqlx::query_as(&sql)
        .persistent(false).bind(tenant_id).bind(day).fetch_all(p).await)
}

/// The digests of the postings each participant's ledger agrees with (`points_reconciled`),
/// of every participant or of those in `resellers`.
pub async fn reconciled_digests(
    tx: &mut Tx,
    tenant_id: i64,
    challenge_id: i64,
    resellers: Option<&[i64]>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut sql = "select reseller_id, digest from points_reconciled where tenant_id = $1 and challenge_id = $2"
        .to_string();
    if let Some(ids) = resellers {
        sql.push_str(&format!(" and reseller_id in ({})", id_list(ids)));
    }
    crate::with_tx!(tx, c => sqlx::query_as::<_, (i64, String)>(&sql).persistent(false).bind(tenant_id).bind(challenge_id).fetch_all(c).await)
}

/// Stores `(reseller, digest)` pairs for a challenge, replacing the participants' previous
/// ones. A digest must be hex (it is written inline, like the ids).
pub async fn store_reconciled_digests(
    tx: &mut Tx,
    tenant_id: i64,
    challenge_id: i64,
    digests: &[(i64, &str)],
) -> Result<(), sqlx::Error> {
    if digests.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = digests
        .iter()
        .map(|(r, d)| format!("({tenant_id}, {challenge_id}, {r}, '{d}')"))
        .collect();
    let sql = format!(
        "insert into points_reconciled (tenant_id, challenge_id, reseller_id, digest) values {} \
         on conflict (tenant_id, challenge_id, reseller_id) do update set digest = excluded.digest",
        values.join(",")
    );
    crate::with_tx!(tx, c => sqlx::query(&sql).persistent(false).execute(c).await.map(|_| ()))
}
