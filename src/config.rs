//! Layered settings: built-in defaults (the same as `config/default.toml`), then
//! `config/default.toml` and `config/<RELAIS_ENV>.toml` when present, then `RELAIS__SECTION__KEY`
//! environment variables. Secrets are wrapped so that `Debug` and logs never show them.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub security: SecuritySettings,
    pub mail: MailSettings,
    pub jobs: JobsSettings,
    pub payouts: PayoutsSettings,
    pub reader: ReaderSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub listen: String,
    pub public_url: String,
    pub secure_cookies: bool,
    pub max_upload_mb: u64,
    pub session_hours: i64,
    pub trusted_proxies: Vec<String>,
    pub body_idle_seconds: u64,
    pub body_total_seconds: u64,
    pub max_uploads_per_user: usize,
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    pub acquire_timeout_seconds: u64,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout_seconds", &self.acquire_timeout_seconds)
            .finish()
    }
}

/// Hides the password of a `scheme://user:password@host/...` URL.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// The secret of `config/default.toml`: public, so links signed with it can be forged.
pub const BUILT_IN_SECRET: &str = "change-me-in-production-this-is-not-a-secret";
/// Shortest secret accepted where others can reach the server.
pub const MIN_SECRET_LEN: usize = 32;

#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    pub secret: SecretString,
    pub login_free_failures: u32,
    pub login_delay_seconds: i64,
    pub login_max_delay_seconds: i64,
    pub login_max_failures_per_ip: u32,
    pub login_window_seconds: i64,
    pub reset_max_per_account: u32,
    pub reset_max_per_ip: u32,
    pub invite_hours: i64,
    pub reset_hours: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailSettings {
    pub transport: String,
    pub outbox_dir: String,
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: String,
    pub smtp_username: String,
    pub smtp_password: SecretString,
}

/// Scheduled jobs: cron schedules (6 fields, seconds first, in each tenant's time zone; an empty
/// string turns a job off), the reminder cadence and the pace of outgoing mail.
#[derive(Debug, Clone, Deserialize)]
pub struct JobsSettings {
    pub scheduler: bool,
    pub manager_digest: String,
    pub reseller_digest: String,
    pub declaration_reminders: String,
    pub housekeeping: String,
    pub challenge_close: String,
    pub points_expiry: String,
    pub reminder_days_before: Vec<i64>,
    pub reminder_every_days: i64,
    pub reminder_max: i64,
    pub mail_per_second: f64,
    pub mail_attempts: u32,
    pub mail_backoff_ms: u64,
}

/// Account numbers of the points journal (FEC export); see `config/default.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct PayoutsSettings {
    pub journal_code: String,
    pub journal_label: String,
    pub expense_account: String,
    pub expense_label: String,
    pub liability_account: String,
    pub liability_label: String,
    pub redemption_account: String,
    pub redemption_label: String,
    pub expiry_account: String,
    pub expiry_label: String,
    pub point_value_cents: i64,
}

impl Settings {
    /// The installation secret signs unsubscribe links and keys customer-identifier hashes: the
    /// built-in (public) one, or a short one, would let anyone forge both. It is refused when
    /// the server listens on, or is published at, a non-loopback address; on a machine of its
    /// own (a demo, a developer's laptop) it is used with a warning.
    pub fn check_secret(&self, listen: &str) -> anyhow::Result<()> {
        use secrecy::ExposeSecret;
        let secret = self.security.secret.expose_secret();
        if secret != BUILT_IN_SECRET && secret.chars().count() >= MIN_SECRET_LEN {
            return Ok(());
        }
        let public_url = &self.server.public_url;
        if is_loopback_listen(listen) && is_loopback_url(public_url) {
            tracing::warn!(
                "security.secret is the built-in value or shorter than {MIN_SECRET_LEN} \
                 characters: fine on this machine only"
            );
            return Ok(());
        }
        anyhow::bail!(
            "refusing to serve on {listen} ({public_url}) with the built-in or a short \
             security.secret: set RELAIS__SECURITY__SECRET to a random value of at least \
             {MIN_SECRET_LEN} characters (e.g. `openssl rand -base64 32`)"
        )
    }
}

