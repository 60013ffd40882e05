//! What every chart shares: the accessible `<svg>` root with its visible title, axes, legend,
//! the "no data" message and the data table behind a toggle.

use maud::{html, Markup};

use super::format::{coord, element_id, text_width};
use super::scale::{Linear, Ticks};
use super::FONT_FAMILY;
use crate::components::{data_table, Column};
use crate::i18n::{t, Lang};

pub(crate) const TEXT: &str = "#1a2233";
pub(crate) const MUTED: &str = "#5b6577";
pub(crate) const GRID: &str = "#dde3ee";
pub(crate) const AXIS: &str = "#8a94a6";
pub(crate) const BACKGROUND: &str = "#ffffff";
/// Height taken by the visible title at the top of every chart.
pub(crate) const TITLE_HEIGHT: f64 = 40.0;

/// The `<svg>` root: sized by its viewBox (CSS makes it fluid in pages; converters use the
/// width/height), labelled by its `<title>` and `<desc>`, with a white background so the exported
/// image does not depend on the page behind it.
pub(crate) fn svg(id: &str, title: &str, desc: &str, size: (f64, f64), body: Markup) -> Markup {
    let (width, height) = size;
    let title_id = element_id(id, "title");
    let desc_id = element_id(id, "desc");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id=(element_id(id, "svg"))
            width=(coord(width)) height=(coord(height))
            viewBox={ "0 0 " (coord(width)) " " (coord(height)) }
            role="img" aria-labelledby={ (title_id) " " (desc_id) }
            font-family=(FONT_FAMILY) font-size="12" fill=(TEXT) {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (desc) }
            rect class="chart-bg" width=(coord(width)) height=(coord(height)) fill=(BACKGROUND) {}
            text class="chart-title" x="16" y="26" font-size="16" font-weight="bold" fill=(TEXT) { (title) }
            (body)
        }
    }
}

/// Centred "no data" text, so an empty chart explains itself instead of showing bare axes.
pub(crate) fn no_data(lang: Lang, size: (f64, f64)) -> Markup {
    html! {
        text class="chart-empty" x=(coord(size.0 / 2.0)) y=(coord(size.1 / 2.0)) text-anchor="middle" fill=(MUTED) {
            (t(lang, "chart.no_data"))
        }
    }
}

/// Horizontal grid lines with value labels on the left of `x0`, for vertical value axes.
pub(crate) fn value_axis_y(
    ticks: &Ticks,
    y: &Linear,
    x0: f64,
    x1: f64,
    label: impl Fn(f64) -> String,
) -> Markup {
    html! {
        g class="chart-axis chart-axis-y" {
            @for &value in &ticks.values {
                @let at = coord(y.at(value));
                line x1=(coord(x0)) x2=(coord(x1)) y1=(at) y2=(at) stroke=(if value == 0.0 { AXIS } else { GRID }) stroke-width="1" {}
                text x=(coord(x0 - 6.0)) y=(at) dy="4" text-anchor="end" fill=(MUTED) font-size="11" { (label(value)) }
            }
        }
    }
}

/// Vertical grid lines with value labels under `y1`, for horizontal value axes.
pub(crate) fn value_axis_x(
    ticks: &Ticks,
    x: &Linear,
    y0: f64,
    y1: f64,
    label: impl Fn(f64) -> String,
) -> Markup {
    html! {
        g class="chart-axis chart-axis-x" {
            @for &value in &ticks.values {
                @let at = coord(x.at(value));
                line x1=(at) x2=(at) y1=(coord(y0)) y2=(coord(y1)) stroke=(if value == 0.0 { AXIS } else { GRID }) stroke-width="1" {}
                text x=(at) y=(coord(y1 + 16.0)) text-anchor="middle" fill=(MUTED) font-size="11" { (label(value)) }
            }
        }
    }
}

/// An axis title: rotated for a vertical axis, centred on its middle.
pub(crate) fn axis_title(text: &str, x: f64, y: f64, vertical: bool) -> Markup {
    let transform = vertical.then(|| format!("rotate(-90 {} {})", coord(x), coord(y)));
    html! {
        text class="chart-axis-title" x=(coord(x)) y=(coord(y)) text-anchor="middle" fill=(MUTED)
            font-size="12" transform=[transform] { (text) }
    }
}

/// One legend entry: a colour, its label, and whether the series is drawn dashed.
pub(crate) struct LegendItem<'a> {
    pub colour: &'a str,
    pub label: &'a str,
    pub dashed: bool,
}

/// A one-row legend starting at (x, y), wrapping at `max_x`; returns the markup and its height.
pub(crate) fn legend(items: &[LegendItem], x: f64, y: f64, max_x: f64) -> (Markup, f64) {
    let mut cursor = (x, y);
    let mut placed = Vec::with_capacity(items.len());
    for item in items {
        let width = 28.0 + text_width(item.label, 12.0) + 18.0;
        if cursor.0 > x && cursor.0 + width > max_x {
            cursor = (x, cursor.1 + 20.0);
        }
        placed.push((cursor, item));
        cursor.0 += width;
    }
    let markup = html! {
        g class="chart-legend" {
            @for ((lx, ly), item) in placed {
                @if item.dashed {
                    line x1=(coord(lx)) x2=(coord(lx + 22.0)) y1=(coord(ly)) y2=(coord(ly))
                        stroke=(item.colour) stroke-width="2.5" stroke-dasharray="5 3" {}
                } @else {
                    rect x=(coord(lx)) y=(coord(ly - 6.0)) width="22" height="12" rx="2" fill=(item.colour) {}
                }
                text x=(coord(lx + 28.0)) y=(coord(ly)) dy="4" fill=(TEXT) { (item.label) }
            }
        }
    };
    (markup, cursor.1 - y + 20.0)
}

/// The chart's data behind a toggle: the same figures, exact and readable by screen readers
/// and by anyone who wants numbers rather than shapes.
pub(crate) fn table(lang: Lang, title: &str, columns: &[Column], rows: Vec<Vec<Markup>>) -> Markup {
    html! {
        details class="chart-data" {
            summary { (t(lang, "chart.data_table")) }
            (data_table(Some(title), columns, rows))
        }
    }
}

/// A `<title>` child: the hover tooltip of a mark, and its accessible name.
pub(crate) fn tooltip(text: &str) -> Markup {
    html! { title { (text) } }
}

/// Text as a (escaped) table cell.
pub(crate) fn cell(text: impl AsRef<str>) -> Markup {
    html! { (text.as_ref()) }
}
