//! The real binary: start-up with the demo on SQLite and on PostgreSQL, the
//! settings file, the command line, and a clean stop on SIGTERM.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

#[test]
fn serve_demo_on_a_fresh_machine_creates_sqlite_prints_accounts_and_stops_on_sigterm() {
    let dir = scratch("demo");
    let port = free_port();
    let mut child = serve(&dir, &["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")]);
    wait_ready(port, &mut child);
    assert!(dir.join("data/koprogo.sqlite3").exists(), "the default database is data/koprogo.sqlite3");
    let token = login(port, "syndic@demo.koprogo.be");
    let (status, body) = http(port, "GET", "/api/v1/buildings", Some(&token), None);
    assert_eq!(status, 200);
    let buildings: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(buildings["pagination"]["total_items"], 3);
    let stdout = child.stdout.take().expect("stdout");
    terminate(child);
    let printed: Vec<String> = BufReader::new(stdout).lines().map_while(Result::ok).collect();
    assert!(printed.iter().any(|l| l.contains("syndic@demo.koprogo.be")), "accounts printed: {printed:?}");
    assert!(printed.iter().any(|l| l.contains("koprogo-demo-2026")));

    // A second start keeps the data and does not seed again.
    let mut again = serve(&dir, &["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")]);
    wait_ready(port, &mut again);
    let token = login(port, "syndic@demo.koprogo.be");
    let (_, body) = http(port, "GET", "/api/v1/buildings", Some(&token), None);
    assert!(body.contains("\"total_items\":3"));
    terminate(again);
}

#[test]
fn the_settings_file_and_the_command_line_are_read() {
    let dir = scratch("config");
    let port = free_port();
    std::fs::write(dir.join("koprogo.toml"), format!("listen = \"127.0.0.1:{port}\"\ndatabase_url = \"sqlite://custom/k.sqlite3\"\n"))
        .expect("write");
    let create = Command::new(BIN)
        .current_dir(&dir)
        .args([
            "user",
            "create",
            "--email",
            "ops@example.be",
            "--role",
            "syndic",
            "--organization",
            "Syndic Ops",
            "--password",
            "a long enough password",
        ])
        .env_remove("KOPROGO_DATABASE_URL")
        .output()
        .expect("user create");
    assert!(create.status.success(), "{}", String::from_utf8_lossy(&create.stderr));
    assert!(dir.join("custom/k.sqlite3").exists());
    let mut child = serve(&dir, &["serve"]);
    wait_ready(port, &mut child);
    let (status, _) =
        http(port, "POST", "/api/v1/auth/login", None, Some(r#"{"email":"ops@example.be","password":"a long enough password"}"#));
    assert_eq!(status, 200);
    terminate(child);
    let refused = Command::new(BIN).current_dir(&dir).args(["seed", "--demo"]).output().expect("seed");
    assert!(!refused.status.success(), "the demo never touches a database that holds data");
    let bad_role =
        Command::new(BIN).current_dir(&dir).args(["user", "create", "--email", "x@example.be", "--role", "king"]).output().expect("run");
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("--role"));
}

#[test]
fn the_same_binary_runs_on_postgresql() {
    let (server, url) = fresh_postgres("binary");
    let dir = scratch("postgres");
    let port = free_port();
    let mut child = Command::new(BIN)
        .current_dir(&dir)
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("KOPROGO_DATABASE_URL", &url)
        .env("KOPROGO_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start");
    wait_ready(port, &mut child);
    assert!(!dir.join("data/koprogo.sqlite3").exists(), "no SQLite file when PostgreSQL is named");
    let token = login(port, "comptable@demo.koprogo.be");
    let (status, body) = http(port, "GET", "/api/v1/expenses?per_page=1", Some(&token), None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"total_items\":111"), "{body}");
    terminate(child);
    drop_postgres(&server, &url);
}

#[test]
fn a_client_trickling_its_headers_is_cut_off_while_others_are_served() {
    let dir = scratch("slowloris");
    let port = free_port();
    let mut child = serve(&dir, &["serve", "--listen", &format!("127.0.0.1:{port}"), "--header-timeout", "1"]);
    wait_ready(port, &mut child);
    let mut slow = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n").expect("partial head");
    let started = Instant::now();
    assert_eq!(http(port, "GET", "/health", None, None).0, 200, "others are served meanwhile");
    slow.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(4), "the slow client was cut after the header timeout, not after {waited:?}");
    terminate(child);
}

/// Opens a POST that announces 100 000 bytes and sends one.
fn trickling_body(port: u16) -> TcpStream {
    let mut slow = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let head =
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{";
    slow.write_all(head.as_bytes()).expect("head");
    slow.set_read_timeout(Some(Duration::from_secs(8))).expect("timeout");
    slow
}

#[test]
fn a_client_trickling_its_body_is_cut_off_and_clients_past_the_cap_wait_their_turn() {
    let dir = scratch("slowpost");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let args = ["serve", "--listen", &listen, "--body-timeout", "1", "--body-min-rate", "100", "--max-clients", "2"];
    let mut child = serve(&dir, &args);
    wait_ready(port, &mut child);
    let started = Instant::now();
    let (mut first, mut second) = (trickling_body(port), trickling_body(port));
    std::thread::sleep(Duration::from_millis(200));
    // Both slots are held: this one is answered once a slow body is cut.
    assert_eq!(http(port, "GET", "/health", None, None).0, 200);
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(4), "the third client waited {waited:?}");
    for slow in [&mut first, &mut second] {
        let mut answer = Vec::new();
        let _ = slow.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
    }
    let cut = started.elapsed();
    assert!(cut < Duration::from_secs(4), "the slow bodies were cut after {cut:?}, not after their pace allowed");
    terminate(child);
}
