//! Points about to expire: a reseller hears of a batch (the points expiring in one month) 30 days
//! before its first expiry date, with the dates and the amounts, while it can still spend them.

use chrono::NaiveDate;

use super::digests::{fill, Digest, Item, Section};
use super::Email;
use crate::i18n::{date, month, number, t, Lang};

#[derive(Debug, Clone)]
pub struct ExpiryWarningEmail {
    pub tenant_name: String,
    pub reseller_name: String,
    /// Any day of the batch's month.
    pub month: NaiveDate,
    /// Expiry dates and the points expiring on each, earliest first.
    pub dates: Vec<(NaiveDate, i64)>,
    pub available: i64,
    pub rewards_link: String,
    pub points_link: String,
    pub unsubscribe_link: String,
}

pub fn expiry_warning(lang: Lang, m: &ExpiryWarningEmail) -> Email {
    let total: i64 = m.dates.iter().map(|(_, p)| p).sum();
    let pairs = [
        ("tenant", m.tenant_name.clone()),
        ("reseller", m.reseller_name.clone()),
        ("month", month(m.month, lang)),
        ("points", number(total, lang)),
        ("available", number(m.available, lang)),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Digest {
        lang,
        subject: fill(t(lang, "expiry.subject"), &pairs),
        title: t(lang, "expiry.title").into(),
        intro: fill(t(lang, "expiry.intro"), &pairs),
        sections: vec![Section {
            title: t(lang, "expiry.dates").into(),
            empty: None,
            items: m
                .dates
                .iter()
                .map(|(day, points)| Item {
                    label: date(*day, lang),
                    detail: fill(
                        t(lang, "expiry.points"),
                        &[("points", &number(*points, lang))],
                    ),
                    link: Some(m.points_link.clone()),
                })
                .collect(),
            more: None,
        }],
        button: (t(lang, "expiry.button").into(), m.rewards_link.clone()),
        footer: t(lang, "expiry.footer").into(),
        unsubscribe_link: m.unsubscribe_link.clone(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_lists_each_expiry_date_and_the_total() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let m = ExpiryWarningEmail {
            tenant_name: "Acme".into(),
            reseller_name: "Shop".into(),
            month: d("2026-05-10"),
            dates: vec![(d("2026-05-10"), 1_200), (d("2026-05-24"), 30)],
            available: 2_000,
            rewards_link: "https://r.example/rewards".into(),
            points_link: "https://r.example/points".into(),
            unsubscribe_link: "https://r.example/unsubscribe/tok".into(),
        };
        let en = expiry_warning(Lang::En, &m);
        assert!(en.subject.contains("1,230 points"), "{}", en.subject);
        assert!(en.subject.contains("May 2026"), "{}", en.subject);
        assert!(en.text.contains("2026-05-24: 30 points"), "{}", en.text);
        let fr = expiry_warning(Lang::Fr, &m);
        assert!(fr.subject.contains("mai 2026"), "{}", fr.subject);
        assert!(fr.text.contains("10/05/2026"), "{}", fr.text);
        assert!(fr.html.0.contains("href=\"https://r.example/rewards\""));
    }
}
