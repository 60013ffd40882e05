//! Stacked bars over time: how a whole splits into parts period by period (self-service against
//! staff-entered lines), in absolute values or as 100 % shares.

use maud::{html, Markup};

use super::format::{coord, share, text_width, truncate, whole_percent};
use super::frame::{self, LegendItem, AXIS, TITLE_HEIGHT};
use super::scale::{nice_ticks, Linear, Ticks};
use super::{Chart, ValueKind, PALETTE};
use crate::components::Column;
use crate::i18n::{colon, percent, t, Lang};

/// Input of [`stacked_chart`].
#[derive(Debug, Clone)]
pub struct StackedView {
    /// Unique in the page: prefixes the element ids.
    pub id: String,
    pub title: String,
    pub kind: ValueKind,
    pub mode: StackMode,
    /// The x axis title: "ISO week", "Month", "Segment"…
    pub x_title: String,
    /// The parts' names, bottom first (`i18n` has `chart.series.self_service` / `.staff`).
    pub series: Vec<String>,
    /// In display order; each has one value per series.
    pub periods: Vec<StackedPeriod>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackedPeriod {
    pub label: String,
    pub values: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackMode {
    /// Bars as tall as their total.
    Absolute,
    /// Every bar 100 %: only the split matters.
    Percent,
}

const SIZE: (f64, f64) = (760.0, 380.0);

/// Stacked bars, one per period, with a legend and the share of each part in tooltips and table.
pub fn stacked_chart(lang: Lang, view: &StackedView) -> Chart {
    let body = if view.periods.is_empty() || view.series.is_empty() {
        frame::no_data(lang, SIZE)
    } else {
        plot(lang, view)
    };
    let svg = frame::svg(&view.id, &view.title, &describe(lang, view), SIZE, body);

    let mut columns = vec![Column::new(&view.x_title)];
    for name in &view.series {
        columns.push(Column::numeric(name));
        columns.push(Column::numeric(t(lang, "chart.column.share")));
    }
    columns.push(Column::numeric(t(lang, "chart.total")));
    let rows = view
        .periods
        .iter()
        .map(|p| {
            let total = p.values.iter().sum();
            let mut row = vec![frame::cell(&p.label)];
            for i in 0..view.series.len() {
                let v = p.values.get(i).copied().unwrap_or(0);
                row.push(frame::cell(view.kind.format(v, lang)));
                row.push(frame::cell(percent(share(v, total), lang)));
            }
            row.push(frame::cell(view.kind.format(total, lang)));
            row
        })
        .collect();
    let table = frame::table(lang, &view.title, &columns, rows);
    Chart { svg, table }
}

fn plot(lang: Lang, view: &StackedView) -> Markup {
    let percent_mode = view.mode == StackMode::Percent;
    let ticks = if percent_mode {
        Ticks {
            step: 0.2,
            values: (0..=5).map(|i| i as f64 * 0.2).collect(),
        }
    } else {
        let max = view
            .periods
            .iter()
            .map(|p| p.values.iter().map(|v| (*v).max(0)).sum::<i64>())
            .max()
            .unwrap_or(0);
        nice_ticks(0.0, max as f64, 5)
    };
    let tick_label = |v: f64| {
        if percent_mode {
            whole_percent(v, lang)
        } else {
            view.kind.format_short(v.round() as i64, lang)
        }
    };
    let label_width = ticks
        .values
        .iter()
        .map(|v| text_width(&tick_label(*v), 11.0))
        .fold(0.0, f64::max);
    let left = 16.0 + 18.0 + label_width + 8.0;
    let right = SIZE.0 - 20.0;
    let top = TITLE_HEIGHT + 44.0;
    let bottom = SIZE.1 - 60.0;
    let y = Linear::new((ticks.lo(), ticks.hi()), (bottom, top));
    let band = (right - left) / view.periods.len() as f64;
    let max_chars = ((band - 4.0) / (11.0 * 0.62)).floor().max(3.0) as usize;
    // Label every k-th period so labels never overlap.
    let label_every = view
        .periods
        .iter()
        .map(|p| text_width(&p.label, 11.0) + 8.0)
        .fold(0.0, f64::max)
        .div_euclid(band)
        .max(0.0) as usize
        + 1;
    let legend_items: Vec<LegendItem> = view
        .series
        .iter()
        .enumerate()
        .map(|(i, name)| LegendItem {
            colour: PALETTE[i % PALETTE.len()],
            label: name,
            dashed: false,
        })
        .collect();
    let (legend, _) = frame::legend(&legend_items, 16.0, TITLE_HEIGHT + 16.0, SIZE.0 - 16.0);

    html! {
        (legend)
        (frame::value_axis_y(&ticks, &y, left, right, tick_label))
        (frame::axis_title(&axis_title(lang, view), 20.0, (top + bottom) / 2.0, true))
        (frame::axis_title(&view.x_title, (left + right) / 2.0, SIZE.1 - 10.0, false))
        @for (i, period) in view.periods.iter().enumerate() {
            @let x0 = left + band * i as f64;
            @for segment in segments(view, period, percent_mode) {
                rect class={ "chart-segment chart-segment-" (segment.series) } x=(coord(x0 + band * 0.12))
                    y=(coord(y.at(segment.top))) width=(coord(band * 0.76))
                    height=(coord(y.at(segment.bottom) - y.at(segment.top))) fill=(PALETTE[segment.series % PALETTE.len()]) {
                    (frame::tooltip(&format!("{} — {}{}{} ({})", period.label, view.series[segment.series], colon(lang),
                        view.kind.format(segment.value, lang), percent(segment.share, lang))))
                }
            }
            @if i % label_every == 0 {
                text x=(coord(x0 + band / 2.0)) y=(coord(bottom + 18.0)) text-anchor="middle" font-size="11" {
                    (truncate(&period.label, max_chars * label_every))
                }
            }
        }
        line x1=(coord(left)) x2=(coord(right)) y1=(coord(bottom)) y2=(coord(bottom)) stroke=(AXIS) {}
    }
}

struct Segment {
    series: usize,
    value: i64,
    share: f64,
    bottom: f64,
    top: f64,
}

/// Each part's extent on the value axis, stacked bottom-up (negative values count as 0: a part
/// of a whole cannot be below nothing).
fn segments(view: &StackedView, period: &StackedPeriod, percent_mode: bool) -> Vec<Segment> {
    let value = |s: usize| period.values.get(s).copied().unwrap_or(0).max(0);
    let total: i64 = (0..view.series.len()).map(value).sum();
    let mut base = 0.0;
    (0..view.series.len())
        .map(|s| {
            let v = value(s);
            let height = if percent_mode {
                share(v, total)
            } else {
                v as f64
            };
            let segment = Segment {
                series: s,
                value: v,
                share: share(v, total),
                bottom: base,
                top: base + height,
            };
            base += height;
            segment
        })
        .collect()
}

fn axis_title(lang: Lang, view: &StackedView) -> String {
    match view.mode {
        StackMode::Percent => t(lang, "chart.axis.share").to_string(),
        StackMode::Absolute => view.kind.axis_title(lang),
    }
}

/// `<desc>`: each part's overall share across all periods.
fn describe(lang: Lang, view: &StackedView) -> String {
    if view.periods.is_empty() || view.series.is_empty() {
        return t(lang, "chart.no_data").to_string();
    }
    let sums: Vec<i64> = (0..view.series.len())
        .map(|s| {
            view.periods
                .iter()
                .map(|p| p.values.get(s).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let total: i64 = sums.iter().sum();
    let parts: Vec<String> = view
        .series
        .iter()
        .zip(&sums)
        .map(|(name, v)| format!("{name}{}{}", colon(lang), percent(share(*v, total), lang)))
        .collect();
    t(lang, "chart.desc.stacked")
        .replace("{n}", &view.periods.len().to_string())
        .replace("{parts}", &parts.join(", "))
}
