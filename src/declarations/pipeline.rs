//! The producer side of an import: on a blocking thread, the import core reads the file (or
//! the API's JSON lines) row by row; each line's product code is resolved, its money completed,
//! its customer identifier hashed and its review status decided; lines and row errors go to the
//! async side in batches through a bounded channel. Parsing and database writes overlap, and
//! memory stays at a few batches whatever the file's size.

use super::review::ReviewRules;
use crate::db::declarations::{NewLine, LINE_BATCH};
use crate::import::analyse::{Analysis, Options};
use crate::import::cell::Cell;
use crate::import::error::{ErrorCode, ReadError, RowError};
use crate::import::mapping::{Field, MappedColumn, Mapping};
use crate::import::read::Format;
use crate::import::rows::{Channel, LineParser, LineResult, LineRules, ParsedLine};
use foldhash::HashMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::ops::ControlFlow;
use std::sync::Arc;
use tokio::sync::mpsc;

/// What is imported: a file, or JSON lines from the API.
#[derive(Clone)]
pub enum Input {
    File {
        filename: String,
        bytes: Arc<Vec<u8>>,
    },
    Lines(Arc<Vec<serde_json::Map<String, serde_json::Value>>>),
}

impl Input {
    pub fn filename(&self) -> &str {
        match self {
            Input::File { filename, .. } => filename,
            Input::Lines(_) => "api.json",
        }
    }

    /// SHA-256 of the content: a file's bytes, or the lines as canonical JSON (sorted keys).
    pub fn content_hash(&self) -> String {
        match self {
            Input::File { bytes, .. } => crate::auth::token_hash_bytes(bytes),
            Input::Lines(lines) => {
                crate::auth::token_hash_bytes(&serde_json::to_vec(&**lines).unwrap_or_default())
            }
        }
    }

    pub fn size(&self) -> i64 {
        match self {
            Input::File { bytes, .. } => bytes.len() as i64,
            Input::Lines(lines) => lines.len() as i64,
        }
    }
}

/// The API's line fields, in the order of their virtual columns.
pub const API_FIELDS: [(Field, &str); 11] = [
    (Field::SaleDate, "sale_date"),
    (Field::Product, "product"),
    (Field::Quantity, "quantity"),
    (Field::UnitPrice, "unit_price"),
    (Field::LineAmount, "amount"),
    (Field::CustomerType, "customer_type"),
    (Field::CustomerPostalCode, "customer_postal_code"),
    (Field::CustomerId, "customer_id"),
    (Field::Channel, "channel"),
    (Field::Feedback, "feedback"),
    (Field::Rating, "rating"),
];

/// The codes that name products for this reseller, folded by `normalise_code`.
pub struct Catalogue {
    codes: HashMap<String, (i64, i64)>,
}

/// Product codes are compared trimmed and in capitals ("td-450 " is TD-450).
pub fn normalise_code(code: &str) -> String {
    code.trim().to_uppercase()
}

impl Catalogue {
    /// From `(code, product id, list price, rank)` rows in ascending rank: a later rank wins.
    pub fn new(rows: Vec<(String, i64, i64, i64)>) -> Catalogue {
        let codes = rows
            .into_iter()
            .map(|(c, p, price, _)| (normalise_code(&c), (p, price)))
            .collect();
        Catalogue { codes }
    }

    /// `(product id, list price)`.
    pub fn resolve(&self, code: &str) -> Option<(i64, i64)> {
        // Most codes arrive trimmed and in capitals already: look them up as they are.
        let folded = code.is_ascii()
            && !code.bytes().any(|b| b.is_ascii_lowercase())
            && code.trim().len() == code.len();
        if folded {
            self.codes.get(code).copied()
        } else {
            self.codes.get(&normalise_code(code)).copied()
        }
    }
}

/// Everything the producer needs besides the input.
pub struct Context {
    pub catalogue: Catalogue,
    pub review: ReviewRules,
    pub customers: CustomerHasher,
    pub options: Options,
}

