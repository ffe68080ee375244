//! The platform's billing through the API: a month with sign-ups, deletions
//! and trials yields the expected invoices; the same month run twice creates
//! nothing new; the business table follows; the operations page shows the
//! service's own samples.

use chrono::{TimeZone, Utc};
use koprogo_domain::account::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, building_body};

/// Moves the test clock to a day of the past or future.
fn set_clock(t: &TestApp, y: i32, m: u32, d: u32) {
    let target = Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).single().expect("time");
    t.clock.advance(target - t.app.clock.now());
}

/// A new organisation with its syndic, signed up on the clock's day.
async fn customer(t: &TestApp, name: &str, email: &str) -> String {
    let org = t.app.create_organization(name).await.expect("organisation").id;
    t.user(email, Role::Syndic, Some(org), (None, vec![])).await
}

async fn invoices(t: &TestApp, admin: &str, period: &str) -> Vec<Value> {
    let found = t.get(&format!("/api/v1/admin/invoices?period={period}"), admin).await;
    assert_eq!(found.status, 200, "{}", found.body);
    found.body.as_array().expect("invoices").clone()
}

#[tokio::test]
async fn each_month_bills_the_buildings_that_lived_in_it_once_after_the_trial_on_sqlite() {
    monthly_billing(TestApp::new().await).await;
}

#[tokio::test]
async fn each_month_bills_the_buildings_that_lived_in_it_once_after_the_trial_on_postgresql() {
    monthly_billing(TestApp::on_postgres().await).await;
}

/// Parti (June 2025, leaves on 5 February), Ancien (October 2025: Un, Deux
/// deleted on 10 February, Trois created on 20 February), Récent (January 2026).
async fn a_year_of_customers(t: &TestApp) {
    set_clock(t, 2025, 6, 2);
    let gone = customer(t, "Syndic Parti", "parti@syndic.be").await;
    let leaving = t.create("/api/v1/buildings", &gone, building_body("Résidence Partie")).await;
    set_clock(t, 2025, 10, 5);
    let old = customer(t, "Syndic Ancien", "ancien@syndic.be").await;
    t.create("/api/v1/buildings", &old, building_body("Résidence Un")).await;
    let two = t.create("/api/v1/buildings", &old, building_body("Résidence Deux")).await;
    set_clock(t, 2026, 1, 15);
    let new = customer(t, "Syndic Récent", "recent@syndic.be").await;
    t.create("/api/v1/buildings", &new, building_body("Résidence Neuve")).await;
    // Tokens last minutes: each step signs in again on its day.
    set_clock(t, 2026, 2, 5);
    let gone = t.login("parti@syndic.be").await;
    assert_eq!(t.call(axum::http::Method::DELETE, &format!("/api/v1/buildings/{leaving}"), Some(&gone), None).await.status, 204);
    set_clock(t, 2026, 2, 10);
    let old = t.login("ancien@syndic.be").await;
    assert_eq!(t.call(axum::http::Method::DELETE, &format!("/api/v1/buildings/{two}"), Some(&old), None).await.status, 204);
    set_clock(t, 2026, 2, 20);
    let old = t.login("ancien@syndic.be").await;
    t.create("/api/v1/buildings", &old, building_body("Résidence Trois")).await;
}

