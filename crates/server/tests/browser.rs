//! The web interface in a real browser: Debian's headless Chromium driven
//! through WebDriver (chromedriver), against the real binary with the demo.
//! `.ci/run` installs `chromium` and `chromium-driver` when they are missing;
//! without them this test fails rather than skips. Screenshots at 360 px and
//! 1280 px go to `docs/screenshots/`.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use support::*;

/// A WebDriver session over plain HTTP/1.1.
struct Browser {
    port: u16,
    session: String,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let (status, text) = try_http(self.port, method, &path, None, body.map(|b| b.to_string()).as_deref()).expect("chromedriver");
        let value: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(status, 200, "{method} {path}: {text}");
        value["value"].clone()
    }

    fn start(port: u16) -> Self {
        let capabilities = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]
        } } } });
        let (status, text) = try_http(port, "POST", "/session", None, Some(&capabilities.to_string())).expect("chromedriver");
        assert_eq!(status, 200, "new session: {text}");
        let value: Value = serde_json::from_str(&text).expect("json");
        Self { port, session: value["value"]["sessionId"].as_str().expect("session id").to_owned() }
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let found = self.call("POST", "/element", Some(json!({ "using": "css selector", "value": css })));
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {found} in {}", self.source())).to_owned()
    }

    fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/clear"), Some(json!({})));
        self.call("POST", &format!("/element/{element}/value"), Some(json!({ "text": text })));
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    fn choose(&self, select: &str, value: &str) {
        self.click(&format!("{select} option[value=\"{value}\"]"));
    }

    /// Sets an input through script (date inputs take keys in the browser's
    /// own locale format).
    fn set(&self, id: &str, value: &str) {
        let script = "document.getElementById(arguments[0]).value = arguments[1]";
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [id, value] })));
    }

    /// The page once it shows `text` (a click does not wait for the page it
    /// leads to).
    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let source = self.source();
            if source.contains(text) {
                return source;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "the page never showed {text:?}: {source}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None).as_str().unwrap_or_default().to_owned()
    }

    fn text_of(&self, css: &str) -> String {
        let element = self.find(css);
        self.call("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or_default().to_owned()
    }

    /// True when the page is wider than the window (horizontal scrolling).
    fn scrolls_sideways(&self) -> bool {
        let script = "return document.documentElement.scrollWidth > window.innerWidth";
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [] }))).as_bool().unwrap_or(true)
    }

    fn screenshot(&self, name: &str, width: u32) {
        self.call("POST", "/window/rect", Some(json!({ "width": width, "height": 900 })));
        assert!(!self.scrolls_sideways(), "{name} scrolls sideways at {width} px");
        let png = self.call("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap_or_default()).expect("base64 PNG");
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&folder).expect("screenshots folder");
        std::fs::write(folder.join(format!("{name}-{width}.png")), bytes).expect("screenshot");
        self.call("POST", "/window/rect", Some(json!({ "width": 1280, "height": 900 })));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = try_http(self.port, "DELETE", &format!("/session/{}", self.session), None, None);
    }
}

fn chromedriver() -> (Running, u16) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver; .ci/run installs it)");
    let started = Instant::now();
    while !try_http(port, "GET", "/status", None, None).is_ok_and(|(s, _)| s == 200) {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (Running(Some(child)), port)
}

