//! The header synonym table (FR/EN/RU, with the abbreviations seen in resellers' files).
//! Entries are written already normalised (see `super::normalise::normalise_header`): lowercase,
//! no accents, no dots, hyphens and apostrophes as spaces.

use super::mapping::Field;

/// How strongly a synonym designates its field.
pub const STRONG: u32 = 100;
pub const WEAK: u32 = 60;

/// `(field, strength, synonyms)`.
#[rustfmt::skip]
pub const SYNONYMS: &[(Field, u32, &[&str])] = &[
    (Field::SaleDate, STRONG, &[
        "date de vente", "date vente", "date facture", "date de facture", "date de la vente",
        "date commande", "date de commande", "date livraison", "date de livraison", "date",
        "sale date", "sales date", "date of sale", "invoice date", "order date",
        "transaction date", "дата", "дата продажи", "дата реализации", "дата чека",
        "дата документа", "дата счета",
    ]),
    (Field::SaleDate, WEAK, &[
        "jour", "day", "mois", "период",
    ]),
    (Field::Product, STRONG, &[
        "ref", "reference", "ref produit", "reference produit", "ref article", "reference article",
        "code article", "code produit", "sku", "ean", "ean13", "ean 13", "gtin", "code barre",
        "code barres", "code ean", "gencod", "product code", "item code", "product ref",
        "product reference", "product id", "item number", "part number", "article number",
        "артикул", "код товара", "штрихкод", "штрих код", "код", "ref fournisseur",
        "ref fabricant", "code", "ref interne", "votre ref", "our ref", "model", "modele",
    ]),
    (Field::Product, WEAK, &[
        "article", "produit", "product", "item", "товар",
    ]),
    (Field::ProductName, STRONG, &[
        "designation", "libelle", "libelle produit", "libelle article", "description",
        "nom produit", "nom du produit", "product name", "item name", "product description",
        "наименование", "название", "наименование товара", "название товара",
    ]),
    (Field::Quantity, STRONG, &[
        "qte", "qty", "quantite", "quantites", "quantite vendue", "quantites vendues",
        "qte vendue", "quantity", "quantity sold", "qty sold", "units", "units sold", "unites",
        "unites vendues", "nb", "nombre", "nb unites", "nombre d unites", "nb vendus", "volume",
        "pcs", "pieces", "кол во", "количество", "кол", "шт", "количество шт", "продано",
    ]),
    (Field::UnitPrice, STRONG, &[
        "prix unitaire", "pu", "pu ht", "pu ttc", "prix unitaire ht", "prix unitaire ttc",
        "prix de vente", "prix vente", "prix de vente unitaire", "pv", "pvc", "unit price",
        "price per unit", "selling price", "sale price", "цена", "цена за единицу", "цена продажи",
        "цена за шт", "цена руб",
    ]),
    (Field::LineAmount, STRONG, &[
        "montant", "montant ht", "montant ttc", "total", "total ht", "total ttc", "total ligne",
        "ca", "ca ht", "ca ttc", "chiffre d affaires", "chiffre d affaire", "line total",
        "line amount", "amount", "total amount", "sales amount", "revenue", "net sales",
        "turnover", "сумма", "выручка", "сумма продажи", "сумма руб",
    ]),
    (Field::CustomerType, STRONG, &[
        "type client", "type de client", "categorie client", "categorie de client",
        "typologie client", "segment client", "type", "customer type", "client type",
        "customer category", "customer segment", "тип клиента", "категория клиента",
        "тип покупателя",
    ]),
    (Field::CustomerPostalCode, STRONG, &[
        "code postal", "code postal client", "cp", "cp client", "zip", "zip code", "postal code",
        "postcode", "customer zip", "customer postal code", "индекс", "почтовый индекс",
        "индекс клиента",
    ]),
    (Field::CustomerId, STRONG, &[
        "client", "n client", "no client", "num client", "numero client", "numero de client",
        "id client", "code client", "ref client", "customer", "customer id", "customer number",
        "customer no", "client id", "клиент", "код клиента", "id клиента", "номер клиента",
        "покупатель",
    ]),
    (Field::Channel, STRONG, &[
        "canal", "canal de vente", "channel", "sales channel", "канал", "канал продаж",
    ]),
    (Field::Feedback, STRONG, &[
        "commentaire", "commentaires", "avis", "avis client", "remarque", "remarques", "feedback",
        "comment", "comments", "review", "отзыв", "комментарий",
    ]),
    (Field::Rating, STRONG, &[
        "note", "note client", "rating", "score", "stars", "etoiles", "оценка", "рейтинг",
    ]),
];

/// Headers that name money without saying per unit or per line.
#[rustfmt::skip]
pub const AMBIGUOUS_MONEY: &[&str] = &[
    "prix", "prix ht", "prix ttc", "price", "eur", "valeur", "value", "стоимость", "usd", "rub",
];
