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

#[test]
fn a_syndic_and_an_owner_use_the_web_interface_in_chromium() {
    let dir = scratch("browser");
    let port = free_port();
    let mut server = Running(Some(serve(&dir, &["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])));
    wait_ready(port, server.child());
    let (_driver, driver_port) = chromedriver();
    let browser = Browser::start(driver_port);
    let site = format!("http://127.0.0.1:{port}");

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
    assert!(browser.source().contains("Aucun immeuble"), "signed in on an empty dashboard");

    // A validation error in each language, next to its field.
    browser.open(&format!("{site}/buildings/new"));
    for (lang, message) in [("fr", "pas un code postal belge"), ("nl", "geen Belgische postcode"), ("en", "not a Belgian postal code")] {
        browser.open(&format!("{site}/lang/{lang}?back=/buildings/new"));
        browser.fill("#name", "Résidence du Navigateur");
        browser.fill("#address", "Rue du Test 1");
        browser.fill("#postal_code", "12");
        browser.fill("#city", "Namur");
        browser.click("main button[type=submit]");
        let error = browser.text_of("#postal_code-error");
        assert!(error.contains(message), "{lang}: {error}");
        if lang == "fr" {
            browser.screenshot("building-form-error", 360);
        }
    }
    browser.fill("#postal_code", "5000");
    browser.click("main button[type=submit]");
    let building = browser.source();
    assert!(building.contains("Résidence du Navigateur") && building.contains("Rue du Test 1, 5000 Namur"), "the building page");
    browser.click(".logout button");

    // The demo syndic's dashboard, on a phone and on a desktop.
    browser.open(&format!("{site}/lang/fr?back=/login"));
    browser.fill("#email", "syndic@demo.koprogo.be");
    browser.fill("#password", "koprogo-demo-2026");
    browser.click("main button[type=submit]");
    assert!(browser.source().contains("Résidence Saint-Lambert"));
    browser.screenshot("dashboard", 360);
    browser.screenshot("dashboard", 1280);
    browser.open(&format!("{site}/expenses"));
    browser.screenshot("expenses", 360);
    browser.click(".logout button");

    // An owner sees their own building only.
    browser.fill("#email", "proprietaire@demo.koprogo.be");
    browser.fill("#password", "koprogo-demo-2026");
    browser.click("main button[type=submit]");
    let owner = browser.source();
    assert!(owner.contains("Résidence Les Érables"), "the owner's building");
    assert!(!owner.contains("Résidence Saint-Lambert") && !owner.contains("Residentie Ter Leie"), "no other building");
    assert!(!owner.contains("/buildings/new"));
    drop(browser);
    terminate(server.take());
}
