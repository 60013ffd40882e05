//! Challenges, their rule-set versions and their standings (`challenge_participants`).

pub mod facts;

use super::points::{id_list, Exec};
use super::{now, Db, Tx};
use crate::{with_db, with_exec, with_tx};
use chrono::NaiveDate;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ChallengeRow {
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub description: String,
    pub status: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub current_version: i64,
    pub show_names: bool,
    pub point_value_cents: i64,
    pub validity_months: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub launched_at: Option<i64>,
    pub closed_at: Option<i64>,
}

const COLUMNS: &str = "id, tenant_id, name, description, status, start_date, end_date, current_version, show_names, \
                       point_value_cents, validity_months, created_at, updated_at, launched_at, closed_at";

pub async fn list(db: &Db, tenant_id: i64) -> Result<Vec<ChallengeRow>, sqlx::Error> {
    let sql = format!(
        "select {COLUMNS} from challenges where tenant_id = $1 order by start_date desc, id desc"
    );
    with_db!(db, p => sqlx::query_as::<_, ChallengeRow>(&sql).bind(tenant_id).fetch_all(p).await)
}

/// The tenant a challenge belongs to (the CLI names a challenge by id alone).
pub async fn tenant_of(db: &Db, challenge_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let sql = "select tenant_id from challenges where id = $1";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(challenge_id).fetch_optional(p).await)
}

pub async fn by_id(
    exec: Exec<'_>,
    tenant_id: i64,
    id: i64,
) -> Result<Option<ChallengeRow>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from challenges where tenant_id = $1 and id = $2");
    with_exec!(exec, c => sqlx::query_as::<_, ChallengeRow>(&sql).bind(tenant_id).bind(id).fetch_optional(c).await)
}

/// The challenge, locked until `tx` ends: whoever recomputes it, changes its rules or its
/// status holds it, so that two of them never both read the ledger as it was before the other
/// and both book what it lacked.
pub async fn lock(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
) -> Result<Option<ChallengeRow>, sqlx::Error> {
    let sql = format!(
        "select {COLUMNS} from challenges where tenant_id = $1 and id = $2{}",
        tx.for_update()
    );
    with_tx!(tx, c => sqlx::query_as::<_, ChallengeRow>(&sql).bind(tenant_id).bind(id).fetch_optional(c).await)
}

/// Running and closed challenges whose dates meet `[from, to]`: the ones a line change can move.
/// They are locked (in id order) until `tx` ends, as [`lock`] does.
pub async fn live_between(
    tx: &mut Tx,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ChallengeRow>, sqlx::Error> {
    let sql = format!(
        "select {COLUMNS} from challenges where tenant_id = $1 and status in ('running', 'closed') \
         and start_date <= $3 and end_date >= $2 order by id{}",
        tx.for_update()
    );
    with_tx!(tx, c => sqlx::query_as::<_, ChallengeRow>(&sql).bind(tenant_id).bind(from).bind(to).fetch_all(c).await)
}

/// Running challenges whose last day is before `today`.
pub async fn due(db: &Db, tenant_id: i64, today: NaiveDate) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "select id from challenges where tenant_id = $1 and status = 'running' and end_date < $2 order by id";
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sql).bind(tenant_id).bind(today).fetch_all(p).await)
}

/// What the form edits besides the rules.
#[derive(Debug, Clone)]
pub struct Header<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub show_names: bool,
    pub point_value_cents: i64,
    pub validity_months: Option<i64>,
}

pub async fn insert(
    tx: &mut Tx,
    tenant_id: i64,
    h: &Header<'_>,
    by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let sql = "insert into challenges (tenant_id, name, description, status, start_date, end_date, current_version, \
               show_names, point_value_cents, validity_months, created_by, created_at, updated_at) \
               values ($1, $2, $3, 'draft', $4, $5, 1, $6, $7, $8, $9, $10, $10) returning id";
    with_tx!(tx, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(tenant_id).bind(h.name).bind(h.description).bind(h.start).bind(h.end).bind(h.show_names)
        .bind(h.point_value_cents).bind(h.validity_months).bind(by).bind(now())
        .fetch_one(c).await)
}

