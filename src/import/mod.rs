//! Relais import core: the bytes of an uploaded spreadsheet become typed sell-out lines and
//! row errors. Pure: no database, no HTTP. Reading is bounded against hostile files (see
//! `read`, `guard`, `xls_scan`) and streamed, so a million-row sheet needs little memory.
//!
//! The way through: `read::open` -> `table` (sheet and header row) -> `mapping` (columns to
//! fields) -> `rows` (cells to `ParsedLine` or `RowError`); `analyse` ties them together and
//! `annotate` writes the reseller's file back with an errors column.

pub mod analyse;
pub mod annotate;
pub mod cell;
pub mod csv_text;
pub mod date;
pub mod error;
pub mod guard;
pub mod mapping;
pub mod normalise;
mod ods_scan;
pub mod read;
pub mod records;
pub mod rows;
pub mod sheets;
pub mod synonyms;
pub mod table;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod xls_scan;

#[cfg(test)]
mod declared_counts_tests;
#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod fuzz_findings_tests;
#[cfg(test)]
mod hostile_tests;

/// Why a whole file was refused, for the uploader, in French ("fr") or English.
pub fn read_error_message(e: &error::ReadError, lang: &str) -> String {
    use error::ReadError as E;
    let fr = lang == "fr";
    match e {
        E::UnsupportedFormat(_) => {
            if fr {
                "Ce fichier n'est ni un classeur Excel (xlsx, xlsm, xlsb, xls), ni un fichier OpenDocument (ods), ni un CSV.".into()
            } else {
                "This file is not an Excel workbook (xlsx, xlsm, xlsb, xls), an OpenDocument spreadsheet (ods) or a CSV file.".into()
            }
        }
        E::Corrupt(_) => {
            if fr {
                "Le fichier est endommagé ou incomplet : ouvrez-le dans votre tableur, enregistrez-le à nouveau puis réessayez.".into()
            } else {
                "The file is damaged or incomplete: open it in your spreadsheet program, save it again and retry.".into()
            }
        }
        E::Encrypted => {
            if fr {
                "Le fichier est protégé par un mot de passe : enregistrez-en une copie sans mot de passe.".into()
            } else {
                "The file is password-protected: save a copy without a password.".into()
            }
        }
        E::TooLarge(_) => {
            if fr {
                "Le fichier est trop volumineux une fois décompressé.".into()
            } else {
                "The file is too large once uncompressed.".into()
            }
        }
        E::TooManyRows { limit } => {
            if fr {
                format!("La feuille dépasse {limit} lignes : découpez le fichier.")
            } else {
                format!("The sheet has more than {limit} rows: split the file.")
            }
        }
        E::TooManyColumns { row, limit } => {
            if fr {
                format!("La ligne {row} contient des données au-delà de la colonne {limit}.")
            } else {
                format!("Row {row} has data beyond column {limit}.")
            }
        }
        E::SheetNotFound(name) => {
            if fr {
                format!("Aucune feuille nommée « {name} ».")
            } else {
                format!("No sheet named \"{name}\".")
            }
        }
        E::NoTable => {
            if fr {
                "Aucun tableau trouvé : aucune ligne ne ressemble à une ligne d'en-têtes.".into()
            } else {
                "No table found: no row looks like a header row.".into()
            }
        }
        E::MissingColumns(cols) => {
            if fr {
                format!("Colonnes obligatoires absentes : {cols}.")
            } else {
                format!("Required columns are missing: {cols}.")
            }
        }
        E::Unsafe => {
            if fr {
                "Ce fichier n'a pas pu être lu en toute sécurité : le lire demande trop de mémoire ou de temps. Enregistrez-le à nouveau depuis votre tableur (en xlsx ou csv), ou découpez-le, puis réessayez.".into()
            } else {
                "This file could not be read safely: reading it needs too much memory or time. Save it again from your spreadsheet program (as xlsx or csv), or split it, then retry.".into()
            }
        }
        E::Busy => {
            if fr {
                "Le serveur lit déjà d'autres fichiers : réessayez dans une minute.".into()
            } else {
                "The server is busy reading other files: try again in a minute.".into()
            }
        }
    }
}
