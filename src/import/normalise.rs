//! Folding header and label texts to a comparable form: lowercase, accents stripped, `ё`→`е`,
//! punctuation and abbreviation dots removed, currency signs spelled out, and units in
//! parentheses kept aside as hints. Header mapping, table detection and the record importers
//! compare texts in this form.

/// Folds a header (or a label) to its comparable form. Returns (base, hint): the hint is the
/// text inside parentheses or brackets, e.g. "Prix (€ HT)" -> ("prix", "eur ht").
pub fn normalise_header(raw: &str) -> (String, String) {
    let mut base = String::new();
    let mut hint = String::new();
    let mut depth = 0u32;
    for ch in raw.chars().flat_map(char::to_lowercase) {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {
                let target = if depth > 0 { &mut hint } else { &mut base };
                push_folded(target, ch);
            }
        }
    }
    (collapse(&base), collapse(&hint))
}

/// One string: base and hint together, for exact comparisons of whole headers.
pub fn normalise(raw: &str) -> String {
    let (base, hint) = normalise_header(raw);
    if hint.is_empty() {
        base
    } else {
        format!("{base} {hint}")
    }
}

fn push_folded(out: &mut String, ch: char) {
    let folded = match ch {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'ç' => "c",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ÿ' => "y",
        'ñ' => "n",
        'œ' => "oe",
        'æ' => "ae",
        'ё' => "е",
        '€' => " eur ",
        '$' => " usd ",
        '₽' => " rub ",
        // Abbreviation dots and the degree sign of "N°" vanish: "P.U." -> "pu", "N°" -> "n".
        '.' | '°' | 'º' | '\'' | '’' => "",
        c if c.is_alphanumeric() => {
            out.push(c);
            return;
        }
        _ => " ",
    };
    out.push_str(folded);
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_accents_punctuation_and_keeps_unit_hints() {
        assert_eq!(
            normalise_header("Prix (€ HT)"),
            ("prix".into(), "eur ht".into())
        );
        assert_eq!(normalise_header("  Qté.  "), ("qte".into(), String::new()));
        assert_eq!(
            normalise_header("N° client"),
            ("n client".into(), String::new())
        );
        assert_eq!(normalise_header("P.U. HT"), ("pu ht".into(), String::new()));
        assert_eq!(normalise_header("Кол-во"), ("кол во".into(), String::new()));
        assert_eq!(
            normalise_header("Отзыв покупателя: ёлка"),
            ("отзыв покупателя елка".into(), String::new())
        );
        assert_eq!(
            normalise_header("CATÉGORIE_CLIENT"),
            ("categorie client".into(), String::new())
        );
    }
}
