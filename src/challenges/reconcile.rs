//! Bringing one challenge's ledger to what the engine computed, participant by participant.
//!
//! The arithmetic is [`crate::domain::points::ledger::reconcile`]: per key, append
//! `desired − booked`. Reading every booked entry of a million-line challenge costs far more than
//! computing it, so each participant's desired postings are also summarised by a digest (SHA-256
//! over its keys and points in the engine's deterministic order), stored in `points_reconciled` by the reconciliation that
//! made the ledger agree with them. On the next run, a participant whose digest is unchanged has
//! nothing to append and its entries are not read; only the others are reconciled, a few hundred
//! participants at a time so that memory stays bounded whatever the size of the challenge.
//!
//! This holds because only this module appends challenge entries, in the same transaction as the
//! digest it stores. Ledgers older than the digests carry an empty digest (see the migration),
//! which never matches, so they are read and reconciled once.

use super::recompute::{cap_text, entry_kind, entry_kind_text};
use super::TenantPoints;
use crate::db::challenges::ChallengeRow;
use crate::db::points::{self as ledger_db, Exec, NewEntry};
use crate::db::{declarations, Tx};
use crate::domain::points::def::{CapKind, EntryKind, PointsStatus};
use crate::domain::points::ledger::{reconcile, LedgerKey, Posting};
use crate::domain::points::outcome::Outcome;
use chrono::{Months, NaiveDate};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Participants reconciled together: one ledger read, one status read, a few insert batches.
const GROUP: usize = 400;

/// How a desired posting was computed, for its entry's explanation.
#[derive(Debug, Clone, Copy)]
struct How {
    basis: i64,
    rate: i64,
    factor_permille: i64,
    capped_by: Option<CapKind>,
}

/// The outcome's non-zero postings, grouped by participant, in the engine's serving order within
/// a participant (deterministic: the same facts give the same order, hence the same digest).
struct Desired<'a> {
    outcome: &'a Outcome,
    /// (reseller, index): indexes into `line_entries`, then `line_entries.len() + i` for
    /// `tier_entries[i]`.
    order: Vec<(i64, u32)>,
}

impl<'a> Desired<'a> {
    fn new(outcome: &'a Outcome, in_scope: impl Fn(i64) -> bool) -> Self {
        let lines = outcome.line_entries.len();
        let mut order: Vec<(i64, u32)> = Vec::with_capacity(lines + outcome.tier_entries.len());
        for (i, e) in outcome.line_entries.iter().enumerate() {
            if e.points != 0 && in_scope(e.reseller_id) {
                order.push((e.reseller_id, i as u32));
            }
        }
        for (i, e) in outcome.tier_entries.iter().enumerate() {
            if e.points != 0 && in_scope(e.reseller_id) {
                order.push((e.reseller_id, (lines + i) as u32));
            }
        }
        // Sorting (reseller, index) pairs groups participants and keeps serving order inside.
        order.sort_unstable();
        Desired { outcome, order }
    }

    fn posting(&self, i: u32) -> (Posting, How) {
        let o = self.outcome;
        match o.line_entries.get(i as usize) {
            Some(e) => (
                o.line_posting(e),
                How {
                    basis: e.basis,
                    rate: e.rate,
                    factor_permille: e.factor_permille,
                    capped_by: e.capped_by,
                },
            ),
            None => {
                let e = &o.tier_entries[i as usize - o.line_entries.len()];
                (
                    o.tier_posting(e),
                    How {
                        basis: e.counted,
                        rate: e.rate,
                        factor_permille: 1000,
                        capped_by: e.capped_by,
                    },
                )
            }
        }
    }

    /// Each participant's slice of `order`, in reseller order.
    fn groups(&self) -> Vec<(i64, std::ops::Range<usize>)> {
        let mut groups: Vec<(i64, std::ops::Range<usize>)> = Vec::new();
        for (at, &(r, _)) in self.order.iter().enumerate() {
            match groups.last_mut() {
                Some((last, range)) if *last == r => range.end = at + 1,
                _ => groups.push((r, at..at + 1)),
            }
        }
        groups
    }

