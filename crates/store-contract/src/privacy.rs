//! The persons' rights on every store: the inventory covers the schema,
//! erasure leaves a pseudonym and the amounts and nothing else, a failed log
//! write leaves nothing erased, snapshots describe what they hold.

use koprogo_app::account::Membership;
use koprogo_app::listing::PaymentSort;
use koprogo_app::ports::Visibility;
use koprogo_app::ports::money::PaymentFilter;
use koprogo_app::ports::privacy::Erasure;
use koprogo_app::privacy::inventory::unclassified;
use koprogo_app::{Store, StoreError};
use koprogo_domain::Rule;
use koprogo_domain::account::Role;
use koprogo_domain::identifiers::{Email, Iban};
use koprogo_domain::ids::{OwnerId, PaymentId, TenantId, UserId};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::Period;
use koprogo_domain::payment::Payment;
use koprogo_domain::privacy::check_erasable;

use crate::sample::{self, at, day, query, tenant};

pub async fn every_column_is_in_the_inventory(store: Store) {
    let columns = store.catalog.columns().await.unwrap();
    assert!(columns.len() > 150, "the catalogue lists {} columns", columns.len());
    let (missing, stale) = unclassified(&columns);
    assert!(missing.is_empty(), "columns the data inventory does not classify: {missing:?}");
    assert!(stale.is_empty(), "columns the data inventory names but the schema lacks: {stale:?}");
}

/// A former owner (sold in 2024) who paid from their own account, with a login.
async fn former_owner(store: &Store, name: &str) -> (TenantId, OwnerId, UserId) {
    let t = tenant(store).await;
    let building = sample::building("Erasable", "Namur");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let unit = sample::unit(building.id, "1", 100);
    store.units.insert_unit(t, &unit, &koprogo_app::ports::quota_check(unit.details.quota), Vec::new()).await.unwrap();
    let mut owner = sample::owner(name);
    owner.details.email = Some(Email::parse(&format!("{}@example.be", name.to_lowercase())).unwrap());
    owner.details.iban = Some(Iban::parse("BE71096123456769").unwrap());
    store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
    let sold = sample::ownership(unit.id, owner.id, "100", day(2015, 1, 1), Some(day(2024, 6, 1)));
    store.owners.save_ownership(t, &sold, &|_| Ok(()), Vec::new()).await.unwrap();
    let payment = Payment {
        id: PaymentId::generate(),
        building_id: building.id,
        value_date: day(2024, 1, 20),
        amount: Cents::new(12_345).unwrap(),
        communication: None,
        free_text: Some(format!("charges {name}")),
        counterparty_iban: Some("BE71096123456769".to_owned()),
        counterparty_name: Some(format!("Luc {name}")),
        account: None,
        bank_reference: Some("B/1".to_owned()),
        import_id: None,
        allocation: None,
        created_at: at(),
    };
    assert!(store.payments.record_payment(t, &payment, &|_, _, _| None, Vec::new()).await.unwrap());
    let login = sample::user(&format!("login.{}@example.be", name.to_lowercase()));
    store.accounts.insert_user(&login, "argon2-hash", Vec::new()).await.unwrap();
    let membership = Membership { tenant: t, user: login.id, role: Role::Owner, owner: Some(owner.id), buildings: vec![] };
    store.accounts.save_membership(&membership, Vec::new()).await.unwrap();
    (t, owner.id, login.id)
}

pub async fn an_erased_owner_keeps_a_pseudonym_and_the_amounts_only(store: Store) {
    let name = format!("Erasable{}", uuid::Uuid::now_v7().simple().to_string().get(20..).unwrap_or_default());
    let (t, owner, login) = former_owner(&store, &name).await;
    let identifiers =
        [name.clone(), format!("{}@example.be", name.to_lowercase()), "+32 2 123 45 67".to_owned(), "BE71096123456769".to_owned()];
    for needle in &identifiers {
        assert!(!store.catalog.occurrences(needle).await.unwrap().is_empty(), "{needle} is stored before the erasure");
    }
    let none = |_: &[UserId]| Ok(());

    // An owner of today is refused; a failing log write leaves nothing erased.
    let holding = |periods: &[Period]| check_erasable(periods, day(2023, 1, 1));
    let refused = store.privacy.erase_owner(t, owner, at(), &holding, &none, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Rule(Rule::OwnerStillHolds { .. }))), "{refused:?}");
    let former = |periods: &[Period]| check_erasable(periods, day(2026, 3, 1));
    let log_down = |_: &[UserId]| Err(StoreError::Internal(anyhow::anyhow!("disk full")));
    assert!(store.privacy.erase_owner(t, owner, at(), &former, &log_down, Vec::new()).await.is_err());
    assert_eq!(store.owners.owner(t, owner).await.unwrap().unwrap().details.last_name.to_string(), name, "rolled back");

    let logged = std::sync::Mutex::new(Vec::new());
    let log = |users: &[UserId]| {
        logged.lock().unwrap().extend_from_slice(users);
        Ok(())
    };
    let done = store.privacy.erase_owner(t, owner, at(), &former, &log, Vec::new()).await.unwrap();
    let Some(Erasure::Done(done)) = done else { panic!("not erased: {done:?}") };
    assert_eq!((done.payments, done.users.clone(), done.unlinked.len()), (1, vec![login], 0));
    assert_eq!(*logged.lock().unwrap(), vec![login], "the log hears of the logins erased along");

    for needle in &identifiers {
        assert_eq!(store.catalog.occurrences(needle).await.unwrap(), vec![], "{needle} survived the erasure");
    }
    let erased = store.owners.owner(t, owner).await.unwrap().unwrap();
    assert_eq!(erased.details.last_name, koprogo_domain::privacy::pseudonym(owner.as_uuid()));
    assert_eq!((erased.details.email, erased.details.iban, erased.details.address), (None, None, None));
    assert_eq!(erased.privacy.erased_at, Some(at()));
    let filter = PaymentFilter::default();
    let payments = store.payments.payments(t, &query(PaymentSort::ValueDate), &filter, &Visibility::default()).await.unwrap();
    assert_eq!(payments.items.iter().map(|p| p.amount.get()).collect::<Vec<_>>(), vec![12_345], "the amount is kept");
    assert_eq!(store.accounts.user(login).await.unwrap().map(|u| u.last_name), Some(koprogo_domain::privacy::pseudonym(login.as_uuid())));
    assert!(store.accounts.memberships(login).await.unwrap().is_empty());

    assert_eq!(store.privacy.erase_owner(t, owner, at(), &former, &none, Vec::new()).await.unwrap(), Some(Erasure::AlreadyErased));
    assert!(!store.privacy.set_email_consent(t, owner, Some(at()), Vec::new()).await.unwrap(), "an erased record takes no consent");
    assert_eq!(store.privacy.erase_owner(t, OwnerId::generate(), at(), &former, &none, Vec::new()).await.unwrap(), None);
}

