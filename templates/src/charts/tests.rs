//! Behaviour of the charts as a reader (or a screen reader) meets them.

use chrono::{Duration, NaiveDate};

use super::*;
use crate::i18n::Lang;

fn eur() -> ValueKind {
    ValueKind::Money("EUR".into())
}

fn trend(weeks: usize) -> WeeklyTrendView {
    let monday = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    WeeklyTrendView {
        id: "weekly-trend".into(),
        title: "Weekly sales".into(),
        kind: eur(),
        weeks: (0..weeks)
            .map(|i| WeekValue {
                week: monday + Duration::weeks(i as i64),
                value: 123_456 + i as i64 * 10_000,
                previous_year: (i != 2).then_some(100_000),
            })
            .collect(),
    }
}

fn best_sellers(label: &str) -> BarChartView {
    BarChartView {
        id: "best-sellers".into(),
        title: "Best-sellers".into(),
        kind: eur(),
        orientation: Orientation::Horizontal,
        category_title: "Product".into(),
        bars: vec![
            Bar {
                label: label.into(),
                value: 750_000,
                href: Some("/catalogue/SKU-1".into()),
            },
            Bar {
                label: "Tondeuse".into(),
                value: 250_000,
                href: None,
            },
        ],
        total: Some(2_000_000),
    }
}

/// Every chart must stay within the CSP and carry its accessible name.
fn assert_accessible(svg: &str, id: &str) {
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")));
    assert!(svg.contains(&format!("<title id=\"{id}-title\">")));
    assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
    assert!(!svg.contains("style="), "inline styles break the CSP");
    assert!(!svg.contains("<script"), "no script in charts");
}

#[test]
fn weekly_trend_formats_values_and_weeks_per_language() {
    let fr = weekly_trend_chart(Lang::Fr, &trend(8));
    let fr_html = fr.render().into_string();
    assert_accessible(&fr.svg_string(), "weekly-trend");
    assert!(
        fr_html.contains("1\u{202F}234,56\u{A0}€"),
        "exact French money in the table"
    );
    assert!(fr_html.contains("S02 2026"), "French ISO week label");
    assert!(fr_html.contains("Semaine ISO"));
    assert!(fr_html.contains("Chiffre d’affaires (EUR)"));
    assert!(fr_html.contains("Mêmes semaines, année précédente"));
    assert!(fr_html.contains("<details class=\"chart-data\">"));

    let en = weekly_trend_chart(Lang::En, &trend(8))
        .render()
        .into_string();
    assert!(en.contains("€1,234.56"));
    assert!(en.contains("2026-W02"));
    assert!(en.contains("ISO week"));
    assert!(en.contains("Sales value (EUR)"));
    assert!(
        en.contains("stroke-dasharray=\"6 4\""),
        "previous year is dashed"
    );
    assert!(
        en.contains("23.5%"),
        "change against the previous year: 123,456 vs 100,000"
    );
}

#[test]
fn axis_ticks_are_round_amounts() {
    let svg = weekly_trend_chart(Lang::En, &trend(8)).svg_string();
    // Values run to €1,934.56: ticks every €500, labelled without cents.
    for tick in ["€0<", "€500<", "€1,000<", "€1,500<", "€2,000<"] {
        assert!(svg.contains(tick), "missing tick {tick}");
    }
}

#[test]
fn a_missing_previous_year_week_breaks_the_dashed_line() {
    let svg = weekly_trend_chart(Lang::En, &trend(8)).svg_string();
    let previous = svg.split("chart-series-previous\" d=\"").nth(1).unwrap();
    let d = &previous[..previous.find('"').unwrap()];
    assert_eq!(d.matches('M').count(), 2, "{d}");
}

#[test]
fn charts_are_deterministic() {
    let a = weekly_trend_chart(Lang::Fr, &trend(30))
        .render()
        .into_string();
    let b = weekly_trend_chart(Lang::Fr, &trend(30))
        .render()
        .into_string();
    assert_eq!(a, b);
    let a = bar_chart(Lang::En, &best_sellers("Scie"))
        .render()
        .into_string();
    assert_eq!(
        a,
        bar_chart(Lang::En, &best_sellers("Scie"))
            .render()
            .into_string()
    );
}

