//! The web interface's pages and forms: what each role sees, creates, edits
//! and deletes, with errors next to their fields.

use axum::http::StatusCode;

use crate::browser::Browser;
use crate::helpers::TestApp;

#[tokio::test]
async fn a_syndic_signs_in_sees_the_buildings_creates_one_and_signs_out() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut browser = Browser::default();
    assert_eq!(browser.get(&app, "/").await.location(), "/login", "signed out, the dashboard sends to the login page");
    let failed = browser.submit(&app, "/login", &[("email", "syndic@horizon.be"), ("password", "wrong password!")]).await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    assert!(failed.html.contains("incorrect") && failed.html.contains("syndic@horizon.be"), "the e-mail is kept");

    browser.sign_in(&app, "syndic@horizon.be").await;
    let session = browser.cookies.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>();
    assert!(session.contains(&"kp_access") && session.contains(&"kp_refresh"));
    let dashboard = browser.get(&app, "/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.html.contains("Les Érables") && dashboard.html.contains("Les Tilleuls"));
    assert!(dashboard.html.contains("2 immeubles"));
    let building = browser.get(&app, &format!("/buildings/{}", estate.building)).await;
    assert!(building.html.contains("1A"), "the units table");

    let form = browser.get(&app, "/buildings/new").await;
    assert!(form.html.contains(r#"name="quota_base""#));
    let created = browser
        .submit(
            &app,
            "/buildings/new",
            &[("name", "Résidence Nouvelle"), ("address", "Rue Neuve 1"), ("postal_code", "1000"), ("city", "Bruxelles")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    assert!(browser.get(&app, created.location()).await.html.contains("Résidence Nouvelle"));

    let out = browser.submit(&app, "/logout", &[]).await;
    assert_eq!(out.location(), "/login");
    assert_eq!(browser.get(&app, "/").await.location(), "/login");
    let api = app.get("/api/v1/buildings", &estate.tokens.syndic).await;
    assert_eq!(api.status, StatusCode::OK, "the API session of the same user is another session");
}

#[tokio::test]
async fn errors_show_next_to_their_fields_in_each_language_and_keep_what_was_typed() {
    let app = TestApp::new().await;
    app.syndic().await;
    let expected = [
        ("fr", "Ce n&#39;est pas un code postal du pays", "Cet IBAN n&#39;est pas valide"),
        ("nl", "Dit is geen postcode van het land", "Dit IBAN is ongeldig"),
        ("en", "This is not a postal code of the country", "This IBAN is not valid"),
    ];
    for (lang, postal, iban) in expected {
        let mut browser = Browser::default();
        browser.get(&app, &format!("/lang/{lang}?back=/login")).await;
        browser.sign_in(&app, "syndic@horizon.be").await;
        let page = browser
            .submit(
                &app,
                "/buildings/new",
                &[
                    ("name", "Les Hêtres"),
                    ("address", "Rue X 1"),
                    ("postal_code", "999"),
                    ("city", "Gent"),
                    ("working_fund_iban", "BE00 1234"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.html.contains(&format!(r#"<html lang="{lang}">"#)));
        let error_of = |field: &str| {
            let start =
                page.html.find(&format!(r#"id="{field}-error">"#)).unwrap_or_else(|| panic!("no error shown for {field} in {lang}"));
            page.html[start..].split("</p>").next().unwrap_or_default().to_owned()
        };
        assert!(error_of("postal_code").contains(postal), "{lang}: {}", error_of("postal_code"));
        assert!(error_of("working_fund_iban").contains(iban), "{lang}: {}", error_of("working_fund_iban"));
        assert!(page.html.contains(r#"value="Les Hêtres""#) && page.html.contains(r#"value="BE00 1234""#), "what was typed is kept");
        assert!(page.html.contains(r#"aria-invalid="true""#));
    }
}

#[tokio::test]
async fn expenses_are_filtered_and_approved_by_those_allowed_only() {
    use crate::helpers::expense_body;
    let app = TestApp::new().await;
    let estate = app.estate().await;
    app.create("/api/v1/expenses", &estate.tokens.syndic, expense_body(&estate.building, serde_json::json!("1234.56"))).await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let list = syndic.get(&app, "/expenses").await;
    assert!(list.html.contains("1.234,56\u{a0}€") && list.html.contains("Les Érables"), "{}", list.html);
    assert!(syndic.get(&app, "/").await.html.contains("1.234,56\u{a0}€"), "the latest expenses on the dashboard");
    let approve =
        list.html.split("href=\"").filter_map(|s| s.split('"').next()).find(|a| a.ends_with("/approve")).unwrap_or_default().to_owned();
    assert!(approve.ends_with("/approve"), "{approve}");
    // Approving shows the parts first: the one unit carries it all, by the quotas.
    let shares = syndic.get(&app, &approve).await;
    assert!(
        shares.html.contains("Approuver et répartir") && shares.html.contains("Peeters (100\u{a0}%) 1.234,56\u{a0}€"),
        "{}",
        shares.html
    );
    assert!(syndic.get(&app, "/expenses?status=paid").await.html.contains("Aucune dépense"));
    assert!(syndic.get(&app, "/expenses?fund=reserve").await.html.contains("Aucune dépense"));
    assert!(syndic.get(&app, "/expenses?fund=working&sort=amount&order=asc").await.html.contains("1.234,56"));
    assert_eq!(syndic.get(&app, "/expenses?fund=pension").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(syndic.get(&app, "/expenses?from=2026-13-01").await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut owner = Browser::default();
    owner.sign_in(&app, "owner@horizon.be").await;
    let seen = owner.get(&app, "/expenses").await;
    assert!(!seen.html.contains("1.234,56") && !seen.html.contains("/approve"), "a draft is not the owners' yet");
    assert_eq!(owner.submit(&app, &approve, &[]).await.status, StatusCode::FORBIDDEN);

    assert_eq!(syndic.submit(&app, &approve, &[]).await.location(), "/expenses");
    let seen = owner.get(&app, "/expenses").await;
    assert!(seen.html.contains("1.234,56") && !seen.html.contains("/pay"), "an owner sees the approved expense, does not pay it");
    let mine = owner.get(&app, "/statement").await;
    let statement = owner.get(&app, &format!("{}?from=2026-01-01&to=2026-12-31", mine.location())).await;
    assert!(statement.html.contains("1.234,56"), "approving put the part on the owner's account: {}", statement.html);
    let after = syndic.get(&app, "/expenses?status=approved").await;
    assert!(after.html.contains("Approuvée") && after.html.contains("Marquer payée"));
    assert_eq!(syndic.submit(&app, &approve, &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "approved twice");
}

#[tokio::test]
async fn units_show_their_owners_over_time_and_owners_their_units() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let building = syndic.get(&app, &format!("/buildings/{}", estate.building)).await;
    assert!(building.html.contains(&format!("/units/{}", estate.unit)), "units link to their page");
    let unit = syndic.get(&app, &format!("/units/{}", estate.unit)).await;
    assert_eq!(unit.status, StatusCode::OK, "{}", unit.html);
    assert!(
        unit.html.contains("Lot 1A") && unit.html.contains("100 %") && unit.html.contains("01/01/2020") && unit.html.contains("en cours"),
        "{}",
        unit.html
    );
    let owner = syndic.get(&app, &format!("/owners/{}", estate.owner)).await;
    assert!(owner.html.contains("Peeters") && owner.html.contains(&format!("/units/{}", estate.unit)), "{}", owner.html);

    let mut stranger = Browser::default();
    stranger.sign_in(&app, "syndic@ailleurs.be").await;
    assert_eq!(stranger.get(&app, &format!("/units/{}", estate.unit)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&app, &format!("/owners/{}", estate.owner)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_syndic_records_a_unit_an_owner_and_an_ownership_through_the_forms() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let building = format!("/buildings/{}", estate.building);
    assert!(syndic.get(&app, &building).await.html.contains(&format!("{building}/units/new")));

    let new_unit = format!("{building}/units/new");
    let too_big = syndic.submit(&app, &new_unit, &[("unit_number", "2B"), ("unit_type", "apartment"), ("quota", "5000")]).await;
    assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_big.html.contains("dépasseraient la base"), "the quota rule, in French: {}", too_big.html);
    assert!(too_big.html.contains(r#"<option value="apartment" selected>"#), "the choice is kept");
    let created = syndic.submit(&app, &new_unit, &[("unit_number", "2B"), ("unit_type", "cellar"), ("floor", "-1"), ("quota", "50")]).await;
    assert_eq!(created.location(), building);
    let page = syndic.get(&app, &building).await;
    assert!(page.html.contains("2B") && page.html.contains("Cave"));
    let unit_id = page
        .html
        .split("/units/")
        .filter_map(|s| s.split('"').next())
        .find(|id| id.len() == 36 && *id != estate.unit)
        .expect("the new unit")
        .to_owned();

    let owner = syndic
        .submit(
            &app,
            "/owners/new",
            &[
                ("first_name", "Lucas"),
                ("last_name", "Janssens"),
                ("email", "lucas@x.be"),
                ("iban", "BE68539007547034"),
                ("language", "nl"),
            ],
        )
        .await;
    assert!(owner.location().starts_with("/owners/"), "{}", owner.html);
    let owner_id = owner.location().trim_start_matches("/owners/").to_owned();
    let new_ownership = format!("/units/{unit_id}/ownerships/new");
    assert!(syndic.get(&app, &new_ownership).await.html.contains("Janssens"), "owners to choose from");
    let over = syndic.submit(&app, &new_ownership, &[("owner_id", &owner_id), ("share", "120"), ("start_date", "2026-01-01")]).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    let held = syndic.submit(&app, &new_ownership, &[("owner_id", &owner_id), ("share", "100"), ("start_date", "2026-01-01")]).await;
    assert_eq!(held.location(), format!("/units/{unit_id}"));
    assert!(syndic.get(&app, &format!("/units/{unit_id}")).await.html.contains("Lucas Janssens"));
    let mut owner_browser = Browser::default();
    owner_browser.sign_in(&app, "owner@horizon.be").await;
    assert_eq!(owner_browser.get(&app, &new_unit).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_expense_is_recorded_through_its_form_by_those_allowed() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let expense = [
        ("building_id", estate.building.as_str()),
        ("expense_date", "2026-02-10"),
        ("supplier", "Schindler SA"),
        ("description", "Entretien ascenseur"),
        ("vat_rate", "21"),
        ("category", "maintenance"),
        ("fund", "working"),
    ];
    let mut bad = expense.to_vec();
    bad.push(("amount", "12,345"));
    let refused = syndic.submit(&app, "/expenses/new", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains(r#"id="amount-error""#), "{}", refused.html);
    let mut good = expense.to_vec();
    good.push(("amount", "345.60"));
    assert_eq!(syndic.submit(&app, "/expenses/new", &good).await.location(), "/expenses");
    assert!(syndic.get(&app, "/expenses").await.html.contains("345,60\u{a0}€"));

    let mut owner_browser = Browser::default();
    owner_browser.sign_in(&app, "owner@horizon.be").await;
    assert_eq!(owner_browser.get(&app, "/expenses/new").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_draft_expense_is_edited_and_an_approved_one_is_not() {
    use crate::helpers::expense_body;
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let id = app.create("/api/v1/expenses", &estate.tokens.syndic, expense_body(&estate.building, serde_json::json!("99.90"))).await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let edit = format!("/expenses/{id}/edit");
    assert!(syndic.get(&app, "/expenses").await.html.contains(&edit), "drafts link to their edit page");
    let form = syndic.get(&app, &edit).await;
    assert!(form.html.contains(r#"value="99.90""#), "the form shows the stored values: {}", form.html);
    assert!(form.html.contains(r#"<option value="21" selected>"#), "choices too");
    let submitted = [
        ("building_id", estate.building.as_str()),
        ("expense_date", "2026-02-20"),
        ("supplier", "Net & Clean SRL"),
        ("description", "Nettoyage"),
        ("amount", "400"),
        ("vat_rate", "21"),
        ("category", "cleaning"),
        ("fund", "working"),
    ];
    assert_eq!(syndic.submit(&app, &edit, &submitted).await.location(), "/expenses");
    assert!(syndic.get(&app, "/expenses").await.html.contains("400,00\u{a0}€"));

    app.post(&format!("/api/v1/expenses/{id}/approve"), &estate.tokens.syndic, serde_json::json!({})).await;
    let refused = syndic.submit(&app, &edit, &submitted).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
    assert!(refused.html.contains("Seule une dépense en brouillon"), "{}", refused.html);
}

#[tokio::test]
async fn a_board_member_reads_their_building_and_changes_nothing() {
    use crate::helpers::expense_body;
    let app = TestApp::new().await;
    let estate = app.estate().await;
    app.create("/api/v1/expenses", &estate.tokens.syndic, expense_body(&estate.building, serde_json::json!("10"))).await;
    let mut board = Browser::default();
    board.sign_in(&app, "board@horizon.be").await;
    let dashboard = board.get(&app, "/").await;
    assert!(dashboard.html.contains("Les Érables") && !dashboard.html.contains("Les Tilleuls"), "their building only");
    let building = board.get(&app, &format!("/buildings/{}", estate.building)).await;
    assert_eq!(building.status, StatusCode::OK);
    assert!(!building.html.contains("/units/new"), "read-only");
    let expenses = board.get(&app, "/expenses").await;
    assert!(expenses.html.contains("10,00") && !expenses.html.contains("/edit") && !expenses.html.contains("/approve"));
    assert_eq!(board.get(&app, "/expenses/new").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_large_building_pages_its_units() {
    use crate::helpers::unit_body;
    let app = TestApp::new().await;
    let estate = app.estate().await;
    for n in 0..54 {
        app.create("/api/v1/units", &estate.tokens.syndic, unit_body(&estate.building, &format!("U{n:02}"), 1)).await;
    }
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let first = syndic.get(&app, &format!("/buildings/{}", estate.building)).await;
    assert_eq!(first.html.matches("href=\"/units/").count(), 50);
    assert!(first.html.contains("?units_page=2"));
    let second = syndic.get(&app, &format!("/buildings/{}?units_page=2", estate.building)).await;
    assert_eq!(second.html.matches("href=\"/units/").count(), 5, "55 units in all");
    assert!(second.html.contains("?units_page=1") && !second.html.contains("?units_page=3"));
}

#[tokio::test]
async fn a_building_a_unit_and_an_owner_are_edited_with_their_values_kept() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let building = format!("/buildings/{}", estate.building);
    assert!(syndic.get(&app, &building).await.html.contains(&format!("{building}/edit")));
    let form = syndic.get(&app, &format!("{building}/edit")).await;
    assert!(form.html.contains(r#"value="Les Érables""#), "{}", form.html);
    let fields = [
        ("name", "Les Grands Érables"),
        ("address", "Rue Haute 5"),
        ("postal_code", "1000"),
        ("city", "Bruxelles"),
        ("quota_base", "1000"),
        ("language", "nl"),
    ];
    assert_eq!(syndic.submit(&app, &format!("{building}/edit"), &fields).await.location(), building);
    assert!(syndic.get(&app, &building).await.html.contains("Les Grands Érables"));
    let stored = app.get(&format!("/api/v1{building}"), &estate.tokens.syndic).await;
    assert_eq!(stored.body["language"], "nl");
    let below = syndic
        .submit(
            &app,
            &format!("{building}/edit"),
            &[("name", "X"), ("address", "Y 1"), ("postal_code", "1000"), ("city", "Z"), ("quota_base", "50"), ("language", "fr")],
        )
        .await;
    assert_eq!(below.status, StatusCode::UNPROCESSABLE_ENTITY, "the base cannot go below the allocated quotas");

    let unit = format!("/units/{}", estate.unit);
    assert!(syndic.get(&app, &format!("{unit}/edit")).await.html.contains(r#"value="1A""#));
    assert_eq!(
        syndic
            .submit(&app, &format!("{unit}/edit"), &[("unit_number", "1A bis"), ("unit_type", "apartment"), ("quota", "100")])
            .await
            .location(),
        unit
    );
    assert!(syndic.get(&app, &unit).await.html.contains("Lot 1A bis"));

    let owner = format!("/owners/{}", estate.owner);
    assert!(syndic.get(&app, &format!("{owner}/edit")).await.html.contains(r#"value="Peeters""#));
    let saved = syndic
        .submit(
            &app,
            &format!("{owner}/edit"),
            &[("first_name", "Jan"), ("last_name", "Peeters-Claes"), ("email", "jan@peeters.be"), ("language", "nl")],
        )
        .await;
    assert_eq!(saved.location(), owner, "{}", saved.html);
    assert!(syndic.get(&app, &owner).await.html.contains("Peeters-Claes"));

    let mut board = Browser::default();
    board.sign_in(&app, "board@horizon.be").await;
    assert!(!board.get(&app, &building).await.html.contains("/edit"));
    assert_eq!(board.get(&app, &format!("{building}/edit")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deletions_are_confirmed_and_refused_where_data_depends_on_them() {
    use crate::helpers::expense_body;
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let expense = app.create("/api/v1/expenses", &estate.tokens.syndic, expense_body(&estate.building, serde_json::json!("12"))).await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let confirm = syndic.get(&app, &format!("/expenses/{expense}/delete")).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.html);
    assert!(confirm.html.contains("Supprimer définitivement") && confirm.html.contains("Schindler"), "{}", confirm.html);
    let deleted = syndic.submit(&app, &format!("/expenses/{expense}/delete"), &[]).await;
    assert_eq!(deleted.location(), "/expenses", "{} {}", deleted.status, deleted.html);
    assert_eq!(app.get(&format!("/api/v1/expenses/{expense}"), &estate.tokens.syndic).await.status, StatusCode::NOT_FOUND);

    let building = syndic.submit(&app, &format!("/buildings/{}/delete", estate.building), &[]).await;
    assert_eq!(building.status, StatusCode::CONFLICT);
    assert!(building.html.contains("Supprimez d&#39;abord les lots"), "{}", building.html);
    let owner = syndic.submit(&app, &format!("/owners/{}/delete", estate.owner), &[]).await;
    assert_eq!(owner.status, StatusCode::CONFLICT);
    assert_eq!(syndic.submit(&app, &format!("/buildings/{}/delete", estate.other_building), &[]).await.location(), "/");

    let mut stranger = Browser::default();
    stranger.sign_in(&app, "syndic@ailleurs.be").await;
    assert_eq!(stranger.get(&app, &format!("/units/{}/delete", estate.unit)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.submit(&app, &format!("/units/{}/delete", estate.unit), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_tampered_choice_is_an_error_next_to_its_field() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&app, "syndic@horizon.be").await;
    let page = syndic
        .submit(
            &app,
            &format!("/units/{}/ownerships/new", estate.unit),
            &[("owner_id", "not-an-id"), ("share", "50"), ("start_date", "2026-01-01")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.html);
    assert!(page.html.contains(r#"id="owner_id-error""#), "{}", page.html);
    assert!(page.html.contains("Peeters"), "the choices are read again to show the form");
}

#[tokio::test]
async fn amounts_and_shares_are_typed_as_the_page_s_language_writes_them() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let expense = |amount: &'static str| {
        vec![
            ("building_id", estate.building.clone()),
            ("expense_date", "2026-02-10".to_owned()),
            ("supplier", "Schindler SA".to_owned()),
            ("description", "Entretien ascenseur".to_owned()),
            ("vat_rate", "21".to_owned()),
            ("category", "maintenance".to_owned()),
            ("fund", "working".to_owned()),
            ("amount", amount.to_owned()),
        ]
    };
    let cases = [
        (None, "1.234,56", "1234.56"),
        (None, "99,9", "99.9"),
        (None, "12.50", "12.5"),
        (Some("en"), "1,234.50", "1234.5"),
        (Some("nl"), "7 000,00", "7000.0"),
    ];
    for (language, typed, stored) in cases {
        let mut browser = Browser::default();
        browser.sign_in(&app, "syndic@horizon.be").await;
        if let Some(code) = language {
            browser.get(&app, &format!("/lang/{code}?back=/")).await;
        }
        let fields = expense(typed);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = browser.submit(&app, "/expenses/new", &fields).await;
        assert_eq!(done.location(), "/expenses", "{language:?} {typed}: {}", done.html);
        let listed = app.get("/api/v1/expenses?sort_by=created_at&order=desc&per_page=1", &estate.tokens.syndic).await;
        let amount = crate::money::cents(&listed.body["data"][0]["amount"]);
        assert_eq!(amount, koprogo_domain::money::Cents::parse_euros(stored).expect("cents").get(), "{language:?} {typed}");
    }
    // A French page does not read an English thousands separator as a decimal comma.
    let mut french = Browser::default();
    french.sign_in(&app, "syndic@horizon.be").await;
    let fields = expense("1,234.50");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(french.submit(&app, "/expenses/new", &fields).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Nobody is chosen for the syndic: the owner picker starts empty.
    let form = french.get(&app, &format!("/units/{}/ownerships/new", estate.unit)).await;
    let picker = form.html.split(r#"<select id="owner_id""#).nth(1).unwrap_or_default();
    let first = picker.split("<option").nth(1).unwrap_or_default();
    assert!(first.starts_with(r#" value="">"#), "{first}");
    let shared = french
        .submit(
            &app,
            &format!("/units/{}/ownerships/new", estate.unit),
            &[("owner_id", &estate.owner), ("share", "33,33"), ("start_date", "2030-01-01")],
        )
        .await;
    // 33,33 is read as a share; the unit, already held whole, refuses it for that reason alone.
    assert!(!shared.html.contains(r#"id="share-error""#) && shared.html.contains("dépasseraient 100"), "{}", shared.html);
}
