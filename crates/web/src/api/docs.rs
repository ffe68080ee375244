//! Completes the generated OpenAPI document with what every operation can
//! answer besides its own responses: the problem details of `error.rs`, under
//! their real content type, so that clients and fuzzers can rely on it.

use utoipa::Modify;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

pub struct ProblemResponses;

const PROBLEM: &str = "application/problem+json";

fn describe(code: &str) -> &'static str {
    match code {
        "400" => "Malformed request (JSON syntax, query string, id in the path)",
        "401" => "Missing, invalid or expired bearer token",
        "403" => "The role does not allow this, or organization_id is not the acting organisation",
        "404" => "No such object in the acting organisation",
        "409" => "Conflicts with existing data",
        "413" => "Body larger than 1 MiB",
        "415" => "Body is not application/json",
        "422" => "Invalid fields or a business rule refused",
        "429" => "Too many attempts; see Retry-After",
        _ => "Briefly unavailable; see Retry-After",
    }
}

fn complete(method: &str, path: &str, operation: &mut Operation) {
    let mut codes = vec!["400", "422", "503"];
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    if secured {
        codes.extend(["401", "403"]);
    }
    if operation.request_body.is_some() {
        codes.extend(["413", "415"]);
    }
    if path.contains('{') {
        codes.push("404");
    }
    if matches!(method, "post" | "put" | "delete") {
        codes.push("409");
    }
    if path.ends_with("/auth/login") {
        codes.extend(["401", "429"]);
    }
    let responses = &mut operation.responses.responses;
    for (code, response) in responses.iter_mut() {
        if let (true, RefOr::T(response)) = (code.starts_with('4') || code.starts_with('5'), response)
            && let Some(content) = response.content.shift_remove("application/json")
        {
            response.content.insert(PROBLEM.to_owned(), content);
        }
    }
    for code in codes {
        responses.entry(code.to_owned()).or_insert_with(|| {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
            RefOr::T(ResponseBuilder::new().description(describe(code)).content(PROBLEM, content).build())
        });
    }
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [("get", &mut item.get), ("put", &mut item.put), ("post", &mut item.post), ("delete", &mut item.delete)];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    complete(method, path, operation);
                }
            }
        }
    }
}
