//! The general assembly's results in words, for the pages and the minutes:
//! each line of an explanation in the reader's language (French, Dutch,
//! German or English), with persons named by the caller.

use koprogo_domain::account::Language;
use koprogo_domain::assembly::Line;

use crate::format::t_with;

/// One explanation line; `name` turns a person reference (`owner:<id>`,
/// `outsider:<id>`) into the name to print.
pub fn explain(lang: Language, line: &Line, name: &dyn Fn(&str) -> String) -> String {
    let args: Vec<(&'static str, String)> =
        line.args.iter().map(|(key, value)| (*key, if *key == "person" { name(value) } else { value.clone() })).collect();
    t_with(lang, &format!("assembly-{}", line.key), &args)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use koprogo_domain::assembly::majority::DecisionKind;
    use koprogo_domain::assembly::tally::{Choice, Question, decide};
    use koprogo_domain::assembly::{Lot, Person, Presence, Readings, proxy, quorum};
    use koprogo_domain::ids::{OwnerId, UnitId};

    use super::*;

    fn lots(quotas: &[u64]) -> Vec<Lot> {
        quotas
            .iter()
            .map(|q| {
                let owner = OwnerId::generate();
                Lot { unit: UnitId::generate(), quota: *q, owners: vec![owner], voter: Some(owner) }
            })
            .collect()
    }

    /// Every line the engine writes, from a few assemblies.
    fn every_line() -> Vec<Line> {
        let lots = lots(&[600, 300, 100]);
        let mut at: BTreeMap<UnitId, Presence> = lots.iter().map(|l| (l.unit, Presence::InPerson)).collect();
        let mut lines = quorum::at_opening(&lots, &at, &Readings::default()).explanation;
        let voter = |i: usize| lots.get(i).and_then(|l| l.voter).expect("a voter");
        let holder = Person::Owner(voter(2));
        if let Some(lot) = lots.get(1) {
            at.insert(lot.unit, Presence::Represented(holder));
        }
        lines.extend(proxy::accept(&lots, proxy::Holder::Person(holder), &[voter(1)]).expect("accepted").explanation);
        let ballots: BTreeMap<UnitId, Choice> =
            lots.iter().zip([Choice::For, Choice::Against, Choice::Abstain]).map(|(l, c)| (l.unit, c)).collect();
        let excluded = BTreeSet::from([Person::Owner(OwnerId::generate())]);
        for (kind, fallback) in [
            (DecisionKind::Ordinary, false),
            (DecisionKind::CommonPartsWorks, false),
            (DecisionKind::QuotaChange, false),
            (DecisionKind::QuotaChange, true),
        ] {
            let question = Question {
                lots: &lots,
                at_vote: &at,
                at_opening: &at,
                ballots: &ballots,
                excluded: &excluded,
                kind,
                unanimity_fallback: fallback,
            };
            lines.extend(decide(&question, &Readings::default()).explanation);
        }
        lines
    }

    #[test]
    fn every_line_reads_in_every_language() {
        let lines = every_line();
        let keys: BTreeSet<&str> = lines.iter().map(|l| l.key).collect();
        assert_eq!(keys.len(), 15, "{keys:?}");
        for lang in Language::ALL {
            for line in &lines {
                let text = explain(*lang, line, &|_| "Anne Dupont".to_owned());
                assert!(!text.starts_with("assembly-") && !text.contains('{') && !text.contains('$'), "{lang:?} {line}: {text}");
            }
        }
    }

    #[test]
    fn the_cap_and_the_count_read_with_their_figures() {
        let lines = every_line();
        let cap = lines.iter().find(|l| l.key == "vote-cap").expect("the 600 lot is capped");
        let text = explain(Language::En, cap, &|_| "Anne Dupont".to_owned());
        assert_eq!(
            text,
            "Vote cap (Art. 3.87 §7): Anne Dupont, as mandator, engaged 600 votes against 400 for the others present or represented; kept: 400."
        );
        let count = lines.iter().find(|l| l.key == "vote-count").expect("a count");
        assert_eq!(
            explain(Language::Fr, count, &|p| p.to_owned()),
            "Pour : 400 ; contre : 300 ; voix exprimées : 700 ; abstentions et votes non exprimés : 100."
        );
        let result = lines.iter().find(|l| l.key == "vote-result").expect("the ordinary item's result");
        assert_eq!(explain(Language::De, result, &|p| p.to_owned()), "Angenommen.");
    }
}
