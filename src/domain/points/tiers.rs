//! Tier arithmetic: what each tier pays for a participant's basis (units or cents over the challenge).
//!
//! Each tier reached pays its own entry, `counted × rate`, so a statement reads tier by tier:
//!
//! | payout          | cumulative: counted × rate        | only the highest tier: counted × rate          |
//! |-----------------|-----------------------------------|-------------------------------------------------|
//! | flat            | 1 × bonus_k                       | 1 × (bonus_k − bonus_{k−1})                     |
//! | all_sales       | u(basis) × bonus_k                | u(basis) × (bonus_k − bonus_{k−1})              |
//! | above_threshold | u(basis − threshold_k) × bonus_k  | u(min(basis, threshold_{k+1}) − threshold_k) × bonus_k |
//!
//! u(x) is x for a units basis and floor(x / per_cents) for an amount basis. For "only the highest
//! tier", flat and all-sales pay the difference over the tier below, so the entries add up to exactly the
//! highest tier's bonus; above-threshold pays each unit at the rate of the band it falls in (a literal
//! "highest tier's rate above its own threshold" would take points back when a reseller crosses the next
//! threshold). Every `counted` grows with the basis, which is what lets pending and confirmed be split.

use serde::{Deserialize, Serialize};

use super::def::{CapKind, PointsStatus, TierBasis, TierPayout, TierSchedule};

/// A tier bonus, one per tier reached and status. The pending entry holds what the pending lines add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierEntry {
    pub reseller_id: i64,
    /// Index in `levels`, from 0.
    pub tier: u16,
    pub status: PointsStatus,
    pub threshold: i64,
    /// The participant's basis behind this entry: approved lines for a confirmed entry, all lines for a
    /// pending one.
    pub basis: i64,
    pub counted: i64,
    pub rate: i64,
    /// counted × rate, before caps.
    pub earned: i64,
    /// After caps.
    pub points: i64,
    pub capped_by: Option<CapKind>,
    /// The line that made the basis reach the threshold; caps and budget serve the bonus at that point.
    pub reached_by_line: i64,
}

/// Where a participant stands against the next tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierProgress {
    pub next_tier: u16,
    pub basis: i64,
    pub threshold: i64,
    pub missing: i64,
}

impl TierSchedule {
    fn bonus_units(&self, x: i64) -> i64 {
        match self.basis {
            TierBasis::Units => x.max(0),
            TierBasis::Amount => x.max(0) / self.per_cents,
        }
    }

    /// How many times tier `k`'s rate is paid for `basis` (see the module table).
    pub fn counted(&self, k: usize, basis: i64) -> i64 {
        let threshold = self.levels[k].threshold;
        if basis < threshold {
            return 0;
        }
        match (self.payout, self.cumulative) {
            (TierPayout::Flat, _) => 1,
            (TierPayout::AllSales, _) => self.bonus_units(basis),
            (TierPayout::AboveThreshold, true) => self.bonus_units(basis - threshold),
            (TierPayout::AboveThreshold, false) => {
                let band_top = self
                    .levels
                    .get(k + 1)
                    .map_or(basis, |next| basis.min(next.threshold));
                self.bonus_units(band_top - threshold)
            }
        }
    }

    /// Points per counted unit for tier `k` (see the module table).
    pub fn rate(&self, k: usize) -> i64 {
        let bonus = self.levels[k].bonus;
        let increments = !self.cumulative && self.payout != TierPayout::AboveThreshold;
        match k.checked_sub(1) {
            Some(below) if increments => bonus - self.levels[below].bonus,
            _ => bonus,
        }
    }

    /// The highest tier reached, if any.
    pub fn reached(&self, basis: i64) -> Option<usize> {
        self.levels.iter().rposition(|t| basis >= t.threshold)
    }

    pub fn progress(&self, basis: i64) -> Option<TierProgress> {
        let next = self.levels.iter().position(|t| basis < t.threshold)?;
        let threshold = self.levels[next].threshold;
        Some(TierProgress {
            next_tier: next as u16,
            basis,
            threshold,
            missing: threshold - basis,
        })
    }

