//! Facts from the database → engine → reconciliation → appended ledger entries and standings.
//!
//! Everything runs inside the caller's write transaction, so that the lines a declarations commit
//! has just written (and not yet committed) are the ones that earn points, and either both the
//! lines and their points exist or neither does.

use super::{standings, ChallengeError, TenantPoints};
use crate::db::challenges::ChallengeRow;
use crate::db::points::{self as ledger_db, id_list, Exec, NewEntry};
use crate::db::{Db, Tx};
use crate::domain::points::compile::{Engine, ProductFacts};
use crate::domain::points::def::{CapKind, ChallengeDef, ChallengeStatus, EntryKind, PointsStatus};
use crate::domain::points::engine::LineFacts;
use crate::domain::points::ledger::{reconcile, LedgerKey, Posting};
use crate::domain::points::outcome::Outcome;
use crate::domain::points::segment::{
    BrandOrganisation, Potential, ResellerFacts, ResellerStatus, ResellerType,
};
use crate::{with_exec, with_tx};
use chrono::{Months, NaiveDate};
use std::collections::{HashMap, HashSet};

/// What one recomputation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Recomputed {
    pub challenges: usize,
    pub lines: usize,
    pub appended: usize,
}

impl std::ops::AddAssign for Recomputed {
    fn add_assign(&mut self, o: Recomputed) {
        self.challenges += o.challenges;
        self.lines += o.lines;
        self.appended += o.appended;
    }
}

/// The challenge's current definition, with the row's identity and status.
pub async fn load_def(exec: Exec<'_>, c: &ChallengeRow) -> Result<ChallengeDef, ChallengeError> {
    let json = crate::db::challenges::definition(exec, c.tenant_id, c.id, c.current_version)
        .await?
        .ok_or(ChallengeError::NotFound)?;
    let mut def: ChallengeDef =
        serde_json::from_str(&json).map_err(|e| ChallengeError::Other(e.into()))?;
    def.id = c.id;
    def.version = c.current_version;
    def.name = c.name.clone();
    def.status = match c.status.as_str() {
        "running" => ChallengeStatus::Running,
        "closed" => ChallengeStatus::Closed,
        _ => ChallengeStatus::Draft,
    };
    Ok(def)
}

pub async fn reseller_facts(
    exec: Exec<'_>,
    tenant_id: i64,
) -> Result<Vec<ResellerFacts>, sqlx::Error> {
    let sql = "select id, reseller_type, brand_organisation, region, potential, status from resellers where tenant_id = $1 order by id";
    let rows = with_exec!(exec, c => sqlx::query_as::<_, (i64, String, String, String, String, String)>(sql).bind(tenant_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, t, b, region, p, s)| ResellerFacts {
            id,
            reseller_type: match t.as_str() {
                "distributor" => ResellerType::Distributor,
                "franchisee" => ResellerType::Franchisee,
                _ => ResellerType::Reseller,
            },
            brand_organisation: if b == "mono" {
                BrandOrganisation::Mono
            } else {
                BrandOrganisation::Multi
            },
            region,
            potential: match p.as_str() {
                "A" => Potential::A,
                "C" => Potential::C,
                _ => Potential::B,
            },
            status: match s.as_str() {
                "prospect" => ResellerStatus::Prospect,
                "inactive" => ResellerStatus::Inactive,
                _ => ResellerStatus::Active,
            },
        })
        .collect())
}

pub async fn product_facts(
    exec: Exec<'_>,
    tenant_id: i64,
) -> Result<Vec<ProductFacts>, sqlx::Error> {
    let sql = "select id, category from products where tenant_id = $1";
    let rows = with_exec!(exec, c => sqlx::query_as::<_, (i64, String)>(sql).bind(tenant_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, category)| ProductFacts { id, category })
        .collect())
}

