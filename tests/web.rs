//! Browser tests of the glue, in headless Chromium through `wasm-pack test`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use backstage_auth_wasm::web::api::{create_auth, AuthApi};
use backstage_auth_wasm::web::popup::wait_for_result;
use backstage_auth_wasm::web::requests::builtin_request_manager;
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlIFrameElement, Window};

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens here, so `/refresh` fails at once as a network error.
const DEAD_BACKEND: &str = "http://127.0.0.1:9/api/auth";

fn window() -> Window {
    web_sys::window().unwrap()
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn base_options() -> JsValue {
    obj(&[("baseUrl", DEAD_BACKEND.into())])
}

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

fn error_text(e: &JsValue) -> (String, String) {
    let get = |k: &str| {
        Reflect::get(e, &JsValue::from_str(k))
            .unwrap()
            .as_string()
            .unwrap_or_default()
    };
    (get("name"), get("message"))
}

/// Replaces a property of `window` for the length of a test, restoring it on drop.
struct Patch {
    key: &'static str,
    original: JsValue,
    _closure: JsValue,
}

impl Patch {
    fn new(key: &'static str, replacement: JsValue) -> Self {
        let original = Reflect::get(&window(), &JsValue::from_str(key)).unwrap();
        Reflect::set(&window(), &JsValue::from_str(key), &replacement).unwrap();
        Self {
            key,
            original,
            _closure: replacement,
        }
    }
}

impl Drop for Patch {
    fn drop(&mut self) {
        Reflect::set(&window(), &JsValue::from_str(self.key), &self.original).unwrap();
    }
}

/// Stubs `window.open`, recording its arguments and returning `result`.
fn stub_open(result: JsValue) -> (Rc<RefCell<Vec<Vec<String>>>>, Patch) {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let record = calls.clone();
    let f = Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>::new(
        move |a: JsValue, b: JsValue, c: JsValue| {
            record.borrow_mut().push(
                [a, b, c]
                    .iter()
                    .map(|v| v.as_string().unwrap_or_default())
                    .collect(),
            );
            result.clone()
        },
    );
    (calls, Patch::new("open", f.into_js_value()))
}

#[wasm_bindgen_test]
async fn instant_popup_opens_before_the_call_returns() {
    let (calls, _patch) = stub_open(JsValue::NULL);
    let api = create_auth("google", base_options()).unwrap();
    let promise = api.get_id_token(obj(&[("instantPopup", true.into())]));
    {
        let calls = calls.borrow();
        assert_eq!(calls.len(), 1, "window.open ran inside the call");
        assert_eq!(calls[0][0], "about:blank");
        assert_eq!(calls[0][1], "Google Login");
        assert!(
            calls[0][2].contains("width=450,height=730"),
            "{}",
            calls[0][2]
        );
    }
    // The refresh cannot reach the backend: a network error, so no login is attempted.
    let (name, message) = error_text(&settle(promise).await.unwrap_err());
    assert_eq!(name, "AuthConnectionError");
    assert!(
        message.starts_with("Auth refresh request failed"),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn popup_size_follows_popup_options() {
    let (calls, _patch) = stub_open(JsValue::NULL);
    let sized = obj(&[(
        "size",
        obj(&[("width", 500.into()), ("height", 1000.into())]),
    )]);
    let provider = obj(&[
        ("id", "my-provider".into()),
        ("title", "My Provider".into()),
    ]);
    let api = create_auth(
        "oauth2",
        obj(&[
            ("baseUrl", DEAD_BACKEND.into()),
            ("popupOptions", sized),
            ("provider", provider),
        ]),
    )
    .unwrap();
    let _ = settle(api.get_id_token(obj(&[("instantPopup", true.into())]))).await;
    let full = obj(&[("size", obj(&[("fullscreen", true.into())]))]);
    let api = create_auth(
        "okta",
        obj(&[("baseUrl", DEAD_BACKEND.into()), ("popupOptions", full)]),
    )
    .unwrap();
    let _ = settle(api.get_id_token(obj(&[("instantPopup", true.into())]))).await;
    let calls = calls.borrow();
    assert_eq!(calls[0][1], "My Provider Login");
    assert!(
        calls[0][2].contains("width=500,height=1000"),
        "{}",
        calls[0][2]
    );
    let screen = window().screen().unwrap();
    let expected = format!(
        "width={},height={}",
        screen.width().unwrap(),
        screen.height().unwrap()
    );
    assert_eq!(calls[1][1], "Okta Login");
    assert!(
        calls[1][2].contains(&expected),
        "{} lacks {expected}",
        calls[1][2]
    );
}

#[wasm_bindgen_test]
async fn options_are_validated_with_named_type_errors() {
    let create_err = |v: JsValue| {
        let e = create_auth("google", v).err().expect("create must fail");
        assert!(e.is_instance_of::<js_sys::TypeError>());
        error_text(&e).1
    };
    assert!(create_err("x".into()).contains("options"));
    assert!(create_err(Array::new().into()).contains("options"));
    assert!(create_err(obj(&[])).contains("baseUrl"));
    assert!(create_err(obj(&[("baseUrl", 5.into())])).contains("baseUrl"));
    assert!(create_err(obj(&[("discoveryApi", obj(&[]))])).contains("discoveryApi"));
    let bad_size = obj(&[("size", obj(&[("width", (-1).into()), ("height", 3.into())]))]);
    assert!(create_err(obj(&[
        ("baseUrl", DEAD_BACKEND.into()),
        ("popupOptions", bad_size)
    ]))
    .contains("popupOptions"));
    assert!(create_err(obj(&[
        ("baseUrl", DEAD_BACKEND.into()),
        ("defaultScopes", "a".into())
    ]))
    .contains("defaultScopes"));

    let api = create_auth("google", base_options()).unwrap();
    let rejects = |p: Promise, word: &'static str| async move {
        let e = settle(p).await.unwrap_err();
        assert!(e.is_instance_of::<js_sys::TypeError>(), "not a TypeError");
        let (_, message) = error_text(&e);
        assert!(message.contains(word), "{message} lacks {word}");
    };
    rejects(api.get_id_token("yes".into()), "options").await;
    rejects(api.get_id_token(Array::new().into()), "options").await;
    rejects(
        api.get_id_token(obj(&[("optional", "yes".into())])),
        "optional",
    )
    .await;
    rejects(
        api.get_id_token(obj(&[("instantPopup", 1.into())])),
        "instantPopup",
    )
    .await;
    rejects(api.get_access_token(5.into(), JsValue::UNDEFINED), "scope").await;
    let mixed: JsValue = Array::of2(&"a".into(), &1.into()).into();
    rejects(api.get_access_token(mixed, JsValue::UNDEFINED), "scope").await;
    // Unknown keys and null fields are fine; optional with an unreachable backend is ''.
    let ok = obj(&[
        ("optional", true.into()),
        ("instantPopup", JsValue::NULL),
        ("extra", 1.into()),
    ]);
    assert_eq!(settle(api.get_id_token(ok)).await.unwrap(), "");
}

#[wasm_bindgen_test]
async fn session_state_is_delivered_on_the_next_microtask() {
    let api: AuthApi = create_auth("auth0", base_options()).unwrap();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let record = seen.clone();
    let next = Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
        record.borrow_mut().push(v.as_string().unwrap())
    });
    let subscription = api.session_state().subscribe(next.as_ref().clone());
    assert!(seen.borrow().is_empty(), "never inside subscribe()");
    settle(Promise::resolve(&JsValue::UNDEFINED)).await.unwrap();
    assert_eq!(*seen.borrow(), ["SignedOut"]);
    subscription.unsubscribe();
    assert!(subscription.closed());
}