/// From a new building's page: a unit, an owner holding it, an expense (the
/// pages are in English by now).
fn record_a_unit_an_owner_and_an_expense(browser: &Browser, site: &str) {
    browser.click("a[href$='/units/new']");
    browser.wait_for(r#"id="unit_number""#);
    browser.fill("#unit_number", "A1");
    browser.choose("#unit_type", "apartment");
    browser.fill("#quota", "1000");
    browser.click("main button[type=submit]");
    browser.wait_for(">A1</a>");
    let building_page = browser.call("GET", "/url", None).as_str().unwrap_or_default().to_owned();

    browser.open(&format!("{site}/owners/new"));
    browser.fill("#first_name", "Chloé");
    browser.fill("#last_name", "Lambert");
    browser.fill("#email", "chloe.lambert@example.be");
    browser.click("main button[type=submit]");
    browser.wait_for("<dd>chloe.lambert@example.be</dd>");

    browser.open(&building_page);
    browser.click("a[href^='/units/']");
    browser.wait_for("/ownerships/new");
    browser.click("a[href$='/ownerships/new']");
    browser.wait_for(r#"id="start_date""#);
    browser.click("#owner_id option:nth-of-type(2)");
    browser.fill("#share", "100");
    browser.set("start_date", "2026-01-01");
    browser.click("main form[method=post] button[type=submit]");
    browser.wait_for(">Chloé Lambert</a>");

    browser.open(&format!("{site}/expenses/new"));
    browser.set("expense_date", "2026-03-15");
    browser.fill("#supplier", "Net & Clean SRL");
    browser.fill("#description", "Nettoyage des communs");
    browser.fill("#amount", "250.00");
    browser.choose("#category", "cleaning");
    browser.click("main button[type=submit]");
    browser.wait_for("€250.00");
}

/// The value of an input (a link shown to copy).
fn value_of(browser: &Browser, id: &str) -> String {
    let script = "return document.getElementById(arguments[0]).value";
    browser.call("POST", "/execute/sync", Some(json!({ "script": script, "args": [id] }))).as_str().unwrap_or_default().to_owned()
}

/// Day one of the new firm, in French: an expense typed with a decimal comma,
/// approving one (which shares it), a search, a call issued twice from one
/// preview and then cancelled, the owner invited, and the unit sold.
fn day_one(browser: &Browser, site: &str) {
    browser.open(&format!("{site}/lang/fr?back=/search%3Fq%3Dlambert"));
    browser.wait_for("Chloé Lambert");
    browser.open(&format!("{site}/expenses/new"));
    browser.set("expense_date", "2026-03-20");
    browser.fill("#supplier", "Schindler SA");
    browser.fill("#description", "Entretien ascenseur");
    browser.fill("#amount", "1.234,56");
    browser.click("main button[type=submit]");
    browser.wait_for("1.234,56");

    browser.click("a[href$='/approve']");
    browser.wait_for("Approuver et répartir");
    browser.screenshot("approve", 360);
    browser.click("main form[method=post] button[type=submit]");
    browser.wait_for("Dépense approuvée.");
    a_call_posted_twice_then_cancelled(browser, site);
    the_owner_invited_then_the_unit_sold(browser, site);
}

/// One preview, its confirmation sent twice: one call, which is then cancelled.
fn a_call_posted_twice_then_cancelled(browser: &Browser, site: &str) {
    browser.open(&format!("{site}/calls/new"));
    browser.wait_for(r#"id="due_date""#);
    browser.fill("#title", "Provisions navigateur");
    browser.set("as_of", "2026-04-01");
    browser.set("due_date", "2026-04-30");
    browser.fill("#working_amount", "1.000,50");
    browser.click("main button[type=submit]");
    browser.wait_for("Émettre");
    // The confirmation is posted into a second window, then clicked here: a double submission.
    let twice = "const form = document.querySelector('main form[method=post]'); form.target = 'twice'; form.submit(); form.target = '';";
    browser.call("POST", "/execute/sync", Some(json!({ "script": twice, "args": [] })));
    let windows = browser.call("GET", "/window/handles", None);
    assert_eq!(windows.as_array().map(Vec::len), Some(2), "the first submission went to its own window");
    std::thread::sleep(Duration::from_millis(500));
    browser.click("main form[method=post] button[type=submit]");
    browser.wait_for("+++");
    browser.open(&format!("{site}/calls"));
    let calls = browser.wait_for("Provisions navigateur");
    assert_eq!(calls.matches("Provisions navigateur").count(), 1, "one call: {calls}");
    browser.click("main td a[href^='/calls/']");
    browser.click("a[href$='/cancel']");
    browser.wait_for("Annuler cet appel");
    browser.click("main form[method=post] button[type=submit]");
    browser.wait_for("Appel supprimé.");
}

/// The owner, invited from their record, joins and sees their charge; then
/// the syndic records the unit's sale to a new owner.
fn the_owner_invited_then_the_unit_sold(browser: &Browser, site: &str) {
    browser.open(&format!("{site}/search?q=chlo%C3%A9+lambert"));
    browser.click("main li a[href^='/owners/']");
    browser.click("a[href*='/team?owner_id=']");
    browser.wait_for("chloe.lambert@example.be");
    browser.screenshot("team", 360);
    browser.click("#invite button[type=submit]");
    browser.wait_for("Invitation créée");
    let link = value_of(browser, "link");
    assert!(link.contains("/invite/kpi_"), "{link}");
    browser.click(".logout button");
    browser.wait_for(r#"id="password""#);
    browser.open(&link);
    browser.fill("#first_name", "Chloé");
    browser.fill("#last_name", "Lambert");
    browser.fill("#password", "mon lot au soleil 2026");
    browser.click("main button[type=submit]");
    let home = browser.wait_for("Bienvenue");
    assert!(home.contains("Résidence du Navigateur") && !home.contains("Résidence Saint-Lambert"), "their building only");
    browser.open(&format!("{site}/statement"));
    browser.wait_for("Entretien ascenseur");
    browser.click(".logout button");
    browser.wait_for(r#"id="password""#);

    // Back as the syndic: the unit is sold to a new owner.
    browser.fill("#email", "chloe@navigateur.be");
    browser.fill("#password", "un mot de passe assez long");
    browser.click("main button[type=submit]");
    browser.wait_for("Résidence du Navigateur");
    browser.open(&format!("{site}/owners/new"));
    browser.fill("#first_name", "Marc");
    browser.fill("#last_name", "Dupont");
    browser.click("main button[type=submit]");
    browser.wait_for("Marc Dupont");
    browser.open(&format!("{site}/search?q=a1"));
    browser.click("main li a[href^='/units/']");
    browser.click("a[href$='/transfer']");
    browser.wait_for("Vendeurs");
    browser.set("date", "2026-09-01");
    browser.click("#buyer_0 option:nth-of-type(3)");
    browser.fill("#share_0", "100");
    browser.click("main form[method=post] button[type=submit]");
    browser.wait_for("Mutation enregistrée");
}

/// A new organisation signs up in French, then meets the same validation
/// error in each language, next to its field.
fn sign_up_and_meet_validation_errors(browser: &Browser, site: &str) {
    // Sign up a new organisation, in French.
    browser.open(&format!("{site}/lang/fr?back=/signup"));
    for (field, value) in [
        ("organization_name", "ACP Navigateur"),
        ("first_name", "Chloé"),
        ("last_name", "Lambert"),
        ("email", "chloe@navigateur.be"),
        ("password", "un mot de passe assez long"),
    ] {
        browser.fill(&format!("#{field}"), value);
    }
    browser.click("main button[type=submit]");
    browser.wait_for("Aucun immeuble");

    // A validation error in each language, next to its field.
    browser.open(&format!("{site}/buildings/new"));
    for (lang, message) in
        [("fr", "pas un code postal du pays"), ("nl", "geen postcode van het land"), ("en", "not a postal code of the country")]
    {
        browser.open(&format!("{site}/lang/{lang}?back=/buildings/new"));
        browser.fill("#name", "Résidence du Navigateur");
        browser.fill("#address", "Rue du Test 1");
        browser.fill("#postal_code", "12");
        browser.fill("#city", "Namur");
        browser.click("main button[type=submit]");
        browser.wait_for(&format!(r#"<html lang="{lang}">"#));
        browser.wait_for("postal_code-error");
        let error = browser.text_of("#postal_code-error");
        assert!(error.contains(message), "{lang}: {error}");
        if lang == "fr" {
            browser.screenshot("building-form-error", 360);
        }
    }
    browser.fill("#postal_code", "5000");
    browser.click("main button[type=submit]");
    browser.wait_for("Rue du Test 1, 5000 Namur");
}

/// The demo syndic's calls, inbox, arrears, reminders and debits: each page
/// readable at 360 px, without scrolling sideways.
fn the_money_pages_hold_on_a_phone(browser: &Browser, site: &str) {
    browser.open(&format!("{site}/calls"));
    browser.click("main td a[href^='/calls/']");
    let call = browser.wait_for("+++");
    assert!(call.contains("/letters.pdf"), "the call links its letters");
    browser.screenshot("call", 360);
    browser.open(&format!("{site}/calls/new"));
    browser.wait_for(r#"id="due_date""#);
    browser.screenshot("call-form", 360);
    for (path, name, mark) in
        [("/payments?inbox=1", "inbox", "Imputer"), ("/arrears", "arrears", "Échu impayé"), ("/reminders", "reminders", "Rappels envoyés")]
    {
        browser.open(&format!("{site}{path}"));
        browser.wait_for(mark);
        browser.screenshot(name, 360);
    }
    // A debit the bank file could not settle, settled by hand.
    browser.open(&format!("{site}/debits?unmatched=1"));
    browser.wait_for("Rapprocher");
    browser.screenshot("debits", 360);
    browser.click("main select[name=expense_id] option:not([value=''])");
    browser.click("main form[action$='/settle'] button");
    browser.wait_for("Débit rapproché de sa dépense.");
}

#[test]
fn a_syndic_and_an_owner_use_the_web_interface_in_chromium() {
    let dir = scratch("browser");
    let port = free_port();
    let mut server = Running(Some(serve(&dir, &["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])));
    wait_ready(port, server.child());
    let (_driver, driver_port) = chromedriver();
    let browser = Browser::start(driver_port);
    let site = format!("http://127.0.0.1:{port}");

    sign_up_and_meet_validation_errors(&browser, &site);
    record_a_unit_an_owner_and_an_expense(&browser, &site);
    day_one(&browser, &site);
    browser.click(".logout button");
    // The logout's own navigation must land before the next one starts.
    browser.wait_for(r#"id="password""#);

    // The demo syndic's dashboard, on a phone and on a desktop.
    browser.open(&format!("{site}/lang/fr?back=/login"));
    browser.fill("#email", "syndic@demo.koprogo.be");
    browser.fill("#password", "koprogo-demo-2026");
    browser.click("main button[type=submit]");
    browser.wait_for("Résidence Saint-Lambert");
    browser.screenshot("dashboard", 360);
    browser.screenshot("dashboard", 1280);
    browser.open(&format!("{site}/expenses"));
    browser.screenshot("expenses", 360);
    the_money_pages_hold_on_a_phone(&browser, &site);
    browser.click(".logout button");
    browser.wait_for(r#"id="password""#);

    // An owner sees their own building only.
    browser.fill("#email", "proprietaire@demo.koprogo.be");
    browser.fill("#password", "koprogo-demo-2026");
    browser.click("main button[type=submit]");
    let owner = browser.wait_for("Résidence Les Érables");
    assert!(!owner.contains("Résidence Saint-Lambert") && !owner.contains("Residentie Ter Leie"), "no other building");
    assert!(!owner.contains("/buildings/new"));
    browser.open(&format!("{site}/statement"));
    browser.wait_for("Solde final");
    browser.screenshot("statement", 360);
    browser.click(".logout button");
    browser.wait_for(r#"id="password""#);

    // The platform admin's operations and business dashboards.
    browser.fill("#email", "admin@demo.koprogo.be");
    browser.fill("#password", "koprogo-demo-2026");
    browser.click("main button[type=submit]");
    browser.wait_for("/ops");
    browser.open(&format!("{site}/ops"));
    browser.wait_for("Latence P95");
    browser.screenshot("ops", 360);
    browser.screenshot("ops", 1280);
    browser.open(&format!("{site}/business"));
    browser.wait_for("Revenu mensuel récurrent");
    browser.screenshot("business", 360);
    drop(browser);
    terminate(server.take());
}
