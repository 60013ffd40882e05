//! Times one challenge (5 rules, 2 tiers, all caps) over 1,000,000 synthetic lines.
//! `cargo run --release --example bench`

use std::time::Instant;

use chrono::{Days, NaiveDate};
use relais::domain::points::compile::{Engine, ProductFacts};
use relais::domain::points::def::{
    Caps, ChallengeDef, ChallengeStatus, ProductFilter, QualityRequirement, Rule, RuleKind, Tier,
    TierBasis, TierPayout, TierSchedule,
};
use relais::domain::points::engine::LineFacts;
use relais::domain::points::segment::{
    BrandOrganisation, LeagueMode, Potential, ResellerFacts, ResellerStatus, ResellerType,
    SegmentFilter,
};

const LINES: i64 = 1_000_000;
const RESELLERS: i64 = 10_000;
const PRODUCTS: i64 = 5_000;

/// A small deterministic generator, so that runs are comparable without a `rand` dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below) as i64
    }
}

fn rule(kind: RuleKind) -> Rule {
    Rule {
        label: String::new(),
        kind,
        products: Default::default(),
        segment: Default::default(),
    }
}

fn main() {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let def = ChallengeDef {
        id: 1,
        name: "Bench".into(),
        status: ChallengeStatus::Running,
        start,
        end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        version: 1,
        eligibility: SegmentFilter {
            statuses: vec![ResellerStatus::Active],
            ..Default::default()
        },
        league_mode: LeagueMode::TypeAndPotential,
        rules: vec![
            Rule {
                products: ProductFilter {
                    categories: (0..5).map(|c| format!("cat{c}")).collect(),
                    ..Default::default()
                },
                ..rule(RuleKind::PerUnit { points: 2 })
            },
            rule(RuleKind::PerAmount {
                points: 1,
                per_cents: 100,
            }),
            rule(RuleKind::Quality {
                points: 5,
                requires: QualityRequirement::Either,
            }),
            rule(RuleKind::Timeliness {
                points: 3,
                within_days: 7,
            }),
            Rule {
                segment: SegmentFilter {
                    brand_organisations: vec![BrandOrganisation::Multi],
                    ..Default::default()
                },
                ..rule(RuleKind::Multiplier {
                    factor_permille: 1500,
                })
            },
        ],
        tiers: Some(TierSchedule {
            basis: TierBasis::Units,
            cumulative: true,
            payout: TierPayout::AllSales,
            per_cents: 100,
            products: Default::default(),
            levels: vec![
                Tier {
                    threshold: 300,
                    bonus: 1,
                },
                Tier {
                    threshold: 600,
                    bonus: 2,
                },
            ],
        }),
        caps: Caps {
            per_participant: Some(60_000),
            per_participant_month: Some(6_000),
            budget: Some(150_000_000),
        },
    };
    let mut rng = Lcg(42);
    let types = [
        ResellerType::Distributor,
        ResellerType::Reseller,
        ResellerType::Franchisee,
    ];
    let potentials = [Potential::A, Potential::B, Potential::C];
    let resellers: Vec<ResellerFacts> = (1..=RESELLERS)
        .map(|id| ResellerFacts {
            id,
            reseller_type: types[rng.next(3) as usize],
            brand_organisation: if rng.next(2) == 0 {
                BrandOrganisation::Mono
            } else {
                BrandOrganisation::Multi
            },
            region: format!("region{}", rng.next(13)),
            potential: potentials[rng.next(3) as usize],
            status: if rng.next(10) == 0 {
                ResellerStatus::Inactive
            } else {
                ResellerStatus::Active
            },
        })
        .collect();
    let products: Vec<ProductFacts> = (1..=PRODUCTS)
        .map(|id| ProductFacts {
            id,
            category: format!("cat{}", id % 20),
        })
        .collect();
    // Declared in order, as the app's query returns them (order by declared_on, id).
    let lines: Vec<LineFacts> = (1..=LINES)
        .map(|line_id| {
            let declared_on = start + Days::new((line_id * 380 / LINES) as u64);
            let sale_date = declared_on - Days::new(rng.next(20) as u64);
            let quantity = 1 + rng.next(5);
            LineFacts {
                line_id,
                reseller_id: 1 + rng.next(RESELLERS as u64),
                product_id: 1 + rng.next(PRODUCTS as u64),
                sale_date,
                declared_on,
                quantity,
                amount_cents: quantity * (1_000 + rng.next(50_000)),
                has_customer_details: rng.next(3) == 0,
                has_feedback: rng.next(5) == 0,
                approved: rng.next(10) != 0,
            }
        })
        .collect();

    let t = Instant::now();
    let engine = Engine::new(&def, &resellers, &products).expect("valid definition");
    let build = t.elapsed();
    let mut best = f64::MAX;
    let mut outcome = None;
    for _ in 0..5 {
        // Passed by value, as the app does with the rows it read: no copy inside the engine.
        let input = lines.clone();
        let t = Instant::now();
        let o = engine.compute(input);
        best = best.min(t.elapsed().as_secs_f64());
        outcome = Some(o);
    }
    let outcome = outcome.unwrap();
    let mut shuffled = lines.clone();
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.next(i as u64 + 1) as usize);
    }
    let t = Instant::now();
    let again = engine.compute(shuffled);
    let unsorted = t.elapsed();
    assert_eq!(again, outcome, "input order does not matter");
    let t = Instant::now();
    let postings = outcome.postings().count();
    let report = outcome.report(1);
    let after = t.elapsed();

    println!("engine build: {:.1} ms", build.as_secs_f64() * 1e3);
    println!("compute 1M sorted lines (best of 5): {:.0} ms", best * 1e3);
    println!(
        "compute 1M shuffled lines (incl. sort): {:.0} ms",
        unsorted.as_secs_f64() * 1e3
    );
    println!("postings + report: {:.0} ms", after.as_secs_f64() * 1e3);
    println!(
        "line entries {}, tier entries {}, postings {}, participants {}, skipped {:?}",
        outcome.line_entries.len(),
        outcome.tier_entries.len(),
        postings,
        outcome.participants.len(),
        outcome.skipped
    );
    println!(
        "points confirmed {}, pending {}, capped {}, budget {:?}",
        report.points_confirmed, report.points_pending, report.points_capped, outcome.budget
    );
    println!(
        "reached tiers {:?}, hit caps: participant {}, monthly {}, budget {}",
        report.reached_tier, report.hit_participant_cap, report.hit_monthly_cap, report.hit_budget
    );
}
