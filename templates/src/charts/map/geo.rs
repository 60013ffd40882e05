//! The shipped country outlines (`assets/map/countries.txt`), point-in-country tests and the
//! projection fitted to a view.

use std::sync::OnceLock;

/// A longitude/latitude box, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    const EMPTY: BBox = BBox {
        min_lon: f64::INFINITY,
        min_lat: f64::INFINITY,
        max_lon: f64::NEG_INFINITY,
        max_lat: f64::NEG_INFINITY,
    };

    pub fn around(points: impl Iterator<Item = (f64, f64)>) -> Option<BBox> {
        let b = points.fold(BBox::EMPTY, |b, (lon, lat)| BBox {
            min_lon: b.min_lon.min(lon),
            min_lat: b.min_lat.min(lat),
            max_lon: b.max_lon.max(lon),
            max_lat: b.max_lat.max(lat),
        });
        (b.min_lon <= b.max_lon).then_some(b)
    }

    /// The smallest box holding both (`EMPTY` is the neutral element).
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            min_lon: self.min_lon.min(other.min_lon),
            min_lat: self.min_lat.min(other.min_lat),
            max_lon: self.max_lon.max(other.max_lon),
            max_lat: self.max_lat.max(other.max_lat),
        }
    }

    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.min_lon && lon <= self.max_lon && lat >= self.min_lat && lat <= self.max_lat
    }

    pub fn intersects(&self, other: &BBox) -> bool {
        self.min_lon <= other.max_lon
            && other.min_lon <= self.max_lon
            && self.min_lat <= other.max_lat
            && other.min_lat <= self.max_lat
    }

    /// Grown by `fraction` of its size on each side, and to at least `min_span` degrees, so a
    /// single point or a single city still shows its surroundings.
    pub fn padded(&self, fraction: f64, min_span: f64) -> BBox {
        let centre = (
            (self.min_lon + self.max_lon) / 2.0,
            (self.min_lat + self.max_lat) / 2.0,
        );
        let half_lon = ((self.max_lon - self.min_lon) * (0.5 + fraction)).max(min_span / 2.0);
        let half_lat = ((self.max_lat - self.min_lat) * (0.5 + fraction)).max(min_span / 2.0);
        BBox {
            min_lon: centre.0 - half_lon,
            min_lat: (centre.1 - half_lat).max(-85.0),
            max_lon: centre.0 + half_lon,
            max_lat: (centre.1 + half_lat).min(85.0),
        }
    }
}

/// One country of the asset: rings of (lon, lat), outer rings and holes mixed (even-odd rule).
#[derive(Debug)]
pub(crate) struct Country {
    pub code: String,
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
    pub ring_boxes: Vec<BBox>,
    pub bbox: BBox,
}

impl Country {
    /// Even-odd point-in-polygon over all rings: a point in a lake (hole) is outside, as on the
    /// drawn map.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        if !self.bbox.contains(lon, lat) {
            return false;
        }
        let mut inside = false;
        for (ring, bbox) in self.rings.iter().zip(&self.ring_boxes) {
            if !bbox.contains(lon, lat) {
                continue;
            }
            let mut j = ring.len() - 1;
            for i in 0..ring.len() {
                let (xi, yi) = ring[i];
                let (xj, yj) = ring[j];
                if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
                    inside = !inside;
                }
                j = i;
            }
        }
        inside
    }
}

const ASSET: &str = include_str!("../../../assets/map/countries.txt");

/// Every country, parsed once per process (about 450 KB of text, a few milliseconds).
pub(crate) fn countries() -> &'static [Country] {
    static COUNTRIES: OnceLock<Vec<Country>> = OnceLock::new();
    COUNTRIES.get_or_init(|| parse(ASSET))
}

