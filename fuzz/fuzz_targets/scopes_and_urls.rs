//! Any scope string, through every bundled transform, the Microsoft audience rule and the
//! URL builders, without a panic; URLs stay percent-encoded ASCII.
#![no_main]

use backstage_auth_wasm::core::microsoft::audience_of;
use backstage_auth_wasm::core::provider::PROVIDERS;
use backstage_auth_wasm::core::scope::{normalize_scopes, ScopeInput};
use backstage_auth_wasm::core::url::{Endpoints, Flow};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = audience_of(text);
    let list = ScopeInput::List(text.split('\0').map(str::to_owned).collect());
    for input in [ScopeInput::Text(text.to_owned()), list] {
        for p in PROVIDERS {
            let scopes = normalize_scopes(&input, |v| p.transform.apply(v));
            let ends = Endpoints::new("http://127.0.0.1:7007/api/auth", p.id, text);
            let extra = vec![(text.to_owned(), text.to_owned())];
            for url in [
                ends.refresh(&scopes),
                ends.start(&extra, &scopes.join(), text, &Flow::Popup),
                ends.start(&[], text, "http://o", &Flow::Redirect(text)),
                ends.logout(),
            ] {
                assert!(url.is_ascii(), "{url}");
            }
        }
    }
});
