//! The sales model: what each declaration contains (lines with products, dates, quantities,
//! prices, customers and feedback). Each reseller draws from its own seeded stream, so the
//! result depends only on the seed, the requested size and the day of generation.

use super::network::{Life, ResellerPlan, TenantPlan};
use super::schedule::{mid, Schedule, Slot};
use super::{data, mix, Kind};
use crate::domain::network::Source;
use crate::domain::period::{Period, PeriodKind};
use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedBy {
    ResellerUser,
    Manager,
    Nobody,
}

#[derive(Debug, Clone)]
pub struct ImportDraft {
    pub filename: String,
    pub content_hash: String,
    pub size_bytes: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct DeclDraft {
    pub reseller: u32,
    pub period: Period,
    pub source: Source,
    pub created_at: i64,
    pub created_by: CreatedBy,
    pub import: Option<ImportDraft>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Approved,
    Pending,
    /// Rejected by the reseller's manager, with the reason and when.
    Rejected(&'static str, i64),
}

#[derive(Debug, Clone)]
pub struct LineDraft {
    /// Index of the declaration in its chunk.
    pub decl: u32,
    pub product: u32,
    pub sale_date: NaiveDate,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub customer_type: Option<&'static str>,
    pub postal: Option<String>,
    pub region: Option<&'static str>,
    pub customer: Option<u32>,
    pub channel: &'static str,
    pub feedback: Option<(&'static str, u8)>,
    pub review: Review,
    pub source_row: Option<i64>,
}

#[derive(Default)]
pub struct Chunk {
    pub declarations: Vec<DeclDraft>,
    pub lines: Vec<LineDraft>,
}

/// A unix timestamp for a working hour of `day` in Paris.
fn paris_ts(day: NaiveDate, seconds: u32) -> i64 {
    let t = day
        .and_hms_opt(8 + seconds / 3600 % 11, seconds / 60 % 60, seconds % 60)
        .expect("valid time");
    chrono_tz::Europe::Paris
        .from_local_datetime(&t)
        .earliest()
        .map(|d| d.timestamp())
        .unwrap_or_else(|| t.and_utc().timestamp())
}

/// Geometric number of failures before a success of probability `p`.
fn geometric(rng: &mut StdRng, p: f64) -> i64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    (u.ln() / (1.0 - p).ln()).floor() as i64
}

struct ResellerState {
    rng: StdRng,
    next: usize,
    /// Cumulative product weights per (month, life phase), built when first needed.
    cumulative: Vec<Option<Vec<f64>>>,
}

pub struct Generator<'a> {
    plan: &'a TenantPlan,
    schedule: &'a Schedule,
    today: NaiveDate,
    now: i64,
    states: Vec<ResellerState>,
    period: usize,
    reseller: usize,
    pair_of: Vec<Option<usize>>,
}

impl<'a> Generator<'a> {
    pub fn new(plan: &'a TenantPlan, schedule: &'a Schedule, today: NaiveDate, now: i64) -> Self {
        let states = plan
            .resellers
            .iter()
            .map(|r| ResellerState {
                rng: StdRng::seed_from_u64(mix(r.seed, 0, 0, 5)),
                next: 0,
                cumulative: vec![None; 36],
            })
            .collect();
        let mut pair_of = vec![None; plan.products.len()];
        for &(a, b) in &plan.pairs {
            pair_of[a] = Some(b);
        }
        Generator {
            plan,
            schedule,
            today,
            now,
            states,
            period: 0,
            reseller: 0,
            pair_of,
        }
    }

    /// The next chunk of about `max_lines` lines (whole declarations), in period order;
    /// None when everything has been generated.
    pub fn next_chunk(&mut self, max_lines: usize) -> Option<Chunk> {
        let mut chunk = Chunk::default();
        while self.period < self.schedule.periods.len() {
            while self.reseller < self.plan.resellers.len() {
                let r = self.reseller;
                self.reseller += 1;
                let state = &mut self.states[r];
                let Some(slot) = self.schedule.slots[r].get(state.next) else {
                    continue;
                };
                if slot.period as usize != self.period {
                    continue;
                }
                state.next += 1;
                let slot = slot.clone();
                self.declaration(r, &slot, &mut chunk);
                if chunk.lines.len() >= max_lines {
                    return Some(chunk);
                }
            }
            self.reseller = 0;
            self.period += 1;
        }
        (!chunk.declarations.is_empty()).then_some(chunk)
    }

