use super::super::fixtures::lots as lots_of;
use super::super::fixtures::{lots, present};
use super::super::{CapMoment, Presence, Threshold};
use super::*;
use crate::ids::OwnerId;
use proptest::prelude::*;

fn ask<'a>(lots: &'a [Lot], at: &'a Attendance, ballots: &'a BTreeMap<UnitId, Choice>, kind: DecisionKind) -> Question<'a> {
    static NOBODY: std::sync::LazyLock<BTreeSet<Person>> = std::sync::LazyLock::new(BTreeSet::new);
    Question { lots, at_vote: at, at_opening: at, ballots, excluded: &NOBODY, kind, unanimity_fallback: false }
}

fn ballots(lots: &[Lot], choices: &[Option<Choice>]) -> BTreeMap<UnitId, Choice> {
    lots.iter().zip(choices).filter_map(|(l, c)| Some((l.unit, (*c)?))).collect()
}

use Choice::{Abstain, Against, For};

#[test]
fn the_worked_example_is_adopted_400_of_750() {
    // John 350 against, Paul 200 and Nadine 200 for, Mary 250 abstains.
    let (lots, _) = lots(&[350, 200, 200, 250]);
    let at = present(&lots, 0..4);
    let b = ballots(&lots, &[Some(Against), Some(For), Some(For), Some(Abstain)]);
    let outcome = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
    assert_eq!((outcome.yes, outcome.no, outcome.not_cast), (Votes::whole(400), Votes::whole(350), Votes::whole(250)));
    assert!(outcome.adopted);
    assert!(outcome.caps.is_empty());
    let count = outcome.explanation.iter().find(|l| l.key == "vote-count").expect("the count");
    assert_eq!((count.arg("yes"), count.arg("cast")), (Some("400"), Some("750")));
}

#[test]
fn a_600_owner_facing_400_counts_400_and_a_tie_is_rejected() {
    let (lots, owners) = lots(&[600, 400]);
    let at = present(&lots, 0..2);
    let b = ballots(&lots, &[Some(For), Some(Against)]);
    let outcome = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
    assert_eq!((outcome.yes, outcome.no), (Votes::whole(400), Votes::whole(400)));
    assert!(!outcome.adopted, "400 against 400 is no absolute majority");
    let cap = outcome.caps.first().expect("A is capped");
    assert_eq!(
        (cap.person, cap.role, cap.engaged, cap.retained),
        (Person::Owner(owners[0]), CapRole::Mandator, Votes::whole(600), Votes::whole(400))
    );
}

#[test]
fn splitting_600_over_three_proxy_holders_is_still_capped() {
    let (mut lots, owners) = lots(&[200, 200, 200, 400]);
    let a = owners[0];
    for lot in lots.iter_mut().take(3) {
        (lot.owners, lot.voter) = (vec![a], Some(a));
    }
    let at: Attendance = lots
        .iter()
        .enumerate()
        .map(|(i, l)| (l.unit, if i < 3 { Presence::Represented(Person::Outsider(uuid::Uuid::now_v7())) } else { Presence::InPerson }))
        .collect();
    let b = ballots(&lots, &[Some(For), Some(For), Some(For), Some(Against)]);
    let outcome = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
    assert_eq!((outcome.yes, outcome.no), (Votes::whole(400), Votes::whole(400)));
    assert!(!outcome.adopted);
    assert_eq!(outcome.caps.len(), 1);
    assert_eq!(outcome.lots.first().map(|l| l.retained.to_string()), Some("133 1/3".to_owned()));
}

#[test]
fn a_capped_holder_voting_both_ways_is_reduced_by_the_reading() {
    // H (own 100) carries B 300 and C 200 for, against; D 300 and E 100 are there themselves.
    let (lots, owners) = lots(&[100, 300, 200, 300, 100]);
    let h = Person::Owner(owners[0]);
    let mut at = present(&lots, [0, 3, 4]);
    at.insert(lots[1].unit, Presence::Represented(h));
    at.insert(lots[2].unit, Presence::Represented(h));
    let b = ballots(&lots, &[Some(For), Some(For), Some(Against), Some(Against), Some(For)]);
    // H engages 600 against 400 others.
    let proportional = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
    let cap = proportional.caps.first().expect("H capped as holder");
    assert_eq!((cap.role, cap.engaged, cap.retained), (CapRole::Holder, Votes::whole(600), Votes::whole(400)));
    // 2/3 of each: yes 100+300 → 266 2/3, + E 100; no 200 → 133 1/3, + D 300.
    assert_eq!(proportional.yes.to_string(), "366 2/3");
    assert_eq!(proportional.no.to_string(), "433 1/3");
    assert!(!proportional.adopted);
    let mandates_first =
        decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings { cap_spread: CapSpread::MandatesFirst, ..Readings::default() });
    // 200 taken from the carried lots in unit order (B's 300 then C's 200, as generated).
    let total: Votes = mandates_first.lots.iter().map(|l| l.retained).sum();
    assert_eq!(total, Votes::whole(800));
    assert_eq!(mandates_first.lots.iter().find(|l| l.unit == lots[0].unit).map(|l| l.retained), Some(Votes::whole(100)), "own lot kept");
}

