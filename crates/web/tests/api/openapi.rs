use axum::http::{Method, StatusCode};
use koprogo_web::api::OPERATIONS;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_document_is_openapi_3_1_and_every_operation_has_an_access_rule() {
    let t = TestApp::new().await;
    let response = t.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(response.status, StatusCode::OK);
    let doc = &response.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let documented: Vec<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone())))
        .collect();
    for (method, path) in &documented {
        assert!(OPERATIONS.iter().any(|(m, p, _)| m == method && p == path), "{method} {path} has no entry in api::OPERATIONS");
    }
    for (method, path, _) in OPERATIONS {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is not documented");
    }
    assert_eq!(documented.len(), OPERATIONS.len());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}
