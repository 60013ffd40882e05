//! Invariants over random challenges and lines: determinism, ledger reconciliation, caps, balances.

use std::collections::HashMap;

use chrono::{Datelike, Days};
use proptest::prelude::*;
use proptest::sample::select;

use super::balance::{balance, expiring, AccountEntry, EntryState, Validity};
use super::def::{
    Caps, ChallengeDef, PointsStatus, ProductFilter, QualityRequirement, Rule, RuleKind, Tier,
    TierBasis, TierPayout, TierSchedule,
};
use super::engine::{multiply, LineFacts};
use super::ledger::reconcile;
use super::outcome::Outcome;
use super::segment::{BrandOrganisation, LeagueMode, SegmentFilter};
use super::tests_support::{challenge, day, run};

fn arb_kind() -> impl Strategy<Value = RuleKind> {
    use QualityRequirement::*;
    prop_oneof![
        (0..5i64).prop_map(|points| RuleKind::PerUnit { points }),
        (0..4i64, select(vec![1i64, 100, 250, 1000]))
            .prop_map(|(points, per_cents)| RuleKind::PerAmount { points, per_cents }),
        (
            0..10i64,
            select(vec![CustomerDetails, Feedback, Either, Both])
        )
            .prop_map(|(points, requires)| RuleKind::Quality { points, requires }),
        (0..10i64, 0..10i64).prop_map(|(points, within_days)| RuleKind::Timeliness {
            points,
            within_days
        }),
        (500..3000i64).prop_map(|factor_permille| RuleKind::Multiplier { factor_permille }),
    ]
}

fn arb_rule() -> impl Strategy<Value = Rule> {
    (arb_kind(), any::<bool>(), any::<bool>()).prop_map(|(kind, mowers_only, multi_only)| Rule {
        label: String::new(),
        kind,
        products: ProductFilter {
            categories: if mowers_only {
                vec!["mowers".into()]
            } else {
                vec![]
            },
            ..Default::default()
        },
        segment: SegmentFilter {
            brand_organisations: if multi_only {
                vec![BrandOrganisation::Multi]
            } else {
                vec![]
            },
            ..Default::default()
        },
    })
}

fn arb_tiers() -> impl Strategy<Value = Option<TierSchedule>> {
    let levels = prop::collection::vec((1..40i64, 0..6i64), 1..4).prop_map(|steps| {
        // Increasing thresholds and non-decreasing bonuses: valid in every mode.
        let (mut threshold, mut bonus) = (0, 0);
        steps
            .into_iter()
            .map(|(dt, db)| {
                threshold += dt;
                bonus += db;
                Tier { threshold, bonus }
            })
            .collect::<Vec<_>>()
    });
    let payout = select(vec![
        TierPayout::Flat,
        TierPayout::AllSales,
        TierPayout::AboveThreshold,
    ]);
    let basis = select(vec![TierBasis::Units, TierBasis::Amount]);
    prop::option::of((basis, any::<bool>(), payout, levels).prop_map(
        |(basis, cumulative, payout, mut levels)| {
            if basis == TierBasis::Amount {
                levels.iter_mut().for_each(|t| t.threshold *= 1_000);
            }
            TierSchedule {
                basis,
                cumulative,
                payout,
                per_cents: 100,
                products: Default::default(),
                levels,
            }
        },
    ))
}

fn arb_def() -> impl Strategy<Value = ChallengeDef> {
    let cap = || prop::option::of(0..300i64);
    (
        prop::collection::vec(arb_rule(), 0..6),
        arb_tiers(),
        cap(),
        cap(),
        cap(),
        any::<bool>(),
    )
        .prop_map(
            |(rules, tiers, per_participant, per_participant_month, budget, leagues)| {
                ChallengeDef {
                    rules,
                    tiers,
                    caps: Caps {
                        per_participant,
                        per_participant_month,
                        budget,
                    },
                    league_mode: if leagues {
                        LeagueMode::TypeAndPotential
                    } else {
                        LeagueMode::None
                    },
                    ..challenge()
                }
            },
        )
}

fn arb_lines() -> impl Strategy<Value = Vec<LineFacts>> {
    let line = (
        1..=5i64,
        select(vec![10i64, 11, 20, 30]),
        -10..100i64,
        -2..15i64,
        -2..20i64,
        -500..50_000i64,
        any::<(bool, bool, bool)>(),
    );
    prop::collection::vec(line, 0..60).prop_map(|lines| {
        lines
            .into_iter()
            .enumerate()
            .map(
                |(i, (reseller_id, product_id, sale, delay, quantity, amount_cents, flags))| {
                    let sale_date = day(3, 1) + chrono::TimeDelta::days(sale);
                    LineFacts {
                        line_id: i as i64 + 1,
                        reseller_id,
                        product_id,
                        sale_date,
                        declared_on: sale_date + chrono::TimeDelta::days(delay),
                        quantity,
                        amount_cents,
                        has_customer_details: flags.0,
                        has_feedback: flags.1,
                        approved: flags.2,
                    }
                },
            )
            .collect()
    })
}

fn sum_by<K: std::hash::Hash + Eq>(items: impl Iterator<Item = (K, i64)>) -> HashMap<K, i64> {
    let mut sums = HashMap::new();
    for (k, v) in items {
        *sums.entry(k).or_insert(0) += v;
    }
    sums
}

