//! The co-ownership money loop through the API: an expense shared to the
//! cent, a call for funds with its structured communications, a bank file
//! that pays it, the inbox and the owners' balances.

use koprogo_bank::{Communication, Movement, Statement};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::money::Cents;
use serde_json::{Value, json};

use crate::helpers::{TestApp, building_body, expense_body, owner_body, unit_body};

pub struct Building {
    pub t: TestApp,
    pub token: String,
    pub id: String,
    /// Units A (333), B (333), C (334) of a base of 1000.
    pub units: [String; 3],
    /// X holds A and C; Y and Z hold B at 33.33 % and 66.67 %.
    pub owners: [String; 3],
}

pub async fn building() -> Building {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let id = t.create("/api/v1/buildings", &token, building_body("Résidence Cents")).await;
    let mut units = Vec::new();
    for (number, quota) in [("A", 333), ("B", 333), ("C", 334)] {
        units.push(t.create("/api/v1/units", &token, unit_body(&id, number, quota)).await);
    }
    let mut owners = Vec::new();
    let who = [("Xhonneux", "BE21001234567803", "fr"), ("Yilmaz", "BE57063000000035", "nl"), ("Zeghers", "BE35310123456737", "en")];
    for (name, iban, language) in who {
        let mut body = owner_body(name);
        body["iban"] = json!(iban);
        body["language"] = json!(language);
        owners.push(t.create("/api/v1/owners", &token, body).await);
    }
    for (unit, owner, share) in [(0, 0, "100"), (2, 0, "100"), (1, 1, "33.33"), (1, 2, "66.67")] {
        let body = json!({ "unit_id": units[unit], "owner_id": owners[owner], "share": share, "start_date": "2020-01-01" });
        t.create("/api/v1/ownerships", &token, body).await;
    }
    let [a, b, c] = <[String; 3]>::try_from(units).expect("three units");
    let [x, y, z] = <[String; 3]>::try_from(owners).expect("three owners");
    Building { t, token, id, units: [a, b, c], owners: [x, y, z] }
}

pub fn cents(value: &Value) -> i64 {
    Cents::parse_euros(&value.to_string()).expect("an exact amount in euros").get()
}

impl Building {
    /// An expense approved, and so shared by the quotas.
    pub async fn approved_expense(&self, euros: &str) -> String {
        self.approved_by(euros, json!({})).await
    }

    /// An expense approved with `body` (`{"key_id": …}` or nothing).
    pub async fn approved_by(&self, euros: &str, body: Value) -> String {
        let mut expense = expense_body(&self.id, json!(euros));
        expense["fund"] = json!("working");
        let id = self.t.create("/api/v1/expenses", &self.token, expense).await;
        let approved = self.t.post(&format!("/api/v1/expenses/{id}/approve"), &self.token, body).await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert_eq!((approved.body["status"].clone(), approved.body["shared"].clone()), (json!("approved"), json!(true)));
        id
    }

    fn owner_part(&self, distribution: &Value, owner: usize) -> i64 {
        let parts = distribution["units"].as_array().expect("units").iter().flat_map(|u| u["owners"].as_array().expect("owners").clone());
        parts.filter(|o| o["owner_id"] == json!(self.owners[owner])).map(|o| cents(&o["amount"])).sum()
    }
}

