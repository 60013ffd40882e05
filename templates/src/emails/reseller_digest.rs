//! The weekly reseller digest: what became of what it declared (lines rejected and why), and
//! where its points stand — balance, the week's change, points about to expire, its rank and
//! distance to the next tier in each running challenge, the rewards it can order now.

use chrono::NaiveDate;

use super::digests::{fill, week_label, Digest, Item, Section};
use super::Email;
use crate::i18n::{date, money, number, t, Lang};

#[derive(Debug, Clone)]
pub struct RejectedLine {
    pub sale_date: NaiveDate,
    pub product: String,
    pub quantity: i64,
    pub reason: Option<String>,
}

/// What is still missing to reach a challenge's next tier, in the tier's own basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierGap {
    Units(i64),
    Cents(i64),
}

#[derive(Debug, Clone)]
pub struct ChallengeRank {
    pub name: String,
    pub link: String,
    pub rank: i64,
    pub participants: i64,
    pub points: i64,
    pub next_tier: Option<TierGap>,
}

#[derive(Debug, Clone)]
pub struct AffordableReward {
    pub name: String,
    pub points_cost: i64,
}

/// The points part of the digest.
#[derive(Debug, Clone)]
pub struct PointsSummary {
    pub available: i64,
    pub pending: i64,
    /// Net points booked during the week (credits minus debits).
    pub week_change: i64,
    /// Points that expire within the next 30 days unless spent first.
    pub expiring_soon: i64,
    pub challenges: Vec<ChallengeRank>,
    pub affordable: Vec<AffordableReward>,
    pub points_link: String,
    pub rewards_link: String,
}

#[derive(Debug, Clone)]
pub struct ResellerDigestEmail {
    pub tenant_name: String,
    pub reseller_name: String,
    pub currency: String,
    pub week_of: NaiveDate,
    pub declarations: i64,
    pub lines: i64,
    pub amount_cents: i64,
    pub rejected: Vec<RejectedLine>,
    /// None when the reseller has no points and takes part in no challenge.
    pub points: Option<PointsSummary>,
    pub imports_link: String,
    pub declare_link: String,
    pub unsubscribe_link: String,
}

pub fn reseller_digest(lang: Lang, m: &ResellerDigestEmail) -> Email {
    let week = week_label(m.week_of, lang);
    let declared = Section {
        title: t(lang, "digest.reseller.declared").into(),
        empty: None,
        items: vec![Item {
            label: fill(
                t(lang, "digest.reseller.declared_summary"),
                &[
                    ("declarations", &number(m.declarations, lang)),
                    ("lines", &number(m.lines, lang)),
                    ("amount", &money(m.amount_cents, &m.currency, lang)),
                ],
            ),
            detail: String::new(),
            link: Some(m.imports_link.clone()),
        }],
        more: None,
    };
    let no_reason = t(lang, "digest.reseller.no_reason");
    let rejected = Section {
        title: t(lang, "digest.reseller.rejected").into(),
        empty: Some(t(lang, "digest.reseller.rejected_none").into()),
        items: m
            .rejected
            .iter()
            .map(|r| Item {
                label: format!(
                    "{} — {} × {}",
                    date(r.sale_date, lang),
                    number(r.quantity, lang),
                    r.product
                ),
                detail: r
                    .reason
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| no_reason.into()),
                link: None,
            })
            .collect(),
        more: None,
    };
    let mut sections = vec![declared, rejected];
    if let Some(p) = &m.points {
        sections.extend(points_sections(lang, p, &m.currency));
    }
    Digest {
        lang,
        subject: fill(
            t(lang, "digest.reseller.subject"),
            &[("tenant", &m.tenant_name), ("week", &week)],
        ),
        title: fill(t(lang, "digest.reseller.title"), &[("week", &week)]),
        intro: fill(
            t(lang, "digest.reseller.intro"),
            &[("reseller", &m.reseller_name), ("tenant", &m.tenant_name)],
        ),
        sections,
        button: (
            t(lang, "digest.reseller.button").into(),
            m.declare_link.clone(),
        ),
        footer: t(lang, "digest.reseller.footer").into(),
        unsubscribe_link: m.unsubscribe_link.clone(),
    }
    .render()
}

/// "+40" / "-20": the week's change reads as a change.
fn signed(n: i64, lang: Lang) -> String {
    if n > 0 {
        format!("+{}", number(n, lang))
    } else {
        number(n, lang)
    }
}

