//! Pure analytics computations for Relais: no database, no I/O, no HTML.
//!
//! The dashboards, reseller profiles, insight lists, JSON API and email digests load
//! their rows from the database and hand them to these functions; every function is
//! deterministic for a given input (ties are broken by key) so that a page, its CSV
//! download and the digest always agree.
//!
//! Conventions shared by every module:
//! - money is integer cents (`i64`), quantities are whole units (`i64`);
//! - sale dates are calendar dates ([`chrono::NaiveDate`]), weeks are ISO weeks;
//! - date ranges are inclusive on both ends;
//! - percentages are `f64` in percent (`12.5` means 12.5 %), never rounded except
//!   where a field says it is for display.

pub mod benchmark;
pub mod cadence;
pub mod cross_sell;
pub mod cross_sell_targets;
pub mod declining;
pub mod elasticity;
pub mod error;
pub mod period;
pub mod recency;
pub mod shares;
pub mod stats;
pub mod weekly;