    fn digest(&self, range: std::ops::Range<usize>) -> String {
        let mut h = Sha256::new();
        let mut buf = [0u8; 28];
        for &(_, i) in &self.order[range] {
            let (p, _) = self.posting(i);
            let k = p.key;
            buf[0..8].copy_from_slice(&k.line_id.unwrap_or(-1).to_le_bytes());
            buf[8] = kind_byte(k.kind);
            buf[9] = status_byte(k.status);
            buf[10..12].copy_from_slice(&k.index.to_le_bytes());
            buf[12..20].copy_from_slice(&k.version.to_le_bytes());
            buf[20..28].copy_from_slice(&p.points.to_le_bytes());
            h.update(buf);
        }
        hex::encode(&h.finalize()[..16])
    }
}

fn kind_byte(k: EntryKind) -> u8 {
    match k {
        EntryKind::Unit => 1,
        EntryKind::Amount => 2,
        EntryKind::Quality => 3,
        EntryKind::Timeliness => 4,
        EntryKind::Tier => 5,
    }
}

fn status_byte(s: PointsStatus) -> u8 {
    match s {
        PointsStatus::Pending => 1,
        PointsStatus::Confirmed => 2,
    }
}

/// The digest of a participant with nothing due (no entries, or entries that sum to zero).
fn empty_digest() -> String {
    hex::encode(&Sha256::new().finalize()[..16])
}

/// Appends what the ledger lacks for the participants in scope (`None`: all of them) and
/// returns the number of entries appended. The caller owns `tx`.
pub async fn reconcile_ledger(
    tx: &mut Tx,
    tenant: &TenantPoints,
    c: &ChallengeRow,
    outcome: &Outcome,
    scope: Option<&[i64]>,
) -> Result<usize, sqlx::Error> {
    let stored: HashMap<i64, String> = ledger_db::reconciled_digests(tx, tenant.id, c.id, scope)
        .await?
        .into_iter()
        .collect();
    let scope: Option<HashSet<i64>> = scope.map(|s| s.iter().copied().collect());
    let in_scope = |r: i64| scope.as_ref().is_none_or(|s| s.contains(&r));
    let desired = Desired::new(outcome, in_scope);
    // Every participant that has entries has a stored digest; every one with desired postings
    // is in `groups`. The union is everyone whose ledger may need an entry.
    let empty = empty_digest();
    let mut changed: Vec<(i64, Option<std::ops::Range<usize>>, String)> = Vec::new();
    let mut seen: HashSet<i64> = HashSet::new();
    for (reseller, range) in desired.groups() {
        seen.insert(reseller);
        let digest = desired.digest(range.clone());
        if stored.get(&reseller) != Some(&digest) {
            changed.push((reseller, Some(range), digest));
        }
    }
    for (reseller, digest) in &stored {
        if !seen.contains(reseller) && *digest != empty {
            changed.push((*reseller, None, empty.clone()));
        }
    }
    changed.sort_unstable_by_key(|c| c.0);
    let book = Booking::new(tenant, c, outcome.version);
    let mut appended = 0;
    for group in changed.chunks(GROUP) {
        appended += reconcile_group(tx, &book, &desired, group).await?;
    }
    Ok(appended)
}

/// What every entry of this run shares.
struct Booking<'a> {
    tenant_id: i64,
    challenge: &'a ChallengeRow,
    version: i64,
    today: NaiveDate,
    expires: Option<NaiveDate>,
}

impl<'a> Booking<'a> {
    fn new(tenant: &TenantPoints, challenge: &'a ChallengeRow, version: i64) -> Self {
        let today = tenant.today();
        let months = challenge.validity_months.unwrap_or(tenant.validity_months);
        let expires = (months > 0)
            .then(|| today.checked_add_months(Months::new(months as u32)))
            .flatten();
        Booking {
            tenant_id: tenant.id,
            challenge,
            version,
            today,
            expires,
        }
    }
}

type Changed = (i64, Option<std::ops::Range<usize>>, String);

