//! A reseller's anonymised benchmark against its peers (the league on `/my/insights`).
//!
//! The reseller sees where it stands against the median of the other resellers of its
//! league, never any single peer's figure. Hence the floors: with fewer than
//! [`MIN_PEERS`] peers there is no benchmark at all (with two peers and its own value,
//! a reseller could solve for the other one's), and the 95th percentile is shown only
//! from [`MIN_PEERS_FOR_P95`] peers, because below that it is mostly the top peer's
//! value (with 3 peers it lies 90 % of the way from the second to the first).

use serde::Serialize;

use super::stats::spread;

pub const MIN_PEERS: usize = 3;
pub const MIN_PEERS_FOR_P95: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PeerBenchmark {
    /// Peers with a value, the reseller itself excluded.
    pub peers: usize,
    pub peer_median: f64,
    pub peer_p95: Option<f64>,
    /// The reseller's own value, if it has one.
    pub value: Option<f64>,
    /// How far the reseller is above (+) or below (−) the peer median, in percent of it;
    /// `None` without a value or when the median is 0.
    pub difference_pct: Option<f64>,
}

/// Benchmarks `reseller` against every other key in `values` (one row per reseller).
/// Non-finite values are not peers: they come from a division by zero upstream.
pub fn peer_benchmark<K: Eq>(values: &[(K, f64)], reseller: &K) -> Option<PeerBenchmark> {
    let peer_values: Vec<f64> = values
        .iter()
        .filter(|(key, value)| key != reseller && value.is_finite())
        .map(|(_, value)| *value)
        .collect();
    // `spread` also leaves non-finite values out; filtering first makes `n` the peers.
    let spread = spread(&peer_values).filter(|spread| spread.n >= MIN_PEERS)?;
    let peer_median = spread.p50;
    let value = values
        .iter()
        .find(|(key, _)| key == reseller)
        .map(|(_, value)| *value);
    Some(PeerBenchmark {
        peers: spread.n,
        peer_median,
        peer_p95: (spread.n >= MIN_PEERS_FOR_P95).then_some(spread.p95),
        value,
        difference_pct: value
            .filter(|_| peer_median != 0.0)
            .map(|value| (value - peer_median) / peer_median.abs() * 100.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_leaves_the_reseller_out() {
        // Peers 10, 20, 40 → median 20; including the reseller's 1000 would give 30.
        let values = [("me", 1000.0), ("a", 10.0), ("b", 40.0), ("c", 20.0)];
        let b = peer_benchmark(&values, &"me").unwrap();
        assert_eq!(b.peers, 3);
        assert_eq!(b.peer_median, 20.0);
        assert_eq!(b.value, Some(1000.0));
        assert_eq!(b.difference_pct, Some(4900.0));
    }

    #[test]
    fn fewer_than_three_peers_give_no_benchmark() {
        let values = [("me", 5.0), ("a", 10.0), ("b", 40.0)];
        assert_eq!(peer_benchmark(&values, &"me"), None);
        // A peer without a usable value does not count towards the three.
        let values = [("me", 5.0), ("a", 10.0), ("b", 40.0), ("c", f64::NAN)];
        assert_eq!(peer_benchmark(&values, &"me"), None);
    }

    #[test]
    fn reseller_without_a_value_still_sees_the_peers() {
        let values = [("a", 10.0), ("b", 30.0), ("c", 20.0), ("d", 40.0)];
        let b = peer_benchmark(&values, &"me").unwrap();
        assert_eq!(
            (b.peers, b.peer_median, b.value, b.difference_pct),
            (4, 25.0, None, None)
        );
    }

    #[test]
    fn p95_appears_only_from_twenty_peers() {
        let mut values: Vec<(u32, f64)> = (1..=19).map(|k| (k, f64::from(k))).collect();
        assert_eq!(peer_benchmark(&values, &0).unwrap().peer_p95, None);
        values.push((20, 20.0));
        // 1..=20: rank 0.95 × 19 = 18.05 → 19 + 0.05 = 19.05.
        let p95 = peer_benchmark(&values, &0).unwrap().peer_p95.unwrap();
        assert!((p95 - 19.05).abs() < 1e-12);
    }

    #[test]
    fn below_median_is_a_negative_difference() {
        let values = [("me", 15.0), ("a", 10.0), ("b", 20.0), ("c", 30.0)];
        assert_eq!(
            peer_benchmark(&values, &"me").unwrap().difference_pct,
            Some(-25.0)
        );
    }
}
