//! Backtest: a challenge's rules over a past period's declarations, with the live engine, writing
//! nothing. Answers "what would this cost, how would points spread, who would hit caps and tiers".

use super::recompute::load_def;
use super::{ChallengeError, TenantPoints};
use crate::db::challenges::facts::{line_facts, product_facts, reseller_facts};
use crate::db::points::Exec;
use crate::db::Db;
use crate::domain::points::compile::Engine;
use crate::domain::points::def::ChallengeDef;
use crate::domain::points::report::Report;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct BacktestRow {
    pub reseller_id: i64,
    pub code: String,
    pub name: String,
    pub league: Option<String>,
    pub points: i64,
    pub points_capped: i64,
    pub tier_reached: Option<u16>,
    pub hit_cap: bool,
    pub rank: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub challenge_id: i64,
    pub version: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: usize,
    pub point_value_cents: i64,
    pub report: Report,
    /// Best first; every participant with points, plus those hitting a cap or a tier.
    pub participants: Vec<BacktestRow>,
}

/// Runs the challenge's current rules over lines sold in `[from, to]`.
pub async fn backtest(
    db: &Db,
    tenant_id: i64,
    challenge_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Backtest, ChallengeError> {
    let c = crate::db::challenges::by_id(Exec::Db(db), tenant_id, challenge_id)
        .await?
        .ok_or(ChallengeError::NotFound)?;
    let def = load_def(Exec::Db(db), &c).await?;
    run(db, tenant_id, def, c.point_value_cents, from, to).await
}

/// Runs any definition (e.g. one being edited) over `[from, to]`.
pub async fn run(
    db: &Db,
    tenant_id: i64,
    mut def: ChallengeDef,
    point_value_cents: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Backtest, ChallengeError> {
    def.start = from;
    def.end = to.max(from);
    let tenant = TenantPoints::load(Exec::Db(db), tenant_id).await?;
    let resellers = reseller_facts(Exec::Db(db), tenant_id).await?;
    let products = product_facts(Exec::Db(db), tenant_id).await?;
    let engine = Engine::new(&def, &resellers, &products).map_err(ChallengeError::Invalid)?;
    let lines = line_facts(
        Exec::Db(db),
        tenant_id,
        def.start,
        def.end,
        None,
        tenant.time_zone,
    )
    .await?;
    let count = lines.len();
    let outcome = engine.compute(lines);
    let names = crate::db::challenges::reseller_names(db, tenant_id).await?;
    let participants = outcome
        .leaderboard(None)
        .into_iter()
        .filter(|p| p.points() > 0 || p.tier_reached.is_some() || p.points_capped > 0)
        .map(|p| {
            let (code, name) = names.get(&p.reseller_id).cloned().unwrap_or_default();
            BacktestRow {
                reseller_id: p.reseller_id,
                code,
                name,
                league: p.league.map(super::standings::league_code),
                points: p.points(),
                points_capped: p.points_capped,
                tier_reached: p.tier_reached,
                hit_cap: p.caps_hit.per_participant
                    || p.caps_hit.budget
                    || !p.caps_hit.months.is_empty(),
                rank: p.rank,
            }
        })
        .collect();
    Ok(Backtest {
        challenge_id: def.id,
        version: def.version,
        from: def.start,
        to: def.end,
        lines: count,
        point_value_cents,
        report: outcome.report(point_value_cents),
        participants,
    })
}
