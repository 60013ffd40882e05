//! The prospection map: resellers placed by their coordinates on offline country outlines
//! (Natural Earth, public domain, see `assets/map/README.md`), coloured by recency.

mod geo;

use maud::{html, Markup};

use self::geo::{countries, BBox, Country, Projection};
use super::format::{coord, element_id, share};
use super::frame::{self, MUTED, TEXT, TITLE_HEIGHT};
use super::Chart;
use crate::components::Column;
use crate::i18n::{number, percent, t, Lang};
use crate::vocab::Recency;

/// Input of [`prospection_map`].
#[derive(Debug, Clone)]
pub struct MapView {
    /// Unique in the page: prefixes the element ids.
    pub id: String,
    pub title: String,
    /// Resellers with coordinates (those without are left out by the caller and listed beside).
    pub points: Vec<MapPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    /// The reseller code.
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub recency: Recency,
    /// Where a click on the marker leads (the reseller's profile).
    pub href: String,
}

const MAP_WIDTH: f64 = 600.0;
const LEGEND_WIDTH: f64 = 250.0;
const MARGIN: f64 = 16.0;
/// Metropolitan France with Corsica: the view when there is nothing to fit.
const FRANCE: BBox = BBox {
    min_lon: -5.2,
    min_lat: 41.3,
    max_lon: 9.6,
    max_lat: 51.1,
};
/// Drawing order: prospects and never-declared underneath, the resellers needing attention
/// (lapsed, to follow up) on top, so crowded areas still show the red.
const DRAW_ORDER: [Recency; 5] = [
    Recency::Prospect,
    Recency::NeverDeclared,
    Recency::Active,
    Recency::FollowUp,
    Recency::Lapsed,
];

/// The map fitted to the points (France when there are none), every country in view drawn (those
/// holding resellers, and France, stronger than the rest), one clickable circle per reseller with
/// a "name — recency" tooltip, and a legend with the five colours, their labels and counts.
pub fn prospection_map(lang: Lang, view: &MapView) -> Chart {
    let points: Vec<&MapPoint> = view
        .points
        .iter()
        .filter(|p| {
            p.lat.is_finite() && p.lon.is_finite() && p.lat.abs() <= 85.0 && p.lon.abs() <= 180.0
        })
        .collect();
    let bounds =
        BBox::around(points.iter().map(|p| (p.lon, p.lat))).map_or(FRANCE, |b| b.padded(0.08, 1.5));
    let aspect = Projection::aspect(&bounds);
    let map_height = (MAP_WIDTH / aspect).clamp(360.0, 640.0);
    let origin = (MARGIN, TITLE_HEIGHT + 8.0);
    let projection = Projection::fit(bounds, origin, (MAP_WIDTH, map_height));
    let size = (
        MARGIN + MAP_WIDTH + LEGEND_WIDTH,
        origin.1 + map_height + MARGIN,
    );
    // The view actually shown is wider than `bounds` along one axis (the aspect is clamped and
    // centred); countries are culled against it so nothing at the edge goes missing.
    let shown = BBox::around(
        [
            (origin.0, origin.1 + map_height),
            (origin.0 + MAP_WIDTH, origin.1),
        ]
        .into_iter()
        .map(|(x, y)| projection.unproject(x, y)),
    )
    .unwrap_or(bounds);

    let featured = featured_countries(&points);
    let in_view: Vec<&Country> = countries()
        .iter()
        .filter(|c| c.bbox.intersects(&shown))
        .collect();
    let counts: Vec<(Recency, usize)> = Recency::ALL
        .iter()
        .map(|r| (*r, points.iter().filter(|p| p.recency == *r).count()))
        .collect();
    let clip_id = element_id(&view.id, "clip");
    let radius = if points.len() > 500 { 3.5 } else { 5.0 };

    let body = html! {
        defs {
            clipPath id=(clip_id) {
                rect x=(coord(origin.0)) y=(coord(origin.1)) width=(coord(MAP_WIDTH)) height=(coord(map_height)) {}
            }
        }
        rect class="map-sea" x=(coord(origin.0)) y=(coord(origin.1)) width=(coord(MAP_WIDTH)) height=(coord(map_height))
            fill="#eaf1f8" stroke="#c5ccd6" {}
        g clip-path={ "url(#" (clip_id) ")" } {
            g class="map-countries" fill-rule="evenodd" stroke-linejoin="round" {
                @for country in in_view.iter().filter(|c| !featured.contains(&c.code.as_str())) {
                    path class="map-country" d=(country_path(country, &projection, &shown)) fill="#f4f5f7" stroke="#c5ccd6" stroke-width="0.8" {}
                }
                @for country in in_view.iter().filter(|c| featured.contains(&c.code.as_str())) {
                    path class={ "map-country map-country-featured map-country-" (country.code) }
                        d=(country_path(country, &projection, &shown)) fill="#ffffff" stroke="#7d8899" stroke-width="1.2" {
                        title { (country.name) }
                    }
                }
            }
            g class="map-points" stroke="#ffffff" stroke-width="1" {
                @for recency in DRAW_ORDER {
                    @for point in points.iter().filter(|p| p.recency == recency) {
                        @let (x, y) = projection.project(point.lon, point.lat);
                        a href=(point.href) class="map-link" {
                            circle class={ "map-point map-point-" (recency.colour()) } cx=(coord(x)) cy=(coord(y))
                                r=(coord(radius)) fill=(recency.hex()) data-code=(point.code) {
                                title { (point.name) " — " (recency.label(lang)) }
                            }
                        }
                    }
                }
            }
        }
        (legend(lang, &counts, origin.0 + MAP_WIDTH + 20.0, origin.1))
    };
    let desc = describe(lang, &counts);
    let svg = frame::svg(&view.id, &view.title, &desc, size, body);

    let total = points.len() as i64;
    let columns = [
        Column::new(t(lang, "chart.map.recency")),
        Column::numeric(t(lang, "chart.map.resellers")),
        Column::numeric(t(lang, "chart.column.share")),
    ];
    let rows = counts
        .iter()
        .map(|(r, n)| {
            vec![
                frame::cell(r.label(lang)),
                frame::cell(number(*n as i64, lang)),
                frame::cell(percent(share(*n as i64, total), lang)),
            ]
        })
        .collect();
    Chart {
        svg,
        table: frame::table(lang, &view.title, &columns, rows),
    }
}

