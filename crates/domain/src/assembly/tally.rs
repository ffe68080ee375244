//! One agenda item's vote: who takes part, the vote cap, the count and the
//! majority, with the arithmetic written out.
//!
//! The cap (Art. 3.87 §7): nobody takes part in a vote, "even as mandator or
//! proxy holder", for more votes than the others present or represented
//! together. It is applied twice, in this order: to each mandator (a
//! co-owner's lots, whoever carries them, so splitting them over several
//! holders changes nothing), then to each holder (everything they cast, their
//! own lots and those carried, as left by the first step). A capped group
//! keeps exactly the others' weight; at most one group can be capped at each
//! step. How the reduction spreads over a holder's lots, whether it is
//! measured at each vote or at the opening (Q4), and whether it applies to
//! someone who carries every vote there, are readings.

use std::collections::{BTreeMap, BTreeSet};

use super::majority::{DecisionKind, Majority};
use super::{Attendance, CapSpread, Line, Lot, Person, Readings, Votes, carrier, total_quotas};
use crate::ids::UnitId;

pub const ARTICLE: &str = "3.87 §7–§8";

crate::code_enum!(
    Choice { For = "for", Against = "against", Abstain = "abstain" }
);

/// What one item's vote is about and who is there for it.
pub struct Question<'a> {
    pub lots: &'a [Lot],
    /// Who is there at this vote (arrivals and departures applied).
    pub at_vote: &'a Attendance,
    /// Who was there at the opening (for the cap's "opening" reading).
    pub at_opening: &'a Attendance,
    /// One choice per lot; a lot there without one has not cast a vote.
    pub ballots: &'a BTreeMap<UnitId, Choice>,
    /// Who may not take part in this item, in person or by proxy (a mission
    /// of their own, Art. 3.87: D6): their lots and the lots they carry are out.
    pub excluded: &'a BTreeSet<Person>,
    pub kind: DecisionKind,
    /// A second assembly held at least 30 days after a unanimity failed for
    /// want of the absent: unanimity of those present or represented (D1).
    pub unanimity_fallback: bool,
}

crate::code_enum!(
    CapRole { Mandator = "mandator", Holder = "holder" }
);

/// A cap applied: `person`'s `engaged` votes brought down to `retained`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cap {
    pub person: Person,
    pub role: CapRole,
    pub engaged: Votes,
    pub others: Votes,
    pub retained: Votes,
}

/// One lot's part in the vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotVote {
    pub unit: UnitId,
    pub quota: u64,
    pub carrier: Person,
    pub choice: Option<Choice>,
    pub retained: Votes,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub kind: DecisionKind,
    pub majority: Majority,
    pub adopted: bool,
    pub yes: Votes,
    pub no: Votes,
    /// Abstentions, blank and null votes, and lots there that did not vote: not cast.
    pub not_cast: Votes,
    pub lots: Vec<LotVote>,
    pub caps: Vec<Cap>,
    pub explanation: Vec<Line>,
}

/// The lots taking part: there, with a vote, neither they nor their carrier excluded.
fn taking_part<'a>(q: &Question<'a>, attendance: &Attendance) -> Vec<(&'a Lot, Person)> {
    q.lots
        .iter()
        .filter_map(|lot| Some((lot, carrier(lot, attendance)?)))
        .filter(|(lot, by)| !q.excluded.contains(by) && lot.voter.is_none_or(|v| !q.excluded.contains(&Person::Owner(v))))
        .collect()
}

