//! The built-in login request manager, compatible with Backstage's `OAuthRequestApi`: one
//! queue per requester, merged scopes, one trigger settling every request it covers. Its
//! list of pending requests drives the built-in "Login Required" modal.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::js::{get, object, set, string_array, to_js_error, type_error};
use super::modal::{Modal, Row};
use super::observable::{Observable, Subject};
use crate::core::error::AuthError;
use crate::core::requests::PendingQueue;
use crate::core::scope::ScopeSet;

/// The functions that settle one queued request's promise.
struct Settle {
    resolve: Function,
    reject: Function,
}

struct Requester {
    provider: JsValue,
    title: String,
    on_auth_request: Function,
    queue: RefCell<PendingQueue<Settle>>,
    /// The message of the last failed login, shown in the modal's row.
    error: RefCell<Option<String>>,
    /// Its logins leave the page (`redirectFlow: true` in the requester options, which our
    /// factories set and Backstage's manager ignores).
    redirect: bool,
    /// The function `createAuthRequester` returned.
    _request: Closure<dyn FnMut(JsValue) -> Promise>,
    /// Backs every emitted `trigger`, bound to the scopes of that emission.
    trigger: Closure<dyn FnMut(JsValue) -> Promise>,
    /// Backs every emitted `reject`.
    reject: Closure<dyn FnMut()>,
}

/// The state behind the manager.
pub struct Requests {
    requesters: RefCell<Vec<Rc<Requester>>>,
    pending: Rc<Subject>,
    /// Whether this manager shows the built-in modal.
    with_modal: bool,
    modal: RefCell<Option<Modal>>,
    busy: Cell<bool>,
    me: Weak<Requests>,
}

impl Requests {
    fn new(with_modal: bool) -> Rc<Self> {
        Rc::new_cyclic(|me| Self {
            requesters: RefCell::default(),
            pending: Subject::new(Array::new().into()),
            with_modal,
            modal: RefCell::default(),
            busy: Cell::new(false),
            me: me.clone(),
        })
    }

    fn requester(&self, index: usize) -> Option<Rc<Requester>> {
        self.requesters.borrow().get(index).cloned()
    }

