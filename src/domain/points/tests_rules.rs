//! Hand-computed cases for each earning rule, multipliers, eligibility, leagues and leaderboards.

use super::def::{EntryKind, PointsStatus, ProductFilter, QualityRequirement, Rule, RuleKind};
use super::segment::{
    BrandOrganisation, League, LeagueMode, Potential, ResellerType, SegmentFilter,
};
use super::tests_support::*;

fn mowers(kind: RuleKind) -> Rule {
    Rule {
        products: ProductFilter {
            categories: vec!["mowers".into()],
            ..Default::default()
        },
        ..rule(kind)
    }
}

#[test]
fn per_unit_pays_quantity_times_points_on_matching_products() {
    let mut def = challenge();
    def.rules = vec![mowers(RuleKind::PerUnit { points: 2 })];
    let o = run(
        &def,
        &[
            line(1, 1, 10, 3, 30_000),
            line(2, 1, 20, 4, 8_000),
            line(3, 1, 11, 0, 0),
        ],
    );
    // Line 1: 3 mowers × 2 = 6. Line 2: a hedge trimmer, no rule. Line 3: 0 units, no entry.
    assert_eq!(points(&o), [(1, 6)]);
    let e = o.line_entries[0];
    assert_eq!(
        (e.kind, e.rule, e.basis, e.rate, e.factor_permille, e.earned),
        (EntryKind::Unit, 0, 3, 2, 1000, 6)
    );
    assert_eq!(
        (e.reseller_id, e.status, e.capped_by),
        (1, PointsStatus::Confirmed, None)
    );
}

#[test]
fn per_amount_pays_full_steps_of_the_amount() {
    let mut def = challenge();
    def.rules = vec![
        rule(RuleKind::PerAmount {
            points: 1,
            per_cents: 100,
        }),
        rule(RuleKind::PerAmount {
            points: 3,
            per_cents: 1_000,
        }),
    ];
    let o = run(
        &def,
        &[
            line(1, 1, 10, 1, 1_299),
            line(2, 1, 10, 1, 99),
            line(3, 1, 10, 1, -500),
        ],
    );
    // Line 1, 12,99 €: rule 0 floor(1299/100) = 12 × 1 = 12; rule 1 floor(1299/1000) = 1 × 3 = 3.
    // Line 2, 0,99 €: no full euro. Line 3, a credit: nothing (earning never goes negative).
    assert_eq!(points(&o), [(1, 12), (1, 3)]);
    assert_eq!(
        (o.line_entries[0].basis, o.line_entries[0].detail),
        (12, 1_299)
    );
}

#[test]
fn quality_pays_a_flat_bonus_when_the_line_carries_the_details_asked_for() {
    let mut def = challenge();
    def.rules = vec![
        rule(RuleKind::Quality {
            points: 5,
            requires: QualityRequirement::Either,
        }),
        rule(RuleKind::Quality {
            points: 7,
            requires: QualityRequirement::Both,
        }),
    ];
    let mut with_customer = line(1, 1, 10, 4, 100);
    with_customer.has_customer_details = true;
    let mut with_feedback = line(2, 1, 10, 4, 100);
    with_feedback.has_feedback = true;
    let mut with_both = line(3, 1, 10, 4, 100);
    with_both.has_customer_details = true;
    with_both.has_feedback = true;
    let o = run(
        &def,
        &[
            with_customer,
            with_feedback,
            with_both,
            line(4, 1, 10, 4, 100),
        ],
    );
    // Per line, not per unit: 5 for either; 5 + 7 when both are there; nothing for a bare line.
    assert_eq!(points(&o), [(1, 5), (2, 5), (3, 5), (3, 7)]);
    assert_eq!(
        o.line_entries[3].detail, 3,
        "1 customer details + 2 feedback"
    );
}

