//! The editor's typed strings ↔ the engine's `ChallengeDef`. Errors are keyed by the form's field
//! names so they show next to the field; the engine's own validation codes are mapped too.

use crate::db::challenges::Header;
use crate::domain::points::def::{
    Caps, ChallengeDef, ProductFilter, QualityRequirement, Rule, RuleKind, Tier, TierBasis,
    TierPayout, TierSchedule,
};
use crate::domain::points::segment::{
    BrandOrganisation, LeagueMode, Potential, ResellerStatus, ResellerType, SegmentFilter,
};
use chrono::NaiveDate;
use relais_templates::components::{FieldError, FieldErrors};
use relais_templates::pages::challenges::{ChallengeFormValues, RuleFormRow, TierFormRow};

/// The header fields, owned (the store borrows them as [`Header`]).
#[derive(Debug, Clone)]
pub struct HeaderValues {
    pub name: String,
    pub description: String,
    pub show_names: bool,
    pub point_value_cents: i64,
    pub validity_months: Option<i64>,
    /// Hand-picked codes, resolved to ids by the caller.
    pub codes: Vec<String>,
}

impl HeaderValues {
    pub fn header(&self, def: &ChallengeDef) -> Header<'_> {
        Header {
            name: &self.name,
            description: &self.description,
            start: def.start,
            end: def.end,
            show_names: self.show_names,
            point_value_cents: self.point_value_cents,
            validity_months: self.validity_months,
        }
    }
}

fn int(errors: &mut FieldErrors, field: &str, raw: &str, min: i64, required: bool) -> Option<i64> {
    let raw = raw.trim().replace([' ', '\u{a0}'], "");
    if raw.is_empty() {
        if required {
            errors.add(field, FieldError::Required);
        }
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if n >= min => Some(n),
        Ok(_) => {
            errors.add(
                field,
                FieldError::OutOfRange {
                    min,
                    max: i64::from(i32::MAX),
                },
            );
            None
        }
        Err(_) => {
            errors.add(field, FieldError::InvalidNumber);
            None
        }
    }
}

/// "1.5" or "1,5" → 1500 permille.
fn permille(raw: &str) -> Option<i64> {
    let raw = raw.trim().replace(',', ".");
    let x: f64 = raw.parse().ok()?;
    (x.is_finite() && x > 0.0 && x <= 100.0).then(|| (x * 1000.0).round() as i64)
}

fn list(raw: &str) -> Vec<String> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn reseller_type(code: &str) -> Option<ResellerType> {
    Some(match code {
        "distributor" => ResellerType::Distributor,
        "reseller" => ResellerType::Reseller,
        "franchisee" => ResellerType::Franchisee,
        _ => return None,
    })
}

fn brand(code: &str) -> Option<BrandOrganisation> {
    Some(match code {
        "mono_brand" => BrandOrganisation::Mono,
        "multi_brand" => BrandOrganisation::Multi,
        _ => return None,
    })
}

fn potential(code: &str) -> Option<Potential> {
    Some(match code {
        "a" => Potential::A,
        "b" => Potential::B,
        "c" => Potential::C,
        _ => return None,
    })
}

fn status(code: &str) -> Option<ResellerStatus> {
    Some(match code {
        "prospect" => ResellerStatus::Prospect,
        "active" => ResellerStatus::Active,
        "inactive" => ResellerStatus::Inactive,
        _ => return None,
    })
}

