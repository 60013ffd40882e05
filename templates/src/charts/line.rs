//! Weekly trend: one value per ISO week, with the same weeks of the previous year dashed behind
//! it so seasonality reads at a glance.

use chrono::NaiveDate;
use maud::{html, Markup};

use super::format::{coord, share, text_width};
use super::frame::{self, LegendItem, AXIS, TITLE_HEIGHT};
use super::scale::{nice_ticks, Linear};
use super::{Chart, ValueKind, PALETTE};
use crate::components::Column;
use crate::i18n::{colon, iso_week, percent, t, Lang};

/// Input of [`weekly_trend_chart`]. `weeks` are consecutive ISO weeks, oldest first (fill
/// missing weeks with 0: a gap in sales is data).
#[derive(Debug, Clone)]
pub struct WeeklyTrendView {
    /// Unique in the page: prefixes the element ids.
    pub id: String,
    pub title: String,
    pub kind: ValueKind,
    pub weeks: Vec<WeekValue>,
}

/// One ISO week: any date in it (its Monday, typically), the value, and the value of the same
/// ISO week one year earlier when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekValue {
    pub week: NaiveDate,
    pub value: i64,
    pub previous_year: Option<i64>,
}

const SIZE: (f64, f64) = (760.0, 380.0);
const CURRENT: &str = PALETTE[0];
const PREVIOUS: &str = "#7a8699";
/// Steps between labelled weeks: whole weeks, then roughly monthly, quarterly, half-yearly.
const LABEL_STEPS: [usize; 7] = [1, 2, 4, 8, 13, 26, 52];

/// A line chart of weekly values with an ISO-week x axis.
pub fn weekly_trend_chart(lang: Lang, view: &WeeklyTrendView) -> Chart {
    let current_label = t(lang, "chart.series.period");
    let previous_label = t(lang, "chart.series.previous_year");
    let has_previous = view.weeks.iter().any(|w| w.previous_year.is_some());
    let body = if view.weeks.is_empty() {
        frame::no_data(lang, SIZE)
    } else {
        plot(lang, view, has_previous)
    };
    let svg = frame::svg(&view.id, &view.title, &describe(lang, view), SIZE, body);

    let mut columns = vec![
        Column::new(t(lang, "chart.column.week")),
        Column::numeric(current_label),
    ];
    if has_previous {
        columns.push(Column::numeric(previous_label));
        columns.push(Column::numeric(t(lang, "chart.column.change")));
    }
    let rows = view
        .weeks
        .iter()
        .map(|w| {
            let mut row = vec![
                frame::cell(iso_week(w.week, lang)),
                frame::cell(view.kind.format(w.value, lang)),
            ];
            if has_previous {
                row.push(frame::cell(
                    w.previous_year
                        .map_or("—".into(), |p| view.kind.format(p, lang)),
                ));
                let change = w
                    .previous_year
                    .filter(|p| *p != 0)
                    .map(|p| percent(share(w.value - p, p), lang));
                row.push(frame::cell(change.unwrap_or_else(|| "—".into())));
            }
            row
        })
        .collect();
    let table = frame::table(lang, &view.title, &columns, rows);
    Chart { svg, table }
}

