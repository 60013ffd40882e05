//! `/imports` (a reseller's imports, or the tenant's for staff) and `/imports/{id}` (a committed
//! import: its lines with their status, its rejected rows, the annotated copy, undo).

use maud::{html, Markup};

use super::{import_status_badge, tn, LineView};
use crate::components::{
    action_form, button_link, data_table, definition_list, empty_state, page_header, pagination,
    row_error_table, ButtonKind, Column, Pager, RowError,
};
use crate::i18n::{datetime, number, t};
use crate::layout::{Chrome, Page};

#[derive(Debug, Clone)]
pub struct ImportListRow {
    pub id: i64,
    pub reseller: Option<String>,
    pub file_name: String,
    pub status: String,
    pub created: chrono::NaiveDateTime,
    pub lines: i64,
    pub pending: i64,
}

#[derive(Debug, Clone)]
pub struct ImportsView {
    pub rows: Vec<ImportListRow>,
    pub show_reseller: bool,
    pub upload_href: Option<String>,
}

pub fn imports_list(chrome: &Chrome, v: &ImportsView) -> Markup {
    let lang = chrome.lang;
    let title = t(lang, "decl.imports_title");
    let mut columns = vec![Column::new("#")];
    if v.show_reseller {
        columns.push(Column::new(t(lang, "decl.col.reseller")));
    }
    columns.extend([
        Column::new(t(lang, "decl.col.file")),
        Column::new(t(lang, "decl.col.date")),
        Column::new(t(lang, "decl.col.status")),
        Column::numeric(t(lang, "decl.col.lines")),
        Column::numeric(t(lang, "decl.pending_review")),
    ]);
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![html! { a href=(format!("/imports/{}", r.id)) { (r.id) } }];
            if v.show_reseller {
                cells.push(html! { (r.reseller.clone().unwrap_or_default()) });
            }
            cells.extend([
                html! { a href=(format!("/imports/{}", r.id)) { (r.file_name) } },
                html! { (datetime(r.created, lang)) },
                import_status_badge(lang, &r.status),
                html! { (number(r.lines, lang)) },
                html! { (number(r.pending, lang)) },
            ]);
            cells
        })
        .collect();
    let action = v
        .upload_href
        .as_deref()
        .map(|h| button_link(h, t(lang, "decl.new_upload"), ButtonKind::Primary));
    let content = html! {
        (page_header(title, action.unwrap_or_default()))
        @if v.rows.is_empty() {
            (empty_state(t(lang, "decl.imports_empty"), "", None))
        } @else {
            (data_table(None, &columns, rows))
        }
    };
    Page::new(chrome, title).body(content).render()
}

#[derive(Debug, Clone)]
pub struct ImportDetailView {
    pub id: i64,
    pub file_name: String,
    pub status: String,
    pub reseller: String,
    pub created: chrono::NaiveDateTime,
    pub summary: Vec<(&'static str, String)>,
    pub lines: Vec<LineView>,
    pub pager: Pager,
    pub errors: Vec<RowError>,
    pub can_undo: bool,
    pub has_file: bool,
}

pub fn import_detail(chrome: &Chrome, v: &ImportDetailView) -> Markup {
    let lang = chrome.lang;
    let title = tn(lang, "decl.import_title", v.id);
    let path = format!("/imports/{}", v.id);
    let mut items = vec![
        (t(lang, "import.file_name"), html! { (v.file_name) }),
        (t(lang, "decl.col.reseller"), html! { (v.reseller) }),
        (
            t(lang, "decl.col.status"),
            import_status_badge(lang, &v.status),
        ),
        (
            t(lang, "decl.col.date"),
            html! { (datetime(v.created, lang)) },
        ),
    ];
    items.extend(
        v.summary
            .iter()
            .map(|(k, val)| (t(lang, k), html! { (val) })),
    );
    let content = html! {
        (page_header(&title, html! { a .btn .btn-ghost href="/imports" { "← " (t(lang, "decl.imports_title")) } }))
        section .card .section {
            (definition_list(items))
            div .form-actions {
                @if v.has_file {
                    (button_link(&format!("{path}/annotated.xlsx"), t(lang, "decl.download_annotated"), ButtonKind::Secondary))
                }
                @if v.can_undo {
                    (action_form(chrome, &format!("{path}/undo"), t(lang, "decl.undo"), ButtonKind::Danger, Some(t(lang, "decl.undo_confirm"))))
                }
            }
        }
        section .section {
            h2 { (t(lang, "decl.lines_title")) }
            (super::lines::line_table(lang, &v.lines, false, false))
            (pagination(lang, &path, &[], &v.pager))
        }
        @if !v.errors.is_empty() {
            section .section { (row_error_table(lang, &v.errors)) }
        }
    };
    Page::new(chrome, &title).body(content).render()
}
