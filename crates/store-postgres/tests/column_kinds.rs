//! The transfer reads every column by a kind named from its column's name:
//! PostgreSQL's own types say whether the naming rules hold.

use koprogo_app::ports::transfer::{ASSOCIATION_TABLES, Kind, kind_of};

#[tokio::test]
async fn every_transferred_column_is_of_the_kind_its_name_says() {
    let url = koprogo_store_postgres::testing::fresh_database_url().await;
    koprogo_store_postgres::connect(&url, 2).await.expect("migrated");
    let mut connection = koprogo_store_postgres::testing::session(&url).await;
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .fetch_all(&mut connection)
    .await
    .expect("catalogue");
    let mut checked = 0;
    for (table, column, data_type) in columns.iter().filter(|(t, _, _)| ASSOCIATION_TABLES.contains(&t.as_str())) {
        let expected = match data_type.as_str() {
            "uuid" => Kind::Uuid,
            "text" => Kind::Text,
            "integer" | "bigint" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "date" => Kind::Date,
            "timestamp with time zone" => Kind::Timestamp,
            other => panic!("{table}.{column} is of a type the transfer does not carry: {other}"),
        };
        assert_eq!(kind_of(column), expected, "{table}.{column} is {data_type}");
        checked += 1;
    }
    assert!(checked > 150, "checked {checked} columns");
}