#[tokio::test]
async fn an_expense_is_shared_by_quota_then_by_share_to_the_cent() {
    let b = building().await;
    let expense = b.approved_expense("1000.01").await;
    let d = b.t.get(&format!("/api/v1/expenses/{expense}/distribution"), &b.token).await;
    assert_eq!((d.status.as_u16(), d.body["distributed"].clone()), (200, json!(true)), "{}", d.body);
    let units: Vec<(String, i64, bool)> = d.body["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| (u["unit_number"].as_str().expect("number").to_owned(), cents(&u["amount"]), u["rounded_up"] == json!(true)))
        .collect();
    // 100 001 cents × 333/1000 = 33 300.333 (twice), × 334/1000 = 33 400.334: the cent left goes to C.
    assert_eq!(units, [("A".to_owned(), 33_300, false), ("B".to_owned(), 33_300, false), ("C".to_owned(), 33_401, true)]);
    assert_eq!(d.body["units"][2]["exact_cents"], "33400.3340");
    // B's 333.00 € shared 33.33 % / 66.67 %: 110.99 and 222.01.
    assert_eq!((b.owner_part(&d.body, 0), b.owner_part(&d.body, 1), b.owner_part(&d.body, 2)), (66_701, 11_099, 22_201));

    let again = b.t.post(&format!("/api/v1/expenses/{expense}/distribute"), &b.token, json!({})).await;
    assert_eq!((again.status.as_u16(), again.code()), (422, "expense.already_distributed"));
    let draft = b.t.create("/api/v1/expenses", &b.token, expense_body(&b.id, json!(10))).await;
    let refused = b.t.post(&format!("/api/v1/expenses/{draft}/distribute"), &b.token, json!({})).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (422, "expense.not_approved"));
    let nothing = b.t.get(&format!("/api/v1/expenses/{draft}/distribution"), &b.token).await;
    assert_eq!(nothing.body["distributed"], json!(false));

    // Before 2020 nobody held the units: the approval stops, and nothing of it is stored.
    let mut body = expense_body(&b.id, json!(10));
    body["expense_date"] = json!("2019-06-01");
    let orphan = b.t.create("/api/v1/expenses", &b.token, body).await;
    let stopped = b.t.post(&format!("/api/v1/expenses/{orphan}/approve"), &b.token, json!({})).await;
    assert_eq!((stopped.status.as_u16(), stopped.code()), (422, "distribution.unit_not_wholly_held"), "{}", stopped.body);
    let still = b.t.get(&format!("/api/v1/expenses/{orphan}"), &b.token).await;
    assert_eq!((still.body["status"].clone(), still.body["shared"].clone()), (json!("draft"), json!(false)));
    assert_eq!(b.t.get(&format!("/api/v1/expenses/{orphan}/distribution"), &b.token).await.body["distributed"], json!(false));
    // An approval without a body is the same as `{}`: the quotas.
    let bare = b.t.create("/api/v1/expenses", &b.token, expense_body(&b.id, json!(30))).await;
    let approved = b.t.call(axum::http::Method::POST, &format!("/api/v1/expenses/{bare}/approve"), Some(&b.token), None).await;
    assert_eq!((approved.status.as_u16(), approved.body["shared"].clone()), (200, json!(true)), "{}", approved.body);
}

#[tokio::test]
async fn a_key_shares_among_the_units_it_serves() {
    let b = building().await;
    let key =
        b.t.post(
            "/api/v1/distribution-keys",
            &b.token,
            json!({ "building_id": b.id, "name": "Ascenseur",
        "weights": [{ "unit_id": b.units[0], "weight": 1 }, { "unit_id": b.units[1], "weight": 2 }] }),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.body);
    let key_id = key.body["id"].as_str().expect("id").to_owned();
    let bad = b.t.post("/api/v1/distribution-keys", &b.token, json!({ "building_id": b.id, "name": "Vide", "weights": [] })).await;
    assert_eq!((bad.status.as_u16(), bad.fields()), (422, vec!["weights".to_owned()]));
    let expense = b.approved_by("300", json!({ "key_id": key_id })).await;
    let d = b.t.get(&format!("/api/v1/expenses/{expense}/distribution"), &b.token).await;
    assert_eq!((d.body["key_id"].clone(), d.body["distributed"].clone()), (json!(key_id), json!(true)), "{}", d.body);
    assert_eq!((b.owner_part(&d.body, 0), b.owner_part(&d.body, 1), b.owner_part(&d.body, 2)), (10_000, 6_666, 13_334));
    let used = b.t.delete(&format!("/api/v1/distribution-keys/{key_id}"), &b.token).await;
    assert_eq!((used.status.as_u16(), used.code()), (409, "distribution_key.in_use"));
}

pub fn coda(payments: &[(&str, i64, Communication, Option<&str>)]) -> String {
    coda_of("BE68539007547034", payments)
}

/// A CODA statement of `account` with these movements (reference, cents, communication, payer's IBAN).
pub fn coda_of(account: &str, payments: &[(&str, i64, Communication, Option<&str>)]) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 20).expect("day");
    let movements: Vec<Movement> = payments
        .iter()
        .map(|(reference, amount, communication, iban)| Movement {
            bank_reference: format!("007/{reference}"),
            amount: Cents::new(*amount).expect("cents"),
            value_date: day,
            entry_date: day,
            communication: communication.clone(),
            counterparty_account: iban.map(str::to_owned),
            counterparty_bic: None,
            counterparty_name: Some("Payeur".to_owned()),
        })
        .collect();
    let moved = movements.iter().map(|m| m.amount.get()).sum();
    let statement = Statement {
        account: account.to_owned(),
        statement_number: "007".to_owned(),
        old_balance: Cents::default(),
        new_balance: Cents::new(moved).expect("cents"),
        new_balance_date: day,
        movements,
    };
    koprogo_bank::coda::write(&[statement], day).into_iter().map(char::from).collect()
}

