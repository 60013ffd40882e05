//! The points rule engine: pure functions from a challenge definition, the network, the catalogue and
//! declaration lines to points entries, standings and leaderboards. No database, no clock, no I/O: the
//! app calls the same code for live points and for backtests.
//!
//! Flow: [`def::ChallengeDef`] (stored as JSON) → [`compile::Engine::new`] (validates, resolves
//! filters) → [`compile::Engine::compute`] → [`outcome::Outcome`] → [`ledger::reconcile`] against the
//! append-only ledger, and [`report`] for the challenge page and backtests.

pub mod balance;
pub mod caps;
pub mod compile;
pub mod def;
pub mod engine;
pub mod ledger;
pub mod outcome;
pub mod report;
pub mod segment;
pub mod tiers;
pub mod validate;

#[cfg(test)]
mod tests_properties;
#[cfg(test)]
mod tests_rules;
#[cfg(test)]
mod tests_support;
#[cfg(test)]
mod tests_tiers_caps;
