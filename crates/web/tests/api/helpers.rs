//! The HTTP harness: a real `App` over in-memory SQLite, a fixed clock, two
//! organisations with a user per role, and requests sent through the router.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::TimeZone;
use http_body_util::BodyExt;
use koprogo_app::account::{Membership, NewAccount};
use koprogo_app::auth::ThrottleSettings;
use koprogo_app::ports::FixedClock;
use koprogo_app::{App, AppSettings};
use koprogo_domain::account::{Language, Role};
use koprogo_domain::ids::{BuildingId, OwnerId, TenantId};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Response {
    /// The problem's code, for error responses.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// The fields named in a validation problem.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"].as_array().map(|e| e.iter().map(|f| f["field"].as_str().unwrap_or("").to_owned()).collect()).unwrap_or_default()
    }
}

pub struct TestApp {
    pub app: App,
    /// The app's clock, to move time on (9:00 UTC on 1 March 2026 at first).
    pub clock: Arc<FixedClock>,
    pub router: axum::Router,
    pub tenant: TenantId,
    pub other_tenant: TenantId,
}

/// Tokens of the users of the first organisation, and of the other one's syndic.
pub struct Tokens {
    pub syndic: String,
    pub accountant: String,
    pub board: String,
    pub owner: String,
    pub admin: String,
    pub stranger: String,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_throttle(ThrottleSettings { ip_burst: 1000, account_burst: 1000, ..ThrottleSettings::default() }).await
    }

    pub async fn with_throttle(throttle: ThrottleSettings) -> Self {
        let store = koprogo_store_sqlite::open_in_memory().await.expect("in-memory store");
        Self::with_store(store, throttle).await
    }

    /// The same harness on a fresh PostgreSQL database (KOPROGO_TEST_DATABASE_URL).
    pub async fn on_postgres() -> Self {
        Self::on_postgres_at(&koprogo_store_postgres::testing::fresh_database_url().await).await
    }

    /// On the PostgreSQL database at `url` (for tests that also connect to it).
    pub async fn on_postgres_at(url: &str) -> Self {
        let store = koprogo_store_postgres::connect(url, 5).await.expect("PostgreSQL store");
        Self::with_store(store, ThrottleSettings { ip_burst: 1000, account_burst: 1000, ..ThrottleSettings::default() }).await
    }

    async fn with_store(store: koprogo_app::Store, throttle: ThrottleSettings) -> Self {
        let clock = Arc::new(FixedClock::at(chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().expect("time")));
        let app = App::new(store, clock.clone(), AppSettings { throttle, hashing_concurrency: 4 })
            .expect("app")
            .with_signer(koprogo_app::audit::anchor::Signer::from_seed([42; 32]))
            .with_erasure_log(Arc::new(koprogo_app::privacy::MemoryErasureLog::default()));
        let tenant = app.create_organization("Syndic Horizon").await.expect("organisation").id;
        let other_tenant = app.create_organization("Syndic Ailleurs").await.expect("organisation").id;
        let router = koprogo_web::router(app.clone(), koprogo_web::WebSettings::default());
        Self { app, clock, router, tenant, other_tenant }
    }

    /// Creates a user with `role` in `tenant` and logs them in.
    pub async fn user(&self, email: &str, role: Role, tenant: Option<TenantId>, scope: (Option<OwnerId>, Vec<BuildingId>)) -> String {
        let account = NewAccount {
            email,
            password: PASSWORD,
            first_name: "Test",
            last_name: "User",
            language: Language::Fr,
            is_platform_admin: role == Role::PlatformAdmin,
            demo: false,
        };
        let user = self.app.create_user(account).await.expect("user");
        if let Some(tenant) = tenant {
            let membership = Membership { tenant, user: user.id, role, owner: scope.0, buildings: scope.1 };
            self.app.grant_membership(membership).await.expect("membership");
        }
        self.login(email).await
    }

    /// An accountant of `tenant`, not signed in: its user id.
    pub async fn member(&self, email: &str, tenant: TenantId) -> String {
        let account = NewAccount {
            email,
            password: PASSWORD,
            first_name: "Team",
            last_name: "Member",
            language: Language::Fr,
            is_platform_admin: false,
            demo: false,
        };
        let user = self.app.create_user(account).await.expect("user");
        let membership = Membership { tenant, user: user.id, role: Role::Accountant, owner: None, buildings: Vec::new() };
        self.app.grant_membership(membership).await.expect("membership");
        user.id.to_string()
    }

    pub async fn login(&self, email: &str) -> String {
        let response = self.call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": email, "password": PASSWORD }))).await;
        assert_eq!(response.status, StatusCode::OK, "login of {email}: {}", response.body);
        response.body["access_token"].as_str().expect("token").to_owned()
    }

    pub async fn syndic(&self) -> String {
        self.user("syndic@horizon.be", Role::Syndic, Some(self.tenant), (None, vec![])).await
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            // A JSON string stands for a raw text body (a bank statement file).
            Some(Value::String(raw)) => {
                request = request.header(header::CONTENT_TYPE, "text/plain");
                Body::from(raw)
            }
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    /// A GET whose body is a file: status, content type and bytes.
    pub async fn download(&self, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
        let request = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("request");
        let response = self.router.clone().oneshot(request).await.expect("router is infallible");
        let status = response.status();
        let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, kind, bytes)
    }

    /// A POST of raw bytes (a zip) with its content type.
    pub async fn upload(&self, path: &str, token: &str, content_type: &str, bytes: Vec<u8>) -> Response {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes))
            .expect("request");
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> Response {
        let response = self.router.clone().oneshot(request).await.expect("router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response { status, headers, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Marks an expense approved as approving did before it shared: the state
    /// older data and imported associations can hold, which `/distribute` is for.
    pub async fn approve_unshared(&self, tenant: TenantId, id: &str) {
        use koprogo_domain::expense::{Expense, ExpenseStatus};
        let id = koprogo_domain::ids::ExpenseId::from_uuid(id.parse().expect("an expense id"));
        let expense = self.app.store().expenses.expense(tenant, id).await.expect("read").expect("the expense");
        let approved = Expense { status: ExpenseStatus::Approved, ..expense };
        assert!(self.app.store().expenses.update_expense(tenant, &approved, &|_| Ok(()), Vec::new()).await.expect("write"));
    }

    /// A debit of `cents` paid out of `building` (of `tenant`), read from a
    /// statement of its own and settling nothing; its id.
    pub async fn debit(&self, tenant: TenantId, building: &str, cents: i64) -> String {
        use koprogo_app::Clock as _;
        use koprogo_app::ports::money::BankImport;
        use koprogo_domain::debit::Debit;
        use koprogo_domain::ids::{BankImportId, DebitId};
        use koprogo_domain::money::Cents;
        let building = BuildingId::from_uuid(building.parse().expect("a building id"));
        let (import, id, day) =
            (BankImportId::generate(), DebitId::generate(), chrono::NaiveDate::from_ymd_opt(2026, 2, 20).expect("a day"));
        let debit = Debit {
            id,
            building_id: building,
            import_id: import,
            value_date: day,
            amount: Cents::new(cents).expect("cents"),
            account: koprogo_domain::expense::Fund::Working,
            reference: Some("Virement".to_owned()),
            counterparty_iban: None,
            counterparty_name: Some("Fournisseur".to_owned()),
            bank_reference: id.to_string(),
            settles: None,
            created_at: self.clock.now(),
        };
        let statement = BankImport {
            id: import,
            building_id: building,
            file_digest: id.to_string(),
            format: "coda",
            account: "BE68539007547034".to_owned(),
            payments: Vec::new(),
            debits: vec![debit],
            movement_count: 1,
            opening: Cents::default(),
            closing: Cents::default(),
            closing_date: day,
            imported_at: self.clock.now(),
        };
        let never = |_: &koprogo_domain::payment::Payment, _, _| None;
        let unsettled = |_: &Debit, _: &[koprogo_domain::debit::PaidExpense]| None;
        self.app
            .store()
            .payments
            .import_statement(tenant, &statement, (&never, &unsettled), Vec::new())
            .await
            .expect("the statement is recorded");
        id.to_string()
    }

    /// Creates through the API and returns the new object's id.
    pub async fn create(&self, path: &str, token: &str, body: Value) -> String {
        let response = self.post(path, token, body).await;
        assert_eq!(response.status, StatusCode::CREATED, "POST {path}: {}", response.body);
        response.body["id"].as_str().expect("id").to_owned()
    }
}

pub fn building_body(name: &str) -> Value {
    json!({
        "name": name, "address": "Rue Royale 12", "city": "Bruxelles", "postal_code": "1000", "country": "Belgium",
        "construction_year": 1968, "quota_base": 1000, "bce_number": "0123.456.749",
        "working_fund_iban": "BE68 5390 0754 7034", "language": "fr"
    })
}

pub fn unit_body(building: &str, number: &str, quota: u32) -> Value {
    json!({ "building_id": building, "unit_number": number, "unit_type": "Apartment", "floor": 1, "surface_area": 72.5, "quota": quota })
}

pub fn owner_body(last_name: &str) -> Value {
    json!({
        "first_name": "Luc", "last_name": last_name, "email": "luc@example.be", "phone": "+32 2 123 45 67",
        "address": "Avenue Louise 1", "city": "Ixelles", "postal_code": "1050", "country": "BE",
        "iban": "BE68539007547034", "language": "nl"
    })
}

pub fn expense_body(building: &str, amount: Value) -> Value {
    json!({
        "building_id": building, "category": "Maintenance", "description": "Entretien ascenseur", "amount": amount,
        "expense_date": "2026-02-14", "supplier": "Schindler SA", "invoice_number": "F-42", "vat_rate": 21, "account_code": "6101"
    })
}

/// A building with one unit held by one owner, in the first organisation.
pub struct Estate {
    pub building: String,
    pub unit: String,
    pub owner: String,
    pub other_building: String,
    pub tokens: Tokens,
}

impl TestApp {
    pub async fn estate(&self) -> Estate {
        let syndic = self.syndic().await;
        let building = self.create("/api/v1/buildings", &syndic, building_body("Les Érables")).await;
        let other_building = self.create("/api/v1/buildings", &syndic, building_body("Les Tilleuls")).await;
        let unit = self.create("/api/v1/units", &syndic, unit_body(&building, "1A", 100)).await;
        let owner = self.create("/api/v1/owners", &syndic, owner_body("Peeters")).await;
        self.create("/api/v1/ownerships", &syndic, json!({ "unit_id": unit, "owner_id": owner, "share": 100, "start_date": "2020-01-01" }))
            .await;
        let ids = (BuildingId::from_uuid(building.parse().expect("uuid")), OwnerId::from_uuid(owner.parse().expect("uuid")));
        let mut tokens = self.tokens_without_syndic(ids.0, ids.1).await;
        tokens.syndic = syndic;
        Estate { building, unit, owner, other_building, tokens }
    }

    async fn tokens_without_syndic(&self, building: BuildingId, owner: OwnerId) -> Tokens {
        Tokens {
            syndic: String::new(),
            accountant: self.user("accountant@horizon.be", Role::Accountant, Some(self.tenant), (None, vec![])).await,
            board: self.user("board@horizon.be", Role::BoardMember, Some(self.tenant), (None, vec![building])).await,
            owner: self.user("owner@horizon.be", Role::Owner, Some(self.tenant), (Some(owner), vec![])).await,
            admin: self.user("admin@koprogo.be", Role::PlatformAdmin, None, (None, vec![])).await,
            stranger: self.user("syndic@ailleurs.be", Role::Syndic, Some(self.other_tenant), (None, vec![])).await,
        }
    }
}
