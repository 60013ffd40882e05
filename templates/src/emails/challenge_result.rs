//! A challenge is closed: each participant learns its final rank, overall and in its league,
//! and the points it earned.

use chrono::NaiveDate;

use super::digests::{fill, Digest, Item, Section};
use super::Email;
use crate::i18n::{date, number, t, Lang};

#[derive(Debug, Clone)]
pub struct ChallengeResultEmail {
    pub tenant_name: String,
    pub reseller_name: String,
    pub challenge_name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub rank: i64,
    pub participants: i64,
    /// Rank and size of the reseller's league, when the challenge ranks by league.
    pub league: Option<(i64, i64)>,
    pub points: i64,
    /// Of `points`, those of lines still awaiting review (paid once approved).
    pub pending: i64,
    pub tier_reached: Option<i64>,
    pub challenge_link: String,
    pub unsubscribe_link: String,
}

pub fn challenge_result(lang: Lang, m: &ChallengeResultEmail) -> Email {
    let of = |rank: i64, size: i64| {
        fill(
            t(lang, "challenge_result.of"),
            &[("rank", &number(rank, lang)), ("n", &number(size, lang))],
        )
    };
    let item = |key: &'static str, detail: String| Item {
        label: t(lang, key).into(),
        detail,
        link: None,
    };
    let mut items = vec![item("challenge_result.rank", of(m.rank, m.participants))];
    if let Some((rank, size)) = m.league {
        items.push(item("challenge_result.league", of(rank, size)));
    }
    let points = if m.pending > 0 {
        fill(
            t(lang, "challenge_result.points_pending"),
            &[
                ("points", &number(m.points, lang)),
                ("pending", &number(m.pending, lang)),
            ],
        )
    } else {
        number(m.points, lang)
    };
    items.push(item("challenge_result.points", points));
    if let Some(tier) = m.tier_reached {
        items.push(item("challenge_result.tier", number(tier, lang)));
    }
    let names = [
        ("tenant", m.tenant_name.as_str()),
        ("reseller", m.reseller_name.as_str()),
        ("challenge", m.challenge_name.as_str()),
    ];
    let intro = fill(
        t(lang, "challenge_result.intro"),
        &[
            names[1],
            names[2],
            ("rank", &number(m.rank, lang)),
            ("participants", &number(m.participants, lang)),
            ("start", &date(m.start, lang)),
            ("end", &date(m.end, lang)),
        ],
    );
    Digest {
        lang,
        subject: fill(t(lang, "challenge_result.subject"), &names),
        title: fill(t(lang, "challenge_result.title"), &names),
        intro,
        sections: vec![Section {
            title: t(lang, "challenge_result.results").into(),
            empty: None,
            items,
            more: None,
        }],
        button: (
            t(lang, "challenge_result.button").into(),
            m.challenge_link.clone(),
        ),
        footer: fill(t(lang, "challenge_result.footer"), &names),
        unsubscribe_link: m.unsubscribe_link.clone(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_gives_the_final_rank_in_the_recipients_language() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut m = ChallengeResultEmail {
            tenant_name: "Acme".into(),
            reseller_name: "Shop".into(),
            challenge_name: "March".into(),
            start: d("2026-03-01"),
            end: d("2026-03-31"),
            rank: 2,
            participants: 14,
            league: Some((1, 5)),
            points: 1_172,
            pending: 151,
            tier_reached: Some(1),
            challenge_link: "https://r.example/challenges/3".into(),
            unsubscribe_link: "https://r.example/unsubscribe/tok".into(),
        };
        let en = challenge_result(Lang::En, &m);
        assert!(en.subject.contains("March"), "{}", en.subject);
        assert!(en.text.contains("rank 2 of 14"), "{}", en.text);
        assert!(en.text.contains("1 of 5"), "{}", en.text);
        assert!(en.text.contains("1,172, of which 151"), "{}", en.text);
        assert!(en
            .html
            .0
            .contains("href=\"https://r.example/challenges/3\""));
        m.league = None;
        let fr = challenge_result(Lang::Fr, &m);
        assert!(fr.text.contains("31/03/2026"), "{}", fr.text);
        assert!(fr.text.contains("2 sur 14"), "{}", fr.text);
        assert!(!fr.text.contains("ligue"), "{}", fr.text);
    }
}
