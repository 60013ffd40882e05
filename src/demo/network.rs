//! The plan of a demo tenant before anything is written: its staff, its catalogue (with each
//! product's popularity and life cycle) and its reseller network (with each reseller's
//! behaviour: cadence, trend, lapse).

use super::catalogue::{self, ProductSpec};
use super::data::{self, CITIES};
use super::{mix, Kind, TenantSpec};
use crate::domain::network::Source;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

pub struct Staff {
    pub email: String,
    pub name: String,
    pub role: &'static str,
}

/// When a product can be sold within the two years of history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Life {
    Always,
    /// Discontinued about a year ago (the product is inactive).
    Discontinued,
    /// Launched about five months ago.
    New,
}

pub struct ProductPlan {
    pub spec: ProductSpec,
    pub life: Life,
    /// Zipf-like weight: a few products make most of the lines.
    pub popularity: f64,
    /// −1 (customers complain) … 1 (customers love it): drives feedback ratings.
    pub quality: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Behaviour {
    /// Never declares (prospects, and some active resellers: "never declared").
    Never,
    Steady,
    /// Volume grows by this fraction over the two years.
    Growth(f64),
    /// Volume falls over the last six months to this fraction.
    Decline(f64),
    /// Stopped declaring this many days before today.
    Stopped(i64),
}

pub struct ResellerPlan {
    pub code: String,
    pub name: String,
    pub reseller_type: &'static str,
    pub brand_organisation: &'static str,
    pub city: &'static data::City,
    pub postal_code: String,
    pub latitude: f64,
    pub longitude: f64,
    pub potential: &'static str,
    pub status: &'static str,
    /// Index into [`TenantPlan::staff`].
    pub manager: usize,
    pub contact_email: String,
    /// The reseller user (email, name), when the organisation has one.
    pub user: Option<(String, String)>,
    pub is_demo: bool,
    pub behaviour: Behaviour,
    /// First day it declares (some resellers joined the network later).
    pub joined: NaiveDate,
    /// Probability of skipping a period (irregular declarers skip often).
    pub skip: f64,
    /// Relative volume of sales.
    pub volume: f64,
    pub online_share: f64,
    pub main_source: Source,
    /// Postal codes of its customers (its own area).
    pub postal_pool: Vec<String>,
    /// Hashes of its repeat customers.
    pub customers: Vec<String>,
    /// Weight multiplier per product: 0 when the reseller does not carry it.
    pub assortment: Vec<f64>,
    /// Seed of the reseller's own random streams (schedule and lines).
    pub seed: u64,
}

pub struct TenantPlan {
    pub spec: &'static TenantSpec,
    pub staff: Vec<Staff>,
    pub products: Vec<ProductPlan>,
    pub resellers: Vec<ResellerPlan>,
    /// Product pairs (first, then) by index into `products`.
    pub pairs: Vec<(usize, usize)>,
    /// Product aliases: (reseller index or none, code, product index).
    pub aliases: Vec<(Option<usize>, String, usize)>,
}

pub const DEMO_RESELLER_EMAIL: &str = "reseller@demo.relais";
pub const DEMO_ORGANISATION: &str = "Comptoir du Lac";

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn person(rng: &mut StdRng) -> (String, String) {
    let first = *pick(rng, data::FIRST_NAMES);
    let last = pick::<&str>(rng, data::LAST_NAMES);
    (
        format!("{first} {last}"),
        format!("{}.{}", data::ascii_slug(first), data::ascii_slug(last)),
    )
}

pub fn plan(
    tenant_index: usize,
    spec: &'static TenantSpec,
    seed: u64,
    today: NaiveDate,
) -> TenantPlan {
    let mut rng = StdRng::seed_from_u64(mix(seed, tenant_index as u64, 0, 1));
    let staff = plan_staff(&mut rng, spec);
    let products = plan_products(&mut rng, spec.kind);
    let resellers = plan_resellers(&mut rng, spec, &staff, &products, seed, tenant_index, today);
    let by_name = |name: &str| products.iter().position(|p| p.spec.name == name);
    let pairs = catalogue::pairs(spec.kind)
        .iter()
        .filter_map(|(a, b)| Some((by_name(a)?, by_name(b)?)))
        .collect();
    let demo = resellers
        .iter()
        .position(|r| r.is_demo)
        .expect("a demo reseller is planned");
    let mut aliases = Vec::new();
    for (i, p) in products
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 15 == 3)
        .take(8)
    {
        let short: String = p
            .spec
            .sku
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        aliases.push((Some(demo), format!("CDL-{short}-{}", 100 + i), i));
    }
    for (i, p) in products.iter().enumerate().filter(|(i, _)| i % 29 == 7) {
        aliases.push((None, format!("OLD-{}", p.spec.sku), i));
    }
    TenantPlan {
        spec,
        staff,
        products,
        resellers,
        pairs,
        aliases,
    }
}

