//! What changed lines move elsewhere: the analytics roll-ups and the challenge points, brought
//! up to date inside the transaction that changed the lines (a commit, a replaced period, an
//! undo, a review decision, a submitted form), so that a failure rolls everything back.

use crate::analytics::rollup::{Added, Scope};
use crate::db::analytics::rollup;
use crate::db::Tx;
use chrono::NaiveDate;

/// A reseller's lines dated in `[from, to]` were added, withdrawn or replaced.
pub async fn range_changed(
    tx: &mut Tx,
    tenant_id: i64,
    reseller_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<()> {
    spans_changed(tx, tenant_id, &[(reseller_id, from, to)]).await
}

/// What a committed import did to the reseller's lines in its dates.
pub enum Change<'a> {
    /// It only added lines: these are the approved ones, summed.
    Added(&'a Added),
    /// Anything else (a replaced period): recompute the range from the lines.
    Range,
}

/// An import of `source` lines was committed for `(tenant, reseller)`, its lines dated in
/// `dates`.
pub async fn import_committed(
    tx: &mut Tx,
    (tenant_id, reseller_id): (i64, i64),
    source: &str,
    (from, to): (NaiveDate, NaiveDate),
    change: Change<'_>,
) -> anyhow::Result<()> {
    match change {
        Change::Range => range_changed(tx, tenant_id, reseller_id, from, to).await,
        Change::Added(added) => {
            rollup::add(tx, tenant_id, reseller_id, source, added).await?;
            crate::challenges::on_resellers_changed(tx, tenant_id, &[reseller_id], from, to)
                .await?;
            Ok(())
        }
    }
}

/// These lines were added or changed status (review, form submit): their spans are read once
/// and serve both the roll-ups and the points.
pub async fn lines_changed(tx: &mut Tx, tenant_id: i64, line_ids: &[i64]) -> anyhow::Result<()> {
    let spans = rollup::ranges(tx, tenant_id, Scope::Lines(line_ids)).await?;
    spans_changed(tx, tenant_id, &spans).await
}

async fn spans_changed(
    tx: &mut Tx,
    tenant_id: i64,
    spans: &[(i64, NaiveDate, NaiveDate)],
) -> anyhow::Result<()> {
    for &(reseller_id, from, to) in spans {
        let scope = Scope::Range {
            reseller_id,
            from,
            to,
        };
        rollup::apply(tx, tenant_id, scope).await?;
    }
    let (Some(from), Some(to)) = (
        spans.iter().map(|s| s.1).min(),
        spans.iter().map(|s| s.2).max(),
    ) else {
        return Ok(());
    };
    let resellers: Vec<i64> = spans.iter().map(|s| s.0).collect();
    crate::challenges::on_resellers_changed(tx, tenant_id, &resellers, from, to).await?;
    Ok(())
}
