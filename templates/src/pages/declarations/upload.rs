//! `/declare/upload` (and `/network/{code}/upload` for staff) and the preview of a staged import.

use maud::{html, Markup};

use super::tn;
use crate::components::{
    definition_list, error_summary, page_header, row_error_table, submit_button, ButtonKind, Field,
    FieldErrors, RowError,
};
use crate::i18n::{date, number, t};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone)]
pub struct UploadView {
    /// Where the form posts (the CSRF token is added to its query string: the body is a file).
    pub action: String,
    /// For staff: the reseller declared for.
    pub on_behalf_of: Option<String>,
    pub period: String,
    pub max_mb: u64,
    pub errors: FieldErrors,
}

/// The upload form. The file goes in the field `file`, the optional month in `period`.
pub fn upload_page(chrome: &Chrome, view: &UploadView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "decl.upload_title");
    let action = format!("{}?csrf_token={}", view.action, chrome.csrf_token);
    let hint = tn(lang, "decl.upload_hint", view.max_mb);
    let content = html! {
        (page_header(title, html! {}))
        section .card .section {
            @if let Some(name) = &view.on_behalf_of {
                p { strong { (t(lang, "decl.on_behalf")) " " (name) } }
            }
            p { (t(lang, "decl.upload_intro")) }
            (error_summary(lang, &view.errors))
            form method="post" action=(action) enctype="multipart/form-data" {
                (csrf(chrome))
                (Field::new(lang, "file", t(lang, "field.file")).errors(&view.errors).required().hint(&hint)
                    .file(".xlsx,.xlsm,.xlsb,.xls,.ods,.csv"))
                div .field {
                    label for="f-period" { (t(lang, "decl.period")) }
                    input #f-period type="month" name="period" value=(view.period);
                }
                div .form-actions { (submit_button(t(lang, "action.import"), ButtonKind::Primary)) }
            }
        }
    };
    Page::new(chrome, title).body(content).render()
}