fn plan_staff(rng: &mut StdRng, spec: &TenantSpec) -> Vec<Staff> {
    let domain = format!("{}.demo", spec.slug);
    let (admin_name, _) = person(rng);
    let (demo_name, _) = person(rng);
    let mut staff = vec![
        Staff {
            email: format!("admin@{domain}"),
            name: admin_name,
            role: "admin",
        },
        Staff {
            email: format!("manager@{domain}"),
            name: demo_name,
            role: "manager",
        },
    ];
    let managers = rng.gen_range(4..=6);
    while staff.len() < 2 + managers {
        let (name, local) = person(rng);
        let email = format!("{local}@{domain}");
        if staff.iter().all(|s| s.email != email) {
            staff.push(Staff {
                email,
                name,
                role: "manager",
            });
        }
    }
    staff
}

fn plan_products(rng: &mut StdRng, kind: Kind) -> Vec<ProductPlan> {
    let specs = catalogue::catalogue(kind);
    let mut ranks: Vec<usize> = (0..specs.len()).collect();
    ranks.shuffle(rng);
    specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| {
            let life = match rng.gen_range(0..100) {
                0..=3 => Life::Discontinued,
                4..=8 => Life::New,
                _ => Life::Always,
            };
            let quality = if rng.gen_bool(0.08) {
                rng.gen_range(-0.9..-0.2)
            } else {
                rng.gen_range(0.0..0.9)
            };
            // Cheap items are declared on more lines than machines.
            let price_factor = (3000.0 / spec.list_price_cents.max(100) as f64)
                .powf(0.3)
                .clamp(0.4, 2.0);
            let popularity = price_factor / ((ranks[i] + 1) as f64).powf(0.9);
            ProductPlan {
                spec,
                life,
                popularity,
                quality,
            }
        })
        .collect()
}

fn pick_city(rng: &mut StdRng) -> usize {
    let total: u32 = CITIES.iter().map(|c| c.weight).sum();
    let mut x = rng.gen_range(0..total);
    for (i, c) in CITIES.iter().enumerate() {
        if x < c.weight {
            return i;
        }
        x -= c.weight;
    }
    0
}

fn postal_code_in(rng: &mut StdRng, city: &data::City) -> String {
    match city.postal_code {
        "75001" => format!("750{:02}", rng.gen_range(1..=20)),
        "69001" => format!("6900{}", rng.gen_range(1..=9)),
        "13001" => format!("130{:02}", rng.gen_range(1..=16)),
        other => other.to_string(),
    }
}

fn nearby_postal_code(rng: &mut StdRng, city: &data::City) -> String {
    if city.country != "FR" {
        let base: u32 = city.postal_code.parse().unwrap_or(1000);
        return (base + rng.gen_range(0..40) * 10).to_string();
    }
    let dept = &city.postal_code[..2];
    format!("{dept}{}", pick(rng, data::POSTAL_SUFFIXES))
}