fn plot(lang: Lang, view: &WeeklyTrendView, has_previous: bool) -> Markup {
    let values = view
        .weeks
        .iter()
        .flat_map(|w| std::iter::once(w.value).chain(w.previous_year));
    let (min, max) = values.fold((0i64, 0i64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let ticks = nice_ticks(min as f64, max as f64, 5);
    let tick_label = |v: f64| view.kind.format_short(v.round() as i64, lang);
    let label_width = ticks
        .values
        .iter()
        .map(|v| text_width(&tick_label(*v), 11.0))
        .fold(0.0, f64::max);

    let left = 16.0 + 18.0 + label_width + 8.0;
    let right = SIZE.0 - 24.0;
    let top = TITLE_HEIGHT + 44.0;
    let bottom = SIZE.1 - 52.0;
    let y = Linear::new((ticks.lo(), ticks.hi()), (bottom, top));
    let n = view.weeks.len();
    let x_at = |i: usize| {
        if n == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * i as f64 / (n - 1) as f64
        }
    };

    let week_label_width = text_width(&iso_week(view.weeks[0].week, lang), 11.0) + 12.0;
    let per_label = (right - left) / week_label_width;
    let step = LABEL_STEPS
        .iter()
        .copied()
        .find(|s| (n as f64 / *s as f64) <= per_label)
        .unwrap_or(52);

    let current_path = path(
        view.weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (x_at(i), Some(y.at(w.value as f64)))),
    );
    let previous_path = path(
        view.weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (x_at(i), w.previous_year.map(|p| y.at(p as f64)))),
    );

    let mut legend_items = vec![LegendItem {
        colour: CURRENT,
        label: t(lang, "chart.series.period"),
        dashed: false,
    }];
    if has_previous {
        legend_items.push(LegendItem {
            colour: PREVIOUS,
            label: t(lang, "chart.series.previous_year"),
            dashed: true,
        });
    }
    let (legend, _) = frame::legend(&legend_items, 16.0, TITLE_HEIGHT + 16.0, SIZE.0 - 16.0);

    html! {
        (legend)
        (frame::value_axis_y(&ticks, &y, left, right, tick_label))
        (frame::axis_title(&view.kind.axis_title(lang), 20.0, (top + bottom) / 2.0, true))
        g class="chart-axis chart-axis-x" {
            line x1=(coord(left)) x2=(coord(right)) y1=(coord(bottom)) y2=(coord(bottom)) stroke=(AXIS) {}
            @for (i, w) in view.weeks.iter().enumerate().step_by(step) {
                line x1=(coord(x_at(i))) x2=(coord(x_at(i))) y1=(coord(bottom)) y2=(coord(bottom + 4.0)) stroke=(AXIS) {}
                text x=(coord(x_at(i))) y=(coord(bottom + 18.0)) text-anchor="middle" font-size="11" fill=(frame::MUTED) {
                    (iso_week(w.week, lang))
                }
            }
        }
        (frame::axis_title(t(lang, "chart.axis.week"), (left + right) / 2.0, SIZE.1 - 10.0, false))
        @if has_previous {
            path class="chart-series chart-series-previous" d=(previous_path) fill="none" stroke=(PREVIOUS)
                stroke-width="2" stroke-dasharray="6 4" stroke-linejoin="round" {}
        }
        path class="chart-series chart-series-current" d=(current_path) fill="none" stroke=(CURRENT)
            stroke-width="2.5" stroke-linejoin="round" {}
        g class="chart-points" fill=(CURRENT) {
            @for (i, w) in view.weeks.iter().enumerate() {
                circle cx=(coord(x_at(i))) cy=(coord(y.at(w.value as f64))) r=(if n > 60 { "2" } else { "3" }) {
                    (frame::tooltip(&point_tooltip(lang, view, w)))
                }
            }
        }
    }
}

/// `M x y L x y …`, starting a new sub-path after each missing value so gaps stay gaps.
fn path(points: impl Iterator<Item = (f64, Option<f64>)>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                if !d.is_empty() {
                    d.push(' ');
                }
                d.push(if pen_down { 'L' } else { 'M' });
                d.push_str(&coord(x));
                d.push(' ');
                d.push_str(&coord(y));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

fn point_tooltip(lang: Lang, view: &WeeklyTrendView, w: &WeekValue) -> String {
    let mut text = format!(
        "{}{}{}",
        iso_week(w.week, lang),
        colon(lang),
        view.kind.format(w.value, lang)
    );
    if let Some(p) = w.previous_year {
        text.push_str(&format!(
            " ({} {})",
            t(lang, "chart.series.previous_year_short"),
            view.kind.format(p, lang)
        ));
    }
    text
}

/// A sentence for `<desc>`: range, total and best week, so a screen reader gets the gist.
fn describe(lang: Lang, view: &WeeklyTrendView) -> String {
    let (Some(first), Some(last)) = (view.weeks.first(), view.weeks.last()) else {
        return t(lang, "chart.no_data").to_string();
    };
    let total: i64 = view.weeks.iter().map(|w| w.value).sum();
    let best = view
        .weeks
        .iter()
        .max_by_key(|w| (w.value, std::cmp::Reverse(w.week)))
        .unwrap_or(first);
    let mut text = t(lang, "chart.desc.trend")
        .replace("{n}", &view.weeks.len().to_string())
        .replace("{from}", &iso_week(first.week, lang))
        .replace("{to}", &iso_week(last.week, lang))
        .replace("{total}", &view.kind.format(total, lang))
        .replace("{best}", &iso_week(best.week, lang))
        .replace("{best_value}", &view.kind.format(best.value, lang));
    let previous: Vec<i64> = view.weeks.iter().filter_map(|w| w.previous_year).collect();
    if !previous.is_empty() {
        text.push(' ');
        text.push_str(
            &t(lang, "chart.desc.previous_year")
                .replace("{total}", &view.kind.format(previous.iter().sum(), lang)),
        );
    }
    text
}