pub async fn update_header(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    h: &Header<'_>,
    version: i64,
) -> Result<u64, sqlx::Error> {
    let sql = "update challenges set name = $3, description = $4, start_date = $5, end_date = $6, show_names = $7, \
               point_value_cents = $8, validity_months = $9, current_version = $10, updated_at = $11 \
               where tenant_id = $1 and id = $2";
    with_tx!(tx, c => sqlx::query(sql)
        .bind(tenant_id).bind(id).bind(h.name).bind(h.description).bind(h.start).bind(h.end).bind(h.show_names)
        .bind(h.point_value_cents).bind(h.validity_months).bind(version).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Moves a challenge from `from` to `to` (draft → running → closed); 0 rows when it was not in `from`.
pub async fn set_status(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    from: &str,
    to: &str,
) -> Result<u64, sqlx::Error> {
    let sql = "update challenges set status = $4, updated_at = $5, \
               launched_at = case when $4 = 'running' then $5 else launched_at end, \
               closed_at = case when $4 = 'closed' then $5 else closed_at end \
               where tenant_id = $1 and id = $2 and status = $3";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(from).bind(to).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
}

pub async fn definition(
    exec: Exec<'_>,
    tenant_id: i64,
    id: i64,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    let sql = "select definition from challenge_versions where tenant_id = $1 and challenge_id = $2 and version = $3";
    with_exec!(exec, c => sqlx::query_scalar::<_, String>(sql).bind(tenant_id).bind(id).bind(version).fetch_optional(c).await)
}

/// Every version's definition, oldest first (a statement names rules of older versions too).
pub async fn versions(
    db: &Db,
    tenant_id: i64,
    id: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let sql = "select version, definition, created_at from challenge_versions \
               where tenant_id = $1 and challenge_id = $2 order by version";
    with_db!(db, p => sqlx::query_as::<_, (i64, String, i64)>(sql).bind(tenant_id).bind(id).fetch_all(p).await)
}

pub async fn insert_version(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    version: i64,
    definition: &str,
    by: Option<i64>,
) -> Result<(), sqlx::Error> {
    let sql = "insert into challenge_versions (tenant_id, challenge_id, version, definition, created_by, created_at) \
               values ($1, $2, $3, $4, $5, $6)";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(version).bind(definition).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A draft's rules are edited in place: no entry refers to them yet.
pub async fn replace_version(
    tx: &mut Tx,
    tenant_id: i64,
    id: i64,
    version: i64,
    definition: &str,
) -> Result<u64, sqlx::Error> {
    let sql = "update challenge_versions set definition = $4, created_at = $5 \
               where tenant_id = $1 and challenge_id = $2 and version = $3";
    with_tx!(tx, c => sqlx::query(sql).bind(tenant_id).bind(id).bind(version).bind(definition).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
}

/// A participant's standing as stored.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Standing {
    pub challenge_id: i64,
    pub reseller_id: i64,
    pub code: String,
    pub name: String,
    pub league: Option<String>,
    pub lines: i64,
    pub units: i64,
    pub amount_cents: i64,
    pub points_confirmed: i64,
    pub points_pending: i64,
    pub points_capped: i64,
    pub tier_basis: i64,
    pub tier_reached: Option<i64>,
    pub next_tier: Option<i64>,
    pub next_tier_missing: Option<i64>,
    pub hit_cap: bool,
    pub rank: i64,
    pub league_rank: i64,
    pub frozen: bool,
}

/// A row to write into the standings.
#[derive(Debug, Clone)]
pub struct NewStanding {
    pub reseller_id: i64,
    pub league: Option<String>,
    pub lines: i64,
    pub units: i64,
    pub amount_cents: i64,
    pub points_confirmed: i64,
    pub points_pending: i64,
    pub points_capped: i64,
    pub tier_basis: i64,
    pub tier_reached: Option<i64>,
    pub next_tier: Option<i64>,
    pub next_tier_missing: Option<i64>,
    pub hit_cap: bool,
    pub rank: i64,
    pub league_rank: i64,
}

const STANDINGS_UPSERT: &str = " on conflict (challenge_id, reseller_id) do update set \
    league = excluded.league, lines = excluded.lines, units = excluded.units, amount_cents = excluded.amount_cents, \
    points_confirmed = excluded.points_confirmed, points_pending = excluded.points_pending, \
    points_capped = excluded.points_capped, tier_basis = excluded.tier_basis, tier_reached = excluded.tier_reached, \
    next_tier = excluded.next_tier, next_tier_missing = excluded.next_tier_missing, hit_cap = excluded.hit_cap, \
    rank = excluded.rank, league_rank = excluded.league_rank, frozen = excluded.frozen, updated_at = excluded.updated_at";

const STANDINGS_INSERT: &str = "insert into challenge_participants (tenant_id, challenge_id, reseller_id, league, lines, units, \
    amount_cents, points_confirmed, points_pending, points_capped, tier_basis, tier_reached, next_tier, \
    next_tier_missing, hit_cap, rank, league_rank, frozen, updated_at) ";

/// Writes the standings of `rows`' resellers (and, when `all`, drops the rows of resellers no
/// longer among them). `frozen` marks final results. Rows are upserted rather than deleted and
/// re-inserted: a re-insert next to another transaction's fails on the primary key, an upsert
/// waits for it.
pub async fn write_standings(
    tx: &mut Tx,
    tenant_id: i64,
    challenge_id: i64,
    rows: &[NewStanding],
    all: bool,
    frozen: bool,
) -> Result<(), sqlx::Error> {
    if all {
        let ids: Vec<i64> = rows.iter().map(|r| r.reseller_id).collect();
        let mut delete =
            "delete from challenge_participants where tenant_id = $1 and challenge_id = $2"
                .to_string();
        if !ids.is_empty() {
            delete.push_str(&format!(" and reseller_id not in ({})", id_list(&ids)));
        }
        with_tx!(tx, c => sqlx::query(&delete).persistent(false).bind(tenant_id).bind(challenge_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let stamp = now();
    for chunk in rows.chunks(1_000) {
        with_tx!(tx, c => {
            let mut qb = sqlx::QueryBuilder::new(STANDINGS_INSERT);
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(tenant_id).push_bind(challenge_id).push_bind(r.reseller_id).push_bind(r.league.clone())
                    .push_bind(r.lines).push_bind(r.units).push_bind(r.amount_cents).push_bind(r.points_confirmed)
                    .push_bind(r.points_pending).push_bind(r.points_capped).push_bind(r.tier_basis)
                    .push_bind(r.tier_reached).push_bind(r.next_tier).push_bind(r.next_tier_missing)
                    .push_bind(r.hit_cap).push_bind(r.rank).push_bind(r.league_rank).push_bind(frozen).push_bind(stamp);
            });
            qb.push(STANDINGS_UPSERT);
            qb.build().persistent(false).execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

const STANDING: &str = "select s.challenge_id, s.reseller_id, r.code, r.name, s.league, s.lines, s.units, s.amount_cents, \
    s.points_confirmed, s.points_pending, s.points_capped, s.tier_basis, s.tier_reached, s.next_tier, \
    s.next_tier_missing, s.hit_cap, s.rank, s.league_rank, s.frozen \
    from challenge_participants s join resellers r on r.id = s.reseller_id";

pub async fn standings(
    db: &Db,
    tenant_id: i64,
    challenge_id: i64,
) -> Result<Vec<Standing>, sqlx::Error> {
    let sql =
        format!("{STANDING} where s.tenant_id = $1 and s.challenge_id = $2 order by s.reseller_id");
    with_db!(db, p => sqlx::query_as::<_, Standing>(&sql).bind(tenant_id).bind(challenge_id).fetch_all(p).await)
}

/// The challenges a reseller takes part in (it has a standing), with that standing.
pub async fn of_reseller(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
) -> Result<Vec<(ChallengeRow, Standing)>, sqlx::Error> {
    let list = list(db, tenant_id).await?;
    let sql = format!("{STANDING} where s.tenant_id = $1 and s.reseller_id = $2");
    let mine = with_db!(db, p => sqlx::query_as::<_, Standing>(&sql).bind(tenant_id).bind(reseller_id).fetch_all(p).await)?;
    Ok(list
        .into_iter()
        .filter(|c| c.status != "draft")
        .filter_map(|c| {
            let s = mine.iter().find(|s| s.challenge_id == c.id)?.clone();
            Some((c, s))
        })
        .collect())
}

/// Code and name of every reseller of the tenant, by id (backtest and export rows).
pub async fn reseller_names(
    db: &Db,
    tenant_id: i64,
) -> Result<std::collections::HashMap<i64, (String, String)>, sqlx::Error> {
    let sql = "select id, code, name from resellers where tenant_id = $1";
    let rows = with_db!(db, p => sqlx::query_as::<_, (i64, String, String)>(sql).bind(tenant_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name)| (id, (code, name)))
        .collect())
}

/// Reseller ids for codes of the tenant (a hand-picked eligibility list); unknown codes are returned apart.
pub async fn reseller_ids(
    db: &Db,
    tenant_id: i64,
    codes: &[String],
) -> Result<(Vec<i64>, Vec<String>), sqlx::Error> {
    let sql = "select id, code from resellers where tenant_id = $1";
    let rows = with_db!(db, p => sqlx::query_as::<_, (i64, String)>(sql).bind(tenant_id).fetch_all(p).await)?;
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for code in codes {
        match rows.iter().find(|(_, c)| c.eq_ignore_ascii_case(code)) {
            Some((id, _)) => ids.push(*id),
            None => unknown.push(code.clone()),
        }
    }
    Ok((ids, unknown))
}
