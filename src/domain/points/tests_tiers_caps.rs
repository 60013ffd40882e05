//! Hand-computed cases for every tier mode, each cap and the budget, through the whole engine.

use super::def::{CapKind, Caps, PointsStatus, ProductFilter, RuleKind, TierPayout};
use super::engine::LineFacts;
use super::outcome::Outcome;
use super::tests_support::*;

/// Reseller 1 declares 8, then 7, then 10 units (15 after line 2, 25 after line 3); reseller 2 declares
/// 12 units. Tiers: 10 units → 2, 20 units → 5.
fn tier_case(cumulative: bool, payout: TierPayout) -> Outcome {
    let mut def = challenge();
    def.tiers = Some(tiers(cumulative, payout));
    run(
        &def,
        &[
            line(1, 1, 10, 8, 0),
            line(2, 1, 10, 7, 0),
            line(3, 1, 11, 10, 0),
            line(4, 2, 10, 12, 0),
        ],
    )
}

/// (reseller, tier, reached by line, points) per tier entry.
fn tier_points(o: &Outcome) -> Vec<(i64, u16, i64, i64)> {
    o.tier_entries
        .iter()
        .map(|e| (e.reseller_id, e.tier, e.reached_by_line, e.points))
        .collect()
}

#[test]
fn cumulative_flat_pays_every_tier_reached() {
    let o = tier_case(true, TierPayout::Flat);
    // Reseller 1 (25 units): 2 + 5 = 7. Reseller 2 (12 units): 2.
    assert_eq!(tier_points(&o), [(1, 0, 2, 2), (1, 1, 3, 5), (2, 0, 4, 2)]);
    assert_eq!(o.participant(1).unwrap().points(), 7);
}

#[test]
fn highest_only_flat_pays_the_highest_bonus_as_increments() {
    let o = tier_case(false, TierPayout::Flat);
    // Reseller 1: tier 1 pays 2, tier 2 pays 5 − 2 = 3: 5 in all, tier 2's bonus.
    assert_eq!(tier_points(&o), [(1, 0, 2, 2), (1, 1, 3, 3), (2, 0, 4, 2)]);
    assert_eq!(o.participant(1).unwrap().points(), 5);
}

#[test]
fn cumulative_all_sales_pays_every_reached_tier_on_every_unit() {
    let o = tier_case(true, TierPayout::AllSales);
    // Reseller 1: 25 × 2 + 25 × 5 = 50 + 125 = 175. Reseller 2: 12 × 2 = 24.
    assert_eq!(
        tier_points(&o),
        [(1, 0, 2, 50), (1, 1, 3, 125), (2, 0, 4, 24)]
    );
    let e = o.tier_entries[1];
    assert_eq!((e.basis, e.counted, e.rate, e.threshold), (25, 25, 5, 20));
}

#[test]
fn highest_only_all_sales_pays_the_highest_rate_on_every_unit() {
    let o = tier_case(false, TierPayout::AllSales);
    // Reseller 1: 25 × 2 + 25 × (5 − 2) = 50 + 75 = 125 = 25 × 5.
    assert_eq!(
        tier_points(&o),
        [(1, 0, 2, 50), (1, 1, 3, 75), (2, 0, 4, 24)]
    );
    assert_eq!(o.participant(1).unwrap().points(), 125);
}

#[test]
fn cumulative_above_threshold_pays_each_tier_on_what_lies_above_it() {
    let o = tier_case(true, TierPayout::AboveThreshold);
    // Reseller 1: (25 − 10) × 2 + (25 − 20) × 5 = 30 + 25 = 55. Reseller 2: (12 − 10) × 2 = 4.
    assert_eq!(
        tier_points(&o),
        [(1, 0, 2, 30), (1, 1, 3, 25), (2, 0, 4, 4)]
    );
}

#[test]
fn highest_only_above_threshold_pays_each_unit_at_its_band_rate() {
    let o = tier_case(false, TierPayout::AboveThreshold);
    // Reseller 1: units 11–20 at 2, units 21–25 at 5: 10 × 2 + 5 × 5 = 20 + 25 = 45.
    assert_eq!(
        tier_points(&o),
        [(1, 0, 2, 20), (1, 1, 3, 25), (2, 0, 4, 4)]
    );
}

#[test]
fn participants_see_the_tier_reached_and_what_is_missing_for_the_next() {
    let o = tier_case(true, TierPayout::Flat);
    let (one, two) = (o.participant(1).unwrap(), o.participant(2).unwrap());
    assert_eq!(
        (one.tier_basis, one.tier_reached, one.next_tier),
        (25, Some(1), None)
    );
    let next = two.next_tier.unwrap();
    // 12 units, next tier at 20: 8 missing.
    assert_eq!(
        (
            two.tier_reached,
            next.next_tier,
            next.threshold,
            next.missing
        ),
        (Some(0), 1, 20, 8)
    );
    assert_eq!(o.participant(3).unwrap().next_tier.unwrap().missing, 10);
    assert_eq!(o.report(1).reached_tier, [2, 1]);
}

