//! The same mix sent to KoproGo MVP (the system of the seed's report), for a
//! comparison in one sitting. Its API has the same paths and list shape; what
//! differs is the login's token field and what its create bodies require. Extra
//! fields are ignored by its JSON parser, so our bodies are kept and completed.

use serde_json::{Value, json};

/// Which API the load speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    #[default]
    Koprogo,
    /// KoproGo MVP at commit 1adc8b83 (`bench/mvp-compare.sh`).
    Mvp,
}

impl Api {
    /// The login answer's field that holds the bearer token.
    pub fn token_field(self) -> &'static str {
        match self {
            Api::Koprogo => "access_token",
            Api::Mvp => "token",
        }
    }

    /// The collections whose ids the mix reads (the MVP has no calls for funds).
    pub fn areas(self) -> &'static [&'static str] {
        match self {
            Api::Koprogo => &["buildings", "units", "owners", "expenses", "calls"],
            Api::Mvp => &["buildings", "units", "owners", "expenses"],
        }
    }

    /// Completes a create body for `path` with what this API requires.
    pub fn body(self, path: &str, mut body: Value) -> Value {
        if self == Api::Koprogo {
            return body;
        }
        // The MVP takes the organisation from the token but still requires the field.
        body["organization_id"] = json!("");
        match path {
            "/api/v1/buildings" => body["total_units"] = json!(200),
            "/api/v1/units" => body["unit_type"] = json!("Apartment"),
            "/api/v1/expenses" => {
                body["category"] = json!("Maintenance");
                let amount: f64 = body["amount"].as_str().and_then(|a| a.parse().ok()).unwrap_or(100.0);
                body["amount"] = json!(amount);
                let date = body["expense_date"].as_str().unwrap_or("2026-01-01").to_owned();
                body["expense_date"] = json!(format!("{date}T00:00:00Z"));
            }
            _ => {}
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mvp_expenses_carry_a_float_amount_and_an_rfc3339_date() {
        let body = Api::Mvp.body("/api/v1/expenses", json!({ "amount": "12.34", "expense_date": "2026-03-04", "category": "maintenance" }));
        assert_eq!(body["amount"], json!(12.34));
        assert_eq!(body["expense_date"], json!("2026-03-04T00:00:00Z"));
        assert_eq!(body["category"], json!("Maintenance"));
        assert_eq!(body["organization_id"], json!(""));
    }

    #[test]
    fn koprogo_bodies_are_sent_as_built() {
        let body = json!({ "amount": "12.34" });
        assert_eq!(Api::Koprogo.body("/api/v1/expenses", body.clone()), body);
    }
}