/// A same-origin frame that posts back whatever it is sent, so its messages come from a
/// window other than ours, as a popup's do.
async fn relay_frame() -> (HtmlIFrameElement, Window) {
    let doc = window().document().unwrap();
    let frame: HtmlIFrameElement = doc.create_element("iframe").unwrap().dyn_into().unwrap();
    frame.set_srcdoc(
        "<script>onmessage = function (e) { parent.postMessage(e.data, '*'); };</script>",
    );
    doc.body().unwrap().append_child(&frame).unwrap();
    let w = frame.content_window().unwrap();
    // Wait until its script runs (up to 3 s on a busy machine).
    for _ in 0..600 {
        if Reflect::get(&w, &"onmessage".into()).unwrap().is_function() {
            break;
        }
        TimeoutFuture::new(5).await;
    }
    (frame, w)
}

/// Waits until the background wait has ended (up to 3 s on a busy machine).
async fn ended(outcome: &Outcome) {
    for _ in 0..600 {
        if outcome.borrow().is_some() {
            return;
        }
        TimeoutFuture::new(5).await;
    }
}

fn relay(frame: &Window, data: &JsValue) {
    frame.post_message(data, "*").unwrap();
}

/// The outcome of a popup wait: the response as JSON text, or the error's name and message.
type Outcome = Rc<RefCell<Option<Result<String, (String, String)>>>>;

