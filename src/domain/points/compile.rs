//! Turns a definition, the network and the catalogue into lookup tables, once, so that the per-line loop
//! does two hash look-ups and a few bit operations instead of evaluating filters.
//!
//! A rule applies to a line when its bit is set both in the participant's mask (segment filter) and in the
//! product's mask (product filter).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::def::{ChallengeDef, RuleKind};
use super::segment::{League, ResellerFacts};
use super::validate::DefError;

/// A product as the engine sees it: lines name a product id; categories come from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFacts {
    pub id: i64,
    pub category: String,
}

/// A fast hasher for database ids: they are not attacker-chosen hash-flooding material here (they are
/// our own primary keys), and SipHash would be the slowest step of the per-line loop.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_i64(&mut self, n: i64) {
        let x = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 29);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ProductMask {
    pub rules: u64,
    /// The product counts toward the tier basis.
    pub tiers: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Participant {
    pub reseller_id: i64,
    pub league: Option<League>,
    pub rules: u64,
}

/// A definition ready to run. Build once, compute as often as needed (live, backtest, per reseller).
#[derive(Debug, Clone)]
pub struct Engine {
    pub(super) def: ChallengeDef,
    /// Eligible resellers, sorted by id.
    pub(super) participants: Vec<Participant>,
    pub(super) participant_index: IdMap<u32>,
    pub(super) products: IdMap<ProductMask>,
    /// For a product missing from the catalogue: only filters without products match it.
    pub(super) unknown_product: ProductMask,
    pub(super) multipliers: u64,
}

impl Engine {
    pub fn new(
        def: &ChallengeDef,
        resellers: &[ResellerFacts],
        products: &[ProductFacts],
    ) -> Result<Engine, Vec<DefError>> {
        def.validate()?;
        let mut participants: Vec<Participant> = resellers
            .iter()
            .filter(|r| def.eligibility.matches(r))
            .map(|r| Participant {
                reseller_id: r.id,
                league: def.league_mode.league_of(r),
                rules: mask(def.rules.iter().map(|rule| rule.segment.matches(r))),
            })
            .collect();
        participants.sort_by_key(|p| p.reseller_id);
        participants.dedup_by_key(|p| p.reseller_id);
        let participant_index = participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.reseller_id, i as u32))
            .collect();

        let tier_filter = def.tiers.as_ref().map(|t| &t.products);
        let product_mask = |id: i64, category: Option<&str>| ProductMask {
            rules: mask(
                def.rules
                    .iter()
                    .map(|rule| rule.products.matches(id, category)),
            ),
            tiers: tier_filter.is_some_and(|f| f.matches(id, category)),
        };
        let mut table: IdMap<ProductMask> = IdMap::default();
        for p in products {
            table.insert(p.id, product_mask(p.id, Some(&p.category)));
        }
        // Ids named in filters but absent from the catalogue still match by id.
        let named_ids = def
            .rules
            .iter()
            .map(|r| &r.products)
            .chain(tier_filter)
            .flat_map(|f| f.product_ids.iter().copied());
        for id in named_ids {
            table.entry(id).or_insert_with(|| product_mask(id, None));
        }
        let multipliers = mask(
            def.rules
                .iter()
                .map(|r| matches!(r.kind, RuleKind::Multiplier { .. })),
        );
        Ok(Engine {
            def: def.clone(),
            participants,
            participant_index,
            products: table,
            unknown_product: product_mask(i64::MIN, None),
            multipliers,
        })
    }

    pub fn def(&self) -> &ChallengeDef {
        &self.def
    }

    pub(super) fn product_mask(&self, product_id: i64) -> ProductMask {
        self.products
            .get(&product_id)
            .copied()
            .unwrap_or(self.unknown_product)
    }
}

fn mask(bits: impl Iterator<Item = bool>) -> u64 {
    bits.enumerate()
        .fold(0, |m, (i, on)| if on { m | (1 << i) } else { m })
}

#[cfg(test)]
mod tests {
    use super::super::def::{ProductFilter, Rule};
    use super::super::segment::{
        reseller, BrandOrganisation, Potential, ResellerType, SegmentFilter,
    };
    use super::super::tests_support::challenge;
    use super::*;

    fn def(rules: Vec<Rule>) -> ChallengeDef {
        let eligibility = SegmentFilter {
            potentials: vec![Potential::A, Potential::B],
            ..Default::default()
        };
        ChallengeDef {
            rules,
            eligibility,
            ..challenge()
        }
    }

    #[test]
    fn masks_resolve_segments_categories_and_ids() {
        let mowers = Rule {
            label: String::new(),
            kind: RuleKind::PerUnit { points: 1 },
            products: ProductFilter {
                product_ids: vec![99],
                categories: vec!["mowers".into()],
            },
            segment: Default::default(),
        };
        let multi = Rule {
            kind: RuleKind::Multiplier {
                factor_permille: 1500,
            },
            products: Default::default(),
            segment: SegmentFilter {
                brand_organisations: vec![BrandOrganisation::Multi],
                ..Default::default()
            },
            ..mowers.clone()
        };
        let resellers = [
            reseller(
                2,
                ResellerType::Reseller,
                BrandOrganisation::Multi,
                Potential::A,
            ),
            reseller(
                1,
                ResellerType::Reseller,
                BrandOrganisation::Mono,
                Potential::B,
            ),
            reseller(
                3,
                ResellerType::Reseller,
                BrandOrganisation::Multi,
                Potential::C,
            ),
        ];
        let products = [
            ProductFacts {
                id: 10,
                category: "mowers".into(),
            },
            ProductFacts {
                id: 11,
                category: "hedge".into(),
            },
        ];
        let e = Engine::new(&def(vec![mowers, multi]), &resellers, &products).unwrap();
        let ids: Vec<i64> = e.participants.iter().map(|p| p.reseller_id).collect();
        assert_eq!(ids, [1, 2], "potential C is not eligible; sorted by id");
        assert_eq!(
            e.participants[0].rules, 0b01,
            "the mono-brand reseller gets no multiplier"
        );
        assert_eq!(e.participants[1].rules, 0b11);
        assert_eq!(e.product_mask(10).rules, 0b11);
        assert_eq!(e.product_mask(11).rules, 0b10);
        assert_eq!(
            e.product_mask(99).rules,
            0b11,
            "named id outside the catalogue"
        );
        assert_eq!(
            e.product_mask(12345).rules,
            0b10,
            "unknown product: only unfiltered rules"
        );
        assert_eq!(e.multipliers, 0b10);
    }
}
