//! Bar charts of one value per category with its share of the total: best-sellers, sales by
//! rep. Horizontal bars suit long labels (product names); vertical ones suit short categories.

use maud::{html, Markup};

use super::format::{coord, share, text_width, truncate};
use super::frame::{self, AXIS, MUTED, TITLE_HEIGHT};
use super::scale::{nice_ticks, Linear};
use super::{Chart, ValueKind, PALETTE};
use crate::components::Column;
use crate::i18n::{colon, percent, t, Lang};

/// Input of [`bar_chart`].
#[derive(Debug, Clone)]
pub struct BarChartView {
    /// Unique in the page: prefixes the element ids.
    pub id: String,
    pub title: String,
    pub kind: ValueKind,
    pub orientation: Orientation,
    /// What the bars are: "Product", "Channel manager"… (the category axis title).
    pub category_title: String,
    /// In display order (sort them first).
    pub bars: Vec<Bar>,
    /// The total that shares are computed against when the bars are only the top N; the sum of
    /// the bars when `None`.
    pub total: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Makes the bar a link (e.g. to the rep's detail).
    pub href: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Horizontal,
    Vertical,
}

const WIDTH: f64 = 760.0;
const ROW: f64 = 26.0;
const FILL: &str = PALETTE[0];

/// A bar chart with value and share labels, each bar optionally a link.
pub fn bar_chart(lang: Lang, view: &BarChartView) -> Chart {
    let total = view
        .total
        .unwrap_or_else(|| view.bars.iter().map(|b| b.value).sum());
    let (size, body) = if view.bars.is_empty() {
        let size = (WIDTH, 220.0);
        (size, frame::no_data(lang, size))
    } else {
        match view.orientation {
            Orientation::Horizontal => horizontal(lang, view, total),
            Orientation::Vertical => vertical(lang, view, total),
        }
    };
    let svg = frame::svg(
        &view.id,
        &view.title,
        &describe(lang, view, total),
        size,
        body,
    );
    let columns = [
        Column::new(&view.category_title),
        Column::numeric(t(lang, "chart.column.value")),
        Column::numeric(t(lang, "chart.column.share")),
    ];
    let rows = view
        .bars
        .iter()
        .map(|b| {
            vec![
                frame::cell(&b.label),
                frame::cell(view.kind.format(b.value, lang)),
                frame::cell(percent(share(b.value, total), lang)),
            ]
        })
        .collect();
    let table = frame::table(lang, &view.title, &columns, rows);
    Chart { svg, table }
}

fn horizontal(lang: Lang, view: &BarChartView, total: i64) -> ((f64, f64), Markup) {
    let labels: Vec<String> = view.bars.iter().map(|b| truncate(&b.label, 32)).collect();
    let label_width = labels
        .iter()
        .map(|l| text_width(l, 12.0))
        .fold(0.0, f64::max);
    let left = 16.0 + label_width.min(260.0) + 10.0;
    let right = WIDTH - 150.0;
    let top = TITLE_HEIGHT + 12.0;
    let bottom = top + ROW * view.bars.len() as f64;
    let size = (WIDTH, bottom + 56.0);

    let (ticks, x) = value_scale(view, (left, right));
    let zero = x.at(0.0);
    let body = html! {
        (frame::value_axis_x(&ticks, &x, top, bottom, |v| view.kind.format_short(v.round() as i64, lang)))
        (frame::axis_title(&view.kind.axis_title(lang), (left + right) / 2.0, size.1 - 10.0, false))
        line x1=(coord(zero)) x2=(coord(zero)) y1=(coord(top)) y2=(coord(bottom)) stroke=(AXIS) {}
        @for (i, (bar, label)) in view.bars.iter().zip(&labels).enumerate() {
            @let y0 = top + ROW * i as f64;
            @let end = x.at(bar.value as f64);
            text x=(coord(left - 10.0)) y=(coord(y0 + ROW / 2.0)) dy="4" text-anchor="end" { (label) }
            (link(bar, html! {
                rect class="chart-bar" x=(coord(zero.min(end))) y=(coord(y0 + 4.0)) width=(coord((end - zero).abs().max(1.0)))
                    height=(coord(ROW - 8.0)) fill=(FILL) {
                    (frame::tooltip(&bar_tooltip(lang, view, bar, total)))
                }
            }))
            text x=(coord(zero.max(end) + 6.0)) y=(coord(y0 + ROW / 2.0)) dy="4" font-size="11" fill=(MUTED) {
                (view.kind.format_short(bar.value, lang)) " · " (percent(share(bar.value, total), lang))
            }
        }
    };
    (size, body)
}

fn vertical(lang: Lang, view: &BarChartView, total: i64) -> ((f64, f64), Markup) {
    let size = (WIDTH, 380.0);
    let tick_probe = value_scale(view, (0.0, 1.0)).0;
    let label_width = tick_probe
        .values
        .iter()
        .map(|v| text_width(&view.kind.format_short(v.round() as i64, lang), 11.0))
        .fold(0.0, f64::max);
    let left = 16.0 + 18.0 + label_width + 8.0;
    let right = WIDTH - 20.0;
    let top = TITLE_HEIGHT + 24.0;
    let bottom = size.1 - 60.0;
    let (ticks, y) = value_scale(view, (bottom, top));
    let band = (right - left) / view.bars.len() as f64;
    let max_chars = ((band - 6.0) / (11.0 * 0.62)).floor().max(3.0) as usize;
    let zero = y.at(0.0);
    let body = html! {
        (frame::value_axis_y(&ticks, &y, left, right, |v| view.kind.format_short(v.round() as i64, lang)))
        (frame::axis_title(&view.kind.axis_title(lang), 20.0, (top + bottom) / 2.0, true))
        (frame::axis_title(&view.category_title, (left + right) / 2.0, size.1 - 10.0, false))
        @for (i, bar) in view.bars.iter().enumerate() {
            @let x0 = left + band * i as f64;
            @let end = y.at(bar.value as f64);
            (link(bar, html! {
                rect class="chart-bar" x=(coord(x0 + band * 0.15)) y=(coord(zero.min(end))) width=(coord(band * 0.7))
                    height=(coord((end - zero).abs().max(1.0))) fill=(FILL) {
                    (frame::tooltip(&bar_tooltip(lang, view, bar, total)))
                }
            }))
            text x=(coord(x0 + band / 2.0)) y=(coord(bottom + 18.0)) text-anchor="middle" font-size="11" {
                (truncate(&bar.label, max_chars))
            }
            // Values above the bars only where they fit; the data table always has them.
            @if band >= 64.0 {
                text x=(coord(x0 + band / 2.0)) y=(coord(zero.min(end) - 6.0)) text-anchor="middle" font-size="11" fill=(MUTED) {
                    (percent(share(bar.value, total), lang))
                }
            }
        }
        line x1=(coord(left)) x2=(coord(right)) y1=(coord(zero)) y2=(coord(zero)) stroke=(AXIS) {}
    };
    (size, body)
}

/// Nice ticks over the bars' values, always including 0 (bars start at zero), mapped onto `range`.
fn value_scale(view: &BarChartView, range: (f64, f64)) -> (super::scale::Ticks, Linear) {
    let (min, max) = view.bars.iter().fold((0i64, 0i64), |(lo, hi), b| {
        (lo.min(b.value), hi.max(b.value))
    });
    let ticks = nice_ticks(min as f64, max as f64, 5);
    let scale = Linear::new((ticks.lo(), ticks.hi()), range);
    (ticks, scale)
}

fn link(bar: &Bar, mark: Markup) -> Markup {
    html! {
        @if let Some(href) = &bar.href {
            a href=(href) class="chart-link" { (mark) }
        } @else {
            (mark)
        }
    }
}

fn bar_tooltip(lang: Lang, view: &BarChartView, bar: &Bar, total: i64) -> String {
    format!(
        "{}{}{} ({})",
        bar.label,
        colon(lang),
        view.kind.format(bar.value, lang),
        percent(share(bar.value, total), lang)
    )
}

fn describe(lang: Lang, view: &BarChartView, total: i64) -> String {
    let Some(first) = view.bars.first() else {
        return t(lang, "chart.no_data").to_string();
    };
    t(lang, "chart.desc.bars")
        .replace("{n}", &view.bars.len().to_string())
        .replace("{total}", &view.kind.format(total, lang))
        .replace("{first}", &first.label)
        .replace("{first_value}", &view.kind.format(first.value, lang))
        .replace("{first_share}", &percent(share(first.value, total), lang))
}
