//! An assembly as the syndic prepares it: when and where it meets, whether
//! co-owners may take part remotely, and its agenda of numbered items, each
//! with its resolution and the kind of decision that fixes its majority.

use chrono::{DateTime, Utc};

use super::majority::DecisionKind;
use super::meeting::{AssemblyKind, Status};
use crate::Invalid;
use crate::ids::{AgendaItemId, AssemblyId, BuildingId};
use crate::text::{LongText, Name};

/// How co-owners take part from afar, as the convocation must say (3.87 §1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    /// The means: a video-conference address, a platform.
    pub means: Name,
    /// How the syndic checks who joins.
    pub identity_check: Name,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssemblyDetails {
    pub building_id: BuildingId,
    pub kind: AssemblyKind,
    pub meets_at: DateTime<Utc>,
    pub place: Name,
    pub remote: Option<Remote>,
    /// The assembly a second or fallback one follows.
    pub follows: Option<AssemblyId>,
}

impl AssemblyDetails {
    /// A second or fallback assembly names the one it follows, and no other does.
    pub fn check(&self) -> Result<(), (&'static str, Invalid)> {
        match (self.kind.follows().is_some(), self.follows.is_some()) {
            (true, false) => Err(("follows_id", Invalid::Required)),
            (false, true) => Err(("follows_id", Invalid::NotOneOf("only for a second or unanimity_fallback assembly"))),
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assembly {
    pub id: AssemblyId,
    pub status: Status,
    pub details: AssemblyDetails,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaItemDetails {
    pub title: Name,
    /// The text put to the vote.
    pub resolution: LongText,
    pub kind: DecisionKind,
    /// Required for works on private parts decided by the association (3.88 §1 1°).
    pub special_reasons: Option<LongText>,
}

impl AgendaItemDetails {
    pub fn check(&self) -> Result<(), (&'static str, Invalid)> {
        if self.kind.needs_special_reasons() && self.special_reasons.is_none() {
            return Err(("special_reasons", Invalid::Required));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaItem {
    pub id: AgendaItemId,
    pub assembly_id: AssemblyId,
    /// 1, 2, 3… in the order of the agenda; stable once given.
    pub number: u32,
    pub details: AgendaItemDetails,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(kind: AssemblyKind, follows: Option<AssemblyId>) -> AssemblyDetails {
        AssemblyDetails {
            building_id: BuildingId::generate(),
            kind,
            meets_at: DateTime::default(),
            place: Name::parse("Salle communale").expect("a place"),
            remote: None,
            follows,
        }
    }

    #[test]
    fn only_a_second_or_fallback_assembly_follows_another() {
        assert!(details(AssemblyKind::Ordinary, None).check().is_ok());
        assert_eq!(details(AssemblyKind::Second, None).check().map_err(|(f, _)| f), Err("follows_id"));
        assert!(details(AssemblyKind::Second, Some(AssemblyId::generate())).check().is_ok());
        assert!(details(AssemblyKind::Extraordinary, Some(AssemblyId::generate())).check().is_err());
    }

    #[test]
    fn works_on_private_parts_give_their_reasons() {
        let mut item = AgendaItemDetails {
            title: Name::parse("Châssis").expect("a title"),
            resolution: LongText::parse("Remplacer les châssis de façade.").expect("a resolution"),
            kind: DecisionKind::PrivatePartsWorks,
            special_reasons: None,
        };
        assert_eq!(item.check().map_err(|(f, _)| f), Err("special_reasons"));
        item.special_reasons = Some(LongText::parse("Uniformité de la façade et coût groupé.").expect("reasons"));
        assert!(item.check().is_ok());
    }
}
