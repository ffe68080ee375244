//! Preparing a general assembly through the API, on both stores: the
//! assembly, its agenda numbered in order and closed once it leaves the
//! draft, the second assembly's delay, and what each role sees.

use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn prepare(t: TestApp) {
    let e = t.estate().await;
    let syndic = &e.tokens.syndic;
    let body = json!({ "building_id": e.building, "meets_at": "2026-05-20T18:30", "place": "Salle du Parc, rue Royale 12",
        "remote_means": "visio.example.be/ag-2026", "identity_check": "eID au début de la séance" });
    let created = t.post("/api/v1/assemblies", syndic, body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!((created.body["status"].clone(), created.body["kind"].clone()), (json!("draft"), json!("ordinary")));
    // 18:30 in Brussels in May is 16:30 UTC.
    assert_eq!(created.body["meets_at"], json!("2026-05-20T16:30:00Z"));
    let id = created.body["id"].as_str().expect("an id").to_owned();

    let items = [
        json!({ "title": "Comptes 2025", "resolution": "L'assemblée approuve les comptes 2025.", "kind": "approve_accounts" }),
        json!({ "title": "Toiture", "resolution": "Rénovation de la toiture, budget 80 000 €.", "kind": "common_parts_works" }),
    ];
    for (n, item) in items.iter().enumerate() {
        let added = t.post(&format!("/api/v1/assemblies/{id}/agenda"), syndic, item.clone()).await;
        assert_eq!((added.status.as_u16(), added.body["number"].clone()), (201, json!(n + 1)), "{}", added.body);
    }
    let shown = t.get(&format!("/api/v1/assemblies/{id}"), syndic).await;
    let agenda: Vec<(Value, Value, Value)> = shown.body["agenda"]
        .as_array()
        .expect("an agenda")
        .iter()
        .map(|i| (i["number"].clone(), i["majority"].clone(), i["article"].clone()))
        .collect();
    assert_eq!(agenda, [(json!(1), json!("absolute"), json!("3.87 §8")), (json!(2), json!("two_thirds"), json!("3.88 §1 1°"))]);

    // Works on private parts need their reasons; a remote means needs its identity check.
    let bare = json!({ "title": "Châssis", "resolution": "Remplacement des châssis.", "kind": "private_parts_works" });
    let refused = t.post(&format!("/api/v1/assemblies/{id}/agenda"), syndic, bare).await;
    assert_eq!((refused.status.as_u16(), refused.fields()), (422, vec!["special_reasons".to_owned()]), "{}", refused.body);
    let half = json!({ "building_id": e.building, "meets_at": "2026-05-20T18:30", "place": "Salle", "remote_means": "visio" });
    let refused = t.post("/api/v1/assemblies", syndic, half).await;
    assert_eq!((refused.status.as_u16(), refused.fields()), (422, vec!["identity_check".to_owned()]), "{}", refused.body);

    follow_up_and_visibility(&t, &e, &id).await;

    // Rescheduled while a draft; once cancelled, nothing more changes.
    let moved = json!({ "meets_at": "2026-05-21T19:00:00+02:00", "place": "Salle du Parc" });
    let updated = t.put(&format!("/api/v1/assemblies/{id}"), syndic, moved.clone()).await;
    assert_eq!((updated.status.as_u16(), updated.body["remote_means"].clone()), (200, Value::Null), "{}", updated.body);
    assert_eq!(updated.body["building_id"], json!(e.building));
    let cancelled = t.post(&format!("/api/v1/assemblies/{id}/cancel"), syndic, json!({})).await;
    assert_eq!(cancelled.body["status"], json!("cancelled"));
    let late = t.post(&format!("/api/v1/assemblies/{id}/agenda"), syndic, items[0].clone()).await;
    assert_eq!((late.status.as_u16(), late.code()), (422, "assembly.invalid_transition"), "{}", late.body);
    assert_eq!(t.put(&format!("/api/v1/assemblies/{id}"), syndic, moved).await.code(), "assembly.invalid_transition");
    let twice = t.post(&format!("/api/v1/assemblies/{id}/cancel"), syndic, json!({})).await;
    assert_eq!(twice.code(), "assembly.invalid_transition");

    // Every change is in the audit trail.
    let trail = t.get("/api/v1/audit?per_page=100", syndic).await;
    let actions: Vec<&str> = trail.body["data"].as_array().expect("events").iter().filter_map(|e| e["action"].as_str()).collect();
    for action in ["assembly.created", "agenda_item.added", "assembly.updated", "assembly.cancelled"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
}

/// A second assembly's delay, and who sees what.
async fn follow_up_and_visibility(t: &TestApp, e: &crate::helpers::Estate, id: &str) {
    let syndic = &e.tokens.syndic;
    // A second assembly meets at least 15 days after the first.
    let early = json!({ "building_id": e.building, "kind": "second", "follows_id": id, "meets_at": "2026-06-03T18:30", "place": "Salle" });
    let refused = t.post("/api/v1/assemblies", syndic, early).await;
    assert_eq!((refused.status.as_u16(), refused.code()), (422, "assembly.too_early"), "{}", refused.body);
    let on_time =
        json!({ "building_id": e.building, "kind": "second", "follows_id": id, "meets_at": "2026-06-04T18:30", "place": "Salle" });
    assert_eq!(t.post("/api/v1/assemblies", syndic, on_time).await.status, 201);
    let lone = json!({ "building_id": e.building, "kind": "second", "meets_at": "2026-06-04T18:30", "place": "Salle" });
    assert_eq!(t.post("/api/v1/assemblies", syndic, lone).await.fields(), ["follows_id"]);

    // The owner of the building reads it; the other building's filter shows nothing.
    let read = t.get(&format!("/api/v1/assemblies/{id}"), &e.tokens.owner).await;
    assert_eq!(read.status, 200, "{}", read.body);
    let listed = t.get(&format!("/api/v1/assemblies?building_id={}", e.other_building), &e.tokens.owner).await;
    assert_eq!(listed.body["pagination"]["total_items"], json!(0));
    let all = t.get("/api/v1/assemblies", syndic).await;
    assert_eq!(all.body["pagination"]["total_items"], json!(2));
}

#[tokio::test]
async fn an_assembly_is_prepared_on_sqlite() {
    prepare(TestApp::new().await).await;
}

#[tokio::test]
async fn an_assembly_is_prepared_on_postgresql() {
    prepare(TestApp::on_postgres().await).await;
}
