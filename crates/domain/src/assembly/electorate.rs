//! Who votes for which lot, on the assembly's day: the quotas of the units,
//! the ownerships in force that day, and the mandatary joint holders named.
//! Weights come from here and nowhere else (never from a request).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Lot;
use crate::ids::{OwnerId, UnitId};
use crate::owner::{OwnershipDetails, Share};
use crate::unit::Unit;

/// The building's lots on `day`. A unit held wholly by one owner votes
/// through them; held by several (joint ownership, split rights), through
/// the mandatary they named when that person holds a share that day, else
/// its vote is suspended. A unit nobody holds that day has no voter either.
pub fn lots_on(day: NaiveDate, units: &[Unit], ownerships: &[OwnershipDetails], mandataries: &BTreeMap<UnitId, OwnerId>) -> Vec<Lot> {
    units
        .iter()
        .map(|unit| {
            let holders: Vec<(OwnerId, Share)> =
                ownerships.iter().filter(|o| o.unit_id == unit.id && o.period.contains(day)).map(|o| (o.owner_id, o.share)).collect();
            let mut owners: Vec<OwnerId> = holders.iter().map(|(o, _)| *o).collect();
            owners.sort();
            owners.dedup();
            let voter = match owners.as_slice() {
                [only] if holders.iter().map(|(_, s)| s.basis_points()).sum::<u32>() == Share::WHOLE => Some(*only),
                [] | [_] => None,
                _ => mandataries.get(&unit.id).copied().filter(|m| owners.contains(m)),
            };
            Lot { unit: unit.id, quota: u64::from(unit.details.quota.get()), owners, voter }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::BuildingId;
    use crate::owner::Period;
    use crate::text::ShortText;
    use crate::unit::{Quota, UnitDetails, UnitKind};

    fn unit(quota: u32) -> Unit {
        let details = UnitDetails {
            building_id: BuildingId::generate(),
            number: ShortText::parse("A").expect("a number"),
            kind: UnitKind::Apartment,
            floor: None,
            surface: None,
            quota: Quota::new(i64::from(quota)).expect("a quota"),
        };
        Unit { id: UnitId::generate(), created_at: chrono::DateTime::default(), details }
    }

    fn held(unit: &Unit, owner: OwnerId, percent: i64, from: NaiveDate, to: Option<NaiveDate>) -> OwnershipDetails {
        OwnershipDetails {
            unit_id: unit.id,
            owner_id: owner,
            share: Share::from_basis_points(percent * 100).expect("a share"),
            period: Period::new(from, to).expect("a period"),
        }
    }

    #[test]
    fn the_voter_is_whoever_holds_the_lot_that_day() {
        let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("a date");
        let (a, b) = (unit(600), unit(400));
        let (seller, buyer, x, y) = (OwnerId::generate(), OwnerId::generate(), OwnerId::generate(), OwnerId::generate());
        let ownerships = vec![
            held(&a, seller, 100, d(2015, 1), Some(d(2027, 3))),
            held(&a, buyer, 100, d(2027, 3), None),
            held(&b, x, 50, d(2015, 1), None),
            held(&b, y, 50, d(2015, 1), None),
        ];
        let units = vec![a.clone(), b.clone()];
        let before = lots_on(d(2027, 2), &units, &ownerships, &BTreeMap::new());
        assert_eq!(before.first().and_then(|l| l.voter), Some(seller));
        let after = lots_on(d(2027, 4), &units, &ownerships, &BTreeMap::new());
        assert_eq!(after.first().and_then(|l| l.voter), Some(buyer));
        assert_eq!(after.first().map(|l| l.quota), Some(600));
        // Joint holders without a mandatary: suspended; with one of them named: theirs.
        assert_eq!(after.get(1).map(|l| (l.voter, l.owners.len())), Some((None, 2)));
        let named = lots_on(d(2027, 4), &units, &ownerships, &BTreeMap::from([(b.id, y)]));
        assert_eq!(named.get(1).and_then(|l| l.voter), Some(y));
        // A mandatary who holds no share that day is no mandatary.
        let stranger = lots_on(d(2027, 4), &units, &ownerships, &BTreeMap::from([(b.id, seller)]));
        assert_eq!(stranger.get(1).and_then(|l| l.voter), None);
    }
}
