//! Linear scales and "nice" axis ticks on a 1-2-5 progression.

/// Ticks for a value axis: a round step (1, 2 or 5 × 10ⁿ) and the ticks from the first multiple
/// of it at or below `min` to the first at or above `max`, so the data never touches the frame.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    pub fn lo(&self) -> f64 {
        self.values[0]
    }
    pub fn hi(&self) -> f64 {
        self.values[self.values.len() - 1]
    }
}

/// About `target` ticks (never more than `target + 2`) covering `[min, max]`. An empty or flat
/// range still gets an axis from 0, so a chart of zeros has a readable frame.
pub(crate) fn nice_ticks(min: f64, max: f64, target: usize) -> Ticks {
    let (min, max) = if !min.is_finite() || !max.is_finite() {
        (0.0, 1.0)
    } else if (max - min).abs() < f64::EPSILON {
        if max > 0.0 {
            (0.0, max)
        } else if max < 0.0 {
            (max, 0.0)
        } else {
            (0.0, 1.0)
        }
    } else {
        (min, max)
    };
    let raw = (max - min) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (min / step).floor() as i64;
    let last = (max / step).ceil() as i64;
    // Multiplying an integer index avoids the drift of repeated additions (0.30000000000000004).
    let values = (first..=last).map(|i| i as f64 * step).collect();
    Ticks { step, values }
}

/// Maps a domain interval onto a pixel interval (which may be reversed, as y axes are).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Linear {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    pub fn at(&self, x: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span.abs() < f64::EPSILON {
            return self.r0;
        }
        self.r0 + (x - self.d0) / span * (self.r1 - self.r0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_follow_one_two_five_steps() {
        let ticks = nice_ticks(0.0, 87.0, 5);
        assert_eq!(ticks.step, 20.0);
        assert_eq!(ticks.values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(0.0, 1_234_567.0, 5).step, 500_000.0);
        assert_eq!(nice_ticks(0.0, 9.0, 5).step, 2.0);
        assert_eq!(nice_ticks(0.0, 0.37, 4).step, 0.1);
    }

    #[test]
    fn ticks_cover_negative_and_flat_ranges() {
        let ticks = nice_ticks(-15.0, 42.0, 5);
        assert_eq!((ticks.lo(), ticks.hi()), (-20.0, 60.0));
        let flat = nice_ticks(0.0, 0.0, 5);
        assert_eq!((flat.lo(), flat.hi()), (0.0, 1.0));
        let constant = nice_ticks(300.0, 300.0, 5);
        assert_eq!(constant.lo(), 0.0);
        assert!(constant.hi() >= 300.0);
    }

    #[test]
    fn linear_scales_may_be_reversed() {
        let y = Linear::new((0.0, 100.0), (300.0, 20.0));
        assert_eq!(y.at(0.0), 300.0);
        assert_eq!(y.at(100.0), 20.0);
        assert_eq!(y.at(50.0), 160.0);
    }
}
