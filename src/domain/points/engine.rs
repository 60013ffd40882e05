//! The computation: declaration lines in, points entries and participant standings out.
//!
//! Order: lines are served by (declared_on, line_id) — first-declared, first-served — which is what
//! caps and the budget rely on. Line ids grow with insertion, so within a day the earlier declaration
//! wins. The input may come in any order; it is sorted when it is not already.
//!
//! Rounding, line by line: `earned = floor(basis × rate × factor)` where the factor is the product of the
//! matching multipliers, itself rounded down to a thousandth at each step (×1.5 × ×1.333 = ×1.999). The
//! one floor per entry is what the statement shows: "3 units × 2 pts × 1.5 = 9".
//!
//! Multipliers multiply the per-unit, per-amount, quality and timeliness points of the lines they match
//! (product and segment filters), never tier bonuses. Caps clip entries in order: an entry keeps
//! `earned` and gets `points` ≤ earned with the cap that cut it, so no negative entries are needed.
//! Tier bonuses are served right after the line that made the basis reach the threshold.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::caps::{month_index, CapState};
use super::compile::{Engine, ProductFacts};
use super::def::{CapKind, ChallengeDef, EntryKind, PointsStatus, RuleKind, TierBasis};
use super::outcome::{BudgetUse, Outcome, ParticipantSummary, Skipped};
use super::segment::ResellerFacts;
use super::tiers::TierEntry;
use super::validate::DefError;

/// A declaration line as the engine needs it. Callers pass approved lines (confirmed points) and lines
/// awaiting review (pending points); rejected, withdrawn and draft lines are left out, so their points
/// are reversed when the ledger is reconciled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFacts {
    pub line_id: i64,
    pub reseller_id: i64,
    pub product_id: i64,
    pub sale_date: NaiveDate,
    pub declared_on: NaiveDate,
    pub quantity: i64,
    pub amount_cents: i64,
    /// Customer type, postal code or identifier given.
    pub has_customer_details: bool,
    /// Feedback text or rating given.
    pub has_feedback: bool,
    pub approved: bool,
}

impl LineFacts {
    pub fn order_key(&self) -> (NaiveDate, i64) {
        (self.declared_on, self.line_id)
    }
}

/// One rule's points on one line. `earned = floor(basis × rate × factor_permille / 1000)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEntry {
    pub line_id: i64,
    pub reseller_id: i64,
    /// Index of the rule in the definition's `rules`.
    pub rule: u16,
    pub kind: EntryKind,
    pub status: PointsStatus,
    /// Unit: quantity. Amount: full steps of the amount (floor(amount_cents / per_cents)).
    /// Quality and timeliness: 1.
    pub basis: i64,
    /// The rule's points per basis.
    pub rate: i64,
    /// Combined multipliers; 1000 when none applies.
    pub factor_permille: i64,
    /// What the line showed. Unit: quantity; amount: amount_cents; timeliness: days from sale to
    /// declaration; quality: 1 for customer details + 2 for feedback.
    pub detail: i64,
    pub earned: i64,
    /// After caps; equal to `earned` unless `capped_by` is set.
    pub points: i64,
    pub capped_by: Option<CapKind>,
}

/// Validates and runs in one call; build an [`Engine`] to run the same definition several times.
pub fn compute(
    def: &ChallengeDef,
    resellers: &[ResellerFacts],
    products: &[ProductFacts],
    lines: impl IntoIterator<Item = LineFacts>,
) -> Result<Outcome, Vec<DefError>> {
    Ok(Engine::new(def, resellers, products)?.compute(lines))
}

/// Per participant, while lines stream by.
#[derive(Debug, Clone, Copy, Default)]
struct Running {
    lines: u64,
    units: i64,
    amount_cents: i64,
    tier_basis: i64,
    tier_basis_confirmed: i64,
}

struct TierMark {
    /// Served before `entries[position]`, i.e. right after the line that reached the tier.
    position: usize,
    participant: u32,
    tier: usize,
    line_id: i64,
}