/// What the import core detected in a file.
#[derive(Debug, Clone)]
pub struct Analysed {
    pub format: Option<Format>,
    pub sheet: String,
    pub headers: Vec<Option<String>>,
    pub header_signature: Option<String>,
    pub mapping: Vec<MappedColumn>,
    pub missing_required: Vec<Field>,
    /// Rows the file says it has below the header: for a progress estimate, not a promise.
    pub rows_expected: Option<u64>,
}

pub struct Batch {
    pub lines: Vec<NewLine>,
    pub errors: Vec<RowError>,
    /// The file's code of each unknown-product row (also in `errors`).
    pub unknown: Vec<(String, i64)>,
}

pub enum Msg {
    Analysed(Analysed),
    Batch(Batch),
}

/// Keyed hash of an end-customer identifier: equal identifiers of one tenant match, and the
/// identifier itself is never stored.
pub fn customer_hash(secret: &str, tenant_id: i64, raw: &str) -> Option<String> {
    CustomerHasher::new(secret, tenant_id).hash(raw)
}

/// Lower-case hex, as `hex::encode` writes it, without going through a `char` iterator (that
/// was a third of the cost of hashing an identifier).
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0xf)]);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// `customer_hash` for many identifiers of one tenant: the HMAC key is absorbed once (an
/// import hashes up to one identifier a line), and each hash is the keyed state, cloned, over
/// `"{tenant_id}:{identifier}"`.
#[derive(Clone)]
pub struct CustomerHasher {
    keyed: Hmac<Sha256>,
    prefix: String,
}

impl CustomerHasher {
    pub fn new(secret: &str, tenant_id: i64) -> CustomerHasher {
        CustomerHasher {
            keyed: Hmac::<Sha256>::new_from_slice(secret.as_bytes())
                .expect("HMAC takes any key length"),
            prefix: format!("{tenant_id}:"),
        }
    }

    /// The hash of the identifier without its spaces, in lower case; None when it is blank.
    pub fn hash(&self, raw: &str) -> Option<String> {
        let mut mac = self.keyed.clone();
        mac.update(self.prefix.as_bytes());
        if raw.is_ascii() && raw.len() <= 128 {
            // Most identifiers: folded on the stack, without building a string.
            let mut buf = [0u8; 128];
            let mut len = 0;
            for b in raw.bytes().filter(|b| !b" \t\n\x0b\x0c\r".contains(b)) {
                buf[len] = b.to_ascii_lowercase();
                len += 1;
            }
            if len == 0 {
                return None;
            }
            mac.update(&buf[..len]);
        } else {
            let id = raw.split_whitespace().collect::<String>().to_lowercase();
            if id.is_empty() {
                return None;
            }
            mac.update(id.as_bytes());
        }
        Some(lower_hex(&mac.finalize().into_bytes()))
    }
}

struct Builder<'a> {
    ctx: &'a Context,
    tx: &'a mpsc::Sender<Msg>,
    product_header: Option<String>,
    batch: Batch,
    /// Time spent waiting for the consumer to take a batch (logged at debug level).
    blocked: std::time::Duration,
}

