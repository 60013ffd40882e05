//! Line lists: `/reviews` (pending lines, approved or rejected in bulk) and `/declarations`
//! (every declared line, filterable and paginated).

use maud::{html, Markup};

use super::{line_status_badge, review_reason};
use crate::components::{
    data_table, empty_state, filter_bar, filter_params, page_header, pagination, Column,
    FilterField, Pager,
};
use crate::i18n::{date, number, t, Lang};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone)]
pub struct LineView {
    pub id: i64,
    pub reseller: String,
    pub sku: String,
    pub product: String,
    pub sale_date: chrono::NaiveDate,
    pub quantity: i64,
    pub unit_price: String,
    pub list_price: String,
    pub amount: String,
    pub status: String,
    pub reason: Option<String>,
    pub source_row: Option<i64>,
}

/// The lines as a table; `with_reseller` adds the reseller column, `selectable` a checkbox
/// named `line` per row (for bulk review).
pub fn line_table(lang: Lang, lines: &[LineView], with_reseller: bool, selectable: bool) -> Markup {
    let mut columns = Vec::new();
    if selectable {
        columns.push(Column::new(t(lang, "decl.select")));
    }
    if with_reseller {
        columns.push(Column::new(t(lang, "decl.col.reseller")));
    }
    columns.extend([
        Column::new(t(lang, "decl.col.product")),
        Column::new(t(lang, "decl.col.sale_date")),
        Column::numeric(t(lang, "decl.col.quantity")),
        Column::numeric(t(lang, "decl.col.unit_price")),
        Column::numeric(t(lang, "decl.col.amount")),
        Column::new(t(lang, "decl.col.status")),
        Column::new(t(lang, "decl.col.reason")),
        Column::numeric(t(lang, "decl.col.row")),
    ]);
    let rows = lines
        .iter()
        .map(|l| {
            let mut cells = Vec::new();
            if selectable {
                let id = format!("line-{}", l.id);
                cells.push(html! {
                    label .visually-hidden for=(id) { (t(lang, "decl.select")) " " (l.id) }
                    input #(id) type="checkbox" name="line" value=(l.id);
                });
            }
            if with_reseller {
                cells.push(html! { (l.reseller) });
            }
            cells.extend([
                html! { code { (l.sku) } " " (l.product) },
                html! { (date(l.sale_date, lang)) },
                html! { (number(l.quantity, lang)) },
                html! { (l.unit_price) br; span .muted { (l.list_price) } },
                html! { (l.amount) },
                line_status_badge(lang, &l.status),
                html! { (review_reason(lang, l.reason.as_deref())) },
                html! { (l.source_row.map(|r| r.to_string()).unwrap_or_default()) },
            ]);
            cells
        })
        .collect();
    data_table(None, &columns, rows)
}

#[derive(Debug, Clone)]
pub struct ReviewsView {
    pub lines: Vec<LineView>,
    pub pager: Pager,
}

/// `/reviews`: pending lines with checkboxes; the form posts `line` (repeated), `decision`
/// (`approve` or `reject`) and `reason` to `/reviews`.
pub fn reviews_page(chrome: &Chrome, v: &ReviewsView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "decl.reviews_title");
    let content = html! {
        (page_header(title, html! {}))
        @if v.lines.is_empty() {
            (empty_state(t(lang, "decl.reviews_empty"), "", None))
        } @else {
            form method="post" action="/reviews" {
                (csrf(chrome))
                (line_table(lang, &v.lines, true, true))
                div .field {
                    label for="f-reason" { (t(lang, "decl.review_reason")) }
                    input #f-reason type="text" name="reason" maxlength="500";
                }
                div .form-actions {
                    button .btn .btn-primary type="submit" name="decision" value="approve" { (t(lang, "decl.approve")) }
                    button .btn .btn-danger type="submit" name="decision" value="reject" { (t(lang, "decl.reject")) }
                }
            }
            (pagination(lang, "/reviews", &[], &v.pager))
        }
    };
    Page::new(chrome, title).body(content).render()
}

#[derive(Debug, Clone)]
pub struct DeclarationsView {
    pub filters: Vec<FilterField>,
    pub lines: Vec<LineView>,
    pub pager: Pager,
}

pub fn declarations_list(chrome: &Chrome, v: &DeclarationsView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "decl.declarations_title");
    let content = html! {
        (page_header(title, html! {}))
        (filter_bar(lang, "/declarations", &v.filters))
        @if v.lines.is_empty() {
            (empty_state(t(lang, "decl.no_lines"), "", None))
        } @else {
            (line_table(lang, &v.lines, true, false))
            (pagination(lang, "/declarations", &filter_params(&v.filters), &v.pager))
        }
    };
    Page::new(chrome, title).body(content).render()
}
