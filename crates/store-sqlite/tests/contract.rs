//! The store contract, on a private in-memory SQLite database per test.

async fn fresh() -> koprogo_app::Store {
    koprogo_store_sqlite::open_in_memory().await.expect("in-memory SQLite store")
}

koprogo_store_contract::store_contract!(fresh);

/// The same suite's first case on a real file (WAL, separate read and write pools).
#[tokio::test]
async fn a_file_database_keeps_what_was_written() {
    let path = std::env::temp_dir().join(format!("koprogo-contract-{}.sqlite3", uuid::Uuid::now_v7()));
    let url = format!("sqlite://{}", path.display());
    {
        let store = koprogo_store_sqlite::open(&url).await.expect("open");
        koprogo_store_contract::building_round_trips(store).await;
    }
    let reopened = koprogo_store_sqlite::open(&url).await.expect("reopen");
    assert!(!reopened.accounts.is_empty().await.expect("query"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