    /// What one tier pays a participant, split into confirmed and pending parts (zero parts omitted).
    pub(super) fn entries(
        &self,
        k: usize,
        reseller_id: i64,
        confirmed_basis: i64,
        total_basis: i64,
        reached_by_line: i64,
    ) -> impl Iterator<Item = TierEntry> {
        let rate = self.rate(k);
        let confirmed = self.counted(k, confirmed_basis);
        let pending = self.counted(k, total_basis) - confirmed;
        let entry = move |status, basis, counted: i64| {
            let earned = counted.saturating_mul(rate);
            TierEntry {
                reseller_id,
                tier: k as u16,
                status,
                threshold: self.levels[k].threshold,
                basis,
                counted,
                rate,
                earned,
                points: earned,
                capped_by: None,
                reached_by_line,
            }
        };
        [
            entry(PointsStatus::Confirmed, confirmed_basis, confirmed),
            entry(PointsStatus::Pending, total_basis, pending),
        ]
        .into_iter()
        .filter(|e| e.earned > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::def::Tier;
    use super::super::tests_support::tiers;
    use super::*;

    fn schedule(basis: TierBasis, cumulative: bool, payout: TierPayout) -> TierSchedule {
        TierSchedule {
            basis,
            ..tiers(cumulative, payout)
        }
    }

    fn total(s: &TierSchedule, basis: i64) -> i64 {
        (0..s.levels.len())
            .map(|k| s.counted(k, basis) * s.rate(k))
            .sum()
    }

    #[test]
    fn each_mode_pays_what_the_module_table_says_for_25_units() {
        use TierPayout::*;
        let units = TierBasis::Units;
        // Tiers: ≥10 → 2, ≥20 → 5. Basis 25 units, both tiers reached.
        assert_eq!(total(&schedule(units, true, Flat), 25), 7); // 2 + 5
        assert_eq!(total(&schedule(units, false, Flat), 25), 5); // 2 + (5 − 2)
        assert_eq!(total(&schedule(units, true, AllSales), 25), 175); // 25×2 + 25×5
        assert_eq!(total(&schedule(units, false, AllSales), 25), 125); // 25×2 + 25×(5−2) = 25×5
        assert_eq!(total(&schedule(units, true, AboveThreshold), 25), 55); // (25−10)×2 + (25−20)×5
        assert_eq!(total(&schedule(units, false, AboveThreshold), 25), 45); // (20−10)×2 + (25−20)×5
    }

    #[test]
    fn amount_basis_pays_per_full_currency_unit() {
        let mut s = schedule(TierBasis::Amount, true, TierPayout::AboveThreshold);
        s.levels = vec![Tier {
            threshold: 100_000,
            bonus: 1,
        }];
        // 1 234,99 € sold, tier at 1 000 €: floor((123 499 − 100 000) / 100) = 234 full euros above.
        assert_eq!(s.counted(0, 123_499), 234);
        assert_eq!(s.counted(0, 99_999), 0);
        s.payout = TierPayout::AllSales;
        assert_eq!(s.counted(0, 123_499), 1234); // floor(123 499 / 100)
    }

    #[test]
    fn reached_and_progress() {
        let s = schedule(TierBasis::Units, true, TierPayout::Flat);
        assert_eq!(s.reached(9), None);
        assert_eq!(s.reached(20), Some(1));
        assert_eq!(
            s.progress(12),
            Some(TierProgress {
                next_tier: 1,
                basis: 12,
                threshold: 20,
                missing: 8
            })
        );
        assert_eq!(s.progress(20), None);
    }

    #[test]
    fn pending_part_is_what_pending_lines_add() {
        let s = schedule(TierBasis::Units, true, TierPayout::AllSales);
        // Tier 0 (≥10, 2/unit): 12 approved units, 15 in all → confirmed 12×2 = 24, pending 3×2 = 6.
        let e: Vec<_> = s.entries(0, 7, 12, 15, 42).collect();
        assert_eq!((e[0].status, e[0].earned), (PointsStatus::Confirmed, 24));
        assert_eq!((e[1].status, e[1].earned), (PointsStatus::Pending, 6));
        // Approved units below the threshold: the whole bonus is pending.
        let e: Vec<_> = s.entries(0, 7, 8, 15, 42).collect();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].status, e[0].earned), (PointsStatus::Pending, 30));
    }
}
