//! Invitations used once and only while live, members removed but never the
//! last syndic, password resets spent once.

use chrono::Duration;
use koprogo_app::account::{Membership, Organization};
use koprogo_app::ports::team::{Invitation, Joining};
use koprogo_app::{Store, StoreError};
use koprogo_domain::Rule;
use koprogo_domain::account::Role;
use koprogo_domain::identifiers::Email;
use koprogo_domain::ids::{InvitationId, TenantId, UserId};
use koprogo_domain::text::Text;

use crate::sample::{self, at};

fn invitation(tenant: TenantId, by: UserId, email: &str, role: Role) -> Invitation {
    Invitation {
        id: InvitationId::generate(),
        tenant,
        email: Email::parse(email).unwrap(),
        role,
        owner: None,
        buildings: Vec::new(),
        invited_by: by,
        expires_at: at() + Duration::days(7),
        accepted_at: None,
        revoked_at: None,
        created_at: at(),
    }
}

pub async fn an_invitation_is_accepted_once_while_live(store: Store) {
    let org = Organization { id: TenantId::generate(), name: Text::parse("Syndic Lambert").unwrap(), created_at: at() };
    let syndic = sample::user("syndic@lambert.be");
    store.accounts.register(&org, &syndic, "$hash", Role::Syndic, Vec::new()).await.unwrap();
    let building = sample::building("Les Acacias", "Namur");
    store.buildings.insert_building(org.id, &building, Vec::new()).await.unwrap();

    let board = Invitation { buildings: vec![building.id], ..invitation(org.id, syndic.id, "board@lambert.be", Role::BoardMember) };
    store.team.insert_invitation(&board, &[1; 32], Vec::new()).await.unwrap();
    let (found, of) = store.team.invitation(&[1; 32], at()).await.unwrap().unwrap();
    assert_eq!((found, of.id), (board.clone(), org.id));
    assert_eq!(store.team.invitation(&[1; 32], at() + Duration::days(8)).await.unwrap(), None, "expired");
    assert_eq!(store.team.invitations(org.id).await.unwrap(), vec![board.clone()]);

    let newcomer = sample::user("board@lambert.be");
    let joining = Joining::New { user: newcomer.clone(), password_hash: "$new".to_owned() };
    let membership = store.team.accept_invitation(&[1; 32], at(), joining, Vec::new()).await.unwrap().unwrap();
    assert_eq!(
        membership,
        Membership { tenant: org.id, user: newcomer.id, role: Role::BoardMember, owner: None, buildings: vec![building.id] }
    );
    let twice = store.team.accept_invitation(&[1; 32], at(), Joining::Existing(newcomer.id), Vec::new()).await.unwrap();
    assert_eq!(twice, None, "an invitation works once");
    assert!(store.team.invitations(org.id).await.unwrap().is_empty());
    let members = store.team.members(org.id).await.unwrap();
    let mut seats: Vec<_> = members.iter().map(|(u, m)| (u.email.as_str().to_owned(), m.role, m.buildings.clone())).collect();
    seats.sort();
    assert_eq!(
        seats,
        [("board@lambert.be".to_owned(), Role::BoardMember, vec![building.id]), ("syndic@lambert.be".to_owned(), Role::Syndic, vec![])]
    );

    // A revoked invitation no longer opens; a stranger's organisation cannot revoke it.
    let accountant = invitation(org.id, syndic.id, "compta@lambert.be", Role::Accountant);
    store.team.insert_invitation(&accountant, &[2; 32], Vec::new()).await.unwrap();
    assert!(!store.team.revoke_invitation(sample::tenant(&store).await, accountant.id, at(), Vec::new()).await.unwrap());
    assert!(store.team.revoke_invitation(org.id, accountant.id, at(), Vec::new()).await.unwrap());
    assert_eq!(store.team.invitation(&[2; 32], at()).await.unwrap(), None);
    let owner =
        Invitation { owner: Some(koprogo_domain::ids::OwnerId::generate()), ..invitation(org.id, syndic.id, "x@y.be", Role::Owner) };
    let refused = store.team.insert_invitation(&owner, &[3; 32], Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Conflict("invitation.unknown_reference"))), "{refused:?}");

    // Members go, but never the last syndic.
    assert!(store.team.remove_member(org.id, newcomer.id, Vec::new()).await.unwrap());
    assert!(!store.team.remove_member(org.id, newcomer.id, Vec::new()).await.unwrap());
    let last = store.team.remove_member(org.id, syndic.id, Vec::new()).await;
    assert!(matches!(last, Err(StoreError::Rule(Rule::LastSyndic))), "{last:?}");
    assert!(store.accounts.memberships(newcomer.id).await.unwrap().is_empty());
}

pub async fn a_password_reset_is_spent_once(store: Store) {
    let org = Organization { id: TenantId::generate(), name: Text::parse("Syndic Reset").unwrap(), created_at: at() };
    let user = sample::user("reset@syndic.be");
    store.accounts.register(&org, &user, "$old", Role::Syndic, Vec::new()).await.unwrap();
    store.team.insert_reset(user.id, &[7; 32], at() + Duration::hours(24), at(), Vec::new()).await.unwrap();
    store.team.insert_reset(user.id, &[8; 32], at() + Duration::hours(24), at(), Vec::new()).await.unwrap();
    assert_eq!(store.team.reset(&[7; 32], at()).await.unwrap(), None, "a new link replaces the unspent one");
    assert_eq!(store.team.reset(&[8; 32], at() + Duration::hours(25)).await.unwrap(), None, "expired");
    assert_eq!(store.team.spend_reset(&[8; 32], at(), "$new", Vec::new()).await.unwrap(), Some(user.id));
    assert_eq!(store.team.spend_reset(&[8; 32], at(), "$newer", Vec::new()).await.unwrap(), None);
    let (_, hash) = store.accounts.user_by_email(&user.email).await.unwrap().unwrap();
    assert_eq!(hash, "$new");
}
