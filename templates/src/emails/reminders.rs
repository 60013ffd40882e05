//! The declaration reminder: a reseller has not declared the last period yet.

use chrono::NaiveDate;

use super::digests::{Digest, Item, Section};
use super::Email;
use crate::i18n::{date, relative_days, t, Lang};

#[derive(Debug, Clone)]
pub struct ReminderEmail {
    pub tenant_name: String,
    pub reseller_name: String,
    /// Already formatted: `novembre 2026` or `S47 2026`.
    pub period_label: String,
    pub due: NaiveDate,
    /// Days from today to the deadline: positive before it, 0 on the day, negative once late.
    pub days_left: i64,
    pub declare_link: String,
    pub unsubscribe_link: String,
}

pub fn declaration_reminder(lang: Lang, m: &ReminderEmail) -> Email {
    let fill = |key: &'static str| {
        t(lang, key)
            .replace("{tenant}", &m.tenant_name)
            .replace("{reseller}", &m.reseller_name)
            .replace("{period}", &m.period_label)
            .replace("{date}", &date(m.due, lang))
            .replace("{when}", &relative_days(-m.days_left, lang))
    };
    let key = match m.days_left {
        d if d > 0 => "reminder.due_soon",
        0 => "reminder.due_today",
        _ => "reminder.overdue",
    };
    Digest {
        lang,
        subject: fill("reminder.subject"),
        title: fill("reminder.title"),
        intro: fill(key),
        sections: vec![Section {
            title: t(lang, "reminder.how").into(),
            empty: None,
            items: vec![Item {
                label: t(lang, "reminder.how_detail").into(),
                detail: String::new(),
                link: Some(m.declare_link.clone()),
            }],
            more: None,
        }],
        button: (t(lang, "reminder.button").into(), m.declare_link.clone()),
        footer: fill("reminder.footer"),
        unsubscribe_link: m.unsubscribe_link.clone(),
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_say_when_the_deadline_is() {
        let mut m = ReminderEmail {
            tenant_name: "Acme".into(),
            reseller_name: "Shop".into(),
            period_label: "novembre 2026".into(),
            due: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            days_left: 2,
            declare_link: "https://r.example/declare".into(),
            unsubscribe_link: "https://r.example/unsubscribe/x".into(),
        };
        let fr = declaration_reminder(Lang::Fr, &m);
        assert!(fr.text.contains("07/12/2026"), "{}", fr.text);
        assert!(fr.text.contains("dans 2 jours"));
        m.days_left = -3;
        let en = declaration_reminder(Lang::En, &m);
        assert!(en.text.contains("3 days ago"), "{}", en.text);
        assert!(en.html.0.contains("https://r.example/declare"));
    }
}
