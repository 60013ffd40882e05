//! The challenge editor: a plain server-side form. Rules and tiers are rows; "add a rule" and
//! "remove" are submit buttons (`op`) that re-render the form with what was typed, so it works
//! without JavaScript.

use maud::{html, Markup};

use crate::components::{error_summary, Field, FieldErrors};
use crate::i18n::{t, Lang};
use crate::layout::csrf;
use crate::layout::Chrome;
use crate::vocab::{BrandOrganisation, Potential, ResellerStatus, ResellerType};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFormRow {
    /// `per_unit`, `per_amount`, `quality`, `timeliness`, `multiplier`.
    pub kind: String,
    pub label: String,
    pub points: String,
    /// Per-amount rules: points per this many currency units (e.g. "1").
    pub per_amount: String,
    /// Quality rules: `customer_details`, `feedback`, `either`, `both`.
    pub requires: String,
    pub within_days: String,
    /// Multipliers, as a decimal: "1.5".
    pub factor: String,
    /// Comma-separated categories; empty = every product.
    pub categories: String,
    /// Optional segment: codes of the vocabulary, empty = any.
    pub seg_type: String,
    pub seg_brand: String,
    pub seg_potential: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TierFormRow {
    /// Units, or currency units for an amount basis.
    pub threshold: String,
    pub bonus: String,
}

/// Every field of the editor as typed (strings), parsed back by the app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChallengeFormValues {
    pub name: String,
    pub description: String,
    pub start: String,
    pub end: String,
    pub show_names: bool,
    /// What one point costs, in cents.
    pub point_value_cents: String,
    /// Empty = the tenant's validity.
    pub validity_months: String,
    /// `none` or `type_and_potential`.
    pub league_mode: String,
    pub elig_types: Vec<String>,
    pub elig_brands: Vec<String>,
    pub elig_potentials: Vec<String>,
    pub elig_statuses: Vec<String>,
    pub elig_regions: String,
    /// A hand-picked list: comma-separated reseller codes.
    pub elig_codes: String,
    pub rules: Vec<RuleFormRow>,
    /// Empty = no tiers; `units` or `amount`.
    pub tier_basis: String,
    pub tier_cumulative: bool,
    /// `flat`, `all_sales`, `above_threshold`.
    pub tier_payout: String,
    pub tiers: Vec<TierFormRow>,
    pub cap_participant: String,
    pub cap_month: String,
    pub budget: String,
}

/// What the submit button asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorOp {
    Save,
    AddRule,
    RemoveRule(usize),
    AddTier,
    RemoveTier(usize),
}

impl ChallengeFormValues {
    /// Reads the posted pairs (repeated keys for checkboxes, `rule.N.field` for rows).
    pub fn from_pairs(pairs: &[(String, String)]) -> (ChallengeFormValues, EditorOp) {
        let mut v = ChallengeFormValues::default();
        let mut op = EditorOp::Save;
        for (key, value) in pairs {
            let value = value.clone();
            match key.as_str() {
                "name" => v.name = value,
                "description" => v.description = value,
                "start" => v.start = value,
                "end" => v.end = value,
                "show_names" => v.show_names = value == "true",
                "point_value_cents" => v.point_value_cents = value,
                "validity_months" => v.validity_months = value,
                "league_mode" => v.league_mode = value,
                "elig_types" => v.elig_types.push(value),
                "elig_brands" => v.elig_brands.push(value),
                "elig_potentials" => v.elig_potentials.push(value),
                "elig_statuses" => v.elig_statuses.push(value),
                "elig_regions" => v.elig_regions = value,
                "elig_codes" => v.elig_codes = value,
                "tier_basis" => v.tier_basis = value,
                "tier_cumulative" => v.tier_cumulative = value == "true",
                "tier_payout" => v.tier_payout = value,
                "cap_participant" => v.cap_participant = value,
                "cap_month" => v.cap_month = value,
                "budget" => v.budget = value,
                "op" => {
                    op = match value.split_once(':') {
                        Some(("remove_rule", n)) => {
                            n.parse().map_or(EditorOp::Save, EditorOp::RemoveRule)
                        }
                        Some(("remove_tier", n)) => {
                            n.parse().map_or(EditorOp::Save, EditorOp::RemoveTier)
                        }
                        _ if value == "add_rule" => EditorOp::AddRule,
                        _ if value == "add_tier" => EditorOp::AddTier,
                        _ => EditorOp::Save,
                    }
                }
                other => v.row_field(other, value),
            }
        }
        (v, op)
    }

