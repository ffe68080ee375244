//! Deterministic Belgian sample material: names, streets, and numbers with
//! valid check digits, drawn from a seeded generator so that every run (and
//! every screenshot) is the same. Used by the demo, the volume seed and the
//! load generator, so that all three produce the same kind of data.

/// SplitMix64: small, fast, reproducible; not for secrets.
pub struct Draw(u64);

impl Draw {
    pub fn seeded(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = usize::try_from(self.below(u64::try_from(items.len()).unwrap_or(1))).unwrap_or(0);
        &items[index]
    }
}

pub const FIRST_NAMES_FR: &[&str] = &[
    "Marie",
    "Luc",
    "Sophie",
    "Jean",
    "Nathalie",
    "Philippe",
    "Isabelle",
    "Olivier",
    "Catherine",
    "Michel",
    "Anne",
    "Pierre",
    "Valérie",
    "Thierry",
    "Christine",
    "Didier",
    "Florence",
    "Benoît",
    "Aurélie",
    "Laurent",
];
pub const LAST_NAMES_FR: &[&str] = &[
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Lejeune",
    "Renard",
    "Leclercq",
    "Collard",
    "François",
    "Mathieu",
    "Dumont",
    "Lemaire",
    "Fontaine",
    "Gilson",
    "Henrard",
    "Denis",
    "Bertrand",
    "Marchal",
];
pub const FIRST_NAMES_NL: &[&str] =
    &["Jan", "Els", "Pieter", "An", "Koen", "Sofie", "Wim", "Katrien", "Bart", "Inge", "Tom", "Griet", "Dirk", "Lieve", "Stijn", "Hilde"];
pub const LAST_NAMES_NL: &[&str] = &[
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Van den Bossche",
    "Vermeulen",
    "De Clercq",
    "Van Damme",
    "Verhoeven",
    "Dierckx",
];

pub struct Place {
    pub city: &'static str,
    pub postal_code: u16,
    pub streets: &'static [&'static str],
    pub phone_prefix: &'static str,
}

pub const BRUSSELS: Place = Place {
    city: "Bruxelles",
    postal_code: 1000,
    streets: &["Rue Royale", "Boulevard Anspach", "Rue du Midi", "Rue de la Loi", "Avenue Louise", "Rue Haute"],
    phone_prefix: "+32 2",
};
pub const LIEGE: Place = Place {
    city: "Liège",
    postal_code: 4000,
    streets: &["Rue Saint-Gilles", "Boulevard d'Avroy", "Rue Féronstrée", "Quai de la Batte", "Rue Hors-Château"],
    phone_prefix: "+32 4",
};
pub const GENT: Place = Place {
    city: "Gent",
    postal_code: 9000,
    streets: &["Veldstraat", "Korenmarkt", "Kouter", "Sint-Pietersnieuwstraat", "Overpoortstraat", "Coupure Links"],
    phone_prefix: "+32 9",
};
pub const NAMUR: Place = Place {
    city: "Namur",
    postal_code: 5000,
    streets: &["Rue de Fer", "Rue de l'Ange", "Boulevard de la Meuse", "Avenue Cardinal Mercier"],
    phone_prefix: "+32 81",
};

fn mod97(digits: &str) -> u64 {
    digits.chars().filter_map(|c| c.to_digit(10)).fold(0, |acc, d| (acc * 10 + u64::from(d)) % 97)
}

/// A Belgian IBAN with valid national and ISO 13616 check digits.
pub fn belgian_iban(draw: &mut Draw) -> String {
    let bank = ["001", "068", "063", "310", "363", "539", "732", "750"];
    let base = format!("{}{:07}", draw.pick(&bank), draw.below(10_000_000));
    let national = match mod97(&base) {
        0 => 97,
        r => r,
    };
    let bban = format!("{base}{national:02}");
    // "BE00" moved to the end, letters as numbers (B = 11, E = 14).
    let check = 98 - mod97(&format!("{bban}111400"));
    format!("BE{check:02}{bban}")
}

/// A BCE/KBO number starting with 0, with valid check digits.
pub fn bce_number(draw: &mut Draw) -> String {
    let base = 2_000_000 + draw.below(7_999_999);
    let check = 97 - base % 97;
    format!("0{base:07}{check:02}")
}

/// An e-mail address on a reserved example domain: no real person gets mail.
pub fn email(first: &str, last: &str, n: usize) -> String {
    let clean = |s: &str| {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'à' | 'â' => 'a',
                'ç' => 'c',
                'î' | 'ï' => 'i',
                'ô' => 'o',
                'û' | 'ü' => 'u',
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            })
            .collect::<String>()
    };
    format!("{}.{}{}@example.be", clean(first), clean(last), n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use koprogo_domain::identifiers::{BceNumber, Iban};

    #[test]
    fn generated_numbers_pass_their_checks() {
        let mut draw = Draw::seeded(7);
        for _ in 0..500 {
            let iban = belgian_iban(&mut draw);
            assert!(Iban::parse(&iban).is_ok(), "{iban}");
            let bce = bce_number(&mut draw);
            assert!(BceNumber::parse(&bce).is_ok(), "{bce}");
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b) = (Draw::seeded(42), Draw::seeded(42));
        assert_eq!((0..10).map(|_| a.next_u64()).collect::<Vec<_>>(), (0..10).map(|_| b.next_u64()).collect::<Vec<_>>());
    }
}
