//! Any message from the popup is classified without a panic, and a response in it parses to a
//! session or a named error.
#![no_main]

use backstage_auth_wasm::core::popup::{classify_message, closed_error, PopupMessage};
use backstage_auth_wasm::core::scope::ScopeSet;
use backstage_auth_wasm::core::session::{parse_session, ParseContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let requested = ScopeSet::new();
    match classify_message(&value) {
        PopupMessage::Response(response) => {
            let ctx = ParseContext {
                requested: &requested,
                started: Default::default(),
                transform: &|v| v,
            };
            let _ = parse_session(&response, &ctx);
        }
        PopupMessage::ConfigInfo { target_origin } => {
            let _ = closed_error(Some(&target_origin), "http://127.0.0.1:3000", 2_000.0);
        }
        PopupMessage::Failed(e) => assert!(!e.name.is_empty()),
        PopupMessage::Ignored => {}
    }
});
