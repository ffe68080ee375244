//! Files an attacker or a careless exporter sends: a zip that unpacks to a
//! gigabyte, entries named twice, rows the domain would refuse, references
//! to the receiver's own data, dates that would dodge billing.

use std::io::{Read as _, Write as _};

use koprogo_domain::account::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::money::building;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

/// The exported file's data.json, changed by `edit`, alone in a new zip.
fn edited(zip: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).expect("a zip");
    let mut text = String::new();
    archive.by_name("data.json").expect("data.json").read_to_string(&mut text).expect("text");
    let mut data: Value = serde_json::from_str(&text).expect("json");
    edit(&mut data);
    zip_of(&[("data.json", &serde_json::to_vec(&data).expect("json"))])
}

/// Sets `column` of row `row` of `table` in a data.json value.
fn set(data: &mut Value, table: &str, row: usize, column: &str, value: Value) {
    let tables = data["tables"].as_array_mut().expect("tables");
    let t = tables.iter_mut().find(|t| t["table"] == table).expect("table");
    let at = t["columns"].as_array().expect("columns").iter().position(|c| c == column).expect("column");
    t["rows"][row][at] = value;
}

async fn receiver(t: &TestApp) -> String {
    t.user("next@ailleurs.be", Role::Syndic, Some(t.other_tenant), (None, vec![])).await
}

#[tokio::test]
async fn a_zip_bomb_is_refused_while_it_unpacks() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    // 129 MiB of spaces deflate to about 130 KB: past the 128 MiB that data.json may unpack to.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("data.json", zip::write::SimpleFileOptions::default()).expect("entry");
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..129 {
        zip.write_all(&block).expect("write");
    }
    let bomb = zip.finish().expect("zip").into_inner();
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let answer = t.upload("/api/v1/associations/import", &token, "application/zip", bomb).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(answer.body["errors"][0]["detail"].as_str().is_some_and(|m| m.contains("more than 128 MiB")), "{}", answer.body);
}

#[tokio::test]
async fn an_archive_naming_an_entry_twice_is_refused() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let mut bytes = zip_of(&[("data.json", b"{}"), ("datb.json", b"{}")]);
    // Rename the second entry in both its local header and the central directory.
    let at: Vec<usize> = bytes.windows(9).enumerate().filter(|(_, w)| *w == b"datb.json").map(|(i, _)| i).collect();
    for i in at {
        bytes[i + 3] = b'a';
    }
    let answer = t.upload("/api/v1/associations/import", &token, "application/zip", bytes).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(answer.body.to_string().contains("same name"), "{}", answer.body);
}

