//! An association moving to another syndic through the API: the zip holds
//! its data, CSV tables and call letters; the new syndic imports it and finds
//! the same building, owners and accounts.

use std::io::Read as _;

use koprogo_domain::account::Role;
use serde_json::{Value, json};

use crate::money::building;

#[tokio::test]
async fn an_association_s_file_leaves_one_syndic_and_arrives_whole_at_the_next() {
    let b = building().await;
    let call = json!({ "building_id": b.id, "title": "Provisions T1 2026", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "300" });
    assert_eq!(b.t.post("/api/v1/calls", &b.token, call.clone()).await.status, 201);
    let (status, kind, zip) = b.t.download(&format!("/api/v1/buildings/{}/export.zip", b.id), &b.token).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/zip"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).expect("a zip");
    let names: Vec<String> = archive.file_names().map(|n| n.expect("a name").into_owned()).collect();
    for expected in ["data.json", "csv/buildings.csv", "csv/owners.csv", "csv/call_lines.csv"] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("letters/") && n.ends_with(".pdf")), "{names:?}");
    let mut owners = String::new();
    archive.by_name("csv/owners.csv").expect("owners").read_to_string(&mut owners).expect("text");
    assert!(owners.lines().next().is_some_and(|h| h.contains("last_name")) && owners.contains("Xhonneux"), "{owners}");

    // The next syndic, in another organisation, has issued calls of its own.
    let next = b.t.user("next@ailleurs.be", Role::Syndic, Some(b.t.other_tenant), (None, vec![])).await;
    let theirs = b.t.create("/api/v1/buildings", &next, crate::helpers::building_body("Leur immeuble")).await;
    let unit = b.t.create("/api/v1/units", &next, crate::helpers::unit_body(&theirs, "1", 1000)).await;
    let owner = b.t.create("/api/v1/owners", &next, crate::helpers::owner_body("Leur")).await;
    b.t.create("/api/v1/ownerships", &next, json!({ "unit_id": unit, "owner_id": owner, "share": 100, "start_date": "2020-01-01" })).await;
    let their_call =
        json!({ "building_id": theirs, "title": "T1", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "10" });
    assert_eq!(b.t.post("/api/v1/calls", &next, their_call).await.status, 201);

    let imported = b.t.upload("/api/v1/associations/import", &next, "application/zip", zip.clone()).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(imported.body["building_id"], json!(b.id));
    assert_eq!(imported.body["renumbered"].as_array().map(Vec::len), Some(1), "their call took the first number: {}", imported.body);
    let arrived = b.t.get(&format!("/api/v1/buildings/{}", b.id), &next).await;
    assert_eq!((arrived.status.as_u16(), arrived.body["name"].clone()), (200, json!("Résidence Cents")));
    let path = format!("/api/v1/arrears?building_id={}", b.id);
    let mut here: Vec<Value> = b.t.get(&path, &next).await.body.as_array().expect("rows").clone();
    let mut there: Vec<Value> = b.t.get(&path, &b.token).await.body.as_array().expect("rows").clone();
    here.sort_by_key(|r| r["owner_id"].to_string());
    there.sort_by_key(|r| r["owner_id"].to_string());
    assert!(!here.is_empty());
    assert_eq!(here, there, "every owner's account arrived as it was");

    let again = b.t.upload("/api/v1/associations/import", &next, "application/zip", zip).await;
    assert_eq!((again.status.as_u16(), again.body["code"].clone()), (409, json!("import.exists")));
    let junk = b.t.upload("/api/v1/associations/import", &next, "application/zip", b"not a zip".to_vec()).await;
    assert_eq!((junk.status.as_u16(), junk.body["errors"][0]["field"].clone()), (422, json!("file")));
    let trail = b.t.get("/api/v1/audit?action=association.imported", &next).await;
    assert_eq!(trail.body["pagination"]["total_items"], json!(1));
}

#[tokio::test]
async fn the_pages_hand_the_file_over() {
    use crate::browser::Browser;
    let b = building().await;
    b.t.user("gestion@horizon.be", Role::Syndic, Some(b.t.tenant), (None, vec![])).await;
    b.t.user("next@ailleurs.be", Role::Syndic, Some(b.t.other_tenant), (None, vec![])).await;
    let (mut leaving, mut arriving) = (Browser::default(), Browser::default());
    leaving.sign_in(&b.t, "gestion@horizon.be").await;
    arriving.sign_in(&b.t, "next@ailleurs.be").await;
    let page = leaving.get(&b.t, &format!("/buildings/{}", b.id)).await;
    assert!(page.html.contains(&format!("/buildings/{}/export.zip", b.id)));
    let (status, kind, zip) = {
        let request = axum::http::Request::get(format!("/buildings/{}/export.zip", b.id))
            .header("cookie", leaving.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; "))
            .body(axum::body::Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(b.t.router.clone(), request).await.expect("infallible");
        let (status, kind) = (response.status(), response.headers()["content-type"].to_str().expect("type").to_owned());
        (status, kind, http_body_util::BodyExt::collect(response.into_body()).await.expect("body").to_bytes().to_vec())
    };
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/zip"));
    assert!(arriving.get(&b.t, "/").await.html.contains("/associations/import"));
    let done = arriving.upload(&b.t, "/associations/import", "association.zip", &zip).await;
    assert_eq!(done.status.as_u16(), 200, "{}", done.html);
    assert!(done.html.contains("enregistrements importés") && done.html.contains(&format!("/buildings/{}", b.id)), "{}", done.html);
    let twice = arriving.upload(&b.t, "/associations/import", "association.zip", &zip).await;
    assert_eq!(twice.status.as_u16(), 409);
    assert!(twice.html.contains("déjà été importé"), "{}", twice.html);
}
