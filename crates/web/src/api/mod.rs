//! The JSON API under `/api/v1`, one module per area, and its OpenAPI 3.1
//! document generated from the handlers' annotations.

mod admin;
mod assemblies;
pub mod audit;
mod auth;
pub(crate) mod billing;
pub(crate) mod buildings;
pub(crate) mod charges;
mod debits;
mod docs;
pub(crate) mod expenses;
pub(crate) mod owners;
pub(crate) mod ownerships;
pub(crate) mod payments;
pub use payments::BANK_FILE_LIMIT;
pub(crate) mod privacy;
pub(crate) mod reminders;
mod search;
pub(crate) mod statements;
pub(crate) mod team;
pub(crate) mod transfer;
pub(crate) mod units;

use axum::Json;
use axum::routing::get;
use koprogo_app::App;
use koprogo_app::access::Action;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// Who may call an operation: anyone, any signed-in user (about their own
/// session), or whoever the policy (`koprogo_app::access::POLICY`) grants the action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Public,
    Session,
    Policy(Action),
}

/// Every operation of the API with its access rule; the authorization matrix
/// test checks each against every role, and fails on an operation missing here.
pub const OPERATIONS: &[(&str, &str, Access)] = &[
    ("post", "/api/v1/auth/register", Access::Public),
    ("post", "/api/v1/auth/login", Access::Public),
    ("post", "/api/v1/auth/refresh", Access::Public),
    ("post", "/api/v1/auth/logout", Access::Session),
    ("get", "/api/v1/auth/me", Access::Session),
    ("post", "/api/v1/auth/password-reset", Access::Public),
    ("get", "/api/v1/invitations/{token}", Access::Public),
    ("post", "/api/v1/invitations/{token}/accept", Access::Public),
    ("get", "/api/v1/search", Access::Policy(Action::Search)),
    ("get", "/api/v1/team", Access::Policy(Action::ManageUsers)),
    ("post", "/api/v1/team/invitations", Access::Policy(Action::ManageUsers)),
    ("delete", "/api/v1/team/invitations/{id}", Access::Policy(Action::ManageUsers)),
    ("delete", "/api/v1/team/members/{id}", Access::Policy(Action::ManageUsers)),
    ("post", "/api/v1/team/members/{id}/password-reset", Access::Policy(Action::ManageUsers)),
    ("get", "/api/v1/admin/organizations", Access::Policy(Action::ListOrganizations)),
    ("get", "/api/v1/buildings", Access::Policy(Action::ReadBuilding)),
    ("post", "/api/v1/buildings", Access::Policy(Action::WriteBuilding)),
    ("get", "/api/v1/buildings/{id}", Access::Policy(Action::ReadBuilding)),
    ("put", "/api/v1/buildings/{id}", Access::Policy(Action::WriteBuilding)),
    ("delete", "/api/v1/buildings/{id}", Access::Policy(Action::WriteBuilding)),
    ("get", "/api/v1/units", Access::Policy(Action::ReadUnit)),
    ("post", "/api/v1/units", Access::Policy(Action::WriteUnit)),
    ("get", "/api/v1/units/{id}", Access::Policy(Action::ReadUnit)),
    ("put", "/api/v1/units/{id}", Access::Policy(Action::WriteUnit)),
    ("delete", "/api/v1/units/{id}", Access::Policy(Action::WriteUnit)),
    ("post", "/api/v1/units/{id}/transfer", Access::Policy(Action::WriteOwnership)),
    ("get", "/api/v1/owners", Access::Policy(Action::ReadOwner)),
    ("post", "/api/v1/owners", Access::Policy(Action::WriteOwner)),
    ("get", "/api/v1/owners/{id}", Access::Policy(Action::ReadOwner)),
    ("put", "/api/v1/owners/{id}", Access::Policy(Action::WriteOwner)),
    ("delete", "/api/v1/owners/{id}", Access::Policy(Action::WriteOwner)),
    ("get", "/api/v1/ownerships", Access::Policy(Action::ReadOwnership)),
    ("post", "/api/v1/ownerships", Access::Policy(Action::WriteOwnership)),
    ("get", "/api/v1/ownerships/{id}", Access::Policy(Action::ReadOwnership)),
    ("put", "/api/v1/ownerships/{id}", Access::Policy(Action::WriteOwnership)),
    ("delete", "/api/v1/ownerships/{id}", Access::Policy(Action::WriteOwnership)),
    ("get", "/api/v1/expenses", Access::Policy(Action::ReadExpense)),
    ("post", "/api/v1/expenses", Access::Policy(Action::WriteExpense)),
    ("get", "/api/v1/expenses/{id}", Access::Policy(Action::ReadExpense)),
    ("put", "/api/v1/expenses/{id}", Access::Policy(Action::WriteExpense)),
    ("delete", "/api/v1/expenses/{id}", Access::Policy(Action::WriteExpense)),
    ("post", "/api/v1/expenses/{id}/approve", Access::Policy(Action::ApproveExpense)),
    ("post", "/api/v1/expenses/{id}/pay", Access::Policy(Action::PayExpense)),
    ("post", "/api/v1/expenses/{id}/distribute", Access::Policy(Action::DistributeExpense)),
    ("get", "/api/v1/expenses/{id}/distribution", Access::Policy(Action::ReadCharges)),
    ("get", "/api/v1/distribution-keys", Access::Policy(Action::ReadCharges)),
    ("post", "/api/v1/distribution-keys", Access::Policy(Action::WriteKeys)),
    ("get", "/api/v1/distribution-keys/{id}", Access::Policy(Action::ReadCharges)),
    ("put", "/api/v1/distribution-keys/{id}", Access::Policy(Action::WriteKeys)),
    ("delete", "/api/v1/distribution-keys/{id}", Access::Policy(Action::WriteKeys)),
    ("get", "/api/v1/calls", Access::Policy(Action::ReadCharges)),
    ("post", "/api/v1/calls", Access::Policy(Action::IssueCall)),
    ("post", "/api/v1/calls/preview", Access::Policy(Action::IssueCall)),
    ("get", "/api/v1/calls/{id}", Access::Policy(Action::ReadCharges)),
    ("post", "/api/v1/calls/{id}/cancel", Access::Policy(Action::CancelCall)),
    ("post", "/api/v1/buildings/{id}/reserve-fund-waiver", Access::Policy(Action::WaiveReserveFund)),
    ("get", "/api/v1/payments", Access::Policy(Action::ReadPayments)),
    ("post", "/api/v1/payments", Access::Policy(Action::RecordPayment)),
    ("get", "/api/v1/payments/{id}", Access::Policy(Action::ReadPayments)),
    ("post", "/api/v1/payments/{id}/assign", Access::Policy(Action::RecordPayment)),
    ("post", "/api/v1/bank-statements", Access::Policy(Action::RecordPayment)),
    ("get", "/api/v1/debits", Access::Policy(Action::ReadDebits)),
    ("get", "/api/v1/debits/{id}", Access::Policy(Action::ReadDebits)),
    ("post", "/api/v1/debits/{id}/settle", Access::Policy(Action::SettleDebit)),
    ("get", "/api/v1/owners/{id}/account", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/arrears", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/calls/{id}/letters.pdf", Access::Policy(Action::ReadCharges)),
    ("get", "/api/v1/calls/{id}/lines.xlsx", Access::Policy(Action::ReadCharges)),
    ("get", "/api/v1/owners/{id}/statement", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/owners/{id}/statement.pdf", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/owners/{id}/statement.xlsx", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/buildings/{id}/ledger.xlsx", Access::Policy(Action::ExportLedger)),
    ("get", "/api/v1/buildings/{id}/reminder-policy", Access::Policy(Action::ReadPayments)),
    ("put", "/api/v1/buildings/{id}/reminder-policy", Access::Policy(Action::SendReminders)),
    ("post", "/api/v1/reminders/preview", Access::Policy(Action::SendReminders)),
    ("post", "/api/v1/reminders", Access::Policy(Action::SendReminders)),
    ("get", "/api/v1/reminders", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/reminders/{id}", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/reminders/{id}/letter.pdf", Access::Policy(Action::ReadPayments)),
    ("get", "/api/v1/audit", Access::Policy(Action::ReadAudit)),
    ("get", "/api/v1/audit.csv", Access::Policy(Action::ReadAudit)),
    ("get", "/api/v1/audit/head", Access::Policy(Action::ReadAudit)),
    ("get", "/api/v1/audit/verify", Access::Policy(Action::ReadAudit)),
    ("get", "/api/v1/owners/{id}/personal-data", Access::Policy(Action::ExportPersonalData)),
    ("put", "/api/v1/owners/{id}/consent", Access::Policy(Action::RecordConsent)),
    ("post", "/api/v1/owners/{id}/erase", Access::Policy(Action::EraseOwner)),
    ("get", "/api/v1/auth/me/personal-data", Access::Session),
    ("post", "/api/v1/auth/me/erase", Access::Session),
    ("get", "/api/v1/privacy/register", Access::Policy(Action::ReadRegister)),
    ("get", "/api/v1/buildings/{id}/export.zip", Access::Policy(Action::TransferAssociation)),
    ("post", "/api/v1/associations/import", Access::Policy(Action::TransferAssociation)),
    ("post", "/api/v1/admin/billing/run", Access::Policy(Action::ManageBilling)),
    ("get", "/api/v1/admin/invoices", Access::Policy(Action::ManageBilling)),
    ("get", "/api/v1/admin/invoices/{id}/invoice.pdf", Access::Policy(Action::ManageBilling)),
    ("get", "/api/v1/admin/business", Access::Policy(Action::ManageBilling)),
    ("get", "/api/v1/assemblies", Access::Policy(Action::ReadAssembly)),
    ("post", "/api/v1/assemblies", Access::Policy(Action::PrepareAssembly)),
    ("get", "/api/v1/assemblies/{id}", Access::Policy(Action::ReadAssembly)),
    ("put", "/api/v1/assemblies/{id}", Access::Policy(Action::PrepareAssembly)),
    ("post", "/api/v1/assemblies/{id}/cancel", Access::Policy(Action::PrepareAssembly)),
    ("post", "/api/v1/assemblies/{id}/agenda", Access::Policy(Action::PrepareAssembly)),
];

#[derive(OpenApi)]
#[openapi(
    info(title = "KoproGo API", description = "Management of Belgian co-ownerships: buildings, units, owners, expenses."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem)),
    tags(
        (name = "auth", description = "Sign-up, login, tokens"),
        (name = "buildings", description = "Associations of co-owners and their buildings"),
        (name = "units", description = "Units (lots) and their quotas"),
        (name = "owners", description = "Co-owners"),
        (name = "ownerships", description = "Shares of units held by owners over time"),
        (name = "expenses", description = "Invoices and charges"),
        (name = "charges", description = "Distribution keys, distributed expenses, calls for funds"),
        (name = "payments", description = "Payments, bank statements, owners' accounts, statements and arrears"),
        (name = "reminders", description = "Reminders to late payers: the association's rules, the letters sent"),
        (name = "assemblies", description = "General assemblies: preparation and agenda"),
        (name = "audit", description = "The organisation's tamper-evident audit trail"),
        (name = "transfer", description = "An association's whole file, exported and imported when it changes syndic"),
        (name = "privacy", description = "The persons' rights: access, consent, erasure, the register of processing"),
        (name = "team", description = "An organisation's members, invitations and password reset links"),
        (name = "admin", description = "Platform administration"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// The API routes, with `GET /api/v1/openapi.json` describing them.
pub fn routes() -> axum::Router<App> {
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1/auth", auth::routes())
        .nest("/api/v1/buildings", buildings::routes())
        .nest("/api/v1/units", units::routes())
        .nest("/api/v1/owners", owners::routes())
        .nest("/api/v1/ownerships", ownerships::routes())
        .nest("/api/v1/expenses", expenses::routes())
        .nest("/api/v1/admin", admin::routes())
        .merge(charges::routes())
        .merge(payments::routes())
        .merge(debits::routes())
        .merge(assemblies::routes())
        .merge(statements::routes())
        .merge(reminders::routes())
        .merge(audit::routes())
        .merge(privacy::routes())
        .merge(transfer::routes())
        .merge(billing::routes())
        .merge(team::routes())
        .merge(search::routes())
        .split_for_parts();
    // After the split: the nested routes' operations exist only now.
    docs::ProblemResponses.modify(&mut document);
    let document = std::sync::Arc::new(document);
    router.route("/api/v1/openapi.json", get(move || std::future::ready(Json(document.as_ref().clone()))))
}
