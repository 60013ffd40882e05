//! The command line (clap). Commands print readable text, or one JSON object with `--json`.
//! Exit codes: 0 success (a file that was read, even with bad rows), 1 failure, 2 refused input.

use crate::app;
use crate::config::Settings;
use crate::db::{self, Db};
use crate::domain::network::Role;
use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "relais",
    version,
    about = "Sell-out declarations, sales challenges and channel analytics"
)]
pub struct Cli {
    /// Database URL (sqlite://PATH or postgres://...); overrides the configuration.
    #[arg(long, global = true, env = "RELAIS_DATABASE_URL")]
    database: Option<String>,
    /// Folder holding default.toml and <RELAIS_ENV>.toml.
    #[arg(long, global = true, default_value = "config")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web portal and the API.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
        /// Load demo data first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Manage tenants (manufacturers).
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import a file.
    Import {
        kind: ImportKind,
        file: PathBuf,
        #[arg(long)]
        tenant: String,
        /// Declarations: the reseller's code.
        #[arg(long)]
        reseller: Option<String>,
        /// Declarations: the declared month (YYYY-MM); lines outside it are rejected.
        #[arg(long)]
        period: Option<String>,
        /// Declarations: read and report, store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Declarations: withdraw the lines already declared in the file's dates.
        #[arg(long)]
        replace: bool,
        /// Print one JSON report.
        #[arg(long)]
        json: bool,
    },
    /// Scheduled jobs: run one by hand, list recent runs.
    Jobs {
        #[command(subcommand)]
        command: crate::jobs_app::cli::JobsCommand,
    },
    /// Export data for other tools.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Challenges: backtest a challenge's rules over past declarations.
    Challenge {
        #[command(subcommand)]
        command: crate::challenges::cli::ChallengeCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Fill an empty database with deterministic demo data.
    Demo {
        /// Total declaration lines to generate.
        #[arg(long, default_value_t = 200_000)]
        lines: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The approved declaration lines with their reseller and product attributes.
    Lines {
        #[arg(long)]
        tenant: String,
        /// First sale date (YYYY-MM-DD, inclusive).
        #[arg(long)]
        from: Option<String>,
        /// Last sale date (YYYY-MM-DD, inclusive).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Output file (default: standard output; required for xlsx).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// The points journal (FEC layout) of a period, for the accounting software.
    Fec {
        #[arg(long)]
        tenant: String,
        /// First day (YYYY-MM-DD, inclusive).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD, inclusive).
        #[arg(long)]
        to: String,
        /// Output file (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an analytics API token for a manager or admin; prints the token once.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Add a manufacturer.
    Add {
        slug: String,
        #[arg(long)]
        name: String,
        /// Default language of the tenant (fr or en).
        #[arg(long, default_value = "fr")]
        locale: String,
    },
    /// List manufacturers.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; without --password an invitation link is printed (and emailed).
    Add {
        email: String,
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The reseller code, for reseller users.
        #[arg(long)]
        reseller: Option<String>,
        #[arg(long)]
        password: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Manager,
    Reseller,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportKind {
    Products,
    Resellers,
    Declarations,
}

/// Refused input: reported to the user, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RELAIS_LOG")
                .unwrap_or_else(|_| "relais=info,tower_http=warn,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<Refused>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::load(&cli.config)?;
    if let Some(url) = cli.database {
        settings.database.url = url;
    }
    match cli.command {
        Command::Serve { listen, demo } => serve(settings, listen, demo).await,
        Command::Migrate => {
            app::open_db(&settings).await?;
            println!(
                "migrations applied to {}",
                crate::config::redact_url(&settings.database.url)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Tenant { command } => tenant(settings, command).await,
        Command::User { command } => user(settings, command).await,
        Command::Import {
            kind: ImportKind::Declarations,
            file,
            tenant,
            reseller,
            period,
            dry_run,
            replace,
            json,
        } => {
            let db = app::open_db(&settings).await?;
            let secret =
                secrecy::ExposeSecret::expose_secret(&settings.security.secret).to_string();
            let args = crate::declarations::cli::Args {
                reader: crate::reader::Reader::new(&settings.reader),
                file: &file,
                tenant: &tenant,
                reseller: reseller.as_deref(),
                period: period.as_deref(),
                dry_run,
                replace,
                json,
            };
            crate::declarations::cli::run(&db, &secret, args).await
        }
        Command::Import {
            kind,
            file,
            tenant,
            json,
            ..
        } => {
            let db = app::open_db(&settings).await?;
            let reader = crate::reader::Reader::new(&settings.reader);
            crate::reference_import::cli(&db, &reader, kind, &file, &tenant, json).await
        }
        Command::Jobs { command } => crate::jobs_app::cli::run(settings, command).await,
        Command::Export {
            command:
                ExportCommand::Lines {
                    tenant,
                    from,
                    to,
                    format,
                    output,
                },
        } => {
            let db = app::open_db(&settings).await?;
            let format = match format {
                ExportFormat::Csv => crate::analytics::export::Format::Csv,
                ExportFormat::Xlsx => crate::analytics::export::Format::Xlsx,
            };
            crate::analytics::cli::export_lines(
                &db,
                &tenant,
                from.as_deref(),
                to.as_deref(),
                format,
                output.as_deref(),
            )
            .await
        }
        Command::Export {
            command:
                ExportCommand::Fec {
                    tenant,
                    from,
                    to,
                    output,
                },
        } => {
            let db = app::open_db(&settings).await?;
            crate::challenges::cli::export_fec(
                &db,
                &settings.payouts,
                &tenant,
                &from,
                &to,
                output.as_deref(),
            )
            .await
        }
        Command::Challenge { command } => {
            let db = app::open_db(&settings).await?;
            crate::challenges::cli::run(&db, command).await
        }
        Command::Token {
            command: TokenCommand::Create { tenant, user, name },
        } => {
            let db = app::open_db(&settings).await?;
            crate::analytics::cli::token_create(&db, &tenant, &user, name.as_deref()).await
        }
        Command::Demo { lines, seed } => {
            let db = app::open_db(&settings).await?;
            run_demo(&db, lines, seed).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(
    mut settings: Settings,
    listen: Option<String>,
    demo: bool,
) -> anyhow::Result<ExitCode> {
    if let Some(l) = listen {
        settings.server.listen = l;
    }
    let db = app::open_db(&settings).await?;
    if demo && crate::demo::is_empty(&db).await? {
        run_demo(&db, 200_000, 42).await?;
    }
    let listen = settings.server.listen.clone();
    let state = app::build_state(settings, db).await?;
    let scheduler = crate::jobs_app::start(state.clone()).await?;
    let running = app::spawn(state, &listen).await?;
    tracing::info!("Relais is serving on http://{}", running.addr);
    eprintln!("Relais is serving on http://{}", running.addr);
    let served = running.handle.await;
    if let Some(mut scheduler) = scheduler {
        scheduler.shutdown().await?;
    }
    served??;
    Ok(ExitCode::SUCCESS)
}

async fn run_demo(db: &Db, lines: u64, seed: u64) -> anyhow::Result<()> {
    let opts = crate::demo::DemoOptions { lines, seed };
    let started = std::time::Instant::now();
    let progress = |done: u64, total: u64| {
        eprint!(
            "\rdemo data: {done}/{total} lines ({:.0}%)",
            100.0 * done as f64 / total.max(1) as f64
        );
    };
    let summary = crate::demo::generate(db, &opts, &progress).await?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "\rdemo data: {summary:?} in {secs:.1} s ({:.0} lines/s)",
        summary.lines as f64 / secs.max(0.001)
    );
    eprintln!("demo logins (password relais-demo): manager@verdure.demo, reseller@demo.relais");
    Ok(())
}

async fn tenant(settings: Settings, command: TenantCommand) -> anyhow::Result<ExitCode> {
    let db = app::open_db(&settings).await?;
    match command {
        TenantCommand::Add { slug, name, locale } => {
            if !valid_slug(&slug) {
                return Err(Refused(format!(
                    "invalid slug {slug:?}: use lowercase letters, digits and dashes"
                ))
                .into());
            }
            if db::tenants::by_slug(&db, &slug).await?.is_some() {
                return Err(Refused(format!("tenant {slug} already exists")).into());
            }
            let t = db::tenants::create(&db, &slug, &name, &locale).await?;
            println!("tenant {} created (id {})", t.slug, t.id);
        }
        TenantCommand::List { json } => {
            let list = db::tenants::list(&db).await?;
            if json {
                println!("{}", serde_json::to_string(&list)?);
            } else {
                for t in list {
                    println!("{}\t{}\t{}\t{}", t.slug, t.name, t.currency, t.locale);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 40
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

async fn user(settings: Settings, command: UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Add {
        email,
        tenant,
        role,
        reseller,
        password,
    } = command;
    let db = app::open_db(&settings).await?;
    let state = app::build_state(settings, db.clone()).await?;
    let tenant = db::tenants::by_slug(&db, &tenant)
        .await?
        .ok_or_else(|| Refused(format!("no tenant {tenant}")))?;
    let role = match role {
        RoleArg::Admin => Role::Admin,
        RoleArg::Manager => Role::Manager,
        RoleArg::Reseller => Role::Reseller,
    };
    let reseller = match (role, reseller) {
        (Role::Reseller, Some(code)) => Some(
            db::network::by_code(&db, tenant.id, &code)
                .await?
                .ok_or_else(|| Refused(format!("no reseller {code} in {}", tenant.slug)))?,
        ),
        (Role::Reseller, None) => bail!(Refused(
            "--reseller CODE is required for a reseller user".into()
        )),
        (_, _) => None,
    };
    if let Some(p) = &password {
        if p.chars().count() < crate::auth::MIN_PASSWORD_LEN {
            bail!(Refused(format!(
                "the password must have at least {} characters",
                crate::auth::MIN_PASSWORD_LEN
            )));
        }
    }
    let created = crate::accounts::add_user(
        &state,
        &tenant,
        &email,
        role,
        reseller.as_ref(),
        password,
        None,
    )
    .await
    .context("cannot add the user")?;
    match (created.existing, created.invitation_link) {
        (true, _) => println!("user {email} already exists; access to this reseller granted"),
        (false, Some(link)) => {
            println!("user {email} invited; invitation link (also emailed): {link}")
        }
        (false, None) => println!("user {email} created"),
    }
    Ok(ExitCode::SUCCESS)
}
