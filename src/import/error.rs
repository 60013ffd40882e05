//! Errors of the import core: `ReadError` stops a whole file, `RowError` rejects one row.
//!
//! Row error codes are stable snake_case strings (stored with pending imports and shown in the
//! annotated copy), so never rename a variant's `as_str()`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a file could not be read at all. Messages are for logs and for the uploader: they name
/// the limit that was hit, never internal detail.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error("unsupported file type: {0}")]
    UnsupportedFormat(String),
    #[error("the file is damaged or truncated: {0}")]
    Corrupt(String),
    #[error("the file is password-protected or encrypted")]
    Encrypted,
    #[error("the file would expand beyond the allowed size: {0}")]
    TooLarge(String),
    #[error("the sheet has more than {limit} rows")]
    TooManyRows { limit: u32 },
    #[error("row {row} has data beyond column {limit}")]
    TooManyColumns { row: u32, limit: u32 },
    #[error("no sheet named {0}")]
    SheetNotFound(String),
    #[error("no table found: no row looks like a header")]
    NoTable,
    #[error("required columns are missing: {0}")]
    MissingColumns(String),
    /// The worker process reading the file died or was stopped at one of its ceilings (memory,
    /// CPU time, wall-clock time); why is logged, not shown.
    #[error("the file could not be read safely")]
    Unsafe,
    /// Every worker was busy for longer than the configured wait.
    #[error("every file reader is busy")]
    Busy,
}

/// Why one data row was rejected. `unknown_product` is set by the caller once the catalogue is
/// known; the core never produces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    UnknownProduct,
    QuantityNotANumber,
    QuantityZero,
    QuantityNegative,
    QuantityNotWhole,
    DateMissing,
    DateInvalid,
    DateInFuture,
    DateOutsidePeriod,
    PriceInvalid,
    AmountInvalid,
    RatingInvalid,
    ErrorCell,
    ProductMissing,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 14] = [
        Self::UnknownProduct,
        Self::QuantityNotANumber,
        Self::QuantityZero,
        Self::QuantityNegative,
        Self::QuantityNotWhole,
        Self::DateMissing,
        Self::DateInvalid,
        Self::DateInFuture,
        Self::DateOutsidePeriod,
        Self::PriceInvalid,
        Self::AmountInvalid,
        Self::RatingInvalid,
        Self::ErrorCell,
        Self::ProductMissing,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UnknownProduct => "unknown_product",
            Self::QuantityNotANumber => "quantity_not_a_number",
            Self::QuantityZero => "quantity_zero",
            Self::QuantityNegative => "quantity_negative",
            Self::QuantityNotWhole => "quantity_not_whole",
            Self::DateMissing => "date_missing",
            Self::DateInvalid => "date_invalid",
            Self::DateInFuture => "date_in_future",
            Self::DateOutsidePeriod => "date_outside_period",
            Self::PriceInvalid => "price_invalid",
            Self::AmountInvalid => "amount_invalid",
            Self::RatingInvalid => "rating_invalid",
            Self::ErrorCell => "error_cell",
            Self::ProductMissing => "product_missing",
        }
    }

    /// A sentence for the reseller. Any language other than "fr" gets English.
    pub fn message(&self, lang: &str) -> &'static str {
        let fr = lang.eq_ignore_ascii_case("fr") || lang.to_ascii_lowercase().starts_with("fr-");
        match (self, fr) {
            (Self::UnknownProduct, true) => "Ce produit n'est pas dans le catalogue.",
            (Self::UnknownProduct, false) => "This product is not in the catalogue.",
            (Self::QuantityNotANumber, true) => "La quantité n'est pas un nombre.",
            (Self::QuantityNotANumber, false) => "The quantity is not a number.",
            (Self::QuantityZero, true) => "La quantité est zéro.",
            (Self::QuantityZero, false) => "The quantity is zero.",
            (Self::QuantityNegative, true) => {
                "La quantité est négative : les retours et avoirs ne se déclarent pas ici."
            }
            (Self::QuantityNegative, false) => {
                "The quantity is negative: returns and credit notes are not declared here."
            }
            (Self::QuantityNotWhole, true) => "La quantité doit être un nombre entier d'unités.",
            (Self::QuantityNotWhole, false) => "The quantity must be a whole number of units.",
            (Self::DateMissing, true) => "La date de vente est vide.",
            (Self::DateMissing, false) => "The sale date is empty.",
            (Self::DateInvalid, true) => "La date de vente n'est pas une date reconnue.",
            (Self::DateInvalid, false) => "The sale date is not a recognised date.",
            (Self::DateInFuture, true) => "La date de vente est dans le futur.",
            (Self::DateInFuture, false) => "The sale date is in the future.",
            (Self::DateOutsidePeriod, true) => "La date de vente est hors de la période déclarée.",
            (Self::DateOutsidePeriod, false) => "The sale date is outside the declared period.",
            (Self::PriceInvalid, true) => "Le prix unitaire n'est pas un montant valide.",
            (Self::PriceInvalid, false) => "The unit price is not a valid amount.",
            (Self::AmountInvalid, true) => "Le montant n'est pas un montant valide.",
            (Self::AmountInvalid, false) => "The amount is not a valid amount.",
            (Self::RatingInvalid, true) => "La note doit être un nombre entier de 1 à 5.",
            (Self::RatingInvalid, false) => "The rating must be a whole number from 1 to 5.",
            (Self::ErrorCell, true) => "La cellule contient une erreur de formule (ex. #N/A).",
            (Self::ErrorCell, false) => "The cell holds a formula error (e.g. #N/A).",
            (Self::ProductMissing, true) => "La référence produit est vide.",
            (Self::ProductMissing, false) => "The product reference is empty.",
        }
    }
}

/// One rejected row. `row` is the row number the spreadsheet shows (1-based); `column` is the
/// header text as written in the file, so the reseller recognises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub sheet: String,
    pub row: u32,
    pub column: Option<String>,
    pub code: ErrorCode,
    pub value: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case_and_match_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }

    #[test]
    fn every_code_has_distinct_french_and_english_messages() {
        for code in ErrorCode::ALL {
            assert_ne!(code.message("fr"), code.message("en"), "{code:?}");
            assert_eq!(code.message("de"), code.message("en"));
        }
    }
}
