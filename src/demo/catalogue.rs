//! The two demo catalogues: categories with their seasonality, products with realistic list
//! prices, valid EAN-13 codes, and the product pairs that repeat customers buy together.

use super::Kind;

/// Relative sales of a category per calendar month (January first).
pub type Season = [f64; 12];

const SPRING: Season = [0.2, 0.35, 1.0, 1.8, 2.0, 1.6, 1.1, 0.8, 0.7, 0.5, 0.25, 0.3];
const SPRING_AUTUMN: Season = [0.2, 0.3, 0.8, 1.3, 1.5, 1.3, 1.0, 0.9, 1.4, 1.2, 0.5, 0.3];
const AUTUMN: Season = [1.0, 0.9, 0.8, 0.6, 0.5, 0.4, 0.4, 0.5, 1.0, 1.6, 1.8, 1.3];
const SUMMER_WATER: Season = [0.1, 0.2, 0.5, 1.2, 1.8, 2.2, 2.4, 1.6, 0.7, 0.3, 0.15, 0.2];
const HAND_TOOLS: Season = [0.5, 0.6, 1.2, 1.5, 1.4, 1.0, 0.8, 0.8, 1.1, 1.2, 0.8, 1.6];
const FLAT: Season = [0.7, 0.8, 1.0, 1.2, 1.3, 1.2, 1.1, 1.0, 1.0, 1.0, 0.8, 0.9];
const SUMMER_DRINKS: Season = [0.6, 0.6, 0.8, 1.0, 1.3, 1.6, 1.9, 1.7, 1.1, 0.8, 0.7, 0.9];
const WINTER_DRINKS: Season = [1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.7, 0.9, 1.2, 1.3, 1.6];
const KEGS: Season = [0.5, 0.5, 0.7, 0.9, 1.3, 1.8, 2.0, 1.8, 1.1, 0.8, 0.6, 1.0];
const GIFTS: Season = [0.3, 0.4, 0.4, 0.5, 0.6, 0.9, 0.6, 0.5, 0.5, 0.7, 1.6, 4.5];
const GOODIES: Season = [0.7, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.1, 0.9, 0.9, 1.1, 1.8];
const CHRISTMAS: Season = [0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 2.5, 4.0];
const SPRING_BEER: Season = [0.0, 0.3, 1.8, 2.2, 1.6, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
const SUMMER_BEER: Season = [0.0, 0.0, 0.0, 0.0, 0.5, 1.8, 2.5, 2.0, 0.4, 0.0, 0.0, 0.0];

/// A product of the demo catalogue, before it gets a database id.
#[derive(Debug, Clone)]
pub struct ProductSpec {
    pub sku: String,
    pub name: String,
    pub category: &'static str,
    pub brand: &'static str,
    pub ean: String,
    pub list_price_cents: i64,
    pub season: Season,
}

struct Builder {
    kind: Kind,
    products: Vec<ProductSpec>,
    per_prefix: Vec<(&'static str, u32)>,
}

impl Builder {
    fn add(
        &mut self,
        category: &'static str,
        prefix: &'static str,
        season: Season,
        name: String,
        price: i64,
    ) {
        let n = match self.per_prefix.iter_mut().find(|(p, _)| *p == prefix) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.per_prefix.push((prefix, 1));
                1
            }
        };
        let brand = match self.kind {
            Kind::Garden if prefix == "PIEC" => "Agrilame",
            Kind::Garden if name.contains("thermique") || name.contains("autoportée") => {
                "Verdure Pro"
            }
            Kind::Garden => "Verdure",
            Kind::Drinks if prefix == "SOFT" => "Monts Soft",
            Kind::Drinks if prefix == "GOOD" => "Les Monts",
            Kind::Drinks => "Brasserie des Monts",
        };
        let company = match self.kind {
            Kind::Garden => 376_012_300_000u64,
            Kind::Drinks => 377_045_600_000u64,
        };
        let ean = ean13(company + self.products.len() as u64 + 1);
        self.products.push(ProductSpec {
            sku: format!("{prefix}-{n:03}"),
            name,
            category,
            brand,
            ean,
            list_price_cents: price,
            season,
        });
    }

    /// One product per variant: `{}` in the template is replaced by the variant.
    fn series(
        &mut self,
        category: &'static str,
        prefix: &'static str,
        season: Season,
        template: &str,
        variants: &[(&str, i64)],
    ) {
        for (v, price) in variants {
            self.add(category, prefix, season, template.replace("{}", v), *price);
        }
    }

    fn items(
        &mut self,
        category: &'static str,
        prefix: &'static str,
        season: Season,
        items: &[(&str, i64)],
    ) {
        for (name, price) in items {
            self.add(category, prefix, season, name.to_string(), *price);
        }
    }
}