fn is_loopback_listen(listen: &str) -> bool {
    match listen.parse::<std::net::SocketAddr>() {
        Ok(addr) => addr.ip().is_loopback(),
        Err(_) => listen
            .rsplit_once(':')
            .is_some_and(|(host, _)| host.eq_ignore_ascii_case("localhost")),
    }
}

fn is_loopback_url(url: &str) -> bool {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The worker processes that read uploaded and imported files (`crate::reader`).
#[derive(Debug, Clone, Deserialize)]
pub struct ReaderSettings {
    pub workers: usize,
    pub queue_seconds: u64,
    pub memory_mb: u64,
    pub cpu_seconds: u64,
    pub wall_seconds: u64,
    pub worker_exe: String,
}

const DEFAULTS: &str = include_str!("../config/default.toml");

/// `RELAIS__SECTION__KEY` variables; list settings take comma-separated values.
fn environment() -> config::Environment {
    config::Environment::with_prefix("RELAIS")
        .prefix_separator("__")
        .separator("__")
        .try_parsing(true)
        .list_separator(",")
        .with_list_parse_key("server.trusted_proxies")
}

impl Settings {
    /// Loads settings from `dir` (usually `config/`), the environment name in `RELAIS_ENV`,
    /// and `RELAIS__*` variables.
    pub fn load(dir: &Path) -> anyhow::Result<Settings> {
        let env_name = std::env::var("RELAIS_ENV").unwrap_or_else(|_| "local".into());
        let built = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .add_source(config::File::from(dir.join("default.toml")).required(false))
            .add_source(config::File::from(dir.join(format!("{env_name}.toml"))).required(false))
            .add_source(environment())
            .build()?;
        Ok(built.try_deserialize()?)
    }

    /// Built-in defaults only; used by tests, which then adjust fields.
    pub fn defaults() -> Settings {
        config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .build()
            .and_then(|c| c.try_deserialize())
            .expect("built-in defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let mut s = Settings::defaults();
        s.database.url = "postgres://relais:hunter2@db.example/relais".into();
        s.mail.smtp_password = SecretString::from("smtp-pass-42");
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("smtp-pass-42"));
        assert!(!shown.contains(BUILT_IN_SECRET));
        assert!(shown.contains("db.example"));
    }

    #[test]
    fn the_built_in_or_a_short_secret_is_refused_off_this_machine() {
        let mut s = Settings::defaults();
        assert!(
            s.check_secret("127.0.0.1:8080").is_ok(),
            "a demo on loopback"
        );
        assert!(s.check_secret("localhost:8080").is_ok());
        let err = s.check_secret("0.0.0.0:8080").unwrap_err().to_string();
        assert!(err.contains("RELAIS__SECURITY__SECRET"), "{err}");
        s.server.public_url = "https://relais.example.com".into();
        assert!(
            s.check_secret("127.0.0.1:8080").is_err(),
            "behind a reverse proxy the server is public"
        );
        s.security.secret = SecretString::from("short-secret");
        assert!(s.check_secret("0.0.0.0:8080").is_err());
        s.security.secret = SecretString::from("a".repeat(MIN_SECRET_LEN));
        assert!(s.check_secret("0.0.0.0:8080").is_ok());
    }

    #[test]
    fn trusted_proxies_come_from_a_comma_separated_variable() {
        let vars = [
            ("RELAIS__SERVER__TRUSTED_PROXIES", "10.0.0.1,10.0.0.0/8"),
            ("RELAIS__SERVER__LISTEN", "0.0.0.0:8080"),
        ];
        let s: Settings = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .add_source(
                environment().source(Some(
                    vars.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                )),
            )
            .build()
            .and_then(|c| c.try_deserialize())
            .unwrap();
        assert_eq!(s.server.trusted_proxies, ["10.0.0.1", "10.0.0.0/8"]);
        assert_eq!(s.server.listen, "0.0.0.0:8080");
    }

    #[test]
    fn defaults_match_the_documented_file() {
        let s = Settings::defaults();
        use secrecy::ExposeSecret;
        assert_eq!(s.security.secret.expose_secret(), BUILT_IN_SECRET);
        assert_eq!(s.server.listen, "127.0.0.1:8080");
        assert_eq!(s.database.url, "sqlite://relais.db");
        assert_eq!(s.mail.transport, "file");
        assert_eq!(s.server.max_upload_mb, 25);
    }
}
