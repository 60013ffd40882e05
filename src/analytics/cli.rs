//! The analytics commands of the CLI: `relais export lines` and `relais token create`.
//! `crate::cli` parses the arguments and calls these.

use super::export::{self, Format};
use crate::cli::Refused;
use crate::db::{self, Db};
use crate::domain::network::Role;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

async fn tenant(db: &Db, slug: &str) -> anyhow::Result<db::tenants::Tenant> {
    Ok(db::tenants::by_slug(db, slug)
        .await?
        .ok_or_else(|| Refused(format!("no tenant {slug}")))?)
}

fn date(s: Option<&str>, what: &str) -> anyhow::Result<Option<NaiveDate>> {
    s.map(|s| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Refused(format!("--{what} must be YYYY-MM-DD, not {s:?}")))
    })
    .transpose()
    .map_err(Into::into)
}

/// Writes the approved lines; the count goes to standard error so stdout stays pure CSV.
pub async fn export_lines(
    db: &Db,
    slug: &str,
    from: Option<&str>,
    to: Option<&str>,
    format: Format,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let t = tenant(db, slug).await?;
    if format == Format::Xlsx && output.is_none() {
        return Err(Refused("--format xlsx needs --output FILE".into()).into());
    }
    let started = std::time::Instant::now();
    let n = export::lines(
        db,
        t.id,
        date(from, "from")?,
        date(to, "to")?,
        format,
        output,
    )
    .await
    .context("export failed")?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{n} lines exported in {secs:.1} s ({:.0} lines/s)",
        n as f64 / secs.max(0.001)
    );
    Ok(ExitCode::SUCCESS)
}

/// Creates an analytics-scope token for a staff user of the tenant and prints it.
pub async fn token_create(
    db: &Db,
    slug: &str,
    email: &str,
    name: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let t = tenant(db, slug).await?;
    let user = db::users::by_email(db, &email.trim().to_lowercase())
        .await?
        .ok_or_else(|| Refused(format!("no user {email}")))?;
    let staff = Role::parse(&user.role).is_some_and(|r| r.is_staff());
    if !staff || user.tenant_id != Some(t.id) || user.disabled {
        return Err(Refused(format!(
            "{email} is not an active manager or admin of {slug}"
        ))
        .into());
    }
    let token = super::tokens::create(db, t.id, user.id, name.unwrap_or("cli")).await?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}
