//! Tables, pagination and the query-string helper they share.

use maud::{html, Markup};

use crate::i18n::{number, t, Lang};

/// A table column header; numeric columns are right-aligned so digits line up.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub label: &'a str,
    pub numeric: bool,
}

impl<'a> Column<'a> {
    pub fn new(label: &'a str) -> Self {
        Column {
            label,
            numeric: false,
        }
    }
    pub fn numeric(label: &'a str) -> Self {
        Column {
            label,
            numeric: true,
        }
    }
}

/// A data table in a horizontally scrollable, keyboard-focusable wrapper (phones can't fit ten
/// columns). Each row must have one cell per column; cells under numeric columns are aligned.
pub fn data_table(caption: Option<&str>, columns: &[Column], rows: Vec<Vec<Markup>>) -> Markup {
    html! {
        div .table-scroll tabindex="0" role=[caption.map(|_| "region")] aria-label=[caption] {
            table .data-table {
                @if let Some(caption) = caption {
                    caption { (caption) }
                }
                thead {
                    tr {
                        @for col in columns {
                            th scope="col" class=[col.numeric.then_some("num")] { (col.label) }
                        }
                    }
                }
                tbody {
                    @for row in rows {
                        tr {
                            @for (i, cell) in row.into_iter().enumerate() {
                                td class=[columns.get(i).is_some_and(|c| c.numeric).then_some("num")] { (cell) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn encode_component(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// `?a=1&b=x+y` from pairs, skipping empty values (an empty filter means "not filtered", and
/// dropping it keeps URLs short); `""` when nothing remains.
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if v.as_ref().is_empty() {
            continue;
        }
        out.push(if out.is_empty() { '?' } else { '&' });
        encode_component(k.as_ref(), &mut out);
        out.push('=');
        encode_component(v.as_ref(), &mut out);
    }
    out
}

/// `path` followed by [`query_string`] of `pairs`.
pub fn url_with_query<K: AsRef<str>, V: AsRef<str>>(path: &str, pairs: &[(K, V)]) -> String {
    format!("{path}{}", query_string(pairs))
}

/// Where a paginated list stands. `page` is 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl Pager {
    pub fn page_count(&self) -> u32 {
        if self.per_page == 0 {
            return 1;
        }
        let pages = self.total.div_ceil(u64::from(self.per_page)).max(1);
        u32::try_from(pages).unwrap_or(u32::MAX)
    }

    /// The row offset for SQL `offset`.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.per_page)
    }

    /// The page numbers to show, `None` standing for an ellipsis: the first, the last, and two
    /// either side of the current one.
    fn window(&self) -> Vec<Option<u32>> {
        let last = self.page_count();
        let current = self.page.clamp(1, last);
        let mut out = Vec::new();
        let mut previous = 0;
        for p in 1..=last {
            if p == 1 || p == last || p.abs_diff(current) <= 2 {
                if p > previous + 1 {
                    out.push(None);
                }
                out.push(Some(p));
                previous = p;
            }
        }
        out
    }
}

/// "Showing 51–100 of 234" with previous/next and page links that keep the current filters
/// (`params` must not contain `page`; it is added here).
pub fn pagination(lang: Lang, path: &str, params: &[(String, String)], pager: &Pager) -> Markup {
    let last = pager.page_count();
    let current = pager.page.clamp(1, last);
    let link = |p: u32| {
        let mut pairs: Vec<(&str, String)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        if p > 1 {
            pairs.push(("page", p.to_string()));
        }
        url_with_query(path, &pairs)
    };
    let first_item = if pager.total == 0 {
        0
    } else {
        pager.offset() + 1
    };
    let last_item = (pager.offset() + u64::from(pager.per_page)).min(pager.total);
    let (first_item, last_item, total) = (
        number(first_item as i64, lang),
        number(last_item as i64, lang),
        number(pager.total as i64, lang),
    );
    html! {
        nav .pagination aria-label=(t(lang, "pagination.label")) {
            p .pagination-summary {
                (t(lang, "pagination.showing")) " " (first_item) "–" (last_item) " "
                (t(lang, "pagination.of")) " " (total)
            }
            @if last > 1 {
                ul {
                    li {
                        @if current > 1 {
                            a href=(link(current - 1)) rel="prev" { "‹ " (t(lang, "pagination.previous")) }
                        } @else {
                            span .disabled aria-disabled="true" { "‹ " (t(lang, "pagination.previous")) }
                        }
                    }
                    @for entry in pager.window() {
                        li {
                            @match entry {
                                Some(p) if p == current => a href=(link(p)) aria-current="page" { (p) },
                                Some(p) => a href=(link(p)) { (p) },
                                None => span .ellipsis aria-hidden="true" { "…" },
                            }
                        }
                    }
                    li {
                        @if current < last {
                            a href=(link(current + 1)) rel="next" { (t(lang, "pagination.next")) " ›" }
                        } @else {
                            span .disabled aria-disabled="true" { (t(lang, "pagination.next")) " ›" }
                        }
                    }
                }
            }
        }
    }
}

/// One problem found in an imported file, located precisely enough to fix it in the sheet.
#[derive(Debug, Clone)]
pub struct RowError {
    pub sheet: String,
    /// The 1-based row number as the spreadsheet shows it.
    pub row: u32,
    /// The column letter or header, as the user knows it.
    pub column: String,
    /// A stable machine code (e.g. `invalid_date`), useful in support requests.
    pub code: String,
    /// The explanation, in the user's language.
    pub message: String,
}

/// The row-error report shared by every import.
pub fn row_error_table(lang: Lang, errors: &[RowError]) -> Markup {
    let columns = [
        Column::new(t(lang, "import.col.sheet")),
        Column::numeric(t(lang, "import.col.row")),
        Column::new(t(lang, "import.col.column")),
        Column::new(t(lang, "import.col.code")),
        Column::new(t(lang, "import.col.message")),
    ];
    let rows = errors
        .iter()
        .map(|e| {
            vec![
                html! { (e.sheet) },
                html! { (e.row) },
                html! { (e.column) },
                html! { code { (e.code) } },
                html! { (e.message) },
            ]
        })
        .collect();
    data_table(Some(t(lang, "import.errors_caption")), &columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_encodes_and_skips_empty_values() {
        assert_eq!(
            query_string(&[("q", "a b&c"), ("type", ""), ("r", "Île")]),
            "?q=a+b%26c&r=%C3%8Ele"
        );
        assert_eq!(query_string::<&str, &str>(&[]), "");
        assert_eq!(
            url_with_query("/network", &[("page", "2")]),
            "/network?page=2"
        );
    }

    #[test]
    fn pagination_keeps_filters_and_marks_the_current_page() {
        let pager = Pager {
            page: 5,
            per_page: 10,
            total: 200,
        };
        assert_eq!(pager.page_count(), 20);
        assert_eq!(pager.offset(), 40);
        assert_eq!(
            pager.window(),
            vec![
                Some(1),
                None,
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                None,
                Some(20)
            ]
        );
        let params = vec![("q".to_string(), "dupont".to_string())];
        let html = pagination(Lang::En, "/network", &params, &pager).into_string();
        assert!(html.contains(r#"href="/network?q=dupont&amp;page=5" aria-current="page""#));
        assert!(
            html.contains(r#"href="/network?q=dupont" "#)
                || html.contains(r#"href="/network?q=dupont">"#)
        );
        assert!(html.contains("Showing 41–50 of 200"));
    }

    #[test]
    fn an_empty_list_has_one_page() {
        let pager = Pager {
            page: 1,
            per_page: 50,
            total: 0,
        };
        assert_eq!(pager.page_count(), 1);
        let html = pagination(Lang::Fr, "/x", &[], &pager).into_string();
        assert!(!html.contains("<ul>"));
    }
}
