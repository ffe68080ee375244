//! Two `koprogo serve` on one PostgreSQL database serve the same users with no
//! sticky sessions, and the seed's load mix runs across both with 100 %
//! success (a short run: it proves correctness, not speed).

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use koprogo_load::report::Carbon;
use koprogo_load::{Config, run};
use support::{BIN, drop_postgres, free_port, fresh_postgres};

fn start(url: &str, port: u16, dir: &std::path::Path) -> Child {
    let child = Command::new(BIN)
        .current_dir(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--login-ip-burst", "100"])
        .env("KOPROGO_DATABASE_URL", url)
        .env("KOPROGO_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start koprogo");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "koprogo did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

async fn call(port: u16, method: &str, path: &str, token: Option<&str>, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
    let target = koprogo_load::client::Target::parse(&format!("http://127.0.0.1:{port}"), false).expect("target");
    let mut connection = koprogo_load::client::Connection::new(target, Duration::from_secs(10));
    let method = method.parse().expect("method");
    match connection.send(method, path, token, body.map(|b| b.to_string())).await {
        Ok(reply) => (reply.status, serde_json::from_slice(&reply.body).unwrap_or_default()),
        Err(_) => panic!("{path} failed"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_tokens_and_data_and_the_load_mix_succeeds_across_them() {
    let (server, url) = fresh_postgres("scale");
    let seeded = Command::new(BIN).args(["seed", "--demo"]).env("KOPROGO_DATABASE_URL", &url).stdout(Stdio::null()).status().expect("seed");
    assert!(seeded.success());
    let (a, b) = (free_port(), free_port());
    let dir = support::scratch("two-instances");
    let (mut first, mut second) = (start(&url, a, &dir), start(&url, b, &dir));

    let login = serde_json::json!({ "email": "syndic@demo.koprogo.be", "password": "koprogo-demo-2026" });
    let (status, session) = call(a, "POST", "/api/v1/auth/login", None, Some(login)).await;
    assert_eq!(status, 200);
    let token = session["access_token"].as_str().expect("token").to_owned();
    let (status, _) = call(b, "GET", "/api/v1/auth/me", Some(&token), None).await;
    assert_eq!(status, 200, "a token issued by one instance works on the other");
    let owner = serde_json::json!({ "first_name": "Els", "last_name": "Peeters" });
    let (status, created) = call(a, "POST", "/api/v1/owners", Some(&token), Some(owner)).await;
    assert_eq!(status, 201);
    let (status, read) = call(b, "GET", &format!("/api/v1/owners/{}", created["id"].as_str().expect("id")), Some(&token), None).await;
    assert_eq!((status, read["last_name"].as_str()), (200, Some("Peeters")), "a write on one is read on the other");

    let config = Config {
        base_urls: vec![format!("http://127.0.0.1:{a}"), format!("http://127.0.0.1:{b}")],
        connections: 4,
        duration: Duration::from_secs(5),
        rate: None,
        timeout: Duration::from_secs(5),
        users: vec!["syndic@demo.koprogo.be".to_owned(), "benevole@demo.koprogo.be".to_owned()],
        password: "koprogo-demo-2026".to_owned(),
        server_pids: vec![first.id(), second.id()],
        carbon: Carbon::default(),
        progress: false,
        login_flood: 0,
        ack_log: None,
        mix: koprogo_load::mix::Mix::Full,
        // As browsers ask: the mix also proves compressed answers decode and parse.
        compressed: true,
        api: koprogo_load::peer::Api::Koprogo,
    };
    let report = run(&config).await.expect("load run");
    println!("{report}");
    assert!(report.total_requests > 100, "the mix ran: {}", report.total_requests);
    assert_eq!(report.successful, report.total_requests, "every request of the mix succeeds: {:?}", report.failure_samples);

    for child in [&mut first, &mut second] {
        let _ = child.kill();
        let _ = child.wait();
    }
    drop_postgres(&server, &url);
}
