//! The reseller network's vocabulary: roles, reseller segments and statuses.

use super::text_enum;

text_enum!(
    /// What a user is allowed to do.
    Role { Admin => "admin", Manager => "manager", Reseller => "reseller" }
);
text_enum!(ResellerType { Distributor => "distributor", Reseller => "reseller", Franchisee => "franchisee" });
text_enum!(
    /// Whether the reseller sells only this manufacturer's brand.
    BrandOrganisation { Mono => "mono", Multi => "multi" }
);
text_enum!(Potential { A => "A", B => "B", C => "C" });
text_enum!(ResellerStatus { Prospect => "prospect", Active => "active", Inactive => "inactive" });
text_enum!(CustomerType { Individual => "individual", Landscaper => "landscaper", LocalAuthority => "local_authority", Business => "business", Other => "other" });
text_enum!(Channel { Store => "store", Online => "online" });
text_enum!(
    /// Who entered a declaration line: the reseller itself (form, file, API) or staff on its behalf.
    Source { Form => "form", File => "file", Api => "api", Staff => "staff" }
);

impl Role {
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

impl ResellerType {
    /// Accepts the French words too, as found in manufacturers' network files.
    pub fn parse_any(s: &str) -> Option<Self> {
        Self::parse(s).or_else(|| match fold(s).as_str() {
            "distributeur" | "grossiste" => Some(Self::Distributor),
            "revendeur" | "magasin" | "detaillant" => Some(Self::Reseller),
            "franchise" | "franchisee" => Some(Self::Franchisee),
            _ => None,
        })
    }
}

impl BrandOrganisation {
    pub fn parse_any(s: &str) -> Option<Self> {
        Self::parse(s).or_else(|| match fold(s).replace([' ', '_'], "-").as_str() {
            "mono-brand" | "mono-marque" | "monomarque" | "exclusive" | "exclusif" => {
                Some(Self::Mono)
            }
            "multi-brand" | "multi-marques" | "multi-marque" | "multimarque" | "multimarques" => {
                Some(Self::Multi)
            }
            _ => None,
        })
    }
}

impl ResellerStatus {
    pub fn parse_any(s: &str) -> Option<Self> {
        Self::parse(s).or_else(|| match fold(s).as_str() {
            "actif" => Some(Self::Active),
            "inactif" => Some(Self::Inactive),
            _ => None,
        })
    }
}

/// Lowercases and strips the French accents that appear in segment names.
fn fold(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_values_parse_in_english_and_french() {
        assert_eq!(
            ResellerType::parse_any("Distributeur"),
            Some(ResellerType::Distributor)
        );
        assert_eq!(
            ResellerType::parse_any("franchisé"),
            Some(ResellerType::Franchisee)
        );
        assert_eq!(
            BrandOrganisation::parse_any("Multi-marques"),
            Some(BrandOrganisation::Multi)
        );
        assert_eq!(
            BrandOrganisation::parse_any("mono"),
            Some(BrandOrganisation::Mono)
        );
        assert_eq!(
            ResellerStatus::parse_any("Actif"),
            Some(ResellerStatus::Active)
        );
        assert_eq!(Potential::parse("a"), Some(Potential::A));
        assert_eq!(ResellerType::parse_any("wholesaler?"), None);
    }

    #[test]
    fn every_value_round_trips_through_text() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(*s));
        }
    }
}