impl Builder<'_> {
    fn new_batch() -> Batch {
        Batch {
            lines: Vec::with_capacity(LINE_BATCH),
            errors: Vec::new(),
            unknown: Vec::new(),
        }
    }

    fn push(&mut self, result: LineResult) -> ControlFlow<()> {
        match result {
            Err(errors) => self.batch.errors.extend(errors),
            Ok(line) => match self.ctx.catalogue.resolve(&line.product_code) {
                Some((product_id, list_price)) => {
                    let l = self.line(line, product_id, list_price);
                    self.batch.lines.push(l);
                }
                None => {
                    self.batch
                        .unknown
                        .push((line.product_code.clone(), line.quantity));
                    self.batch.errors.push(RowError {
                        sheet: line.sheet,
                        row: line.row,
                        column: self.product_header.clone(),
                        code: ErrorCode::UnknownProduct,
                        value: Some(line.product_code),
                    });
                }
            },
        }
        if self.batch.lines.len() >= LINE_BATCH || self.batch.errors.len() >= LINE_BATCH {
            return self.flush();
        }
        ControlFlow::Continue(())
    }

    fn flush(&mut self) -> ControlFlow<()> {
        let batch = std::mem::replace(&mut self.batch, Self::new_batch());
        let t = std::time::Instant::now();
        // The receiver is gone when the consumer failed: stop reading.
        let sent = self.tx.blocking_send(Msg::Batch(batch));
        self.blocked += t.elapsed();
        match sent {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    }

    fn line(&self, l: ParsedLine, product_id: i64, list_price: i64) -> NewLine {
        let q = l.quantity;
        let (unit, amount) = match (l.unit_price_cents, l.amount_cents) {
            (Some(u), Some(a)) => (u, a),
            (Some(u), None) => (u, u.saturating_mul(q)),
            // Rounded to the nearest cent.
            (None, Some(a)) => ((a * 2 + q) / (2 * q), a),
            (None, None) => (list_price, list_price.saturating_mul(q)),
        };
        let given_price = l.unit_price_cents.or(l.amount_cents.map(|_| unit));
        let reason = self
            .ctx
            .review
            .reasons(product_id, q, given_price, list_price, l.sale_date);
        NewLine {
            product_id,
            sale_date: l.sale_date,
            quantity: q,
            unit_price_cents: unit,
            amount_cents: amount,
            customer_type: l.customer_type,
            customer_postal_code: l.customer_postal_code,
            customer_hash: l.customer_id.and_then(|id| self.ctx.customers.hash(&id)),
            channel: l.channel.map(|c| match c {
                Channel::Store => "store",
                Channel::Online => "online",
            }),
            feedback: l.feedback,
            rating: l.rating.map(i64::from),
            source_sheet: Some(l.sheet),
            source_row: Some(i64::from(l.row)),
            review_status: if reason.is_some() {
                "pending"
            } else {
                "approved"
            },
            review_reason: reason,
        }
    }
}

