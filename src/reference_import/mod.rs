//! Imports of the manufacturer's reference data — the product catalogue and the reseller
//! network — from xlsx/xls/ods/csv files with known column names. Good rows are upserted (by SKU,
//! by reseller code) in one transaction; each bad row is reported with its row number; a file
//! that cannot be read, or lacks a required column, changes nothing.

use crate::cli::ImportKind;
use crate::db::{self, network::ResellerInput, products::ProductInput, Db};
use crate::domain::network::{BrandOrganisation, Potential, ResellerStatus, ResellerType};
use crate::reader::Reader;
use rows::scan;
use serde::Serialize;
use std::collections::HashMap;
use std::process::ExitCode;

mod rows;

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
    let import = db::declarations::ReferenceImport {
        tenant_id,
        user_id,
        kind,
        filename: &report.file,
        content_hash: &crate::auth::token_hash_bytes(bytes),
        size_bytes: bytes.len() as i64,
        sheet: report.sheet.as_deref(),
        summary_json: &summary.to_string(),
    };
    let counts = serde_json::json!({"created": report.created, "updated": report.updated, "rejected": report.rejected});
    Ok(db::declarations::record_reference_import(tx, &import, counts).await?)
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
