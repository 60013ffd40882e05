//! A donut for a mix of a few parts (end-customer types), with a legend that carries each
//! part's value and share, so the colours are never the only way to read it.

use std::f64::consts::PI;

use maud::{html, Markup};

use super::format::{coord, share, truncate};
use super::frame::{self, MUTED, TEXT, TITLE_HEIGHT};
use super::{Chart, ValueKind, PALETTE};
use crate::components::Column;
use crate::i18n::{colon, percent, t, Lang};

/// Input of [`donut_chart`].
#[derive(Debug, Clone)]
pub struct DonutView {
    /// Unique in the page: prefixes the element ids.
    pub id: String,
    pub title: String,
    pub kind: ValueKind,
    /// What the slices are ("End-customer type"): the table's first column.
    pub category_title: String,
    /// Up to six slices keep distinct colours; group the rest as "Other" beforehand.
    pub slices: Vec<Slice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub label: String,
    pub value: i64,
}

const SIZE: (f64, f64) = (560.0, 300.0);
const CENTRE: (f64, f64) = (140.0, TITLE_HEIGHT + 125.0);
const OUTER: f64 = 105.0;
const INNER: f64 = 62.0;

/// A donut chart with the total in its hole and a legend with values and shares.
pub fn donut_chart(lang: Lang, view: &DonutView) -> Chart {
    let total: i64 = view.slices.iter().map(|s| s.value.max(0)).sum();
    let body = if total == 0 {
        frame::no_data(lang, SIZE)
    } else {
        plot(lang, view, total)
    };
    let desc = if total == 0 {
        t(lang, "chart.no_data").to_string()
    } else {
        view.slices
            .iter()
            .map(|s| {
                format!(
                    "{}{}{}",
                    s.label,
                    colon(lang),
                    percent(share(s.value.max(0), total), lang)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let svg = frame::svg(&view.id, &view.title, &desc, SIZE, body);
    let columns = [
        Column::new(&view.category_title),
        Column::numeric(t(lang, "chart.column.value")),
        Column::numeric(t(lang, "chart.column.share")),
    ];
    let rows = view
        .slices
        .iter()
        .map(|s| {
            vec![
                frame::cell(&s.label),
                frame::cell(view.kind.format(s.value, lang)),
                frame::cell(percent(share(s.value.max(0), total), lang)),
            ]
        })
        .collect();
    Chart {
        svg,
        table: frame::table(lang, &view.title, &columns, rows),
    }
}

fn plot(lang: Lang, view: &DonutView, total: i64) -> Markup {
    let mut start = 0.0;
    let arcs: Vec<(usize, String)> = view
        .slices
        .iter()
        .enumerate()
        .filter(|(_, s)| s.value > 0)
        .map(|(i, s)| {
            let sweep = share(s.value, total);
            let d = arc_path(start, start + sweep);
            start += sweep;
            (i, d)
        })
        .collect();
    html! {
        g class="chart-donut" stroke="#ffffff" stroke-width="1.5" {
            @for (i, d) in &arcs {
                @let slice = &view.slices[*i];
                path class={ "chart-slice chart-slice-" (i) } d=(d) fill=(PALETTE[i % PALETTE.len()]) {
                    (frame::tooltip(&format!("{}{}{} ({})", slice.label, colon(lang),
                        view.kind.format(slice.value, lang), percent(share(slice.value, total), lang))))
                }
            }
        }
        text x=(coord(CENTRE.0)) y=(coord(CENTRE.1 - 4.0)) text-anchor="middle" font-size="11" fill=(MUTED) { (t(lang, "chart.total")) }
        text x=(coord(CENTRE.0)) y=(coord(CENTRE.1 + 14.0)) text-anchor="middle" font-size="13" font-weight="bold" fill=(TEXT) {
            (view.kind.format_short(total, lang))
        }
        g class="chart-legend" {
            @for (i, slice) in view.slices.iter().enumerate() {
                @let y = TITLE_HEIGHT + 30.0 + 26.0 * i as f64;
                rect x="290" y=(coord(y - 7.0)) width="14" height="14" rx="2" fill=(PALETTE[i % PALETTE.len()]) {}
                text x="312" y=(coord(y)) dy="4" { (truncate(&slice.label, 22)) }
                text x="544" y=(coord(y)) dy="4" text-anchor="end" fill=(MUTED) font-size="11" {
                    (view.kind.format_short(slice.value, lang)) " · " (percent(share(slice.value.max(0), total), lang))
                }
            }
        }
    }
}

/// The ring sector between two fractions of a turn, clockwise from 12 o'clock. A full turn is
/// drawn as two halves because an SVG arc cannot start and end at the same point.
fn arc_path(from: f64, to: f64) -> String {
    if to - from >= 0.9999 {
        return format!("{} {}", arc_path(0.0, 0.5), arc_path(0.5, 1.0));
    }
    let point = |fraction: f64, radius: f64| {
        let angle = fraction * 2.0 * PI - PI / 2.0;
        (
            CENTRE.0 + radius * angle.cos(),
            CENTRE.1 + radius * angle.sin(),
        )
    };
    let large = if to - from > 0.5 { 1 } else { 0 };
    let (a, b, c, d) = (
        point(from, OUTER),
        point(to, OUTER),
        point(to, INNER),
        point(from, INNER),
    );
    format!(
        "M{} {} A{OUTER} {OUTER} 0 {large} 1 {} {} L{} {} A{INNER} {INNER} 0 {large} 0 {} {} Z",
        coord(a.0),
        coord(a.1),
        coord(b.0),
        coord(b.1),
        coord(c.0),
        coord(c.1),
        coord(d.0),
        coord(d.1)
    )
}
