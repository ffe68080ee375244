//! Proxies (Art. 3.87 §7): anyone may carry a co-owner's vote, except the
//! syndic; nobody may accept more than three unless their own votes and their
//! mandators' together are at most 10 % of the votes of all lots. A proxy is
//! valid for its assembly and for the second one held because the first had
//! no quorum, unless it says otherwise; a notarial proxy is not limited to one
//! assembly.

use std::collections::BTreeSet;

use super::{Line, Lot, Person, total_quotas};
use crate::ids::OwnerId;

pub const ARTICLE: &str = "3.87 §7";
/// More than this many mandators needs the 10 % exception.
pub const FREE_PROXIES: usize = 3;

/// Who would carry the votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Person(Person),
    /// The association's syndic (or the syndic firm's staff acting for it).
    Syndic,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The syndic may never carry a co-owner's vote (3.87 §7).
    SyndicCannotHold,
    /// A co-owner cannot be their own proxy holder.
    OwnVote,
    /// More than three mandators, and own + mandators' votes exceed 10 % of all.
    TooMany { mandators: usize, votes: u64, total: u64 },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::SyndicCannotHold => "proxy.syndic_cannot_hold",
            Refusal::OwnVote => "proxy.own_vote",
            Refusal::TooMany { .. } => "proxy.too_many",
        }
    }
}

/// What a holder may accept, with the arithmetic that allowed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub mandators: usize,
    /// The holder's own votes plus the mandators'.
    pub votes: u64,
    pub total: u64,
    pub explanation: Vec<Line>,
}

/// Whether `holder` may carry the votes of `mandators` (all the proxies they
/// hold for this assembly, the new one included).
pub fn accept(lots: &[Lot], holder: Holder, mandators: &[OwnerId]) -> Result<Accepted, Refusal> {
    let holder = match holder {
        Holder::Syndic => return Err(Refusal::SyndicCannotHold),
        Holder::Person(person) => person,
    };
    let mandators: BTreeSet<OwnerId> = mandators.iter().copied().collect();
    if let Person::Owner(own) = holder
        && mandators.contains(&own)
    {
        return Err(Refusal::OwnVote);
    }
    let votes_of = |owner: OwnerId| lots.iter().filter(|l| l.voter == Some(owner)).map(|l| l.quota).sum::<u64>();
    let own = match holder {
        Person::Owner(owner) => votes_of(owner),
        Person::Outsider(_) => 0,
    };
    let votes = own + mandators.iter().map(|m| votes_of(*m)).sum::<u64>();
    let total = total_quotas(lots);
    let count = mandators.len();
    // "n'excède pas 10 %": 10 × votes ≤ total.
    let within_ten_percent = 10 * u128::from(votes) <= u128::from(total);
    if count > FREE_PROXIES && !within_ten_percent {
        return Err(Refusal::TooMany { mandators: count, votes, total });
    }
    let explanation = vec![Line::new(
        "proxy-limit",
        [
            ("article", ARTICLE.to_owned()),
            ("mandators", count.to_string()),
            ("free", FREE_PROXIES.to_string()),
            ("votes", votes.to_string()),
            ("total", total.to_string()),
            ("within_ten_percent", within_ten_percent.to_string()),
        ],
    )];
    Ok(Accepted { mandators: count, votes, total, explanation })
}

crate::code_enum!(
    /// How far a proxy reaches: `assembly`, its assembly and the second one
    /// called for want of a quorum (the law's default); `assembly_only`, its
    /// assembly alone, as the proxy itself says; `notarial`, a notarial general
    /// or special proxy, not limited to one assembly.
    Scope { Assembly = "assembly", AssemblyOnly = "assembly_only", Notarial = "notarial" }
);

impl Scope {
    /// Whether a proxy given for the assembly `given_for` covers `target`,
    /// which may be the second assembly of `second_of`.
    pub fn covers<A: PartialEq>(self, given_for: &A, target: &A, second_of: Option<&A>) -> bool {
        match self {
            Scope::Notarial => true,
            Scope::AssemblyOnly => given_for == target,
            Scope::Assembly => given_for == target || second_of == Some(given_for),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::lots;
    use super::*;

    /// 1 000 quotas: the holder owns 30; four mandators own `mandated` between them.
    fn case(mandated: [u64; 4]) -> (Vec<Lot>, OwnerId, Vec<OwnerId>) {
        let mut quotas = vec![30];
        quotas.extend(mandated);
        let rest = 1000 - quotas.iter().sum::<u64>();
        quotas.push(rest);
        let (lots, owners) = lots(&quotas);
        let holder = owners.first().copied().expect("holder");
        (lots, holder, owners.get(1..5).map(<[OwnerId]>::to_vec).unwrap_or_default())
    }

    #[test]
    fn four_proxies_pass_when_the_votes_are_at_most_ten_percent() {
        let (lots, holder, mandators) = case([15, 15, 15, 15]);
        let accepted = accept(&lots, Holder::Person(Person::Owner(holder)), &mandators).expect("30 + 60 = 90 of 1 000");
        assert_eq!((accepted.votes, accepted.total), (90, 1000));
        let (lots, holder, mandators) = case([20, 20, 20, 10]);
        assert!(accept(&lots, Holder::Person(Person::Owner(holder)), &mandators).is_ok(), "exactly 100 of 1 000 is not more than 10 %");
    }

    #[test]
    fn four_proxies_are_refused_above_ten_percent() {
        let (lots, holder, mandators) = case([20, 20, 20, 20]);
        let refused = accept(&lots, Holder::Person(Person::Owner(holder)), &mandators);
        assert_eq!(refused, Err(Refusal::TooMany { mandators: 4, votes: 110, total: 1000 }));
        // Three are always allowed, whatever their weight.
        let three = mandators.get(..3).expect("three");
        assert!(accept(&lots, Holder::Person(Person::Owner(holder)), three).is_ok());
    }

    #[test]
    fn the_syndic_and_the_owner_himself_hold_none() {
        let (lots, holder, mandators) = case([15, 15, 15, 15]);
        assert_eq!(accept(&lots, Holder::Syndic, mandators.get(..1).expect("one")), Err(Refusal::SyndicCannotHold));
        assert_eq!(accept(&lots, Holder::Person(Person::Owner(holder)), &[holder]), Err(Refusal::OwnVote));
        let outsider = Holder::Person(Person::Outsider(uuid::Uuid::now_v7()));
        assert_eq!(accept(&lots, outsider, &mandators).map(|a| a.votes), Ok(60));
    }

    #[test]
    fn a_proxy_reaches_the_second_assembly_unless_it_says_otherwise() {
        let (first, second, other) = (1, 2, 3);
        assert!(Scope::Assembly.covers(&first, &second, Some(&first)));
        assert!(!Scope::Assembly.covers(&first, &other, None));
        assert!(!Scope::AssemblyOnly.covers(&first, &second, Some(&first)));
        assert!(Scope::Notarial.covers(&first, &other, None));
    }
}
