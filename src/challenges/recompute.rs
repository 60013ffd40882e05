//! Facts from the database → engine → reconciliation → appended ledger entries and standings.
//!
//! Everything runs inside the caller's write transaction, so that the lines a declarations commit
//! has just written (and not yet committed) are the ones that earn points, and either both the
//! lines and their points exist or neither does.

use super::reconcile::reconcile_ledger;
use super::{standings, ChallengeError, TenantPoints};
use crate::db::challenges::facts::{line_facts, product_facts, reseller_facts};
use crate::db::challenges::ChallengeRow;
use crate::db::points::Exec;
use crate::db::{Db, Tx};
use crate::domain::points::compile::Engine;
use crate::domain::points::def::{CapKind, ChallengeDef, ChallengeStatus, EntryKind};
use crate::domain::points::outcome::Outcome;
use chrono::NaiveDate;

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

pub(super) fn cap_text(c: CapKind) -> &'static str {
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
    let clock = std::time::Instant::now();
    let mut phases: Vec<(&str, u128)> = Vec::new();
    let mut lap = |name: &'static str| phases.push((name, clock.elapsed().as_millis()));
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
    lap("facts");
    let line_count = lines.len();
    let outcome = engine.compute(lines);
    lap("engine");
    let appended = reconcile_ledger(tx, tenant, c, &outcome, scope).await?;
    lap("ledger");
    // Closed challenges keep their frozen standings; the ledger still follows reviews.
    if c.status == "running" {
        let rows = standings::from_outcome(&outcome, scope);
        crate::db::challenges::write_standings(tx, tenant.id, c.id, &rows, scope.is_none(), false)
            .await?;
    }
    lap("standings");
    tracing::debug!(
        challenge = c.id,
        lines = line_count,
        ?phases,
        "recomputed (ms since start)"
    );
    Ok((
        Recomputed {
            challenges: 1,
            lines: line_count,
            appended,
        },
        outcome,
    ))
}

/// Recomputes a whole challenge in its own transaction (manual "recompute", tests, benchmark),
/// holding it locked: a second recompute waits, then finds nothing left to book.
pub async fn recompute(
    db: &Db,
    tenant_id: i64,
    challenge_id: i64,
) -> Result<Recomputed, ChallengeError> {
    let mut tx = db.begin().await?;
    let c = crate::db::challenges::lock(&mut tx, tenant_id, challenge_id)
        .await?
        .ok_or(ChallengeError::NotFound)?;
    if c.status == "draft" {
        return Err(ChallengeError::WrongStatus);
    }
    let tenant = TenantPoints::load(Exec::Tx(&mut tx), tenant_id).await?;
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
    for (r, from, to) in crate::db::declarations::line_date_spans(tx, tenant_id, line_ids).await? {
        touched.push(r);
        range = Some(range.map_or((from, to), |(a, b)| (a.min(from), b.max(to))));
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