/// Balance, then challenges, then rewards; the last two only when they have something to say.
fn points_sections(lang: Lang, p: &PointsSummary, currency: &str) -> Vec<Section> {
    let mut balance = vec![Item {
        label: fill(
            t(lang, "digest.reseller.points_available"),
            &[("points", &number(p.available, lang))],
        ),
        detail: fill(
            t(lang, "digest.reseller.points_detail"),
            &[
                ("pending", &number(p.pending, lang)),
                ("change", &signed(p.week_change, lang)),
            ],
        ),
        link: Some(p.points_link.clone()),
    }];
    if p.expiring_soon > 0 {
        balance.push(Item {
            label: fill(
                t(lang, "digest.reseller.points_expiring"),
                &[("points", &number(p.expiring_soon, lang))],
            ),
            detail: t(lang, "digest.reseller.points_expiring_detail").into(),
            link: Some(p.rewards_link.clone()),
        });
    }
    let mut out = vec![Section {
        title: t(lang, "digest.reseller.points").into(),
        empty: None,
        items: balance,
        more: None,
    }];
    if !p.challenges.is_empty() {
        out.push(Section {
            title: t(lang, "digest.reseller.challenges").into(),
            empty: None,
            items: p
                .challenges
                .iter()
                .map(|c| {
                    let mut detail = fill(
                        t(lang, "digest.reseller.challenge_rank"),
                        &[
                            ("rank", &number(c.rank, lang)),
                            ("participants", &number(c.participants, lang)),
                            ("points", &number(c.points, lang)),
                        ],
                    );
                    if let Some(gap) = c.next_tier {
                        let missing = match gap {
                            TierGap::Units(n) => {
                                fill(t(lang, "digest.reseller.units"), &[("n", &number(n, lang))])
                            }
                            TierGap::Cents(c) => money(c, currency, lang),
                        };
                        detail.push_str(" — ");
                        detail.push_str(&fill(
                            t(lang, "digest.reseller.next_tier"),
                            &[("missing", &missing)],
                        ));
                    }
                    Item {
                        label: c.name.clone(),
                        detail,
                        link: Some(c.link.clone()),
                    }
                })
                .collect(),
            more: None,
        });
    }
    if !p.affordable.is_empty() {
        out.push(Section {
            title: t(lang, "digest.reseller.rewards").into(),
            empty: None,
            items: p
                .affordable
                .iter()
                .map(|r| Item {
                    label: r.name.clone(),
                    detail: fill(
                        t(lang, "digest.reseller.reward_cost"),
                        &[("points", &number(r.points_cost, lang))],
                    ),
                    link: Some(p.rewards_link.clone()),
                })
                .collect(),
            more: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn digest(points: Option<PointsSummary>) -> ResellerDigestEmail {
        ResellerDigestEmail {
            tenant_name: "Acme".into(),
            reseller_name: "Shop".into(),
            currency: "EUR".into(),
            week_of: d("2026-11-16"),
            declarations: 2,
            lines: 14,
            amount_cents: 123_456,
            rejected: vec![RejectedLine {
                sale_date: d("2026-11-17"),
                product: "SKU1 Saw".into(),
                quantity: 2,
                reason: Some("Duplicate line".into()),
            }],
            points,
            imports_link: "https://r.example/imports".into(),
            declare_link: "https://r.example/declare".into(),
            unsubscribe_link: "https://r.example/unsubscribe/tok".into(),
        }
    }

    #[test]
    fn reseller_digest_says_why_lines_were_rejected() {
        let m = digest(None);
        let e = reseller_digest(Lang::En, &m);
        assert!(e.text.contains("Duplicate line"));
        assert!(e.text.contains("1,234.56"), "{}", e.text);
        assert!(!e.text.contains("Your points"));
        let fr = reseller_digest(Lang::Fr, &m);
        assert!(fr.html.0.contains("Duplicate line"));
    }

    #[test]
    fn the_points_section_gives_balance_rank_next_tier_and_rewards_in_both_languages() {
        let m = digest(Some(PointsSummary {
            available: 1_250,
            pending: 80,
            week_change: 40,
            expiring_soon: 300,
            challenges: vec![
                ChallengeRank {
                    name: "Spring".into(),
                    link: "https://r.example/challenges/7".into(),
                    rank: 3,
                    participants: 12,
                    points: 410,
                    next_tier: Some(TierGap::Units(4)),
                },
                ChallengeRank {
                    name: "Summer".into(),
                    link: "https://r.example/challenges/8".into(),
                    rank: 1,
                    participants: 5,
                    points: 90,
                    next_tier: Some(TierGap::Cents(25_000)),
                },
            ],
            affordable: vec![AffordableReward {
                name: "Gift card".into(),
                points_cost: 1_000,
            }],
            points_link: "https://r.example/points".into(),
            rewards_link: "https://r.example/rewards".into(),
        }));
        let en = reseller_digest(Lang::En, &m).text;
        for want in [
            "1,250 points available",
            "80 awaiting review, +40 this week",
            "300 points expire within 30 days",
            "Spring: rank 3 of 12, 410 points — 4 units more for the next tier",
            "250.00",
            "Gift card: 1,000 points",
            "https://r.example/challenges/7",
        ] {
            assert!(en.contains(want), "{want:?} in {en}");
        }
        let fr = reseller_digest(Lang::Fr, &m);
        assert!(fr.text.contains("rang 3 sur 12"), "{}", fr.text);
        assert!(fr.html.0.contains("href=\"https://r.example/rewards\""));
    }
}