fn rule(errors: &mut FieldErrors, i: usize, r: &RuleFormRow) -> Option<Rule> {
    let f = |name: &str| format!("rule.{i}.{name}");
    let points = |errors: &mut FieldErrors| int(errors, &f("points"), &r.points, 0, true);
    let kind = match r.kind.as_str() {
        "per_unit" => RuleKind::PerUnit {
            points: points(errors)?,
        },
        "per_amount" => {
            let step = int(
                errors,
                &f("per_amount"),
                if r.per_amount.trim().is_empty() {
                    "1"
                } else {
                    &r.per_amount
                },
                1,
                true,
            );
            RuleKind::PerAmount {
                points: points(errors)?,
                per_cents: step? * 100,
            }
        }
        "quality" => RuleKind::Quality {
            points: points(errors)?,
            requires: match r.requires.as_str() {
                "customer_details" => QualityRequirement::CustomerDetails,
                "feedback" => QualityRequirement::Feedback,
                "both" => QualityRequirement::Both,
                _ => QualityRequirement::Either,
            },
        },
        "timeliness" => RuleKind::Timeliness {
            points: points(errors)?,
            within_days: int(errors, &f("within_days"), &r.within_days, 0, true)?,
        },
        "multiplier" => match permille(&r.factor) {
            Some(factor_permille) => RuleKind::Multiplier { factor_permille },
            None => {
                errors.add(f("factor"), FieldError::InvalidNumber);
                return None;
            }
        },
        _ => {
            errors.add(f("kind"), FieldError::InvalidChoice);
            return None;
        }
    };
    Some(Rule {
        label: r.label.trim().to_string(),
        kind,
        products: ProductFilter {
            product_ids: vec![],
            categories: list(&r.categories),
        },
        segment: SegmentFilter {
            reseller_types: reseller_type(&r.seg_type).into_iter().collect(),
            brand_organisations: brand(&r.seg_brand).into_iter().collect(),
            potentials: potential(&r.seg_potential).into_iter().collect(),
            ..Default::default()
        },
    })
}

/// Parses the form. `hand_picked` are the ids of `elig_codes` (resolved by the caller, which
/// reports unknown codes). Returns the definition (id and version left to the caller) and header.
pub fn parse(
    v: &ChallengeFormValues,
    hand_picked: Vec<i64>,
) -> Result<(ChallengeDef, HeaderValues), FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = v.name.trim().to_string();
    if name.is_empty() {
        errors.add("name", FieldError::Required);
    } else if name.chars().count() > 200 {
        errors.add("name", FieldError::TooLong { max: 200 });
    }
    let date = |errors: &mut FieldErrors, field: &str, raw: &str| match NaiveDate::parse_from_str(
        raw.trim(),
        "%Y-%m-%d",
    ) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                field,
                if raw.trim().is_empty() {
                    FieldError::Required
                } else {
                    FieldError::InvalidChoice
                },
            );
            None
        }
    };
    let start = date(&mut errors, "start", &v.start);
    let end = date(&mut errors, "end", &v.end);
    let point_value_cents = int(
        &mut errors,
        "point_value_cents",
        if v.point_value_cents.trim().is_empty() {
            "1"
        } else {
            &v.point_value_cents
        },
        0,
        true,
    );
    let validity_months = int(&mut errors, "validity_months", &v.validity_months, 0, false);
    let rules: Vec<Rule> = v
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| rule(&mut errors, i, r))
        .collect();
    let tiers = match v.tier_basis.as_str() {
        "units" | "amount" => {
            let amount = v.tier_basis == "amount";
            let levels: Vec<Tier> = v
                .tiers
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let threshold = int(
                        &mut errors,
                        &format!("tier.{i}.threshold"),
                        &t.threshold,
                        0,
                        true,
                    )?;
                    let bonus = int(&mut errors, &format!("tier.{i}.bonus"), &t.bonus, 0, true)?;
                    Some(Tier {
                        threshold: if amount { threshold * 100 } else { threshold },
                        bonus,
                    })
                })
                .collect();
            Some(TierSchedule {
                basis: if amount {
                    TierBasis::Amount
                } else {
                    TierBasis::Units
                },
                cumulative: v.tier_cumulative,
                payout: match v.tier_payout.as_str() {
                    "all_sales" => TierPayout::AllSales,
                    "above_threshold" => TierPayout::AboveThreshold,
                    _ => TierPayout::Flat,
                },
                per_cents: 100,
                products: ProductFilter::default(),
                levels,
            })
        }
        _ => None,
    };
    let caps = Caps {
        per_participant: int(&mut errors, "cap_participant", &v.cap_participant, 0, false),
        per_participant_month: int(&mut errors, "cap_month", &v.cap_month, 0, false),
        budget: int(&mut errors, "budget", &v.budget, 0, false),
    };
    let eligibility = SegmentFilter {
        reseller_types: v
            .elig_types
            .iter()
            .filter_map(|c| reseller_type(c))
            .collect(),
        brand_organisations: v.elig_brands.iter().filter_map(|c| brand(c)).collect(),
        regions: list(&v.elig_regions),
        potentials: v
            .elig_potentials
            .iter()
            .filter_map(|c| potential(c))
            .collect(),
        statuses: v.elig_statuses.iter().filter_map(|c| status(c)).collect(),
        reseller_ids: hand_picked,
    };
    let (Some(start), Some(end), Some(point_value_cents)) = (start, end, point_value_cents) else {
        return Err(errors);
    };
    let def = ChallengeDef {
        id: 0,
        name: name.clone(),
        status: Default::default(),
        start,
        end,
        version: 1,
        eligibility,
        league_mode: if v.league_mode == "type_and_potential" {
            LeagueMode::TypeAndPotential
        } else {
            LeagueMode::None
        },
        rules,
        tiers,
        caps,
    };
    if let Err(problems) = def.validate() {
        for p in problems {
            let json = serde_json::to_value(&p).unwrap_or_default();
            let code = json
                .get("code")
                .and_then(|c| c.as_str())
                .unwrap_or("invalid")
                .to_string();
            let field = match (code.as_str(), json.get("rule").and_then(|r| r.as_u64())) {
                ("end_before_start", _) => "end".to_string(),
                ("negative_cap", _) => "cap_participant".to_string(),
                (_, Some(i)) => format!("rule.{i}.points"),
                (c, None) if c.contains("tier") => "tier_basis".to_string(),
                _ => "name".to_string(),
            };
            errors.add(field, FieldError::Message(code));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let header = HeaderValues {
        name,
        description: v.description.trim().to_string(),
        show_names: v.show_names,
        point_value_cents,
        validity_months,
        codes: list(&v.elig_codes),
    };
    Ok((def, header))
}

fn type_code(t: ResellerType) -> &'static str {
    match t {
        ResellerType::Distributor => "distributor",
        ResellerType::Reseller => "reseller",
        ResellerType::Franchisee => "franchisee",
    }
}

