//! Request bodies as the API reads them: any bytes give a value or a problem
//! (400 or 422), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = koprogo_web::extract::parse_json::<serde_json::Value>(data);
    let _ = koprogo_web::extract::parse_json::<Vec<koprogo_web::wire::Scalar>>(data);
    if let Ok(scalars) = koprogo_web::extract::parse_json::<Vec<koprogo_web::wire::Scalar>>(data) {
        for scalar in scalars {
            let _ = koprogo_domain::money::Cents::parse_euros(scalar.as_str());
            let _ = scalar.integer();
        }
    }
});