pub(super) fn multiply(base: i64, factor_permille: i64) -> i64 {
    (i128::from(base) * i128::from(factor_permille) / 1000).clamp(0, i64::MAX as i128) as i64
}

impl Engine {
    pub fn compute(&self, lines: impl IntoIterator<Item = LineFacts>) -> Outcome {
        let mut lines: Vec<LineFacts> = lines.into_iter().collect();
        if !lines.is_sorted_by_key(LineFacts::order_key) {
            lines.sort_unstable_by_key(LineFacts::order_key);
        }
        let def = &self.def;
        let mut running = vec![Running::default(); self.participants.len()];
        let mut entries: Vec<LineEntry> = Vec::with_capacity(lines.len() * 2);
        // (participant, month) of each entry, for the caps pass.
        let mut places: Vec<(u32, u32)> = Vec::with_capacity(lines.len() * 2);
        let mut marks: Vec<TierMark> = Vec::new();
        let mut skipped = Skipped::default();

        for line in &lines {
            if line.sale_date < def.start || line.sale_date > def.end {
                skipped.outside_dates += 1;
                continue;
            }
            let Some(&p) = self.participant_index.get(&line.reseller_id) else {
                skipped.not_participating += 1;
                continue;
            };
            let products = self.product_mask(line.product_id);
            let applicable = self.participants[p as usize].rules & products.rules;
            let status = if line.approved {
                PointsStatus::Confirmed
            } else {
                PointsStatus::Pending
            };
            let factor = self.factor(applicable & self.multipliers);
            let month = month_index(def.start, line.sale_date) as u32;
            let mut earning = applicable & !self.multipliers;
            while earning != 0 {
                let rule = earning.trailing_zeros() as usize;
                earning &= earning - 1;
                if let Some(entry) = self.earn(rule, line, status, factor) {
                    entries.push(entry);
                    places.push((p, month));
                }
            }

            let r = &mut running[p as usize];
            r.lines += 1;
            r.units = r.units.saturating_add(line.quantity);
            r.amount_cents = r.amount_cents.saturating_add(line.amount_cents);
            if let Some(schedule) = def.tiers.as_ref().filter(|_| products.tiers) {
                // Returns (negative lines) do not lower the basis: earning never goes backwards.
                let contribution = match schedule.basis {
                    TierBasis::Units => line.quantity,
                    TierBasis::Amount => line.amount_cents,
                }
                .max(0);
                let before = r.tier_basis;
                r.tier_basis = before.saturating_add(contribution);
                if line.approved {
                    r.tier_basis_confirmed = r.tier_basis_confirmed.saturating_add(contribution);
                }
                for (tier, level) in schedule.levels.iter().enumerate() {
                    if before < level.threshold && level.threshold <= r.tier_basis {
                        marks.push(TierMark {
                            position: entries.len(),
                            participant: p,
                            tier,
                            line_id: line.line_id,
                        });
                    }
                }
            }
        }

        let mut tier_entries: Vec<(usize, u32, TierEntry)> = Vec::new();
        if let Some(schedule) = &def.tiers {
            for m in &marks {
                let r = &running[m.participant as usize];
                let reseller_id = self.participants[m.participant as usize].reseller_id;
                let parts = schedule.entries(
                    m.tier,
                    reseller_id,
                    r.tier_basis_confirmed,
                    r.tier_basis,
                    m.line_id,
                );
                tier_entries.extend(parts.map(|e| (m.position, m.participant, e)));
            }
        }

        let mut summaries: Vec<ParticipantSummary> = self
            .participants
            .iter()
            .zip(&running)
            .map(|(p, r)| {
                ParticipantSummary::new(p.reseller_id, p.league, r.lines, r.units, r.amount_cents)
            })
            .collect();
        let budget = self.serve(&mut entries, &places, &mut tier_entries, &mut summaries);
        if let Some(schedule) = &def.tiers {
            for (s, r) in summaries.iter_mut().zip(&running) {
                s.set_tiers(schedule, r.tier_basis, r.tier_basis_confirmed);
            }
        }
        Outcome::assemble(
            def,
            entries,
            tier_entries.into_iter().map(|(_, _, e)| e).collect(),
            summaries,
            skipped,
            budget,
        )
    }

