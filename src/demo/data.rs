//! Static reference data for the demo: real cities (with their postal codes and coordinates),
//! French names, and the texts that declared lines carry.

/// A real city: name, region, country, postal code, latitude, longitude, relative weight
/// (roughly its population, so that big cities get more resellers).
pub struct City {
    pub name: &'static str,
    pub region: &'static str,
    pub country: &'static str,
    pub postal_code: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub weight: u32,
}

const fn c(
    name: &'static str,
    region: &'static str,
    postal_code: &'static str,
    lat: f64,
    lon: f64,
    weight: u32,
) -> City {
    City {
        name,
        region,
        country: "FR",
        postal_code,
        lat,
        lon,
        weight,
    }
}

const fn abroad(
    name: &'static str,
    region: &'static str,
    country: &'static str,
    postal_code: &'static str,
    lat: f64,
    lon: f64,
) -> City {
    City {
        name,
        region,
        country,
        postal_code,
        lat,
        lon,
        weight: 2,
    }
}

const IDF: &str = "Île-de-France";
const ARA: &str = "Auvergne-Rhône-Alpes";
const NAQ: &str = "Nouvelle-Aquitaine";
const OCC: &str = "Occitanie";
const HDF: &str = "Hauts-de-France";
const GES: &str = "Grand Est";
const PAC: &str = "Provence-Alpes-Côte d'Azur";
const BRE: &str = "Bretagne";
const NOR: &str = "Normandie";
const PDL: &str = "Pays de la Loire";
const CVL: &str = "Centre-Val de Loire";
const BFC: &str = "Bourgogne-Franche-Comté";
const COR: &str = "Corse";

/// The regions the demo manager of each tenant owns (a good share of the network).
pub const DEMO_MANAGER_REGIONS: &[&str] = &[IDF, ARA, COR, "Genève", "Vaud"];