    fn row_field(&mut self, key: &str, value: String) {
        let mut parts = key.splitn(3, '.');
        let (Some(group), Some(index), Some(field)) = (parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        let Ok(i) = index.parse::<usize>() else {
            return;
        };
        if i >= 64 {
            return;
        }
        match group {
            "rule" => {
                if self.rules.len() <= i {
                    self.rules.resize(i + 1, RuleFormRow::default());
                }
                let r = &mut self.rules[i];
                match field {
                    "kind" => r.kind = value,
                    "label" => r.label = value,
                    "points" => r.points = value,
                    "per_amount" => r.per_amount = value,
                    "requires" => r.requires = value,
                    "within_days" => r.within_days = value,
                    "factor" => r.factor = value,
                    "categories" => r.categories = value,
                    "seg_type" => r.seg_type = value,
                    "seg_brand" => r.seg_brand = value,
                    "seg_potential" => r.seg_potential = value,
                    _ => {}
                }
            }
            "tier" => {
                if self.tiers.len() <= i {
                    self.tiers.resize(i + 1, TierFormRow::default());
                }
                match field {
                    "threshold" => self.tiers[i].threshold = value,
                    "bonus" => self.tiers[i].bonus = value,
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Applies a row operation; returns false for Save.
    pub fn apply(&mut self, op: EditorOp) -> bool {
        match op {
            EditorOp::Save => return false,
            EditorOp::AddRule => self.rules.push(RuleFormRow {
                kind: "per_unit".into(),
                per_amount: "1".into(),
                ..Default::default()
            }),
            EditorOp::RemoveRule(i) if i < self.rules.len() => {
                self.rules.remove(i);
            }
            EditorOp::AddTier => self.tiers.push(TierFormRow::default()),
            EditorOp::RemoveTier(i) if i < self.tiers.len() => {
                self.tiers.remove(i);
            }
            _ => {}
        }
        true
    }
}

fn opts(lang: Lang, items: &[(&str, &'static str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(code, key)| (code.to_string(), t(lang, key).to_string()))
        .collect()
}

fn any_plus(lang: Lang, mut options: Vec<(String, String)>) -> Vec<(String, String)> {
    options.insert(0, (String::new(), t(lang, "challenge.any").to_string()));
    options
}

fn checkboxes(
    name: &str,
    legend: &str,
    options: &[(String, String)],
    checked: &[String],
) -> Markup {
    html! {
        fieldset .checkbox-group {
            legend { (legend) }
            @for (code, label) in options {
                label .inline-check {
                    input type="checkbox" name=(name) value=(code) checked[checked.contains(code)];
                    " " (label)
                }
            }
        }
    }
}

fn rule_row(lang: Lang, i: usize, r: &RuleFormRow, errors: &FieldErrors) -> Markup {
    let n = |f: &str| format!("rule.{i}.{f}");
    let names: Vec<String> = [
        "kind",
        "label",
        "points",
        "per_amount",
        "requires",
        "within_days",
        "factor",
        "categories",
        "seg_type",
        "seg_brand",
        "seg_potential",
    ]
    .iter()
    .map(|f| n(f))
    .collect();
    let kinds = opts(
        lang,
        &[
            ("per_unit", "challenge.kind.per_unit"),
            ("per_amount", "challenge.kind.per_amount"),
            ("quality", "challenge.kind.quality"),
            ("timeliness", "challenge.kind.timeliness"),
            ("multiplier", "challenge.kind.multiplier"),
        ],
    );
    let requires = opts(
        lang,
        &[
            ("either", "challenge.requires.either"),
            ("customer_details", "challenge.requires.customer_details"),
            ("feedback", "challenge.requires.feedback"),
            ("both", "challenge.requires.both"),
        ],
    );
    html! {
        fieldset .rule-row {
            legend { (t(lang, "challenge.rule")) " " (i + 1) }
            div .form-grid {
                (Field::new(lang, &names[0], t(lang, "challenge.rule_kind")).value(&r.kind).errors(errors).select(&kinds))
                (Field::new(lang, &names[1], t(lang, "challenge.rule_label")).value(&r.label).text())
                (Field::new(lang, &names[2], t(lang, "challenge.rule_points")).value(&r.points).errors(errors).hint(t(lang, "challenge.rule_points_hint")).number("1"))
                (Field::new(lang, &names[3], t(lang, "challenge.rule_per_amount")).value(&r.per_amount).errors(errors).number("1"))
                (Field::new(lang, &names[4], t(lang, "challenge.rule_requires")).value(&r.requires).select(&requires))
                (Field::new(lang, &names[5], t(lang, "challenge.rule_within_days")).value(&r.within_days).errors(errors).number("1"))
                (Field::new(lang, &names[6], t(lang, "challenge.rule_factor")).value(&r.factor).errors(errors).hint(t(lang, "challenge.rule_factor_hint")).text())
                (Field::new(lang, &names[7], t(lang, "challenge.rule_categories")).value(&r.categories).hint(t(lang, "challenge.rule_categories_hint")).text())
                (Field::new(lang, &names[8], t(lang, "field.reseller_type")).value(&r.seg_type).select(&any_plus(lang, ResellerType::options(lang))))
                (Field::new(lang, &names[9], t(lang, "field.organisation")).value(&r.seg_brand).select(&any_plus(lang, BrandOrganisation::options(lang))))
                (Field::new(lang, &names[10], t(lang, "field.potential")).value(&r.seg_potential).select(&any_plus(lang, Potential::options(lang))))
            }
            button .btn .btn-ghost type="submit" name="op" value=(format!("remove_rule:{i}")) formnovalidate { (t(lang, "challenge.remove_rule")) }
        }
    }
}

/// The editor form, posting to `action` (`/challenges/new` or `/challenges/{id}`).
pub fn challenge_form(
    chrome: &Chrome,
    action: &str,
    v: &ChallengeFormValues,
    errors: &FieldErrors,
) -> Markup {
    let lang = chrome.lang;
    let leagues = opts(
        lang,
        &[
            ("none", "challenge.league.none"),
            ("type_and_potential", "challenge.league.type_and_potential"),
        ],
    );
    let bases = opts(
        lang,
        &[
            ("", "challenge.tiers.none"),
            ("units", "challenge.tiers.units"),
            ("amount", "challenge.tiers.amount"),
        ],
    );
    let payouts = opts(
        lang,
        &[
            ("flat", "challenge.payout.flat"),
            ("all_sales", "challenge.payout.all_sales"),
            ("above_threshold", "challenge.payout.above_threshold"),
        ],
    );
    html! {
        form .challenge-form method="post" action=(action) {
            (csrf(chrome))
            (error_summary(lang, errors))
            section .section {
                h2 { (t(lang, "challenge.general")) }
                div .form-grid {
                    (Field::new(lang, "name", t(lang, "field.name")).value(&v.name).errors(errors).required().text())
                    (Field::new(lang, "start", t(lang, "challenge.start")).value(&v.start).errors(errors).required().date())
                    (Field::new(lang, "end", t(lang, "challenge.end")).value(&v.end).errors(errors).required().date())
                    (Field::new(lang, "point_value_cents", t(lang, "challenge.point_value")).value(&v.point_value_cents).errors(errors).hint(t(lang, "challenge.point_value_hint")).number("1"))
                    (Field::new(lang, "validity_months", t(lang, "challenge.validity")).value(&v.validity_months).errors(errors).hint(t(lang, "challenge.validity_hint")).number("1"))
                    (Field::new(lang, "league_mode", t(lang, "challenge.leagues")).value(&v.league_mode).select(&leagues))
                }
                (Field::new(lang, "description", t(lang, "field.description")).value(&v.description).textarea())
                (Field::new(lang, "show_names", t(lang, "challenge.show_names")).checkbox(v.show_names))
            }
            section .section {
                h2 { (t(lang, "challenge.eligibility")) }
                p .hint { (t(lang, "challenge.eligibility_hint")) }
                (checkboxes("elig_types", t(lang, "field.reseller_type"), &ResellerType::options(lang), &v.elig_types))
                (checkboxes("elig_brands", t(lang, "field.organisation"), &BrandOrganisation::options(lang), &v.elig_brands))
                (checkboxes("elig_potentials", t(lang, "field.potential"), &Potential::options(lang), &v.elig_potentials))
                (checkboxes("elig_statuses", t(lang, "field.status"), &ResellerStatus::options(lang), &v.elig_statuses))
                div .form-grid {
                    (Field::new(lang, "elig_regions", t(lang, "challenge.regions")).value(&v.elig_regions).hint(t(lang, "challenge.comma_hint")).text())
                    (Field::new(lang, "elig_codes", t(lang, "challenge.codes")).value(&v.elig_codes).errors(errors).hint(t(lang, "challenge.codes_hint")).text())
                }
            }
            section .section {
                h2 { (t(lang, "challenge.rules")) }
                @for (i, r) in v.rules.iter().enumerate() {
                    (rule_row(lang, i, r, errors))
                }
                button .btn .btn-secondary type="submit" name="op" value="add_rule" formnovalidate { (t(lang, "challenge.add_rule")) }
            }
            section .section {
                h2 { (t(lang, "challenge.tiers")) }
                div .form-grid {
                    (Field::new(lang, "tier_basis", t(lang, "challenge.tier_basis")).value(&v.tier_basis).select(&bases))
                    (Field::new(lang, "tier_payout", t(lang, "challenge.tier_payout")).value(&v.tier_payout).select(&payouts))
                }
                (Field::new(lang, "tier_cumulative", t(lang, "challenge.tier_cumulative")).checkbox(v.tier_cumulative))
                @for (i, tier) in v.tiers.iter().enumerate() {
                    @let th = format!("tier.{i}.threshold");
                    @let bo = format!("tier.{i}.bonus");
                    div .form-grid .tier-row {
                        (Field::new(lang, &th, t(lang, "challenge.tier_threshold")).value(&tier.threshold).errors(errors).number("1"))
                        (Field::new(lang, &bo, t(lang, "challenge.tier_bonus")).value(&tier.bonus).errors(errors).number("1"))
                        button .btn .btn-ghost type="submit" name="op" value=(format!("remove_tier:{i}")) formnovalidate { (t(lang, "challenge.remove_tier")) }
                    }
                }
                button .btn .btn-secondary type="submit" name="op" value="add_tier" formnovalidate { (t(lang, "challenge.add_tier")) }
            }
            section .section {
                h2 { (t(lang, "challenge.caps")) }
                div .form-grid {
                    (Field::new(lang, "cap_participant", t(lang, "challenge.cap_participant")).value(&v.cap_participant).errors(errors).number("1"))
                    (Field::new(lang, "cap_month", t(lang, "challenge.cap_month")).value(&v.cap_month).errors(errors).number("1"))
                    (Field::new(lang, "budget", t(lang, "challenge.budget")).value(&v.budget).errors(errors).number("1"))
                }
            }
            div .form-actions {
                button .btn .btn-primary type="submit" name="op" value="save" { (t(lang, "action.save")) }
            }
        }
    }
}
