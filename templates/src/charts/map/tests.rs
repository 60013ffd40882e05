use std::time::Instant;

use super::*;

fn point(code: &str, lat: f64, lon: f64, recency: Recency) -> MapPoint {
    MapPoint {
        code: code.into(),
        name: format!("Reseller {code}"),
        lat,
        lon,
        recency,
        href: format!("/network/{code}"),
    }
}

fn view(points: Vec<MapPoint>) -> MapView {
    MapView {
        id: "map".into(),
        title: "Prospection".into(),
        points,
    }
}

/// The bounding box of a path's absolute coordinates.
fn path_bbox(d: &str) -> (f64, f64, f64, f64) {
    let numbers: Vec<f64> = d
        .split(['M', 'Z', ' '])
        .filter_map(|s| s.parse().ok())
        .collect();
    numbers.chunks(2).fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(x0, y0, x1, y1), p| (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1])),
    )
}

fn attribute<'a>(element: &'a str, name: &str) -> &'a str {
    let start = element.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &element[start..start + element[start..].find('"').unwrap()]
}

#[test]
fn paris_is_drawn_inside_france_in_its_recency_colour() {
    let svg = prospection_map(
        Lang::En,
        &view(vec![
            point("PARIS", 48.8566, 2.3522, Recency::Active),
            point("NICE", 43.7102, 7.262, Recency::Lapsed),
            point("BREST", 48.3904, -4.4861, Recency::Prospect),
        ]),
    )
    .svg_string();
    let france = svg
        .split("map-country-FR\" d=\"")
        .nth(1)
        .expect("France drawn");
    let (x0, y0, x1, y1) = path_bbox(&france[..france.find('"').unwrap()]);
    let paris = svg
        .split("<circle")
        .find(|c| c.contains("data-code=\"PARIS\""))
        .unwrap();
    let (cx, cy): (f64, f64) = (
        attribute(paris, "cx").parse().unwrap(),
        attribute(paris, "cy").parse().unwrap(),
    );
    assert!(
        cx > x0 && cx < x1 && cy > y0 && cy < y1,
        "Paris ({cx}, {cy}) outside France {x0} {y0} {x1} {y1}"
    );
    assert_eq!(attribute(paris, "fill"), "#2e7d32");
    assert!(paris.contains("<title>Reseller PARIS — Active"));
    let nice = svg
        .split("<circle")
        .find(|c| c.contains("data-code=\"NICE\""))
        .unwrap();
    assert_eq!(attribute(nice, "fill"), "#c62828");
    // Paris is north-east of Brest: x grows eastwards, y southwards.
    let brest = svg
        .split("<circle")
        .find(|c| c.contains("data-code=\"BREST\""))
        .unwrap();
    assert!(attribute(brest, "cx").parse::<f64>().unwrap() < cx);
    assert!(svg.contains("<a href=\"/network/PARIS\""));
}

#[test]
fn legend_counts_each_colour_with_its_label() {
    let svg = prospection_map(
        Lang::Fr,
        &view(vec![
            point("A", 48.85, 2.35, Recency::Active),
            point("B", 45.76, 4.83, Recency::Active),
            point("C", 43.6, 1.44, Recency::NeverDeclared),
        ]),
    )
    .svg_string();
    let legend = &svg[svg.find("class=\"map-legend\"").unwrap()..];
    for recency in Recency::ALL {
        let label = maud::html! { (recency.label(Lang::Fr)) }.into_string();
        assert!(legend.contains(&format!(">{label}</text>")), "{recency:?}");
        assert!(legend.contains(recency.hex()));
    }
    let desc = &svg[svg.find("<desc").unwrap()..svg.find("</desc>").unwrap()];
    let active = maud::html! { (Recency::Active.label(Lang::Fr)) }.into_string();
    let never = maud::html! { (Recency::NeverDeclared.label(Lang::Fr)) }.into_string();
    assert!(desc.contains("3 revendeurs par récence"), "{desc}");
    assert!(desc.contains(&format!("{active} 2,")), "{desc}");
    assert!(desc.contains(&format!("{never} 1,")), "{desc}");
}

#[test]
fn neighbours_with_resellers_are_featured() {
    let svg = prospection_map(
        Lang::En,
        &view(vec![
            point("PARIS", 48.8566, 2.3522, Recency::Active),
            point("BRUXELLES", 50.8503, 4.3517, Recency::FollowUp),
            point("GENEVE", 46.2044, 6.1432, Recency::Prospect),
        ]),
    )
    .svg_string();
    for code in ["FR", "BE", "CH"] {
        assert!(
            svg.contains(&format!("map-country-{code}\"")),
            "{code} featured"
        );
    }
    assert!(
        !svg.contains("map-country-DE\""),
        "Germany is drawn faintly, not featured"
    );
    assert!(
        svg.contains("class=\"map-country\""),
        "neighbours drawn faintly"
    );
}

#[test]
fn an_empty_map_shows_france() {
    let svg = prospection_map(Lang::En, &view(vec![])).svg_string();
    assert!(svg.contains("map-country-FR\""));
    assert!(!svg.contains("<circle class=\"map-point"));
}

#[test]
fn two_thousand_points_render_fast_and_identically() {
    let points: Vec<MapPoint> = (0..2000)
        .map(|i| {
            let f = i as f64;
            point(
                &format!("R{i:04}"),
                43.0 + (f * 0.618).fract() * 7.0,
                -1.0 + (f * 0.377).fract() * 8.0,
                Recency::ALL[i % 5],
            )
        })
        .collect();
    let map = view(points);
    let started = Instant::now();
    let first = prospection_map(Lang::Fr, &map).svg_string();
    let elapsed = started.elapsed();
    assert_eq!(first, prospection_map(Lang::Fr, &map).svg_string());
    assert_eq!(first.matches("<circle class=\"map-point").count(), 2000);
    // Unoptimised test builds are ~10× slower than release; this only catches a quadratic slip.
    assert!(elapsed.as_millis() < 1500, "{elapsed:?}");
}
