//! Sell-out declarations: a reseller's file (or API lines) becomes committed declaration lines.
//!
//! `pipeline` reads and resolves lines on a blocking thread; `commit` owns the one write
//! transaction (`commit_import`), the dry run / preview (`plan`) and staging a web upload as a
//! pending import (`stage`); `guard` is what makes a commit happen once (a preview's one-time
//! token, an API Idempotency-Key); `undo` withdraws an import (`undo_import`); `review` decides
//! which lines wait for a channel manager. `Report` is the one result shape shared by the CLI
//! (`--json`), the API and the web preview.

pub mod cli;
pub mod commit;
pub mod effects;
pub mod form;
pub mod guard;
pub mod pipeline;
pub mod review;
pub mod undo;

pub use commit::{commit_import, plan, stage};
pub use guard::{Guard, IdempotencyKey};
pub use pipeline::Input;
pub use undo::{undo_import, Undo};

use crate::domain::network::Source;
use crate::import::mapping::{ColumnRef, Field};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// At most this many row errors are listed in a report (`rejected` and `errors_total` count all).
pub const MAX_REPORTED_ERRORS: usize = 10_000;
/// At most this many distinct unknown product codes are listed.
pub const MAX_UNKNOWN_CODES: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Committed,
    DryRun,
    Duplicate,
    Refused,
    /// Staged by a web upload, waiting for the user's commit.
    Pending,
    /// A staged upload's commit came from a preview that has changed since (its one-time token
    /// is not the current one): nothing was written.
    Stale,
}

/// What to do with earlier lines of the period a new import covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overlap {
    /// Keep them: the new lines are added.
    #[default]
    Add,
    /// Withdraw them (visibly): the new lines replace them.
    Replace,
}

/// Who imports, for whom, and how.
#[derive(Clone)]
pub struct Request {
    pub tenant_id: i64,
    pub currency: String,
    pub reseller_id: i64,
    pub user_id: Option<i64>,
    pub source: Source,
    pub input: Input,
    /// The declared period, inclusive; lines outside it are rejected.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// A user's correction; when empty, the mapping remembered for the layout applies.
    pub mapping: Vec<(Field, ColumnRef)>,
    pub sheet: Option<String>,
    pub overlap: Overlap,
    /// The tenant's today: later sale dates are errors.
    pub today: NaiveDate,
    /// Language of the report's messages ("fr" or "en").
    pub lang: String,
    /// Opens files in worker processes.
    pub reader: crate::reader::Reader,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportError {
    pub sheet: String,
    pub row: u32,
    pub column: Option<String>,
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownProduct {
    pub code: String,
    pub rows: u64,
    pub quantity: i64,
}

/// The outcome of an import, dry run or preview (the CLI's `--json` object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub status: Status,
    pub import_id: Option<i64>,
    pub accepted: u64,
    pub rejected: u64,
    pub quantity_total: i64,
    /// In the tenant's currency, a number with at most 2 decimals.
    #[serde(
        serialize_with = "cents_as_decimal",
        deserialize_with = "decimal_as_cents"
    )]
    pub amount_total: i64,
    pub currency: String,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    /// Field → column header as written in the file.
    pub mapping: BTreeMap<String, String>,
    pub errors: Vec<ReportError>,
    pub errors_total: u64,
    pub duplicate_of: Option<i64>,
    /// Why the file was refused, in the requested language.
    pub message: Option<String>,
    pub sheet: Option<String>,
    /// Header cells of the detected table, by column index (for the preview's mapping).
    pub headers: Vec<Option<String>>,
    pub header_signature: Option<String>,
    /// Required fields without a column.
    pub missing_columns: Vec<String>,
    pub unknown_products: Vec<UnknownProduct>,
    /// Accepted lines held for review.
    pub pending_review: u64,
    /// Live lines of this reseller already declared in `[date_from, date_to]`.
    pub overlapping_lines: i64,
    /// Earlier lines withdrawn because this import replaced them.
    pub replaced_lines: u64,
}

fn cents_as_decimal<S: Serializer>(cents: &i64, s: S) -> Result<S::Ok, S::Error> {
    // n/100 as the nearest double prints with at most two decimals (shortest round trip).
    s.serialize_f64(*cents as f64 / 100.0)
}

fn decimal_as_cents<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = f64::deserialize(d)?;
    Ok((v * 100.0).round() as i64)
}

impl Report {
    pub fn new(status: Status, currency: &str) -> Report {
        Report {
            status,
            import_id: None,
            accepted: 0,
            rejected: 0,
            quantity_total: 0,
            amount_total: 0,
            currency: currency.to_string(),
            date_from: None,
            date_to: None,
            mapping: BTreeMap::new(),
            errors: Vec::new(),
            errors_total: 0,
            duplicate_of: None,
            message: None,
            sheet: None,
            headers: Vec::new(),
            header_signature: None,
            missing_columns: Vec::new(),
            unknown_products: Vec::new(),
            pending_review: 0,
            overlapping_lines: 0,
            replaced_lines: 0,
        }
    }

    /// Exit code of the CLI: 2 when nothing could be imported as asked.
    pub fn exit_code(&self) -> u8 {
        match self.status {
            Status::Duplicate | Status::Refused | Status::Stale => 2,
            _ => 0,
        }
    }
}

/// A remembered or corrected mapping, as stored in `import_mappings` and `imports.mapping_json`.
pub fn mapping_to_json(mapping: &[(Field, ColumnRef)]) -> String {
    serde_json::to_string(mapping).unwrap_or_else(|_| "[]".into())
}

pub fn mapping_from_json(json: &str) -> Vec<(Field, ColumnRef)> {
    serde_json::from_str(json).unwrap_or_default()
}