fn parse(text: &str) -> Vec<Country> {
    let mut countries: Vec<Country> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix("= ") {
            let (code, name) = header.split_once(' ').unwrap_or((header, header));
            countries.push(Country {
                code: code.to_string(),
                name: name.to_string(),
                rings: Vec::new(),
                ring_boxes: Vec::new(),
                bbox: BBox::EMPTY,
            });
            continue;
        }
        let Some(country) = countries.last_mut() else {
            continue;
        };
        let (mut x, mut y) = (0i64, 0i64);
        let ring: Vec<(f64, f64)> = line
            .split(' ')
            .filter_map(|pair| {
                let (dx, dy) = pair.split_once(',')?;
                x += dx.parse::<i64>().ok()?;
                y += dy.parse::<i64>().ok()?;
                Some((x as f64 / 1000.0, y as f64 / 1000.0))
            })
            .collect();
        if ring.len() < 3 {
            continue;
        }
        let bbox = BBox::around(ring.iter().copied()).unwrap_or(BBox::EMPTY);
        country.bbox = country.bbox.union(&bbox);
        country.rings.push(ring);
        country.ring_boxes.push(bbox);
    }
    countries.retain(|c| !c.rings.is_empty());
    countries
}

/// Equirectangular projection with longitudes shrunk by cos(middle latitude): at the scale of a
/// country it keeps shapes right (France is not stretched sideways), it is trivial to invert for
/// tests, and the fitted view is never large enough for its distortion to matter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Projection {
    view: BBox,
    kx: f64,
    scale: f64,
    offset: (f64, f64),
}

impl Projection {
    /// Fits `view` inside `size` (pixels) with the origin at `origin`, centred.
    pub fn fit(view: BBox, origin: (f64, f64), size: (f64, f64)) -> Projection {
        let kx = ((view.min_lat + view.max_lat) / 2.0).to_radians().cos();
        let width = (view.max_lon - view.min_lon) * kx;
        let height = view.max_lat - view.min_lat;
        let scale = (size.0 / width).min(size.1 / height);
        let offset = (
            origin.0 + (size.0 - width * scale) / 2.0,
            origin.1 + (size.1 - height * scale) / 2.0,
        );
        Projection {
            view,
            kx,
            scale,
            offset,
        }
    }

    /// Width over height of `view` once projected, to size the drawing.
    pub fn aspect(view: &BBox) -> f64 {
        let kx = ((view.min_lat + view.max_lat) / 2.0).to_radians().cos();
        (view.max_lon - view.min_lon) * kx / (view.max_lat - view.min_lat)
    }

    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.offset.0 + (lon - self.view.min_lon) * self.kx * self.scale,
            self.offset.1 + (self.view.max_lat - lat) * self.scale,
        )
    }

    /// Pixel → (lon, lat), for the corners of the drawing.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.view.min_lon + (x - self.offset.0) / (self.kx * self.scale),
            self.view.max_lat - (y - self.offset.1) / self.scale,
        )
    }

    /// The degrees covered by one pixel, to drop vertices that would land on the same pixel.
    pub fn degrees_per_pixel(&self) -> f64 {
        1.0 / self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> &'static Country {
        countries().iter().find(|c| c.code == code).expect(code)
    }

    #[test]
    fn the_asset_has_france_and_its_neighbours() {
        for code in ["FR", "BE", "CH", "LU", "DE", "ES", "IT", "GB", "MC", "AD"] {
            assert!(!country(code).rings.is_empty(), "{code}");
        }
        assert!(countries().len() > 200);
    }

    #[test]
    fn cities_fall_in_their_country() {
        let cases = [
            ("FR", 2.3522, 48.8566), // Paris
            ("FR", 9.45, 42.15),     // Corsica
            ("BE", 4.3517, 50.8503), // Brussels
            ("CH", 6.1432, 46.2044), // Geneva
            ("LU", 6.1296, 49.6116), // Luxembourg
            ("DE", 13.405, 52.52),   // Berlin
        ];
        for (code, lon, lat) in cases {
            assert!(country(code).contains(lon, lat), "{code} {lon} {lat}");
        }
        assert!(!country("FR").contains(4.3517, 50.8503));
        assert!(!country("FR").contains(-4.0, 46.0), "Bay of Biscay is sea");
    }
}