pub const CITIES: &[City] = &[
    c("Paris", IDF, "75001", 48.8566, 2.3522, 30),
    c("Versailles", IDF, "78000", 48.8049, 2.1204, 5),
    c("Boulogne-Billancourt", IDF, "92100", 48.8397, 2.2399, 5),
    c("Saint-Denis", IDF, "93200", 48.9362, 2.3574, 4),
    c("Créteil", IDF, "94000", 48.7904, 2.4556, 4),
    c("Meaux", IDF, "77100", 48.9601, 2.8788, 3),
    c("Évry-Courcouronnes", IDF, "91000", 48.6238, 2.4296, 3),
    c("Cergy", IDF, "95000", 49.0364, 2.0761, 3),
    c("Lyon", ARA, "69001", 45.7640, 4.8357, 14),
    c("Grenoble", ARA, "38000", 45.1885, 5.7245, 6),
    c("Saint-Étienne", ARA, "42000", 45.4397, 4.3872, 5),
    c("Clermont-Ferrand", ARA, "63000", 45.7772, 3.0870, 5),
    c("Annecy", ARA, "74000", 45.8992, 6.1294, 4),
    c("Chambéry", ARA, "73000", 45.5646, 5.9178, 3),
    c("Valence", ARA, "26000", 44.9334, 4.8924, 3),
    c("Bordeaux", NAQ, "33000", 44.8378, -0.5792, 10),
    c("Limoges", NAQ, "87000", 45.8336, 1.2611, 4),
    c("Poitiers", NAQ, "86000", 46.5802, 0.3404, 3),
    c("La Rochelle", NAQ, "17000", 46.1603, -1.1511, 3),
    c("Pau", NAQ, "64000", 43.2951, -0.3708, 3),
    c("Bayonne", NAQ, "64100", 43.4929, -1.4748, 3),
    c("Périgueux", NAQ, "24000", 45.1846, 0.7214, 2),
    c("Toulouse", OCC, "31000", 43.6047, 1.4442, 10),
    c("Montpellier", OCC, "34000", 43.6108, 3.8767, 7),
    c("Nîmes", OCC, "30000", 43.8367, 4.3601, 4),
    c("Perpignan", OCC, "66000", 42.6887, 2.8948, 3),
    c("Albi", OCC, "81000", 43.9289, 2.1464, 2),
    c("Carcassonne", OCC, "11000", 43.2130, 2.3491, 2),
    c("Lille", HDF, "59000", 50.6292, 3.0573, 9),
    c("Amiens", HDF, "80000", 49.8941, 2.2958, 4),
    c("Roubaix", HDF, "59100", 50.6942, 3.1746, 3),
    c("Dunkerque", HDF, "59140", 51.0343, 2.3768, 3),
    c("Beauvais", HDF, "60000", 49.4295, 2.0807, 2),
    c("Arras", HDF, "62000", 50.2910, 2.7775, 2),
    c("Strasbourg", GES, "67000", 48.5734, 7.7521, 8),
    c("Reims", GES, "51100", 49.2583, 4.0317, 5),
    c("Metz", GES, "57000", 49.1193, 6.1757, 4),
    c("Nancy", GES, "54000", 48.6921, 6.1844, 4),
    c("Mulhouse", GES, "68100", 47.7508, 7.3359, 3),
    c("Colmar", GES, "68000", 48.0794, 7.3585, 2),
    c("Troyes", GES, "10000", 48.2973, 4.0744, 2),
    c("Marseille", PAC, "13001", 43.2965, 5.3698, 12),
    c("Nice", PAC, "06000", 43.7102, 7.2620, 7),
    c("Toulon", PAC, "83000", 43.1242, 5.9280, 4),
    c("Aix-en-Provence", PAC, "13100", 43.5297, 5.4474, 4),
    c("Avignon", PAC, "84000", 43.9493, 4.8055, 3),
    c("Gap", PAC, "05000", 44.5594, 6.0786, 2),
    c("Rennes", BRE, "35000", 48.1173, -1.6778, 7),
    c("Brest", BRE, "29200", 48.3904, -4.4861, 4),
    c("Quimper", BRE, "29000", 47.9960, -4.1024, 2),
    c("Vannes", BRE, "56000", 47.6582, -2.7608, 2),
    c("Saint-Brieuc", BRE, "22000", 48.5136, -2.7653, 2),
    c("Lorient", BRE, "56100", 47.7483, -3.3700, 2),
    c("Rouen", NOR, "76000", 49.4432, 1.0999, 5),
    c("Caen", NOR, "14000", 49.1829, -0.3707, 4),
    c("Le Havre", NOR, "76600", 49.4944, 0.1079, 4),
    c("Cherbourg-en-Cotentin", NOR, "50100", 49.6337, -1.6222, 2),
    c("Évreux", NOR, "27000", 49.0241, 1.1508, 2),
    c("Nantes", PDL, "44000", 47.2184, -1.5536, 8),
    c("Angers", PDL, "49000", 47.4784, -0.5632, 4),
    c("Le Mans", PDL, "72000", 48.0061, 0.1996, 4),
    c("Saint-Nazaire", PDL, "44600", 47.2735, -2.2138, 2),
    c("La Roche-sur-Yon", PDL, "85000", 46.6705, -1.4260, 2),
    c("Laval", PDL, "53000", 48.0707, -0.7734, 2),
    c("Tours", CVL, "37000", 47.3941, 0.6848, 4),
    c("Orléans", CVL, "45000", 47.9030, 1.9093, 4),
    c("Bourges", CVL, "18000", 47.0810, 2.3988, 2),
    c("Blois", CVL, "41000", 47.5861, 1.3359, 2),
    c("Chartres", CVL, "28000", 48.4439, 1.4890, 2),
    c("Dijon", BFC, "21000", 47.3220, 5.0415, 4),
    c("Besançon", BFC, "25000", 47.2378, 6.0241, 4),
    c("Auxerre", BFC, "89000", 47.7986, 3.5673, 2),
    c("Chalon-sur-Saône", BFC, "71100", 46.7806, 4.8539, 2),
    c("Belfort", BFC, "90000", 47.6380, 6.8628, 2),
    c("Ajaccio", COR, "20000", 41.9192, 8.7386, 2),
    c("Bastia", COR, "20200", 42.6973, 9.4509, 2),
    abroad(
        "Bruxelles",
        "Bruxelles-Capitale",
        "BE",
        "1000",
        50.8503,
        4.3517,
    ),
    abroad("Liège", "Wallonie", "BE", "4000", 50.6326, 5.5797),
    abroad("Namur", "Wallonie", "BE", "5000", 50.4674, 4.8720),
    abroad("Genève", "Genève", "CH", "1201", 46.2044, 6.1432),
    abroad("Lausanne", "Vaud", "CH", "1003", 46.5197, 6.6323),
];