fn brand_code(b: BrandOrganisation) -> &'static str {
    match b {
        BrandOrganisation::Mono => "mono_brand",
        BrandOrganisation::Multi => "multi_brand",
    }
}

fn potential_code(p: Potential) -> &'static str {
    match p {
        Potential::A => "a",
        Potential::B => "b",
        Potential::C => "c",
    }
}

fn status_code(s: ResellerStatus) -> &'static str {
    match s {
        ResellerStatus::Prospect => "prospect",
        ResellerStatus::Active => "active",
        ResellerStatus::Inactive => "inactive",
    }
}

/// The form as it shows a stored challenge. `codes` are the hand-picked resellers' codes.
pub fn values(
    def: &ChallengeDef,
    c: &crate::db::challenges::ChallengeRow,
    codes: &[String],
) -> ChallengeFormValues {
    let first = |v: &[String]| v.first().cloned().unwrap_or_default();
    let rules = def
        .rules
        .iter()
        .map(|r| {
            let mut row = RuleFormRow {
                label: r.label.clone(),
                categories: r.products.categories.join(", "),
                seg_type: first(
                    &r.segment
                        .reseller_types
                        .iter()
                        .map(|t| type_code(*t).to_string())
                        .collect::<Vec<_>>(),
                ),
                seg_brand: first(
                    &r.segment
                        .brand_organisations
                        .iter()
                        .map(|b| brand_code(*b).to_string())
                        .collect::<Vec<_>>(),
                ),
                seg_potential: first(
                    &r.segment
                        .potentials
                        .iter()
                        .map(|p| potential_code(*p).to_string())
                        .collect::<Vec<_>>(),
                ),
                per_amount: "1".into(),
                ..Default::default()
            };
            match r.kind {
                RuleKind::PerUnit { points } => {
                    (row.kind, row.points) = ("per_unit".into(), points.to_string())
                }
                RuleKind::PerAmount { points, per_cents } => {
                    (row.kind, row.points, row.per_amount) = (
                        "per_amount".into(),
                        points.to_string(),
                        (per_cents / 100).max(1).to_string(),
                    )
                }
                RuleKind::Quality { points, requires } => {
                    row.kind = "quality".into();
                    row.points = points.to_string();
                    row.requires = match requires {
                        QualityRequirement::CustomerDetails => "customer_details",
                        QualityRequirement::Feedback => "feedback",
                        QualityRequirement::Both => "both",
                        QualityRequirement::Either => "either",
                    }
                    .into();
                }
                RuleKind::Timeliness {
                    points,
                    within_days,
                } => {
                    (row.kind, row.points, row.within_days) = (
                        "timeliness".into(),
                        points.to_string(),
                        within_days.to_string(),
                    )
                }
                RuleKind::Multiplier { factor_permille } => {
                    (row.kind, row.factor) = (
                        "multiplier".into(),
                        format!("{}", factor_permille as f64 / 1000.0),
                    )
                }
            }
            row
        })
        .collect();
    let amount = def
        .tiers
        .as_ref()
        .is_some_and(|t| t.basis == TierBasis::Amount);
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    ChallengeFormValues {
        name: c.name.clone(),
        description: c.description.clone(),
        start: def.start.to_string(),
        end: def.end.to_string(),
        show_names: c.show_names,
        point_value_cents: c.point_value_cents.to_string(),
        validity_months: opt(c.validity_months),
        league_mode: if def.league_mode == LeagueMode::TypeAndPotential {
            "type_and_potential"
        } else {
            "none"
        }
        .into(),
        elig_types: def
            .eligibility
            .reseller_types
            .iter()
            .map(|t| type_code(*t).to_string())
            .collect(),
        elig_brands: def
            .eligibility
            .brand_organisations
            .iter()
            .map(|b| brand_code(*b).to_string())
            .collect(),
        elig_potentials: def
            .eligibility
            .potentials
            .iter()
            .map(|p| potential_code(*p).to_string())
            .collect(),
        elig_statuses: def
            .eligibility
            .statuses
            .iter()
            .map(|s| status_code(*s).to_string())
            .collect(),
        elig_regions: def.eligibility.regions.join(", "),
        elig_codes: codes.join(", "),
        rules,
        tier_basis: match &def.tiers {
            None => String::new(),
            Some(_) if amount => "amount".into(),
            Some(_) => "units".into(),
        },
        tier_cumulative: def.tiers.as_ref().is_some_and(|t| t.cumulative),
        tier_payout: match def.tiers.as_ref().map(|t| t.payout) {
            Some(TierPayout::AllSales) => "all_sales",
            Some(TierPayout::AboveThreshold) => "above_threshold",
            _ => "flat",
        }
        .into(),
        tiers: def
            .tiers
            .iter()
            .flat_map(|t| t.levels.iter())
            .map(|l| TierFormRow {
                threshold: (if amount {
                    l.threshold / 100
                } else {
                    l.threshold
                })
                .to_string(),
                bonus: l.bonus.to_string(),
            })
            .collect(),
        cap_participant: opt(def.caps.per_participant),
        cap_month: opt(def.caps.per_participant_month),
        budget: opt(def.caps.budget),
    }
}