    /// Registers a requester; see [`OAuthRequestManager::create_auth_requester`].
    pub fn create_requester(&self, options: &JsValue) -> Result<Function, JsValue> {
        let provider = get(options, "provider");
        let title = get(&provider, "title").as_string();
        let on_auth_request = get(options, "onAuthRequest").dyn_into::<Function>().ok();
        let (Some(title), Some(on_auth_request)) = (title, on_auth_request) else {
            return Err(type_error(
                "createAuthRequester options need provider { id, title } and onAuthRequest",
            ));
        };
        let index = self.requesters.borrow().len();
        let me = self.me.clone();
        let request = Closure::<dyn FnMut(JsValue) -> Promise>::new({
            let me = me.clone();
            move |scopes: JsValue| {
                let scopes = super::js::scope_items(&scopes);
                let mut settle = None;
                let promise =
                    Promise::new(&mut |resolve, reject| settle = Some(Settle { resolve, reject }));
                if let (Some(me), Some(settle)) = (me.upgrade(), settle) {
                    if let Some(r) = me.requester(index) {
                        r.queue.borrow_mut().push(scopes, settle);
                        me.emit();
                    }
                }
                promise
            }
        });
        let trigger = Closure::<dyn FnMut(JsValue) -> Promise>::new({
            let me = me.clone();
            move |scopes: JsValue| match me.upgrade() {
                Some(me) => me.trigger(index, super::js::scope_items(&scopes)),
                None => Promise::resolve(&JsValue::UNDEFINED),
            }
        });
        let reject = Closure::<dyn FnMut()>::new(move || {
            if let Some(me) = me.upgrade() {
                me.reject(index);
            }
        });
        let function: Function = request.as_ref().clone().unchecked_into();
        self.requesters.borrow_mut().push(Rc::new(Requester {
            provider,
            title,
            on_auth_request,
            queue: RefCell::default(),
            error: RefCell::default(),
            redirect: get(options, "redirectFlow").as_bool() == Some(true),
            _request: request,
            trigger,
            reject,
        }));
        // As in Backstage, a new requester is announced on the next microtask, unchanged list
        // and all, so a subscriber hears of it after its own first value.
        let me = self.me.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(me) = me.upgrade() {
                me.emit();
            }
        });
        Ok(function)
    }

    /// Logs in for the scopes an emission captured. `onAuthRequest` runs before this
    /// returns, so a popup it opens stays inside the user's click.
    fn trigger(&self, index: usize, scopes: ScopeSet) -> Promise {
        let Some(r) = self.requester(index) else {
            return Promise::resolve(&JsValue::UNDEFINED);
        };
        let set = js_sys::Set::new(&string_array(scopes.iter()));
        let started = match r.on_auth_request.call1(&JsValue::UNDEFINED, &set) {
            Ok(v) => Promise::resolve(&v),
            Err(e) => Promise::reject(&e),
        };
        let me = self.me.clone();
        future_to_promise(async move {
            let outcome = JsFuture::from(started).await;
            let Some(me) = me.upgrade() else {
                return outcome.map(|_| JsValue::UNDEFINED);
            };
            match outcome {
                Ok(value) => {
                    *r.error.borrow_mut() = None;
                    let settled = r.queue.borrow_mut().take_covered(&scopes);
                    for s in settled {
                        let _ = s.resolve.call1(&JsValue::UNDEFINED, &value);
                    }
                    me.emit();
                    Ok(JsValue::UNDEFINED)
                }
                Err(e) => {
                    // Empty when the error had no message; the modal then says so in its words.
                    *r.error.borrow_mut() =
                        Some(get(&e, "message").as_string().unwrap_or_default());
                    me.emit();
                    Err(e)
                }
            }
        })
    }

    fn reject(&self, index: usize) {
        let Some(r) = self.requester(index) else {
            return;
        };
        let error = to_js_error(&AuthError::rejected());
        let settled = r.queue.borrow_mut().take_all();
        *r.error.borrow_mut() = None;
        for s in settled {
            let _ = s.reject.call1(&JsValue::UNDEFINED, &error);
        }
        self.emit();
    }

    fn reject_all(&self) {
        let count = self.requesters.borrow().len();
        for index in 0..count {
            self.reject(index);
        }
    }

    /// Publishes the pending list and redraws the modal.
    fn emit(&self) {
        let list = Array::new();
        let mut rows = Vec::new();
        for (index, r) in self.requesters.borrow().iter().enumerate() {
            let Some(union) = r.queue.borrow().union() else {
                continue;
            };
            let entry = object();
            set(&entry, "provider", &r.provider);
            let trigger: &Function = r.trigger.as_ref().unchecked_ref();
            set(
                &entry,
                "trigger",
                &trigger.bind1(&JsValue::NULL, &string_array(union.iter())),
            );
            set(&entry, "reject", r.reject.as_ref());
            list.push(&entry);
            rows.push(Row {
                index,
                title: r.title.clone(),
                error: r.error.borrow().clone(),
                redirect: r.redirect,
            });
        }
        if self.with_modal {
            self.render(rows);
        }
        self.pending.next(list.into());
    }

    fn render(&self, rows: Vec<Row>) {
        if rows.is_empty() {
            // Dropping the modal removes it from the DOM along with its listeners.
            let closing = self.modal.borrow_mut().take();
            drop(closing);
            return;
        }
        let mut modal = self.modal.borrow_mut();
        if modal.is_none() {
            let me = self.me.clone();
            *modal = Modal::open(move |action| {
                if let Some(me) = me.upgrade() {
                    me.on_modal_action(action);
                }
            });
        }
        if let Some(modal) = modal.as_ref() {
            modal.render(&rows, self.busy.get());
        }
    }

    fn on_modal_action(&self, action: super::modal::Action) {
        use super::modal::Action;
        match action {
            Action::LogIn(index) if !self.busy.get() => {
                let Some(r) = self.requester(index) else {
                    return;
                };
                let Some(union) = r.queue.borrow().union() else {
                    return;
                };
                self.busy.set(true);
                self.emit();
                let done = self.trigger(index, union);
                let me = self.me.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // The outcome shows in the row; nothing else waits on it.
                    let _ = JsFuture::from(done).await;
                    if let Some(me) = me.upgrade() {
                        me.busy.set(false);
                        me.emit();
                    }
                });
            }
            Action::LogIn(_) => {}
            Action::RejectAll => self.reject_all(),
        }
    }
}

/// The request manager object handed to apps.
#[wasm_bindgen]
pub struct OAuthRequestManager {
    requests: Rc<Requests>,
}

impl OAuthRequestManager {
    /// The page's built-in manager, used by factories that were given no `oauthRequestApi`.
    pub fn shared() -> Rc<Requests> {
        thread_local! {
            static SHARED: Rc<Requests> = Requests::new(true);
        }
        SHARED.with(Rc::clone)
    }
}

#[wasm_bindgen]
impl OAuthRequestManager {
    /// Registers a login requester: `{ provider, onAuthRequest(scopes) }` gives a function
    /// that queues a request and returns a promise of `onAuthRequest`'s result.
    #[wasm_bindgen(js_name = createAuthRequester)]
    pub fn create_auth_requester(&self, options: JsValue) -> Result<Function, JsValue> {
        self.requests.create_requester(&options)
    }

    /// The observable list of pending requests, each `{ provider, trigger(), reject() }`.
    #[wasm_bindgen(js_name = authRequest)]
    pub fn auth_request(&self) -> Observable {
        Observable::of(&self.requests.pending)
    }
}

/// The built-in request manager that drives the modal.
#[wasm_bindgen(js_name = builtinRequestManager)]
pub fn builtin_request_manager() -> OAuthRequestManager {
    OAuthRequestManager {
        requests: OAuthRequestManager::shared(),
    }
}
