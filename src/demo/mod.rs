//! The deterministic demo-data generator: two manufacturers (garden tools declared monthly,
//! craft drinks declared weekly) with their staff, catalogues, reseller networks and two years
//! of declared sales, shaped so that every page has something to show — seasonality, growing
//! and declining resellers, lapsed and never-declared ones, prospects, promotions, repeat
//! customers buying products in pairs, feedback, lines awaiting review.
//!
//! The same seed, size and day give the same data: every random choice comes from
//! `StdRng::seed_from_u64` streams derived from the seed (one per reseller for its sales).
//!
//! Demo logins (password `relais-demo`): `admin@<slug>.demo`, `manager@<slug>.demo`, and
//! `reseller@demo.relais` — a multi-brand reseller in both networks.

mod catalogue;
mod data;
mod network;
mod sales;
mod schedule;
mod setup;
mod write;

#[cfg(test)]
mod tests;

use crate::db::Db;
use crate::domain::period::PeriodKind;
use anyhow::Context;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use network::{DEMO_ORGANISATION, DEMO_RESELLER_EMAIL};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "relais-demo";

/// Lines per write transaction (and per progress report).
const CHUNK_LINES: usize = 50_000;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Total declaration lines across tenants (the networks and catalogues keep their size;
    /// declarations get longer).
    pub lines: u64,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            lines: 200_000,
            seed: 42,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub tenants: u64,
    pub resellers: u64,
    pub products: u64,
    pub users: u64,
    pub declarations: u64,
    pub lines: u64,
    pub elapsed: Duration,
}

impl DemoSummary {
    pub fn lines_per_second(&self) -> f64 {
        self.lines as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} tenants, {} resellers, {} products, {} users, {} declarations, {} lines in {:.1} s ({:.0} lines/s)",
            self.tenants,
            self.resellers,
            self.products,
            self.users,
            self.declarations,
            self.lines,
            self.elapsed.as_secs_f64(),
            self.lines_per_second()
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Garden,
    Drinks,
}

pub(crate) struct TenantSpec {
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    pub period: PeriodKind,
    pub period_text: &'static str,
    pub code_prefix: &'static str,
    /// Share of the requested lines.
    pub share: f64,
    /// Position of the multi-brand demo reseller in the network.
    pub demo_reseller_index: usize,
}

pub(crate) static TENANTS: [TenantSpec; 2] = [
    TenantSpec {
        slug: "verdure",
        name: "Verdure Outillage",
        kind: Kind::Garden,
        period: PeriodKind::Month,
        period_text: "month",
        code_prefix: "VRD",
        share: 0.45,
        demo_reseller_index: 17,
    },
    TenantSpec {
        slug: "brasserie",
        name: "Brasserie des Monts",
        kind: Kind::Drinks,
        period: PeriodKind::Week,
        period_text: "week",
        code_prefix: "BDM",
        share: 0.55,
        demo_reseller_index: 41,
    },
];

/// Derives an independent seed from a seed and three discriminators (splitmix64 finaliser).
pub(crate) fn mix(seed: u64, a: u64, b: u64, c: u64) -> u64 {
    let mut z = seed
        ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ c.wrapping_mul(0x1656_67B1_9E37_79F9);
    for _ in 0..2 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

/// True when the database has no tenant at all.
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    Ok(crate::db::demo::tenant_count(db).await? == 0)
}

/// Generates the demo data for today (in Paris). `progress(done, total)` is called after each
/// write transaction (about every 50,000 lines).
pub async fn generate(
    db: &Db,
    opts: &DemoOptions,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<DemoSummary> {
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    generate_at(db, opts, today, progress).await
}

/// Generates the demo data as if today were `today` (the two years of history end there).
pub async fn generate_at(
    db: &Db,
    opts: &DemoOptions,
    today: NaiveDate,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    refuse_existing(db).await?;
    let now = crate::db::now();
    let history_start = now - 730 * 86400;

    let mut tenants = Vec::new();
    for (t, spec) in TENANTS.iter().enumerate() {
        let plan = network::plan(t, spec, opts.seed, today);
        let target = (opts.lines as f64 * spec.share).round() as u64;
        let schedule = schedule::schedule(&plan, t, opts.seed, today, target);
        tenants.push((plan, schedule));
    }
    let tenants = Arc::new(tenants);

    let seed = opts.seed;
    let password_hash = tokio::task::spawn_blocking(move || demo_password_hash(seed)).await??;
    let mut summary = DemoSummary {
        tenants: tenants.len() as u64,
        ..Default::default()
    };
    let mut ids = Vec::new();
    let mut tx = db.begin().await?;
    let mut demo_organisation = None;
    for (plan, _) in tenants.iter() {
        ids.push(
            setup::setup(
                &mut tx,
                plan,
                &password_hash,
                today,
                history_start,
                &mut demo_organisation,
            )
            .await?,
        );
        summary.resellers += plan.resellers.len() as u64;
        summary.products += plan.products.len() as u64;
        summary.users += plan.staff.len() as u64
            + plan
                .resellers
                .iter()
                .filter(|r| r.user.is_some() && !r.is_demo)
                .count() as u64;
    }
    summary.users += 1; // the demo reseller user, shared by both tenants
    tx.commit().await.context("writing the demo tenants")?;

    // Lines are generated on a blocking thread while this task writes the previous chunk.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<(usize, sales::Chunk)>(2);
    let generator_tenants = Arc::clone(&tenants);
    let generator = tokio::task::spawn_blocking(move || {
        for (t, (plan, schedule)) in generator_tenants.iter().enumerate() {
            let mut g = sales::Generator::new(plan, schedule, today, now);
            while let Some(chunk) = g.next_chunk(CHUNK_LINES) {
                if sender.blocking_send((t, chunk)).is_err() {
                    return;
                }
            }
        }
    });
    let total = opts.lines;
    let mut written = 0u64;
    while let Some((t, chunk)) = receiver.recv().await {
        write::chunk(db, &tenants[t].0, &ids[t], &chunk).await.with_context(|| {
            format!(
                "writing demo declarations failed after {written} lines; the database holds partial \
                 demo data: start again from an empty database"
            )
        })?;
        written += chunk.lines.len() as u64;
        summary.declarations += chunk.declarations.len() as u64;
        progress(written, total.max(written));
    }
    generator.await.context("the demo generator stopped")?;
    summary.lines = written;
    progress(written, written);

    crate::db::analytics::rollup::rebuild_all(db)
        .await
        .context("building the sales roll-ups")?;
    crate::challenges::demo::generate(db, today)
        .await
        .context("demo challenges and rewards")?;
    crate::db::demo::refresh_statistics(db).await?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

async fn refuse_existing(db: &Db) -> anyhow::Result<()> {
    let slugs = crate::db::demo::existing_tenants(db, [TENANTS[0].slug, TENANTS[1].slug]).await?;
    if !slugs.is_empty() {
        anyhow::bail!(
            "the database already has the demo tenant(s) {}; generate the demo into an empty database",
            slugs.join(", ")
        );
    }
    if let Some(email) = crate::db::demo::existing_user(db, DEMO_RESELLER_EMAIL).await? {
        anyhow::bail!("the database already has the demo user {email}; generate the demo into an empty database");
    }
    Ok(())
}

/// The argon2id hash of the demo password, computed once for every demo user; its salt comes
/// from the seed so that the same seed gives the same rows.
fn demo_password_hash(seed: u64) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    StdRng::seed_from_u64(mix(seed, 0, 0, 9)).fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("demo salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(DEMO_PASSWORD.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    Ok(hash.to_string())
}