/// France always, plus every country holding a reseller. Consecutive points are usually in the
/// same country, so the last match is tried first: 2,000 points cost a few thousand ring tests.
fn featured_countries(points: &[&MapPoint]) -> Vec<&'static str> {
    let mut featured = vec!["FR"];
    let mut last: Option<&Country> = None;
    for point in points {
        let found = last
            .filter(|c| c.contains(point.lon, point.lat))
            .or_else(|| {
                countries()
                    .iter()
                    .find(|c| c.contains(point.lon, point.lat))
            });
        if let Some(country) = found {
            if !featured.contains(&country.code.as_str()) {
                featured.push(country.code.as_str());
            }
            last = Some(country);
        }
    }
    featured
}

/// The rings in view as one path; vertices closer than half a pixel to the previous one are
/// dropped, so a zoomed-out world map stays as light as a zoomed-in region.
fn country_path(country: &Country, projection: &Projection, shown: &BBox) -> String {
    let min_step = projection.degrees_per_pixel() * 0.5;
    let mut d = String::new();
    for (ring, bbox) in country.rings.iter().zip(&country.ring_boxes) {
        if !bbox.intersects(shown) {
            continue;
        }
        let mut last: Option<(f64, f64)> = None;
        for (i, &(lon, lat)) in ring.iter().enumerate() {
            let is_last = i + 1 == ring.len();
            if let Some((plon, plat)) = last {
                if !is_last && (lon - plon).abs() < min_step && (lat - plat).abs() < min_step {
                    continue;
                }
            }
            let (x, y) = projection.project(lon, lat);
            d.push_str(if last.is_none() { "M" } else { " " });
            d.push_str(&coord(x));
            d.push(' ');
            d.push_str(&coord(y));
            last = Some((lon, lat));
        }
        d.push('Z');
    }
    d
}

fn legend(lang: Lang, counts: &[(Recency, usize)], x: f64, y: f64) -> Markup {
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    html! {
        g class="map-legend" {
            text x=(coord(x)) y=(coord(y + 14.0)) font-weight="bold" fill=(TEXT) { (t(lang, "chart.map.legend")) }
            @for (i, (recency, count)) in counts.iter().enumerate() {
                @let row = y + 44.0 + 30.0 * i as f64;
                circle cx=(coord(x + 8.0)) cy=(coord(row)) r="7" fill=(recency.hex()) class={ "map-point-" (recency.colour()) } {}
                text x=(coord(x + 22.0)) y=(coord(row)) dy="4" fill=(TEXT) font-size="11" { (recency.label(lang)) }
                text x=(coord(x + LEGEND_WIDTH - 30.0)) y=(coord(row)) dy="4" text-anchor="end" font-weight="bold" fill=(TEXT) {
                    (number(*count as i64, lang))
                }
            }
            line x1=(coord(x)) x2=(coord(x + LEGEND_WIDTH - 30.0)) y1=(coord(y + 44.0 + 30.0 * 4.0 + 18.0))
                y2=(coord(y + 44.0 + 30.0 * 4.0 + 18.0)) stroke="#dde3ee" {}
            text x=(coord(x)) y=(coord(y + 44.0 + 30.0 * 5.0 + 6.0)) fill=(MUTED) { (t(lang, "chart.total")) }
            text x=(coord(x + LEGEND_WIDTH - 30.0)) y=(coord(y + 44.0 + 30.0 * 5.0 + 6.0)) text-anchor="end" font-weight="bold" fill=(TEXT) {
                (number(total as i64, lang))
            }
        }
    }
}

fn describe(lang: Lang, counts: &[(Recency, usize)]) -> String {
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let parts: Vec<String> = counts
        .iter()
        .map(|(r, n)| format!("{} {}", r.label(lang), number(*n as i64, lang)))
        .collect();
    t(lang, "chart.desc.map")
        .replace("{n}", &number(total as i64, lang))
        .replace("{parts}", &parts.join(", "))
}

#[cfg(test)]
mod tests;
