//! Checks a challenge definition before it is saved or run, reporting every problem at once with a
//! stable code the UI can translate.

use serde::Serialize;

use super::def::{CapKind, ChallengeDef, RuleKind, TierPayout};

/// Rules are matched through 64-bit masks; 63 leaves one bit spare and is far beyond any real challenge.
pub const MAX_RULES: usize = 63;
/// ×100: anything larger is a typo, and the bound keeps combined multipliers far from overflow.
pub const MAX_FACTOR_PERMILLE: i64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DefError {
    #[error("the challenge ends before it starts")]
    EndBeforeStart,
    #[error("the rule version must be at least 1")]
    VersionNotPositive,
    #[error("at most {MAX_RULES} rules")]
    TooManyRules,
    #[error("rule {rule}: points must not be negative")]
    NegativePoints { rule: usize },
    #[error("rule {rule}: the amount step must be at least 1 cent")]
    AmountStepNotPositive { rule: usize },
    #[error("rule {rule}: the number of days must not be negative")]
    NegativeDays { rule: usize },
    #[error("rule {rule}: the multiplier must be above 0")]
    MultiplierNotPositive { rule: usize },
    #[error("rule {rule}: the multiplier must be at most ×100")]
    MultiplierTooLarge { rule: usize },
    #[error("tiers: at least one tier is needed")]
    NoTiers,
    #[error("tiers: the amount step must be at least 1 cent")]
    TierAmountStepNotPositive,
    #[error("tier {tier}: thresholds must be above 0 and increase from one tier to the next")]
    TiersNotIncreasing { tier: usize },
    #[error("tier {tier}: the bonus must not be negative")]
    NegativeTierBonus { tier: usize },
    #[error("tier {tier}: when only the highest tier pays, a higher tier cannot pay less")]
    TierBonusDecreasing { tier: usize },
    #[error("the {cap} cap must not be negative")]
    NegativeCap { cap: CapKind },
}

impl DefError {
    /// The stable code, as serialised (`"end_before_start"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            DefError::EndBeforeStart => "end_before_start",
            DefError::VersionNotPositive => "version_not_positive",
            DefError::TooManyRules => "too_many_rules",
            DefError::NegativePoints { .. } => "negative_points",
            DefError::AmountStepNotPositive { .. } => "amount_step_not_positive",
            DefError::NegativeDays { .. } => "negative_days",
            DefError::MultiplierNotPositive { .. } => "multiplier_not_positive",
            DefError::MultiplierTooLarge { .. } => "multiplier_too_large",
            DefError::NoTiers => "no_tiers",
            DefError::TierAmountStepNotPositive => "tier_amount_step_not_positive",
            DefError::TiersNotIncreasing { .. } => "tiers_not_increasing",
            DefError::NegativeTierBonus { .. } => "negative_tier_bonus",
            DefError::TierBonusDecreasing { .. } => "tier_bonus_decreasing",
            DefError::NegativeCap { .. } => "negative_cap",
        }
    }
}

