//! Downloads of what an analytics page shows: `?download=ID&format=png|pdf|csv|xlsx` on the
//! page's own URL (filters included) returns that chart or table, built by the same code
//! as the page, so a download always matches what was on screen.

use crate::export::{svg_to_pdf, svg_to_png, table_to_csv, table_to_xlsx, Cell};
use crate::http::error::{AppError, AppResult};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use relais_templates::pages::analytics::{ReportTable, Value, Widget};
use relais_templates::Lang;
use serde::Deserialize;

/// Charts are rasterised at twice their size: sharp on high-density screens and in slides.
const PNG_SCALE: f32 = 2.0;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DownloadQuery {
    /// A widget id; empty for the page itself.
    pub download: String,
    pub format: String,
}

impl DownloadQuery {
    pub fn requested(&self) -> bool {
        !self.download.is_empty()
    }
}

/// The file for the requested widget of `widgets`; 404 for an unknown widget or a format
/// it does not come in (a table has no PNG).
pub async fn respond(lang: Lang, widgets: &[Widget], q: &DownloadQuery) -> AppResult<Response> {
    let widget = widgets
        .iter()
        .find(|w| w.id() == Some(q.download.as_str()))
        .ok_or(AppError::NotFound)?;
    let name = &q.download;
    match (widget, q.format.as_str()) {
        (Widget::Chart(chart), "png" | "pdf") => {
            let svg = chart.render(lang).svg_string();
            let png = q.format == "png";
            let bytes = tokio::task::spawn_blocking(move || {
                if png {
                    svg_to_png(&svg, PNG_SCALE)
                } else {
                    svg_to_pdf(&svg)
                }
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(e.into()))?;
            let mime = if png { "image/png" } else { "application/pdf" };
            Ok(file(mime, &format!("{name}.{}", q.format), bytes))
        }
        (Widget::Table(table), "csv") => {
            let (headers, rows) = cells(table);
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let bytes = table_to_csv(lang, &headers, &rows);
            Ok(file(
                "text/csv; charset=utf-8",
                &format!("{name}.csv"),
                bytes,
            ))
        }
        (Widget::Table(table), "xlsx") => {
            let (headers, rows) = cells(table);
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let bytes = table_to_xlsx(&table.title, &headers, &rows)
                .map_err(|e| AppError::Internal(e.into()))?;
            Ok(file(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{name}.xlsx"),
                bytes,
            ))
        }
        _ => Err(AppError::NotFound),
    }
}

fn file(mime: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
    // Widget ids are ASCII words chosen by the code, so the name needs no escaping.
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The table's headers and typed cells.
pub fn cells(table: &ReportTable) -> (Vec<String>, Vec<Vec<Cell>>) {
    let headers = table.columns.iter().map(|c| c.label.clone()).collect();
    let cell = |v: &Value| match v {
        Value::Text(s) => Cell::Text(s.clone()),
        Value::Link { text, .. } => Cell::Text(text.clone()),
        Value::Int(n) => Cell::Integer(*n),
        Value::Money(cents) => Cell::Money {
            cents: *cents,
            currency: table.currency.clone(),
        },
        Value::Percent(p) | Value::Change(p) | Value::Decimal(p, _) => {
            p.map_or(Cell::Empty, Cell::Number)
        }
        Value::Date(d) => d.map_or(Cell::Empty, Cell::Date),
    };
    let rows = table
        .rows
        .iter()
        .map(|row| row.iter().map(cell).collect())
        .collect();
    (headers, rows)
}
