//! A challenge's definition as the app stores it (JSON): dates, eligibility, rules, tiers and caps.
//!
//! Every number is an integer: points, cents, units, days, and multipliers in permille (1500 = ×1.5), so
//! that the JSON round-trips exactly and the arithmetic can be explained to a reseller line by line.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::segment::{LeagueMode, SegmentFilter};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeDef {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: ChallengeStatus,
    /// First and last day of sales that count, both included.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The rule-set version; editing a running challenge's rules stores a new version, and every points
    /// entry carries the version that produced it.
    pub version: i64,
    #[serde(default)]
    pub eligibility: SegmentFilter,
    #[serde(default)]
    pub league_mode: LeagueMode,
    /// Applied in this order; a rule's position is its id within a version.
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub tiers: Option<TierSchedule>,
    #[serde(default)]
    pub caps: Caps,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeStatus {
    #[default]
    Draft,
    Running,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Shown on the points statement, e.g. "Mowers: 2 points per unit".
    #[serde(default)]
    pub label: String,
    #[serde(flatten)]
    pub kind: RuleKind,
    #[serde(default)]
    pub products: ProductFilter,
    #[serde(default)]
    pub segment: SegmentFilter,
}

/// What a rule pays for one declaration line it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleKind {
    /// `quantity × points`.
    PerUnit { points: i64 },
    /// `floor(amount_cents / per_cents) × points`: "1 point per full euro" is `points: 1, per_cents: 100`.
    PerAmount {
        points: i64,
        #[serde(default = "one_currency_unit")]
        per_cents: i64,
    },
    /// A flat bonus for a line that tells who bought or what they thought.
    Quality {
        points: i64,
        requires: QualityRequirement,
    },
    /// A flat bonus for a line declared at most `within_days` days after the sale.
    Timeliness { points: i64, within_days: i64 },
    /// Multiplies the points of every other rule on the lines it matches; several multipliers that match
    /// the same line multiply together. See `engine` for the rounding.
    Multiplier { factor_permille: i64 },
}

fn one_currency_unit() -> i64 {
    100
}

impl RuleKind {
    pub fn entry_kind(self) -> Option<EntryKind> {
        match self {
            RuleKind::PerUnit { .. } => Some(EntryKind::Unit),
            RuleKind::PerAmount { .. } => Some(EntryKind::Amount),
            RuleKind::Quality { .. } => Some(EntryKind::Quality),
            RuleKind::Timeliness { .. } => Some(EntryKind::Timeliness),
            RuleKind::Multiplier { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityRequirement {
    /// Customer type, postal code or identifier.
    CustomerDetails,
    /// Feedback text or rating.
    Feedback,
    /// Either of the two.
    Either,
    /// Both of them.
    Both,
}

impl QualityRequirement {
    pub fn met(self, customer_details: bool, feedback: bool) -> bool {
        match self {
            QualityRequirement::CustomerDetails => customer_details,
            QualityRequirement::Feedback => feedback,
            QualityRequirement::Either => customer_details || feedback,
            QualityRequirement::Both => customer_details && feedback,
        }
    }
}

/// Which products a rule or the tiers count. Empty = every product; otherwise a product matches when its
/// id is listed OR its category is listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductFilter {
    pub product_ids: Vec<i64>,
    pub categories: Vec<String>,
}

impl ProductFilter {
    pub fn is_empty(&self) -> bool {
        self.product_ids.is_empty() && self.categories.is_empty()
    }

    pub fn matches(&self, product_id: i64, category: Option<&str>) -> bool {
        self.is_empty()
            || self.product_ids.contains(&product_id)
            || category.is_some_and(|c| self.categories.iter().any(|x| x == c))
    }
}

/// Thresholds on a participant's total over the challenge that pay bonus points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierSchedule {
    pub basis: TierBasis,
    /// true: reaching tier 2 pays tier 1's bonus too. false: only the highest tier reached pays (for
    /// `above_threshold`: each unit is paid at the rate of the band it falls in, see `tiers`).
    pub cumulative: bool,
    pub payout: TierPayout,
    /// With `basis: amount` and a per-amount payout, the bonus is paid per full `per_cents`.
    #[serde(default = "one_currency_unit")]
    pub per_cents: i64,
    /// Which products count toward the basis; empty = all.
    #[serde(default)]
    pub products: ProductFilter,
    /// Ordered by strictly increasing threshold.
    pub levels: Vec<Tier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// In units, or in cents for `basis: amount`.
    pub threshold: i64,
    /// Flat points, or points per unit / per full `per_cents`.
    pub bonus: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierBasis {
    Units,
    Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierPayout {
    /// A one-off bonus.
    Flat,
    /// A bonus per unit (or per full `per_cents`) on ALL the sales counted, once the threshold is reached.
    AllSales,
    /// A bonus per unit (or per full `per_cents`) only on what lies above the threshold.
    AboveThreshold,
}

/// Limits on points. `None` = no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Caps {
    /// Points one participant can earn in the whole challenge (tier bonuses included).
    pub per_participant: Option<i64>,
    /// Points one participant can earn from the sales of one calendar month (tier bonuses excluded).
    pub per_participant_month: Option<i64>,
    /// Points the whole challenge can give away; first-declared, first-served.
    pub budget: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapKind {
    PerParticipantMonth,
    PerParticipant,
    Budget,
}

impl std::fmt::Display for CapKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CapKind::PerParticipantMonth => "monthly",
            CapKind::PerParticipant => "per-participant",
            CapKind::Budget => "budget",
        })
    }
}

