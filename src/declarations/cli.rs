//! `relais import declarations FILE --tenant SLUG --reseller CODE [--period YYYY-MM] [--dry-run]
//! [--replace] [--json]`: one JSON report with `--json` (the automation contract), otherwise a
//! readable summary, with a progress bar on stderr for big files. Exit 0 when the file was
//! read (even with rejected rows), 2 when it was refused or is a duplicate.

use super::{commit_import, plan, Input, Overlap, Report, Request, Status};
use crate::cli::Refused;
use crate::db::{self, Db};
use crate::domain::network::Source;
use crate::domain::period::Period;
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Files above this size get a progress line.
const PROGRESS_MIN_BYTES: usize = 1 << 20;

pub struct Args<'a> {
    /// Reads the file in a worker process, as the server does.
    pub reader: crate::reader::Reader,
    pub file: &'a Path,
    pub tenant: &'a str,
    pub reseller: Option<&'a str>,
    pub period: Option<&'a str>,
    pub dry_run: bool,
    pub replace: bool,
    pub json: bool,
}

pub async fn run(db: &Db, secret: &str, args: Args<'_>) -> anyhow::Result<ExitCode> {
    let tenant = db::tenants::by_slug(db, args.tenant)
        .await?
        .ok_or_else(|| Refused(format!("no tenant {}", args.tenant)))?;
    let code = args
        .reseller
        .ok_or_else(|| Refused("--reseller CODE is required for declarations".into()))?;
    let reseller = db::network::by_code(db, tenant.id, code)
        .await?
        .ok_or_else(|| Refused(format!("no reseller {code} in {}", tenant.slug)))?;
    let period = match args.period {
        Some(p) => {
            let p = Period::parse_month(p)
                .ok_or_else(|| Refused(format!("invalid --period {p}: expected YYYY-MM")))?;
            Some((p.start, p.end))
        }
        None => None,
    };
    let bytes =
        std::fs::read(args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let size = bytes.len();
    let filename = args
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file")
        .to_string();
    let req = Request {
        tenant_id: tenant.id,
        currency: tenant.currency.clone(),
        reseller_id: reseller.id,
        user_id: None,
        source: Source::File,
        input: Input::File {
            filename,
            bytes: Arc::new(bytes),
        },
        period,
        mapping: Vec::new(),
        sheet: None,
        overlap: if args.replace {
            Overlap::Replace
        } else {
            Overlap::Add
        },
        today: crate::http::views::today(&tenant.time_zone),
        lang: "en".into(),
        reader: args.reader.clone(),
    };
    let show_progress = !args.json && size >= PROGRESS_MIN_BYTES;
    let last = AtomicU64::new(0);
    let started = std::time::Instant::now();
    let progress = move |rows: u64, expected: Option<u64>| {
        // At most one update per 50,000 rows keeps stderr cheap.
        if rows / 50_000 != last.swap(rows, Ordering::Relaxed) / 50_000 {
            let secs = started.elapsed().as_secs_f64().max(0.001);
            eprint!("\r{}", progress_line(rows, expected, rows as f64 / secs));
            let _ = std::io::stderr().flush();
        }
    };
    let report = if args.dry_run {
        plan(db, secret, &req).await?
    } else {
        commit_import(
            db,
            secret,
            &req,
            None,
            show_progress.then_some(&progress as _),
        )
        .await?
    };
    if show_progress {
        eprintln!();
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_summary(&report, args.file);
    }
    Ok(ExitCode::from(report.exit_code()))
}

fn print_summary(r: &Report, file: &Path) {
    let name = file.display();
    match r.status {
        Status::Duplicate => println!(
            "{name}: duplicate of import {}: nothing added",
            r.duplicate_of.unwrap_or(0)
        ),
        Status::Refused => println!("{name}: refused: {}", r.message.as_deref().unwrap_or("")),
        _ => {
            let verb = if r.status == Status::DryRun {
                "would import"
            } else {
                "imported"
            };
            println!(
                "{name}: {verb} {} lines ({} held for review), {} rows rejected; quantity {}, amount {:.2} {}; dates {} to {}",
                r.accepted,
                r.pending_review,
                r.rejected,
                r.quantity_total,
                r.amount_total as f64 / 100.0,
                r.currency,
                r.date_from.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                r.date_to.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            );
            if let Some(id) = r.import_id {
                println!("import id {id}");
            }
            if r.replaced_lines > 0 {
                println!(
                    "{} earlier lines of the period withdrawn (replaced)",
                    r.replaced_lines
                );
            } else if r.overlapping_lines > 0 {
                println!("note: {} lines were already declared in these dates (use --replace to replace them)", r.overlapping_lines);
            }
            for (field, header) in &r.mapping {
                println!("  {field} <- {header}");
            }
            for e in &r.errors {
                println!(
                    "  {} row {} [{}] {}: {}",
                    e.sheet,
                    e.row,
                    e.column.as_deref().unwrap_or("-"),
                    e.code,
                    e.value.as_deref().unwrap_or("")
                );
            }
        }
    }
}

/// One progress update: a bar when the file declared how many rows it has (and the count has
/// not passed it: declarations can be wrong), the bare count otherwise.
fn progress_line(rows: u64, expected: Option<u64>, per_second: f64) -> String {
    const WIDTH: u64 = 30;
    match expected {
        Some(total) if total > 0 && rows <= total => {
            let filled = rows * WIDTH / total;
            format!(
                "[{}{}] {:>3}% {rows} / {total} rows read ({per_second:.0} rows/s)",
                "#".repeat(filled as usize),
                "-".repeat((WIDTH - filled) as usize),
                rows * 100 / total
            )
        }
        _ => format!("{rows} rows read ({per_second:.0} rows/s)"),
    }
}

#[cfg(test)]
mod tests {
    use super::progress_line;

    #[test]
    fn progress_is_a_bar_while_the_declared_total_holds() {
        assert_eq!(
            progress_line(500_000, Some(1_000_000), 81_234.4),
            "[###############---------------]  50% 500000 / 1000000 rows read (81234 rows/s)"
        );
        assert_eq!(
            progress_line(1_000, Some(1_000), 10.0),
            "[##############################] 100% 1000 / 1000 rows read (10 rows/s)"
        );
        // No declared size, or a file that declared fewer rows than it has: the bare count.
        assert_eq!(progress_line(7, None, 3.0), "7 rows read (3 rows/s)");
        assert_eq!(progress_line(7, Some(5), 3.0), "7 rows read (3 rows/s)");
        assert_eq!(progress_line(7, Some(0), 3.0), "7 rows read (3 rows/s)");
    }
}