#[tokio::test]
async fn a_call_is_paid_from_a_bank_file_and_the_balances_follow() {
    let b = building().await;
    b.approved_expense("1000.01").await; // last year's ordinary charges (2026)
    let call = json!({ "building_id": b.id, "title": "Provisions T1 2027", "as_of": "2027-01-01", "due_date": "2027-01-31",
        "working_amount": "1000", "reserve_amount": "20" });
    let preview = b.t.post("/api/v1/calls/preview", &b.token, call.clone()).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    // 5 % of 1 000.01 € rounded up is 50.01 €: 20 € is not enough.
    assert_eq!(preview.body["reserve_fund"], json!({ "fiscal_year": 2027, "below_minimum": true, "minimum": 50.01 }));
    let waiver =
        b.t.post(&format!("/api/v1/buildings/{}/reserve-fund-waiver", b.id), &b.token, json!({ "decided_on": "2027-01-05" })).await;
    assert_eq!(waiver.body["fiscal_year"], json!(2027));
    let issued = b.t.post("/api/v1/calls", &b.token, call).await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    assert_eq!(issued.body["reserve_fund"]["below_minimum"], json!(false));
    let lines = issued.body["lines"].as_array().expect("lines").clone();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines.iter().map(|l| cents(&l["working"])).sum::<i64>(), 100_000);
    assert_eq!(lines.iter().map(|l| cents(&l["reserve"])).sum::<i64>(), 2_000);
    let line_of = |owner: usize| lines.iter().find(|l| l["owner_id"] == json!(b.owners[owner])).expect("a line per owner").clone();
    let ogm = |line: &Value| {
        StructuredCommunication::parse(line["communication"].as_str().expect("communication")).expect("a valid communication")
    };
    let (x, y, z) = (line_of(0), line_of(1), line_of(2));
    assert_ne!(ogm(&x), ogm(&y));

    let file = coda(&[
        ("R1", cents(&x["total"]), Communication::Structured(ogm(&x)), None),
        ("R2", cents(&y["total"]), Communication::Free("provisions".to_owned()), Some("BE57 0630 0000 0035")),
        ("R3", 1_234, Communication::None, Some("BE21001234567803")),
        ("R4", -5_000, Communication::Free("Frais".to_owned()), None),
    ]);
    let imported = b.t.post("/api/v1/bank-statements", &b.token, Value::String(file.clone())).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(
        (imported.body[0]["new"].clone(), imported.body[0]["recorded"].clone(), imported.body[0]["matched"].clone()),
        (json!(true), json!(3), json!(2))
    );
    let twice = b.t.post("/api/v1/bank-statements", &b.token, Value::String(file)).await;
    assert_eq!((twice.body[0]["new"].clone(), twice.body[0]["recorded"].clone()), (json!(false), json!(0)));

    let inbox = b.t.get("/api/v1/payments?unmatched=true", &b.token).await;
    assert_eq!(inbox.body["pagination"]["total_items"], json!(1), "{}", inbox.body);
    let waiting = inbox.body["data"][0]["id"].as_str().expect("id").to_owned();
    let assigned = b.t.post(&format!("/api/v1/payments/{waiting}/assign"), &b.token, json!({ "call_line_id": z["id"] })).await;
    assert_eq!((assigned.status.as_u16(), assigned.body["matched_by"].clone()), (200, json!("manual")), "{}", assigned.body);
    let again = b.t.post(&format!("/api/v1/payments/{waiting}/assign"), &b.token, json!({ "call_line_id": z["id"] })).await;
    assert_eq!(again.code(), "payment.already_assigned");

    let arrears = b.t.get(&format!("/api/v1/arrears?building_id={}", b.id), &b.token).await;
    let balance = |owner: usize| {
        let row = arrears.body.as_array().expect("rows").iter().find(|r| r["owner_id"] == json!(b.owners[owner])).expect("a row").clone();
        (cents(&row["balance"]), cents(&row["balance_working"]) + cents(&row["balance_reserve"]))
    };
    assert_eq!(balance(0), (0, 0));
    assert_eq!(balance(1), (0, 0));
    assert_eq!(balance(2), (cents(&z["total"]) - 1_234, cents(&z["total"]) - 1_234));
    let account = b.t.get(&format!("/api/v1/owners/{}/account", b.owners[2]), &b.token).await;
    assert_eq!((account.body["calls"].as_array().map(Vec::len), account.body["payments"].as_array().map(Vec::len)), (Some(1), Some(1)));

    // Owner Y sees their own payment, and none of X's even when asking for them.
    let owner_id = koprogo_domain::ids::OwnerId::from_uuid(b.owners[1].parse().expect("uuid"));
    let y = b.t.user("yilmaz@example.be", koprogo_domain::account::Role::Owner, Some(b.t.tenant), (Some(owner_id), vec![])).await;
    assert_eq!(b.t.get("/api/v1/payments", &y).await.body["pagination"]["total_items"], json!(1));
    let asked = b.t.get(&format!("/api/v1/payments?owner_id={}", b.owners[0]), &y).await;
    assert_eq!(asked.body["pagination"]["total_items"], json!(0), "{}", asked.body);
    assert_eq!(b.t.get(&format!("/api/v1/owners/{}/account", b.owners[0]), &y).await.status, 404);
}