#[test]
fn timeliness_pays_when_declared_within_n_days_of_the_sale() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::Timeliness {
        points: 3,
        within_days: 7,
    })];
    let declared = |id, sale_day, declared_day| {
        let mut l = line(id, 1, 10, 1, 100);
        l.sale_date = day(3, sale_day);
        l.declared_on = day(3, declared_day);
        l
    };
    // 10 → 17 March is 7 days: paid. 10 → 18 is 8 days: not paid. Declared the day before the sale: not
    // paid (such a line is an error, not a fast declaration).
    let o = run(
        &def,
        &[
            declared(1, 10, 17),
            declared(2, 10, 18),
            declared(3, 11, 10),
        ],
    );
    assert_eq!(points(&o), [(1, 3)]);
    assert_eq!(
        (o.line_entries[0].kind, o.line_entries[0].detail),
        (EntryKind::Timeliness, 7)
    );
}

#[test]
fn a_multiplier_multiplies_the_other_rules_for_its_segment_and_rounds_down_once() {
    let mut def = challenge();
    def.rules = vec![
        rule(RuleKind::PerUnit { points: 2 }),
        rule(RuleKind::PerAmount {
            points: 1,
            per_cents: 100,
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
    ];
    // Reseller 1 is mono-brand: 3 × 2 = 6 and 12 × 1 = 12.
    // Reseller 2 is multi-brand: 3 × 2 × 1.5 = 9 and 12 × 1 × 1.5 = 18; 1 × 2 × 1.5 = 3; 1 × 1 × 1.5 = 1.5 → 1.
    let o = run(
        &def,
        &[
            line(1, 1, 10, 3, 1_299),
            line(2, 2, 10, 3, 1_299),
            line(3, 2, 10, 1, 199),
        ],
    );
    assert_eq!(
        points(&o),
        [(1, 6), (1, 12), (2, 9), (2, 18), (3, 3), (3, 1)]
    );
    assert_eq!(o.line_entries[2].factor_permille, 1500);
    assert_eq!(o.line_entries[0].factor_permille, 1000);
}

#[test]
fn several_multipliers_multiply_together() {
    let mut def = challenge();
    def.rules = vec![
        rule(RuleKind::PerUnit { points: 2 }),
        rule(RuleKind::Multiplier {
            factor_permille: 1500,
        }),
        mowers(RuleKind::Multiplier {
            factor_permille: 1333,
        }),
    ];
    // Mowers: factor floor(1500 × 1333 / 1000) = 1999 permille; 3 × 2 × 1.999 = 11.994 → 11.
    // Hedge trimmer: only ×1.5; 3 × 2 × 1.5 = 9.
    let o = run(&def, &[line(1, 1, 10, 3, 0), line(2, 1, 20, 3, 0)]);
    assert_eq!(points(&o), [(1, 11), (2, 9)]);
    assert_eq!(o.line_entries[0].factor_permille, 1999);
}

#[test]
fn rules_can_target_a_segment() {
    let mut def = challenge();
    def.rules = vec![Rule {
        segment: SegmentFilter {
            reseller_types: vec![ResellerType::Distributor],
            ..Default::default()
        },
        ..rule(RuleKind::PerUnit { points: 1 })
    }];
    let o = run(&def, &[line(1, 1, 10, 5, 0), line(2, 3, 10, 5, 0)]);
    assert_eq!(points(&o), [(2, 5)]);
}

#[test]
fn lines_outside_the_dates_or_from_ineligible_resellers_earn_nothing() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 1 })];
    def.eligibility = SegmentFilter {
        potentials: vec![Potential::A, Potential::B],
        ..Default::default()
    };
    let on = |id, reseller, month, d| {
        let mut l = line(id, reseller, 10, 1, 0);
        l.sale_date = day(month, d);
        l
    };
    let lines = [
        on(1, 1, 3, 1),   // first day: counts
        on(2, 1, 5, 31),  // last day: counts
        on(3, 1, 2, 28),  // before the start
        on(4, 1, 6, 1),   // after the end
        on(5, 4, 3, 10),  // reseller 4 is potential C: not eligible
        on(6, 99, 3, 10), // unknown reseller
    ];
    let o = run(&def, &lines);
    assert_eq!(points(&o), [(1, 1), (2, 1)]);
    assert_eq!(
        (o.skipped.outside_dates, o.skipped.not_participating),
        (2, 2)
    );
    let ids: Vec<i64> = o.participants.iter().map(|p| p.reseller_id).collect();
    assert_eq!(
        ids,
        [1, 2, 3],
        "every eligible reseller is a participant, even without sales"
    );
}

