//! The pure core: everything that decides, builds or parses, with no browser dependency.
//! It is tested natively with `cargo test`.

pub mod error;
pub mod http;
pub mod manager;
pub mod microsoft;
pub mod popup;
pub mod provider;
pub mod requests;
pub mod scope;
pub mod session;
pub mod url;
