//! Languages, the translation table and locale formatting.
//!
//! One static table keeps every UI string in both languages side by side, so a missing French
//! label is visible in review and caught by the uniqueness test.

mod format;
mod table;
mod table_analytics;
mod table_challenges;
mod table_declarations;
mod table_jobs;
mod table_security;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use format::{date, datetime, decimal, iso_week, money, month, number, percent, relative_days};

/// A user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    #[default]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code used in `<html lang>`, cookies and forms.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's own name, shown in the language switch whatever the current language.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// Parses "fr" or "en" (any case, region subtag ignored: "fr-BE" is French).
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// French when the `Accept-Language` header prefers French over English, English otherwise
    /// (including when neither is listed: English is the broader fallback).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else {
                continue;
            };
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Strictly greater: on a tie the first listed language wins, as browsers list by preference.
            if q > 0.0 && best.is_none_or(|(_, best_q)| q > best_q) {
                best = Some((lang, q));
            }
        }
        best.map_or(Lang::En, |(lang, _)| lang)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s).ok_or(UnknownLang)
    }
}

/// The string was neither "fr" nor "en".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownLang;

impl std::fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unknown language (expected fr or en)")
    }
}

impl std::error::Error for UnknownLang {}

/// Every table: the core one and one per product area, so that areas grow without touching
/// each other's file.
const TABLES: &[&[(&str, &str, &str)]] = &[
    table::ENTRIES,
    table_declarations::ENTRIES,
    table_challenges::ENTRIES,
    table_analytics::ENTRIES,
    table_jobs::ENTRIES,
    table_security::ENTRIES,
];

fn all_entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|t| t.iter())
}

fn index() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        all_entries()
            .map(|&(key, en, fr)| (key, (en, fr)))
            .collect()
    })
}

/// The UI string for `key` in `lang`.
///
/// An unknown key renders as the key itself so a typo shows on screen rather than breaking the
/// page; this crate's own tests panic instead, and they render every page, so typos in templates
/// are caught before they ship.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match index().get(key) {
        Some(&(en, fr)) => match lang {
            Lang::En => en,
            Lang::Fr => fr,
        },
        None => {
            #[cfg(test)]
            panic!("missing translation key {key:?}");
            #[cfg(not(test))]
            key
        }
    }
}

/// A label's colon with the spacing each language wants: French puts a no-break space before
/// it, English none (`Région : Bretagne` / `Region: Brittany`).
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "\u{A0}: ",
        Lang::En => ": ",
    }
}

/// Whether `key` exists in the table; lets callers with dynamic keys fall back gracefully.
pub fn has_key(key: &str) -> bool {
    index().contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_key_is_unique_and_translated_in_both_languages() {
        let mut seen = HashSet::new();
        for &(key, en, fr) in all_entries() {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!key.trim().is_empty(), "empty key");
            assert!(!en.trim().is_empty(), "empty English for {key}");
            assert!(!fr.trim().is_empty(), "empty French for {key}");
        }
    }

    #[test]
    fn accept_language_prefers_french_only_when_the_browser_does() {
        assert_eq!(
            Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"),
            Lang::Fr
        );
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,fr;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("de-DE,fr;q=0.5"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de-DE"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.2, fr;q=0.7"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("fr;q=0"), Lang::En);
    }

    #[test]
    fn lang_parses_codes_with_regions() {
        assert_eq!(Lang::parse("FR"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!("fr".parse::<Lang>(), Ok(Lang::Fr));
    }

    #[test]
    fn t_returns_the_requested_language() {
        assert_eq!(t(Lang::Fr, "nav.network"), "Réseau");
        assert_eq!(t(Lang::En, "nav.network"), "Network");
    }
}
