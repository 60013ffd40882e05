//! One reseller's figures: the profile section of `/network/{code}` and the reseller's own
//! `/my/insights`, with its anonymised benchmark against its peers.

use super::cadence::{alert_since, of_reseller};
use super::feedback::{feedback, Feedback};
use crate::analytics::compute::benchmark::{peer_benchmark, PeerBenchmark};
use crate::analytics::compute::cadence::Cadence;
use crate::analytics::compute::shares::{shares, Share};
use crate::analytics::compute::weekly::WeekRow;
use crate::analytics::dashboard::{best_sellers, weekly, BestSeller};
use crate::analytics::filter::SalesFilter;
use crate::db::analytics::insights::{self, Peer};
use crate::db::analytics::sales::{grouped, total, Key};
use crate::db::Db;
use chrono::NaiveDate;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Profile {
    /// Distinct declarations with approved lines matching the filter.
    pub declarations: i64,
    pub quantity: i64,
    pub amount_cents: i64,
    pub lines: i64,
    /// As of today, over all time (the filter's period does not apply).
    pub cadence: Cadence,
    pub alert_since: Option<NaiveDate>,
    pub weekly: Vec<WeekRow>,
    pub best_sellers: Vec<BestSeller>,
    /// By end-customer type code (`''` unknown).
    pub customer_mix: Vec<Share<String>>,
    pub feedback: Feedback,
}

/// `filter` narrowed to `reseller_id` (whatever it held).
pub fn for_reseller(filter: &SalesFilter, reseller_id: i64) -> SalesFilter {
    SalesFilter {
        reseller_id: Some(reseller_id),
        region: None,
        reseller_type: None,
        brand_organisation: None,
        potential: None,
        manager_id: None,
        ..filter.clone()
    }
}

pub async fn profile(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    filter: &SalesFilter,
    today: NaiveDate,
    time_zone: &str,
) -> Result<Profile, sqlx::Error> {
    let f = for_reseller(filter, reseller_id);
    let totals = total(db, tenant_id, &f, f.period).await?;
    let declarations = insights::declarations(db, tenant_id, &f).await?;
    let cadence = of_reseller(db, tenant_id, reseller_id, today, time_zone).await?;
    let mix: Vec<(String, i64)> = grouped(db, tenant_id, &f, f.period, Key::CustomerType, None)
        .await?
        .into_iter()
        .map(|g| (g.k1, g.amount))
        .collect();
    Ok(Profile {
        declarations,
        quantity: totals.quantity,
        amount_cents: totals.amount,
        lines: totals.lines,
        alert_since: cadence.alert.then(|| alert_since(&cadence)).flatten(),
        cadence,
        weekly: weekly(db, tenant_id, &f).await?,
        best_sellers: best_sellers(db, tenant_id, &f).await?,
        customer_mix: shares(&mix),
        feedback: feedback(db, tenant_id, &f, "").await?,
    })
}

/// Who the reseller is compared with: the narrowest group with enough peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerGroup {
    /// Same reseller type and potential, as challenge leagues are formed.
    League,
    ResellerType,
    Network,
}

#[derive(Debug, Clone)]
pub struct Benchmark {
    pub group: PeerGroup,
    pub amount: PeerBenchmark,
    pub quantity: PeerBenchmark,
    pub lines: PeerBenchmark,
}

/// The reseller against the median of its active peers over the filter (peers without
/// sales count as zero); `None` when even the whole network has fewer than
/// [`crate::analytics::compute::benchmark::MIN_PEERS`] peers, since a median of one or two would reveal them.
pub async fn benchmark(
    db: &Db,
    tenant_id: i64,
    reseller_id: i64,
    filter: &SalesFilter,
) -> Result<Option<Benchmark>, sqlx::Error> {
    let members = insights::peers(db, tenant_id, reseller_id).await?;
    let Some(me) = members.iter().find(|m| m.id == reseller_id) else {
        return Ok(None);
    };
    let everyone = SalesFilter {
        reseller_id: None,
        region: None,
        reseller_type: None,
        brand_organisation: None,
        potential: None,
        manager_id: None,
        ..filter.clone()
    };
    let sums: HashMap<i64, (i64, i64, i64)> = grouped(
        db,
        tenant_id,
        &everyone,
        everyone.period,
        Key::Reseller,
        None,
    )
    .await?
    .into_iter()
    .filter_map(|g| Some((g.id()?, (g.amount, g.quantity, g.lines))))
    .collect();
    for group in [
        PeerGroup::League,
        PeerGroup::ResellerType,
        PeerGroup::Network,
    ] {
        let in_group = |m: &&Peer| match group {
            PeerGroup::League => m.reseller_type == me.reseller_type && m.potential == me.potential,
            PeerGroup::ResellerType => m.reseller_type == me.reseller_type,
            PeerGroup::Network => true,
        };
        let values: Vec<(i64, (i64, i64, i64))> = members
            .iter()
            .filter(in_group)
            .map(|m| (m.id, sums.get(&m.id).copied().unwrap_or_default()))
            .collect();
        let metric = |pick: fn(&(i64, i64, i64)) -> i64| {
            let v: Vec<(i64, f64)> = values.iter().map(|(id, s)| (*id, pick(s) as f64)).collect();
            peer_benchmark(&v, &reseller_id)
        };
        if let (Some(amount), Some(quantity), Some(lines)) =
            (metric(|s| s.0), metric(|s| s.1), metric(|s| s.2))
        {
            return Ok(Some(Benchmark {
                group,
                amount,
                quantity,
                lines,
            }));
        }
    }
    Ok(None)
}