async fn monthly_billing(t: TestApp) {
    a_year_of_customers(&t).await;
    set_clock(&t, 2026, 3, 2);
    let admin = t.user("ops@koprogo.be", Role::PlatformAdmin, None, (None, vec![])).await;
    let run = t.post("/api/v1/admin/billing/run", &admin, json!({ "period": "2026-02" })).await;
    assert_eq!(run.status, 201, "{}", run.body);
    let made = run.body.as_array().expect("invoices").clone();
    assert_eq!(made.len(), 2, "Ancien and Parti; Récent is in its trial: {}", run.body);
    let february = invoices(&t, &admin, "2026-02").await;
    let of = |name: &str| february.iter().find(|i| i["organization_name"] == json!(name)).cloned().expect(name);
    let ancien = of("Syndic Ancien");
    let names: Vec<&str> = ancien["lines"].as_array().expect("lines").iter().filter_map(|l| l["building_name"].as_str()).collect();
    assert_eq!(names, ["Résidence Deux", "Résidence Trois", "Résidence Un"], "a building deleted or created mid-month counts");
    assert_eq!((ancien["net"].clone(), ancien["vat"].clone(), ancien["total"].clone()), (json!(3.0), json!(0.63), json!(3.63)));
    assert_eq!(of("Syndic Parti")["total"], json!(1.21));
    let numbers: Vec<&str> = february.iter().filter_map(|i| i["number"].as_str()).collect();
    assert_eq!(numbers, ["KP-2026-000001", "KP-2026-000002"]);

    let again = t.post("/api/v1/admin/billing/run", &admin, json!({ "period": "2026-02" })).await;
    assert_eq!((again.status.as_u16(), again.body.clone()), (201, json!([])), "the same month twice creates nothing");
    assert_eq!(invoices(&t, &admin, "2026-02").await.len(), 2);
    let early = t.post("/api/v1/admin/billing/run", &admin, json!({ "period": "2026-03" })).await;
    assert_eq!(early.status, 422, "a month that is not over is not billed");

    set_clock(&t, 2026, 4, 1);
    let admin = t.login("ops@koprogo.be").await;
    assert_eq!(t.post("/api/v1/admin/billing/run", &admin, json!({ "period": "2026-03" })).await.body.as_array().map(Vec::len), Some(1));
    set_clock(&t, 2026, 5, 1);
    let admin = t.login("ops@koprogo.be").await;
    let april = t.post("/api/v1/admin/billing/run", &admin, json!({ "period": "2026-04" })).await;
    let april: Vec<&str> = april.body.as_array().expect("invoices").iter().filter_map(|i| i["number"].as_str()).collect();
    assert_eq!(april, ["KP-2026-000004", "KP-2026-000005"], "Récent's trial is over in April; numbers run on");

    let id = ancien["id"].as_str().expect("id");
    let (status, kind, pdf) = t.download(&format!("/api/v1/admin/invoices/{id}/invoice.pdf?lang=fr"), &admin).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/pdf"));
    let text = crate::documents::pdf_text(&pdf);
    let title = format!("Facture {}", ancien["number"].as_str().expect("number"));
    for shown in [title.as_str(), "Résidence Trois", "3,63", "TVA 21 %", "Syndic Ancien"] {
        assert!(text.contains(shown), "{shown} missing from the invoice:\n{text}");
    }

    business_table(&t, &admin).await;
}

/// The seed's §3 table after those months.
async fn business_table(t: &TestApp, admin: &str) {
    let business = t.get("/api/v1/admin/business?months=12", admin).await;
    assert_eq!(business.status, 200, "{}", business.body);
    let month = |m: &str| business.body["months"].as_array().expect("months").iter().find(|r| r["month"] == json!(m)).cloned().expect(m);
    assert_eq!(month("2026-02")["churned_organizations"], json!(1), "Parti left in February");
    assert_eq!(month("2026-02")["revenue"], json!(4.0));
    assert_eq!(month("2026-02")["gross_margin"], json!(-1.0), "4.00 invoiced, 5.00 of servers");
    assert_eq!(month("2026-01")["new_organizations"], json!(1));
    assert_eq!(business.body["active_buildings"], json!(3));
    assert_eq!(business.body["mrr"], json!(3.0), "three buildings past their trial at 1.00");
    let old = t.login("ancien@syndic.be").await;
    assert_eq!(t.get("/api/v1/admin/business", &old).await.status, 403);
}

#[tokio::test]
async fn the_operations_page_shows_the_service_s_own_samples_to_the_platform_admin_only() {
    use crate::browser::Browser;
    let t = TestApp::new().await;
    let (router, ops, counters) = koprogo_web::monitored_router(t.app.clone(), koprogo_web::WebSettings::default());
    let t = TestApp { router, ..t };
    let syndic = t.syndic().await;
    let cpus = 1.0;
    ops.record(koprogo_web::ops::reading(&counters, &t.app, cpus), counters.take_window());
    for _ in 0..7 {
        assert_eq!(t.get("/api/v1/buildings", &syndic).await.status, 200);
    }
    ops.record(koprogo_web::ops::reading(&counters, &t.app, cpus), counters.take_window());
    let [sample] = ops.hour().try_into().expect("one sample");
    assert_eq!((sample.requests, sample.errors), (7, 0));
    assert!(sample.bytes > 0 && sample.p99_ms > 0.0 && sample.db_max > 0, "{sample:?}");

    t.user("ops@koprogo.be", Role::PlatformAdmin, None, (None, vec![])).await;
    let mut admin = Browser::default();
    admin.sign_in(&t, "ops@koprogo.be").await;
    let page = admin.get(&t, "/ops").await;
    assert_eq!(page.status, 200, "{}", page.html);
    for shown in [
        "Latence P95",
        "CO2 par requête",
        "<svg",
        "Objectif sous 200 ms, alerte au-delà de 500 ms",
        "tile-ok",
        "0,006 g CO2 par Ko",
        "Objectif sous 0,15 g",
    ] {
        assert!(page.html.contains(shown), "{shown} missing from the page");
    }
    let business = admin.get(&t, "/business").await;
    assert_eq!(business.status, 200, "{}", business.html);
    assert!(business.html.contains("Revenu mensuel récurrent"));
    t.user("gestion@horizon.be", Role::Syndic, Some(t.tenant), (None, vec![])).await;
    let mut other = Browser::default();
    other.sign_in(&t, "gestion@horizon.be").await;
    assert_eq!(other.get(&t, "/ops").await.status, 403);
    assert_eq!(other.get(&t, "/business").await.status, 403);
}