/// The index of Annecy in [`CITIES`], home of the multi-brand demo reseller.
pub fn annecy() -> usize {
    CITIES
        .iter()
        .position(|c| c.name == "Annecy")
        .expect("Annecy is in the table")
}

/// Postal-code suffixes of the communes around a French department's prefecture.
pub const POSTAL_SUFFIXES: &[&str] = &[
    "000", "100", "110", "120", "130", "140", "150", "160", "170", "190", "200", "210", "220",
    "230", "240", "250", "260", "270", "290", "300", "310", "320", "330", "340", "350", "360",
    "380", "400", "410", "420", "430", "440", "450", "470", "490", "500", "510", "520", "530",
    "540", "560", "570", "580", "590", "600", "610", "620", "630", "640", "650", "660", "680",
    "690", "700", "720", "740", "760", "770", "800", "830", "840", "850", "870", "890",
];

pub const FIRST_NAMES: &[&str] = &[
    "Camille",
    "Julie",
    "Sophie",
    "Claire",
    "Hélène",
    "Isabelle",
    "Nathalie",
    "Émilie",
    "Léa",
    "Manon",
    "Chloé",
    "Sarah",
    "Céline",
    "Aurélie",
    "Marion",
    "Pauline",
    "Lucie",
    "Anne",
    "Valérie",
    "Agnès",
    "Thomas",
    "Nicolas",
    "Julien",
    "Antoine",
    "Pierre",
    "Mathieu",
    "Guillaume",
    "Romain",
    "Sébastien",
    "François",
    "Laurent",
    "Olivier",
    "Stéphane",
    "Benoît",
    "Jérôme",
    "Maxime",
    "Hugo",
    "Louis",
    "Étienne",
    "Rémi",
];

pub const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Marchand",
    "Giraud",
    "Perrot",
    "Renaud",
    "Brun",
    "Lacroix",
    "Aubert",
    "Carpentier",
];

/// Place words for names such as "Motoculture du Val" or "Cave des Alpes".
pub const PLACES: &[&str] = &[
    "du Val",
    "des Alpes",
    "du Lac",
    "de la Vallée",
    "du Marais",
    "des Collines",
    "du Bocage",
    "de l'Étang",
    "du Moulin",
    "des Pins",
    "du Plateau",
    "de la Plaine",
    "du Littoral",
    "des Coteaux",
    "du Vieux Port",
    "de la Forêt",
    "des Vignes",
    "du Pont",
    "des Châtaigniers",
    "de la Source",
];

/// Reseller name patterns per tenant and type: `{n}` a family name, `{p}` a place word,
/// `{c}` the city.
pub const GARDEN_RESELLER_NAMES: &[&str] = &[
    "Jardinerie {n}",
    "Motoculture {p}",
    "{n} Motoculture",
    "Espace Vert {c}",
    "Jardin & Nature {c}",
    "Ets {n}",
    "Quincaillerie {n}",
    "Le Jardin {p}",
    "Motoculture {n} et Fils",
    "Agri-Jardin {c}",
    "Comptoir Agricole {p}",
    "Jardinerie {p}",
    "Brico-Jardin {n}",
    "Point Motoculture {c}",
];
pub const GARDEN_DISTRIBUTOR_NAMES: &[&str] = &[
    "Distri-Jardin {r}",
    "Motoculture Services {r}",
    "Groupe {n} Distribution",
    "Centrale Verte {r}",
];
pub const GARDEN_FRANCHISE_NAMES: &[&str] = &[
    "Verdure Store {c}",
    "Espace Verdure {c}",
    "Verdure Atelier {c}",
];

