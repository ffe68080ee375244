use axum::http::{Method, StatusCode};

use crate::helpers::TestApp;

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_operation() {
    let t = TestApp::new().await;
    let response = t.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(response.status, StatusCode::OK);
    let doc = &response.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let expected = [
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/auth/me"),
        ("get", "/api/v1/admin/organizations"),
    ];
    let mut operations = expected.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect::<Vec<_>>();
    for area in ["buildings", "units", "owners", "ownerships", "expenses"] {
        for (method, path) in [("get", ""), ("post", ""), ("get", "/{id}"), ("put", "/{id}"), ("delete", "/{id}")] {
            operations.push((method.to_owned(), format!("/api/v1/{area}{path}")));
        }
    }
    operations.push(("post".to_owned(), "/api/v1/expenses/{id}/approve".to_owned()));
    operations.push(("post".to_owned(), "/api/v1/expenses/{id}/pay".to_owned()));
    for (method, path) in &operations {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is not documented");
    }
    let documented: usize = doc["paths"].as_object().unwrap().values().map(|item| item.as_object().unwrap().len()).sum();
    assert_eq!(documented, operations.len(), "every documented operation is known to this test");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}
