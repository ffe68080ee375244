//! The demo: one syndic firm with three buildings (Brussels, Liège, Gent),
//! ~60 units whose quotas add up, ~50 owners (some co-owning, one sale during
//! the year), a year of expenses, the five demo users; and a second, small
//! organisation to show isolation. Its money: the year's charges shared,
//! four calls for funds, the bank's statements, reminders to late payers.
//! Everything goes through the use cases, so the demo obeys the same rules as
//! real data. Deterministic: same data every run.

mod assembly;
mod money;
pub(crate) mod property;
pub mod volume;

use anyhow::Context;
use koprogo_app::App;
use koprogo_app::access::Actor;
use koprogo_app::account::{Membership, NewAccount, User};
use koprogo_domain::account::{Language, Role};
use koprogo_domain::identifiers::Email;
use koprogo_domain::ids::TenantId;

pub use koprogo_domain::account::DEMO_PASSWORD;

/// The demo accounts, as printed at start-up.
pub const ACCOUNTS: &[(&str, &str)] = &[
    ("syndic@demo.koprogo.be", "syndic, Syndic Horizon SRL"),
    ("comptable@demo.koprogo.be", "accountant, Syndic Horizon SRL"),
    ("conseil@demo.koprogo.be", "board member, Résidence Les Érables"),
    ("proprietaire@demo.koprogo.be", "owner of an apartment and a cellar, Résidence Les Érables"),
    ("admin@demo.koprogo.be", "platform admin"),
    ("benevole@demo.koprogo.be", "syndic, Syndic bénévole Fontaine (second organisation)"),
];

/// Loads the demo into an empty database and answers as its syndic; `None`
/// (and nothing written) when the database already holds data.
pub async fn seed_if_empty(app: &App) -> anyhow::Result<Option<Actor>> {
    if !app.is_empty().await? {
        let demo = app.has_login(&Email::parse(ACCOUNTS[0].0).map_err(|e| anyhow::anyhow!("{e}"))?).await?;
        if demo {
            print_accounts();
        } else {
            tracing::info!("the database already holds data: the demo is not loaded");
        }
        return Ok(None);
    }
    tracing::info!("loading the demo data");
    let syndic = seed(app).await.context("loading the demo data")?;
    app.refresh_statistics().await.context("analysing the demo data")?;
    print_accounts();
    Ok(Some(syndic))
}

fn print_accounts() {
    println!("\nKoproGo demo accounts (password: {DEMO_PASSWORD}):");
    for (email, what) in ACCOUNTS {
        println!("  {email:<32} {what}");
    }
    println!();
}

fn failed(error: koprogo_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{error}: {error:?}")
}

/// A value the demo builds by hand was refused: a bug in the demo, reported as such.
fn invalid(error: koprogo_domain::Invalid) -> anyhow::Error {
    anyhow::anyhow!("demo data refused: {error}")
}

fn text<const N: usize>(raw: &str) -> anyhow::Result<koprogo_domain::text::Text<N>> {
    koprogo_domain::text::Text::parse(raw).map_err(|e| anyhow::anyhow!("{raw}: {e}"))
}

fn day(y: i32, m: u32, d: u32) -> anyhow::Result<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("no such day {y}-{m}-{d}"))
}

async fn user(app: &App, email: &str, first: &str, last: &str, admin: bool) -> anyhow::Result<User> {
    let account = NewAccount {
        email,
        password: DEMO_PASSWORD,
        first_name: first,
        last_name: last,
        language: Language::Fr,
        is_platform_admin: admin,
        demo: true,
    };
    app.create_user(account).await.map_err(failed)
}

async fn member(
    app: &App,
    tenant: TenantId,
    user: &User,
    role: Role,
    scope: (Option<koprogo_domain::ids::OwnerId>, Vec<koprogo_domain::ids::BuildingId>),
) -> anyhow::Result<()> {
    let membership = Membership { tenant, user: user.id, role, owner: scope.0, buildings: scope.1 };
    app.grant_membership(membership).await.map_err(failed)
}

fn syndic(user: &User, tenant: TenantId) -> Actor {
    Actor { user_id: user.id, tenant: Some(tenant), role: Role::Syndic, board_buildings: Vec::new(), owner: None }
}

async fn seed(app: &App) -> anyhow::Result<Actor> {
    let mut draw = koprogo_sample::Draw::seeded(2026);
    let horizon = app.create_organization("Syndic Horizon SRL").await.map_err(failed)?;
    let syndic_user = user(app, "syndic@demo.koprogo.be", "Sophie", "Lambert", false).await?;
    member(app, horizon.id, &syndic_user, Role::Syndic, (None, vec![])).await?;
    let actor = syndic(&syndic_user, horizon.id);
    let estate = property::seed_firm(app, &actor, &mut draw).await?;
    assembly::seed_assembly(app, &actor, estate.first_building).await?;

    let accountant = user(app, "comptable@demo.koprogo.be", "Koen", "Maes", false).await?;
    member(app, horizon.id, &accountant, Role::Accountant, (None, vec![])).await?;
    let board = user(app, "conseil@demo.koprogo.be", "Anne", "Collard", false).await?;
    member(app, horizon.id, &board, Role::BoardMember, (None, vec![estate.first_building])).await?;
    let owner = user(app, "proprietaire@demo.koprogo.be", "Marie", "Dubois", false).await?;
    member(app, horizon.id, &owner, Role::Owner, (Some(estate.portal_owner), vec![])).await?;
    user(app, "admin@demo.koprogo.be", "Alex", "Operator", true).await?;

    let fontaine = app.create_organization("Syndic bénévole Fontaine").await.map_err(failed)?;
    let volunteer = user(app, "benevole@demo.koprogo.be", "Benoît", "Fontaine", false).await?;
    member(app, fontaine.id, &volunteer, Role::Syndic, (None, vec![])).await?;
    property::seed_volunteer(app, &syndic(&volunteer, fontaine.id), &mut draw).await?;
    Ok(actor)
}
