//! The points journal in the French FEC layout (Fichier des Écritures Comptables, article
//! A47 A-1 of the Livre des procédures fiscales): the file Sage, EBP and Ciel import.
//!
//! Accounting choice (accounts in `[payouts]`): confirmed points are an expense owed to resellers
//! — debit the expense, credit the accrued liability, at the challenge's point value, one entry
//! per day and challenge (net of that day's reversals; a net reversal swaps the sides). A shipped
//! reward settles the liability — debit the liability, credit the stock or supplier account, one
//! entry per redemption. Expired points cancel the liability — debit the liability, credit the
//! expiry account. Pending points are contingent and not booked; orders not yet shipped neither
//! (a cancelled order never touches the books).
//!
//! Layout: 18 tab-separated columns with their standard names, dates YYYYMMDD, amounts with a
//! decimal comma, one EcritureNum per balanced entry.

use crate::config::PayoutsSettings;
use chrono::NaiveDate;

pub const COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

/// One balanced two-line entry: `amount_cents` debited on one account and credited on another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    pub piece: String,
    pub label: String,
    pub debit: (String, String),
    pub credit: (String, String),
    pub amount_cents: i64,
}

/// What happened to points in a period, as the ledger and the orders say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Movement {
    /// Net confirmed points of a challenge on a day (negative when reversals dominate).
    Earned {
        date: NaiveDate,
        challenge_id: i64,
        challenge: String,
        points: i64,
        point_value_cents: i64,
    },
    Shipped {
        date: NaiveDate,
        redemption_id: i64,
        reward: String,
        points: i64,
    },
    Expired {
        date: NaiveDate,
        points: i64,
    },
}

fn account(number: &str, label: &str) -> (String, String) {
    (number.to_string(), label.to_string())
}

/// Turns movements into balanced entries (zero amounts are skipped).
pub fn entries(p: &PayoutsSettings, movements: &[Movement]) -> Vec<Entry> {
    let expense = account(&p.expense_account, &p.expense_label);
    let liability = account(&p.liability_account, &p.liability_label);
    movements
        .iter()
        .filter_map(|m| {
            let e = match m {
                Movement::Earned {
                    date,
                    challenge_id,
                    challenge,
                    points,
                    point_value_cents,
                } => {
                    let (debit, credit, label) = if *points >= 0 {
                        (
                            expense.clone(),
                            liability.clone(),
                            format!("Points gagnés - {challenge}"),
                        )
                    } else {
                        (
                            liability.clone(),
                            expense.clone(),
                            format!("Points annulés - {challenge}"),
                        )
                    };
                    Entry {
                        date: *date,
                        piece: format!("CH{challenge_id}-{}", date.format("%Y%m%d")),
                        label,
                        debit,
                        credit,
                        amount_cents: points.abs() * point_value_cents,
                    }
                }
                Movement::Shipped {
                    date,
                    redemption_id,
                    reward,
                    points,
                } => Entry {
                    date: *date,
                    piece: format!("RD{redemption_id}"),
                    label: format!("Récompense expédiée - {reward}"),
                    debit: liability.clone(),
                    credit: account(&p.redemption_account, &p.redemption_label),
                    amount_cents: points.abs() * p.point_value_cents,
                },
                Movement::Expired { date, points } => Entry {
                    date: *date,
                    piece: format!("EXP-{}", date.format("%Y%m%d")),
                    label: "Points expirés".to_string(),
                    debit: liability.clone(),
                    credit: account(&p.expiry_account, &p.expiry_label),
                    amount_cents: points.abs() * p.point_value_cents,
                },
            };
            (e.amount_cents != 0).then_some(e)
        })
        .collect()
}

fn amount(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

fn clean(s: &str) -> String {
    // A tab or line break inside a field would shift every column after it; a label that a
    // spreadsheet would run as a formula is neutralised like any CSV text.
    super::csv_text(&s.replace(['\t', '\n', '\r', '|'], " ")).into_owned()
}

/// The FEC text: a header line, then two lines per entry, numbered from 1 in date order.
pub fn render(p: &PayoutsSettings, entries: &[Entry]) -> String {
    let mut out = COLUMNS.join("\t");
    out.push_str("\r\n");
    for (i, e) in entries.iter().enumerate() {
        let date = e.date.format("%Y%m%d").to_string();
        let num = format!("{}{:06}", p.journal_code, i + 1);
        for (acct, debit, credit) in [
            (&e.debit, e.amount_cents, 0),
            (&e.credit, 0, e.amount_cents),
        ] {
            let fields = [
                clean(&p.journal_code),
                clean(&p.journal_label),
                num.clone(),
                date.clone(),
                clean(&acct.0),
                clean(&acct.1),
                String::new(),
                String::new(),
                clean(&e.piece),
                date.clone(),
                clean(&e.label),
                amount(debit),
                amount(credit),
                String::new(),
                String::new(),
                date.clone(),
                String::new(),
                String::new(),
            ];
            out.push_str(&fields.join("\t"));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PayoutsSettings {
        crate::config::Settings::defaults().payouts
    }

    #[test]
    fn labels_that_a_spreadsheet_would_run_are_neutralised() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let entry = Entry {
            date: day,
            piece: "@SUM(1+1)".into(),
            label: "=HYPERLINK(\"http://evil.example\")\tx".into(),
            debit: ("6238".into(), "-cmd".into()),
            credit: ("4386".into(), "Dettes".into()),
            amount_cents: 100,
        };
        let text = render(&settings(), &[entry]);
        let fields: Vec<&str> = text.lines().nth(1).unwrap().split('\t').collect();
        assert_eq!(fields.len(), 18);
        assert_eq!(fields[5], "'-cmd");
        assert_eq!(fields[8], "'@SUM(1+1)");
        assert_eq!(fields[10], "'=HYPERLINK(\"http://evil.example\") x");
        assert_eq!(fields[11], "1,00");
    }

    #[test]
    fn a_net_reversal_swaps_the_sides_and_every_entry_balances() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let moves = [
            Movement::Earned {
                date: day,
                challenge_id: 4,
                challenge: "Spring".into(),
                points: 1_234,
                point_value_cents: 2,
            },
            Movement::Earned {
                date: day,
                challenge_id: 5,
                challenge: "Gone".into(),
                points: -10,
                point_value_cents: 2,
            },
            Movement::Expired {
                date: day,
                points: 0,
            },
        ];
        let e = entries(&settings(), &moves);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].debit.0, "6238");
        assert_eq!(e[0].amount_cents, 2_468);
        assert_eq!(e[1].debit.0, "4386");
        let text = render(&settings(), &e);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines.iter().all(|l| l.split('\t').count() == 18));
        assert!(lines[1].contains("\t24,68\t0,00\t"));
        assert!(lines[2].contains("\t0,00\t24,68\t"));
    }
}
