//! Organisations, users, memberships and sessions.

use chrono::Duration;
use koprogo_app::account::{Membership, Organization, Refresh, SessionRecord};
use koprogo_app::listing::{ListQuery, OrganizationSort};
use koprogo_app::ports::quota_check;
use koprogo_app::{Store, StoreError};
use koprogo_domain::account::Role;
use koprogo_domain::identifiers::Email;
use koprogo_domain::ids::{TenantId, UserId};
use koprogo_domain::text::Text;
use uuid::Uuid;

use crate::sample::{self, at, day, tenant};

fn organization(name: &str) -> Organization {
    Organization { id: TenantId::generate(), name: Text::parse(name).unwrap(), created_at: at() }
}

fn session(user: UserId, tenant: Option<TenantId>, seed: u8) -> SessionRecord {
    SessionRecord {
        family: Uuid::now_v7(),
        user,
        tenant,
        access_digest: [seed; 32],
        access_expires: at() + Duration::minutes(15),
        refresh_digest: [seed.wrapping_add(100); 32],
        refresh_expires: at() + Duration::days(30),
        created_at: at(),
    }
}

pub async fn accounts_register_and_find_users(store: Store) {
    assert!(store.accounts.is_empty().await.unwrap());
    let org = organization("Syndic Dupont");
    let user = sample::user("Marie@Dupont.be");
    store.accounts.register(&org, &user, "$argon2id$hash", Role::Syndic, Vec::new()).await.unwrap();
    assert!(!store.accounts.is_empty().await.unwrap());
    let (found, hash) = store.accounts.user_by_email(&Email::parse("marie@dupont.be").unwrap()).await.unwrap().unwrap();
    assert_eq!((found, hash.as_str()), (user.clone(), "$argon2id$hash"));
    assert_eq!(store.accounts.user(user.id).await.unwrap(), Some(user.clone()));
    let memberships = store.accounts.memberships(user.id).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].0, org);
    assert_eq!(memberships[0].1.role, Role::Syndic);
    assert_eq!(store.accounts.organization_by_name(" Syndic Dupont ").await.unwrap(), Some(org));
    assert_eq!(store.accounts.organization_by_name("Nobody").await.unwrap(), None);
}

pub async fn a_taken_email_is_a_conflict(store: Store) {
    let user = sample::user("marie@dupont.be");
    store.accounts.register(&organization("A"), &user, "h", Role::Syndic, Vec::new()).await.unwrap();
    let twin = sample::user("marie@dupont.be");
    let refused = store.accounts.register(&organization("B"), &twin, "h", Role::Syndic, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Conflict("email_taken"))), "{refused:?}");
    assert_eq!(store.accounts.organization_by_name("B").await.unwrap(), None, "the organisation was rolled back with the user");
    assert!(matches!(store.accounts.insert_user(&twin, "h", Vec::new()).await, Err(StoreError::Conflict("email_taken"))));
}

pub async fn memberships_carry_their_scope(store: Store) {
    let t = tenant(&store).await;
    let other = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let owner = sample::owner("Peeters");
    store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
    let user = sample::user("conseil@x.be");
    store.accounts.insert_user(&user, "h", Vec::new()).await.unwrap();
    let board = Membership { tenant: t, user: user.id, role: Role::BoardMember, owner: None, buildings: vec![building.id] };
    store.accounts.save_membership(&board, Vec::new()).await.unwrap();
    assert_eq!(store.accounts.memberships(user.id).await.unwrap()[0].1, board);
    let owning = Membership { role: Role::Owner, owner: Some(owner.id), buildings: vec![], ..board.clone() };
    store.accounts.save_membership(&owning, Vec::new()).await.unwrap();
    assert_eq!(store.accounts.memberships(user.id).await.unwrap()[0].1, owning);
    let foreign = Membership { tenant: other, ..owning.clone() };
    let refused = store.accounts.save_membership(&foreign, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Conflict("membership.unknown_reference"))), "{refused:?}");
}

