//! The weekly manager digest, and the short-list layout every job email shares: titled
//! sections of short items, each a link into Relais, rendered once as plain text and once as
//! HTML. (The reseller digest and the points emails use the same layout from their own files.)

use chrono::NaiveDate;
use maud::{html, Markup, DOCTYPE};

use super::Email;
use crate::i18n::{date, money, number, t, Lang};
use crate::vocab::Recency;

/// A reseller named in a digest, with the link to its page.
#[derive(Debug, Clone)]
pub struct ResellerLink {
    pub code: String,
    pub name: String,
    pub link: String,
}

#[derive(Debug, Clone)]
pub struct RecencyChange {
    pub reseller: ResellerLink,
    /// Yellow (to follow up) or red (lapsed).
    pub now: Recency,
    pub last_sale: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct CadenceAlert {
    pub reseller: ResellerLink,
    pub gap_days: i64,
    pub median_gap_days: i64,
}

#[derive(Debug, Clone)]
pub struct Decline {
    pub reseller: ResellerLink,
    pub previous_cents: i64,
    pub current_cents: i64,
}

#[derive(Debug, Clone)]
pub struct AwaitingReview {
    pub reseller: ResellerLink,
    pub lines: i64,
}

#[derive(Debug, Clone)]
pub struct BestSeller {
    pub sku: String,
    pub name: String,
    pub link: String,
    pub quantity: i64,
    pub amount_cents: i64,
}

/// A reseller whose rank in a challenge moved since last week (better when `rank` is lower).
#[derive(Debug, Clone)]
pub struct LeaderboardMove {
    pub reseller: ResellerLink,
    pub challenge: String,
    pub previous_rank: i64,
    pub rank: i64,
    pub participants: i64,
}

#[derive(Debug, Clone)]
pub struct ManagerDigestEmail {
    pub tenant_name: String,
    pub currency: String,
    /// The Monday the digest is about (the week before it).
    pub week_of: NaiveDate,
    pub recency_changes: Vec<RecencyChange>,
    pub cadence_alerts: Vec<CadenceAlert>,
    pub declines: Vec<Decline>,
    pub awaiting_review: Vec<AwaitingReview>,
    pub reviews_link: String,
    /// None when the tenant has no live challenge: the section is left out.
    pub movers: Option<Vec<LeaderboardMove>>,
    pub best_sellers: Vec<BestSeller>,
    pub network_link: String,
    pub unsubscribe_link: String,
}

/// One titled list of a digest; `empty` is shown when it has no item.
pub(super) struct Section {
    pub title: String,
    pub empty: Option<String>,
    pub items: Vec<Item>,
    pub more: Option<(String, String)>,
}

pub(super) struct Item {
    pub label: String,
    pub detail: String,
    pub link: Option<String>,
}

pub(super) struct Digest {
    pub lang: Lang,
    pub subject: String,
    pub title: String,
    pub intro: String,
    pub sections: Vec<Section>,
    pub button: (String, String),
    pub footer: String,
    pub unsubscribe_link: String,
}

pub(super) fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

pub(super) fn week_label(week_of: NaiveDate, lang: Lang) -> String {
    crate::i18n::iso_week(week_of, lang)
}

fn reseller_item(r: &ResellerLink, detail: String) -> Item {
    Item {
        label: format!("{} — {}", r.code, r.name),
        detail,
        link: Some(r.link.clone()),
    }
}

pub fn manager_digest(lang: Lang, m: &ManagerDigestEmail) -> Email {
    let week = week_label(m.week_of, lang);
    let cur = m.currency.as_str();
    let never = t(lang, "digest.never");
    let recency = Section {
        title: t(lang, "digest.manager.recency").into(),
        empty: Some(t(lang, "digest.manager.recency_none").into()),
        items: m
            .recency_changes
            .iter()
            .map(|c| {
                let last = c.last_sale.map_or(never.to_string(), |d| date(d, lang));
                let detail = fill(
                    t(lang, "digest.manager.recency_detail"),
                    &[("status", c.now.label(lang)), ("date", &last)],
                );
                reseller_item(&c.reseller, detail)
            })
            .collect(),
        more: None,
    };
    let cadence = Section {
        title: t(lang, "digest.manager.cadence").into(),
        empty: Some(t(lang, "digest.manager.cadence_none").into()),
        items: m
            .cadence_alerts
            .iter()
            .map(|a| {
                let detail = fill(
                    t(lang, "digest.manager.cadence_detail"),
                    &[
                        ("gap", &number(a.gap_days, lang)),
                        ("median", &number(a.median_gap_days, lang)),
                    ],
                );
                reseller_item(&a.reseller, detail)
            })
            .collect(),
        more: None,
    };
    let declines = Section {
        title: t(lang, "digest.manager.declines").into(),
        empty: Some(t(lang, "digest.manager.declines_none").into()),
        items: m
            .declines
            .iter()
            .map(|d| {
                let detail = fill(
                    t(lang, "digest.manager.decline_detail"),
                    &[
                        ("current", &money(d.current_cents, cur, lang)),
                        ("previous", &money(d.previous_cents, cur, lang)),
                    ],
                );
                reseller_item(&d.reseller, detail)
            })
            .collect(),
        more: None,
    };
    let total_review: i64 = m.awaiting_review.iter().map(|a| a.lines).sum();
    let review = Section {
        title: fill(
            t(lang, "digest.manager.review"),
            &[("n", &number(total_review, lang))],
        ),
        empty: Some(t(lang, "digest.manager.review_none").into()),
        items: m
            .awaiting_review
            .iter()
            .map(|a| {
                let key = if a.lines == 1 {
                    "digest.manager.review_detail_one"
                } else {
                    "digest.manager.review_detail"
                };
                let detail = fill(t(lang, key), &[("n", &number(a.lines, lang))]);
                reseller_item(&a.reseller, detail)
            })
            .collect(),
        more: (total_review > 0).then(|| {
            (
                t(lang, "digest.manager.review_open").to_string(),
                m.reviews_link.clone(),
            )
        }),
    };
    let movers = m.movers.as_ref().map(|movers| Section {
        title: t(lang, "digest.manager.movers").into(),
        empty: Some(t(lang, "digest.manager.movers_none").into()),
        items: movers
            .iter()
            .map(|x| {
                let key = if x.rank < x.previous_rank {
                    "digest.manager.mover_up"
                } else {
                    "digest.manager.mover_down"
                };
                let detail = fill(
                    t(lang, key),
                    &[
                        ("challenge", &x.challenge),
                        ("previous", &number(x.previous_rank, lang)),
                        ("rank", &number(x.rank, lang)),
                        ("participants", &number(x.participants, lang)),
                    ],
                );
                reseller_item(&x.reseller, detail)
            })
            .collect(),
        more: None,
    });
    let best = Section {
        title: t(lang, "digest.manager.best_sellers").into(),
        empty: Some(t(lang, "digest.manager.best_sellers_none").into()),
        items: m
            .best_sellers
            .iter()
            .map(|b| Item {
                label: format!("{} — {}", b.sku, b.name),
                detail: fill(
                    t(lang, "digest.manager.best_seller_detail"),
                    &[
                        ("quantity", &number(b.quantity, lang)),
                        ("amount", &money(b.amount_cents, cur, lang)),
                    ],
                ),
                link: Some(b.link.clone()),
            })
            .collect(),
        more: None,
    };
    Digest {
        lang,
        subject: fill(
            t(lang, "digest.manager.subject"),
            &[("tenant", &m.tenant_name), ("week", &week)],
        ),
        title: fill(t(lang, "digest.manager.title"), &[("week", &week)]),
        intro: fill(
            t(lang, "digest.manager.intro"),
            &[("tenant", &m.tenant_name)],
        ),
        sections: [recency, cadence, declines, review]
            .into_iter()
            .chain(movers)
            .chain([best])
            .collect(),
        button: (
            t(lang, "digest.manager.button").into(),
            m.network_link.clone(),
        ),
        footer: t(lang, "digest.manager.footer").into(),
        unsubscribe_link: m.unsubscribe_link.clone(),
    }
    .render()
}

impl Digest {
    pub(super) fn render(self) -> Email {
        Email {
            text: self.text(),
            html: self.html(),
            subject: self.subject,
        }
    }

