//! Price elasticity of demand per product, from declared prices and quantities.
//!
//! The caller aggregates declaration lines into observations (typically one per week and
//! price level: the quantity sold that week at that unit price). The elasticity is the
//! slope of the least-squares line of ln(quantity) on ln(price): −1.5 means 1 % dearer
//! sells about 1.5 % fewer units.
//!
//! Thresholds (see [`ElasticityOptions::default`]), because a slope fitted on prices that
//! barely moved is noise that would look like advice:
//! - at least 8 usable observations, else `NotEnoughObservations`;
//! - at least 3 distinct prices and a coefficient of variation of the price (population
//!   standard deviation / mean) of at least 5 %, else `NotEnoughVariation`.
//!
//! Observations with a price or quantity of zero or less are ignored (and counted):
//! the logarithm has no value there.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceObservation {
    pub unit_price_cents: i64,
    pub quantity: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ElasticityOptions {
    pub min_observations: usize,
    pub min_distinct_prices: usize,
    /// Minimum coefficient of variation of the price, as a fraction (0.05 = 5 %).
    pub min_price_variation: f64,
}

impl Default for ElasticityOptions {
    fn default() -> Self {
        ElasticityOptions {
            min_observations: 8,
            min_distinct_prices: 3,
            min_price_variation: 0.05,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Slope below −1: revenue falls when the price rises.
    Elastic,
    /// Slope from −1 to 0: volume reacts less than the price.
    Inelastic,
    /// Slope above 0: more sold when dearer. Kept apart because it says that something
    /// else moved with the price (promotions, season), not that customers like paying more.
    Positive,
    NotEnoughObservations,
    NotEnoughVariation,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Elasticity {
    /// Observations used in the fit.
    pub observations: usize,
    /// Observations left out for a price or quantity of zero or less.
    pub ignored: usize,
    pub distinct_prices: usize,
    /// Coefficient of variation of the price (fraction); `None` without observations.
    pub price_variation: Option<f64>,
    /// The log-log slope; `None` unless the verdict is Elastic, Inelastic or Positive.
    pub elasticity: Option<f64>,
    /// Share of the variance of ln(quantity) the line explains (1.0 when the quantity
    /// never varies: the flat line fits exactly). `None` with the elasticity.
    pub r_squared: Option<f64>,
    pub verdict: Verdict,
}

/// Estimates the elasticity of one product.
pub fn estimate(observations: &[PriceObservation], options: ElasticityOptions) -> Elasticity {
    let usable: Vec<(f64, f64)> = observations
        .iter()
        .filter(|o| o.unit_price_cents > 0 && o.quantity > 0)
        .map(|o| (o.unit_price_cents as f64, o.quantity as f64))
        .collect();
    let distinct_prices = usable
        .iter()
        .map(|(price, _)| price.to_bits())
        .collect::<HashSet<_>>()
        .len();
    let mut result = Elasticity {
        observations: usable.len(),
        ignored: observations.len() - usable.len(),
        distinct_prices,
        price_variation: coefficient_of_variation(usable.iter().map(|(price, _)| *price)),
        elasticity: None,
        r_squared: None,
        verdict: Verdict::NotEnoughObservations,
    };
    if usable.len() < options.min_observations {
        return result;
    }
    if distinct_prices < options.min_distinct_prices
        || result
            .price_variation
            .is_none_or(|cv| cv < options.min_price_variation)
    {
        result.verdict = Verdict::NotEnoughVariation;
        return result;
    }
    let (slope, r_squared) = least_squares(usable.iter().map(|(p, q)| (p.ln(), q.ln())));
    result.elasticity = Some(slope);
    result.r_squared = Some(r_squared);
    result.verdict = match slope {
        s if s < -1.0 => Verdict::Elastic,
        s if s <= 0.0 => Verdict::Inelastic,
        _ => Verdict::Positive,
    };
    result
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductElasticity<P> {
    pub product: P,
    #[serde(flatten)]
    pub elasticity: Elasticity,
}

/// Estimates every product's elasticity, in product order.
pub fn by_product<P: Ord + Clone>(
    observations: &[(P, PriceObservation)],
    options: ElasticityOptions,
) -> Vec<ProductElasticity<P>> {
    let mut grouped: BTreeMap<&P, Vec<PriceObservation>> = BTreeMap::new();
    for (product, observation) in observations {
        grouped.entry(product).or_default().push(*observation);
    }
    grouped
        .into_iter()
        .map(|(product, obs)| ProductElasticity {
            product: product.clone(),
            elasticity: estimate(&obs, options),
        })
        .collect()
}

fn coefficient_of_variation(values: impl Iterator<Item = f64> + Clone) -> Option<f64> {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let variance = values.map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (n > 0.0 && mean > 0.0).then(|| variance.sqrt() / mean)
}

/// Slope and R² of y on x. The caller guarantees at least two distinct x.
fn least_squares(points: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64) {
    // A constant quantity is checked exactly: the float means below would leave a
    // residue of 1e-29 that reads as a (positive) slope.
    let mut ys = points.clone().map(|(_, y)| y);
    let first_y = ys.next();
    if ys.all(|y| Some(y) == first_y) {
        return (0.0, 1.0);
    }
    let n = points.clone().count() as f64;
    let (sum_x, sum_y) = points
        .clone()
        .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
    let (mean_x, mean_y) = (sum_x / n, sum_y / n);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in points {
        sxx += (x - mean_x).powi(2);
        sxy += (x - mean_x) * (y - mean_y);
        syy += (y - mean_y).powi(2);
    }
    let slope = sxy / sxx;
    // SS_res = Syy − slope × Sxy, so R² = slope × Sxy / Syy; Syy > 0 as y varies.
    (slope, (slope * sxy / syy).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn obs(unit_price_cents: i64, quantity: i64) -> PriceObservation {
        PriceObservation {
            unit_price_cents,
            quantity,
        }
    }

    /// q = scale × (p / 1000)^elasticity, rounded to whole units like real declarations.
    fn power_law(prices: &[i64], elasticity: f64, scale: f64) -> Vec<PriceObservation> {
        prices
            .iter()
            .map(|&p| {
                obs(
                    p,
                    (scale * (p as f64 / 1000.0).powf(elasticity)).round() as i64,
                )
            })
            .collect()
    }

    const PRICES: [i64; 10] = [1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 2000];

    #[test]
    fn recovers_a_known_elasticity_of_minus_one_and_a_half() {
        let e = estimate(
            &power_law(&PRICES, -1.5, 1000.0),
            ElasticityOptions::default(),
        );
        let slope = e.elasticity.unwrap();
        assert!((slope + 1.5).abs() < 0.01, "{slope}");
        assert!(e.r_squared.unwrap() > 0.999);
        assert_eq!(
            (e.observations, e.distinct_prices, e.verdict),
            (10, 10, Verdict::Elastic)
        );
    }

    #[test]
    fn verdict_follows_the_slope() {
        let inelastic = estimate(
            &power_law(&PRICES, -0.4, 10_000.0),
            ElasticityOptions::default(),
        );
        assert_eq!(inelastic.verdict, Verdict::Inelastic);
        let positive = estimate(
            &power_law(&PRICES, 0.8, 10_000.0),
            ElasticityOptions::default(),
        );
        assert_eq!(positive.verdict, Verdict::Positive);
    }

    #[test]
    fn flat_quantity_is_perfectly_inelastic() {
        let e = estimate(&PRICES.map(|p| obs(p, 40)), ElasticityOptions::default());
        assert_eq!(
            (e.elasticity, e.r_squared, e.verdict),
            (Some(0.0), Some(1.0), Verdict::Inelastic)
        );
    }

    #[test]
    fn too_few_observations_give_no_slope() {
        let e = estimate(
            &power_law(&PRICES[..7], -1.5, 1000.0),
            ElasticityOptions::default(),
        );
        assert_eq!(
            (e.elasticity, e.verdict),
            (None, Verdict::NotEnoughObservations)
        );
    }

    #[test]
    fn prices_that_barely_move_are_not_enough_variation() {
        // 1000..=1045 cents: population std 14.4 / mean 1022.5 = 1.4 % < 5 %.
        let prices: Vec<i64> = (0..10).map(|i| 1000 + 5 * i).collect();
        let e = estimate(
            &power_law(&prices, -1.5, 1000.0),
            ElasticityOptions::default(),
        );
        assert_eq!(
            (e.elasticity, e.verdict),
            (None, Verdict::NotEnoughVariation)
        );
        assert!((e.price_variation.unwrap() - 0.01405).abs() < 1e-4);
    }

    #[test]
    fn two_price_levels_are_not_enough_variation_however_far_apart() {
        let prices = [1000, 2000, 1000, 2000, 1000, 2000, 1000, 2000];
        let e = estimate(
            &power_law(&prices, -1.0, 1000.0),
            ElasticityOptions::default(),
        );
        assert_eq!(
            (e.distinct_prices, e.verdict),
            (2, Verdict::NotEnoughVariation)
        );
    }

    #[test]
    fn zero_or_negative_rows_are_ignored_and_counted() {
        let mut rows = power_law(&PRICES, -2.0, 5000.0);
        rows.extend([obs(0, 10), obs(1500, 0), obs(1500, -3)]);
        let e = estimate(&rows, ElasticityOptions::default());
        assert_eq!((e.observations, e.ignored), (10, 3));
        assert!((e.elasticity.unwrap() + 2.0).abs() < 0.01);
    }

    #[test]
    fn products_are_estimated_separately_in_product_order() {
        let mut rows: Vec<(&str, PriceObservation)> = power_law(&PRICES, -0.5, 9000.0)
            .into_iter()
            .map(|o| ("saw", o))
            .collect();
        rows.extend(
            power_law(&PRICES, -2.5, 9000.0)
                .into_iter()
                .map(|o| ("blade", o)),
        );
        let all = by_product(&rows, ElasticityOptions::default());
        assert_eq!(
            all.iter()
                .map(|p| (p.product, p.elasticity.verdict))
                .collect::<Vec<_>>(),
            vec![("blade", Verdict::Elastic), ("saw", Verdict::Inelastic)]
        );
    }

    proptest! {
        #[test]
        fn noise_free_power_laws_are_recovered(
            elasticity in -3.0f64..0.5,
            mut prices in prop::collection::hash_set(500i64..5000, 8..30),
        ) {
            prices.insert(500);
            prices.insert(5000); // keeps the price variation well above 5 %
            let prices: Vec<i64> = prices.into_iter().collect();
            let e = estimate(&power_law(&prices, elasticity, 1e6), ElasticityOptions::default());
            let slope = e.elasticity.unwrap();
            prop_assert!((slope - elasticity).abs() < 0.01, "{} vs {}", slope, elasticity);
        }
    }
}
