//! What the tests that run the real binary share: starting it, waiting for
//! readiness, plain HTTP/1.1 calls, databases on the test server.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_koprogo");

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("koprogo-smoke-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A port nobody listens on, never the same twice in one test binary: the
/// tests run in parallel, and two servers told the same port would answer
/// each other's clients.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let mut given = GIVEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// One HTTP/1.1 request with `Connection: close`; returns (status, body).
pub fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    try_http(port, method, path, token, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// As `http`, for calls that may meet a dead server.
pub fn try_http(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    // Read the head, then exactly Content-Length bytes when given (some
    // servers, chromedriver among them, keep the connection open), else to
    // the end.
    let mut reader = std::io::BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut reader, &mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok()).flatten()
    });
    let body = match length {
        Some(length) => {
            let mut bytes = vec![0; length];
            reader.read_exact(&mut bytes)?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        None => {
            let mut rest = String::new();
            reader.read_to_string(&mut rest)?;
            rest
        }
    };
    Ok((status, body))
}

pub fn wait_ready(port: u16, child: &mut Child) {
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

pub fn serve(dir: &PathBuf, args: &[&str]) -> Child {
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

pub fn login(port: u16, email: &str) -> String {
    let (status, body) =
        http(port, "POST", "/api/v1/auth/login", None, Some(&format!(r#"{{"email":"{email}","password":"koprogo-demo-2026"}}"#)));
    assert_eq!(status, 200, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).expect("json");
    value["access_token"].as_str().expect("token").to_owned()
}

pub fn terminate(mut child: Child) {
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

/// A new empty database on the server named by KOPROGO_TEST_DATABASE_URL:
/// (server URL, database URL).
pub fn fresh_postgres(label: &str) -> (String, String) {
    let server = std::env::var("KOPROGO_TEST_DATABASE_URL").expect("KOPROGO_TEST_DATABASE_URL must name a PostgreSQL server");
    let name = format!("koprogo_smoke_{label}_{}", std::process::id());
    let _ = Command::new("psql").args([&server, "-qc", &format!("DROP DATABASE IF EXISTS {name}")]).status();
    assert!(Command::new("psql").args([&server, "-qc", &format!("CREATE DATABASE {name}")]).status().expect("psql").success());
    let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).expect("URL with a database");
    (server, format!("{base}/{name}"))
}

/// Drops a database made by `fresh_postgres`.
pub fn drop_postgres(server: &str, url: &str) {
    let name = url.rsplit('/').next().unwrap_or_default();
    let _ = Command::new("psql").args([server, "-qc", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")]).status();
}

/// A server that is killed if the test fails before stopping it, so that a
/// failed run leaves no process (nor a database in use) behind.
pub struct Running(pub Option<Child>);

impl Running {
    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("running")
    }

    pub fn take(mut self) -> Child {
        self.0.take().expect("running")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
