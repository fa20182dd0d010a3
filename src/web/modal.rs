//! The built-in "Login Required" modal: a native `<dialog>` opened with `showModal()`, so the
//! browser keeps focus inside it and makes the page behind it inert.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlDialogElement, HtmlElement};

use super::js::{get, is_nullish, type_error};
use super::listener::Listener;

/// One row: a requester with pending requests.
pub struct Row {
    pub index: usize,
    pub title: String,
    /// The last failed login's message; empty when it had none.
    pub error: Option<String>,
    /// The login leaves the page rather than opening a popup.
    pub redirect: bool,
}

/// The modal's words; Backstage's English by default.
#[derive(Clone)]
struct Strings {
    title: String,
    auth_redirect_title: String,
    login: String,
    reject_all: String,
    unspecified_error: String,
}

impl Default for Strings {
    fn default() -> Self {
        Self {
            title: "Login Required".into(),
            auth_redirect_title: "This will trigger a http redirect to OAuth Login.".into(),
            login: "Log in".into(),
            reject_all: "Reject All".into(),
            unspecified_error: "An unspecified error occurred".into(),
        }
    }
}

thread_local! {
    static STRINGS: RefCell<Strings> = RefCell::default();
}

/// Replaces some of the modal's words: `{ title, authRedirectTitle, login, rejectAll,
/// unspecifiedError }`, named after Backstage's `oauthRequestDialog` translation keys. Keys
/// left out keep their current words; `null` brings back the default. The next render shows
/// them.
#[wasm_bindgen(js_name = setModalStrings)]
pub fn set_modal_strings(strings: JsValue) -> Result<(), JsValue> {
    if !strings.is_object() || js_sys::Array::is_array(&strings) {
        return Err(type_error("strings must be an object"));
    }
    let defaults = Strings::default();
    let mut next = STRINGS.with(|s| s.borrow().clone());
    let fields: [(&str, &mut String, &String); 5] = [
        ("title", &mut next.title, &defaults.title),
        (
            "authRedirectTitle",
            &mut next.auth_redirect_title,
            &defaults.auth_redirect_title,
        ),
        ("login", &mut next.login, &defaults.login),
        ("rejectAll", &mut next.reject_all, &defaults.reject_all),
        (
            "unspecifiedError",
            &mut next.unspecified_error,
            &defaults.unspecified_error,
        ),
    ];
    for (key, slot, default) in fields {
        let value = get(&strings, key);
        if value.is_null() {
            *slot = default.clone();
        } else if let Some(text) = value.as_string() {
            *slot = text;
        } else if !is_nullish(&value) {
            return Err(type_error(&format!("strings.{key} must be a string")));
        }
    }
    STRINGS.with(|s| *s.borrow_mut() = next);
    Ok(())
}

/// What the user asked for.
pub enum Action {
    LogIn(usize),
    RejectAll,
}

const TITLE_ID: &str = "backstage-auth-login-required-title";

/// The open modal. Dropping it removes it from the DOM.
pub struct Modal {
    dialog: HtmlDialogElement,
    title: Element,
    note: Element,
    list: Element,
    reject_all: HtmlElement,
    /// Whether a row's button has had focus once; the first one gets it when the modal opens.
    focused_row: Cell<bool>,
    _click: Listener,
    _cancel: Listener,
    _keys: Listener,
}

fn style(el: &Element, props: &[(&str, &str)]) {
    // CSSOM writes are allowed under a strict style-src, unlike style attributes.
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        for (k, v) in props {
            let _ = el.style().set_property(k, v);
        }
    }
}

fn element(doc: &Document, tag: &str) -> Option<Element> {
    doc.create_element(tag).ok()
}