#[test]
fn two_thirds_and_four_fifths_follow_the_reading_at_the_edge() {
    let (lots, _) = lots(&[200, 100, 400]);
    let at = present(&lots, 0..3);
    let b = ballots(&lots, &[Some(For), Some(Against), Some(For)]);
    // 600 for, 100 against: 6/7 ≥ 4/5.
    assert!(decide(&ask(&lots, &at, &b, DecisionKind::ReserveFundWaiver), &Readings::default()).adopted);
    let (lots, _) = lots_of(&[200, 200, 100, 100, 400]);
    let at = present(&lots, 0..4);
    let b = ballots(&lots, &[Some(For), Some(For), Some(Against), Some(Against), None]);
    let at_least = decide(&ask(&lots, &at, &b, DecisionKind::CommonPartsWorks), &Readings::default());
    assert!(at_least.caps.is_empty());
    assert!(at_least.adopted, "400 of 600 is exactly two thirds");
    let more_than = Readings { threshold: Threshold::MoreThan, ..Readings::default() };
    assert!(!decide(&ask(&lots, &at, &b, DecisionKind::CommonPartsWorks), &more_than).adopted);
}

#[test]
fn unanimity_counts_every_lot_and_the_fallback_those_there() {
    let (lots, _) = lots(&[300, 300, 400]);
    let at = present(&lots, 0..2);
    let b = ballots(&lots, &[Some(For), Some(For), None]);
    let first = decide(&ask(&lots, &at, &b, DecisionKind::QuotaChange), &Readings::default());
    assert!(!first.adopted, "the absent lot counts against");
    let mut fallback = ask(&lots, &at, &b, DecisionKind::QuotaChange);
    fallback.unanimity_fallback = true;
    assert!(decide(&fallback, &Readings::default()).adopted);
    let b = ballots(&lots, &[Some(For), Some(Abstain), None]);
    let mut fallback = ask(&lots, &at, &b, DecisionKind::QuotaChange);
    fallback.unanimity_fallback = true;
    assert!(!decide(&fallback, &Readings::default()).adopted, "an abstention breaks unanimity");
}

#[test]
fn a_conflicted_person_is_out_with_the_lots_they_carry() {
    let (lots, owners) = lots(&[250, 200, 250, 300]);
    let syndic_owner = Person::Owner(owners[3]);
    let mut at = present(&lots, [0, 2, 3]);
    at.insert(lots[1].unit, Presence::Represented(syndic_owner));
    let b = ballots(&lots, &[Some(For), Some(Against), Some(For), Some(Against)]);
    let everyone = decide(&ask(&lots, &at, &b, DecisionKind::DischargeSyndic), &Readings::default());
    assert!(!everyone.adopted, "500 against 500");
    let excluded = BTreeSet::from([syndic_owner]);
    let q = Question { excluded: &excluded, ..ask(&lots, &at, &b, DecisionKind::DischargeSyndic) };
    let outcome = decide(&q, &Readings::default());
    assert_eq!(outcome.lots.len(), 2, "the conflicted owner's lot and the one he carries are out");
    assert!(outcome.adopted);
}

/// Alone in the room, nobody has others to be measured against: by default
/// the lone voter decides; the literal reading makes their weight nil.
#[test]
fn a_lone_voter_decides_unless_the_literal_reading_is_chosen() {
    let (lots, _) = lots(&[100, 900]);
    let at = present(&lots, [0]);
    let b = ballots(&lots, &[Some(For), None]);
    let exempt = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
    assert!(exempt.adopted && exempt.caps.is_empty());
    let literal = Readings { lone_voter: super::super::LoneVoter::Literal, ..Readings::default() };
    let outcome = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &literal);
    assert_eq!(outcome.yes, Votes::ZERO);
    assert!(!outcome.adopted);
}

