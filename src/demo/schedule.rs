//! When each reseller declares: one slot per declared period, with its expected weight,
//! submission day and source; then the scale that makes the slots add up to the requested
//! number of lines.

use super::mix;
use super::network::{Behaviour, ResellerPlan, TenantPlan};
use crate::domain::network::Source;
use crate::domain::period::{Period, PeriodKind};
use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
/// A declaration a reseller will make: its period and its expected number of lines.
#[derive(Debug, Clone)]
pub struct Slot {
    pub period: u32,
    pub weight: f64,
    pub submitted: NaiveDate,
    pub source: Source,
}

pub struct Schedule {
    pub periods: Vec<Period>,
    /// Per reseller, its declarations in period order.
    pub slots: Vec<Vec<Slot>>,
    /// Lines per unit of weight.
    pub scale: f64,
}

impl Schedule {
    /// Expected number of lines (before cross-sell extras).
    pub fn expected_lines(&self) -> f64 {
        self.slots
            .iter()
            .flatten()
            .map(|s| (s.weight * self.scale).max(1.0))
            .sum()
    }
}

pub fn mid(p: &Period) -> NaiveDate {
    p.start + Duration::days((p.end - p.start).num_days() / 2)
}

/// Relative volume of the tenant per calendar month, from its catalogue's seasonality.
fn month_volume(plan: &TenantPlan) -> [f64; 12] {
    let total: f64 = plan.products.iter().map(|p| p.popularity).sum();
    let mut v = [0.0; 12];
    for (m, slot) in v.iter_mut().enumerate() {
        *slot = plan
            .products
            .iter()
            .map(|p| p.popularity * p.spec.season[m])
            .sum::<f64>()
            / total;
    }
    v
}

fn trend(r: &ResellerPlan, day: NaiveDate, today: NaiveDate) -> f64 {
    let age = (today - day).num_days() as f64;
    match r.behaviour {
        Behaviour::Growth(g) => 1.0 + g * (1.0 - age / 730.0).clamp(0.0, 1.0),
        Behaviour::Decline(f) if age < 182.0 => 1.0 - (1.0 - f) * (1.0 - age / 182.0),
        // Volumes sag in the three months before a reseller stops declaring.
        Behaviour::Stopped(d) if age < d as f64 + 90.0 => 0.7,
        _ => 1.0,
    }
}

pub fn schedule(
    plan: &TenantPlan,
    tenant_index: usize,
    seed: u64,
    today: NaiveDate,
    target: u64,
) -> Schedule {
    let kind = plan.spec.period;
    let mut periods = Vec::new();
    let mut p = Period::containing(kind, today - Duration::days(730));
    while p.end < today {
        periods.push(p);
        p = Period::containing(kind, p.end + Duration::days(1));
    }
    let volume = month_volume(plan);
    let mut slots: Vec<Vec<Slot>> = Vec::with_capacity(plan.resellers.len());
    for r in &plan.resellers {
        let mut rng = StdRng::seed_from_u64(mix(r.seed, 0, 0, 3));
        let mut own = Vec::new();
        for (i, p) in periods.iter().enumerate() {
            let lag = match kind {
                PeriodKind::Month if r.is_demo => rng.gen_range(1..=5),
                PeriodKind::Month => rng.gen_range(1..=12),
                PeriodKind::Week => rng.gen_range(0..=if r.is_demo { 2 } else { 4 }),
            };
            let skipped = rng.gen_bool(r.skip);
            let noise = rng.gen_range(0.75..1.3);
            let other_source = rng.gen_bool(0.15);
            let source = if other_source && r.main_source != Source::Api {
                [Source::File, Source::Form, Source::Staff][rng.gen_range(0..3)]
            } else {
                r.main_source
            };
            let submitted = p.end + Duration::days(lag);
            let active = match r.behaviour {
                Behaviour::Never => false,
                Behaviour::Stopped(d) => p.end < today - Duration::days(d),
                _ => true,
            };
            if !active || skipped || p.end < r.joined || submitted >= today {
                continue;
            }
            let m = mid(p);
            let days = ((p.end - p.start).num_days() + 1) as f64;
            let weight =
                r.volume * volume[m.month0() as usize] * trend(r, m, today) * noise * days / 30.0;
            own.push(Slot {
                period: i as u32,
                weight,
                submitted,
                source,
            });
        }
        slots.push(own);
    }
    // Small targets: fewer declarations rather than empty ones (each reseller keeps its last).
    let target = target.max(1) as f64;
    let count: usize = slots.iter().map(Vec::len).sum();
    if count as f64 * 1.5 > target {
        let keep = target / (count as f64 * 1.5);
        let mut rng = StdRng::seed_from_u64(mix(seed, tenant_index as u64, 0, 4));
        for own in slots.iter_mut() {
            let last = own.len().saturating_sub(1);
            let mut i = 0;
            own.retain(|_| {
                i += 1;
                i - 1 == last || rng.gen_bool(keep)
            });
        }
    }
    let mut s = Schedule {
        periods,
        slots,
        scale: 1.0,
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    s.scale = hi;
    while s.expected_lines() < target && hi < 1e12 {
        hi *= 2.0;
        s.scale = hi;
    }
    for _ in 0..60 {
        s.scale = (lo + hi) / 2.0;
        if s.expected_lines() < target {
            lo = s.scale;
        } else {
            hi = s.scale;
        }
    }
    s
}
