//! The login popup: opening it, and waiting for the backend's result page to post to us.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::{Poll, Waker};

use gloo_timers::callback::Interval;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Window};

use super::js::to_json;
use super::listener::Listener;
use super::options::PopupSize;
use crate::core::error::AuthError;
use crate::core::popup::{classify_message, closed_error, popup_features, PopupMessage};

/// How often the popup is checked for having closed, as in Backstage.
const CLOSED_POLL_MS: u32 = 100;

/// Opens the popup. Must run inside the user's click, before any await, or the browser may
/// block it.
pub fn open(url: &str, name: &str, size: PopupSize) -> Result<Window, AuthError> {
    let window = web_sys::window().ok_or_else(AuthError::popup_rejected)?;
    let screen = window.screen().ok();
    let screen_w = screen.as_ref().and_then(|s| s.width().ok()).unwrap_or(0) as f64;
    let screen_h = screen.as_ref().and_then(|s| s.height().ok()).unwrap_or(0) as f64;
    let (width, height) = match size {
        PopupSize::Fixed { width, height } => (width, height),
        PopupSize::Fullscreen => (screen_w, screen_h),
    };
    let features = popup_features(width, height, screen_w, screen_h);
    match window.open_with_url_and_target_and_features(url, name, &features) {
        Ok(Some(popup)) if popup.closed() == Ok(false) => Ok(popup),
        _ => Err(AuthError::popup_rejected()),
    }
}

#[derive(Default)]
struct Waiting {
    result: Option<Result<Value, AuthError>>,
    target_origin: Option<String>,
    closed_polls: u32,
    waker: Option<Waker>,
}

impl Waiting {
    fn finish(&mut self, result: Result<Value, AuthError>) {
        if self.result.is_none() {
            self.result = Some(result);
            if let Some(w) = self.waker.take() {
                w.wake();
            }
        }
    }
}

/// Waits for the popup's result. Only messages whose source is `popup` and whose origin is
/// `backend_origin` count. The listener and the poll are removed when this returns or is
/// dropped.
pub async fn wait_for_result(
    popup: Window,
    backend_origin: String,
    app_origin: String,
) -> Result<Value, AuthError> {
    let window = web_sys::window().ok_or_else(AuthError::popup_closed)?;
    let waiting = Rc::new(RefCell::new(Waiting::default()));
    let opened = super::connector::now().mono_ms;
    let _messages = {
        let (waiting, popup) = (waiting.clone(), popup.clone());
        Listener::new(&window, "message", move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else {
                return;
            };
            let from_popup = event
                .source()
                .is_some_and(|s| js_sys::Object::is(&s, &popup));
            if !from_popup || event.origin() != backend_origin {
                return;
            }
            let Some(data) = to_json(&event.data()) else {
                return;
            };
            let mut waiting = waiting.borrow_mut();
            match classify_message(&data) {
                PopupMessage::Ignored => {}
                PopupMessage::ConfigInfo { target_origin } => {
                    waiting.target_origin = Some(target_origin)
                }
                PopupMessage::Response(response) => waiting.finish(Ok(response)),
                PopupMessage::Failed(error) => waiting.finish(Err(error)),
            }
        })
    };
    let popup_window = popup.clone();
    let _closed_poll = {
        let waiting = waiting.clone();
        Interval::new(CLOSED_POLL_MS, move || {
            if popup.closed().unwrap_or(true) {
                let mut waiting = waiting.borrow_mut();
                // A result posted just before the popup closed may still be queued as a task;
                // give it one more poll before calling the popup closed.
                waiting.closed_polls += 1;
                if waiting.closed_polls >= 2 {
                    let open_for = super::connector::now().mono_ms - opened;
                    let error =
                        closed_error(waiting.target_origin.as_deref(), &app_origin, open_for);
                    waiting.finish(Err(error));
                }
            }
        })
    };
    let result = std::future::poll_fn(|cx| {
        let mut waiting = waiting.borrow_mut();
        match waiting.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                waiting.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await;
    // The result page closes itself shortly; close it now, so that a login started at once
    // after this one opens a new popup instead of reusing this closing one (same name).
    let _ = popup_window.close();
    result
}