#[tokio::test]
async fn bad_bank_files_are_refused_with_their_line_and_add_nothing() {
    let b = building().await;
    let good = coda(&[("R1", 1_000, Communication::None, None)]);
    let broken: String =
        good.lines().enumerate().map(|(i, l)| if i == 2 { format!("{}\r\n", &l[..90]) } else { format!("{l}\r\n") }).collect();
    let refused = b.t.post("/api/v1/bank-statements", &b.token, Value::String(broken.clone())).await;
    assert_eq!((refused.status.as_u16(), refused.fields()), (422, vec!["file".to_owned()]));
    assert!(refused.body["errors"][0]["detail"].as_str().expect("detail").contains("line 3"), "{}", refused.body);
    assert_eq!(refused.body["errors"][0]["code"], "bank_file.not_a_statement");
    // The page says it in the reader's language, the file's own terms after.
    let mut browser = crate::browser::Browser::default();
    browser.sign_in(&b.t, "syndic@horizon.be").await;
    browser.get(&b.t, "/payments/import").await;
    let page = browser.upload(&b.t, "/payments/import", "extrait.cod", broken.as_bytes()).await;
    assert!(
        page.html.contains("Le fichier est refusé à la ligne 3 : ce n") && page.html.contains("extrait bancaire CODA"),
        "{}",
        page.html
    );
    let elsewhere = good.replace("BE68539007547034", "BE21001234567803");
    let unknown = b.t.post("/api/v1/bank-statements", &b.token, Value::String(elsewhere)).await;
    assert_eq!((unknown.status.as_u16(), unknown.code()), (422, "bank_import.unknown_account"));
    assert_eq!(b.t.get("/api/v1/payments", &b.token).await.body["pagination"]["total_items"], json!(0));
}

#[tokio::test]
async fn money_received_on_the_reserve_account_goes_to_the_reserve_fund() {
    let b = building().await;
    let mut body = crate::helpers::building_body("Résidence Cents");
    body["reserve_fund_iban"] = json!("BE71 0961 2345 6769");
    assert_eq!(b.t.put(&format!("/api/v1/buildings/{}", b.id), &b.token, body).await.status, 200);
    let call = json!({ "building_id": b.id, "title": "T1", "as_of": "2027-01-01", "due_date": "2027-01-31", "working_amount": "300", "reserve_amount": "100" });
    let issued = b.t.post("/api/v1/calls", &b.token, call).await;
    let line =
        issued.body["lines"].as_array().expect("lines").iter().find(|l| l["owner_id"] == json!(b.owners[0])).expect("X's line").clone();
    let ogm = StructuredCommunication::parse(line["communication"].as_str().expect("communication")).expect("valid");
    let reserve = cents(&line["reserve"]);
    let file = coda_of("BE71096123456769", &[("R1", reserve, Communication::Structured(ogm), None)]);
    assert_eq!(b.t.post("/api/v1/bank-statements", &b.token, Value::String(file)).await.status, 201);
    let paid = b.t.get(&format!("/api/v1/payments?owner_id={}", b.owners[0]), &b.token).await;
    let payment = &paid.body["data"][0];
    assert_eq!((cents(&payment["working"]), cents(&payment["reserve"])), (0, reserve), "{}", paid.body);
}