/// What the producer reads: a file already opened (by a worker process, `crate::reader`) and
/// analysed, or the API's JSON lines.
pub enum Feed {
    File(Box<Result<Analysis<'static>, ReadError>>),
    Lines(Arc<Vec<serde_json::Map<String, serde_json::Value>>>),
}

/// Reads the source and sends `Analysed` then batches. Runs on a blocking thread.
pub fn produce(feed: Feed, ctx: Arc<Context>, tx: mpsc::Sender<Msg>) -> Result<(), ReadError> {
    match feed {
        Feed::File(analysis) => produce_file((*analysis)?, &ctx, &tx),
        Feed::Lines(lines) => produce_lines(&lines, &ctx, &tx),
    }
}

fn produce_file(
    mut analysis: Analysis<'_>,
    ctx: &Context,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), ReadError> {
    let analysed = Analysed {
        format: Some(analysis.format),
        sheet: analysis.sheet.clone(),
        headers: analysis.headers.clone(),
        header_signature: Some(analysis.header_signature.clone()),
        mapping: analysis.mapping.columns.clone(),
        missing_required: analysis.missing_required.clone(),
        rows_expected: analysis.rows_expected(),
    };
    let product_header = analysis
        .mapping
        .get(Field::Product)
        .map(|c| c.header.clone());
    if tx.blocking_send(Msg::Analysed(analysed)).is_err() {
        return Ok(());
    }
    let mut b = Builder {
        ctx,
        tx,
        product_header,
        batch: Builder::new_batch(),
        blocked: std::time::Duration::ZERO,
    };
    let started = std::time::Instant::now();
    analysis.for_each_line(|r| b.push(r))?;
    let _ = b.flush();
    tracing::debug!(
        total_ms = started.elapsed().as_millis() as u64,
        blocked_ms = b.blocked.as_millis() as u64,
        "import producer"
    );
    Ok(())
}

fn json_cell(v: Option<&serde_json::Value>) -> Cell {
    match v {
        None | Some(serde_json::Value::Null) => Cell::Empty,
        Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
        Some(serde_json::Value::Bool(b)) => Cell::Bool(*b),
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(i) => Cell::Int(i),
            None => Cell::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Some(other) => Cell::Text(other.to_string()),
    }
}

/// JSON lines go through the same line parser as spreadsheet rows, as a virtual sheet "lines"
/// whose columns are `API_FIELDS` and whose row numbers are the lines' 1-based positions.
fn produce_lines(
    lines: &[serde_json::Map<String, serde_json::Value>],
    ctx: &Context,
    tx: &mpsc::Sender<Msg>,
) -> Result<(), ReadError> {
    let columns: Vec<MappedColumn> = API_FIELDS
        .iter()
        .enumerate()
        .map(|(index, (field, name))| MappedColumn {
            field: *field,
            index,
            header: name.to_string(),
        })
        .collect();
    let mapping = Mapping {
        columns: columns.clone(),
        ..Mapping::default()
    };
    let parser = LineParser::new(
        "lines".into(),
        mapping,
        LineRules {
            period: ctx.options.period,
            today: ctx.options.today,
            number_style: ctx.options.text_numbers,
            day_first: false,
        },
    );
    let analysed = Analysed {
        format: None,
        sheet: "lines".into(),
        headers: API_FIELDS
            .iter()
            .map(|(_, n)| Some(n.to_string()))
            .collect(),
        header_signature: None,
        mapping: columns,
        missing_required: Vec::new(),
        rows_expected: Some(lines.len() as u64),
    };
    if tx.blocking_send(Msg::Analysed(analysed)).is_err() {
        return Ok(());
    }
    let mut b = Builder {
        ctx,
        tx,
        product_header: Some("product".into()),
        batch: Builder::new_batch(),
        blocked: std::time::Duration::ZERO,
    };
    for (i, line) in lines.iter().enumerate() {
        let cells: Vec<Cell> = API_FIELDS
            .iter()
            .map(|(_, name)| json_cell(line.get(*name)))
            .collect();
        let row = i as u32 + 1;
        let result = parser.parse(row, &cells).unwrap_or_else(|| {
            // A line with nothing in it is an error in the API (a spreadsheet would skip it).
            Err(vec![RowError {
                sheet: "lines".into(),
                row,
                column: Some("product".into()),
                code: ErrorCode::ProductMissing,
                value: None,
            }])
        });
        if b.push(result).is_break() {
            return Ok(());
        }
    }
    let _ = b.flush();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_written_as_the_hex_crate_writes_it() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&bytes), hex::encode(&bytes));
    }

    #[test]
    fn product_codes_are_found_trimmed_and_in_any_case() {
        let c = Catalogue::new(vec![
            ("td-450".into(), 1, 19990, 2),
            ("ÉCO-1".into(), 2, 500, 2),
        ]);
        for code in ["TD-450", "td-450", " Td-450\t", "TD-450 "] {
            assert_eq!(c.resolve(code), Some((1, 19990)), "{code:?}");
        }
        assert_eq!(c.resolve("éco-1"), Some((2, 500)));
        assert_eq!(c.resolve("TD-45"), None);
    }

    #[test]
    fn customer_hashes_are_the_keyed_hash_of_the_folded_identifier() {
        let h = CustomerHasher::new("s3cret", 42);
        let expected = crate::auth::keyed_hash("s3cret", "42:c-1234éa");
        assert_eq!(
            h.hash(" C-1234 \u{a0}éa ").as_deref(),
            Some(expected.as_str())
        );
        assert_eq!(h.hash("c-1234éa"), h.hash("C - 1234 ÉA"));
        assert_ne!(
            h.hash("c-1234"),
            CustomerHasher::new("s3cret", 43).hash("c-1234")
        );
        assert_eq!(h.hash(" \t "), None);
        assert_eq!(customer_hash("s3cret", 42, "c-1234éa"), h.hash("c-1234éa"));
        // ASCII identifiers take a shortcut; it folds as the general path does.
        let ascii = crate::auth::keyed_hash("s3cret", "42:ab-12cd");
        for raw in ["AB-12cd", " ab -\t12\u{b}CD\r\n", "ab-12CD "] {
            assert_eq!(h.hash(raw).as_deref(), Some(ascii.as_str()), "{raw:?}");
        }
        assert_eq!(h.hash("\u{c} \n"), None);
    }
}