pub fn decide(q: &Question<'_>, readings: &Readings) -> Outcome {
    let voting = taking_part(q, q.at_vote);
    let (retained, caps) = match readings.cap_moment {
        super::CapMoment::EachVote => capped(&voting, readings),
        super::CapMoment::Opening => {
            let (at_opening, caps) = capped(&taking_part(q, q.at_opening), readings);
            let weights = voting.iter().map(|(lot, _)| at_opening.get(&lot.unit).copied().unwrap_or(Votes::whole(lot.quota)));
            (voting.iter().map(|(lot, _)| lot.unit).zip(weights).collect(), caps)
        }
    };
    let lots: Vec<LotVote> = voting
        .iter()
        .map(|(lot, by)| LotVote {
            unit: lot.unit,
            quota: lot.quota,
            carrier: *by,
            choice: q.ballots.get(&lot.unit).copied(),
            retained: retained.get(&lot.unit).copied().unwrap_or(Votes::ZERO),
        })
        .collect();
    let sum = |choice: Option<Choice>| lots.iter().filter(|l| l.choice == choice).map(|l| l.retained).sum::<Votes>();
    let (yes, no) = (sum(Some(Choice::For)), sum(Some(Choice::Against)));
    let not_cast = sum(Some(Choice::Abstain)) + sum(None);
    let majority = q.kind.majority();
    let mut explanation = preamble(q, readings, &voting, &lots, &caps);
    explanation.push(Line::new(
        "vote-count",
        [("yes", yes.to_string()), ("no", no.to_string()), ("cast", (yes + no).to_string()), ("not_cast", not_cast.to_string())],
    ));
    let (adopted, arithmetic) = judge(q, readings, &lots, (yes, no));
    explanation.push(arithmetic);
    explanation.push(Line::new("vote-result", [("adopted", adopted.to_string()), ("total", total_quotas(q.lots).to_string())]));
    Outcome { kind: q.kind, majority, adopted, yes, no, not_cast, lots, caps, explanation }
}

/// The rule and readings applied, who took part, who was excluded, the caps.
fn preamble(q: &Question<'_>, readings: &Readings, voting: &[(&Lot, Person)], lots: &[LotVote], caps: &[Cap]) -> Vec<Line> {
    let mut explanation = vec![Line::new(
        "vote-rule",
        [
            ("article", q.kind.article().to_owned()),
            ("kind", q.kind.as_str().to_owned()),
            ("majority", q.kind.majority().as_str().to_owned()),
            ("threshold", readings.threshold.as_str().to_owned()),
            ("cap_moment", readings.cap_moment.as_str().to_owned()),
            ("cap_spread", readings.cap_spread.as_str().to_owned()),
            ("lone_voter", readings.lone_voter.as_str().to_owned()),
        ],
    )];
    let there: u64 = voting.iter().map(|(lot, _)| lot.quota).sum();
    explanation.push(Line::new("vote-taking-part", [("lots", lots.len().to_string()), ("quotas", there.to_string())]));
    if !q.excluded.is_empty() {
        let out = q.lots.iter().filter(|l| carrier(l, q.at_vote).is_some()).count().saturating_sub(lots.len());
        explanation.push(Line::new("vote-excluded", [("persons", q.excluded.len().to_string()), ("lots", out.to_string())]));
    }
    for cap in caps {
        explanation.push(Line::new(
            "vote-cap",
            [
                ("article", "3.87 §7".to_owned()),
                ("person", person_text(cap.person)),
                ("role", cap.role.as_str().to_owned()),
                ("engaged", cap.engaged.to_string()),
                ("others", cap.others.to_string()),
                ("retained", cap.retained.to_string()),
            ],
        ));
    }
    explanation
}

