//! The authorization matrix: every operation of `api::OPERATIONS` × every role
//! × {own object, object of another building of the same organisation, object
//! of another organisation, non-existent id}, against the status the policy
//! table implies. Another organisation's object must answer like a missing one.

use axum::http::Method;
use koprogo_app::access::{Reach, reach};
use koprogo_domain::account::Role;
use koprogo_web::api::{Access, OPERATIONS};
use serde_json::{Value, json};

use crate::helpers::{TestApp, building_body, expense_body, owner_body, unit_body};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Own,
    OtherBuilding,
    Foreign,
    Missing,
}

/// The objects of one kind: ids by area.
struct Objects {
    building: String,
    unit: String,
    owner: String,
    ownership: String,
    expense: String,
    /// A distribution key over `unit` alone: distributions and calls then
    /// hold whatever other units the matrix adds to the building.
    key: String,
    call: String,
    call_line: String,
    /// Matched to `call_line`, so the owner of `unit` sees it.
    payment: String,
    /// Sent to the owner of `unit` for a second call they left unpaid.
    reminder: String,
    /// Paid out of the building, settling nothing; and a paid expense it may settle.
    debit: String,
    paid_expense: String,
    /// A draft assembly of the building, with one agenda item.
    assembly: String,
}

/// A key over `unit`, a call by it, a payment of that call's line, and a
/// reminder for a second call left unpaid.
async fn money(t: &TestApp, token: &str, building: &str, unit: &str) -> (String, String, String, String, String) {
    let key = t.create("/api/v1/distribution-keys", token, key_body(building, unit, "Ascenseur")).await;
    let call = t.post("/api/v1/calls", token, call_body(building, &key)).await;
    assert_eq!(call.status, 201, "{}", call.body);
    let line = &call.body["lines"][0];
    let payment = t
        .create(
            "/api/v1/payments",
            token,
            json!({ "building_id": building, "value_date": "2026-01-15", "amount": 100, "communication": line["communication"] }),
        )
        .await;
    let mut unpaid = call_body(building, &key);
    unpaid["title"] = json!("Provisions T2");
    unpaid["due_date"] = json!("2026-02-01");
    assert_eq!(t.post("/api/v1/calls", token, unpaid).await.status, 201);
    let sent = t.post("/api/v1/reminders", token, json!({ "building_id": building })).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let id = |v: &Value| v.as_str().expect("an id").to_owned();
    (key, id(&call.body["id"]), id(&line["id"]), payment, id(&sent.body[0]["id"]))
}

fn assembly_body(building: &str) -> Value {
    json!({ "building_id": building, "meets_at": "2026-06-15T18:30", "place": "Salle du Parc" })
}

/// A draft assembly of the building, with an item on its agenda.
async fn assembly(t: &TestApp, token: &str, building: &str) -> String {
    let id = t.create("/api/v1/assemblies", token, assembly_body(building)).await;
    let item = t.post(&format!("/api/v1/assemblies/{id}/agenda"), token, agenda_body()).await;
    assert_eq!(item.status, 201, "{}", item.body);
    id
}

fn agenda_body() -> Value {
    json!({ "title": "Comptes 2025", "resolution": "L'assemblée approuve les comptes 2025.", "kind": "approve_accounts" })
}

fn key_body(building: &str, unit: &str, name: &str) -> Value {
    json!({ "building_id": building, "name": name, "weights": [{ "unit_id": unit, "weight": 1 }] })
}