#[test]
fn the_opening_reading_measures_the_cap_on_the_opening_register() {
    let (lots, _) = lots(&[500, 300, 200]);
    let opening = present(&lots, 0..3);
    let at_vote = present(&lots, 0..2);
    let b = ballots(&lots, &[Some(For), Some(Against), None]);
    let each_vote = decide(&Question { at_opening: &opening, ..ask(&lots, &at_vote, &b, DecisionKind::Ordinary) }, &Readings::default());
    assert_eq!(each_vote.yes, Votes::whole(300), "500 against the 300 still there");
    let at_opening = Readings { cap_moment: CapMoment::Opening, ..Readings::default() };
    let opening_reading = decide(&Question { at_opening: &opening, ..ask(&lots, &at_vote, &b, DecisionKind::Ordinary) }, &at_opening);
    assert_eq!(opening_reading.yes, Votes::whole(500), "500 is not more than the 500 others at the opening");
    assert!(opening_reading.adopted && !each_vote.adopted);
}

/// Lots of 1–300 quotas, each either absent, there in person, or carried by one of three holders.
fn arbitrary() -> impl Strategy<Value = (Vec<u64>, Vec<u8>, Vec<u8>)> {
    (1usize..14)
        .prop_flat_map(|n| (prop::collection::vec(1u64..300, n), prop::collection::vec(0u8..5, n), prop::collection::vec(0u8..4, n)))
}

fn scene(quotas: &[u64], presence: &[u8], votes: &[u8]) -> (Vec<Lot>, Attendance, BTreeMap<UnitId, Choice>) {
    let (lots, _) = lots(quotas);
    let holders: Vec<Person> = (0..3u128).map(|i| Person::Outsider(uuid::Uuid::from_u128(0x1234_0000 + i))).collect();
    let at = lots
        .iter()
        .zip(presence)
        .filter_map(|(l, p)| match p {
            0 => None,
            1 => Some((l.unit, Presence::InPerson)),
            k => holders.get(usize::from(*k) - 2).map(|h| (l.unit, Presence::Represented(*h))),
        })
        .collect();
    let b = lots
        .iter()
        .zip(votes)
        .filter_map(|(l, v)| Some((l.unit, [Some(For), Some(Against), Some(Abstain), None].get(usize::from(*v))?.as_ref().copied()?)))
        .collect();
    (lots, at, b)
}

proptest! {
    #[test]
    fn the_cap_never_raises_a_weight((quotas, presence, votes) in arbitrary(), spread in 0u8..2) {
        let (lots, at, b) = scene(&quotas, &presence, &votes);
        let readings = Readings { cap_spread: if spread == 0 { CapSpread::Proportional } else { CapSpread::MandatesFirst }, ..Readings::default() };
        let outcome = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &readings);
        for lot in &outcome.lots {
            prop_assert!(lot.retained <= Votes::whole(lot.quota));
        }
        let there: Votes = outcome.lots.iter().map(|l| l.retained).sum();
        prop_assert_eq!(there, outcome.yes + outcome.no + outcome.not_cast);
    }

    /// A lot there that did not vote and one that abstains are the same: neither is cast.
    #[test]
    fn an_abstention_never_changes_an_outcome((quotas, presence, votes) in arbitrary(), kind in 0usize..3) {
        let (lots, at, mut b) = scene(&quotas, &presence, &votes);
        let kind = [DecisionKind::Ordinary, DecisionKind::CommonPartsWorks, DecisionKind::ReserveFundWaiver][kind];
        let before = decide(&ask(&lots, &at, &b, kind), &Readings::default());
        let silent: Vec<UnitId> = lots.iter().filter(|l| at.contains_key(&l.unit) && !b.contains_key(&l.unit)).map(|l| l.unit).collect();
        for unit in silent {
            b.insert(unit, Abstain);
        }
        let after = decide(&ask(&lots, &at, &b, kind), &Readings::default());
        prop_assert_eq!((before.adopted, before.yes, before.no), (after.adopted, after.yes, after.no));
    }

    /// Without a cap in play, one more owner coming in to abstain changes nothing.
    #[test]
    fn an_abstaining_newcomer_changes_nothing_without_a_cap((quotas, presence, votes) in arbitrary(), extra in 1u64..300) {
        let (mut lots, mut at, mut b) = scene(&quotas, &presence, &votes);
        let before = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
        prop_assume!(before.caps.is_empty());
        let owner = OwnerId::generate();
        let newcomer = Lot { unit: UnitId::generate(), quota: extra, owners: vec![owner], voter: Some(owner) };
        at.insert(newcomer.unit, Presence::InPerson);
        b.insert(newcomer.unit, Abstain);
        lots.push(newcomer);
        let after = decide(&ask(&lots, &at, &b, DecisionKind::Ordinary), &Readings::default());
        prop_assume!(after.caps.iter().all(|c| c.person == Person::Owner(owner)));
        prop_assert_eq!(before.adopted, after.adopted);
    }
}