/// The EAN-13 of a 12-digit number: the number followed by its GS1 check digit.
pub fn ean13(first12: u64) -> String {
    let digits = format!("{first12:012}");
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| (b - b'0') as u32 * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

pub fn catalogue(kind: Kind) -> Vec<ProductSpec> {
    let mut b = Builder {
        kind,
        products: Vec::new(),
        per_prefix: Vec::new(),
    };
    match kind {
        Kind::Garden => garden(&mut b),
        Kind::Drinks => drinks(&mut b),
    }
    b.products
}

#[rustfmt::skip]
fn garden(b: &mut Builder) {
    let t = "Tondeuses";
    b.series(t, "TOND", SPRING, "Tondeuse thermique {} cm", &[("42", 24900), ("46", 32900), ("51", 44900), ("53", 54900)]);
    b.series(t, "TOND", SPRING, "Tondeuse thermique tractée {} cm", &[("46", 42900), ("51", 52900), ("53", 64900)]);
    b.series(t, "TOND", SPRING, "Tondeuse à batterie 36 V {} cm", &[("34", 29900), ("40", 39900), ("46", 52900)]);
    b.series(t, "TOND", SPRING, "Tondeuse électrique {} cm", &[("32", 12900), ("38", 17900)]);
    b.series(t, "TOND", SPRING, "Robot tondeuse {} m²", &[("500", 79900), ("800", 119900), ("1500", 189900)]);
    b.series(t, "TOND", SPRING, "Tondeuse autoportée {} cm", &[("92", 249900), ("102", 329900)]);
    let t = "Taille-haies";
    b.series(t, "TAIL", SPRING_AUTUMN, "Taille-haie électrique {} cm", &[("50", 7900), ("60", 10900)]);
    b.series(t, "TAIL", SPRING_AUTUMN, "Taille-haie à batterie 36 V {} cm", &[("50", 17900), ("60", 22900)]);
    b.series(t, "TAIL", SPRING_AUTUMN, "Taille-haie thermique {} cm", &[("60", 34900), ("75", 44900)]);
    b.items(t, "TAIL", SPRING_AUTUMN, &[("Taille-haie sur perche à batterie", 29900)]);
    let t = "Débroussailleuses";
    b.series(t, "DEBR", SPRING, "Débroussailleuse thermique {} cm³", &[("25", 24900), ("33", 34900), ("43", 47900)]);
    b.items(t, "DEBR", SPRING, &[("Débroussailleuse à batterie 36 V", 32900), ("Coupe-bordures à batterie 36 V", 14900)]);
    b.series(t, "DEBR", SPRING, "Coupe-bordures électrique {} W", &[("450", 4990), ("600", 6990)]);
    let t = "Tronçonneuses";
    b.series(t, "TRON", AUTUMN, "Tronçonneuse thermique {} cm", &[("35", 22900), ("40", 32900), ("45", 44900)]);
    b.series(t, "TRON", AUTUMN, "Tronçonneuse à batterie 36 V {} cm", &[("30", 22900), ("35", 27900)]);
    b.items(t, "TRON", AUTUMN, &[("Élagueuse sur perche", 27900), ("Tronçonneuse électrique 35 cm", 12900)]);
    let t = "Souffleurs";
    b.items(t, "SOUF", AUTUMN, &[
        ("Souffleur thermique", 24900), ("Souffleur à batterie 36 V", 17900),
        ("Aspiro-souffleur électrique", 8900), ("Souffleur à dos thermique", 49900),
    ]);
    let t = "Motobineuses et broyeurs";
    b.series(t, "MOTO", SPRING, "Motobineuse thermique {} cm", &[("55", 44900), ("85", 69900)]);
    b.items(t, "MOTO", SPRING, &[
        ("Motobineuse électrique", 24900), ("Scarificateur électrique", 15900),
        ("Scarificateur thermique", 39900), ("Broyeur de végétaux", 34900), ("Fendeuse de bûches", 39900),
    ]);
    let t = "Outils à main";
    b.series(t, "OUTM", HAND_TOOLS, "Sécateur {}", &[("bypass", 2490), ("à enclume", 2290), ("à crémaillère", 3490), ("ergonomique", 3990)]);
    b.series(t, "OUTM", HAND_TOOLS, "Coupe-branches {} cm", &[("60", 4990), ("80", 6490)]);
    b.items(t, "OUTM", HAND_TOOLS, &[
        ("Cisaille à haie", 3990), ("Bêche inox", 4490), ("Fourche à bêcher", 3990),
        ("Râteau à gazon", 2490), ("Binette", 1990), ("Serfouette", 1790), ("Transplantoir", 990),
        ("Griffe de jardin", 1490), ("Scie d'élagage", 2990), ("Ébrancheur télescopique", 7990),
        ("Balai à gazon", 2290), ("Pelle de jardin", 3290),
    ]);
    let t = "Arrosage";
    b.series(t, "ARRO", SUMMER_WATER, "Tuyau d'arrosage {} m", &[("15", 2490), ("25", 3990), ("50", 6990)]);
    b.items(t, "ARRO", SUMMER_WATER, &[
        ("Dévidoir mural", 5990), ("Chariot dévidoir", 7990), ("Pistolet d'arrosage multijet", 1490),
        ("Lance d'arrosage", 1990), ("Arroseur oscillant", 2490), ("Arroseur rotatif", 1990),
        ("Programmateur d'arrosage", 4990), ("Programmateur connecté", 9990), ("Kit goutte-à-goutte", 3490),
        ("Raccords rapides (lot de 3)", 890), ("Récupérateur d'eau 300 L", 8990), ("Pompe de surface", 14900),
    ]);
    let t = "Batteries et chargeurs";
    b.series(t, "BATT", FLAT, "Batterie 36 V {} Ah", &[("2", 8990), ("4", 14900), ("6", 19900)]);
    b.items(t, "BATT", FLAT, &[("Chargeur rapide 36 V", 6990), ("Chargeur double 36 V", 10990)]);
    let t = "Accessoires";
    b.items(t, "ACCE", FLAT, &[
        ("Gants de jardin renforcés", 1490), ("Lunettes de protection", 990), ("Casque antibruit", 2990),
        ("Visière grillagée", 1990), ("Huile moteur 4 temps 1 L", 990), ("Huile 2 temps 1 L", 1190),
        ("Carburant alkylate 5 L", 2990), ("Housse de protection tondeuse", 2990), ("Kit mulching", 3490),
        ("Bac de ramassage", 4490), ("Harnais double", 3490),
    ]);
    b.series(t, "ACCE", FLAT, "Bobine de fil nylon {} mm", &[("2,0", 1490), ("2,4", 1690), ("3,0", 1990)]);
    let t = "Pièces détachées";
    b.series(t, "PIEC", FLAT, "Lame de tondeuse {} cm", &[("42", 2490), ("46", 2690), ("51", 2990), ("53", 3290)]);
    b.series(t, "PIEC", FLAT, "Chaîne de tronçonneuse {} cm", &[("35", 2490), ("40", 2790), ("45", 2990)]);
    b.series(t, "PIEC", FLAT, "Guide-chaîne {} cm", &[("35", 3490), ("40", 3990)]);
    b.items(t, "PIEC", FLAT, &[
        ("Bougie d'allumage", 590), ("Filtre à air", 890), ("Filtre à carburant", 490),
        ("Tête de coupe universelle", 2490), ("Courroie de traction", 2990), ("Lamier de taille-haie 60 cm", 5990),
        ("Kit entretien tondeuse", 1990), ("Câble d'embrayage", 1490), ("Roue arrière", 1990),
    ]);
}

#[rustfmt::skip]
fn drinks(b: &mut Builder) {
    // (category, prefix, season, beer, price of a 33 cl bottle in cents)
    let beers: &[(&'static str, &'static str, Season, &str, i64)] = &[
        ("Blondes", "BLON", SUMMER_DRINKS, "La Blonde des Monts", 240),
        ("Blondes", "BLON", SUMMER_DRINKS, "Cime Blonde", 260),
        ("Blondes", "BLON", SUMMER_DRINKS, "Belle Aube", 250),
        ("Blondes", "BLON", SUMMER_DRINKS, "Sommet Lager", 220),
        ("Blanches", "BLAN", SUMMER_DRINKS, "Névé Blanche", 250),
        ("Blanches", "BLAN", SUMMER_DRINKS, "Flocon", 260),
        ("Ambrées", "AMBR", WINTER_DRINKS, "Col du Loup Ambrée", 270),
        ("Ambrées", "AMBR", WINTER_DRINKS, "Feu de Camp", 280),
        ("Ambrées", "AMBR", WINTER_DRINKS, "Crépuscule", 290),
        ("Brunes", "BRUN", WINTER_DRINKS, "Nuit des Sapins", 290),
        ("Brunes", "BRUN", WINTER_DRINKS, "Brune du Refuge", 300),
        ("IPA", "IPA", SUMMER_DRINKS, "Écume IPA", 320),
        ("IPA", "IPA", SUMMER_DRINKS, "Éboulis Double IPA", 390),
        ("IPA", "IPA", SUMMER_DRINKS, "Crête Session IPA", 290),
        ("IPA", "IPA", SUMMER_DRINKS, "Cascade NEIPA", 350),
        ("Saisonnières", "SAIS", CHRISTMAS, "Bière de Noël des Monts", 310),
        ("Saisonnières", "SAIS", SPRING_BEER, "Bière de Printemps", 280),
        ("Saisonnières", "SAIS", SUMMER_BEER, "Bière d'Été au Génépi", 300),
        ("Sans alcool", "SANS", SUMMER_DRINKS, "Blonde des Monts sans alcool", 230),
        ("Sans alcool", "SANS", SUMMER_DRINKS, "Écume IPA sans alcool", 250),
    ];
    for (category, prefix, season, beer, price) in beers {
        let formats = [
            ("33 cl", *price),
            ("75 cl", price * 23 / 10 / 10 * 10),
            ("pack 6 × 33 cl", price * 55 / 10 / 10 * 10),
            ("carton 24 × 33 cl", price * 20 / 100 * 100 - 10),
            ("canette 44 cl", price * 115 / 100 / 10 * 10),
        ];
        for (format, p) in formats {
            b.add(category, prefix, *season, format!("{beer} {format}"), p);
        }
    }
    let t = "Fûts";
    b.series(t, "FUT", KEGS, "Fût 20 L {}", &[
        ("La Blonde des Monts", 9900), ("Cime Blonde", 10500), ("Névé Blanche", 10500),
        ("Col du Loup Ambrée", 11500), ("Écume IPA", 13900), ("Nuit des Sapins", 12500),
    ]);
    let t = "Coffrets";
    b.items(t, "COFF", GIFTS, &[
        ("Coffret Découverte 6 bières", 1990), ("Coffret Dégustation 12 bières", 3690),
        ("Coffret Cadeau 4 bières et verre", 2490), ("Coffret Noël des Monts", 3290),
        ("Calendrier de l'Avent 24 bières", 5990),
    ]);
    let t = "Verres et objets";
    b.items(t, "GOOD", GOODIES, &[
        ("Verre à pied 33 cl", 590), ("Chope 50 cl", 890), ("Décapsuleur", 490), ("Sous-bocks (lot de 50)", 690),
        ("Tee-shirt Brasserie des Monts", 1990), ("Tablier de brasseur", 2490),
    ]);
    let t = "Sans alcool";
    b.items(t, "SOFT", SUMMER_DRINKS, &[
        ("Limonade artisanale 33 cl", 190), ("Ginger beer 33 cl", 220), ("Cola des Monts 33 cl", 200),
    ]);
}

/// Products that repeat customers buy one after the other: (first, then).
pub fn pairs(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Garden => &[
            ("Tondeuse thermique 46 cm", "Huile moteur 4 temps 1 L"),
            ("Tondeuse thermique tractée 51 cm", "Lame de tondeuse 51 cm"),
            (
                "Débroussailleuse thermique 33 cm³",
                "Bobine de fil nylon 2,4 mm",
            ),
            (
                "Tronçonneuse thermique 40 cm",
                "Chaîne de tronçonneuse 40 cm",
            ),
            ("Taille-haie à batterie 36 V 50 cm", "Batterie 36 V 4 Ah"),
            ("Tuyau d'arrosage 25 m", "Pistolet d'arrosage multijet"),
            ("Sécateur bypass", "Gants de jardin renforcés"),
        ],
        Kind::Drinks => &[
            ("Coffret Découverte 6 bières", "Verre à pied 33 cl"),
            ("Écume IPA 33 cl", "Éboulis Double IPA 33 cl"),
            ("Fût 20 L La Blonde des Monts", "Sous-bocks (lot de 50)"),
            (
                "La Blonde des Monts carton 24 × 33 cl",
                "Écume IPA pack 6 × 33 cl",
            ),
            ("Nuit des Sapins 75 cl", "Coffret Noël des Monts"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean13_check_digits_are_correct() {
        assert_eq!(ean13(400638133393), "4006381333931");
        assert_eq!(ean13(978020137962), "9780201379624");
    }

    #[test]
    fn catalogues_have_about_120_unique_products_and_resolvable_pairs() {
        for kind in [Kind::Garden, Kind::Drinks] {
            let products = catalogue(kind);
            assert!((110..=130).contains(&products.len()), "{}", products.len());
            let mut skus: Vec<_> = products.iter().map(|p| p.sku.clone()).collect();
            skus.sort();
            skus.dedup();
            assert_eq!(skus.len(), products.len());
            assert!(products
                .iter()
                .all(|p| p.ean.len() == 13 && p.list_price_cents > 0));
            for (a, b) in pairs(kind) {
                assert!(products.iter().any(|p| p.name == *a), "{a}");
                assert!(products.iter().any(|p| p.name == *b), "{b}");
            }
        }
    }
}