/// Runs `wait_for_result` in the background; the cell fills when it ends.
fn waiting(popup: Window, backend_origin: &str) -> Outcome {
    let out = Rc::new(RefCell::new(None));
    let fill = out.clone();
    let origin = window().location().origin().unwrap();
    let backend_origin = backend_origin.to_owned();
    wasm_bindgen_futures::spawn_local(async move {
        let r = wait_for_result(popup, backend_origin, origin).await;
        *fill.borrow_mut() = Some(r.map(|v| v.to_string()).map_err(|e| (e.name, e.message)));
    });
    out
}

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

const RESULT: &str = r#"{"type":"authorization_response","response":{"x":1}}"#;

#[wasm_bindgen_test]
async fn only_the_popups_messages_count() {
    let (frame, popup) = relay_frame().await;
    let own_origin = window().location().origin().unwrap();
    let result = waiting(popup.clone(), &own_origin);
    // From this window, not the popup: ignored however valid.
    window().post_message(&parse(RESULT), "*").unwrap();
    for junk in [
        "{}",
        r#"{"type":"not-auth-result"}"#,
        r#""authorization_response""#,
        "null",
    ] {
        relay(&popup, &parse(junk));
    }
    TimeoutFuture::new(50).await;
    assert!(result.borrow().is_none(), "still waiting");
    relay(&popup, &parse(RESULT));
    ended(&result).await;
    assert_eq!(result.borrow().clone(), Some(Ok(r#"{"x":1}"#.to_owned())));
    frame.remove();
}

#[wasm_bindgen_test]
async fn messages_from_another_origin_are_ignored_and_a_closed_popup_is_reported() {
    let (frame, popup) = relay_frame().await;
    let result = waiting(popup.clone(), "http://127.0.0.1:1");
    relay(&popup, &parse(RESULT));
    TimeoutFuture::new(50).await;
    assert!(result.borrow().is_none());
    // Closed later than a cut link would be: a person closed it.
    TimeoutFuture::new(1_500).await;
    frame.remove();
    ended(&result).await;
    let (name, message) = result.borrow().clone().unwrap().unwrap_err();
    assert_eq!(
        (name.as_str(), message.as_str()),
        ("PopupClosedError", "Login failed, popup was closed")
    );
}

#[wasm_bindgen_test]
async fn a_popup_closed_too_soon_for_a_person_is_a_cut_link() {
    let (frame, popup) = relay_frame().await;
    let result = waiting(popup.clone(), &window().location().origin().unwrap());
    frame.remove();
    ended(&result).await;
    let (name, message) = result.borrow().clone().unwrap().unwrap_err();
    assert_eq!(name, "PopupClosedError");
    assert!(message.contains("link to this page was cut"), "{message}");
}

#[wasm_bindgen_test]
async fn a_result_for_another_app_origin_is_named_on_close() {
    let (frame, popup) = relay_frame().await;
    let result = waiting(popup.clone(), &window().location().origin().unwrap());
    relay(
        &popup,
        &parse(r#"{"type":"config_info","targetOrigin":"http://differenthost"}"#),
    );
    TimeoutFuture::new(50).await;
    frame.remove();
    ended(&result).await;
    let (_, message) = result.borrow().clone().unwrap().unwrap_err();
    assert_eq!(
        message,
        "Login failed, Incorrect app origin, expected http://differenthost"
    );
}

/// Counts calls to `window[key]` and forwards them to the original.
fn counting(key: &'static str, filter: Option<&'static str>) -> (Rc<RefCell<u32>>, Patch) {
    let count = Rc::new(RefCell::new(0));
    let original: Function = Reflect::get(&window(), &JsValue::from_str(key))
        .unwrap()
        .dyn_into()
        .unwrap();
    let c = count.clone();
    let f = Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>::new(
        move |a: JsValue, b: JsValue, d: JsValue| {
            if filter.is_none_or(|f| a.as_string().as_deref() == Some(f)) {
                *c.borrow_mut() += 1;
            }
            original
                .call3(&window(), &a, &b, &d)
                .unwrap_or(JsValue::UNDEFINED)
        },
    );
    (count, Patch::new(key, f.into_js_value()))
}

#[wasm_bindgen_test]
async fn listener_and_poll_are_removed_when_the_login_ends() {
    let (frame, popup) = relay_frame().await;
    let (added, _a) = counting("addEventListener", Some("message"));
    let (removed, _r) = counting("removeEventListener", Some("message"));
    let (intervals, _s) = counting("setInterval", None);
    let (cleared, _c) = counting("clearInterval", None);
    let result = waiting(popup.clone(), &window().location().origin().unwrap());
    TimeoutFuture::new(20).await;
    assert_eq!((*added.borrow(), *intervals.borrow()), (1, 1));
    assert_eq!((*removed.borrow(), *cleared.borrow()), (0, 0));
    relay(
        &popup,
        &parse(
            r#"{"type":"authorization_response","error":{"name":"NopeError","message":"NOPE"}}"#,
        ),
    );
    ended(&result).await;
    assert_eq!(
        result.borrow().clone().unwrap(),
        Err(("NopeError".to_owned(), "NOPE".to_owned()))
    );
    assert_eq!((*removed.borrow(), *cleared.borrow()), (1, 1));
    frame.remove();
}

fn dialog() -> Option<Element> {
    window()
        .document()
        .unwrap()
        .query_selector("dialog")
        .unwrap()
}

fn click(selector: &str) {
    let el: HtmlElement = dialog()
        .unwrap()
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    el.click();
}

#[wasm_bindgen_test]
async fn the_modal_shows_rows_keeps_failures_and_goes_away() {
    let manager = builtin_request_manager();
    let attempts = Rc::new(RefCell::new(0));
    let count = attempts.clone();
    let on_auth_request = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_scopes: JsValue| {
        *count.borrow_mut() += 1;
        let e = js_sys::Error::new("The popup was blocked");
        e.set_name("PopupRejectedError");
        Promise::reject(&e)
    });
    let provider = obj(&[("id", "test".into()), ("title", "Test Provider".into())]);
    let requester = manager
        .create_auth_requester(obj(&[
            ("provider", provider),
            ("onAuthRequest", on_auth_request.as_ref().clone()),
        ]))
        .unwrap();
    assert!(dialog().is_none());
    let scopes = js_sys::Set::new(&Array::of1(&"a".into()));
    let pending: Promise = requester
        .call1(&JsValue::UNDEFINED, &scopes)
        .unwrap()
        .dyn_into()
        .unwrap();

    let d = dialog().expect("the modal opened");
    assert!(d.has_attribute("open"));
    assert_eq!(d.get_attribute("aria-modal").as_deref(), Some("true"));
    let label = d.get_attribute("aria-labelledby").unwrap();
    let title = window()
        .document()
        .unwrap()
        .get_element_by_id(&label)
        .unwrap();
    assert_eq!(title.text_content().as_deref(), Some("Login Required"));
    assert!(d.text_content().unwrap().contains("Test Provider"));
    let active = window().document().unwrap().active_element().unwrap();
    assert_eq!(
        active.get_attribute("data-action").as_deref(),
        Some("login"),
        "focus moved to the row's Log in button"
    );

    click("button[data-action=login]");
    TimeoutFuture::new(20).await;
    assert_eq!(*attempts.borrow(), 1);
    let row_text = dialog()
        .expect("a failed login keeps the modal")
        .text_content()
        .unwrap();
    assert!(row_text.contains("The popup was blocked"), "{row_text}");

    click("button[data-action=reject-all]");
    let (name, message) = error_text(&settle(pending).await.unwrap_err());
    assert_eq!(
        (name.as_str(), message.as_str()),
        ("RejectedError", "Login failed, rejected by user")
    );
    assert!(dialog().is_none(), "the modal left the DOM");
}