#[tokio::test]
async fn a_call_is_issued_once_per_preview_however_often_it_is_sent() {
    let b = building().await;
    let call = json!({ "building_id": b.id, "title": "Provisions T1 2027", "as_of": "2027-01-01", "due_date": "2027-01-31", "working_amount": "900" });
    let preview = b.t.post("/api/v1/calls/preview", &b.token, call.clone()).await;
    let key = preview.body["idempotency_key"].as_str().expect("the preview hands out a key").to_owned();
    let mut confirmed = call.clone();
    confirmed["idempotency_key"] = json!(key);
    let first = b.t.post("/api/v1/calls", &b.token, confirmed.clone()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = b.t.post("/api/v1/calls", &b.token, confirmed.clone()).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!((again.body["id"].clone(), again.body["lines"].clone()), (first.body["id"].clone(), first.body["lines"].clone()));
    assert_eq!(b.t.get("/api/v1/calls", &b.token).await.body["pagination"]["total_items"], json!(1));
    let trail = b.t.get("/api/v1/audit?action=call.issued", &b.token).await;
    assert_eq!(trail.body["pagination"]["total_items"], json!(1), "the repeat changed nothing, so it left no event");
    // The same key with other figures is refused, not answered with the first call.
    let mut other = confirmed.clone();
    other["working_amount"] = json!("950");
    let reused = b.t.post("/api/v1/calls", &b.token, other).await;
    assert_eq!((reused.status.as_u16(), reused.code()), (409, "call.key_reused"), "{}", reused.body);
    // Without a key (an API client that wants two), each post issues one; a malformed key is refused.
    assert_eq!(b.t.post("/api/v1/calls", &b.token, call.clone()).await.status, 201);
    let mut odd = call.clone();
    odd["idempotency_key"] = json!("<script>");
    assert_eq!(b.t.post("/api/v1/calls", &b.token, odd).await.fields(), ["idempotency_key"]);
    // The other organisation's key space is its own.
    let stranger = b.t.user("next@ailleurs.be", koprogo_domain::account::Role::Syndic, Some(b.t.other_tenant), (None, vec![])).await;
    let theirs = b.t.create("/api/v1/buildings", &stranger, crate::helpers::building_body("Ailleurs")).await;
    let unit = b.t.create("/api/v1/units", &stranger, crate::helpers::unit_body(&theirs, "1", 1000)).await;
    let owner = b.t.create("/api/v1/owners", &stranger, crate::helpers::owner_body("Ailleurs")).await;
    b.t.create("/api/v1/ownerships", &stranger, json!({ "unit_id": unit, "owner_id": owner, "share": 100, "start_date": "2020-01-01" }))
        .await;
    let mut their_call = confirmed.clone();
    their_call["building_id"] = json!(theirs);
    assert_eq!(b.t.post("/api/v1/calls", &stranger, their_call).await.status, 201);
}

/// A CODA statement of the working account: `old` cents opening, one credit, closing on `day`.
fn statement_on(number: &str, old: i64, credit: i64, day: chrono::NaiveDate) -> String {
    let movement = Movement {
        bank_reference: format!("{number}/1"),
        amount: Cents::new(credit).expect("cents"),
        value_date: day,
        entry_date: day,
        communication: Communication::None,
        counterparty_account: None,
        counterparty_bic: None,
        counterparty_name: Some("Payeur".to_owned()),
    };
    let statement = Statement {
        account: "BE68539007547034".to_owned(),
        statement_number: number.to_owned(),
        old_balance: Cents::new(old).expect("cents"),
        new_balance: Cents::new(old + credit).expect("cents"),
        new_balance_date: day,
        movements: vec![movement],
    };
    koprogo_bank::coda::write(&[statement], day).into_iter().map(char::from).collect()
}

#[tokio::test]
async fn a_statement_that_does_not_open_where_the_last_one_closed_is_flagged() {
    let b = building().await;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2027, m, d).expect("day");
    let first = b.t.post("/api/v1/bank-statements", &b.token, Value::String(statement_on("001", 0, 1_000, day(1, 20)))).await;
    assert_eq!((first.status.as_u16(), first.body[0].get("opening_gap")), (201, None), "{}", first.body);
    let follows = b.t.post("/api/v1/bank-statements", &b.token, Value::String(statement_on("002", 1_000, 500, day(2, 20)))).await;
    assert_eq!(follows.body[0].get("opening_gap"), None, "it opens where the first closed");
    // The March statement opens at 25.00 €: April's … or one is missing.
    let mut browser = crate::browser::Browser::default();
    browser.sign_in(&b.t, "syndic@horizon.be").await;
    browser.get(&b.t, "/payments/import").await;
    let page = browser.upload(&b.t, "/payments/import", "mars.cod", statement_on("004", 2_500, 700, day(3, 20)).as_bytes()).await;
    assert!(page.html.contains("ouvre à 25,00\u{a0}€"), "{}", page.html);
    assert!(page.html.contains("se fermait à 15,00\u{a0}€ le 20/02/2027") && page.html.contains("10,00\u{a0}€"), "{}", page.html);
    assert_eq!(b.t.get("/api/v1/payments", &b.token).await.body["pagination"]["total_items"], json!(3), "imported all the same");
}
