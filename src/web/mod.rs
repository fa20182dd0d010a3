//! Browser glue: thin wrappers that connect the core to `fetch`, popups, timers, the DOM
//! and JS callers. Public only so the browser tests in `tests/` can reach it; apps use the
//! JS exports.
#![allow(missing_docs)]

pub mod api;
pub mod connector;
pub mod js;
pub mod listener;
pub mod modal;
pub mod observable;
pub mod options;
pub mod popup;
pub mod requests;
pub mod tabs;
pub mod transport;
