//! The real binary: start-up with the demo on SQLite and on PostgreSQL, the
//! settings file, the command line, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_koprogo");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("koprogo-smoke-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// One HTTP/1.1 request with `Connection: close`; returns (status, body).
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn wait_ready(port: u16, child: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("koprogo exited early: {status}");
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() && http(port, "GET", "/health/ready", None, None).0 == 200 {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("koprogo did not become ready");
}

fn serve(dir: &PathBuf, args: &[&str]) -> Child {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env_remove("KOPROGO_DATABASE_URL")
        .env("KOPROGO_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start koprogo")
}

fn login(port: u16, email: &str) -> String {
    let (status, body) =
        http(port, "POST", "/api/v1/auth/login", None, Some(&format!(r#"{{"email":"{email}","password":"koprogo-demo-2026"}}"#)));
    assert_eq!(status, 200, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).expect("json");
    value["access_token"].as_str().expect("token").to_owned()
}

fn terminate(mut child: Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "koprogo should exit cleanly on SIGTERM, got {status}");
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "koprogo did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

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
    let server = std::env::var("KOPROGO_TEST_DATABASE_URL").expect("KOPROGO_TEST_DATABASE_URL must name a PostgreSQL server");
    let name = format!("koprogo_smoke_{}_{}", std::process::id(), Instant::now().elapsed().as_nanos());
    let created = Command::new("psql").args([&server, "-qc", &format!("CREATE DATABASE {name}")]).status().expect("psql");
    assert!(created.success());
    let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).expect("URL with a database");
    let url = format!("{base}/{name}");
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
    assert!(!dir.join("data").exists(), "no SQLite file when PostgreSQL is named");
    let token = login(port, "comptable@demo.koprogo.be");
    let (status, body) = http(port, "GET", "/api/v1/expenses?per_page=1", Some(&token), None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"total_items\":111"), "{body}");
    terminate(child);
    let _ = Command::new("psql").args([&server, "-qc", &format!("DROP DATABASE {name}")]).status();
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
