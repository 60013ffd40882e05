//! Imports of the manufacturer's reference data — the product catalogue and the reseller
//! network — from xlsx/xls/ods/csv files with known column names. Good rows are upserted (by SKU,
//! by reseller code) in one transaction; each bad row is reported with its row number; a file
//! that cannot be read, or lacks a required column, changes nothing.

use crate::cli::ImportKind;
use crate::db::{self, audit, network::ResellerInput, products::ProductInput, Db};
use crate::domain::network::{BrandOrganisation, Potential, ResellerStatus, ResellerType};
use crate::import::cell::{parse_number, Cell, NumberStyle};
use crate::import::read::Limits;
use crate::import::records::read_records;
use crate::reader::Reader;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::process::ExitCode;

pub const PRODUCT_COLUMNS: &[&str] = &["sku", "name", "category", "unit_price", "ean", "brand"];
pub const RESELLER_COLUMNS: &[&str] = &[
    "code",
    "name",
    "type",
    "organisation",
    "country",
    "region",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "potential",
    "status",
    "manager_email",
    "contact_email",
];
const PRODUCT_REQUIRED: &[&str] = &["sku", "name", "unit_price"];
const RESELLER_REQUIRED: &[&str] = &["code", "name", "type"];

/// Why a row of a reference file was rejected. Codes are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefError {
    Missing,
    NotANumber,
    Negative,
    EanInvalid,
    UnknownValue,
    OutOfRange,
    UnknownManager,
    EmailInvalid,
    DuplicateInFile,
    ErrorCell,
}