pub async fn sessions_resolve_expire_and_end(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let unit = sample::unit(building.id, "1", 10);
    store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap();
    let owner = sample::owner("Peeters");
    store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
    store
        .owners
        .save_ownership(t, &sample::ownership(unit.id, owner.id, "100", day(2020, 1, 1), None), &|_| Ok(()), Vec::new())
        .await
        .unwrap();
    let user = sample::user("owner@x.be");
    store.accounts.insert_user(&user, "h", Vec::new()).await.unwrap();
    store
        .accounts
        .save_membership(&Membership { tenant: t, user: user.id, role: Role::Owner, owner: Some(owner.id), buildings: vec![] }, Vec::new())
        .await
        .unwrap();
    let record = session(user.id, Some(t), 1);
    store.accounts.insert_session(&record, Vec::new()).await.unwrap();

    let (actor, family) = store.accounts.actor(&record.access_digest, at()).await.unwrap().unwrap();
    assert_eq!(family, record.family);
    assert_eq!((actor.user_id, actor.tenant, actor.role), (user.id, Some(t), Role::Owner));
    let scope = actor.owner.unwrap();
    assert_eq!((scope.owner_id, scope.units, scope.buildings), (owner.id, vec![unit.id], vec![building.id]));
    assert!(store.accounts.actor(&record.refresh_digest, at()).await.unwrap().is_none(), "a refresh token is no access token");
    assert!(store.accounts.actor(&record.access_digest, at() + Duration::minutes(16)).await.unwrap().is_none());

    store
        .accounts
        .save_membership(&Membership { tenant: t, user: user.id, role: Role::Accountant, owner: None, buildings: vec![] }, Vec::new())
        .await
        .unwrap();
    let (changed, _) = store.accounts.actor(&record.access_digest, at()).await.unwrap().unwrap();
    assert_eq!(changed.role, Role::Accountant, "role changes apply on the next request");

    store.accounts.end_family(record.family, Vec::new()).await.unwrap();
    assert!(store.accounts.actor(&record.access_digest, at()).await.unwrap().is_none());
    let admin = koprogo_app::account::User { is_platform_admin: true, ..sample::user("admin@x.be") };
    store.accounts.insert_user(&admin, "h", Vec::new()).await.unwrap();
    let admin_session = session(admin.id, None, 7);
    store.accounts.insert_session(&admin_session, Vec::new()).await.unwrap();
    let (admin_actor, _) = store.accounts.actor(&admin_session.access_digest, at()).await.unwrap().unwrap();
    assert_eq!((admin_actor.role, admin_actor.tenant), (Role::PlatformAdmin, None));
    let other = session(user.id, Some(t), 8);
    store.accounts.insert_session(&other, Vec::new()).await.unwrap();
    assert_eq!(store.accounts.purge_sessions(Some(admin.id), at() + Duration::days(31)).await.unwrap(), 2, "the admin's pair");
    assert!(store.accounts.actor(&admin_session.access_digest, at()).await.unwrap().is_none());
    assert!(store.accounts.actor(&other.access_digest, at()).await.unwrap().is_some(), "another user's tokens stay");
    assert_eq!(store.accounts.purge_sessions(None, at() + Duration::minutes(20)).await.unwrap(), 1, "only the expired access token goes");
    assert!(store.accounts.actor(&other.access_digest, at()).await.unwrap().is_none());
}

pub async fn a_new_password_ends_every_session(store: Store) {
    let org = organization("A");
    let (user, other) = (sample::user("a@x.be"), sample::user("b@x.be"));
    store.accounts.register(&org, &user, "old hash", Role::Syndic, Vec::new()).await.expect("the store call succeeds");
    store.accounts.insert_user(&other, "h", Vec::new()).await.expect("the store call succeeds");
    let (first, second, theirs) = (session(user.id, Some(org.id), 11), session(user.id, Some(org.id), 12), session(other.id, None, 13));
    for record in [&first, &second, &theirs] {
        store.accounts.insert_session(record, Vec::new()).await.expect("the store call succeeds");
    }
    store.accounts.set_password(user.id, "new hash", Vec::new()).await.expect("the store call succeeds");
    let (_, hash) = store.accounts.user_by_email(&user.email).await.expect("the store call succeeds").expect("the store call succeeds");
    assert_eq!(hash, "new hash");
    for record in [&first, &second] {
        assert!(store.accounts.actor(&record.access_digest, at()).await.expect("the store call succeeds").is_none());
        assert_eq!(
            store.accounts.spend_refresh(&record.refresh_digest, at(), Vec::new()).await.expect("the store call succeeds"),
            Refresh::Unknown
        );
    }
    assert_eq!(
        store.accounts.spend_refresh(&theirs.refresh_digest, at(), Vec::new()).await.expect("the store call succeeds"),
        Refresh::Rotated { family: theirs.family, user: other.id, tenant: None },
        "another user keeps their session"
    );
}

