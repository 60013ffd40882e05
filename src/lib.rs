//! Relais: resellers declare their sell-out and earn challenge points; manufacturers segment
//! their network and analyse the declared sales.

pub mod accounts;
pub mod analytics;
pub mod app;
pub mod auth;
pub mod challenges;
pub mod cli;
pub mod config;
pub mod db;
pub mod declarations;
pub mod demo;
pub mod domain;
pub mod export;
pub mod http;
pub mod import;
pub mod jobs_app;
pub mod mail;
pub mod reader;
pub mod reference_import;
pub mod throttle;