impl RefError {
    pub fn message(self, lang: &str) -> &'static str {
        let fr = lang == "fr";
        match self {
            RefError::Missing => {
                if fr {
                    "Valeur obligatoire manquante."
                } else {
                    "A required value is missing."
                }
            }
            RefError::NotANumber => {
                if fr {
                    "Ce n'est pas un nombre."
                } else {
                    "This is not a number."
                }
            }
            RefError::Negative => {
                if fr {
                    "La valeur ne peut pas être négative."
                } else {
                    "The value cannot be negative."
                }
            }
            RefError::EanInvalid => {
                if fr {
                    "Code EAN invalide (8, 12, 13 ou 14 chiffres avec une clé correcte)."
                } else {
                    "Invalid EAN (8, 12, 13 or 14 digits with a correct check digit)."
                }
            }
            RefError::UnknownValue => {
                if fr {
                    "Valeur non reconnue."
                } else {
                    "Unrecognised value."
                }
            }
            RefError::OutOfRange => {
                if fr {
                    "Valeur hors limites."
                } else {
                    "Value out of range."
                }
            }
            RefError::UnknownManager => {
                if fr {
                    "Aucun animateur réseau avec cet e-mail dans ce fabricant."
                } else {
                    "No channel manager with this email in this manufacturer."
                }
            }
            RefError::EmailInvalid => {
                if fr {
                    "Adresse e-mail invalide."
                } else {
                    "Invalid email address."
                }
            }
            RefError::DuplicateInFile => {
                if fr {
                    "Code déjà présent plus haut dans le fichier."
                } else {
                    "This code already appears earlier in the file."
                }
            }
            RefError::ErrorCell => {
                if fr {
                    "La cellule contient une erreur de formule."
                } else {
                    "The cell holds a formula error."
                }
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RowIssue {
    pub row: u32,
    pub column: String,
    pub code: RefError,
    pub message: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// `committed` or `refused`.
    pub status: &'static str,
    pub file: String,
    pub sheet: Option<String>,
    pub rows_read: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected: u64,
    pub errors: Vec<RowIssue>,
    /// Why the whole file was refused, in the user's language.
    pub message: Option<String>,
}

impl ImportReport {
    fn refused(file: &str, message: String) -> Self {
        ImportReport {
            status: "refused",
            file: file.to_string(),
            sheet: None,
            rows_read: 0,
            created: 0,
            updated: 0,
            rejected: 0,
            errors: vec![],
            message: Some(message),
        }
    }
}

/// Reads one record's cells, collecting problems with their column and row.
struct RowReader<'a> {
    row: u32,
    cells: HashMap<&'a str, Cell>,
    issues: Vec<RowIssue>,
    lang: &'a str,
    style: NumberStyle,
}

impl<'a> RowReader<'a> {
    fn issue(&mut self, column: &str, code: RefError, value: Option<String>) {
        self.issues.push(RowIssue {
            row: self.row,
            column: column.to_string(),
            code,
            message: code.message(self.lang).to_string(),
            value,
        });
    }

    fn text(&mut self, column: &str) -> Option<String> {
        match self.cells.get(column) {
            Some(Cell::Error(e)) => {
                let e = e.clone();
                self.issue(column, RefError::ErrorCell, Some(e));
                None
            }
            Some(c) => c.as_text(),
            None => None,
        }
    }

    fn required(&mut self, column: &str) -> String {
        match self.text(column) {
            Some(v) => v,
            None => {
                if !matches!(self.cells.get(column), Some(Cell::Error(_))) {
                    self.issue(column, RefError::Missing, None);
                }
                String::new()
            }
        }
    }

    fn number(&mut self, column: &str) -> Option<crate::import::cell::Decimal> {
        let cell = self.cells.get(column)?.clone();
        if cell.is_blank() {
            return None;
        }
        if let Cell::Error(e) = &cell {
            self.issue(column, RefError::ErrorCell, Some(e.clone()));
            return None;
        }
        match parse_number(&cell, self.style) {
            Ok(d) => Some(d),
            Err(_) => {
                self.issue(column, RefError::NotANumber, cell.as_text());
                None
            }
        }
    }

    fn coordinate(&mut self, column: &str, limit: f64) -> Option<f64> {
        let d = self.number(column)?;
        let v = d.mantissa as f64 / 10f64.powi(d.scale as i32);
        if v.abs() > limit {
            self.issue(column, RefError::OutOfRange, Some(v.to_string()));
            return None;
        }
        Some(v)
    }

    fn parsed<T>(&mut self, column: &str, default: T, parse: impl Fn(&str) -> Option<T>) -> T {
        match self.text(column) {
            None => default,
            Some(v) => match parse(&v) {
                Some(x) => x,
                None => {
                    self.issue(column, RefError::UnknownValue, Some(v));
                    default
                }
            },
        }
    }

    fn email(&mut self, column: &str) -> String {
        match self.text(column) {
            Some(v) if crate::accounts::valid_email(&v) => v.to_lowercase(),
            Some(v) => {
                self.issue(column, RefError::EmailInvalid, Some(v));
                String::new()
            }
            None => String::new(),
        }
    }
}

/// True for an EAN-8, UPC-A (12), EAN-13 or GTIN-14 whose check digit is right.
pub fn valid_ean(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != code.len() || ![8, 12, 13, 14].contains(&digits.len()) {
        return false;
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check[0]
}

/// French postal codes lose their leading zero when a spreadsheet stores them as numbers.
fn postal_code(raw: String, country: &str) -> String {
    if country.eq_ignore_ascii_case("FR")
        && raw.len() == 4
        && raw.chars().all(|c| c.is_ascii_digit())
    {
        format!("0{raw}")
    } else {
        raw
    }
}

/// The good rows of a file (with their row numbers) and the report so far.
type Scanned<T> = (Vec<(u32, T)>, ImportReport);

/// Scans the file, read by a worker process, on a blocking thread; returns the good rows
/// (with their row numbers) and the report so far.
async fn scan<T, P>(
    reader: &Reader,
    bytes: &[u8],
    filename: &str,
    columns: &'static [&'static str],
    required: &'static [&'static str],
    lang: &str,
    parse_row: P,
) -> anyhow::Result<Result<Scanned<T>, Box<ImportReport>>>
where
    T: Send + 'static,
    P: FnMut(&mut RowReader<'_>) -> Option<(String, T)> + Send + 'static,
{
    let reader = reader.clone();
    let (bytes, filename, lang) = (bytes.to_vec(), filename.to_string(), lang.to_string());
    Ok(tokio::task::spawn_blocking(move || {
        scan_rows(
            &reader, &bytes, &filename, columns, required, &lang, parse_row,
        )
    })
    .await?)
}

fn scan_rows<T>(
    reader: &Reader,
    bytes: &[u8],
    filename: &str,
    columns: &'static [&'static str],
    required: &[&str],
    lang: &str,
    mut parse_row: impl FnMut(&mut RowReader<'_>) -> Option<(String, T)>,
) -> Result<Scanned<T>, Box<ImportReport>> {
    let refused = |e| {
        Box::new(ImportReport::refused(
            filename,
            crate::import::read_error_message(&e, lang),
        ))
    };
    let mut book = reader
        .open(bytes, filename, &Limits::default())
        .map_err(refused)?;
    let mut records = Vec::new();
    let mut report = ImportReport::refused(filename, String::new());
    report.message = None;
    let mut seen = std::collections::HashSet::new();
    let style = NumberStyle::Unknown;
    let info = read_records(&mut book, columns, |row, cells| {
        report.rows_read += 1;
        let mut reader = RowReader {
            row,
            cells,
            issues: vec![],
            lang,
            style,
        };
        let parsed = parse_row(&mut reader);
        if let Some((key, value)) = parsed.filter(|_| reader.issues.is_empty()) {
            if seen.insert(key.clone()) {
                records.push((row, value));
            } else {
                reader.issue(columns[0], RefError::DuplicateInFile, Some(key));
            }
        }
        if !reader.issues.is_empty() {
            report.rejected += 1;
            report.errors.extend(reader.issues);
        }
        ControlFlow::Continue(())
    });
    let info = info.map_err(refused)?;
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| info.missing.iter().any(|m| m == c))
        .collect();
    if !missing.is_empty() {
        let msg = if lang == "fr" {
            format!("Colonnes obligatoires absentes : {}.", missing.join(", "))
        } else {
            format!("Required columns are missing: {}.", missing.join(", "))
        };
        return Err(Box::new(ImportReport::refused(filename, msg)));
    }
    report.sheet = Some(info.sheet);
    report.status = "committed";
    Ok((records, report))
}

pub async fn import_products(
    db: &Db,
    reader: &Reader,
    tenant_id: i64,
    user_id: Option<i64>,
    filename: &str,
    bytes: &[u8],
    lang: &str,
) -> anyhow::Result<ImportReport> {
    let scanned = scan(
        reader,
        bytes,
        filename,
        PRODUCT_COLUMNS,
        PRODUCT_REQUIRED,
        lang,
        |r| {
            let sku = r.required("sku");
            let name = r.required("name");
            let price = match r.number("unit_price") {
                Some(d) if d.is_negative() => {
                    r.issue("unit_price", RefError::Negative, None);
                    0
                }
                Some(d) => d.to_cents().unwrap_or_else(|| {
                    r.issue("unit_price", RefError::OutOfRange, None);
                    0
                }),
                None => {
                    if r.issues.iter().all(|i| i.column != "unit_price") {
                        r.issue("unit_price", RefError::Missing, None);
                    }
                    0
                }
            };
            let ean = r.text("ean").map(|e| e.replace(' ', ""));
            if let Some(e) = &ean {
                if !valid_ean(e) {
                    r.issue("ean", RefError::EanInvalid, Some(e.clone()));
                }
            }
            let input = ProductInput {
                sku: sku.clone(),
                name,
                category: r.text("category").unwrap_or_default(),
                brand: r.text("brand").unwrap_or_default(),
                ean,
                list_price_cents: price,
            };
            Some((sku, input))
        },
    )
    .await?;
    let (rows, mut report) = match scanned {
        Ok(x) => x,
        Err(refused) => return Ok(*refused),
    };
    let mut tx = db.begin().await?;
    for (_, p) in &rows {
        if db::products::upsert(&mut tx, tenant_id, p).await? {
            report.created += 1;
        } else {
            report.updated += 1;
        }
    }
    record(&mut tx, tenant_id, user_id, "products", bytes, &report).await?;
    tx.commit().await?;
    Ok(report)
}

pub async fn import_resellers(
    db: &Db,
    reader: &Reader,
    tenant_id: i64,
    user_id: Option<i64>,
    filename: &str,
    bytes: &[u8],
    lang: &str,
) -> anyhow::Result<ImportReport> {
    let managers: HashMap<String, i64> = db::network::managers(db, tenant_id)
        .await?
        .into_iter()
        .map(|m| (m.email, m.id))
        .collect();
    let scanned = scan(
        reader,
        bytes,
        filename,
        RESELLER_COLUMNS,
        RESELLER_REQUIRED,
        lang,
        move |r| {
            let code = r.required("code");
            let name = r.required("name");
            let reseller_type = if r.cells.get("type").is_some_and(|c| !c.is_blank()) {
                r.parsed("type", ResellerType::Reseller, ResellerType::parse_any)
            } else {
                r.issue("type", RefError::Missing, None);
                ResellerType::Reseller
            };
            let brand = r.parsed(
                "organisation",
                BrandOrganisation::Multi,
                BrandOrganisation::parse_any,
            );
            let country = r
                .text("country")
                .map(|c| c.to_uppercase())
                .unwrap_or_else(|| "FR".into());
            let postal = r
                .text("postal_code")
                .map(|p| postal_code(p, &country))
                .unwrap_or_default();
            let latitude = r.coordinate("latitude", 90.0);
            let longitude = r.coordinate("longitude", 180.0);
            let potential = r.parsed("potential", Potential::B, Potential::parse);
            let status = r.parsed("status", ResellerStatus::Active, ResellerStatus::parse_any);
            let manager_id = match r.text("manager_email") {
                Some(e) => match managers.get(&e.to_lowercase()) {
                    Some(id) => Some(*id),
                    None => {
                        r.issue("manager_email", RefError::UnknownManager, Some(e));
                        None
                    }
                },
                None => None,
            };
            let input = ResellerInput {
                code: code.clone(),
                name,
                reseller_type: reseller_type.as_str().into(),
                brand_organisation: brand.as_str().into(),
                country,
                region: r.text("region").unwrap_or_default(),
                city: r.text("city").unwrap_or_default(),
                postal_code: postal,
                latitude,
                longitude,
                potential: potential.as_str().into(),
                status: status.as_str().into(),
                manager_id,
                contact_email: r.email("contact_email"),
            };
            Some((code, input))
        },
    )
    .await?;
    let (rows, mut report) = match scanned {
        Ok(x) => x,
        Err(refused) => return Ok(*refused),
    };
    let mut tx = db.begin().await?;
    for (_, input) in &rows {
        match db::network::upsert(&mut tx, tenant_id, input).await? {
            db::network::Upserted::Created(_) => report.created += 1,
            db::network::Upserted::Updated(_) => report.updated += 1,
        }
    }
    record(&mut tx, tenant_id, user_id, "resellers", bytes, &report).await?;
    tx.commit().await?;
    Ok(report)
}

async fn record(
    tx: &mut db::Tx,
    tenant_id: i64,
    user_id: Option<i64>,
    kind: &str,
    bytes: &[u8],
    report: &ImportReport,
) -> anyhow::Result<()> {
    let summary = serde_json::to_value(report)?;
    let hash = crate::auth::token_hash_bytes(bytes);
    crate::with_tx!(tx, c => sqlx::query(
        "insert into imports (tenant_id, user_id, kind, filename, content_hash, size_bytes, status, sheet, \
         summary_json, created_at, committed_at) values ($1, $2, $3, $4, $5, $6, 'committed', $7, $8, $9, $9)")
        .bind(tenant_id).bind(user_id).bind(kind).bind(&report.file).bind(&hash).bind(bytes.len() as i64)
        .bind(&report.sheet).bind(summary.to_string()).bind(db::now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            tenant_id: Some(tenant_id),
            user_id,
            action: "import",
            entity: kind,
            entity_id: report.file.clone(),
            detail: serde_json::json!({"created": report.created, "updated": report.updated, "rejected": report.rejected}),
        },
    )
    .await?;
    Ok(())
}

/// `relais import products|resellers FILE --tenant SLUG [--json]`.
pub async fn cli(
    db: &Db,
    reader: &Reader,
    kind: ImportKind,
    file: &std::path::Path,
    tenant: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let t = db::tenants::by_slug(db, tenant)
        .await?
        .ok_or_else(|| crate::cli::Refused(format!("no tenant {tenant}")))?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let report = match kind {
        ImportKind::Products => import_products(db, reader, t.id, None, name, &bytes, "en").await?,
        ImportKind::Resellers => {
            import_resellers(db, reader, t.id, None, name, &bytes, "en").await?
        }
        ImportKind::Declarations => {
            anyhow::bail!("declarations are imported by crate::declarations::cli")
        }
    };
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        match &report.message {
            Some(m) => println!("{}: refused: {m}", report.file),
            None => println!(
                "{}: {} rows read, {} created, {} updated, {} rejected",
                report.file, report.rows_read, report.created, report.updated, report.rejected
            ),
        }
        for e in &report.errors {
            println!(
                "  row {} [{}] {}: {}",
                e.row,
                e.column,
                e.code.message("en"),
                e.value.as_deref().unwrap_or("")
            );
        }
    }
    Ok(if report.status == "refused" {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