/// Approved lines (confirmed points) and lines awaiting review (pending points) sold in
/// `[from, to]`; rejected, withdrawn and draft lines earn nothing, which reverses their points.
pub async fn line_facts(
    exec: Exec<'_>,
    tenant_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    resellers: Option<&[i64]>,
    tz: chrono_tz::Tz,
) -> Result<Vec<LineFacts>, sqlx::Error> {
    // PostgreSQL types a bare `case … then 1` as int4: the casts make all three bigint.
    let mut sql = "select id, reseller_id, product_id, sale_date, created_at, quantity, amount_cents, \
         cast(case when coalesce(customer_type, '') <> '' or coalesce(customer_postal_code, '') <> '' \
              or coalesce(customer_hash, '') <> '' then 1 else 0 end as bigint), \
         cast(case when coalesce(feedback, '') <> '' or rating is not null then 1 else 0 end as bigint), \
         cast(case when review_status = 'approved' then 1 else 0 end as bigint) \
         from declaration_lines where tenant_id = $1 and sale_date between $2 and $3 \
         and review_status in ('approved', 'pending')"
        .to_string();
    if let Some(ids) = resellers {
        sql.push_str(&format!(" and reseller_id in ({})", id_list(ids)));
    }
    sql.push_str(" order by id");
    type Row = (i64, i64, i64, NaiveDate, i64, i64, i64, i64, i64, i64);
    let rows = with_exec!(exec, c => sqlx::query_as::<_, Row>(&sql).persistent(false).bind(tenant_id).bind(from).bind(to).fetch_all(c).await)?;
    // Declaration days come from creation timestamps in the tenant's zone; consecutive lines of
    // one import share a timestamp, so the conversion is cached.
    let mut last: (i64, NaiveDate) = (i64::MIN, NaiveDate::MIN);
    Ok(rows
        .into_iter()
        .map(
            |(
                line_id,
                reseller_id,
                product_id,
                sale_date,
                created_at,
                quantity,
                amount_cents,
                cd,
                fb,
                ok,
            )| {
                if created_at != last.0 {
                    let day = chrono::DateTime::from_timestamp(created_at, 0)
                        .map_or(sale_date, |t| t.with_timezone(&tz).date_naive());
                    last = (created_at, day);
                }
                LineFacts {
                    line_id,
                    reseller_id,
                    product_id,
                    sale_date,
                    declared_on: last.1,
                    quantity,
                    amount_cents,
                    has_customer_details: cd != 0,
                    has_feedback: fb != 0,
                    approved: ok != 0,
                }
            },
        )
        .collect())
}

pub fn entry_kind(text: &str) -> Option<EntryKind> {
    Some(match text {
        "unit" => EntryKind::Unit,
        "amount" => EntryKind::Amount,
        "quality" => EntryKind::Quality,
        "timeliness" => EntryKind::Timeliness,
        "tier" => EntryKind::Tier,
        _ => return None,
    })
}

pub fn entry_kind_text(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Unit => "unit",
        EntryKind::Amount => "amount",
        EntryKind::Quality => "quality",
        EntryKind::Timeliness => "timeliness",
        EntryKind::Tier => "tier",
    }
}

fn cap_text(c: CapKind) -> &'static str {
    match c {
        CapKind::PerParticipantMonth => "monthly",
        CapKind::PerParticipant => "participant",
        CapKind::Budget => "budget",
    }
}

/// Recomputes one challenge (all of it, or only `scope`'s resellers when no budget ties
/// participants together) and appends what the ledger lacks. The caller owns `tx`.
pub async fn recompute_in(
    tx: &mut Tx,
    tenant: &TenantPoints,
    c: &ChallengeRow,
    scope: Option<&[i64]>,
) -> Result<(Recomputed, Outcome), ChallengeError> {
    let def = load_def(Exec::Tx(&mut *tx), c).await?;
    let scope = if def.caps.budget.is_some() {
        None
    } else {
        scope
    };
    let resellers = reseller_facts(Exec::Tx(&mut *tx), tenant.id).await?;
    let products = product_facts(Exec::Tx(&mut *tx), tenant.id).await?;
    let engine = Engine::new(&def, &resellers, &products).map_err(ChallengeError::Invalid)?;
    let lines = line_facts(
        Exec::Tx(&mut *tx),
        tenant.id,
        def.start,
        def.end,
        scope,
        tenant.time_zone,
    )
    .await?;
    let line_count = lines.len();
    let outcome = engine.compute(lines);
    let existing =
        ledger_db::challenge_postings(Exec::Tx(&mut *tx), tenant.id, c.id, scope).await?;
    let in_scope = |r: i64| scope.is_none_or(|s| s.contains(&r));
    let existing = existing.into_iter().filter_map(|row| {
        Some(Posting {
            key: LedgerKey {
                challenge_id: c.id,
                reseller_id: row.reseller_id,
                line_id: row.line_id,
                kind: entry_kind(&row.kind)?,
                index: row.rule_index.unwrap_or(0) as u16,
                version: row.version.unwrap_or(0),
                status: if row.state == "pending" {
                    PointsStatus::Pending
                } else {
                    PointsStatus::Confirmed
                },
            },
            points: row.points,
        })
    });
    let adjustments = reconcile(
        outcome.postings().filter(|p| in_scope(p.key.reseller_id)),
        existing,
    );
    let entries = explain(tx, tenant, c, &outcome, &adjustments).await?;
    ledger_db::insert(tx, tenant.id, &entries).await?;
    // Closed challenges keep their frozen standings; the ledger still follows reviews.
    if c.status == "running" {
        let rows = standings::from_outcome(&outcome, scope);
        crate::db::challenges::write_standings(tx, tenant.id, c.id, &rows, scope.is_none(), false)
            .await?;
    }
    Ok((
        Recomputed {
            challenges: 1,
            lines: line_count,
            appended: entries.len(),
        },
        outcome,
    ))
}

