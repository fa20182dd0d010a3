//! Browser glue: thin wrappers that connect the core to `fetch`, popups, timers, the DOM
//! and JS callers.

mod api;
mod connector;
mod js;
mod listener;
mod modal;
mod observable;
mod options;
mod popup;
mod requests;
mod transport;
