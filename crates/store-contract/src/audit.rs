//! The audit trail: chains that verify, one per organisation, appended in the
//! change's own transaction, never forked by concurrent writers.

use std::sync::Arc;

use koprogo_app::Store;
use koprogo_app::listing::{AuditSort, ListQuery};
use koprogo_app::ports::audit::AuditFilter;
use koprogo_domain::audit::{ChainedEvent, Verifier};

use crate::sample::{self, audit_event, tenant};

async fn whole_chain(store: &Store, organization: uuid::Uuid) -> Vec<ChainedEvent> {
    let mut events = Vec::new();
    loop {
        let after = events.last().map_or(0, |e: &ChainedEvent| e.seq);
        let slice = store.audit.chain(organization, after, 100).await.unwrap();
        if slice.is_empty() {
            return events;
        }
        events.extend(slice);
    }
}

fn verified(events: &[ChainedEvent]) -> Option<(u64, String)> {
    let mut verifier = Verifier::default();
    for event in events {
        verifier.feed(event).unwrap_or_else(|broken| panic!("the chain breaks at {}: {}", broken.seq, broken.reason));
    }
    verifier.head().map(|(seq, hash)| (seq, hash.to_owned()))
}

pub async fn audit_chains_read_back_and_stay_apart(store: Store) {
    let (mine, theirs) = (tenant(&store).await, tenant(&store).await);
    let events: Vec<_> = ["building.created", "unit.created", "expense.approved"].iter().map(|a| audit_event(mine, a)).collect();
    store.audit.append(events.clone()).await.unwrap();
    store.audit.append(vec![audit_event(theirs, "owner.created")]).await.unwrap();
    let chain = whole_chain(&store, mine.as_uuid()).await;
    assert_eq!(chain.iter().map(|e| e.body.clone()).collect::<Vec<_>>(), events, "every field comes back as written");
    assert_eq!(verified(&chain), store.audit.head(mine.as_uuid()).await.unwrap());
    assert_eq!(store.audit.head(theirs.as_uuid()).await.unwrap().map(|(seq, _)| seq), Some(1));
    let query = ListQuery { page: 1, per_page: 10, sort: AuditSort::Seq, descending: true };
    let page = store.audit.events(mine.as_uuid(), &query, &AuditFilter::default()).await.unwrap();
    assert_eq!((page.total, page.items.first().map(|e| e.seq)), (3, Some(3)), "newest first, total from the head");
    let filter = AuditFilter { action: Some("unit.created".to_owned()), ..AuditFilter::default() };
    assert_eq!(store.audit.events(mine.as_uuid(), &query, &filter).await.unwrap().total, 1);
    assert!(store.audit.chains().await.unwrap().contains(&theirs.as_uuid()));
}

pub async fn an_audited_change_and_its_event_are_kept_or_lost_together(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("Audité", "Mons");
    let event = audit_event(t, "building.created");
    store.buildings.insert_building(t, &building, vec![event]).await.unwrap();
    // A change the database refuses (the same id again) takes its event down with it.
    let refused = store.buildings.insert_building(t, &building, vec![audit_event(t, "building.created")]).await;
    assert!(refused.is_err());
    let unit = sample::unit(building.id, "1", 2000);
    let fits = koprogo_app::ports::quota_check(unit.details.quota);
    let too_big = store.units.insert_unit(t, &unit, &fits, vec![audit_event(t, "unit.created")]).await;
    assert!(too_big.is_err(), "the quota does not fit a base of 1000");
    let chain = whole_chain(&store, t.as_uuid()).await;
    assert_eq!(chain.iter().map(|e| e.body.action.as_str()).collect::<Vec<_>>(), ["building.created"]);
    verified(&chain);
}

pub async fn concurrent_writers_never_fork_a_chain(store: Store) {
    let tenants = [tenant(&store).await, tenant(&store).await, tenant(&store).await];
    let store = Arc::new(store);
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..40 {
                    let t = tenants[(w + i) % 3];
                    store.audit.append(vec![audit_event(t, "expense.created")]).await.unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let mut total = 0;
    for t in tenants {
        let chain = whole_chain(&store, t.as_uuid()).await;
        let numbers: Vec<u64> = chain.iter().map(|e| e.seq).collect();
        assert_eq!(numbers, (1..=u64::try_from(chain.len()).unwrap()).collect::<Vec<_>>(), "no gap, no repeat");
        verified(&chain);
        total += chain.len();
    }
    assert_eq!(total, 8 * 40);
}

/// The one-statement append trusts the head this process last saw only if the
/// stored head still matches: a hint that is wrong, behind or ahead (another
/// instance wrote, a restore went back) falls back to the locking path.
pub async fn a_stale_head_hint_never_misplaces_an_event(store: Store) {
    use koprogo_store_sql::audit::{head_hint, remember_head};
    let t = tenant(&store).await;
    store.audit.append(vec![audit_event(t, "building.created")]).await.unwrap();
    let (seq, hash) = head_hint(t.as_uuid()).expect("an append leaves a hint");
    assert_eq!(store.audit.head(t.as_uuid()).await.unwrap(), Some((seq, hash.clone())));
    let stale = [(seq, "f".repeat(64)), (seq + 5, hash.clone()), (0, koprogo_domain::audit::GENESIS.to_owned()), (seq, hash)];
    for hint in stale {
        remember_head(t.as_uuid(), hint);
        store.audit.append(vec![audit_event(t, "unit.created")]).await.unwrap();
    }
    let chain = whole_chain(&store, t.as_uuid()).await;
    assert_eq!(chain.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5], "no gap, no repeat");
    assert_eq!(verified(&chain), store.audit.head(t.as_uuid()).await.unwrap());
    assert_eq!(head_hint(t.as_uuid()), store.audit.head(t.as_uuid()).await.unwrap(), "the hint follows the head");
}