fn all_points(o: &Outcome) -> impl Iterator<Item = (i64, PointsStatus, i64)> + '_ {
    let lines = o
        .line_entries
        .iter()
        .map(|e| (e.reseller_id, e.status, e.points));
    lines.chain(
        o.tier_entries
            .iter()
            .map(|e| (e.reseller_id, e.status, e.points)),
    )
}

proptest! {
    #[test]
    fn recomputing_gives_the_same_outcome_whatever_the_input_order(
        def in arb_def(),
        (lines, shuffled) in arb_lines().prop_flat_map(|l| (Just(l.clone()), Just(l).prop_shuffle())),
    ) {
        let once = run(&def, &lines);
        prop_assert_eq!(&run(&def, &lines), &once);
        prop_assert_eq!(&run(&def, &shuffled), &once);
    }

    #[test]
    fn the_ledger_reconciles_to_nothing_once_booked(def in arb_def(), lines in arb_lines(), keep in any::<u64>()) {
        let desired: Vec<_> = run(&def, &lines).postings().collect();
        prop_assert_eq!(reconcile(desired.clone(), desired.clone()), vec![]);
        let mut ledger = reconcile(desired.clone(), vec![]);
        prop_assert_eq!(reconcile(desired, ledger.clone()), vec![]);
        // Some lines rejected, the rest approved, and a new version: the adjustments bring the ledger there.
        let mut next_def = def.clone();
        next_def.version += 1;
        let next_lines: Vec<LineFacts> = lines.iter().filter(|l| keep >> (l.line_id % 64) & 1 == 1)
            .map(|l| LineFacts { approved: true, ..*l }).collect();
        let next: Vec<_> = run(&next_def, &next_lines).postings().collect();
        ledger.extend(reconcile(next.clone(), ledger.clone()));
        prop_assert_eq!(reconcile(next, ledger), vec![]);
    }

    #[test]
    fn points_stay_within_caps_and_budget(def in arb_def(), lines in arb_lines()) {
        let o = run(&def, &lines);
        let per_participant = sum_by(all_points(&o).map(|(r, _, p)| (r, p)));
        if let Some(cap) = def.caps.per_participant {
            prop_assert!(per_participant.values().all(|p| *p <= cap));
        }
        if let Some(cap) = def.caps.per_participant_month {
            let month_of: HashMap<i64, u32> = lines.iter().map(|l| (l.line_id, l.sale_date.month())).collect();
            let per_month = sum_by(o.line_entries.iter().map(|e| ((e.reseller_id, month_of[&e.line_id]), e.points)));
            prop_assert!(per_month.values().all(|p| *p <= cap));
        }
        let total: i64 = per_participant.values().sum();
        if let Some(budget) = def.caps.budget {
            prop_assert!(total <= budget);
            prop_assert_eq!(o.budget.unwrap().used, total);
        }
    }

    #[test]
    fn entries_are_never_negative_and_explain_their_points(def in arb_def(), lines in arb_lines()) {
        let o = run(&def, &lines);
        let no_caps = def.caps == Caps::default();
        for e in &o.line_entries {
            prop_assert!(e.earned > 0 && 0 <= e.points && e.points <= e.earned);
            prop_assert_eq!(e.earned, multiply(e.basis * e.rate, e.factor_permille));
            prop_assert!(no_caps <= (e.points == e.earned));
        }
        for e in &o.tier_entries {
            prop_assert!(e.earned > 0 && 0 <= e.points && e.points <= e.earned);
            prop_assert_eq!(e.earned, e.counted * e.rate);
        }
        let sums = sum_by(all_points(&o).map(|(r, s, p)| ((r, s), p)));
        for p in &o.participants {
            let get = |s| sums.get(&(p.reseller_id, s)).copied().unwrap_or(0);
            prop_assert_eq!(p.points_confirmed, get(PointsStatus::Confirmed));
            prop_assert_eq!(p.points_pending, get(PointsStatus::Pending));
            prop_assert!(p.points_capped >= 0);
        }
    }

    #[test]
    fn the_balance_is_the_sum_of_entries_and_expiry_is_fifo_safe(
        rows in prop::collection::vec((0..200u64, -80..120i64, 0..5usize), 0..40),
        as_of in 0..400u64,
        months in 1..6u32,
    ) {
        use EntryState::*;
        let states = [Pending, Confirmed, Reversed, Expired, Redeemed];
        let entries: Vec<AccountEntry> = rows.iter().enumerate().map(|(i, (on, points, state))| AccountEntry {
            id: i as i64 + 1,
            on: day(1, 1) + Days::new(*on),
            // Only confirmed and pending entries are credits; the other states are debits.
            points: if *state <= 1 { *points } else { -points.abs() },
            state: states[*state],
        }).collect();
        let b = balance(&entries);
        prop_assert_eq!(b.available + b.pending, entries.iter().map(|e| e.points).sum::<i64>());
        let as_of = day(1, 1) + Days::new(as_of);
        let validity = Validity::Months(months);
        let due = expiring(&entries, validity, as_of);
        let booked: Vec<AccountEntry> = entries.iter().copied().filter(|e| e.on <= as_of).collect();
        let due_total: i64 = due.iter().map(|d| d.points).sum();
        prop_assert!(due.iter().all(|d| d.points > 0 && d.expires_on <= as_of));
        prop_assert!(due_total <= balance(&booked).available.max(0));
        let mut after = entries.clone();
        after.extend(due.iter().enumerate().map(|(i, d)| AccountEntry {
            id: 1_000 + i as i64, on: as_of, points: -d.points, state: Expired,
        }));
        prop_assert_eq!(expiring(&after, validity, as_of), vec![]);
    }
}
