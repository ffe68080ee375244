//! Sharing costs among co-owners (DOMAIN § model, § computations, §3.4):
//! distribution keys, the exact distribution of an amount to units and then
//! to the owners holding them on a day, and calls for funds.

use chrono::NaiveDate;

use crate::communication::StructuredCommunication;
use crate::expense::Fund;
use crate::ids::{BuildingId, DistributionKeyId, FundCallId, OwnerId, UnitId};
use crate::money::{Cents, split};
use crate::owner::Share;
use crate::text::Name;
use crate::{Invalid, Rule};

/// The weights of a distribution key: at least one unit, each weight positive,
/// no unit twice. The general key is the units' quotas; the statutes may add
/// others (a lift serving some units, heating meters, a staircase).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyWeights(Vec<(UnitId, u64)>);

/// The largest weight of one unit in a key: weights are counts, meters or
/// thousandths, never near this.
const MAX_WEIGHT: u64 = 1_000_000_000;

impl KeyWeights {
    pub fn new(mut weights: Vec<(UnitId, u64)>) -> Result<Self, Invalid> {
        if weights.is_empty() {
            return Err(Invalid::Empty);
        }
        if weights.iter().any(|(_, w)| !(1..=MAX_WEIGHT).contains(w)) {
            return Err(Invalid::OutOfRange { min: 1, max: 1_000_000_000 });
        }
        weights.sort_by_key(|(unit, _)| *unit);
        if weights.windows(2).any(|pair| matches!(pair, [a, b] if a.0 == b.0)) {
            return Err(Invalid::NotOneOf("each unit once"));
        }
        Ok(Self(weights))
    }

    pub fn entries(&self) -> &[(UnitId, u64)] {
        &self.0
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, w)| w).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistributionKey {
    pub id: DistributionKeyId,
    pub building_id: BuildingId,
    pub name: Name,
    pub weights: KeyWeights,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// One unit's weight under the key in use, with its number: ties in rounding
/// are broken by unit number, a stable order people can check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitWeight {
    pub unit: UnitId,
    pub number: String,
    pub weight: u64,
}

/// A share of a unit held by an owner on the day that matters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub unit: UnitId,
    pub owner: OwnerId,
    pub share: Share,
}

/// An owner's part of one unit's part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerPart {
    pub owner: OwnerId,
    pub share: Share,
    pub amount: Cents,
    /// Whether rounding gave this part one more cent than its exact value floored.
    pub rounded_up: bool,
}

/// A unit's part, with what explains it: `amount` is `total × weight /
/// weight_total` floored, plus one cent when `rounded_up`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitPart {
    pub unit: UnitId,
    pub number: String,
    pub weight: u64,
    pub amount: Cents,
    pub rounded_up: bool,
    pub owners: Vec<OwnerPart>,
}

/// An amount shared to the cent: the unit parts add up to `total`, and the
/// owner parts of each unit add up to that unit's part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    pub total: Cents,
    pub weight_total: u64,
    pub units: Vec<UnitPart>,
}

impl Distribution {
    /// Every owner's total, in the order they first appear.
    pub fn by_owner(&self) -> Vec<(OwnerId, Cents)> {
        let mut totals: Vec<(OwnerId, i64)> = Vec::new();
        for part in self.units.iter().flat_map(|u| &u.owners) {
            match totals.iter_mut().find(|(owner, _)| *owner == part.owner) {
                Some((_, sum)) => *sum += part.amount.get(),
                None => totals.push((part.owner, part.amount.get())),
            }
        }
        totals.into_iter().map(|(owner, cents)| (owner, Cents::new(cents).unwrap_or_default())).collect()
    }
}

fn cents(value: u64) -> Cents {
    Cents::new(i64::try_from(value).unwrap_or(i64::MAX)).unwrap_or_default()
}

/// Splits `total` by `weights` (largest remainder), and says which parts got an extra cent.
fn shares_of(total: u64, weights: &[u64]) -> Option<Vec<(u64, bool)>> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    let parts = split(total, weights)?;
    Some(
        parts
            .into_iter()
            .zip(weights)
            .map(|(part, w)| {
                let floor = u128::from(total) * u128::from(*w) / sum;
                (part, u128::from(part) > floor)
            })
            .collect(),
    )
}

