//! Server-rendered SVG charts and the prospection map.
//!
//! Every chart is plain maud → SVG: no script, no inline `style`, so it passes the CSP and can be
//! converted as is to PNG or PDF (colours are explicit presentation attributes; the CSS classes only
//! let the page restyle them). Output depends only on the input, so it can be cached and compared
//! byte for byte. Each chart carries a visible title, `<title>`/`<desc>` for screen readers and a
//! data table behind a `<details>` toggle.

mod bar;
mod donut;
mod format;
mod frame;
mod line;
pub mod map;
mod scale;
mod sparkline;
mod stacked;

use maud::{html, Markup, Render};

pub use bar::{bar_chart, Bar, BarChartView, Orientation};
pub use donut::{donut_chart, DonutView, Slice};
pub use line::{weekly_trend_chart, WeekValue, WeeklyTrendView};
pub use map::{prospection_map, MapPoint, MapView};
pub use sparkline::{sparkline, SparklineView};
pub use stacked::{stacked_chart, StackMode, StackedPeriod, StackedView};

/// The font stack every chart names. DejaVu Sans comes first because it is the font the exports
/// load ([`FONT_TTF`]): the PNG and PDF then measure text exactly as the layout here assumes.
pub const FONT_FAMILY: &str = "DejaVu Sans, Liberation Sans, sans-serif";

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE`), for PNG/PDF exports: without
/// a font loaded explicitly, resvg silently drops every text element.
pub const FONT_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// What a chart's integer values measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// Minor units (cents) of this ISO 4217 currency.
    Money(String),
    /// Units, lines, customers: whole numbers.
    Count,
}

/// A rendered chart: the SVG alone (what the PNG/PDF exports convert) and its data table.
/// Rendering a `Chart` in a page gives a `<figure>` with both.
#[derive(Debug, Clone)]
pub struct Chart {
    pub svg: Markup,
    pub table: Markup,
}

impl Chart {
    /// The standalone SVG document, for download or conversion.
    pub fn svg_string(&self) -> String {
        self.svg.0.clone()
    }
}

impl Render for Chart {
    fn render(&self) -> Markup {
        html! {
            figure .chart {
                (self.svg)
                (self.table)
            }
        }
    }
}

/// Series colours, chosen to stay distinguishable for the common colour-vision deficiencies and
/// distinct from the recency colours (which always mean recency).
pub const PALETTE: [&str; 6] = [
    "#1f4fd1", "#e8710a", "#00897b", "#8e24aa", "#6d4c41", "#9e9d24",
];

#[cfg(test)]
mod tests;
