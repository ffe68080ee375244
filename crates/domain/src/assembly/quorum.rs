//! The quorum, checked once at the opening (Art. 3.87 §5): more than half of
//! the co-owners present or represented holding at least half of the quotas,
//! or those present or represented holding more than three quarters of them.
//! Who leaves later does not undo it. Without it, a second assembly meets at
//! least 15 days later and deliberates whatever the attendance.

use std::collections::BTreeSet;

use super::{Attendance, HeadCount, Line, Lot, Readings, carrier, total_quotas};

pub const ARTICLE: &str = "3.87 §5";

/// Which branch of the rule was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reached {
    /// More than half of the co-owners, holding at least half of the quotas.
    HalfAndHalf,
    /// More than three quarters of the quotas, whatever the head-count.
    ThreeQuarters,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    pub head_count: HeadCount,
    pub lots_present: u64,
    pub lots_total: u64,
    pub persons_present: u64,
    pub persons_total: u64,
    pub quotas_present: u64,
    pub quotas_total: u64,
    /// `None`: not reached; a second assembly is needed.
    pub reached: Option<Reached>,
    pub explanation: Vec<Line>,
}

/// The quorum of `attendance` (the register at the opening). A lot whose vote
/// is suspended (joint holders with no mandatary) counts among all lots but is
/// never present; both head-counts are computed, the reading chosen decides.
pub fn at_opening(lots: &[Lot], attendance: &Attendance, readings: &Readings) -> Quorum {
    let present: Vec<&Lot> = lots.iter().filter(|l| carrier(l, attendance).is_some()).collect();
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let persons = |of: &[&Lot]| count(of.iter().flat_map(|l| l.owners.iter()).collect::<BTreeSet<_>>().len());
    let all: Vec<&Lot> = lots.iter().collect();
    let (lots_present, lots_total) = (count(present.len()), count(lots.len()));
    let (persons_present, persons_total) = (persons(&present), persons(&all));
    let quotas_present: u64 = present.iter().map(|l| l.quota).sum();
    let quotas_total = total_quotas(lots);
    let (heads, heads_total) = match readings.head_count {
        HeadCount::PerLot => (lots_present, lots_total),
        HeadCount::PerPerson => (persons_present, persons_total),
    };
    let (q, t) = (u128::from(quotas_present), u128::from(quotas_total));
    let half_and_half = 2 * u128::from(heads) > u128::from(heads_total) && 2 * q >= t;
    let three_quarters = 4 * q > 3 * t;
    let reached = if half_and_half {
        Some(Reached::HalfAndHalf)
    } else if three_quarters {
        Some(Reached::ThreeQuarters)
    } else {
        None
    };
    let explanation = vec![
        Line::new("quorum-rule", [("article", ARTICLE.to_owned()), ("head_count", readings.head_count.as_str().to_owned())]),
        Line::new(
            "quorum-heads",
            [("lots_present", lots_present.to_string()), ("lots_total", lots_total.to_string())]
                .into_iter()
                .chain([("persons_present", persons_present.to_string()), ("persons_total", persons_total.to_string())]),
        ),
        Line::new(
            "quorum-half-and-half",
            [
                ("heads", heads.to_string()),
                ("heads_total", heads_total.to_string()),
                ("quotas", quotas_present.to_string()),
                ("quotas_total", quotas_total.to_string()),
                ("met", half_and_half.to_string()),
            ],
        ),
        Line::new(
            "quorum-three-quarters",
            [("quotas", quotas_present.to_string()), ("quotas_total", quotas_total.to_string()), ("met", three_quarters.to_string())],
        ),
    ];
    Quorum {
        head_count: readings.head_count,
        lots_present,
        lots_total,
        persons_present,
        persons_total,
        quotas_present,
        quotas_total,
        reached,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{lots, present};
    use super::super::{Lot, Presence};
    use super::*;
    use crate::ids::{OwnerId, UnitId};
    use proptest::prelude::*;

    #[test]
    fn worked_case_1_seven_of_twelve_with_450_is_not_a_quorum() {
        let (lots, _) = lots(&[50, 50, 50, 50, 50, 100, 100, 110, 110, 110, 110, 110]);
        let quorum = at_opening(&lots, &present(&lots, 0..7), &Readings::default());
        assert_eq!((quorum.lots_present, quorum.quotas_present, quorum.quotas_total), (7, 450, 1000));
        assert_eq!(quorum.reached, None);
    }

    #[test]
    fn worked_case_2_five_of_twelve_with_760_pass_by_three_quarters() {
        let (lots, _) = lots(&[152, 152, 152, 152, 152, 30, 30, 30, 30, 40, 40, 40]);
        let quorum = at_opening(&lots, &present(&lots, 0..5), &Readings::default());
        assert_eq!((quorum.lots_present, quorum.quotas_present), (5, 760));
        assert_eq!(quorum.reached, Some(Reached::ThreeQuarters));
    }

    #[test]
    fn worked_case_3_exactly_half_of_the_quotas_is_enough() {
        let (lots, _) = lots(&[100, 100, 100, 100, 50, 25, 25, 100, 100, 100, 100, 100]);
        let quorum = at_opening(&lots, &present(&lots, 0..7), &Readings::default());
        assert_eq!((quorum.lots_present, quorum.quotas_present), (7, 500));
        assert_eq!(quorum.reached, Some(Reached::HalfAndHalf));
        // One lot fewer is not more than half of the heads any more.
        assert_eq!(at_opening(&lots, &present(&lots, 0..6), &Readings::default()).reached, None);
        // The three-quarters branch needs more than 3/4: 750 of 1 000 is not, 751 is.
        let (lots, _) = super::super::fixtures::lots(&[250, 250, 250, 50, 50, 50, 50, 50]);
        assert_eq!(at_opening(&lots, &present(&lots, 0..3), &Readings::default()).reached, None);
        let (lots, _) = super::super::fixtures::lots(&[250, 250, 251, 49, 50, 50, 50, 50]);
        assert_eq!(at_opening(&lots, &present(&lots, 0..3), &Readings::default()).reached, Some(Reached::ThreeQuarters));
    }

    #[test]
    fn the_head_count_reading_decides_between_lots_and_persons() {
        // One person holds lots 0–3 (4 of 7 lots, 520/1000); three others hold one each.
        let (mut lots, owners) = lots(&[130, 130, 130, 130, 160, 160, 160]);
        let first = owners.first().copied().expect("an owner");
        for lot in lots.iter_mut().take(4) {
            (lot.owners, lot.voter) = (vec![first], Some(first));
        }
        let attendance = present(&lots, 0..4);
        let by_lot = at_opening(&lots, &attendance, &Readings::default());
        assert_eq!((by_lot.lots_present, by_lot.persons_present, by_lot.persons_total), (4, 1, 4));
        assert_eq!(by_lot.reached, Some(Reached::HalfAndHalf));
        let by_person = at_opening(&lots, &attendance, &Readings { head_count: HeadCount::PerPerson, ..Readings::default() });
        assert_eq!(by_person.reached, None);
        assert_eq!(by_person.explanation.first().and_then(|l| l.arg("head_count")), Some("per_person"));
    }

    #[test]
    fn a_suspended_lot_counts_among_all_but_is_never_present() {
        let (mut lots, _) = lots(&[500, 250, 250]);
        if let Some(joint) = lots.first_mut() {
            (joint.owners, joint.voter) = (vec![OwnerId::generate(), OwnerId::generate()], None);
        }
        let quorum = at_opening(&lots, &present(&lots, 0..3), &Readings::default());
        assert_eq!((quorum.lots_present, quorum.lots_total, quorum.quotas_present), (2, 3, 500));
        assert_eq!(quorum.reached, Some(Reached::HalfAndHalf));
    }

    proptest! {
        /// More people in the room never loses a quorum.
        #[test]
        fn the_quorum_is_monotone_in_attendance(quotas in prop::collection::vec(1u64..200, 1..30), mask in any::<u64>(), extra in 0usize..30) {
            let lots: Vec<Lot> = quotas.iter().map(|q| { let o = OwnerId::generate(); Lot { unit: UnitId::generate(), quota: *q, owners: vec![o], voter: Some(o) } }).collect();
            let mut attendance: Attendance = lots.iter().enumerate().filter(|(i, _)| (mask >> (i % 64)) & 1 == 1).map(|(_, l)| (l.unit, Presence::InPerson)).collect();
            let before = at_opening(&lots, &attendance, &Readings::default()).reached.is_some();
            if let Some(lot) = lots.get(extra % lots.len()) {
                attendance.insert(lot.unit, Presence::Remote);
            }
            let after = at_opening(&lots, &attendance, &Readings::default()).reached.is_some();
            prop_assert!(!before || after);
        }
    }
}
