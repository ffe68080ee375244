//! `koprogo audit verify` against a database someone edited behind the
//! service's back: a changed event is named, a cut tail is caught by the
//! signed head exported before.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlx::Connection as _;
use support::scratch;

const DATABASE: &str = "sqlite://data/audited.sqlite3";

fn koprogo(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(support::BIN);
    command.current_dir(dir).args(args).args(["--database-url", DATABASE]).env_remove("KOPROGO_DATABASE_URL").env("KOPROGO_LOG", "warn");
    command.output().expect("run koprogo")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A seeded database, and the organisation with the longest chain.
async fn seeded(name: &str) -> (PathBuf, sqlx::SqliteConnection, String) {
    let dir = scratch(name);
    let seeded = koprogo(&dir, &["seed", "--demo"]);
    assert!(seeded.status.success(), "{}", text(&seeded));
    let clean = koprogo(&dir, &["audit", "verify"]);
    assert!(clean.status.success() && text(&clean).contains("intact"), "{}", text(&clean));
    let file = dir.join("data/audited.sqlite3");
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.expect("open");
    let id: uuid::Uuid = sqlx::query_scalar("SELECT organization_id FROM audit_heads WHERE seq > 10 ORDER BY seq DESC LIMIT 1")
        .fetch_one(&mut connection)
        .await
        .expect("a long chain");
    (dir, connection, id.to_string())
}

/// An id as SQLite stores it (16 bytes), for raw SQL.
fn blob(id: &str) -> String {
    format!("x'{}'", id.replace('-', ""))
}

/// Raw SQL on the file, as someone with the disk would run it.
async fn tamper(connection: &mut sqlx::SqliteConnection, statements: &[String]) {
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone())).execute(&mut *connection).await.expect("tampering");
    }
}

#[tokio::test]
async fn an_edited_event_is_named() {
    let (dir, mut connection, organization) = seeded("audit-edited").await;
    // The append-only trigger has to go first: the service itself could not do this.
    let edit = format!("UPDATE audit_events SET action = 'owner.viewed' WHERE seq = 3 AND organization_id = {}", blob(&organization));
    tamper(&mut connection, &["DROP TRIGGER audit_events_never_updated".to_owned(), edit]).await;
    let verified = koprogo(&dir, &["audit", "verify", "--organization", &organization]);
    assert!(!verified.status.success(), "{}", text(&verified));
    assert!(text(&verified).contains("BROKEN at event 3"), "{}", text(&verified));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_cut_tail_is_caught_by_the_head_exported_before() {
    let (dir, mut connection, organization) = seeded("audit-cut").await;
    let head = koprogo(&dir, &["audit", "head", "--organization", &organization]);
    assert!(head.status.success(), "{}", text(&head));
    std::fs::write(dir.join("head.json"), &head.stdout).expect("write the head");
    let org = blob(&organization);
    tamper(&mut connection, &[
        "DROP TRIGGER audit_events_never_deleted".to_owned(),
        format!("DELETE FROM audit_events WHERE seq > 5 AND organization_id = {org}"),
        format!("UPDATE audit_heads SET seq = 5, hash = (SELECT hash FROM audit_events WHERE organization_id = {org} AND seq = 5) WHERE organization_id = {org}"),
    ])
    .await;
    let alone = koprogo(&dir, &["audit", "verify", "--organization", &organization]);
    assert!(alone.status.success() && text(&alone).contains("5 events, intact"), "a chain cut at its end still links up: {}", text(&alone));
    let anchored = koprogo(&dir, &["audit", "verify", "--anchor", "head.json"]);
    assert!(!anchored.status.success(), "{}", text(&anchored));
    assert!(text(&anchored).contains("BROKEN at event 6") && text(&anchored).contains("events were cut"), "{}", text(&anchored));
    std::fs::remove_dir_all(dir).ok();
}
