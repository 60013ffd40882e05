//! The spreadsheet import page shared by `/network/import` and `/catalogue/import`: what the
//! file must contain, the upload form, and the report of the last run.

use maud::{html, Markup};

use crate::components::{
    data_table, definition_list, error_summary, page_header, row_error_table, submit_button,
    ButtonKind, Column, Field, FieldErrors, RowError,
};
use crate::i18n::{number, t};
use crate::layout::{csrf, Chrome, Page};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Network,
    Catalogue,
}

impl ImportKind {
    /// The page's own path, where the form posts too.
    pub fn path(self) -> &'static str {
        match self {
            ImportKind::Network => "/network/import",
            ImportKind::Catalogue => "/catalogue/import",
        }
    }

    fn back(self) -> (&'static str, &'static str) {
        match self {
            ImportKind::Network => ("/network", "nav.network"),
            ImportKind::Catalogue => ("/catalogue", "nav.catalogue"),
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            ImportKind::Network => "import.network_title",
            ImportKind::Catalogue => "import.catalogue_title",
        }
    }
}

/// A column the file should have.
#[derive(Debug, Clone)]
pub struct ExpectedColumn {
    /// The header as it should appear in the file.
    pub name: String,
    pub required: bool,
    /// What goes in it, in the user's language (format, allowed values, example).
    pub description: String,
}

/// The outcome of an import run.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub file_name: String,
    pub rows_read: u64,
    pub created: u64,
    pub updated: u64,
    pub rejected: u64,
    /// The errors shown (possibly the first N).
    pub errors: Vec<RowError>,
    /// How many errors there were in all, to say when the list is truncated.
    pub errors_total: u64,
}

#[derive(Debug, Clone)]
pub struct ImportView {
    pub kind: ImportKind,
    pub columns: Vec<ExpectedColumn>,
    /// Present after a run.
    pub report: Option<ImportReport>,
    /// Errors on the `file` field (missing, too large, unreadable).
    pub errors: FieldErrors,
}

fn report(chrome: &Chrome, r: &ImportReport) -> Markup {
    let lang = chrome.lang;
    let n = |v: u64| html! { (number(v as i64, lang)) };
    html! {
        section .card .section aria-labelledby="import-report" {
            h2 #import-report { (t(lang, "import.report_title")) }
            (definition_list(vec![
                (t(lang, "import.file_name"), html! { (r.file_name) }),
                (t(lang, "import.rows_read"), n(r.rows_read)),
                (t(lang, "import.created"), n(r.created)),
                (t(lang, "import.updated"), n(r.updated)),
                (t(lang, "import.rejected"), n(r.rejected)),
            ]))
            @if r.errors.is_empty() {
                p .flash .flash-success { (t(lang, "import.no_errors")) }
            } @else {
                (row_error_table(lang, &r.errors))
                @if (r.errors.len() as u64) < r.errors_total {
                    p .muted {
                        (t(lang, "import.errors_truncated")) " " (number(r.errors.len() as i64, lang))
                        " / " (number(r.errors_total as i64, lang))
                    }
                }
            }
        }
    }
}

/// `GET` and `POST` `/network/import` or `/catalogue/import`; the form posts a multipart body
/// with the file in the field `file`.
pub fn import_page(chrome: &Chrome, view: &ImportView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, view.kind.title_key());
    let (back_href, back_key) = view.kind.back();
    let columns = [
        Column::new(t(lang, "import.col.name")),
        Column::new(t(lang, "import.col.required")),
        Column::new(t(lang, "import.col.description")),
    ];
    let rows = view
        .columns
        .iter()
        .map(|c| {
            vec![
                html! { code { (c.name) } },
                html! { (if c.required { t(lang, "common.yes") } else { t(lang, "common.no") }) },
                html! { (c.description) },
            ]
        })
        .collect();
    let content = html! {
        (page_header(title, html! { a .btn .btn-ghost href=(back_href) { "← " (t(lang, back_key)) } }))
        @if let Some(r) = &view.report {
            (report(chrome, r))
        }
        section .card .section {
            h2 { (t(lang, "import.upload_title")) }
            p { (t(lang, "import.intro")) }
            (error_summary(lang, &view.errors))
            form method="post" action=(view.kind.path()) enctype="multipart/form-data" {
                (csrf(chrome))
                (Field::new(lang, "file", t(lang, "field.file")).errors(&view.errors).required()
                    .hint(t(lang, "import.file_hint")).file(".xlsx,.xls,.xlsb,.ods,.csv"))
                div .form-actions {
                    (submit_button(t(lang, "action.import"), ButtonKind::Primary))
                }
            }
        }
        section .section {
            h2 { (t(lang, "import.columns_title")) }
            (data_table(Some(t(lang, "import.columns_caption")), &columns, rows))
        }
    };
    Page::new(chrome, title).body(content).render()
}