/// Whether the majority is reached, and the arithmetic that says so.
fn judge(q: &Question<'_>, readings: &Readings, lots: &[LotVote], (yes, no): (Votes, Votes)) -> (bool, Line) {
    let majority = q.kind.majority();
    if majority == Majority::Unanimity {
        let agreeing = lots.iter().filter(|l| l.choice == Some(Choice::For)).count();
        let (needed, key) =
            if q.unanimity_fallback { (lots.len(), "vote-unanimity-present") } else { (q.lots.len(), "vote-unanimity-all") };
        let adopted = agreeing > 0 && agreeing == needed;
        return (adopted, Line::new(key, [("for", agreeing.to_string()), ("needed", needed.to_string())]));
    }
    let reached = majority.reached(yes, no, readings.threshold);
    let (num, den) = match majority {
        Majority::TwoThirds => (2, 3),
        Majority::FourFifths => (4, 5),
        _ => (1, 2),
    };
    let line = Line::new(
        if majority == Majority::Absolute { "vote-absolute" } else { "vote-qualified" },
        [
            ("yes_scaled", yes.times(den).to_string()),
            ("cast_scaled", (yes + no).times(num).to_string()),
            ("num", num.to_string()),
            ("den", den.to_string()),
            ("met", reached.to_string()),
        ],
    );
    (reached, line)
}

pub fn person_text(person: Person) -> String {
    match person {
        Person::Owner(owner) => format!("owner:{owner}"),
        Person::Outsider(id) => format!("outsider:{id}"),
    }
}

/// Each lot's weight after the cap (mandators first, then holders), and the caps applied.
fn capped(voting: &[(&Lot, Person)], readings: &Readings) -> (BTreeMap<UnitId, Votes>, Vec<Cap>) {
    let mut weight: BTreeMap<UnitId, Votes> = voting.iter().map(|(lot, _)| (lot.unit, Votes::whole(lot.quota))).collect();
    let mut caps = Vec::new();
    let group_of = |role: CapRole, (lot, by): &(&Lot, Person)| match role {
        CapRole::Mandator => lot.voter.map(Person::Owner),
        CapRole::Holder => Some(*by),
    };
    for role in [CapRole::Mandator, CapRole::Holder] {
        let total: Votes = weight.values().copied().sum();
        let mut groups: BTreeMap<Person, Vec<&(&Lot, Person)>> = BTreeMap::new();
        for entry in voting {
            if let Some(person) = group_of(role, entry) {
                groups.entry(person).or_default().push(entry);
            }
        }
        for (person, members) in groups {
            let engaged: Votes = members.iter().filter_map(|(lot, _)| weight.get(&lot.unit).copied()).sum();
            let others = total.minus(engaged);
            let alone = others.is_zero() && readings.lone_voter == super::LoneVoter::Exempt;
            if engaged <= others || alone {
                continue;
            }
            let units: Vec<(UnitId, bool)> =
                members.iter().map(|(lot, by)| (lot.unit, lot.voter.map(Person::Owner) != Some(*by))).collect();
            let spread = if role == CapRole::Holder { readings.cap_spread } else { CapSpread::Proportional };
            reduce(&mut weight, &units, engaged, others, spread);
            caps.push(Cap { person, role, engaged, others, retained: others });
        }
    }
    (weight, caps)
}

/// Brings the weights of `units` (each marked whether it is carried for
/// someone else) from `engaged` down to `keep`.
fn reduce(weight: &mut BTreeMap<UnitId, Votes>, units: &[(UnitId, bool)], engaged: Votes, keep: Votes, spread: CapSpread) {
    match spread {
        CapSpread::Proportional => {
            for (unit, _) in units {
                if let Some(w) = weight.get_mut(unit) {
                    *w = w.scaled(keep, engaged);
                }
            }
        }
        CapSpread::MandatesFirst => {
            let mut excess = engaged.minus(keep);
            let ordered = units.iter().filter(|(_, carried)| *carried).chain(units.iter().filter(|(_, carried)| !*carried));
            for (unit, _) in ordered {
                if let Some(w) = weight.get_mut(unit) {
                    let take = std::cmp::min(*w, excess);
                    (*w, excess) = (w.minus(take), excess.minus(take));
                }
            }
        }
    }
}

// Tests name lots and owners by position: indexing reads better there, and a
// wrong index fails the test, not a user.
#[cfg(test)]
#[allow(clippy::indexing_slicing)]
#[path = "tally_tests.rs"]
mod tests;