/// Distributes `total` (not negative) to the units by their weights, then to
/// the owners holding each unit by their shares. Every unit must be held at
/// exactly 100 % (`holdings` are the shares valid on the day that matters),
/// else the money would have nobody to go to.
pub fn distribute(total: Cents, units: &[UnitWeight], holdings: &[Holding]) -> Result<Distribution, Rule> {
    let amount = u64::try_from(total.get()).map_err(|_| Rule::NothingToDistribute)?;
    let mut units: Vec<&UnitWeight> = units.iter().collect();
    units.sort_by(|a, b| unit_order(&a.number, a.unit, &b.number, b.unit));
    let weights: Vec<u64> = units.iter().map(|u| u.weight).collect();
    let unit_parts = shares_of(amount, &weights).ok_or(Rule::NothingToDistribute)?;
    let mut parts = Vec::with_capacity(units.len());
    for (unit, (unit_amount, rounded_up)) in units.into_iter().zip(unit_parts) {
        let mut held: Vec<&Holding> = holdings.iter().filter(|h| h.unit == unit.unit).collect();
        held.sort_by_key(|h| (std::cmp::Reverse(h.share), h.owner));
        if held.iter().map(|h| h.share.basis_points()).sum::<u32>() != Share::WHOLE {
            return Err(Rule::UnitNotWhollyHeld { unit: unit.number.clone() });
        }
        let shares: Vec<u64> = held.iter().map(|h| u64::from(h.share.basis_points())).collect();
        let owner_parts = shares_of(unit_amount, &shares).ok_or(Rule::UnitNotWhollyHeld { unit: unit.number.clone() })?;
        let owners = held
            .into_iter()
            .zip(owner_parts)
            .map(|(h, (amount, rounded_up))| OwnerPart { owner: h.owner, share: h.share, amount: cents(amount), rounded_up })
            .collect();
        parts.push(UnitPart {
            unit: unit.unit,
            number: unit.number.clone(),
            weight: unit.weight,
            amount: cents(unit_amount),
            rounded_up,
            owners,
        });
    }
    Ok(Distribution { total, weight_total: weights.iter().sum(), units: parts })
}

/// The order of units in a distribution, which also breaks rounding ties:
/// `2B` before `10A` (leading digits compare as numbers), then the id.
pub fn unit_order(a: &str, a_id: UnitId, b: &str, b_id: UnitId) -> std::cmp::Ordering {
    fn natural(number: &str) -> (u64, &str) {
        let digits = number.chars().take_while(char::is_ascii_digit).count();
        let (head, tail) = number.split_at(digits);
        (head.parse().unwrap_or(u64::MAX), tail)
    }
    natural(a).cmp(&natural(b)).then(a_id.cmp(&b_id))
}

/// What a call for funds asks: the working-fund and reserve-fund advances of a
/// period (kept apart, art. 3.86 §3), shared by one key among the owners
/// holding the units on `as_of`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallDetails {
    pub building_id: BuildingId,
    pub title: Name,
    /// The owners on this day are the ones called.
    pub as_of: NaiveDate,
    pub due_date: NaiveDate,
    pub working: Cents,
    pub reserve: Cents,
    /// `None`: the general key (the quotas).
    pub key_id: Option<DistributionKeyId>,
}

impl CallDetails {
    /// Amounts not negative, not both zero; due on or after the call.
    pub fn check(&self) -> Result<(), (&'static str, Invalid)> {
        let range = Invalid::OutOfRange { min: 0, max: 10_000_000_000 };
        if self.working.get() < 0 {
            return Err(("working_amount", range));
        }
        if self.reserve.get() < 0 {
            return Err(("reserve_amount", range));
        }
        if self.working.get() == 0 && self.reserve.get() == 0 {
            return Err(("working_amount", Invalid::Required));
        }
        if self.due_date < self.as_of {
            return Err(("due_date", Invalid::EndBeforeStart));
        }
        Ok(())
    }
}

/// One owner's line of a call: what they owe to each fund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedLine {
    pub owner: OwnerId,
    pub working: Cents,
    pub reserve: Cents,
}

impl PlannedLine {
    pub fn total(&self) -> Cents {
        Cents::new(self.working.get() + self.reserve.get()).unwrap_or_default()
    }
}

/// The lines of a call, one per owner, each fund shared separately so both
/// add up to the cent.
pub fn plan_call(details: &CallDetails, units: &[UnitWeight], holdings: &[Holding]) -> Result<Vec<PlannedLine>, Rule> {
    let working = distribute(details.working, units, holdings)?.by_owner();
    let reserve = distribute(details.reserve, units, holdings)?.by_owner();
    Ok(working
        .into_iter()
        .map(|(owner, working)| {
            let reserve = reserve.iter().find(|(o, _)| *o == owner).map_or(Cents::default(), |(_, c)| *c);
            PlannedLine { owner, working, reserve }
        })
        .filter(|line| line.total().get() > 0)
        .collect())
}

/// An issued call for funds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundCall {
    pub id: FundCallId,
    pub details: CallDetails,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    /// A call cancelled once money or a reminder reached it stays, reversed
    /// from this moment: its lines owe nothing, its communications stay its own.
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A line of an issued call, with its own structured communication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLine {
    pub id: crate::ids::CallLineId,
    pub call_id: FundCallId,
    pub owner: OwnerId,
    pub working: Cents,
    pub reserve: Cents,
    pub communication: StructuredCommunication,
}

