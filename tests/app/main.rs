//! The one integration-test binary: a real server on a random port over a real database
//! (SQLite by default, PostgreSQL when RELAIS_TEST_POSTGRES_URL is set).

mod helpers;
mod seed;

mod accounts;
mod analytics;
mod analytics_api;
mod analytics_browser;
mod analytics_insights;
mod analytics_pages;
mod analytics_rollup;
mod browser;
mod challenges;
mod challenges_bench;
mod challenges_browser;
mod challenges_http;
mod challenges_support;
mod concurrency;
mod concurrency_declarations;
mod concurrency_points;
mod concurrency_reference;
mod declarations;
mod declarations_api;
mod declarations_effects;
mod declarations_form;
mod declarations_form_access;
mod declarations_form_browser;
mod declarations_hostile;
mod declarations_web;
mod exports_csv;
mod faults;
mod jobs;
mod jobs_bench;
mod jobs_data;
mod jobs_mail;
mod jobs_points;
mod limits;
mod login_links;
mod reference_imports;
mod secrets_logs;
mod security;
mod smtp;
mod tenant_access;
mod untrusted_files;
mod workspace;
