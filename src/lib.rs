//! Backstage's frontend auth APIs (`googleAuthApiRef`, `microsoftAuthApiRef`, `oktaAuthApiRef`,
//! `oneloginAuthApiRef`, `auth0AuthApiRef`, `oauth2ApiRef`, `oidcAuthApiRef`) in Rust, for the
//! browser through WebAssembly.
//!
//! [`core`] holds all decisions and parsing and runs anywhere; the `web` module, built only
//! for `wasm32`, is the thin glue to `fetch`, popups, timers, the DOM and the JS exports.
#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod web;