/// The mandatory reserve fund (art. 3.86 §3): each year's reserve calls must
/// reach 5 % of the previous year's ordinary (working-fund) charges, unless
/// the general assembly decided at 4/5 not to constitute it. Returns the
/// minimum when it is not reached.
pub fn reserve_fund_shortfall(previous_year_ordinary: Cents, reserve_called_this_year: Cents, waived: bool) -> Option<Cents> {
    let base = previous_year_ordinary.get().max(0);
    let minimum = (base * 5 + 99) / 100; // rounded up: "at least 5 %"
    (!waived && reserve_called_this_year.get() < minimum).then(|| Cents::new(minimum).unwrap_or_default())
}

/// Which fund each part of a payment goes to. Money received on one fund's
/// own account belongs to that fund first (art. 3.86 §3 keeps the funds on
/// separate accounts): it takes what the line asks of it, the other fund the
/// rest up to what it asks, and any excess stays with the account's fund.
/// When the account is not known (a payment recorded by hand), the payment is
/// shared in proportion to what the line asks of each fund, to the cent.
pub fn allocate_payment(amount: Cents, line_working: Cents, line_reserve: Cents, account: Option<Fund>) -> (Cents, Cents) {
    let paid = amount.get().max(0);
    let (working, reserve) = (line_working.get().max(0), line_reserve.get().max(0));
    let first_then_rest = |first: i64, second: i64| {
        let to_first = paid.min(first);
        let to_second = (paid - to_first).min(second);
        (paid - to_second, to_second)
    };
    let (w, r) = match account {
        Some(Fund::Working) => first_then_rest(working, reserve),
        Some(Fund::Reserve) => {
            let (r, w) = first_then_rest(reserve, working);
            (w, r)
        }
        None => {
            let weights = [u64::try_from(working).unwrap_or(0), u64::try_from(reserve).unwrap_or(0)];
            match split(u64::try_from(paid).unwrap_or(0), &weights).as_deref() {
                Some([w, r]) => (i64::try_from(*w).unwrap_or(0), i64::try_from(*r).unwrap_or(0)),
                _ => (paid, 0),
            }
        }
    };
    (Cents::new(w).unwrap_or_default(), Cents::new(r).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(weights: &[(&str, u64)]) -> Vec<UnitWeight> {
        weights.iter().map(|(n, w)| UnitWeight { unit: UnitId::generate(), number: (*n).to_owned(), weight: *w }).collect()
    }

    fn whole(units: &[UnitWeight]) -> Vec<Holding> {
        units
            .iter()
            .map(|u| Holding { unit: u.unit, owner: OwnerId::generate(), share: Share::from_basis_points(10_000).unwrap() })
            .collect()
    }

    #[test]
    fn a_thousand_euros_over_three_equal_units_gives_the_cent_to_the_first() {
        let u = units(&[("2", 1), ("10", 1), ("1", 1)]);
        let d = distribute(Cents::new(100_000).unwrap(), &u, &whole(&u)).unwrap();
        let got: Vec<(&str, i64, bool)> = d.units.iter().map(|p| (p.number.as_str(), p.amount.get(), p.rounded_up)).collect();
        assert_eq!(got, [("1", 33_334, true), ("2", 33_333, false), ("10", 33_333, false)]);
        assert_eq!(d.weight_total, 3);
    }

    #[test]
    fn co_owners_share_their_unit_to_the_cent() {
        let u = units(&[("A", 500), ("B", 500)]);
        let (x, y) = (OwnerId::generate(), OwnerId::generate());
        let bp = |v| Share::from_basis_points(v).unwrap();
        let holdings = vec![
            Holding { unit: u[0].unit, owner: x, share: bp(3333) },
            Holding { unit: u[0].unit, owner: y, share: bp(6667) },
            Holding { unit: u[1].unit, owner: x, share: bp(10_000) },
        ];
        let d = distribute(Cents::new(1001).unwrap(), &u, &holdings).unwrap();
        assert_eq!(d.units[0].amount.get() + d.units[1].amount.get(), 1001);
        let a: i64 = d.units[0].owners.iter().map(|o| o.amount.get()).sum();
        assert_eq!(a, d.units[0].amount.get());
        let totals = d.by_owner();
        assert_eq!(totals.iter().map(|(_, c)| c.get()).sum::<i64>(), 1001);
        assert_eq!(totals.len(), 2);
    }

    #[test]
    fn a_unit_not_wholly_held_stops_the_distribution() {
        let u = units(&[("1", 1), ("2", 1)]);
        let mut h = whole(&u);
        h.pop();
        assert_eq!(distribute(Cents::new(100).unwrap(), &u, &h), Err(Rule::UnitNotWhollyHeld { unit: "2".to_owned() }));
    }

    #[test]
    fn keys_need_positive_weights_for_distinct_units() {
        let unit = UnitId::generate();
        assert_eq!(KeyWeights::new(vec![]), Err(Invalid::Empty));
        assert!(KeyWeights::new(vec![(unit, 0)]).is_err());
        assert!(KeyWeights::new(vec![(unit, 1), (unit, 2)]).is_err());
        assert_eq!(KeyWeights::new(vec![(unit, 3), (UnitId::generate(), 4)]).unwrap().total(), 7);
    }

    #[test]
    fn calls_keep_the_funds_apart_and_exact() {
        let u = units(&[("1", 333), ("2", 333), ("3", 334)]);
        let details = CallDetails {
            building_id: BuildingId::generate(),
            title: Name::parse("T1").unwrap(),
            as_of: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            due_date: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
            working: Cents::new(300_001).unwrap(),
            reserve: Cents::new(50_000).unwrap(),
            key_id: None,
        };
        let lines = plan_call(&details, &u, &whole(&u)).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.iter().map(|l| l.working.get()).sum::<i64>(), 300_001);
        assert_eq!(lines.iter().map(|l| l.reserve.get()).sum::<i64>(), 50_000);
    }

    #[test]
    fn the_reserve_fund_must_reach_five_percent_unless_waived() {
        let ordinary = Cents::new(2_000_001).unwrap();
        assert_eq!(reserve_fund_shortfall(ordinary, Cents::new(100_000).unwrap(), false), Some(Cents::new(100_001).unwrap()));
        assert_eq!(reserve_fund_shortfall(ordinary, Cents::new(100_001).unwrap(), false), None);
        assert_eq!(reserve_fund_shortfall(ordinary, Cents::default(), true), None);
        assert_eq!(reserve_fund_shortfall(Cents::default(), Cents::default(), false), None);
    }

    #[test]
    fn payments_go_to_the_funds_in_proportion() {
        let c = |v| Cents::new(v).unwrap();
        assert_eq!(allocate_payment(c(15_000), c(10_000), c(5_000), None), (c(10_000), c(5_000)));
        assert_eq!(allocate_payment(c(100), c(10_000), c(5_000), None), (c(67), c(33)));
        assert_eq!(allocate_payment(c(100), c(0), c(0), None), (c(100), c(0)));
    }

    #[test]
    fn money_on_a_fund_account_goes_to_that_fund_first() {
        let c = |v| Cents::new(v).unwrap();
        // The reserve part paid on the reserve account, the working part on the working one.
        assert_eq!(allocate_payment(c(5_000), c(10_000), c(5_000), Some(Fund::Reserve)), (c(0), c(5_000)));
        assert_eq!(allocate_payment(c(10_000), c(10_000), c(5_000), Some(Fund::Working)), (c(10_000), c(0)));
        // The whole line on one account settles both; an excess stays with the account's fund.
        assert_eq!(allocate_payment(c(15_000), c(10_000), c(5_000), Some(Fund::Reserve)), (c(10_000), c(5_000)));
        assert_eq!(allocate_payment(c(16_000), c(10_000), c(5_000), Some(Fund::Reserve)), (c(10_000), c(6_000)));
        assert_eq!(allocate_payment(c(16_000), c(10_000), c(5_000), Some(Fund::Working)), (c(11_000), c(5_000)));
    }

    proptest::proptest! {
        #[test]
        fn any_amount_over_any_weights_adds_up(
            total in 0i64..1_000_000_000_000,
            weights in proptest::collection::vec((1u64..100_000, 1u32..=4), 1..40),
        ) {
            let mut unit_weights = Vec::new();
            let mut holdings = Vec::new();
            for (i, (weight, owners)) in weights.iter().enumerate() {
                let unit = UnitId::generate();
                unit_weights.push(UnitWeight { unit, number: i.to_string(), weight: *weight });
                let shares = split(10_000, &vec![1; usize::try_from(*owners).unwrap()]).unwrap();
                for share in shares {
                    holdings.push(Holding { unit, owner: OwnerId::generate(), share: Share::from_basis_points(i64::try_from(share).unwrap()).unwrap() });
                }
            }
            let d = distribute(Cents::new(total).unwrap(), &unit_weights, &holdings).unwrap();
            proptest::prop_assert_eq!(d.units.iter().map(|u| u.amount.get()).sum::<i64>(), total);
            for unit in &d.units {
                proptest::prop_assert_eq!(unit.owners.iter().map(|o| o.amount.get()).sum::<i64>(), unit.amount.get());
                // Never more than a cent away from the exact value.
                let exact_floor = i128::from(total) * i128::from(unit.weight) / i128::from(d.weight_total);
                proptest::prop_assert!(i128::from(unit.amount.get()) - exact_floor <= 1);
            }
        }
    }
}