/// A rule in words for the reseller's challenge page (the statement uses the label).
pub fn describe(rule: &Rule, fr: bool) -> String {
    let label = if rule.label.is_empty() {
        String::new()
    } else {
        format!("{} — ", rule.label)
    };
    let what = match (rule.kind, fr) {
        (RuleKind::PerUnit { points }, false) => format!("{points} pts per unit"),
        (RuleKind::PerUnit { points }, true) => format!("{points} pts par unité"),
        (RuleKind::PerAmount { points, per_cents }, false) => {
            format!("{points} pts per {} currency units", per_cents / 100)
        }
        (RuleKind::PerAmount { points, per_cents }, true) => {
            format!("{points} pts par tranche de {} €", per_cents / 100)
        }
        (RuleKind::Quality { points, .. }, false) => {
            format!("{points} pts per line with customer details or feedback")
        }
        (RuleKind::Quality { points, .. }, true) => {
            format!("{points} pts par ligne avec coordonnées client ou avis")
        }
        (
            RuleKind::Timeliness {
                points,
                within_days,
            },
            false,
        ) => format!("{points} pts per line declared within {within_days} days"),
        (
            RuleKind::Timeliness {
                points,
                within_days,
            },
            true,
        ) => format!("{points} pts par ligne déclarée sous {within_days} jours"),
        (RuleKind::Multiplier { factor_permille }, _) => {
            format!("× {}", factor_permille as f64 / 1000.0)
        }
    };
    let cats = if rule.products.categories.is_empty() {
        String::new()
    } else {
        format!(" ({})", rule.products.categories.join(", "))
    };
    format!("{label}{what}{cats}")
}