pub async fn the_last_syndic_is_not_erased(store: Store) {
    let t = tenant(&store).await;
    let (first, second) = (sample::user("first.syndic@example.be"), sample::user("second.syndic@example.be"));
    for user in [&first, &second] {
        store.accounts.insert_user(user, "argon2-hash", Vec::new()).await.unwrap();
    }
    let syndic = |user: UserId| Membership { tenant: t, user, role: Role::Syndic, owner: None, buildings: vec![] };
    store.accounts.save_membership(&syndic(first.id), Vec::new()).await.unwrap();
    let none = |_: &[UserId]| Ok(());
    let refused = store.privacy.erase_user(first.id, at(), true, &none, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Rule(Rule::LastSyndic))), "{refused:?}");
    store.accounts.save_membership(&syndic(second.id), Vec::new()).await.unwrap();
    assert!(store.privacy.erase_user(first.id, at(), true, &none, Vec::new()).await.unwrap());
    assert!(!store.privacy.erase_user(first.id, at(), true, &none, Vec::new()).await.unwrap(), "erased once");
    assert_eq!(store.accounts.user_by_email(&first.email).await.unwrap(), None);
    // A re-applied erasure does not wait for a second syndic.
    assert!(store.privacy.erase_user(second.id, at(), false, &none, Vec::new()).await.unwrap());
}

pub async fn consent_is_recorded_with_its_date(store: Store) {
    let t = tenant(&store).await;
    let owner = sample::owner("Consenting");
    store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
    assert!(store.privacy.set_email_consent(t, owner.id, Some(at()), Vec::new()).await.unwrap());
    assert_eq!(store.owners.owner(t, owner.id).await.unwrap().unwrap().privacy.email_consent_at, Some(at()));
    assert!(store.privacy.set_email_consent(t, owner.id, None, Vec::new()).await.unwrap());
    assert_eq!(store.owners.owner(t, owner.id).await.unwrap().unwrap().privacy.email_consent_at, None);
    assert!(
        !store.privacy.set_email_consent(TenantId::generate(), owner.id, Some(at()), Vec::new()).await.unwrap(),
        "another tenant's owner is missing"
    );
}

pub async fn a_snapshot_describes_what_it_holds(store: Store) {
    let (t, owner, _) = former_owner(&store, "Snapshot").await;
    let folder = std::env::temp_dir().join(format!("koprogo-snapshot-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&folder).unwrap();
    let snapshot = store.catalog.snapshot(&folder.join("database.snapshot")).await.unwrap();
    assert!(folder.join("database.snapshot").metadata().unwrap().len() > 0);
    assert_eq!(snapshot.schema_version, store.catalog.schema_version().await.unwrap());
    assert_eq!(snapshot.tables, store.catalog.digests().await.unwrap(), "nothing was written in between");
    let owners = snapshot.tables.iter().find(|d| d.table == "owners").unwrap();
    assert_eq!(owners.rows, 1);
    // Any change shows in its table's hash, and only there.
    assert!(store.privacy.set_email_consent(t, owner, Some(at()), Vec::new()).await.unwrap());
    let after = store.catalog.digests().await.unwrap();
    let changed: Vec<&str> = after.iter().filter(|d| !snapshot.tables.contains(d)).map(|d| d.table.as_str()).collect();
    assert_eq!(changed, vec!["owners"]);
    std::fs::remove_dir_all(folder).unwrap();
}