async fn reconcile_group(
    tx: &mut Tx,
    book: &Booking<'_>,
    desired: &Desired<'_>,
    group: &[Changed],
) -> Result<usize, sqlx::Error> {
    let resellers: Vec<i64> = group.iter().map(|g| g.0).collect();
    let mut booked: HashMap<i64, Vec<Posting>> = HashMap::new();
    for row in ledger_db::challenge_postings(
        Exec::Tx(&mut *tx),
        book.tenant_id,
        book.challenge.id,
        Some(&resellers),
    )
    .await?
    {
        let Some(kind) = entry_kind(&row.kind) else {
            continue;
        };
        booked.entry(row.reseller_id).or_default().push(Posting {
            key: LedgerKey {
                challenge_id: book.challenge.id,
                reseller_id: row.reseller_id,
                line_id: row.line_id,
                kind,
                index: row.rule_index.unwrap_or(0) as u16,
                version: row.version.unwrap_or(0),
                status: if row.state == "pending" {
                    PointsStatus::Pending
                } else {
                    PointsStatus::Confirmed
                },
            },
            points: row.points,
        });
    }
    // Per participant: the adjustments (sorted by key) with how the current version computed them.
    let mut adjustments: Vec<(Posting, Option<How>)> = Vec::new();
    for (reseller, range, _) in group {
        let wanted: Vec<(Posting, How)> = range
            .clone()
            .map(|r| {
                desired.order[r]
                    .iter()
                    .map(|&(_, i)| desired.posting(i))
                    .collect()
            })
            .unwrap_or_default();
        let how: HashMap<LedgerKey, How> = wanted.iter().map(|(p, h)| (p.key, *h)).collect();
        let due = reconcile(
            wanted.into_iter().map(|(p, _)| p),
            booked.remove(reseller).unwrap_or_default(),
        );
        adjustments.extend(due.into_iter().map(|p| {
            let h = how.get(&p.key).copied();
            (p, h)
        }));
    }
    let status = line_statuses(tx, book, &adjustments).await?;
    let entries = explain(book, &adjustments, &status);
    ledger_db::insert(tx, book.tenant_id, &entries).await?;
    let digests: Vec<(i64, &str)> = group.iter().map(|(r, _, d)| (*r, d.as_str())).collect();
    ledger_db::store_reconciled_digests(tx, book.tenant_id, book.challenge.id, &digests).await?;
    Ok(entries.len())
}

/// Why a line's points went down: its review status now (only asked for the lines that lost
/// points under the current version; a new version explains itself).
async fn line_statuses(
    tx: &mut Tx,
    book: &Booking<'_>,
    adjustments: &[(Posting, Option<How>)],
) -> Result<HashMap<i64, (String, Option<String>)>, sqlx::Error> {
    let lines: Vec<i64> = adjustments
        .iter()
        .filter(|(a, _)| a.points < 0 && a.key.version == book.version)
        .filter_map(|(a, _)| a.key.line_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    Ok(declarations::review_statuses(tx, book.tenant_id, &lines)
        .await?
        .into_iter()
        .map(|(id, s, r)| (id, (s, r)))
        .collect())
}

/// Turns adjustments into ledger rows that say why they exist and how they were computed.
fn explain(
    book: &Booking<'_>,
    adjustments: &[(Posting, Option<How>)],
    status: &HashMap<i64, (String, Option<String>)>,
) -> Vec<NewEntry> {
    // An approval shows as −x pending and +x confirmed on the same key.
    type Short = (i64, Option<i64>, EntryKind, u16);
    let short = |k: &LedgerKey| (k.reseller_id, k.line_id, k.kind, k.index);
    let moved: HashSet<Short> = adjustments
        .iter()
        .filter(|(a, _)| a.key.status == PointsStatus::Pending && a.points < 0)
        .map(|(a, _)| short(&a.key))
        .collect();
    let credited: HashSet<Short> = adjustments
        .iter()
        .filter(|(a, _)| a.key.status == PointsStatus::Confirmed && a.points > 0)
        .map(|(a, _)| short(&a.key))
        .collect();
    adjustments
        .iter()
        .map(|(a, how)| {
            let k = &a.key;
            let line_status = k.line_id.and_then(|l| status.get(&l));
            let reason = if a.points > 0 {
                if k.status == PointsStatus::Confirmed && moved.contains(&short(k)) {
                    "approved"
                } else {
                    "earned"
                }
            } else if k.version != book.version {
                "new_version"
            } else if k.status == PointsStatus::Pending && credited.contains(&short(k)) {
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
                basis: how.map(|h| h.basis),
                rate: how.map(|h| h.rate),
                factor_permille: how.map(|h| h.factor_permille),
                capped_by: how.and_then(|h| h.capped_by).map(cap_text),
                redemption_id: None,
                booked_on: book.today,
                expires_on: if state == "confirmed" {
                    book.expires
                } else {
                    None
                },
            }
        })
        .collect()
}