fn call_body(building: &str, key: &str) -> Value {
    json!({ "building_id": building, "title": "Provisions T1", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": 100, "key_id": key })
}

/// A CODA statement of the buildings' working account (`building_body`'s IBAN).
fn statement_file() -> String {
    use koprogo_bank::{Communication, Movement, Statement};
    use koprogo_domain::money::Cents;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).expect("a day");
    let movement = Movement {
        bank_reference: "001/MATRIX".to_owned(),
        amount: Cents::new(2_500).expect("cents"),
        value_date: day,
        entry_date: day,
        communication: Communication::None,
        counterparty_account: None,
        counterparty_bic: None,
        counterparty_name: None,
    };
    let statement = Statement {
        account: "BE68539007547034".to_owned(),
        statement_number: "001".to_owned(),
        old_balance: Cents::default(),
        new_balance: movement.amount,
        new_balance_date: day,
        movements: vec![movement],
    };
    koprogo_bank::coda::write(&[statement], day).into_iter().map(char::from).collect()
}

struct World {
    t: TestApp,
    syndic: String,
    stranger: String,
    tokens: Vec<(Role, String)>,
    own: Objects,
    other: Objects,
    foreign: Objects,
}

/// The expense every role reads: approved, since an owner sees no draft.
async fn decided_expense(t: &TestApp, token: &str, building: &str) -> String {
    let expense = t.create("/api/v1/expenses", token, expense_body(building, json!(10))).await;
    assert_eq!(t.post(&format!("/api/v1/expenses/{expense}/approve"), token, json!({})).await.status, 200);
    expense
}

/// A debit of the building and a paid expense it may settle.
async fn paid_out(t: &TestApp, token: &str, tenant: koprogo_domain::ids::TenantId, building: &str) -> (String, String) {
    let expense = decided_expense(t, token, building).await;
    assert_eq!(t.post(&format!("/api/v1/expenses/{expense}/pay"), token, json!({})).await.status, 200);
    (t.debit(tenant, building, 1_000).await, expense)
}

async fn holding(t: &TestApp, (token, tenant): (&str, koprogo_domain::ids::TenantId), building: &str, number: &str) -> Objects {
    let unit = t.create("/api/v1/units", token, unit_body(building, number, 10)).await;
    let owner = t.create("/api/v1/owners", token, owner_body(&format!("Holder {number}"))).await;
    let ownership = t
        .create("/api/v1/ownerships", token, json!({ "unit_id": unit, "owner_id": owner, "share": 100, "start_date": "2020-01-01" }))
        .await;
    let expense = decided_expense(t, token, building).await;
    let (key, call, call_line, payment, reminder) = money(t, token, building, &unit).await;
    let (debit, paid_expense) = paid_out(t, token, tenant, building).await;
    let assembly = assembly(t, token, building).await;
    Objects {
        building: building.to_owned(),
        unit,
        owner,
        ownership,
        expense,
        key,
        call,
        call_line,
        payment,
        reminder,
        debit,
        paid_expense,
        assembly,
    }
}

async fn world(t: TestApp) -> World {
    let e = t.estate().await;
    let ownerships = t.get(&format!("/api/v1/ownerships?unit_id={}", e.unit), &e.tokens.syndic).await;
    let (key, call, call_line, payment, reminder) = money(&t, &e.tokens.syndic, &e.building, &e.unit).await;
    let (debit, paid_expense) = paid_out(&t, &e.tokens.syndic, t.tenant, &e.building).await;
    let own = Objects {
        building: e.building.clone(),
        unit: e.unit.clone(),
        owner: e.owner.clone(),
        ownership: ownerships.body["data"][0]["id"].as_str().expect("the ownership of the unit").to_owned(),
        expense: decided_expense(&t, &e.tokens.syndic, &e.building).await,
        key,
        call,
        call_line,
        payment,
        reminder,
        debit,
        paid_expense,
        assembly: assembly(&t, &e.tokens.syndic, &e.building).await,
    };
    let other = holding(&t, (&e.tokens.syndic, t.tenant), &e.other_building, "2A").await;
    let theirs = t.create("/api/v1/buildings", &e.tokens.stranger, building_body("Theirs")).await;
    let foreign = holding(&t, (&e.tokens.stranger, t.other_tenant), &theirs, "3A").await;
    let k = &e.tokens;
    let tokens = vec![
        (Role::Syndic, k.syndic.clone()),
        (Role::Accountant, k.accountant.clone()),
        (Role::BoardMember, k.board.clone()),
        (Role::Owner, k.owner.clone()),
        (Role::PlatformAdmin, k.admin.clone()),
    ];
    World { syndic: k.syndic.clone(), stranger: k.stranger.clone(), tokens, own, other, foreign, t }
}

/// The fixture of `area` every role reads.
fn shared(area: &str, objects: &Objects) -> String {
    match area {
        "buildings" => objects.building.clone(),
        "units" => objects.unit.clone(),
        "owners" => objects.owner.clone(),
        "ownerships" => objects.ownership.clone(),
        "distribution-keys" => objects.key.clone(),
        "calls" => objects.call.clone(),
        "payments" => objects.payment.clone(),
        "reminders" => objects.reminder.clone(),
        "debits" => objects.debit.clone(),
        "assemblies" => objects.assembly.clone(),
        _ => objects.expense.clone(),
    }
}

/// The status the policy implies for `role` calling `method` on an object of `kind`.
fn expected(access: Access, role: Role, method: &str, path: &str, kind: Option<Kind>) -> u16 {
    let Access::Policy(action) = access else { return 200 };
    let success = match method {
        // Adding to an object's list (an agenda item) creates too.
        "post" if (kind.is_none() || path.ends_with("/agenda")) && !path.ends_with("/preview") => 201,
        "delete" => 204,
        _ => 200,
    };
    match (reach(role, action), kind) {
        (Reach::Denied, _) => 403,
        (Reach::Platform, Some(Kind::Missing)) if role == Role::PlatformAdmin => 404,
        (Reach::Platform, _) if role == Role::PlatformAdmin => success,
        (Reach::Platform, _) => 403,
        (_, None) => success,
        (_, Some(Kind::Foreign | Kind::Missing)) => 404,
        (Reach::Organization, Some(_)) => success,
        (Reach::BoardBuildings | Reach::OwnUnits, Some(Kind::Own)) => success,
        (Reach::BoardBuildings | Reach::OwnUnits, Some(Kind::OtherBuilding)) => 404,
    }
}

impl World {
    fn objects(&self, kind: Kind) -> Option<&Objects> {
        match kind {
            Kind::Own => Some(&self.own),
            Kind::OtherBuilding => Some(&self.other),
            Kind::Foreign => Some(&self.foreign),
            Kind::Missing => None,
        }
    }

    /// The id to act on; deletions and status changes get a fresh object of
    /// that kind so the fixtures survive.
    async fn target(&self, area: &str, method: &str, action_path: &str, kind: Kind) -> String {
        let Some(objects) = self.objects(kind) else { return uuid::Uuid::now_v7().to_string() };
        let maker = if kind == Kind::Foreign { &self.stranger } else { &self.syndic };
        // A draft to rewrite: the shared expense is approved, for every role to read.
        let rewrite = method == "put" && area == "expenses";
        let fresh = method == "delete"
            || rewrite
            || ["/approve", "/pay", "/distribute", "/assign", "/erase", "/cancel", "/password-reset", "/transfer", "/settle"]
                .iter()
                .any(|end| action_path.ends_with(end));
        if !fresh {
            return shared(area, objects);
        }
        let n = uuid::Uuid::now_v7().simple().to_string();
        let id = match area {
            "buildings" => self.t.create("/api/v1/buildings", maker, building_body("Disposable")).await,
            "units" if action_path.ends_with("/transfer") => {
                let unit = self.t.create("/api/v1/units", maker, unit_body(&objects.building, &n, 1)).await;
                self.t.create("/api/v1/ownerships", maker, json!({ "unit_id": unit, "owner_id": objects.owner, "share": 100 })).await;
                unit
            }
            "units" => self.t.create("/api/v1/units", maker, unit_body(&objects.building, &n, 1)).await,
            "owners" => self.t.create("/api/v1/owners", maker, owner_body("Disposable")).await,
            "ownerships" => {
                let unit = self.t.create("/api/v1/units", maker, unit_body(&objects.building, &n, 1)).await;
                self.t.create("/api/v1/ownerships", maker, json!({ "unit_id": unit, "owner_id": objects.owner, "share": 100 })).await
            }
            "distribution-keys" => self.t.create("/api/v1/distribution-keys", maker, key_body(&objects.building, &objects.unit, &n)).await,
            "calls" => self.t.create("/api/v1/calls", maker, call_body(&objects.building, &objects.key)).await,
            "team" if action_path.contains("/invitations/") => {
                self.t.create("/api/v1/team/invitations", maker, json!({ "email": format!("{n}@invited.be"), "role": "accountant" })).await
            }
            "team" => {
                self.t.member(&format!("{n}@member.be"), if kind == Kind::Foreign { self.t.other_tenant } else { self.t.tenant }).await
            }
            "debits" => self.t.debit(if kind == Kind::Foreign { self.t.other_tenant } else { self.t.tenant }, &objects.building, 700).await,
            "assemblies" => self.t.create("/api/v1/assemblies", maker, assembly_body(&objects.building)).await,
            "payments" => {
                let body = json!({ "building_id": objects.building, "value_date": "2026-01-20", "amount": 3 });
                self.t.create("/api/v1/payments", maker, body).await
            }
            _ => self.t.create("/api/v1/expenses", maker, expense_body(&objects.building, json!(7))).await,
        };
        if action_path.ends_with("/pay") {
            self.t.post(&format!("/api/v1/expenses/{id}/approve"), maker, json!({ "key_id": objects.key })).await;
        } else if action_path.ends_with("/distribute") {
            self.t.approve_unshared(if kind == Kind::Foreign { self.t.other_tenant } else { self.t.tenant }, &id).await;
        }
        id
    }

    /// A valid body for writing to `area` (for an update, the object's own references).
    async fn body(&self, area: &str, id: &str, kind: Option<Kind>) -> Value {
        let objects = kind.and_then(|k| self.objects(k)).unwrap_or(&self.own);
        let n = uuid::Uuid::now_v7().simple().to_string();
        match area {
            "buildings" => building_body("Written"),
            "units" if kind.is_some() => unit_body(&objects.building, &format!("U-{id}"), 10),
            "units" => unit_body(&self.own.building, &n, 1),
            "owners" => owner_body("Written"),
            "ownerships" if kind.is_some() => {
                json!({ "unit_id": objects.unit, "owner_id": objects.owner, "share": 100, "start_date": "2020-01-01" })
            }
            "ownerships" => {
                let unit = self.t.create("/api/v1/units", &self.syndic, unit_body(&self.own.building, &n, 1)).await;
                json!({ "unit_id": unit, "owner_id": self.own.owner, "share": 100 })
            }
            "distribution-keys" => key_body(&objects.building, &objects.unit, &n),
            "calls" => call_body(&self.own.building, &self.own.key),
            "payments" => json!({ "building_id": self.own.building, "value_date": "2026-01-20", "amount": 5 }),
            "bank-statements" => Value::String(statement_file()),
            "reminders" => json!({ "building_id": self.own.building }),
            "assemblies" => assembly_body(&self.own.building),
            "admin" => json!({ "period": "2026-02" }),
            "team" => json!({ "email": format!("{n}@invited.be"), "role": "accountant" }),
            _ => expense_body(&objects.building, json!(12)),
        }
    }

    /// The body of an action on an object (`POST …/{id}/…`).
    fn action_body(&self, path: &str, kind: Option<Kind>) -> Value {
        let objects = kind.and_then(|k| self.objects(k)).unwrap_or(&self.own);
        // Units made by other checks have no owner yet: the key shares among held ones.
        if path.ends_with("/distribute") || path.ends_with("/approve") {
            json!({ "key_id": objects.key })
        } else if path.ends_with("/assign") {
            json!({ "call_line_id": objects.call_line })
        } else if path.ends_with("/settle") {
            json!({ "expense_id": objects.paid_expense })
        } else if path.ends_with("/transfer") {
            json!({ "date": "2026-06-01", "buyers": [{ "owner_id": objects.owner, "share": 100 }] })
        } else if path.ends_with("/agenda") {
            agenda_body()
        } else if path.ends_with("/reserve-fund-waiver") {
            json!({ "decided_on": "2026-03-01" })
        } else {
            json!({})
        }
    }
}

/// Whether the answer must leave a trace in the audit trail: every change
/// done, every refusal by the policy, every file of personal data taken.
/// Runs that changed nothing (no reminder due, a bank file seen before) leave none.
fn audited(method: &str, path: &str, status: u16, body: &Value) -> bool {
    let file = [".pdf", ".xlsx", ".csv", ".zip", "/personal-data"].iter().any(|end| path.ends_with(end));
    let preview = path.ends_with("/preview");
    let nothing_done = body.as_array().is_some_and(|items| items.iter().all(|i| i["new"] == json!(false)));
    match (method, status) {
        (_, 403) => true,
        ("get", 200) => file,
        ("post", 200 | 201) => !preview && !nothing_done,
        ("put" | "delete", 200 | 201 | 204) => true,
        _ => false,
    }
}

impl World {
    /// The opposite of the owner's consent as it stands, so that every
    /// accepted call changes something (and must leave an event).
    async fn consent_flip(&self, owner: &str) -> Value {
        let current = self.t.get(&format!("/api/v1/owners/{owner}"), &self.syndic).await;
        json!({ "email": current.body.get("email_consent_at").is_none() })
    }

    /// A new association of the stranger's organisation, exported: each import takes a fresh one.
    async fn association_file(&self) -> Vec<u8> {
        let building = self.t.create("/api/v1/buildings", &self.stranger, building_body("Moving")).await;
        self.t.create("/api/v1/units", &self.stranger, unit_body(&building, "1", 10)).await;
        let (status, _, bytes) = self.t.download(&format!("/api/v1/buildings/{building}/export.zip"), &self.stranger).await;
        assert_eq!(status, 200);
        bytes
    }

    async fn events(&self, chain: uuid::Uuid) -> u64 {
        self.t.app.store().audit.head(chain).await.expect("the chain's head").map_or(0, |(seq, _)| seq)
    }
}

#[tokio::test]
async fn every_operation_answers_every_role_as_the_policy_says_on_sqlite() {
    policy_matrix(TestApp::new().await).await;
}

#[tokio::test]
async fn every_operation_answers_every_role_as_the_policy_says_on_postgresql() {
    policy_matrix(TestApp::on_postgres().await).await;
}

async fn policy_matrix(t: TestApp) {
    let w = world(t).await;
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for (method, path, access) in OPERATIONS {
        if !matches!(access, Access::Policy(_)) {
            continue; // sign-up, login, refresh, logout and me: covered in auth.rs
        }
        let area = path.trim_start_matches("/api/v1/").split('/').next().unwrap_or("");
        // The platform's own objects (invoices) belong to no organisation: only a missing one is tried here.
        let kinds: Vec<Option<Kind>> = if path.contains("{id}") && area == "admin" {
            vec![Some(Kind::Missing)]
        } else if path.contains("{id}") {
            [Kind::Own, Kind::OtherBuilding, Kind::Foreign, Kind::Missing].map(Some).to_vec()
        } else {
            vec![None]
        };
        for (role, token) in &w.tokens {
            for kind in &kinds {
                let id = match kind {
                    Some(kind) => w.target(area, method, path, *kind).await,
                    None => String::new(),
                };
                let url = path.replace("{id}", &id);
                let body = match *method {
                    "post" if kind.is_none() => Some(w.body(area, &id, None).await),
                    "put" if path.ends_with("/consent") => Some(w.consent_flip(&id).await),
                    "put" if path.ends_with("/reminder-policy") => {
                        Some(json!({ "delays_days": [15, 15, 15], "fees": [0, 10, 20], "interest_rate": 0, "minimum": 1 }))
                    }
                    "put" => Some(w.body(area, &id, *kind).await),
                    "post" => Some(w.action_body(path, *kind)),
                    _ => None,
                };
                let chain = if *role == Role::PlatformAdmin { uuid::Uuid::nil() } else { w.t.tenant.as_uuid() };
                let before = w.events(chain).await;
                let response = if path.ends_with("/associations/import") {
                    w.t.upload(&url, token, "application/zip", w.association_file().await).await
                } else {
                    w.t.call(method.to_uppercase().parse().expect("an HTTP method"), &url, Some(token), body).await
                };
                let want = expected(*access, *role, method, path, *kind);
                checked += 1;
                if response.status.as_u16() != want {
                    mismatches.push(format!("{method} {path} as {role} on {kind:?}: {} (want {want}) {}", response.status, response.body));
                }
                let grew = w.events(chain).await > before;
                if grew != audited(method, path, response.status.as_u16(), &response.body) {
                    mismatches.push(format!(
                        "{method} {path} as {role} on {kind:?}: {} and the audit trail {}",
                        response.status,
                        if grew { "grew" } else { "did not grow" }
                    ));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {checked} checks differ from the policy:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(checked > 300, "the matrix ran {checked} checks");
}

#[tokio::test]
async fn foreign_objects_answer_byte_for_byte_like_missing_ones() {
    let w = world(TestApp::new().await).await;
    for area in ["buildings", "units", "owners", "ownerships", "expenses"] {
        for method in [Method::GET, Method::DELETE] {
            let foreign = w
                .t
                .call(method.clone(), &format!("/api/v1/{area}/{}", w.target(area, "get", "", Kind::Foreign).await), Some(&w.syndic), None)
                .await;
            let missing = w.t.call(method.clone(), &format!("/api/v1/{area}/{}", uuid::Uuid::now_v7()), Some(&w.syndic), None).await;
            let strip = |mut v: Value| {
                v.as_object_mut().map(|o| o.remove("request_id"));
                v
            };
            assert_eq!((foreign.status, strip(foreign.body)), (missing.status, strip(missing.body)), "{method} {area}");
        }
    }
}
