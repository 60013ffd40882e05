//! A word-sized trend line to sit next to a figure in a table or a card.

use maud::{html, Markup};

use super::format::coord;
use super::scale::Linear;
use super::{ValueKind, FONT_FAMILY, PALETTE};
use crate::i18n::{colon, t, Lang};

/// Input of [`sparkline`]: values oldest first.
#[derive(Debug, Clone)]
pub struct SparklineView {
    /// What the line shows ("Weekly sales, last 12 weeks"): its accessible name.
    pub label: String,
    pub kind: ValueKind,
    pub values: Vec<i64>,
}

const SIZE: (f64, f64) = (120.0, 32.0);
const PAD: f64 = 3.0;

/// A 120×32 line without axes. No data table: it always accompanies the figure it illustrates,
/// and its `<title>` spells out first, last, lowest and highest values.
pub fn sparkline(lang: Lang, view: &SparklineView) -> Markup {
    let min = view.values.iter().copied().min().unwrap_or(0);
    let max = view.values.iter().copied().max().unwrap_or(0);
    let n = view.values.len();
    let x = Linear::new(
        (0.0, n.saturating_sub(1).max(1) as f64),
        (PAD, SIZE.0 - PAD),
    );
    // A flat series sits mid-height rather than glued to an edge.
    let y = if max == min {
        Linear::new((min as f64 - 1.0, max as f64 + 1.0), (SIZE.1 - PAD, PAD))
    } else {
        Linear::new((min as f64, max as f64), (SIZE.1 - PAD, PAD))
    };
    let points: Vec<String> = view
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{}", coord(x.at(i as f64)), coord(y.at(*v as f64))))
        .collect();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width=(coord(SIZE.0)) height=(coord(SIZE.1))
            viewBox={ "0 0 " (coord(SIZE.0)) " " (coord(SIZE.1)) } role="img" font-family=(FONT_FAMILY) {
            title { (describe(lang, view, min, max)) }
            @if n > 1 {
                polyline points=(points.join(" ")) fill="none" stroke=(PALETTE[0]) stroke-width="1.5" stroke-linejoin="round" {}
            }
            @if let Some(last) = view.values.last() {
                circle cx=(coord(x.at((n - 1) as f64))) cy=(coord(y.at(*last as f64))) r="2.5" fill=(PALETTE[0]) {}
            }
        }
    }
}

fn describe(lang: Lang, view: &SparklineView, min: i64, max: i64) -> String {
    match (view.values.first(), view.values.last()) {
        (Some(first), Some(last)) => format!(
            "{}{}{}",
            view.label,
            colon(lang),
            t(lang, "chart.desc.sparkline")
                .replace("{first}", &view.kind.format(*first, lang))
                .replace("{last}", &view.kind.format(*last, lang))
                .replace("{min}", &view.kind.format(min, lang))
                .replace("{max}", &view.kind.format(max, lang))
        ),
        _ => format!("{}{}{}", view.label, colon(lang), t(lang, "chart.no_data")),
    }
}
