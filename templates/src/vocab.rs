//! The product's vocabulary as enums the views can label in either language.
//!
//! Each enum's code (`as_str`) is the word used in the database, URLs and forms, so handlers can
//! convert from their own domain types through the string without this crate depending on them.

use serde::{Deserialize, Serialize};

use crate::i18n::{t, Lang};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $key:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order they are offered in selects.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in the database, URLs and form values.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code as produced by [`Self::as_str`].
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The label shown to users.
            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$variant => t(lang, $key)),+ }
            }

            /// `(code, label)` pairs for a select or a filter.
            pub fn options(lang: Lang) -> Vec<(String, String)> {
                Self::ALL
                    .iter()
                    .map(|v| (v.as_str().to_string(), v.label(lang).to_string()))
                    .collect()
            }
        }
    };
}

vocabulary! {
    /// What a user may do in a tenant.
    Role {
        Admin => "admin", "role.admin";
        Manager => "manager", "role.manager";
        Reseller => "reseller", "role.reseller";
    }
}

impl Role {
    /// Admins and channel managers work for the manufacturer; reseller users do not.
    pub fn is_manufacturer(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

vocabulary! {
    /// How a reseller sits in the distribution chain.
    ResellerType {
        Distributor => "distributor", "reseller_type.distributor";
        Reseller => "reseller", "reseller_type.reseller";
        Franchisee => "franchisee", "reseller_type.franchisee";
    }
}

vocabulary! {
    /// Whether a reseller sells only this manufacturer's brand.
    BrandOrganisation {
        MonoBrand => "mono_brand", "organisation.mono_brand";
        MultiBrand => "multi_brand", "organisation.multi_brand";
    }
}

vocabulary! {
    /// The manufacturer's estimate of a reseller's sales potential.
    Potential {
        A => "a", "potential.a";
        B => "b", "potential.b";
        C => "c", "potential.c";
    }
}

vocabulary! {
    /// Where a reseller is in the relationship.
    ResellerStatus {
        Prospect => "prospect", "reseller_status.prospect";
        Active => "active", "reseller_status.active";
        Inactive => "inactive", "reseller_status.inactive";
    }
}

vocabulary! {
    /// Who bought from the reseller.
    CustomerType {
        Individual => "individual", "customer_type.individual";
        Landscaper => "landscaper", "customer_type.landscaper";
        LocalAuthority => "local_authority", "customer_type.local_authority";
        Business => "business", "customer_type.business";
    }
}

vocabulary! {
    /// Where a sale happened.
    Channel {
        Store => "store", "channel.store";
        Online => "online", "channel.online";
    }
}

vocabulary! {
    /// How recently a reseller declared, the colour code used on maps, lists and badges.
    Recency {
        Active => "active", "recency.active";
        FollowUp => "follow_up", "recency.follow_up";
        Lapsed => "lapsed", "recency.lapsed";
        NeverDeclared => "never_declared", "recency.never_declared";
        Prospect => "prospect", "recency.prospect";
    }
}

impl Recency {
    /// The colour name used in CSS classes (`badge-green`…) and map markers.
    pub fn colour(self) -> &'static str {
        match self {
            Recency::Active => "green",
            Recency::FollowUp => "yellow",
            Recency::Lapsed => "red",
            Recency::NeverDeclared => "purple",
            Recency::Prospect => "blue",
        }
    }

    /// The colour as a hex value, for SVG maps and charts where classes don't reach.
    pub fn hex(self) -> &'static str {
        match self {
            Recency::Active => "#2e7d32",
            Recency::FollowUp => "#f9a825",
            Recency::Lapsed => "#c62828",
            Recency::NeverDeclared => "#6a1b9a",
            Recency::Prospect => "#1565c0",
        }
    }
}

vocabulary! {
    /// Whether a user has accepted their invitation.
    UserStatus {
        Invited => "invited", "user_status.invited";
        Active => "active", "user_status.active";
        Disabled => "disabled", "user_status.disabled";
    }
}

vocabulary! {
    /// Where an import or a declaration stands, as shown to the reseller.
    SubmissionStatus {
        Preview => "preview", "submission.preview";
        Committed => "committed", "submission.committed";
        AwaitingReview => "awaiting_review", "submission.awaiting_review";
        Accepted => "accepted", "submission.accepted";
        Rejected => "rejected", "submission.rejected";
        Failed => "failed", "submission.failed";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_every_value_has_labels() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
            label: fn(T, Lang) -> &'static str,
        ) {
            for &v in all {
                assert_eq!(parse(code(v)), Some(v));
                for lang in Lang::ALL {
                    assert!(!label(v, lang).is_empty());
                }
            }
        }
        check(Role::ALL, Role::as_str, Role::parse, Role::label);
        check(
            ResellerType::ALL,
            ResellerType::as_str,
            ResellerType::parse,
            ResellerType::label,
        );
        check(
            BrandOrganisation::ALL,
            BrandOrganisation::as_str,
            BrandOrganisation::parse,
            BrandOrganisation::label,
        );
        check(
            Potential::ALL,
            Potential::as_str,
            Potential::parse,
            Potential::label,
        );
        check(
            ResellerStatus::ALL,
            ResellerStatus::as_str,
            ResellerStatus::parse,
            ResellerStatus::label,
        );
        check(
            CustomerType::ALL,
            CustomerType::as_str,
            CustomerType::parse,
            CustomerType::label,
        );
        check(
            Channel::ALL,
            Channel::as_str,
            Channel::parse,
            Channel::label,
        );
        check(
            Recency::ALL,
            Recency::as_str,
            Recency::parse,
            Recency::label,
        );
        check(
            UserStatus::ALL,
            UserStatus::as_str,
            UserStatus::parse,
            UserStatus::label,
        );
        check(
            SubmissionStatus::ALL,
            SubmissionStatus::as_str,
            SubmissionStatus::parse,
            SubmissionStatus::label,
        );
    }

    #[test]
    fn vocabulary_matches_the_product_words() {
        assert_eq!(Role::Manager.label(Lang::Fr), "Animateur réseau");
        assert_eq!(CustomerType::LocalAuthority.label(Lang::Fr), "Collectivité");
        assert_eq!(Recency::FollowUp.label(Lang::Fr), "À relancer (2–4 mois)");
        assert_eq!(
            BrandOrganisation::MultiBrand.label(Lang::Fr),
            "Multi-marques"
        );
    }
}
