//! The restore drill, through the binary, on both databases: seed, back up
//! while serving, change data and erase a person, restore the backup into a
//! fresh database (its tables checked against the manifest's hashes), and
//! find the person still erased. Encrypted and damaged backups, and the
//! service's own scheduled backups, too.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{Running, drop_postgres, free_port, fresh_postgres, http, login, scratch, serve, terminate, wait_ready};

fn koprogo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(support::BIN);
    command
        .current_dir(dir)
        .args(args)
        .env_remove("KOPROGO_DATABASE_URL")
        .env_remove("KOPROGO_BACKUP_PASSPHRASE")
        .env("KOPROGO_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run koprogo")
}

fn ok(output: &Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "koprogo failed: {text}");
    text
}

fn failed(output: &Output) -> String {
    assert!(!output.status.success(), "koprogo should have refused: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The single backup file of `folder`.
fn backup_in(folder: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(folder).expect("backups").filter_map(Result::ok).map(|e| e.path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files.into_iter().next().expect("a backup")
}

/// Serves `database`, adds a former owner, backs up, then adds a building and
/// erases the owner: what the backup has and the database no longer has.
fn drill(dir: &Path, database: &str) -> PathBuf {
    ok(&koprogo(dir, &["seed", "--demo", "--database-url", database], &[]));
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Running(Some(serve(&dir.to_path_buf(), &["serve", "--listen", &listen, "--database-url", database])));
    wait_ready(port, server.child());
    let token = login(port, "syndic@demo.koprogo.be");
    let owner = r#"{"first_name":"Hélène","last_name":"Vandamme-Drill","email":"helene.vandamme@drill.be","phone":"+32 478 98 76 54","iban":"BE62510007547061","language":"fr"}"#;
    let (status, body) = http(port, "POST", "/api/v1/owners", Some(&token), Some(owner));
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<serde_json::Value>(&body).expect("json")["id"].as_str().expect("id").to_owned();

    let backups = dir.join("backups");
    let taken = ok(&koprogo(dir, &["backup", "--to", "backups", "--database-url", database], &[]));
    assert!(taken.contains("tables"), "{taken}");

    let (status, body) = http(
        port,
        "POST",
        "/api/v1/buildings",
        Some(&token),
        Some(r#"{"name":"Résidence Après-Sauvegarde","address":"Rue Neuve 1","city":"Namur","postal_code":"5000","quota_base":1000}"#),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = http(port, "POST", &format!("/api/v1/owners/{id}/erase"), Some(&token), Some("{}"));
    assert_eq!(status, 200, "{body}");
    terminate(server.take());
    assert!(std::fs::read_to_string(dir.join("data/erasures.jsonl")).expect("the erasure log").contains(&id));
    backup_in(&backups)
}

/// The restored database holds the backup's data, not what came after, and not the erased person.
fn check_restored(dir: &Path, restored: &str, output: &str) {
    assert!(output.contains("identical to the manifest"), "{output}");
    assert!(output.contains("1 owners and 0 logins erased again"), "{output}");
    for gone in ["Vandamme-Drill", "helene.vandamme@drill.be", "+32 478 98 76 54", "BE62510007547061", "Après-Sauvegarde"] {
        let search = ok(&koprogo(dir, &["gdpr", "search", gone, "--database-url", restored], &[]));
        assert!(search.contains("no column holds"), "{gone}: {search}");
    }
    let kept = ok(&koprogo(dir, &["gdpr", "search", "Résidence", "--database-url", restored], &[]));
    assert!(kept.contains("buildings.name"), "the demo's buildings came back: {kept}");
    ok(&koprogo(dir, &["audit", "verify", "--database-url", restored], &[]));
}

#[test]
fn a_sqlite_backup_restores_to_its_manifest_and_the_erased_stay_erased() {
    let dir = scratch("restore-sqlite");
    let backup = drill(&dir, "sqlite://data/live.sqlite3");
    let from = backup.to_str().expect("path");
    let restored = ok(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/restored.sqlite3"], &[]));
    check_restored(&dir, "sqlite://data/restored.sqlite3", &restored);

    let existing = failed(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/restored.sqlite3"], &[]));
    assert!(existing.contains("--replace"), "{existing}");
    let replaced = ok(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/restored.sqlite3", "--replace"], &[]));
    assert!(replaced.contains("moved to"), "{replaced}");

    // A damaged archive is refused before anything is put in place.
    let mut bytes = std::fs::read(&backup).expect("backup");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(dir.join("damaged.zip"), bytes).expect("write");
    failed(&koprogo(&dir, &["restore", "--from", "damaged.zip", "--database-url", "sqlite://data/from-damaged.sqlite3"], &[]));
    assert!(!dir.join("data/from-damaged.sqlite3").exists());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn an_encrypted_backup_needs_its_passphrase() {
    let dir = scratch("restore-sealed");
    ok(&koprogo(&dir, &["seed", "--demo", "--database-url", "sqlite://data/live.sqlite3"], &[]));
    std::fs::write(dir.join("passphrase"), "correct horse battery staple\n").expect("write");
    let taken = ok(&koprogo(
        &dir,
        &["backup", "--to", "sealed", "--database-url", "sqlite://data/live.sqlite3", "--passphrase-file", "passphrase"],
        &[],
    ));
    let backup = backup_in(&dir.join("sealed"));
    assert!(backup.to_string_lossy().ends_with(".zip.age"), "{taken}");
    assert!(!String::from_utf8_lossy(&std::fs::read(&backup).expect("read")).contains("manifest.json"), "the archive is sealed");
    let from = backup.to_str().expect("path");
    let without = failed(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/a.sqlite3"], &[]));
    assert!(without.contains("passphrase"), "{without}");
    let wrong = [("KOPROGO_BACKUP_PASSPHRASE", "wrong horse")];
    failed(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/b.sqlite3"], &wrong));
    let right = [("KOPROGO_BACKUP_PASSPHRASE", "correct horse battery staple")];
    let restored = ok(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/c.sqlite3"], &right));
    assert!(restored.contains("identical to the manifest"), "{restored}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_postgresql_backup_restores_into_a_new_database_and_the_erased_stay_erased() {
    let dir = scratch("restore-postgres");
    let (server, live) = fresh_postgres("restore_live");
    let (_, target) = fresh_postgres("restore_target");
    let backup = drill(&dir, &live);
    let from = backup.to_str().expect("path");
    let restored = ok(&koprogo(&dir, &["restore", "--from", from, "--database-url", &target], &[]));
    check_restored(&dir, &target, &restored);
    let again = failed(&koprogo(&dir, &["restore", "--from", from, "--database-url", &target], &[]));
    assert!(again.contains("not empty"), "{again}");
    let sqlite = failed(&koprogo(&dir, &["restore", "--from", from, "--database-url", "sqlite://data/wrong.sqlite3"], &[]));
    assert!(sqlite.contains("postgresql backup"), "{sqlite}");
    drop_postgres(&server, &live);
    drop_postgres(&server, &target);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_service_backs_itself_up_keeps_the_newest_and_says_when() {
    let dir = scratch("scheduled");
    ok(&koprogo(&dir, &["seed", "--demo", "--database-url", "sqlite://data/live.sqlite3"], &[]));
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let args =
        ["serve", "--listen", &listen, "--database-url", "sqlite://data/live.sqlite3", "--backup-dir", "auto", "--backup-every", "1s"];
    let mut server = Running(Some(serve(&dir, &[&args[..], &["--backup-keep", "2", "--metrics-token", "scrape-me"]].concat())));
    wait_ready(port, server.child());
    let start = std::time::Instant::now();
    let mut metrics = String::new();
    while start.elapsed() < std::time::Duration::from_secs(30) {
        metrics = http(port, "GET", "/metrics", Some("scrape-me"), None).1;
        let taken = std::fs::read_dir(dir.join("auto")).map(|d| d.count()).unwrap_or(0);
        if metrics.contains("koprogo_backup_last_success_timestamp_seconds") && taken >= 2 && start.elapsed().as_secs() >= 4 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(metrics.contains("koprogo_backup_last_success_timestamp_seconds 1"), "{metrics}");
    terminate(server.take());
    let kept = std::fs::read_dir(dir.join("auto"))
        .expect("auto")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("koprogo-backup-"))
        .count();
    assert_eq!(kept, 2, "only the newest two are kept");
    std::fs::remove_dir_all(dir).ok();
}
