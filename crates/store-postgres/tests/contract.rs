//! The store contract on PostgreSQL: one fresh database per test on the server
//! named by KOPROGO_TEST_DATABASE_URL (the tests fail, not skip, without it).

async fn fresh() -> koprogo_app::Store {
    koprogo_store_postgres::testing::fresh_database().await
}

koprogo_store_contract::store_contract!(fresh);
