//! On SQLite too, no connection may change or remove an audit event.

#[tokio::test]
async fn the_audit_trail_refuses_updates_and_deletes() {
    use sqlx::Connection;
    let path = std::env::temp_dir().join(format!("koprogo-audit-{}.sqlite3", uuid::Uuid::now_v7()));
    let url = format!("sqlite://{}", path.display());
    let store = koprogo_store_sqlite::open(&url).await.expect("open");
    let t = koprogo_store_contract::sample::tenant(&store).await;
    store.audit.append(vec![koprogo_store_contract::sample::audit_event(t, "building.created")]).await.expect("append");
    let mut raw = sqlx::SqliteConnection::connect(&url).await.expect("a plain connection");
    for sql in ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"] {
        let refused = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut raw).await;
        assert!(refused.expect_err(sql).to_string().contains("append-only"), "{sql}");
    }
    assert_eq!(store.audit.head(t.as_uuid()).await.expect("the head").map(|(seq, _)| seq), Some(1));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