#[derive(Debug, Clone)]
pub struct MappingColumn {
    pub index: usize,
    pub header: String,
    /// The field code read from it, or "".
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct UnknownCode {
    pub code: String,
    pub rows: u64,
}

#[derive(Debug, Clone)]
pub struct PreviewView {
    /// `/imports/{id}`: the page posts to `…/mapping`, `…/aliases` and `…/commit`.
    pub base_path: String,
    pub file_name: String,
    pub sheet: Option<String>,
    pub message: Option<String>,
    pub columns: Vec<MappingColumn>,
    /// `(field code, label)`, the first being ("", not used).
    pub field_options: Vec<(String, String)>,
    pub missing_columns: Vec<String>,
    pub accepted: u64,
    pub rejected: u64,
    pub pending_review: u64,
    pub quantity_total: i64,
    pub amount_total: String,
    pub date_from: Option<chrono::NaiveDate>,
    pub date_to: Option<chrono::NaiveDate>,
    pub unknown: Vec<UnknownCode>,
    /// `(product id, "SKU — name")`.
    pub product_options: Vec<(String, String)>,
    pub errors: Vec<RowError>,
    pub errors_total: u64,
    pub overlapping_lines: i64,
    /// The one-time token the commit form carries: a second click, or a click on a preview
    /// corrected since, commits nothing.
    pub commit_token: String,
}

fn summary(chrome: &Chrome, v: &PreviewView) -> Markup {
    let lang = chrome.lang;
    let n = |x: i64| html! { (number(x, lang)) };
    let dates = match (v.date_from, v.date_to) {
        (Some(a), Some(b)) => format!("{} – {}", date(a, lang), date(b, lang)),
        _ => "—".into(),
    };
    html! {
        section .card .section {
            h2 { (t(lang, "decl.summary")) }
            (definition_list(vec![
                (t(lang, "import.file_name"), html! { (v.file_name) }),
                (t(lang, "decl.sheet"), html! { (v.sheet.clone().unwrap_or_default()) }),
                (t(lang, "decl.lines_accepted"), n(v.accepted as i64)),
                (t(lang, "decl.rows_rejected"), n(v.rejected as i64)),
                (t(lang, "decl.pending_review"), n(v.pending_review as i64)),
                (t(lang, "decl.quantity_total"), n(v.quantity_total)),
                (t(lang, "decl.amount_total"), html! { (v.amount_total) }),
                (t(lang, "decl.date_range"), html! { (dates) }),
            ]))
        }
    }
}

fn mapping_form(chrome: &Chrome, v: &PreviewView) -> Markup {
    let lang = chrome.lang;
    html! {
        section .card .section {
            h2 { (t(lang, "decl.mapping_title")) }
            p { (t(lang, "decl.mapping_intro")) }
            @if !v.missing_columns.is_empty() {
                p .flash .flash-error { (t(lang, "decl.missing_columns")) " " (v.missing_columns.join(", ")) }
            }
            form method="post" action=(format!("{}/mapping", v.base_path)) {
                (csrf(chrome))
                table .data-table {
                    thead { tr { th { (t(lang, "decl.col.column")) } th { (t(lang, "decl.col.field")) } } }
                    tbody {
                        @for c in &v.columns {
                            @let name = format!("col_{}", c.index);
                            tr {
                                td { label for=(name) { (c.header) } }
                                td {
                                    select id=(name) name=(name) {
                                        @for (code, label) in &v.field_options {
                                            option value=(code) selected[*code == c.field] { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div .form-actions { (submit_button(t(lang, "decl.mapping_apply"), ButtonKind::Secondary)) }
            }
        }
    }
}

fn unknown_form(chrome: &Chrome, v: &PreviewView) -> Markup {
    let lang = chrome.lang;
    html! {
        section .card .section {
            h2 { (t(lang, "decl.unknown_title")) }
            p { (t(lang, "decl.unknown_intro")) }
            form method="post" action=(format!("{}/aliases", v.base_path)) {
                (csrf(chrome))
                table .data-table {
                    thead { tr { th { (t(lang, "decl.col.code")) } th .numeric { (t(lang, "decl.col.rows")) } th { (t(lang, "decl.col.product")) } } }
                    tbody {
                        @for (i, u) in v.unknown.iter().enumerate() {
                            @let id = format!("alias_{i}");
                            tr {
                                td { label for=(id) { code { (u.code) } } }
                                td .numeric { (u.rows) }
                                td {
                                    input type="hidden" name=(format!("code_{i}")) value=(u.code);
                                    select id=(id) name=(id) {
                                        option value="" { "—" }
                                        @for (pid, label) in &v.product_options {
                                            option value=(pid) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div .form-actions { (submit_button(t(lang, "decl.unknown_apply"), ButtonKind::Secondary)) }
            }
        }
    }
}

fn commit_form(chrome: &Chrome, v: &PreviewView) -> Markup {
    let lang = chrome.lang;
    html! {
        section .card .section {
            form method="post" action=(format!("{}/commit", v.base_path)) {
                (csrf(chrome))
                input type="hidden" name="commit_token" value=(v.commit_token);
                @if v.overlapping_lines > 0 {
                    fieldset {
                        legend { (tn(lang, "decl.overlap", v.overlapping_lines)) }
                        label { input type="radio" name="overlap" value="add" checked; " " (t(lang, "decl.overlap_add")) }
                        label { input type="radio" name="overlap" value="replace"; " " (t(lang, "decl.overlap_replace")) }
                    }
                } @else {
                    input type="hidden" name="overlap" value="add";
                }
                div .form-actions { (submit_button(t(lang, "decl.commit"), ButtonKind::Primary)) }
            }
        }
    }
}

/// The preview of a staged import: what was read, the columns (correctable), the unknown
/// products (matchable), the rejected rows, and the commit button.
pub fn preview_page(chrome: &Chrome, v: &PreviewView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "decl.preview_title");
    let content = html! {
        (page_header(title, html! {}))
        p { (t(lang, "decl.preview_intro")) }
        @if let Some(m) = &v.message {
            p .flash .flash-error role="alert" { (m) }
        }
        (summary(chrome, v))
        @if v.missing_columns.is_empty() && v.accepted > 0 {
            (commit_form(chrome, v))
        }
        (mapping_form(chrome, v))
        @if !v.unknown.is_empty() {
            (unknown_form(chrome, v))
        }
        @if !v.errors.is_empty() {
            section .section {
                (row_error_table(lang, &v.errors))
                @if (v.errors.len() as u64) < v.errors_total {
                    p .muted { (t(lang, "import.errors_truncated")) " " (number(v.errors.len() as i64, lang)) " / " (number(v.errors_total as i64, lang)) }
                }
            }
        }
    };
    Page::new(chrome, title).body(content).render()
}