    fn declaration(&mut self, r: usize, slot: &Slot, chunk: &mut Chunk) {
        let plan = self.plan;
        let reseller = &plan.resellers[r];
        let period = self.schedule.periods[slot.period as usize];
        let kind = plan.spec.kind;
        let today = self.today;
        let phase = match (today - period.start).num_days() {
            d if d > 365 => 0,
            d if d > 150 => 1,
            _ => 2,
        };
        let month = mid(&period).month0() as usize;
        let st = &mut self.states[r];
        let rng = &mut st.rng;
        let expected = (slot.weight * self.schedule.scale).max(1.0);
        let n = expected.floor() as usize + usize::from(rng.gen_bool(expected.fract()));
        let created_at = paris_ts(slot.submitted, rng.gen_range(0..11 * 3600));
        let created_by = match slot.source {
            Source::Staff => CreatedBy::Manager,
            _ if reseller.user.is_some() => CreatedBy::ResellerUser,
            _ => CreatedBy::Nobody,
        };
        let import = (slot.source == Source::File).then(|| {
            let filename = match (plan.spec.period, rng.gen_range(0..3)) {
                (PeriodKind::Week, 0) => format!(
                    "sell-out S{:02} {}.xlsx",
                    period.start.iso_week().week(),
                    period.start.iso_week().year()
                ),
                (_, 1) => format!("export_caisse_{}.csv", period.end.format("%Y%m%d")),
                _ => format!(
                    "ventes_{}_{}.xlsx",
                    reseller.code,
                    period.start.format("%Y-%m")
                ),
            };
            ImportDraft {
                filename,
                content_hash: format!("{:032x}{:032x}", rng.gen::<u128>(), rng.gen::<u128>()),
                size_bytes: 4096 + 85 * n as i64,
                created_at: created_at - rng.gen_range(60..600),
            }
        });
        let decl = chunk.declarations.len() as u32;
        chunk.declarations.push(DeclDraft {
            reseller: r as u32,
            period,
            source: slot.source,
            created_at,
            created_by,
            import,
        });
        let recent = (today - slot.submitted).num_days() < 45;
        let pending_lines = if recent && rng.gen_bool(0.04) {
            rng.gen_range(1..=2)
        } else {
            0
        };
        let rejected = rng.gen_bool(0.012);
        let promo = rng.gen_bool(0.08).then(|| {
            let carried: Vec<usize> = (0..plan.products.len())
                .filter(|&p| reseller.assortment[p] > 0.0)
                .collect();
            let p = carried
                .get(rng.gen_range(0..carried.len().max(1)))
                .copied()
                .unwrap_or(0);
            (plan.products[p].spec.category, rng.gen_range(0.15..0.30))
        });
        let cumulative = st.cumulative[month * 3 + phase].get_or_insert_with(|| {
            let mut acc = 0.0;
            let mut c: Vec<f64> = plan
                .products
                .iter()
                .zip(&reseller.assortment)
                .map(|(p, a)| {
                    let alive = match p.life {
                        Life::Always => true,
                        Life::Discontinued => phase == 0,
                        Life::New => phase == 2,
                    };
                    acc += if alive { a * p.spec.season[month] } else { 0.0 };
                    acc
                })
                .collect();
            if acc <= 0.0 {
                c = (1..=plan.products.len()).map(|i| i as f64).collect();
            }
            c
        });
        let total = *cumulative.last().unwrap_or(&1.0);
        let last_day = period.end.min(today - Duration::days(1));
        let span = (last_day - period.start).num_days().max(0);
        let first_line = chunk.lines.len();
        let mut row = 1;
        for k in 0..n {
            let x = rng.gen_range(0.0..total);
            let mut product = cumulative
                .partition_point(|&c| c <= x)
                .min(plan.products.len() - 1);
            let mut discount = 0.0;
            if let Some((category, d)) = promo {
                if plan.products[product].spec.category != category && rng.gen_bool(0.25) {
                    let i = rng.gen_range(0..plan.products.len());
                    if let Some(p) = (0..plan.products.len())
                        .map(|j| (i + j) % plan.products.len())
                        .find(|&p| {
                            plan.products[p].spec.category == category
                                && reseller.assortment[p] > 0.0
                        })
                    {
                        product = p;
                    }
                }
                if plan.products[product].spec.category == category {
                    discount = d;
                }
            }
            let sale_date = period.start + Duration::days(rng.gen_range(0..=span));
            let mut line = line(rng, plan, reseller, kind, product, sale_date, discount);
            line.decl = decl;
            row += 1;
            line.source_row = (slot.source == Source::File).then_some(row);
            if k < pending_lines {
                line.unit_price_cents = (line.unit_price_cents * 2 / 5).max(1);
                line.review = Review::Pending;
            } else if rejected && k == n - 1 {
                let reason = data::REJECT_REASONS[rng.gen_range(0..data::REJECT_REASONS.len())];
                let reviewed_at = created_at + rng.gen_range(3600..4 * 86400);
                line.review = if reviewed_at < self.now {
                    Review::Rejected(reason, reviewed_at)
                } else {
                    Review::Pending
                };
                if reason.contains("Quantité") {
                    line.quantity *= 40;
                } else if reason.contains("Prix") {
                    line.unit_price_cents = (line.unit_price_cents / 4).max(1);
                }
            }
            // A repeat customer who bought the first product of a pair comes back for the second.
            if let (Some(c), Some(then)) = (line.customer, self.pair_of[product]) {
                if rng.gen_bool(0.6) && reseller.assortment[then] > 0.0 {
                    let later = sale_date
                        + Duration::days(
                            rng.gen_range(0..=(last_day - sale_date).num_days().max(0)),
                        );
                    let mut extra = self::line(rng, plan, reseller, kind, then, later, 0.0);
                    extra.decl = decl;
                    extra.customer = Some(c);
                    extra.customer_type = line.customer_type;
                    extra.postal = line.postal.clone();
                    extra.region = line.region;
                    chunk.lines.push(line);
                    row += 1;
                    extra.source_row = (slot.source == Source::File).then_some(row);
                    chunk.lines.push(extra);
                    continue;
                }
            }
            chunk.lines.push(line);
        }
        debug_assert!(chunk.lines.len() > first_line);
    }
}

fn line(
    rng: &mut StdRng,
    plan: &TenantPlan,
    r: &ResellerPlan,
    kind: Kind,
    product: usize,
    sale_date: NaiveDate,
    discount: f64,
) -> LineDraft {
    let p = &plan.products[product];
    let list = p.spec.list_price_cents;
    let factor = match rng.gen_range(0..100) {
        0..=69 => rng.gen_range(0.97..1.03),
        _ => rng.gen_range(0.85..1.15),
    } * (1.0 - discount);
    let unit_price_cents = if list >= 1000 {
        ((list as f64 * factor / 10.0).round() as i64 * 10).max(10)
    } else {
        ((list as f64 * factor).round() as i64).max(1)
    };
    let elasticity = if kind == Kind::Garden { 1.3 } else { 1.8 };
    let base = 1 + match list {
        20000.. => geometric(rng, 0.7),
        5000..=19999 => geometric(rng, 0.5),
        1000..=4999 => geometric(rng, 0.3),
        _ if kind == Kind::Drinks => geometric(rng, 0.12),
        _ => geometric(rng, 0.15),
    };
    let wanted = base as f64 * factor.powf(-elasticity);
    let mut quantity =
        (wanted.floor() as i64 + i64::from(rng.gen_bool(wanted.fract()))).clamp(1, 20);
    if r.reseller_type == "distributor" {
        quantity *= rng.gen_range(2..=6);
    }
    let distributor = r.reseller_type == "distributor";
    let customer_type = if rng.gen_bool(0.04) {
        None
    } else {
        Some(match kind {
            Kind::Garden => {
                let w: [u32; 4] = if distributor {
                    [20, 40, 15, 25]
                } else {
                    [62, 20, 6, 12]
                };
                let x = rng.gen_range(0..100);
                match x {
                    _ if x < w[0] => "individual",
                    _ if x < w[0] + w[1] => "landscaper",
                    _ if x < w[0] + w[1] + w[2] => "local_authority",
                    _ => "business",
                }
            }
            Kind::Drinks if rng.gen_bool(if distributor { 0.1 } else { 0.6 }) => "individual",
            Kind::Drinks => "business",
        })
    };
    let online = rng.gen_bool(r.online_share);
    let (postal, region) = if rng.gen_bool(0.1) {
        (None, None)
    } else if online && rng.gen_bool(0.5) {
        // An online customer from anywhere.
        let city = &data::CITIES[rng.gen_range(0..data::CITIES.len())];
        let code = if city.country == "FR" {
            let suffix = data::POSTAL_SUFFIXES[rng.gen_range(0..data::POSTAL_SUFFIXES.len())];
            format!("{}{suffix}", &city.postal_code[..2])
        } else {
            city.postal_code.to_string()
        };
        (Some(code), Some(city.region))
    } else {
        let code = r.postal_pool[rng.gen_range(0..r.postal_pool.len())].clone();
        (Some(code), Some(r.city.region))
    };
    let customer = rng.gen_bool(0.1).then(|| {
        let u: f64 = rng.gen();
        ((r.customers.len() as f64 * u * u) as usize).min(r.customers.len() - 1) as u32
    });
    let feedback = rng.gen_bool(0.05).then(|| {
        let texts = if kind == Kind::Garden {
            data::GARDEN_FEEDBACK
        } else {
            data::DRINKS_FEEDBACK
        };
        let wanted = (4.0 + 1.2 * p.quality + rng.gen_range(-1.2..1.2))
            .round()
            .clamp(1.0, 5.0) as u8;
        let matching: Vec<_> = texts.iter().filter(|(_, r)| *r == wanted).collect();
        let (text, _) = if matching.is_empty() {
            &texts[0]
        } else {
            matching[rng.gen_range(0..matching.len())]
        };
        (*text, wanted)
    });
    LineDraft {
        decl: 0,
        product: product as u32,
        sale_date,
        quantity,
        unit_price_cents,
        customer_type,
        postal,
        region,
        customer,
        channel: if online { "online" } else { "store" },
        feedback,
        review: Review::Approved,
        source_row: None,
    }
}
