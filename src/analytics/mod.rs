//! Sales analytics over approved declaration lines: pure computations in `compute`, the widgets
//! and insights built on the queries of `crate::db::analytics` (which reads the roll-ups), and
//! the filters they share.

pub mod cli;
pub mod compute;
pub mod dashboard;
pub mod events;
pub mod export;
pub mod filter;
pub mod insights;
pub mod map;
pub mod rollup;
pub mod tokens;
