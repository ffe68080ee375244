//! Units (lots) and their quotas (quotes-parts) in the common parts.

use crate::ids::{BuildingId, UnitId};
use crate::text::ShortText;
use crate::{Invalid, Rule};

crate::code_enum!(
    UnitKind {
        Apartment = "apartment",
        Commercial = "commercial",
        Cellar = "cellar",
        Garage = "garage",
        Parking = "parking",
        Other = "other",
    }
);

/// A unit's share of the common parts, in the unit of the building's quota
/// base (usually thousandths). Never zero (Code civil, art. 3.85).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quota(u32);

impl Quota {
    pub fn new(value: i64) -> Result<Self, Invalid> {
        match u32::try_from(value) {
            Ok(v) if (1..=1_000_000).contains(&v) => Ok(Self(v)),
            _ => Err(Invalid::OutOfRange { min: 1, max: 1_000_000 }),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// Checks that giving a unit `quota` keeps the building's allocated quotas
/// within its base. `allocated_elsewhere` excludes the unit itself (on update).
pub fn check_quota_fits(base: u32, allocated_elsewhere: u64, quota: Quota) -> Result<(), Rule> {
    let would_be = allocated_elsewhere + u64::from(quota.get());
    if would_be > u64::from(base) {
        return Err(Rule::QuotaExceedsBase { base, would_be });
    }
    Ok(())
}

/// A surface in hundredths of a square metre (`72.5` m² = 7250).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Surface(u32);

impl Surface {
    pub fn parse_square_metres(raw: &str) -> Result<Self, Invalid> {
        let hundredths = crate::money::parse_hundredths(raw).ok_or(Invalid::NotOneOf("square metres with at most two decimals"))?;
        Self::from_hundredths(hundredths)
    }

    pub fn from_hundredths(value: i64) -> Result<Self, Invalid> {
        match u32::try_from(value) {
            Ok(v) if (1..=100_000_000).contains(&v) => Ok(Self(v)),
            _ => Err(Invalid::OutOfRange { min: 0, max: 1_000_000 }),
        }
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// `72.5`, `80`: the JSON form.
    pub fn to_decimal_string(self) -> String {
        match self.0 % 100 {
            0 => format!("{}", self.0 / 100),
            rest if rest % 10 == 0 => format!("{}.{}", self.0 / 100, rest / 10),
            rest => format!("{}.{rest:02}", self.0 / 100),
        }
    }
}

/// A floor between -10 (basements) and 200.
pub fn parse_floor(value: i64) -> Result<i32, Invalid> {
    if (-10..=200).contains(&value) {
        i32::try_from(value).map_err(|_| Invalid::OutOfRange { min: -10, max: 200 })
    } else {
        Err(Invalid::OutOfRange { min: -10, max: 200 })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitDetails {
    pub building_id: BuildingId,
    pub number: ShortText,
    pub kind: UnitKind,
    pub floor: Option<i32>,
    pub surface: Option<Surface>,
    pub quota: Quota,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    /// When it was first recorded (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub details: UnitDetails,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_may_fill_the_base_but_not_exceed_it() {
        let q = Quota::new(200).unwrap();
        assert!(check_quota_fits(1000, 800, q).is_ok());
        assert_eq!(check_quota_fits(1000, 801, q), Err(Rule::QuotaExceedsBase { base: 1000, would_be: 1001 }));
        assert!(Quota::new(0).is_err());
    }

    #[test]
    fn surfaces_are_exact() {
        let s = Surface::parse_square_metres("72.5").unwrap();
        assert_eq!(s.hundredths(), 7250);
        assert_eq!(s.to_decimal_string(), "72.5");
        assert_eq!(Surface::parse_square_metres("80").unwrap().to_decimal_string(), "80");
        assert_eq!(Surface::parse_square_metres("80.05").unwrap().to_decimal_string(), "80.05");
        assert!(Surface::parse_square_metres("0").is_err());
        assert!(Surface::parse_square_metres("1.234").is_err());
    }

    #[test]
    fn unit_kinds_accept_any_case() {
        assert_eq!(UnitKind::parse("Apartment"), Ok(UnitKind::Apartment));
        assert!(UnitKind::parse("castle").is_err());
    }
}