    /// Links stand on their own line so that every client makes them clickable.
    fn text(&self) -> String {
        let mut out = format!("{}\n\n{}\n", self.title, self.intro);
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n", s.title));
            if s.items.is_empty() {
                if let Some(e) = &s.empty {
                    out.push_str(&format!("{e}\n"));
                }
            }
            for i in &s.items {
                out.push_str(&format!("- {}", i.label));
                if !i.detail.is_empty() {
                    out.push_str(&format!(": {}", i.detail));
                }
                out.push('\n');
                if let Some(l) = &i.link {
                    out.push_str(&format!("  {l}\n"));
                }
            }
            if let Some((label, link)) = &s.more {
                out.push_str(&format!("{label}: {link}\n"));
            }
        }
        let unsubscribe = t(self.lang, "digest.unsubscribe");
        out.push_str(&format!(
            "\n{}: {}\n\n-- \n{}\n{unsubscribe}: {}\n",
            self.button.0, self.button.1, self.footer, self.unsubscribe_link
        ));
        out
    }

    fn html(&self) -> Markup {
        let lang = self.lang;
        let (label, link) = &self.button;
        html! {
            (DOCTYPE)
            html lang=(lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) }
                }
                body style="margin:0;padding:0;background:#f4f6fa;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a2233;" {
                    table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f6fa;padding:24px 0;" {
                        tr { td align="center" {
                            table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%;background:#ffffff;border-radius:8px;border:1px solid #dde3ee;" {
                                tr { td style="padding:20px 28px;border-bottom:1px solid #dde3ee;font-weight:700;font-size:18px;color:#1f4fd1;" { "Relais" } }
                                tr { td style="padding:24px 28px 8px;font-size:15px;line-height:1.5;" {
                                    h1 style="font-size:20px;margin:0 0 10px;" { (self.title) }
                                    p style="margin:0 0 8px;color:#3b4558;" { (self.intro) }
                                } }
                                @for s in &self.sections {
                                    tr { td style="padding:8px 28px 12px;font-size:14px;line-height:1.45;" {
                                        h2 style="font-size:16px;margin:12px 0 8px;padding-bottom:4px;border-bottom:2px solid #e6ebf5;" { (s.title) }
                                        @if s.items.is_empty() {
                                            @if let Some(e) = &s.empty { p style="margin:0;color:#5b6577;" { (e) } }
                                        } @else {
                                            table role="presentation" width="100%" cellpadding="0" cellspacing="0" {
                                                @for i in &s.items {
                                                    tr { td style="padding:5px 0;border-bottom:1px solid #f0f2f7;" {
                                                        @match &i.link {
                                                            Some(l) => { a href=(l) style="color:#1f4fd1;font-weight:600;text-decoration:none;" { (i.label) } },
                                                            None => { strong { (i.label) } },
                                                        }
                                                        @if !i.detail.is_empty() {
                                                            br;
                                                            span style="color:#5b6577;font-size:13px;" { (i.detail) }
                                                        }
                                                    } }
                                                }
                                            }
                                        }
                                        @if let Some((label, link)) = &s.more {
                                            p style="margin:8px 0 0;" { a href=(link) style="color:#1f4fd1;" { (label) " →" } }
                                        }
                                    } }
                                }
                                tr { td style="padding:16px 28px 24px;" {
                                    table role="presentation" cellpadding="0" cellspacing="0" {
                                        tr { td style="border-radius:6px;background:#1f4fd1;" {
                                            a href=(link) style="display:inline-block;padding:12px 22px;color:#ffffff;text-decoration:none;font-weight:600;" { (label) }
                                        } }
                                    }
                                } }
                                tr { td style="padding:16px 28px;border-top:1px solid #dde3ee;font-size:12px;color:#5b6577;" {
                                    p style="margin:0 0 6px;" { (self.footer) }
                                    p style="margin:0;" { a href=(self.unsubscribe_link) style="color:#5b6577;" { (t(lang, "digest.unsubscribe")) } }
                                } }
                            }
                        } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn link(code: &str) -> ResellerLink {
        ResellerLink {
            code: code.into(),
            name: format!("Shop <{code}>"),
            link: format!("https://r.example/network/{code}"),
        }
    }

    #[test]
    fn manager_digest_lists_each_item_with_its_link_in_both_languages() {
        let m = ManagerDigestEmail {
            tenant_name: "Acme".into(),
            currency: "EUR".into(),
            week_of: d("2026-11-16"),
            recency_changes: vec![RecencyChange {
                reseller: link("R1"),
                now: Recency::FollowUp,
                last_sale: Some(d("2026-09-01")),
            }],
            cadence_alerts: vec![CadenceAlert {
                reseller: link("R2"),
                gap_days: 70,
                median_gap_days: 30,
            }],
            declines: vec![Decline {
                reseller: link("R3"),
                previous_cents: 100_000,
                current_cents: 20_000,
            }],
            awaiting_review: vec![AwaitingReview {
                reseller: link("R4"),
                lines: 3,
            }],
            reviews_link: "https://r.example/reviews".into(),
            movers: Some(vec![LeaderboardMove {
                reseller: link("R5"),
                challenge: "Spring".into(),
                previous_rank: 7,
                rank: 2,
                participants: 12,
            }]),
            best_sellers: vec![],
            network_link: "https://r.example/network".into(),
            unsubscribe_link: "https://r.example/unsubscribe/tok".into(),
        };
        for lang in Lang::ALL {
            let e = manager_digest(lang, &m);
            for code in ["R1", "R2", "R3", "R4", "R5"] {
                assert!(
                    e.text
                        .contains(&format!("https://r.example/network/{code}")),
                    "{lang}: {code}"
                );
                assert!(e
                    .html
                    .0
                    .contains(&format!("href=\"https://r.example/network/{code}\"")));
            }
            assert!(e.html.0.contains("Shop &lt;R1&gt;"));
            assert!(e.text.contains("https://r.example/unsubscribe/tok"));
            assert!(e.subject.contains("Acme"));
        }
        assert!(manager_digest(Lang::Fr, &m).subject.contains("S47 2026"));
        assert!(manager_digest(Lang::En, &m).text.contains("70 days"));
        assert!(
            manager_digest(Lang::En, &m)
                .text
                .contains("Spring: up from rank 7 to 2 of 12"),
            "{}",
            manager_digest(Lang::En, &m).text
        );
        let none = ManagerDigestEmail { movers: None, ..m };
        assert!(!manager_digest(Lang::En, &none).text.contains("movers"));
    }
}