#[test]
fn tier_bonuses_from_pending_lines_are_pending_and_only_counted_products_count() {
    let mut def = challenge();
    let mut schedule = tiers(true, TierPayout::AllSales);
    schedule.products = ProductFilter {
        categories: vec!["mowers".into()],
        ..Default::default()
    };
    def.tiers = Some(schedule);
    let mut pending = line(3, 1, 10, 10, 0);
    pending.approved = false;
    let o = run(
        &def,
        &[
            line(1, 1, 10, 8, 0),
            line(2, 1, 10, 7, 0),
            pending,
            line(4, 1, 20, 50, 0),
        ],
    );
    // Mowers: 15 approved units + 10 pending = 25; the 50 hedge trimmers do not count.
    // Tier 1 (≥10, 2/unit): confirmed 15 × 2 = 30, pending (25 − 15) × 2 = 20.
    // Tier 2 (≥20, 5/unit): 15 approved units do not reach it: all pending, 25 × 5 = 125.
    let parts: Vec<(u16, PointsStatus, i64)> = o
        .tier_entries
        .iter()
        .map(|e| (e.tier, e.status, e.points))
        .collect();
    assert_eq!(
        parts,
        [
            (0, PointsStatus::Confirmed, 30),
            (0, PointsStatus::Pending, 20),
            (1, PointsStatus::Pending, 125)
        ]
    );
    let p = o.participant(1).unwrap();
    assert_eq!(
        (
            p.tier_basis,
            p.tier_basis_confirmed,
            p.points_confirmed,
            p.points_pending
        ),
        (25, 15, 30, 145)
    );
}

fn per_unit_2(caps: Caps) -> super::def::ChallengeDef {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 2 })];
    def.caps = caps;
    def
}

fn declared(mut l: LineFacts, month: u32, d: u32) -> LineFacts {
    l.sale_date = day(month, d);
    l.declared_on = day(month, d);
    l
}

#[test]
fn the_participant_cap_clips_later_lines() {
    let def = per_unit_2(Caps {
        per_participant: Some(10),
        ..Default::default()
    });
    let o = run(
        &def,
        &[
            line(1, 1, 10, 3, 0),
            line(2, 1, 10, 3, 0),
            line(3, 1, 10, 1, 0),
            line(4, 2, 10, 3, 0),
        ],
    );
    // Reseller 1: 6, then 6 cut to 10 − 6 = 4, then 2 cut to 0. Reseller 2 keeps its 6.
    assert_eq!(points(&o), [(1, 6), (2, 4), (3, 0), (4, 6)]);
    assert_eq!(o.line_entries[1].capped_by, Some(CapKind::PerParticipant));
    assert_eq!(o.line_entries[1].earned, 6);
    let p = o.participant(1).unwrap();
    assert_eq!(
        (p.points(), p.points_capped, p.caps_hit.per_participant),
        (10, 4, true)
    );
    assert!(!o.participant(2).unwrap().caps_hit.per_participant);
    assert_eq!(o.postings().count(), 3, "the line cut to 0 is not booked");
}

#[test]
fn the_monthly_cap_applies_per_month_of_sale() {
    let def = per_unit_2(Caps {
        per_participant_month: Some(10),
        ..Default::default()
    });
    let lines = [
        declared(line(1, 1, 10, 3, 0), 3, 5),
        declared(line(2, 1, 10, 3, 0), 3, 20),
        declared(line(3, 1, 10, 3, 0), 4, 2),
    ];
    let o = run(&def, &lines);
    // March: 6, then 6 cut to 10 − 6 = 4. April starts afresh: 6.
    assert_eq!(points(&o), [(1, 6), (2, 4), (3, 6)]);
    assert_eq!(
        o.line_entries[1].capped_by,
        Some(CapKind::PerParticipantMonth)
    );
    assert_eq!(o.participant(1).unwrap().caps_hit.months, [day(3, 1)]);
}

#[test]
fn the_budget_is_first_declared_first_served() {
    let def = per_unit_2(Caps {
        budget: Some(10),
        ..Default::default()
    });
    let lines = [
        declared(line(1, 1, 10, 3, 0), 3, 12),
        declared(line(2, 2, 10, 3, 0), 3, 11),
        declared(line(3, 3, 10, 3, 0), 3, 13),
    ];
    let o = run(&def, &lines);
    // Line 2 (11 March) takes 6; line 1 (12 March) gets 10 − 6 = 4; line 3 (13 March) gets nothing.
    assert_eq!(points(&o), [(2, 6), (1, 4), (3, 0)]);
    let b = o.budget.unwrap();
    assert_eq!((b.budget, b.used, b.exhausted_by_line), (10, 10, Some(1)));
    assert!(o.participant(3).unwrap().caps_hit.budget);
    assert_eq!(o.report(1).hit_budget, 2);
}

#[test]
fn tier_bonuses_count_toward_the_participant_cap_but_not_the_monthly_cap() {
    let mut def = challenge();
    def.rules = vec![rule(RuleKind::PerUnit { points: 1 })];
    def.tiers = Some(tiers(true, TierPayout::Flat));
    def.caps = Caps {
        per_participant: Some(14),
        per_participant_month: Some(10),
        budget: None,
    };
    let lines = [
        declared(line(1, 1, 10, 8, 0), 3, 10),
        declared(line(2, 1, 10, 7, 0), 3, 15),
        declared(line(3, 1, 10, 10, 0), 4, 2),
    ];
    let o = run(&def, &lines);
    // Line 1: 8. Line 2: 7 cut by March's cap to 10 − 8 = 2. Tier 1 reached on line 2: bonus 2, outside
    // the monthly cap, within the participant's 14 − 10 = 4 left: 2. Line 3 (April): 10 cut to the
    // participant's 14 − 12 = 2. Tier 2 reached on line 3: bonus 5, nothing left: 0. Total 14.
    assert_eq!(points(&o), [(1, 8), (2, 2), (3, 2)]);
    assert_eq!(tier_points(&o), [(1, 0, 2, 2), (1, 1, 3, 0)]);
    let p = o.participant(1).unwrap();
    // Cut: 5 (line 2) + 8 (line 3) + 5 (tier 2) = 18.
    assert_eq!((p.points(), p.points_capped), (14, 18));
    assert_eq!(
        (p.caps_hit.per_participant, p.caps_hit.months.clone()),
        (true, vec![day(3, 1)])
    );
}