impl Modal {
    /// Shows an empty modal; `on_action` hears its buttons.
    pub fn open(on_action: impl Fn(Action) + 'static) -> Option<Self> {
        let doc = web_sys::window()?.document()?;
        let dialog: HtmlDialogElement = element(&doc, "dialog")?.dyn_into().ok()?;
        dialog.set_class_name("backstage-auth-modal");
        let _ = dialog.set_attribute("aria-modal", "true");
        let _ = dialog.set_attribute("aria-labelledby", TITLE_ID);
        style(
            &dialog,
            &[
                (
                    "font-family",
                    "var(--backstage-auth-font, system-ui, sans-serif)",
                ),
                ("color", "var(--backstage-auth-color, #1f2328)"),
                ("background", "var(--backstage-auth-background, #fff)"),
                ("border", "none"),
                ("border-radius", "8px"),
                ("padding", "24px"),
                ("min-width", "320px"),
                ("box-shadow", "0 8px 32px rgba(0,0,0,.3)"),
            ],
        );
        let title = element(&doc, "h2")?;
        title.set_id(TITLE_ID);
        style(&title, &[("margin", "0 0 16px"), ("font-size", "1.25rem")]);
        let note = element(&doc, "p")?;
        style(&note, &[("margin", "-8px 0 16px")]);
        let list = element(&doc, "ul")?;
        style(
            &list,
            &[
                ("list-style", "none"),
                ("margin", "0 0 16px"),
                ("padding", "0"),
            ],
        );
        let reject_all: HtmlElement = element(&doc, "button")?.dyn_into().ok()?;
        let _ = reject_all.set_attribute("type", "button");
        let _ = reject_all.set_attribute("data-action", "reject-all");
        button_style(&reject_all);
        let _ = dialog.append_child(&title);
        let _ = dialog.append_child(&note);
        let _ = dialog.append_child(&list);
        let _ = dialog.append_child(&reject_all);
        let click = Listener::new(&dialog, "click", move |event| {
            let button = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("button[data-action]").ok().flatten());
            let Some(button) = button else { return };
            if button.get_attribute("aria-disabled").as_deref() == Some("true") {
                return;
            }
            match button.get_attribute("data-action").as_deref() {
                Some("login") => {
                    if let Some(i) = button
                        .get_attribute("data-index")
                        .and_then(|i| i.parse().ok())
                    {
                        on_action(Action::LogIn(i));
                    }
                }
                Some("reject-all") => on_action(Action::RejectAll),
                _ => {}
            }
        });
        // Escape would close the dialog with requests still pending; as in Backstage, only
        // the buttons end it.
        let cancel = Listener::new(&dialog, "cancel", |event| event.prevent_default());
        // A modal dialog makes the page inert, but Tab can still leave for the browser's own
        // controls; keep it cycling through the dialog's buttons.
        let keys = {
            let dialog = dialog.clone();
            Listener::new(&dialog.clone(), "keydown", move |event| {
                let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if key.key() != "Tab" {
                    return;
                }
                let Ok(buttons) = dialog.query_selector_all("button") else {
                    return;
                };
                let count = buttons.length();
                let at = |i: u32| {
                    buttons
                        .item(i)
                        .and_then(|n| n.dyn_into::<HtmlElement>().ok())
                };
                let active = dialog.owner_document().and_then(|d| d.active_element());
                let is = |el: &Option<HtmlElement>| match (el, &active) {
                    (Some(a), Some(b)) => a.is_same_node(Some(b)),
                    _ => false,
                };
                let (first, last) = (at(0), at(count.saturating_sub(1)));
                let target = if count == 0 {
                    None
                } else if key.shift_key() && is(&first) {
                    last
                } else if !key.shift_key() && is(&last) {
                    first
                } else {
                    return;
                };
                event.prevent_default();
                if let Some(t) = target {
                    let _ = t.focus();
                }
            })
        };
        doc.body()?.append_child(&dialog).ok()?;
        if dialog.show_modal().is_err() {
            dialog.remove();
            return None;
        }
        Some(Self {
            dialog,
            title,
            note,
            list,
            reject_all,
            focused_row: Cell::new(false),
            _click: click,
            _cancel: cancel,
            _keys: keys,
        })
    }

    /// Redraws the rows. While `busy`, every button is disabled.
    pub fn render(&self, rows: &[Row], busy: bool) {
        let Some(doc) = self.dialog.owner_document() else {
            return;
        };
        let strings = STRINGS.with(|s| s.borrow().clone());
        self.title.set_text_content(Some(&strings.title));
        self.reject_all.set_text_content(Some(&strings.reject_all));
        let redirect = rows.iter().any(|r| r.redirect);
        self.note
            .set_text_content(redirect.then_some(strings.auth_redirect_title.as_str()));
        style(
            &self.note,
            &[("display", if redirect { "block" } else { "none" })],
        );
        let had_focus = doc
            .active_element()
            .and_then(|a| a.get_attribute("data-index"));
        self.list.set_text_content(None);
        let mut focus_target = None;
        for row in rows {
            let Some(li) = element(&doc, "li") else {
                return;
            };
            style(
                &li,
                &[
                    ("display", "flex"),
                    ("flex-wrap", "wrap"),
                    ("align-items", "center"),
                    ("gap", "8px"),
                    ("padding", "8px 0"),
                ],
            );
            let name_id = format!("backstage-auth-login-required-row-{}", row.index);
            if let Some(name) = element(&doc, "span") {
                name.set_id(&name_id);
                name.set_text_content(Some(&row.title));
                style(&name, &[("flex", "1"), ("font-weight", "600")]);
                let _ = li.append_child(&name);
            }
            let Some(button) = element(&doc, "button") else {
                return;
            };
            let _ = button.set_attribute("type", "button");
            let _ = button.set_attribute("data-action", "login");
            let _ = button.set_attribute("data-index", &row.index.to_string());
            // The button is named "Log in"; the row's provider describes it.
            let _ = button.set_attribute("aria-describedby", &name_id);
            button.set_text_content(Some(&strings.login));
            button_style(&button);
            set_disabled(&button, busy);
            let _ = li.append_child(&button);
            if let Some(message) = &row.error {
                if let Some(p) = element(&doc, "p") {
                    let _ = p.set_attribute("role", "alert");
                    let text = if message.is_empty() {
                        &strings.unspecified_error
                    } else {
                        message
                    };
                    p.set_text_content(Some(text));
                    style(
                        &p,
                        &[
                            ("flex-basis", "100%"),
                            ("margin", "0"),
                            ("color", "var(--backstage-auth-error-color, #b42318)"),
                        ],
                    );
                    let _ = li.append_child(&p);
                }
            }
            if focus_target.is_none() || had_focus.as_deref() == Some(&row.index.to_string()) {
                focus_target = Some(button.clone());
            }
            let _ = self.list.append_child(&li);
        }
        set_disabled(&self.reject_all, busy);
        let focus_inside = doc
            .active_element()
            .is_some_and(|a| self.dialog.contains(Some(&a)));
        let first_render = !self.focused_row.replace(true);
        if first_render || !focus_inside {
            if let Some(b) = focus_target.and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
                let _ = b.focus();
            }
        }
    }
}

/// Marks a button unusable while a login runs. `aria-disabled` rather than `disabled`, so the
/// button keeps keyboard focus and focus stays in the dialog; clicks on it are ignored.
fn set_disabled(el: &Element, disabled: bool) {
    if disabled {
        let _ = el.set_attribute("aria-disabled", "true");
    } else {
        let _ = el.remove_attribute("aria-disabled");
    }
    style(el, &[("opacity", if disabled { "0.5" } else { "1" })]);
}

fn button_style(el: &Element) {
    style(
        el,
        &[
            ("font", "inherit"),
            ("padding", "6px 14px"),
            ("border-radius", "4px"),
            ("border", "1px solid var(--backstage-auth-accent, #1f6feb)"),
            (
                "background",
                "var(--backstage-auth-button-background, #fff)",
            ),
            ("color", "var(--backstage-auth-accent, #1f6feb)"),
            ("cursor", "pointer"),
        ],
    );
}

impl Drop for Modal {
    fn drop(&mut self) {
        self.dialog.close();
        self.dialog.remove();
    }
}