impl ChallengeDef {
    pub fn validate(&self) -> Result<(), Vec<DefError>> {
        let mut errors = Vec::new();
        if self.end < self.start {
            errors.push(DefError::EndBeforeStart);
        }
        if self.version < 1 {
            errors.push(DefError::VersionNotPositive);
        }
        if self.rules.len() > MAX_RULES {
            errors.push(DefError::TooManyRules);
        }
        for (rule, r) in self.rules.iter().enumerate() {
            match r.kind {
                RuleKind::PerUnit { points }
                | RuleKind::Quality { points, .. }
                | RuleKind::Timeliness { points, .. }
                | RuleKind::PerAmount { points, .. }
                    if points < 0 =>
                {
                    errors.push(DefError::NegativePoints { rule })
                }
                RuleKind::PerAmount { per_cents, .. } if per_cents < 1 => {
                    errors.push(DefError::AmountStepNotPositive { rule })
                }
                RuleKind::Timeliness { within_days, .. } if within_days < 0 => {
                    errors.push(DefError::NegativeDays { rule })
                }
                RuleKind::Multiplier { factor_permille } if factor_permille <= 0 => {
                    errors.push(DefError::MultiplierNotPositive { rule })
                }
                RuleKind::Multiplier { factor_permille }
                    if factor_permille > MAX_FACTOR_PERMILLE =>
                {
                    errors.push(DefError::MultiplierTooLarge { rule })
                }
                _ => {}
            }
        }
        if let Some(t) = &self.tiers {
            if t.levels.is_empty() {
                errors.push(DefError::NoTiers);
            }
            if t.per_cents < 1 {
                errors.push(DefError::TierAmountStepNotPositive);
            }
            let mut previous: Option<(i64, i64)> = None;
            for (tier, level) in t.levels.iter().enumerate() {
                if level.threshold <= previous.map_or(0, |p| p.0) {
                    errors.push(DefError::TiersNotIncreasing { tier });
                }
                if level.bonus < 0 {
                    errors.push(DefError::NegativeTierBonus { tier });
                }
                // Only-the-highest-pays is paid as increments over the tier below (see tiers.rs), so a
                // smaller bonus higher up would take points back from a reseller who sold more.
                let paid_as_increments = !t.cumulative && t.payout != TierPayout::AboveThreshold;
                if paid_as_increments && previous.is_some_and(|p| level.bonus < p.1) {
                    errors.push(DefError::TierBonusDecreasing { tier });
                }
                previous = Some((level.threshold, level.bonus));
            }
        }
        let caps = [
            (CapKind::PerParticipant, self.caps.per_participant),
            (
                CapKind::PerParticipantMonth,
                self.caps.per_participant_month,
            ),
            (CapKind::Budget, self.caps.budget),
        ];
        for (cap, value) in caps {
            if value.is_some_and(|v| v < 0) {
                errors.push(DefError::NegativeCap { cap });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::def::{Tier, TierBasis, TierSchedule};
    use super::super::tests_support::{challenge, rule};
    use super::*;
    use chrono::NaiveDate;

    fn codes(d: &ChallengeDef) -> Vec<&'static str> {
        d.validate()
            .err()
            .unwrap_or_default()
            .iter()
            .map(DefError::code)
            .collect()
    }

    #[test]
    fn a_sound_definition_passes() {
        let mut d = challenge();
        d.rules = vec![
            rule(RuleKind::PerUnit { points: 2 }),
            rule(RuleKind::Multiplier {
                factor_permille: 1500,
            }),
        ];
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_with_its_code() {
        let mut d = challenge();
        d.end = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        d.version = 0;
        d.rules = vec![
            rule(RuleKind::PerUnit { points: -1 }),
            rule(RuleKind::PerAmount {
                points: 1,
                per_cents: 0,
            }),
            rule(RuleKind::Timeliness {
                points: 1,
                within_days: -2,
            }),
            rule(RuleKind::Multiplier { factor_permille: 0 }),
            rule(RuleKind::Multiplier {
                factor_permille: 200_000,
            }),
        ];
        d.caps.budget = Some(-5);
        assert_eq!(
            codes(&d),
            [
                "end_before_start",
                "version_not_positive",
                "negative_points",
                "amount_step_not_positive",
                "negative_days",
                "multiplier_not_positive",
                "multiplier_too_large",
                "negative_cap"
            ]
        );
    }

    #[test]
    fn tiers_must_increase_and_only_highest_bonuses_must_not_shrink() {
        let mut d = challenge();
        let levels = vec![
            Tier {
                threshold: 10,
                bonus: 50,
            },
            Tier {
                threshold: 10,
                bonus: 20,
            },
        ];
        d.tiers = Some(TierSchedule {
            basis: TierBasis::Units,
            cumulative: false,
            payout: TierPayout::Flat,
            per_cents: 100,
            products: Default::default(),
            levels,
        });
        assert_eq!(codes(&d), ["tiers_not_increasing", "tier_bonus_decreasing"]);
        d.tiers.as_mut().unwrap().cumulative = true;
        assert_eq!(codes(&d), ["tiers_not_increasing"]);
        d.tiers.as_mut().unwrap().levels.clear();
        assert_eq!(codes(&d), ["no_tiers"]);
    }

    #[test]
    fn errors_serialise_with_their_code() {
        let json = serde_json::to_string(&DefError::NegativePoints { rule: 2 }).unwrap();
        assert_eq!(json, r#"{"code":"negative_points","rule":2}"#);
    }
}
