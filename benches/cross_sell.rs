//! Times cross-sell rule mining on a network-sized input: 1 000 000 purchases by
//! 100 000 customers over 120 products and 2 years, with planted associations
//! (product p is often followed by p + 1 within a few months).
//!
//! `cargo run --release --example bench`

use std::time::Instant;

use chrono::{Days, NaiveDate};
use relais::analytics::compute::cross_sell::{mine_rules, Purchase, RuleOptions};
use relais::analytics::compute::cross_sell_targets::customers_to_target;

const PURCHASES: usize = 1_000_000;
const CUSTOMERS: u64 = 100_000;
const PRODUCTS: u64 = 120;
const RESELLERS: u64 = 400;

/// SplitMix64: deterministic and dependency-free, enough to spread synthetic data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

fn synthetic_purchases() -> Vec<Purchase<String, u32, u32>> {
    let mut rng = Rng(42);
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut purchases = Vec::with_capacity(PURCHASES);
    while purchases.len() < PURCHASES {
        let customer = rng.below(CUSTOMERS);
        // Hashed ids as the declarations store them: 64 hex characters.
        let hash = format!(
            "{:016x}{:016x}{:016x}{:016x}",
            customer,
            !customer,
            customer * 31,
            customer ^ 0xABCD
        );
        let reseller = (customer % RESELLERS) as u32;
        let product = rng.below(PRODUCTS) as u32;
        let date = start + Days::new(rng.below(730));
        purchases.push(Purchase {
            customer: hash.clone(),
            product,
            reseller,
            date,
        });
        if rng.below(3) == 0 {
            let later = date + Days::new(rng.below(150));
            let next = (product + 1) % PRODUCTS as u32;
            purchases.push(Purchase {
                customer: hash,
                product: next,
                reseller,
                date: later,
            });
        }
    }
    purchases.truncate(PURCHASES);
    purchases
}

/// Nanoseconds this thread has spent on a CPU (Linux), so that a busy machine's waiting
/// time does not count; `None` elsewhere.
fn on_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Runs `f` five times; the best wall-clock and best on-CPU times in milliseconds.
fn time<T>(mut f: impl FnMut() -> T) -> (T, f64, Option<f64>) {
    let (mut best_wall, mut best_cpu, mut result) = (f64::INFINITY, None::<f64>, None);
    for _ in 0..5 {
        let (cpu_before, started) = (on_cpu_ns(), Instant::now());
        result = Some(f());
        best_wall = best_wall.min(started.elapsed().as_secs_f64() * 1000.0);
        if let (Some(before), Some(after)) = (cpu_before, on_cpu_ns()) {
            let cpu = (after - before) as f64 / 1e6;
            best_cpu = Some(best_cpu.map_or(cpu, |best| best.min(cpu)));
        }
    }
    (result.expect("ran five times"), best_wall, best_cpu)
}

fn report(what: &str, wall: f64, cpu: Option<f64>) {
    let cpu = cpu.map_or(String::new(), |cpu| format!(", on CPU {cpu:.0} ms"));
    println!("{what}: best of 5 wall {wall:.0} ms{cpu}");
}

fn main() {
    let purchases = synthetic_purchases();
    let options = RuleOptions {
        min_support_count: 20,
        max_rules: 100,
        ..RuleOptions::default()
    };

    let (set, wall, cpu) = time(|| mine_rules(&purchases, options));
    println!(
        "{} purchases, {} customers, {} rules kept",
        purchases.len(),
        set.customers,
        set.rules.len()
    );
    report("mine_rules, 64-character customer ids", wall, cpu);
    if let Some(top) = set.rules.first() {
        println!(
            "top rule {} → {}: support {:.4}, confidence {:.3}, lift {:.2}",
            top.antecedent, top.consequent, top.support, top.confidence, top.lift
        );
    }

    let ids: Vec<Purchase<u64, u32, u32>> = purchases
        .iter()
        .map(|p| Purchase {
            customer: u64::from_str_radix(&p.customer[..16], 16).expect("hex"),
            product: p.product,
            reseller: p.reseller,
            date: p.date,
        })
        .collect();
    let (_, wall, cpu) = time(|| mine_rules(&ids, options));
    report("mine_rules, u64 customer ids", wall, cpu);

    let (targets, wall, cpu) = time(|| customers_to_target(&purchases, &7, &10, &11));
    println!("customers_to_target: {} customers", targets.len());
    report("customers_to_target, one reseller and rule", wall, cpu);
}
