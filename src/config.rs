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
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
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

#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    pub secret: SecretString,
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window_seconds: i64,
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

impl Settings {
    /// Loads settings from `dir` (usually `config/`), the environment name in `RELAIS_ENV`,
    /// and `RELAIS__*` variables.
    pub fn load(dir: &Path) -> anyhow::Result<Settings> {
        let env_name = std::env::var("RELAIS_ENV").unwrap_or_else(|_| "local".into());
        let built = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml))
            .add_source(config::File::from(dir.join("default.toml")).required(false))
            .add_source(config::File::from(dir.join(format!("{env_name}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("RELAIS")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
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
        assert!(!shown.contains("change-me-in-production"));
        assert!(shown.contains("db.example"));
    }

    #[test]
    fn defaults_match_the_documented_file() {
        let s = Settings::defaults();
        assert_eq!(s.server.listen, "127.0.0.1:8080");
        assert_eq!(s.database.url, "sqlite://relais.db");
        assert_eq!(s.mail.transport, "file");
        assert_eq!(s.server.max_upload_mb, 25);
    }
}
