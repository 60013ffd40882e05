//! Sales analytics over approved declaration lines: pure computations in `compute`, the
//! roll-ups they read in `rollup`, and the queries and widgets beside them.

pub mod cli;
pub mod compute;
pub mod dashboard;
pub mod events;
pub mod export;
pub mod filter;
pub mod insights;
pub mod map;
pub mod queries;
pub mod rollup;
pub mod tokens;