/// A stronger hash of the same password replaces the stored one only if that
/// is still the one it upgrades, and leaves the sessions alone.
pub async fn a_hash_is_upgraded_only_from_itself(store: Store) {
    let org = organization("A");
    let user = sample::user("a@x.be");
    store.accounts.register(&org, &user, "weak hash", Role::Syndic, Vec::new()).await.expect("the store call succeeds");
    let record = session(user.id, Some(org.id), 21);
    store.accounts.insert_session(&record, Vec::new()).await.expect("the store call succeeds");
    assert!(
        !store.accounts.upgrade_password_hash(user.id, "another hash", "strong hash", Vec::new()).await.expect("the store call succeeds")
    );
    assert!(store.accounts.upgrade_password_hash(user.id, "weak hash", "strong hash", Vec::new()).await.expect("the store call succeeds"));
    let (_, hash) = store.accounts.user_by_email(&user.email).await.expect("the store call succeeds").expect("the user is there");
    assert_eq!(hash, "strong hash");
    assert!(store.accounts.actor(&record.access_digest, at()).await.expect("the store call succeeds").is_some(), "the session goes on");
}

pub async fn refresh_tokens_rotate_once(store: Store) {
    let org = organization("A");
    let user = sample::user("a@x.be");
    store.accounts.register(&org, &user, "h", Role::Syndic, Vec::new()).await.unwrap();
    let record = session(user.id, Some(org.id), 3);
    store.accounts.insert_session(&record, Vec::new()).await.unwrap();
    let spent = store.accounts.spend_refresh(&record.refresh_digest, at(), Vec::new()).await.unwrap();
    assert_eq!(spent, Refresh::Rotated { family: record.family, user: user.id, tenant: Some(org.id) });
    assert!(store.accounts.actor(&record.access_digest, at()).await.unwrap().is_none(), "the old access token dies with the rotation");
    let next = SessionRecord { family: record.family, ..session(user.id, Some(org.id), 4) };
    store.accounts.insert_session(&next, Vec::new()).await.unwrap();
    assert_eq!(store.accounts.spend_refresh(&record.refresh_digest, at(), Vec::new()).await.unwrap(), Refresh::Reused);
    assert!(store.accounts.actor(&next.access_digest, at()).await.unwrap().is_none(), "reuse revokes the whole family");
    assert_eq!(store.accounts.spend_refresh(&[9; 32], at(), Vec::new()).await.unwrap(), Refresh::Unknown);
    let late = session(user.id, Some(org.id), 5);
    store.accounts.insert_session(&late, Vec::new()).await.unwrap();
    assert_eq!(store.accounts.spend_refresh(&late.refresh_digest, at() + Duration::days(31), Vec::new()).await.unwrap(), Refresh::Unknown);
}

pub async fn organizations_list_their_usage(store: Store) {
    let t = tenant(&store).await;
    let _empty = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    for n in ["1", "2"] {
        let unit = sample::unit(building.id, n, 10);
        store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap();
    }
    let page = store
        .accounts
        .organizations(&ListQuery { page: 1, per_page: 10, sort: OrganizationSort::CreatedAt, descending: false })
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let usage = page.items.iter().find(|o| o.organization.id == t).unwrap();
    assert_eq!((usage.buildings, usage.units, usage.users), (1, 2, 0));
}
