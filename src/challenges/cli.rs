//! CLI twins of the challenge pages: `relais challenge backtest ID --from --to [--json]` and
//! `relais export fec --tenant SLUG --from --to [--output FILE]`.

use crate::cli::Refused;
use crate::config::PayoutsSettings;
use crate::db::Db;
use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ChallengeCommand {
    /// Run a challenge's current rules over a past period's declarations; writes nothing.
    Backtest {
        id: i64,
        /// First sale date (YYYY-MM-DD, inclusive).
        #[arg(long)]
        from: String,
        /// Last sale date (YYYY-MM-DD, inclusive).
        #[arg(long)]
        to: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

fn date(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Refused(format!("invalid date {s:?} (expected YYYY-MM-DD)")).into())
}

pub async fn run(db: &Db, command: ChallengeCommand) -> anyhow::Result<ExitCode> {
    let ChallengeCommand::Backtest { id, from, to, json } = command;
    let (from, to) = (date(&from)?, date(&to)?);
    let tenant = crate::db::challenges::tenant_of(db, id)
        .await?
        .ok_or_else(|| Refused(format!("no challenge {id}")))?;
    let b = super::backtest(db, tenant, id, from, to)
        .await
        .context("backtest")?;
    if json {
        println!("{}", serde_json::to_string(&b)?);
    } else {
        let r = &b.report;
        println!(
            "challenge {} version {} over {} → {}: {} lines",
            b.challenge_id, b.version, b.from, b.to, b.lines
        );
        println!(
            "points: {} confirmed, {} pending, {} cut by caps",
            r.points_confirmed, r.points_pending, r.points_capped
        );
        println!(
            "cost: {:.2} (at {} cents a point)",
            r.cost_cents as f64 / 100.0,
            b.point_value_cents
        );
        println!(
            "participants: {} (median {}, max {})",
            r.overall.count, r.overall.median, r.overall.max
        );
        for (l, d) in &r.leagues {
            println!(
                "  {}: {} participants, {} points, median {}",
                super::standings::league_code(*l),
                d.count,
                d.total,
                d.median
            );
        }
        for (k, n) in r.reached_tier.iter().enumerate() {
            println!("tier {}: {n} participants", k + 1);
        }
        println!(
            "caps hit: participant {}, monthly {}, budget {}",
            r.hit_participant_cap, r.hit_monthly_cap, r.hit_budget
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn export_fec(
    db: &Db,
    payouts: &PayoutsSettings,
    slug: &str,
    from: &str,
    to: &str,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let (from, to) = (date(from)?, date(to)?);
    let tenant = crate::db::tenants::by_slug(db, slug)
        .await?
        .ok_or_else(|| Refused(format!("no tenant {slug}")))?;
    let text =
        crate::export::payouts::fec(db, tenant.id, &tenant.time_zone, payouts, from, to).await?;
    match output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