#[test]
fn pending_lines_earn_pending_points() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 2 })];
    let mut pending = line(2, 1, 10, 5, 0);
    pending.approved = false;
    let o = run(&def, &[line(1, 1, 10, 3, 0), pending]);
    let p = o.participant(1).unwrap();
    // Confirmed 3 × 2 = 6; pending 5 × 2 = 10.
    assert_eq!(
        (p.points_confirmed, p.points_pending, p.points()),
        (6, 10, 16)
    );
    assert_eq!(o.line_entries[1].status, PointsStatus::Pending);
    assert_eq!((p.lines, p.units), (2, 8));
}

#[test]
fn input_order_does_not_matter_lines_are_served_by_declaration() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 1 })];
    let mut late = line(1, 1, 10, 1, 0);
    late.declared_on = day(3, 20);
    let lines = [late, line(2, 2, 10, 2, 0), line(3, 1, 10, 3, 0)];
    let o = run(&def, &lines);
    // Lines 2 and 3 were declared on 12 March, line 1 on 20 March.
    assert_eq!(points(&o), [(2, 2), (3, 3), (1, 1)]);
    let mut reversed = lines;
    reversed.reverse();
    assert_eq!(run(&def, &reversed), o);
}

#[test]
fn leaderboards_share_ranks_on_ties_overall_and_per_league() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 1 })];
    def.league_mode = LeagueMode::TypeAndPotential;
    // Reseller 1: 10, reseller 2: 10, reseller 3: 5, reseller 4: 0.
    let o = run(
        &def,
        &[
            line(1, 1, 10, 10, 0),
            line(2, 2, 10, 10, 0),
            line(3, 3, 10, 5, 0),
        ],
    );
    let ranks: Vec<(i64, u32)> = o
        .leaderboard(None)
        .iter()
        .map(|p| (p.reseller_id, p.rank))
        .collect();
    assert_eq!(ranks, [(1, 1), (2, 1), (3, 3), (4, 4)]);
    let resellers_b = League {
        reseller_type: ResellerType::Reseller,
        potential: Potential::B,
    };
    let board: Vec<(i64, u32)> = o
        .leaderboard(Some(resellers_b))
        .iter()
        .map(|p| (p.reseller_id, p.league_rank))
        .collect();
    assert_eq!(board, [(1, 1), (2, 1)]);
    let distributors_a = League {
        reseller_type: ResellerType::Distributor,
        potential: Potential::A,
    };
    assert_eq!(o.participant(3).unwrap().league, Some(distributors_a));
    assert_eq!(
        o.participant(3).unwrap().league_rank,
        1,
        "alone in its league"
    );
    assert_eq!(o.leagues().len(), 3);
}

#[test]
fn report_gives_cost_and_distribution_per_league() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 1 })];
    def.league_mode = LeagueMode::TypeAndPotential;
    let o = run(
        &def,
        &[
            line(1, 1, 10, 10, 0),
            line(2, 2, 10, 4, 0),
            line(3, 3, 10, 5, 0),
        ],
    );
    let r = o.report(25);
    // 10 + 4 + 5 + 0 = 19 points at 0,25 € = 4,75 €.
    assert_eq!((r.points_confirmed, r.cost_cents), (19, 475));
    // Overall: sorted 0, 4, 5, 10 → median (4 + 5) / 2 = 4.5 → 4.
    assert_eq!(
        (
            r.overall.count,
            r.overall.total,
            r.overall.median,
            r.overall.max
        ),
        (4, 19, 4, 10)
    );
    let resellers_b = r
        .leagues
        .iter()
        .find(|(l, _)| l.reseller_type == ResellerType::Reseller)
        .unwrap();
    // Reseller · B: 10 and 4 → median 7.
    assert_eq!(
        (resellers_b.1.count, resellers_b.1.median, resellers_b.1.max),
        (2, 7, 10)
    );
}