    /// The combined multiplier for the multiplier rules in `mask`, in permille.
    fn factor(&self, mut mask: u64) -> i64 {
        let mut factor: i64 = 1000;
        while mask != 0 {
            let rule = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if let RuleKind::Multiplier { factor_permille } = self.def.rules[rule].kind {
                factor = multiply(factor, factor_permille);
            }
        }
        factor
    }

    fn earn(
        &self,
        rule: usize,
        line: &LineFacts,
        status: PointsStatus,
        factor: i64,
    ) -> Option<LineEntry> {
        let kind = self.def.rules[rule].kind;
        let (basis, rate, detail) = match kind {
            RuleKind::PerUnit { points } => (line.quantity.max(0), points, line.quantity),
            RuleKind::PerAmount { points, per_cents } => (
                line.amount_cents.max(0) / per_cents,
                points,
                line.amount_cents,
            ),
            RuleKind::Quality { points, requires } => {
                let met = requires.met(line.has_customer_details, line.has_feedback);
                let detail =
                    i64::from(line.has_customer_details) + 2 * i64::from(line.has_feedback);
                (i64::from(met), points, detail)
            }
            RuleKind::Timeliness {
                points,
                within_days,
            } => {
                let days = (line.declared_on - line.sale_date).num_days();
                (i64::from((0..=within_days).contains(&days)), points, days)
            }
            RuleKind::Multiplier { .. } => return None,
        };
        let earned = multiply(basis.saturating_mul(rate), factor);
        (earned > 0).then_some(LineEntry {
            line_id: line.line_id,
            reseller_id: line.reseller_id,
            rule: rule as u16,
            kind: kind.entry_kind()?,
            status,
            basis,
            rate,
            factor_permille: factor,
            detail,
            earned,
            points: earned,
            capped_by: None,
        })
    }

    /// Applies caps in serving order and adds the points up per participant.
    fn serve(
        &self,
        entries: &mut [LineEntry],
        places: &[(u32, u32)],
        tier_entries: &mut [(usize, u32, TierEntry)],
        summaries: &mut [ParticipantSummary],
    ) -> Option<BudgetUse> {
        let def = &self.def;
        let mut caps = CapState::new(&def.caps, self.participants.len(), def.start, def.end);
        let mut budget = def.caps.budget.map(|budget| BudgetUse {
            budget,
            used: 0,
            exhausted_by_line: None,
        });
        let mut tiers = tier_entries.iter_mut().peekable();
        for i in 0..=entries.len() {
            while let Some((_, p, t)) = tiers.next_if(|(position, _, _)| *position == i) {
                (t.points, t.capped_by) = caps.take(t.earned, *p as usize, None);
                let s = &mut summaries[*p as usize];
                s.add(t.status, t.earned, t.points, t.capped_by);
                note_budget(&mut budget, t.points, t.capped_by, t.reached_by_line);
            }
            let (Some(e), Some(&(p, month))) = (entries.get_mut(i), places.get(i)) else {
                break;
            };
            (e.points, e.capped_by) = caps.take(e.earned, p as usize, Some(month as usize));
            if let Some(CapKind::PerParticipantMonth) = e.capped_by {
                summaries[p as usize].note_month_cap(def.start, month);
            }
            summaries[p as usize].add(e.status, e.earned, e.points, e.capped_by);
            note_budget(&mut budget, e.points, e.capped_by, e.line_id);
        }
        budget
    }
}

fn note_budget(
    budget: &mut Option<BudgetUse>,
    points: i64,
    capped_by: Option<CapKind>,
    line_id: i64,
) {
    if let Some(b) = budget {
        b.used += points;
        if capped_by == Some(CapKind::Budget) && b.exhausted_by_line.is_none() {
            b.exhausted_by_line = Some(line_id);
        }
    }
}
