//! The reseller profile, the action lists (`/insights/…`) and a reseller's own
//! `/my/insights`: the reads of `crate::db::analytics` handed to the pure computations in
//! [`super::compute`].

pub mod cadence;
pub mod catalogue;
pub mod cross_sell;
pub mod declining;
pub mod feedback;
pub mod profile;
