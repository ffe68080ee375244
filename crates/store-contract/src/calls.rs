//! Cancelling a call: removed while nothing reached it, reversed after, and
//! its communications never handed out again.

use koprogo_app::Store;
use koprogo_app::StoreError;
use koprogo_app::ports::Visibility;
use koprogo_app::ports::money::Cancelled;
use koprogo_domain::Rule;
use koprogo_domain::charges::{CallLine, FundCall, plan_call};
use koprogo_domain::ids::{BuildingId, FundCallId, TenantId};
use koprogo_domain::payment::{Payment, match_payment};

use crate::money::{first_quarter, held_building, received};
use crate::sample::{at, day, tenant};

async fn issue(store: &Store, t: TenantId, building: BuildingId) -> (FundCallId, Vec<CallLine>) {
    let call = FundCall { id: FundCallId::generate(), details: first_quarter(building, 10_000), issued_at: at(), cancelled_at: None };
    let plan = |units: &[_], holdings: &[_]| plan_call(&call.details, units, holdings);
    (call.id, store.charges.issue_call(t, &call, None, &plan, Vec::new()).await.unwrap().unwrap().into_lines().unwrap())
}

fn digits(lines: &[CallLine]) -> Vec<u64> {
    lines.iter().map(|l| l.communication.digits().parse().unwrap()).collect()
}

pub async fn a_call_is_removed_until_money_reaches_it_then_reversed(store: Store) {
    let (t, building, owners) = held_building(&store).await;
    let matcher = |p: &Payment, named, guessed| match_payment(p, named, guessed);
    let (untouched, first_lines) = issue(&store, t, building.id).await;
    let stranger = tenant(&store).await;
    assert_eq!(
        store.charges.cancel_call(stranger, untouched, at(), Vec::new()).await.unwrap(),
        None,
        "another organisation's call is missing"
    );
    assert_eq!(store.charges.cancel_call(t, untouched, at(), Vec::new()).await.unwrap(), Some(Cancelled::Removed));
    assert_eq!(store.charges.call(t, untouched).await.unwrap(), None);

    let (paid, lines) = issue(&store, t, building.id).await;
    let line = lines.iter().find(|l| l.owner == owners[0]).unwrap().clone();
    let payment = received(building.id, 5_000, Some(line.communication));
    assert!(store.payments.record_payment(t, &payment, &matcher, Vec::new()).await.unwrap());
    assert_eq!(store.charges.cancel_call(t, paid, at(), Vec::new()).await.unwrap(), Some(Cancelled::Reversed));
    let twice = store.charges.cancel_call(t, paid, at(), Vec::new()).await;
    assert!(matches!(twice, Err(StoreError::Rule(Rule::CallCancelled))), "{twice:?}");
    let (kept, kept_lines) = store.charges.call(t, paid).await.unwrap().unwrap();
    assert_eq!((kept.cancelled_at, kept_lines.len()), (Some(at()), 2));

    // The cancelled call owes nothing; what was paid for it is the owner's credit.
    let positions = store.payments.positions(t, Some(building.id), None, day(2026, 6, 1), &Visibility::default()).await.unwrap();
    let second = positions.iter().find(|p| p.owner_id == owners[1]).unwrap();
    assert_eq!((second.position.called_working.get(), second.position.balance().get()), (0, 0), "nothing called any more");
    let first = positions.iter().find(|p| p.owner_id == owners[0]).unwrap();
    assert_eq!(first.position.balance().get(), -5_000);
    let (open, _) = store.payments.building_lines(t, building.id).await.unwrap();
    assert!(open.is_empty(), "no line left to chase or to assign");
    let own = store.payments.owner_lines(t, owners[0]).await.unwrap();
    assert_eq!(own.iter().map(|l| (l.line.id, l.cancelled_at)).collect::<Vec<_>>(), [(line.id, Some(at()))]);
    let reserve = store.charges.reserve_status(t, building.id, fiscal(2025), fiscal(2026)).await.unwrap();
    assert_eq!(reserve.reserve_called_this_year.get(), 0, "a cancelled call calls no reserve");

    // A payment naming a cancelled or removed line is left for the inbox, and
    // no later line ever gets one of their communications.
    for communication in [line.communication, first_lines[0].communication] {
        let late = Payment { bank_reference: Some(format!("B/{communication}")), ..received(building.id, 1_000, Some(communication)) };
        assert!(store.payments.record_payment(t, &late, &matcher, Vec::new()).await.unwrap());
        assert_eq!(store.payments.payment(t, late.id).await.unwrap().unwrap().allocation, None);
    }
    let (_, next) = issue(&store, t, building.id).await;
    let before = digits(&first_lines).into_iter().chain(digits(&lines)).max().unwrap();
    assert!(digits(&next).iter().all(|n| *n > before), "communications only move forward");
}

fn fiscal(year: i32) -> koprogo_app::ports::money::FiscalYear {
    koprogo_app::ports::money::FiscalYear { year, start: day(year, 1, 1), end: day(year + 1, 1, 1) }
}