#[tokio::test]
async fn imported_rows_go_through_the_domain_and_nothing_is_stored_when_one_fails() {
    let b = building().await;
    let (_, _, zip) = b.t.download(&format!("/api/v1/buildings/{}/export.zip", b.id), &b.token).await;
    let next = receiver(&b.t).await;
    let theirs = b.t.create("/api/v1/buildings", &next, crate::helpers::building_body("Leur immeuble")).await;
    let their_unit = b.t.create("/api/v1/units", &next, crate::helpers::unit_body(&theirs, "1", 1000)).await;

    let cases: Vec<(&str, usize, &str, Value, &str, &str)> = vec![
        ("buildings", 0, "postal_code", json!(99_999), "buildings[1].postal_code", "postal_code"),
        ("buildings", 0, "language", json!("xx"), "buildings[1].language", "not_one_of"),
        ("units", 0, "unit_type", json!("castle"), "units[1].unit_type", "not_one_of"),
        ("units", 1, "quota", json!(-5), "units[2].quota", "out_of_range"),
        ("ownerships", 0, "share_basis_points", json!(20_000), "ownerships[1].share_basis_points", "out_of_range"),
        ("ownerships", 0, "unit_id", json!(their_unit), "ownerships[1].unit_id", "unknown_reference"),
        ("owners", 0, "last_name", json!("Nul\u{0}Byte"), "owners[1].last_name", "not_one_of"),
        ("owners", 0, "email", json!("not-an-address"), "owners[1].email", "email"),
        ("ownerships", 0, "start_date", json!("+10000-01-01"), "ownerships[1].start_date", "out_of_range"),
    ];
    for (table, row, column, value, field, code) in cases {
        let bad = edited(&zip, |data| set(data, table, row, column, value.clone()));
        let answer = b.t.upload("/api/v1/associations/import", &next, "application/zip", bad).await;
        assert_eq!(answer.status, 422, "{table}.{column} = {value}: {}", answer.body);
        let error = answer.body["errors"].as_array().and_then(|e| e.iter().find(|e| e["field"] == field).cloned());
        assert_eq!(error.map(|e| e["code"].clone()), Some(json!(code)), "{table}.{column} = {value}: {}", answer.body);
    }
    // A second ownership of unit B at 50 % makes it 150 % held.
    let overheld = edited(&zip, |data| {
        let tables = data["tables"].as_array_mut().expect("tables");
        let t = tables.iter_mut().find(|t| t["table"] == "ownerships").expect("ownerships");
        let columns = t["columns"].as_array().expect("columns").clone();
        let at = |name: &str| columns.iter().position(|c| c == name).expect("column");
        let (id, share) = (at("id"), at("share_basis_points"));
        let rows = t["rows"].as_array_mut().expect("rows");
        let mut copy = rows.iter().find(|r| r[share] == json!(3333)).expect("Y's share of B").clone();
        copy[id] = json!(uuid::Uuid::now_v7().to_string());
        copy[share] = json!(5000);
        rows.push(copy);
    });
    let answer = b.t.upload("/api/v1/associations/import", &next, "application/zip", overheld).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(
        answer.body["errors"].as_array().expect("errors").iter().any(|e| e["field"] == "ownerships[5].share_basis_points"),
        "{}",
        answer.body
    );

    // Nothing of the refused files arrived, and the receiver's own data still reads.
    assert_eq!(b.t.get(&format!("/api/v1/buildings/{}", b.id), &next).await.status, 404);
    let list = b.t.get("/api/v1/buildings", &next).await;
    assert_eq!((list.status.as_u16(), list.body["pagination"]["total_items"].clone()), (200, json!(1)));
}

#[tokio::test]
async fn an_imported_building_is_billed_from_the_import_not_from_the_file() {
    let b = building().await;
    let (_, _, zip) = b.t.download(&format!("/api/v1/buildings/{}/export.zip", b.id), &b.token).await;
    let next = receiver(&b.t).await;
    let future = edited(&zip, |data| set(data, "buildings", 0, "created_at", json!("2199-01-01T00:00:00.000000Z")));
    let answer = b.t.upload("/api/v1/associations/import", &next, "application/zip", future).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let arrived = b.t.get(&format!("/api/v1/buildings/{}", b.id), &next).await;
    let created = arrived.body["created_at"].as_str().expect("created_at").to_owned();
    assert!(created.starts_with("20") && !created.starts_with("2199"), "{created}");
}

