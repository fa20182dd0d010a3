//! `fetch` of `/refresh` and `/logout`, each with a 10-second limit.

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestCredentials, RequestInit, Response};

use super::js::describe;
use crate::core::http::Answer;

/// A request that has not answered by then fails as a network failure.
const TIME_LIMIT_MS: u32 = 10_000;

/// Sends `method url` with the backend's CSRF header and cookies.
pub async fn send(method: &str, url: &str) -> Answer {
    match try_send(method, url).await {
        Ok(outcome) => outcome,
        Err(e) => Answer::Unreachable(describe(&e)),
    }
}

async fn try_send(method: &str, url: &str) -> Result<Answer, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let abort = AbortController::new()?;
    let headers = Headers::new()?;
    headers.set("x-requested-with", "XMLHttpRequest")?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::Include);
    init.set_headers(&headers);
    init.set_signal(Some(&abort.signal()));
    let request = Request::new_with_str_and_init(url, &init)?;
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    // Dropped when this function returns, which clears the timer.
    let _limit = {
        let (abort, timed_out) = (abort.clone(), timed_out.clone());
        Timeout::new(TIME_LIMIT_MS, move || {
            timed_out.set(true);
            abort.abort();
        })
    };
    let result = async {
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await?
            .dyn_into()?;
        let body = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        Ok::<_, JsValue>(Answer::Answered {
            status: response.status(),
            status_text: response.status_text(),
            body,
        })
    }
    .await;
    match result {
        Err(_) if timed_out.get() => Ok(Answer::Unreachable(format!(
            "no answer within {} s",
            TIME_LIMIT_MS / 1000
        ))),
        other => other,
    }
}
