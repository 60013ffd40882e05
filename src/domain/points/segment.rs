//! Who takes part in a challenge, which rules apply to whom, and in which league each participant plays.
//!
//! The segment enums mirror `domain::network` (same variant names, same serde form) so that they can be
//! swapped for re-exports of those types when the module moves into the app.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResellerType {
    Distributor,
    Reseller,
    Franchisee,
}

/// Whether the reseller sells only this manufacturer's brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BrandOrganisation {
    Mono,
    Multi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Potential {
    A,
    B,
    C,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResellerStatus {
    Prospect,
    Active,
    Inactive,
}

/// What the engine needs to know about a reseller: its id and its segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResellerFacts {
    pub id: i64,
    pub reseller_type: ResellerType,
    pub brand_organisation: BrandOrganisation,
    pub region: String,
    pub potential: Potential,
    pub status: ResellerStatus,
}

/// A set of resellers, used both for a challenge's eligibility and for a rule's target.
///
/// Each non-empty list is a condition (the reseller's value must be in it); all conditions must hold.
/// An empty list does not restrict, so the default filter matches everyone. A hand-picked list of
/// resellers is `reseller_ids` alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SegmentFilter {
    pub reseller_types: Vec<ResellerType>,
    pub brand_organisations: Vec<BrandOrganisation>,
    /// Compared trimmed and case-insensitively: region names come from hand-edited network files.
    pub regions: Vec<String>,
    pub potentials: Vec<Potential>,
    pub statuses: Vec<ResellerStatus>,
    pub reseller_ids: Vec<i64>,
}

impl SegmentFilter {
    pub fn matches(&self, r: &ResellerFacts) -> bool {
        fn allows<T: PartialEq>(list: &[T], value: &T) -> bool {
            list.is_empty() || list.contains(value)
        }
        allows(&self.reseller_types, &r.reseller_type)
            && allows(&self.brand_organisations, &r.brand_organisation)
            && allows(&self.potentials, &r.potential)
            && allows(&self.statuses, &r.status)
            && allows(&self.reseller_ids, &r.id)
            && (self.regions.is_empty()
                || self
                    .regions
                    .iter()
                    .any(|region| region.trim().eq_ignore_ascii_case(r.region.trim())))
    }
}

/// A league groups comparable participants so that small resellers are not ranked against distributors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct League {
    pub reseller_type: ResellerType,
    pub potential: Potential,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeagueMode {
    /// One overall leaderboard only.
    #[default]
    None,
    /// One league per reseller type × potential (e.g. "reseller, A"), assigned automatically.
    TypeAndPotential,
}

impl LeagueMode {
    pub fn league_of(self, r: &ResellerFacts) -> Option<League> {
        match self {
            LeagueMode::None => None,
            LeagueMode::TypeAndPotential => Some(League {
                reseller_type: r.reseller_type,
                potential: r.potential,
            }),
        }
    }
}

#[cfg(test)]
pub(super) fn reseller(
    id: i64,
    t: ResellerType,
    b: BrandOrganisation,
    p: Potential,
) -> ResellerFacts {
    ResellerFacts {
        id,
        reseller_type: t,
        brand_organisation: b,
        region: "Bretagne".into(),
        potential: p,
        status: ResellerStatus::Active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filter_matches_everyone() {
        let r = reseller(
            1,
            ResellerType::Reseller,
            BrandOrganisation::Mono,
            Potential::C,
        );
        assert!(SegmentFilter::default().matches(&r));
    }

    #[test]
    fn every_non_empty_condition_must_hold() {
        let r = reseller(
            7,
            ResellerType::Reseller,
            BrandOrganisation::Multi,
            Potential::A,
        );
        let multi_a = SegmentFilter {
            brand_organisations: vec![BrandOrganisation::Multi],
            potentials: vec![Potential::A, Potential::B],
            ..Default::default()
        };
        assert!(multi_a.matches(&r));
        let distributors = SegmentFilter {
            reseller_types: vec![ResellerType::Distributor],
            ..multi_a.clone()
        };
        assert!(!distributors.matches(&r));
        let active_only = SegmentFilter {
            statuses: vec![ResellerStatus::Active],
            ..Default::default()
        };
        let mut prospect = r.clone();
        prospect.status = ResellerStatus::Prospect;
        assert!(active_only.matches(&r));
        assert!(!active_only.matches(&prospect));
    }

    #[test]
    fn regions_compare_loosely_and_hand_picked_lists_work() {
        let r = reseller(
            7,
            ResellerType::Reseller,
            BrandOrganisation::Multi,
            Potential::A,
        );
        let west = SegmentFilter {
            regions: vec![" bretagne ".into()],
            ..Default::default()
        };
        assert!(west.matches(&r));
        let picked = SegmentFilter {
            reseller_ids: vec![3, 7],
            ..Default::default()
        };
        assert!(picked.matches(&r));
        let others = SegmentFilter {
            reseller_ids: vec![3, 8],
            ..Default::default()
        };
        assert!(!others.matches(&r));
    }

    #[test]
    fn leagues_are_type_times_potential_or_none() {
        let r = reseller(
            7,
            ResellerType::Franchisee,
            BrandOrganisation::Multi,
            Potential::B,
        );
        assert_eq!(LeagueMode::None.league_of(&r), None);
        assert_eq!(
            LeagueMode::TypeAndPotential.league_of(&r),
            Some(League {
                reseller_type: ResellerType::Franchisee,
                potential: Potential::B
            })
        );
    }
}