#[tokio::test]
async fn one_owner_s_name_never_blocks_a_call_s_letters_a_statement_or_the_export() {
    let b = building().await;
    for (owner, name) in [(0, "山田 太郎 👨‍👩‍👧‍👦"), (1, "محمد Z̶̢a̵l̷g̸o̴ 🏳️‍🌈")] {
        let mut body = crate::helpers::owner_body(name);
        body["first_name"] = json!("ᚠᛇᚻ");
        let renamed = b.t.put(&format!("/api/v1/owners/{}", b.owners[owner]), &b.token, body).await;
        assert_eq!(renamed.status, 200, "{}", renamed.body);
    }
    let call = json!({ "building_id": b.id, "title": "Provisions 🏠 T1", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "300" });
    let call = b.t.create("/api/v1/calls", &b.token, call).await;
    let (status, _, pdf) = b.t.download(&format!("/api/v1/calls/{call}/letters.pdf"), &b.token).await;
    assert_eq!(status, 200);
    let text = crate::documents::pdf_text(&pdf);
    // Every owner has a letter; what the font lacks is drawn as `?`.
    assert!(text.contains("Zeghers") && text.contains("?? ??"), "{text}");
    let (status, _, _) = b.t.download(&format!("/api/v1/owners/{}/statement.pdf", b.owners[0]), &b.token).await;
    assert_eq!(status, 200);
    let (status, _, _) = b.t.download(&format!("/api/v1/buildings/{}/export.zip", b.id), &b.token).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn what_a_payer_types_reaches_no_spreadsheet_as_a_formula_nor_the_database_as_a_control() {
    let b = building().await;
    let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 20).expect("day");
    let movement = koprogo_bank::Movement {
        bank_reference: "007/0001".to_owned(),
        amount: koprogo_domain::money::Cents::new(1234).expect("cents"),
        value_date: day,
        entry_date: day,
        communication: koprogo_bank::Communication::Free("+cmd|' /C calc'!A0\u{0}\u{1b}[31m\u{85}".to_owned()),
        counterparty_account: Some("BE57063000000035".to_owned()),
        counterparty_bic: None,
        counterparty_name: Some("=HYPERLINK(\"http://evil.example\",\"Payez ici\")".to_owned()),
    };
    let statement = koprogo_bank::Statement {
        account: "BE68539007547034".to_owned(),
        statement_number: "007".to_owned(),
        old_balance: koprogo_domain::money::Cents::default(),
        new_balance: movement.amount,
        new_balance_date: day,
        movements: vec![movement],
    };
    let file = koprogo_bank::coda::write(&[statement], day);
    let imported = b.t.upload("/api/v1/bank-statements", &b.token, "application/octet-stream", file).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    let inbox = b.t.get("/api/v1/payments?unmatched=true", &b.token).await;
    let payment = inbox.body["data"][0].clone();
    let free = payment["free_text"].as_str().expect("free text");
    assert!(!free.chars().any(char::is_control), "{free:?}");

    let (_, _, zip) = b.t.download(&format!("/api/v1/buildings/{}/export.zip", b.id), &b.token).await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut payments = String::new();
    archive.by_name("csv/payments.csv").expect("payments.csv").read_to_string(&mut payments).expect("text");
    let mut cells = csv::Reader::from_reader(payments.as_bytes());
    let header = cells.headers().expect("header").clone();
    let row = cells.records().next().expect("a row").expect("a record");
    let cell = |name: &str| row.get(header.iter().position(|h| h == name).expect(name)).expect("cell").to_owned();
    assert!(cell("counterparty_name").starts_with("'="), "{}", cell("counterparty_name"));
    assert!(cell("free_text").starts_with("'+"), "{}", cell("free_text"));
    assert_eq!(cell("amount_cents"), "1234", "numbers stay numbers");

    let audit = b.t.download("/api/v1/audit.csv", &b.token).await.2;
    let audit = String::from_utf8(audit).expect("text");
    assert!(
        csv::Reader::from_reader(audit.as_bytes()).records().all(|r| r.expect("record").iter().all(|c| !c.starts_with(['=', '+', '@'])))
    );
}

#[tokio::test]
async fn a_real_kbc_file_with_an_old_account_number_and_bad_check_digits_is_taken_whole() {
    let b = building().await;
    // The file's account (138-5361522-15, anonymised, fails its own check)
    // is put back to a real one, the building's: 539-0075470-34.
    let path = format!("{}/../bank/tests/data/php-coda-parser-sample1.cod", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::read(path).expect("test file");
    let file: Vec<u8> = file
        .iter()
        .map(|b| char::from(*b))
        .collect::<String>()
        .replace("138536152215", "539007547034")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let imported = b.t.upload("/api/v1/bank-statements", &b.token, "application/octet-stream", file).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    let inbox = b.t.get(&format!("/api/v1/payments?unmatched=true&building_id={}", b.id), &b.token).await;
    let payers: Vec<String> =
        inbox.body["data"].as_array().expect("payments").iter().map(|p| p["counterparty_name"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(payers.len(), 4, "every movement is kept, none refuses the file: {}", inbox.body);
    assert!(payers.iter().any(|p| p == "KLANT3 NAAMï"), "{payers:?}");
}