/// What produced a points entry (a multiplier is folded into the entries it multiplies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Unit,
    Amount,
    Quality,
    Timeliness,
    Tier,
}

/// Pending lines (awaiting review) earn pending points; approved lines earn confirmed points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointsStatus {
    Pending,
    Confirmed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_round_trips_through_json_with_defaults_filled_in() {
        let json = r#"{
            "id": 12, "name": "Spring mowers", "status": "running",
            "start": "2026-03-01", "end": "2026-05-31", "version": 2,
            "eligibility": { "statuses": ["Active"] },
            "league_mode": "type_and_potential",
            "rules": [
                { "label": "Mowers", "kind": "per_unit", "points": 2, "products": { "categories": ["mowers"] } },
                { "kind": "per_amount", "points": 1 },
                { "kind": "quality", "points": 5, "requires": "either" },
                { "kind": "timeliness", "points": 3, "within_days": 7 },
                { "kind": "multiplier", "factor_permille": 1500, "segment": { "brand_organisations": ["Multi"] } }
            ],
            "tiers": { "basis": "units", "cumulative": true, "payout": "flat",
                       "levels": [ { "threshold": 50, "bonus": 100 }, { "threshold": 100, "bonus": 250 } ] },
            "caps": { "per_participant": 10000, "budget": 500000 }
        }"#;
        let def: ChallengeDef = serde_json::from_str(json).unwrap();
        assert_eq!(
            def.rules[1].kind,
            RuleKind::PerAmount {
                points: 1,
                per_cents: 100
            }
        );
        assert_eq!(def.caps.per_participant_month, None);
        assert_eq!(def.tiers.as_ref().unwrap().per_cents, 100);
        let again: ChallengeDef =
            serde_json::from_str(&serde_json::to_string(&def).unwrap()).unwrap();
        assert_eq!(again, def);
    }

    #[test]
    fn product_filter_matches_listed_ids_or_categories() {
        let f = ProductFilter {
            product_ids: vec![4],
            categories: vec!["mowers".into()],
        };
        assert!(f.matches(4, None));
        assert!(f.matches(9, Some("mowers")));
        assert!(!f.matches(9, Some("hedge")));
        assert!(ProductFilter::default().matches(9, None));
    }
}
