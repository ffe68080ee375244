//! The general assembly's rules (Civil Code Art. 3.87–3.88, as reformed in
//! 2018 and 2020), computed exactly. Quotas are integers and comparisons
//! cross-multiply; the only division, the vote cap's, keeps exact fractions
//! ([`Votes`]). Weights come from the lots held on the assembly's day, never
//! from whoever asks. Every result carries its explanation: the article, the
//! inputs, the cap adjustments and the arithmetic, as [`Line`]s the pages
//! translate.
//!
//! Where the sources disagree (`../shared/domain/requirements-2026-12.md`
//! §7: Q2 head-count, Q3 "at least", Q4 the cap), the reading is a
//! per-association [`Readings`] value whose default is the common reading, and
//! the explanation says which reading was applied.

pub mod calendar;
pub mod electorate;
pub mod majority;
pub mod meeting;
pub mod proxy;
pub mod quorum;
pub mod record;
pub mod tally;
mod weight;

use std::collections::BTreeMap;

pub use weight::Votes;

use crate::ids::{OwnerId, UnitId};

/// A lot of the building on the assembly's day, with its vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lot {
    pub unit: UnitId,
    /// Its quote-part in the common parts, on the deed's base.
    pub quota: u64,
    /// Everyone holding a share of it that day (for the head-count by person).
    pub owners: Vec<OwnerId>,
    /// Who votes for it: the sole owner, or the mandatary the joint holders
    /// named in writing. `None`: held jointly with no mandatary named, so its
    /// vote is suspended (Art. 3.87 §1).
    pub voter: Option<OwnerId>,
}

/// Someone who can stand in the room for a lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Person {
    Owner(OwnerId),
    /// A proxy holder who owns no lot of the building.
    Outsider(uuid::Uuid),
}

/// How a lot is there at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    InPerson,
    /// Only when the convocation offered it (Art. 3.87 §1, law of 20 Dec 2020).
    Remote,
    /// Carried by a proxy holder.
    Represented(Person),
}

/// Who is there for which lot at one moment (the opening, or a vote). A lot
/// not in the map is absent.
pub type Attendance = BTreeMap<UnitId, Presence>;

/// Who casts a lot's vote when it is there: its voter in person, or the
/// proxy holder. `None` when the lot is absent or its vote suspended.
pub fn carrier(lot: &Lot, attendance: &Attendance) -> Option<Person> {
    let voter = lot.voter?;
    match attendance.get(&lot.unit)? {
        Presence::InPerson | Presence::Remote => Some(Person::Owner(voter)),
        Presence::Represented(holder) => Some(*holder),
    }
}

crate::code_enum!(
    /// Q2 (D9): "more than half of the co-owners" counted per lot or per person.
    HeadCount { PerLot = "per_lot", PerPerson = "per_person" }
);
crate::code_enum!(
    /// Q3: "a majority of 2/3 (4/5)": at least that fraction, or more than it.
    Threshold { AtLeast = "at_least", MoreThan = "more_than" }
);
crate::code_enum!(
    /// Q4: the cap measured on those there at each vote, or at the opening.
    CapMoment { EachVote = "each_vote", Opening = "opening" }
);
crate::code_enum!(
    /// Q4: how a capped proxy holder's votes are reduced: every lot he casts in
    /// the same proportion, or the lots he carries for others first.
    CapSpread { Proportional = "proportional", MandatesFirst = "mandates_first" }
);

crate::code_enum!(
    /// The cap when one person carries every vote there (a second assembly
    /// where one co-owner came): `exempt`, they vote alone, as the second
    /// assembly "deliberates whatever the attendance" (and as FMT does);
    /// `literal`, the others' votes are nil so theirs are too, and nothing
    /// can be adopted.
    LoneVoter { Exempt = "exempt", Literal = "literal" }
);

/// The association's readings of the doubtful points, each defaulting to the
/// common one (requirements §7), and its ROI's convocation delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Readings {
    pub head_count: HeadCount,
    pub threshold: Threshold,
    pub cap_moment: CapMoment,
    pub cap_spread: CapSpread,
    pub lone_voter: LoneVoter,
    /// Days between the convocation's dispatch and the assembly: the law's 15,
    /// or more when the ROI says so (never fewer).
    pub convocation_days: u32,
}

impl Default for Readings {
    fn default() -> Self {
        Self {
            head_count: HeadCount::PerLot,
            threshold: Threshold::AtLeast,
            cap_moment: CapMoment::EachVote,
            cap_spread: CapSpread::Proportional,
            lone_voter: LoneVoter::Exempt,
            convocation_days: calendar::CONVOCATION_DAYS,
        }
    }
}

/// One step of an explanation: a message key the pages translate, with its
/// values (numbers already exact, as text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Line {
    pub fn new(key: &'static str, args: impl IntoIterator<Item = (&'static str, String)>) -> Self {
        Self { key, args: args.into_iter().collect() }
    }

    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)?;
        self.args.iter().try_for_each(|(name, value)| write!(f, " {name}={value}"))
    }
}

/// All quotas of the building's lots.
pub fn total_quotas(lots: &[Lot]) -> u64 {
    lots.iter().map(|l| l.quota).sum()
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// `n` lots with these quotas, lot `i` held by owner `i` alone.
    pub fn lots(quotas: &[u64]) -> (Vec<Lot>, Vec<OwnerId>) {
        let owners: Vec<OwnerId> = quotas.iter().map(|_| OwnerId::generate()).collect();
        let lots = quotas
            .iter()
            .zip(&owners)
            .map(|(quota, owner)| Lot { unit: UnitId::generate(), quota: *quota, owners: vec![*owner], voter: Some(*owner) })
            .collect();
        (lots, owners)
    }

    pub fn present(lots: &[Lot], which: impl IntoIterator<Item = usize>) -> Attendance {
        which.into_iter().filter_map(|i| lots.get(i)).map(|l| (l.unit, Presence::InPerson)).collect()
    }
}