pub const DRINKS_RESELLER_NAMES: &[&str] = &[
    "Cave {p}",
    "Bar Le Central",
    "Le Comptoir des Bières",
    "Cave {n}",
    "Épicerie fine {n}",
    "Café du Commerce",
    "La Cave à Mousse",
    "Bar {p}",
    "Le Zinc {c}",
    "Les Caves {n}",
    "Brasserie du Marché",
    "Le Petit Houblon",
    "Cave & Terroir {c}",
    "Restaurant {n}",
    "Le Bistrot {p}",
];
pub const DRINKS_DISTRIBUTOR_NAMES: &[&str] = &[
    "Boissons {r} Distribution",
    "Grossiste {n} Boissons",
    "Distri-Bières {r}",
    "CHR Services {r}",
];
pub const DRINKS_FRANCHISE_NAMES: &[&str] = &["Taverne des Monts {c}", "Comptoir des Monts {c}"];

pub const GARDEN_FEEDBACK: &[(&str, u8)] = &[
    ("Très satisfait, démarre au premier coup.", 5),
    ("Bon rapport qualité-prix.", 4),
    (
        "Le client trouve la batterie un peu juste pour son terrain.",
        3,
    ),
    ("Produit conforme, le client est content.", 5),
    ("Poignée cassée après deux semaines, retour SAV.", 1),
    ("Notice peu claire pour le montage.", 3),
    (
        "Excellent produit, le client est revenu acheter les accessoires.",
        5,
    ),
    ("Un peu bruyant mais efficace.", 4),
    ("Coupe nette, très maniable.", 5),
    ("Pièce reçue incomplète.", 2),
    ("Le client aurait aimé un bac de ramassage plus grand.", 3),
    ("Robuste, utilisé tous les jours par un paysagiste.", 5),
    ("Fuite au niveau du raccord.", 2),
    ("Trop lourd pour une utilisation prolongée.", 2),
    ("Conforme à la description.", 4),
    ("Moteur qui cale à chaud, renvoyé en atelier.", 1),
];

pub const DRINKS_FEEDBACK: &[(&str, u8)] = &[
    ("Très bonne bière, clients ravis.", 5),
    ("Belle amertume, très appréciée en terrasse.", 5),
    ("Un peu trop sucrée au goût des clients.", 3),
    ("Bouteilles arrivées cassées.", 1),
    ("Excellent coffret pour les fêtes.", 5),
    ("Mousse abondante, à servir plus frais.", 4),
    ("Date limite trop courte à la livraison.", 2),
    ("Bon produit, prix un peu élevé.", 3),
    ("Souvent en rupture, les clients la réclament.", 4),
    ("Goût moins marqué que le lot précédent.", 3),
    ("Parfaite pour l'apéritif.", 5),
    ("Fût livré avec une tête de tirage défectueuse.", 2),
    ("Bière trouble et trop acide, plusieurs retours.", 1),
];

/// Why staff rejected a declared line.
pub const REJECT_REASONS: &[&str] = &[
    "Prix unitaire incohérent avec le tarif",
    "Doublon d'une ligne déjà déclarée",
    "Produit non référencé chez ce revendeur",
    "Quantité manifestement erronée",
];

/// Lowercase ASCII form of a name, for e-mail addresses ("Hélène" → "helene").
pub fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|ch| {
            let ch = ch.to_lowercase().next().unwrap_or(ch);
            Some(match ch {
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'à' | 'â' | 'ä' => 'a',
                'î' | 'ï' => 'i',
                'ô' | 'ö' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'a'..='z' | '0'..='9' => ch,
                ' ' | '-' | '\'' => '-',
                _ => return None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_is_covered_and_coordinates_are_plausible() {
        for region in [
            IDF, ARA, NAQ, OCC, HDF, GES, PAC, BRE, NOR, PDL, CVL, BFC, COR,
        ] {
            assert!(CITIES.iter().any(|c| c.region == region), "{region}");
        }
        for c in CITIES {
            assert!(
                (41.0..51.5).contains(&c.lat) && (-5.0..10.0).contains(&c.lon),
                "{}",
                c.name
            );
            let len = if c.country == "FR" { 5 } else { 4 };
            assert_eq!(c.postal_code.len(), len, "{}", c.name);
        }
        assert_eq!(ascii_slug("Hélène"), "helene");
        assert_eq!(ascii_slug("Lefèvre"), "lefevre");
    }
}