fn reseller_name(rng: &mut StdRng, kind: Kind, reseller_type: &str, city: &data::City) -> String {
    let patterns = match (kind, reseller_type) {
        (Kind::Garden, "distributor") => data::GARDEN_DISTRIBUTOR_NAMES,
        (Kind::Garden, "franchisee") => data::GARDEN_FRANCHISE_NAMES,
        (Kind::Garden, _) => data::GARDEN_RESELLER_NAMES,
        (Kind::Drinks, "distributor") => data::DRINKS_DISTRIBUTOR_NAMES,
        (Kind::Drinks, "franchisee") => data::DRINKS_FRANCHISE_NAMES,
        (Kind::Drinks, _) => data::DRINKS_RESELLER_NAMES,
    };
    pick(rng, patterns)
        .replace("{n}", pick::<&str>(rng, data::LAST_NAMES))
        .replace("{p}", pick::<&str>(rng, data::PLACES))
        .replace("{c}", city.name)
        .replace("{r}", city.region)
}

#[allow(clippy::too_many_arguments)]
fn plan_resellers(
    rng: &mut StdRng,
    spec: &TenantSpec,
    staff: &[Staff],
    products: &[ProductPlan],
    seed: u64,
    tenant_index: usize,
    today: NaiveDate,
) -> Vec<ResellerPlan> {
    let count = rng.gen_range(290..=310);
    let demo_index = spec.demo_reseller_index;
    // Regions are shared out among managers; the demo manager (staff[1]) gets the biggest ones.
    let mut other_regions: Vec<&str> = CITIES.iter().map(|c| c.region).collect();
    other_regions.sort();
    other_regions.dedup();
    other_regions.retain(|r| !data::DEMO_MANAGER_REGIONS.contains(r));
    other_regions.shuffle(rng);
    let manager_of = |region: &str| -> usize {
        if data::DEMO_MANAGER_REGIONS.contains(&region) {
            return 1;
        }
        let i = other_regions.iter().position(|r| *r == region).unwrap_or(0);
        2 + i % (staff.len() - 2)
    };
    let history_start = today - Duration::days(730);
    let mut names: Vec<String> = Vec::new();
    let mut resellers = Vec::with_capacity(count);
    for i in 0..count {
        let is_demo = i == demo_index;
        let code = format!("{}-{:04}", spec.code_prefix, i + 1);
        let city_index = if is_demo {
            data::annecy()
        } else {
            pick_city(rng)
        };
        let city = &CITIES[city_index];
        let reseller_type = match rng.gen_range(0..100) {
            _ if is_demo => "reseller",
            0..=7 => "distributor",
            8..=77 => "reseller",
            _ => "franchisee",
        };
        let brand_organisation = match reseller_type {
            _ if is_demo => "multi",
            "franchisee" => "mono",
            "distributor" => "multi",
            _ if rng.gen_bool(0.3) => "mono",
            _ => "multi",
        };
        let potential = match (rng.gen_range(0..100), reseller_type) {
            _ if is_demo => "A",
            (0..=34, "distributor") => "A",
            (0..=19, _) => "A",
            (20..=64, _) => "B",
            _ => "C",
        };
        let roll = rng.gen_range(0..1000);
        let (status, behaviour) = match roll {
            _ if is_demo => ("active", Behaviour::Growth(0.3)),
            0..=99 => ("prospect", Behaviour::Never),
            100..=149 if roll % 3 == 0 => ("inactive", Behaviour::Never),
            100..=149 => ("inactive", Behaviour::Stopped(rng.gen_range(200..600))),
            150..=229 => ("active", Behaviour::Stopped(rng.gen_range(75..110))),
            230..=289 => ("active", Behaviour::Stopped(rng.gen_range(140..420))),
            290..=329 => ("active", Behaviour::Never),
            330..=429 => ("active", Behaviour::Decline(rng.gen_range(0.2..0.45))),
            430..=649 => ("active", Behaviour::Growth(rng.gen_range(0.2..1.0))),
            _ => ("active", Behaviour::Steady),
        };
        let name = if is_demo {
            DEMO_ORGANISATION.to_string()
        } else {
            let base = reseller_name(rng, spec.kind, reseller_type, city);
            let mut name = base.clone();
            let suffixes = [city.name, "Centre", "Nord", "Sud", "Est", "Ouest"];
            for suffix in suffixes.iter().filter(|s| !base.contains(**s)) {
                if !names.contains(&name) {
                    break;
                }
                name = format!("{base} {suffix}");
            }
            let mut k = 2;
            while names.contains(&name) {
                name = format!("{base} {k}");
                k += 1;
            }
            name
        };
        names.push(name.clone());
        let joined = if is_demo || rng.gen_bool(0.8) {
            history_start
        } else {
            history_start + Duration::days(rng.gen_range(90..540))
        };
        let skip = if is_demo {
            0.0
        } else if rng.gen_bool(0.15) {
            rng.gen_range(0.3..0.5)
        } else {
            rng.gen_range(0.0..0.06)
        };
        let volume = rng.gen_range(0.6..1.4)
            * match potential {
                "A" => 2.5,
                "B" => 1.0,
                _ => 0.4,
            }
            * match reseller_type {
                "distributor" => 3.0,
                "franchisee" => 1.2,
                _ => 1.0,
            };
        let online_share = if rng.gen_bool(0.4) {
            0.0
        } else {
            rng.gen_range(0.1..0.55)
        };
        let main_source = match rng.gen_range(0..100) {
            _ if is_demo => Source::File,
            0..=44 => Source::File,
            45..=81 => Source::Form,
            82..=86 => Source::Api,
            _ => Source::Staff,
        };
        let postal_code = postal_code_in(rng, city);
        let mut postal_pool = vec![postal_code.clone(); 4];
        postal_pool.extend((0..12).map(|_| nearby_postal_code(rng, city)));
        let customer_count = (8.0 + 60.0 * volume) as usize;
        let customers = (0..customer_count)
            .map(|_| format!("{:032x}", rng.gen::<u128>()))
            .collect();
        let carries = match (brand_organisation, reseller_type) {
            _ if is_demo => 0.8,
            ("mono", _) | (_, "distributor") => 0.95,
            _ => rng.gen_range(0.4..0.8),
        };
        let assortment = products
            .iter()
            .map(|p| {
                if rng.gen_bool(carries) {
                    rng.gen_range(0.5..1.5) * p.popularity
                } else {
                    0.0
                }
            })
            .collect();
        // The demo organisation is one shop: the same place in both networks.
        let (dlat, dlon) = if is_demo {
            (0.0042, -0.0131)
        } else {
            (rng.gen_range(-0.05..0.05), rng.gen_range(-0.05..0.05))
        };
        let latitude = city.lat + dlat;
        let longitude = city.lon + dlon;
        resellers.push(ResellerPlan {
            contact_email: if is_demo {
                DEMO_RESELLER_EMAIL.into()
            } else {
                format!("contact@{}.demo", code.to_lowercase())
            },
            code,
            name,
            reseller_type,
            brand_organisation,
            city,
            postal_code,
            latitude: (latitude * 1e5).round() / 1e5,
            longitude: (longitude * 1e5).round() / 1e5,
            potential,
            status,
            manager: manager_of(city.region),
            user: None,
            is_demo,
            behaviour,
            joined,
            skip,
            volume,
            online_share,
            main_source,
            postal_pool,
            customers,
            assortment,
            seed: mix(seed, tenant_index as u64, i as u64 + 1, 2),
        });
    }
    // About forty organisations have a user who declares; the demo reseller has the demo login.
    let mut candidates: Vec<usize> = (0..resellers.len())
        .filter(|&i| resellers[i].status != "prospect" && !resellers[i].is_demo)
        .collect();
    candidates.shuffle(rng);
    for &i in candidates.iter().take(40) {
        let (name, _) = person(rng);
        resellers[i].user = Some((resellers[i].contact_email.clone(), name));
    }
    resellers[demo_index].user = Some((DEMO_RESELLER_EMAIL.into(), "Margaux Favre".into()));
    resellers
}
