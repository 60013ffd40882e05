//! Builders shared by the engine's tests: a small network, a catalogue and a spring challenge.

use chrono::NaiveDate;

use super::compile::ProductFacts;
use super::def::{
    Caps, ChallengeDef, ChallengeStatus, Rule, RuleKind, Tier, TierBasis, TierPayout, TierSchedule,
};
use super::engine::{compute, LineFacts};
use super::outcome::Outcome;
use super::segment::{
    reseller, BrandOrganisation, LeagueMode, Potential, ResellerFacts, ResellerStatus, ResellerType,
};

pub fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

/// 1: reseller mono B · 2: reseller multi B · 3: distributor multi A · 4: franchisee mono C, prospect.
pub fn network() -> Vec<ResellerFacts> {
    use BrandOrganisation::*;
    use ResellerType::*;
    let mut prospect = reseller(4, Franchisee, Mono, Potential::C);
    prospect.status = ResellerStatus::Prospect;
    vec![
        reseller(1, Reseller, Mono, Potential::B),
        reseller(2, Reseller, Multi, Potential::B),
        reseller(3, Distributor, Multi, Potential::A),
        prospect,
    ]
}

/// Products 10 and 11 are mowers, 20 is a hedge trimmer.
pub fn catalogue() -> Vec<ProductFacts> {
    [(10, "mowers"), (11, "mowers"), (20, "hedge")]
        .into_iter()
        .map(|(id, category)| ProductFacts {
            id,
            category: category.into(),
        })
        .collect()
}

/// 1 March – 31 May 2026, version 3, everyone eligible, no rules yet.
pub fn challenge() -> ChallengeDef {
    ChallengeDef {
        id: 9,
        name: "Spring".into(),
        status: ChallengeStatus::Running,
        start: day(3, 1),
        end: day(5, 31),
        version: 3,
        eligibility: Default::default(),
        league_mode: LeagueMode::None,
        rules: vec![],
        tiers: None,
        caps: Caps::default(),
    }
}

pub fn rule(kind: RuleKind) -> Rule {
    Rule {
        label: String::new(),
        kind,
        products: Default::default(),
        segment: Default::default(),
    }
}

/// Tiers at 10 and 20 units paying 2 and 5.
pub fn tiers(cumulative: bool, payout: TierPayout) -> TierSchedule {
    TierSchedule {
        basis: TierBasis::Units,
        cumulative,
        payout,
        per_cents: 100,
        products: Default::default(),
        levels: vec![
            Tier {
                threshold: 10,
                bonus: 2,
            },
            Tier {
                threshold: 20,
                bonus: 5,
            },
        ],
    }
}

/// Sold on 10 March, declared on 12 March, approved, without customer details or feedback.
pub fn line(
    line_id: i64,
    reseller_id: i64,
    product_id: i64,
    quantity: i64,
    amount_cents: i64,
) -> LineFacts {
    LineFacts {
        line_id,
        reseller_id,
        product_id,
        sale_date: day(3, 10),
        declared_on: day(3, 12),
        quantity,
        amount_cents,
        has_customer_details: false,
        has_feedback: false,
        approved: true,
    }
}

pub fn run(def: &ChallengeDef, lines: &[LineFacts]) -> Outcome {
    compute(def, &network(), &catalogue(), lines.to_vec()).expect("valid definition")
}

/// (line id, points) of every line entry, in serving order.
pub fn points(o: &Outcome) -> Vec<(i64, i64)> {
    o.line_entries
        .iter()
        .map(|e| (e.line_id, e.points))
        .collect()
}
