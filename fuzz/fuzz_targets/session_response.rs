//! Any `/refresh` answer (status, status text, body) is a session or a named error, never a
//! panic; a session it yields has sane freshness on any clock.
#![no_main]

use backstage_auth_wasm::core::http::{refresh_outcome, Answer};
use backstage_auth_wasm::core::scope::ScopeSet;
use backstage_auth_wasm::core::session::{Instant, ParseContext};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 10 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]);
    let wall = f64::from(u32::from_le_bytes([data[2], data[3], data[4], data[5]]));
    let mono = f64::from(u32::from_le_bytes([data[6], data[7], data[8], data[9]]));
    let text = String::from_utf8_lossy(&data[10..]);
    let (status_text, body) = text.split_once('\n').unwrap_or(("", &text));
    let requested: ScopeSet = ["openid", "email"].iter().collect();
    let answer = Answer::Answered {
        status,
        status_text: status_text.into(),
        body: body.into(),
    };
    let ctx = ParseContext {
        requested: &requested,
        started: Instant {
            wall_ms: wall,
            mono_ms: mono,
        },
        transform: &|v| v,
    };
    if let Ok(session) = refresh_outcome(&answer, &ctx) {
        for (dw, dm) in [
            (0.0, 0.0),
            (1e3, 1e3),
            (1e9, 0.0),
            (-1e9, 1e3),
            (f64::MAX, f64::MAX),
        ] {
            let _ = session.should_refresh(Instant {
                wall_ms: wall + dw,
                mono_ms: mono + dm,
            });
        }
        let _ = format!("{session:?}");
    }
    let _ = refresh_outcome(&Answer::Unreachable(text.to_string()), &ctx);
});
