//! Errors for inputs that the computations cannot give a meaning to.
//!
//! Only caller mistakes land here (a range that ends before it starts); empty or thin
//! data is not an error but an `Option` or a verdict in the result, because "no sales
//! yet" is an ordinary state of a reseller, not a failure.

use chrono::NaiveDate;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnalyticsError {
    #[error("the range ends ({to}) before it starts ({from})")]
    InvalidRange { from: NaiveDate, to: NaiveDate },
}