/// Turns adjustments into ledger rows that say why they exist and how they were computed.
async fn explain(
    tx: &mut Tx,
    tenant: &TenantPoints,
    c: &ChallengeRow,
    outcome: &Outcome,
    adjustments: &[Posting],
) -> Result<Vec<NewEntry>, sqlx::Error> {
    type Key = (i64, Option<i64>, EntryKind, u16, PointsStatus);
    let key_of = |k: &LedgerKey| (k.reseller_id, k.line_id, k.kind, k.index, k.status);
    let needed: HashSet<Key> = adjustments
        .iter()
        .filter(|a| a.key.version == outcome.version)
        .map(|a| key_of(&a.key))
        .collect();
    let mut how: HashMap<Key, (i64, i64, i64, Option<CapKind>)> = HashMap::new();
    if !needed.is_empty() {
        for e in &outcome.line_entries {
            let k = (e.reseller_id, Some(e.line_id), e.kind, e.rule, e.status);
            if needed.contains(&k) {
                how.insert(k, (e.basis, e.rate, e.factor_permille, e.capped_by));
            }
        }
        for e in &outcome.tier_entries {
            let k = (e.reseller_id, None, EntryKind::Tier, e.tier, e.status);
            if needed.contains(&k) {
                how.insert(k, (e.counted, e.rate, 1000, e.capped_by));
            }
        }
    }
    // Why a line's points went down: its review status now.
    let lines: Vec<i64> = adjustments
        .iter()
        .filter(|a| a.points < 0)
        .filter_map(|a| a.key.line_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut status: HashMap<i64, (String, Option<String>)> = HashMap::new();
    for chunk in lines.chunks(500) {
        let sql = format!(
            "select id, review_status, review_reason from declaration_lines where tenant_id = $1 and id in ({})",
            id_list(chunk)
        );
        let rows = with_tx!(tx, conn => sqlx::query_as::<_, (i64, String, Option<String>)>(&sql).persistent(false).bind(tenant.id).fetch_all(conn).await)?;
        status.extend(rows.into_iter().map(|(id, s, r)| (id, (s, r))));
    }
    // An approval shows as −x pending and +x confirmed on the same key.
    let moved: HashSet<(i64, Option<i64>, EntryKind, u16)> = adjustments
        .iter()
        .filter(|a| a.key.status == PointsStatus::Pending && a.points < 0)
        .map(|a| (a.key.reseller_id, a.key.line_id, a.key.kind, a.key.index))
        .collect();
    let credited: HashSet<(i64, Option<i64>, EntryKind, u16)> = adjustments
        .iter()
        .filter(|a| a.key.status == PointsStatus::Confirmed && a.points > 0)
        .map(|a| (a.key.reseller_id, a.key.line_id, a.key.kind, a.key.index))
        .collect();
    let today = tenant.today();
    let months = c.validity_months.unwrap_or(tenant.validity_months);
    let expires = (months > 0)
        .then(|| today.checked_add_months(Months::new(months as u32)))
        .flatten();
    Ok(adjustments
        .iter()
        .map(|a| {
            let k = &a.key;
            let short = (k.reseller_id, k.line_id, k.kind, k.index);
            let line_status = k.line_id.and_then(|l| status.get(&l));
            let reason = if a.points > 0 {
                if k.status == PointsStatus::Confirmed && moved.contains(&short) {
                    "approved"
                } else {
                    "earned"
                }
            } else if k.version != outcome.version {
                "new_version"
            } else if k.status == PointsStatus::Pending && credited.contains(&short) {
                "approved"
            } else {
                match line_status.map(|(s, r)| (s.as_str(), r.as_deref())) {
                    Some(("rejected", _)) => "rejected",
                    Some(("withdrawn", Some("undone"))) => "import_undone",
                    Some(("withdrawn", _)) => "withdrawn",
                    Some(("approved", _)) if k.status == PointsStatus::Pending => "approved",
                    _ => "recomputed",
                }
            };
            let state = match (k.status, a.points > 0) {
                (PointsStatus::Pending, _) => "pending",
                (PointsStatus::Confirmed, true) => "confirmed",
                (PointsStatus::Confirmed, false) => "reversed",
            };
            let explained = how.get(&key_of(k));
            NewEntry {
                reseller_id: k.reseller_id,
                challenge_id: Some(k.challenge_id),
                version: Some(k.version),
                line_id: k.line_id,
                kind: entry_kind_text(k.kind),
                rule_index: Some(k.index as i64),
                state,
                points: a.points,
                reason,
                basis: explained.map(|e| e.0),
                rate: explained.map(|e| e.1),
                factor_permille: explained.map(|e| e.2),
                capped_by: explained.and_then(|e| e.3).map(cap_text),
                redemption_id: None,
                booked_on: today,
                expires_on: if state == "confirmed" { expires } else { None },
            }
        })
        .collect())
}

/// Recomputes a whole challenge in its own transaction (manual "recompute", tests, benchmark).
pub async fn recompute(
    db: &Db,
    tenant_id: i64,
    challenge_id: i64,
) -> Result<Recomputed, ChallengeError> {
    let mut tx = db.begin().await?;
    let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
    let c = crate::db::challenges::by_id(Exec::Tx(&mut tx), tenant_id, challenge_id)
        .await?
        .ok_or(ChallengeError::NotFound)?;
    if c.status == "draft" {
        return Err(ChallengeError::WrongStatus);
    }
    let (done, _) = recompute_in(&mut tx, &tenant, &c, None).await?;
    tx.commit().await?;
    Ok(done)
}

/// Awards, confirms or reverses the points of declaration lines whose existence or review status
/// just changed — call it inside the same write transaction, after the change:
/// a commit (new lines), an approval or rejection, an import undone or replaced.
///
/// It reads through `tx` (so it sees the uncommitted lines), writes only append-only ledger rows
/// and standings, never commits or rolls back, and is a no-op for lines outside every running or
/// closed challenge. A challenge with a budget is recomputed whole (one line's points depend on
/// everyone's earlier lines); otherwise only the resellers of the changed lines are.
pub async fn on_lines_changed(
    tx: &mut Tx,
    tenant_id: i64,
    line_ids: &[i64],
) -> Result<Recomputed, ChallengeError> {
    let mut touched: Vec<i64> = Vec::new();
    let mut range: Option<(NaiveDate, NaiveDate)> = None;
    for chunk in line_ids.chunks(500) {
        let sql = format!(
            "select reseller_id, min(sale_date), max(sale_date) from declaration_lines \
             where tenant_id = $1 and id in ({}) group by reseller_id",
            id_list(chunk)
        );
        let rows = with_tx!(tx, c => sqlx::query_as::<_, (i64, NaiveDate, NaiveDate)>(&sql).persistent(false).bind(tenant_id).fetch_all(c).await)?;
        for (r, from, to) in rows {
            touched.push(r);
            range = Some(range.map_or((from, to), |(a, b)| (a.min(from), b.max(to))));
        }
    }
    let Some((from, to)) = range else {
        return Ok(Recomputed::default());
    };
    on_resellers_changed(tx, tenant_id, &touched, from, to).await
}

/// Same as [`on_lines_changed`] when the caller knows which resellers' lines changed and the
/// span of their sale dates (an import of a million lines need not list its line ids).
pub async fn on_resellers_changed(
    tx: &mut Tx,
    tenant_id: i64,
    resellers: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Recomputed, ChallengeError> {
    let mut touched = resellers.to_vec();
    touched.sort_unstable();
    touched.dedup();
    let live = crate::db::challenges::live_between(tx, tenant_id, from, to).await?;
    let mut done = Recomputed::default();
    if live.is_empty() {
        return Ok(done);
    }
    let tenant = TenantPoints::load(Exec::Tx(&mut *tx), tenant_id).await?;
    for c in &live {
        done += recompute_in(tx, &tenant, c, Some(&touched)).await?.0;
    }
    Ok(done)
}

/// A pending line was approved: its pending points become confirmed (same as [`on_lines_changed`]).
pub async fn confirm(
    tx: &mut Tx,
    tenant_id: i64,
    line_ids: &[i64],
) -> Result<Recomputed, ChallengeError> {
    on_lines_changed(tx, tenant_id, line_ids).await
}

/// A line was rejected or withdrawn: its points are reversed (same as [`on_lines_changed`]).
pub async fn reverse(
    tx: &mut Tx,
    tenant_id: i64,
    line_ids: &[i64],
) -> Result<Recomputed, ChallengeError> {
    on_lines_changed(tx, tenant_id, line_ids).await
}