#[test]
fn user_text_is_escaped() {
    let chart = bar_chart(Lang::En, &best_sellers("<script>alert(1)</script>"));
    let html = chart.render().into_string();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let mut view = trend(3);
    view.title = "\"><script>x</script>".into();
    view.id = "a\"><b".into();
    let html = weekly_trend_chart(Lang::En, &view).render().into_string();
    assert!(!html.contains("<script>") && !html.contains("\"><b"));
}

#[test]
fn bars_show_value_and_share_of_the_given_total_and_link() {
    let chart = bar_chart(Lang::Fr, &best_sellers("Scie"));
    let svg = chart.svg_string();
    assert_accessible(&svg, "best-sellers");
    assert!(
        svg.contains("7\u{202F}500\u{A0}€"),
        "whole euros on the bar"
    );
    assert!(
        svg.contains("37,5\u{202F}%"),
        "share of the 20 000 € total, not of the bars"
    );
    assert!(svg.contains("<a href=\"/catalogue/SKU-1\""));
    assert!(chart
        .render()
        .into_string()
        .contains("<th scope=\"col\">Product</th>"));

    let mut vertical = best_sellers("Scie");
    vertical.orientation = Orientation::Vertical;
    let svg = bar_chart(Lang::En, &vertical).svg_string();
    assert_accessible(&svg, "best-sellers");
    assert!(svg.contains(">Product<"), "category axis title");
    assert!(svg.contains("Sales value (EUR)"));
}

#[test]
fn stacked_percent_reads_as_shares() {
    let view = StackedView {
        id: "self-service".into(),
        title: "Self-service share".into(),
        kind: ValueKind::Count,
        mode: StackMode::Percent,
        x_title: "Month".into(),
        series: vec!["Self-service".into(), "Staff".into()],
        periods: vec![
            StackedPeriod {
                label: "2026-01".into(),
                values: vec![3, 1],
            },
            StackedPeriod {
                label: "2026-02".into(),
                values: vec![1, 1],
            },
        ],
    };
    let fr = stacked_chart(Lang::Fr, &view);
    assert_accessible(&fr.svg_string(), "self-service");
    let html = fr.render().into_string();
    assert!(html.contains("100\u{202F}%<"), "top tick");
    assert!(html.contains("75,0\u{202F}%"), "3 of 4 lines");
    assert!(html.contains("Part"));
    assert!(
        html.contains("66,7\u{202F}%"),
        "overall split in the description: 4 of 6"
    );
}

#[test]
fn donut_legend_carries_labels_values_and_shares() {
    let view = DonutView {
        id: "customers".into(),
        title: "End customers".into(),
        kind: ValueKind::Count,
        category_title: "Type".into(),
        slices: vec![
            Slice {
                label: "Individual".into(),
                value: 1500,
            },
            Slice {
                label: "Landscaper".into(),
                value: 500,
            },
        ],
    };
    let svg = donut_chart(Lang::En, &view).svg_string();
    assert_accessible(&svg, "customers");
    assert!(svg.contains("1,500 · 75.0%"));
    assert!(svg.contains(">2,000<"), "total in the hole");
}

#[test]
fn sparkline_names_its_range() {
    let svg = sparkline(
        Lang::Fr,
        &SparklineView {
            label: "Ventes".into(),
            kind: eur(),
            values: vec![100, 300, 200],
        },
    )
    .into_string();
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title>Ventes\u{A0}: de 1,00\u{A0}€ à 2,00\u{A0}€"));
    assert!(svg.contains("<polyline"));
}

#[test]
fn empty_charts_say_so() {
    let mut view = trend(0);
    view.title = "Nothing".into();
    let html = weekly_trend_chart(Lang::En, &view).render().into_string();
    assert!(html.contains("No data for these filters"));
    let mut bars = best_sellers("x");
    bars.bars.clear();
    assert!(bar_chart(Lang::Fr, &bars)
        .svg_string()
        .contains("Aucune donnée"));
}
