//! Challenges as the app runs them: the pure engine (`domain::points`) fed from the database, its
//! result reconciled into the append-only points ledger, standings kept for the leaderboards,
//! rewards redeemed against the confirmed balance, points expired oldest first, results frozen at
//! the close, and backtests over past declarations with the same engine.
//!
//! Entry points other areas call:
//! - [`on_lines_changed`] (inside the declarations commit / review / undo transaction),
//! - [`close_due`] (the challenge-close job) and [`expire_due`] (the points-expiry job),
//! - [`digest::points_digest`] (the reseller digest's points section).

pub mod backtest;
pub mod cli;
pub mod demo;
pub mod digest;
pub mod expiry;
pub mod form;
pub mod lifecycle;
pub mod recompute;
pub mod reconcile;
pub mod rewards;
pub mod standings;

pub use backtest::{backtest, Backtest};
pub use expiry::expire_due;
pub use lifecycle::{close, close_due, create, launch, save};
pub use recompute::{
    confirm, on_lines_changed, on_resellers_changed, recompute, reverse, Recomputed,
};
pub use rewards::{cancel_redemption, redeem, set_redemption_status, RedeemError};

use crate::domain::points::validate::DefError;

#[derive(Debug, thiserror::Error)]
pub enum ChallengeError {
    #[error("no such challenge")]
    NotFound,
    #[error("invalid challenge definition")]
    Invalid(Vec<DefError>),
    /// A closed challenge keeps its rules; a draft cannot be closed, a running one not relaunched.
    #[error("the challenge cannot do this in its current status")]
    WrongStatus,
    /// The launch or close asked for has already happened (a double click, a second manager).
    #[error("the challenge is already in that status")]
    AlreadyDone,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// What the ledger needs to know about a tenant.
#[derive(Debug, Clone)]
pub struct TenantPoints {
    pub id: i64,
    pub time_zone: chrono_tz::Tz,
    /// Default validity of confirmed points, in months; 0 = they never expire.
    pub validity_months: i64,
}

impl TenantPoints {
    pub async fn load(
        exec: crate::db::points::Exec<'_>,
        tenant_id: i64,
    ) -> Result<TenantPoints, sqlx::Error> {
        let (tz, months) = crate::db::points::tenant_settings(exec, tenant_id).await?;
        Ok(TenantPoints {
            id: tenant_id,
            time_zone: tz.parse().unwrap_or(chrono_tz::Europe::Paris),
            validity_months: months,
        })
    }

    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }
}
