//! Tabs of one app share a provider's session work: one `/refresh` at a time across tabs
//! (`navigator.locks`), whose answer the tabs waiting on the lock adopt (`BroadcastChannel`),
//! and a sign-out that reaches every tab. Tokens travel only between the app's own tabs, in
//! memory; nothing is stored.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::Poll;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::BroadcastChannel;

use super::js::{get, object, set, string_array};
use super::listener::Listener;
use crate::core::scope::ScopeSet;

/// A refresh answer another tab got.
#[derive(Clone)]
pub struct SharedAnswer {
    /// The response body, as the backend sent it.
    pub body: String,
    /// The scopes that tab asked for.
    pub scopes: ScopeSet,
    /// When that tab's request started, on the wall clock.
    pub started_wall_ms: f64,
    /// When this tab heard of it, on the wall clock.
    pub heard_wall_ms: f64,
}

type Hook = Rc<RefCell<Option<Box<dyn Fn()>>>>;

/// One provider's channel to the app's other tabs.
pub struct Tabs {
    channel: BroadcastChannel,
    lock_name: String,
    latest: Rc<RefCell<Option<SharedAnswer>>>,
    on_signed_out: Hook,
    _messages: Listener,
}

impl Tabs {
    /// Joins the channel named after `key` (provider, environment, backend); `None` where the
    /// browser has no `BroadcastChannel`.
    pub fn new(key: &str) -> Option<Self> {
        let channel = BroadcastChannel::new(&format!("backstage-auth:{key}")).ok()?;
        let latest: Rc<RefCell<Option<SharedAnswer>>> = Rc::default();
        let on_signed_out: Hook = Rc::default();
        let messages = {
            let (latest, on_signed_out) = (latest.clone(), on_signed_out.clone());
            Listener::new(&channel, "message", move |event| {
                let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                    return;
                };
                let data = event.data();
                match get(&data, "type").as_string().as_deref() {
                    Some("session") => {
                        let (Some(body), Some(started)) = (
                            get(&data, "body").as_string(),
                            get(&data, "startedWallMs").as_f64(),
                        ) else {
                            return;
                        };
                        let scopes = super::js::scope_items(&get(&data, "scopes"));
                        let heard = js_sys::Date::now();
                        *latest.borrow_mut() = Some(SharedAnswer {
                            body,
                            scopes,
                            started_wall_ms: started,
                            heard_wall_ms: heard,
                        });
                    }
                    Some("signed-out") => {
                        latest.borrow_mut().take();
                        // Take the hook out while it runs, so it may use this channel.
                        let hook = on_signed_out.borrow_mut().take();
                        if let Some(hook) = hook {
                            hook();
                            on_signed_out.borrow_mut().get_or_insert(hook);
                        }
                    }
                    _ => {}
                }
            })
        };
        Some(Self {
            channel,
            lock_name: format!("backstage-auth:refresh:{key}"),
            latest,
            on_signed_out,
            _messages: messages,
        })
    }

    /// Runs `hook` when another tab signs out.
    pub fn on_signed_out(&self, hook: impl Fn() + 'static) {
        *self.on_signed_out.borrow_mut() = Some(Box::new(hook));
    }

    /// An answer another tab got after `since_wall_ms`, if any.
    pub fn answer_since(&self, since_wall_ms: f64) -> Option<SharedAnswer> {
        self.latest
            .borrow()
            .clone()
            .filter(|a| a.heard_wall_ms >= since_wall_ms)
    }

    /// Tells the other tabs about a session this tab got.
    pub fn share_answer(&self, body: &str, scopes: &ScopeSet, started_wall_ms: f64) {
        let msg = object();
        set(&msg, "type", &JsValue::from_str("session"));
        set(&msg, "body", &JsValue::from_str(body));
        set(&msg, "scopes", &string_array(scopes.iter()));
        set(&msg, "startedWallMs", &JsValue::from_f64(started_wall_ms));
        let _ = self.channel.post_message(&msg);
    }

    /// Tells the other tabs the user signed out.
    pub fn share_signed_out(&self) {
        self.latest.borrow_mut().take();
        let msg = object();
        set(&msg, "type", &JsValue::from_str("signed-out"));
        let _ = self.channel.post_message(&msg);
    }

    /// Runs `work` holding this provider's lock across tabs.
    pub async fn exclusive<T>(&self, work: impl Future<Output = T>) -> T {
        with_lock(&self.lock_name, work).await
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// A promise and the function that resolves it.
fn deferred() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _| resolve = Some(res));
    // The executor runs synchronously inside `new Promise`, so `resolve` is set.
    (
        promise,
        resolve.unwrap_or_else(|| Function::from(JsValue::UNDEFINED)),
    )
}

/// Resolves the lock's release promise when dropped, so the lock is never held by a call
/// that ended or was dropped.
struct Release(Function);

impl Drop for Release {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

/// Runs `work` while holding the Web Lock `name`. Without `navigator.locks`, or if the lock
/// cannot be had, it runs `work` at once.
async fn with_lock<T>(name: &str, work: impl Future<Output = T>) -> T {
    let locks =
        web_sys::window().map(|w| Reflect::get(&w.navigator(), &JsValue::from_str("locks")));
    let Some(Ok(locks)) = locks.filter(|l| l.as_ref().is_ok_and(JsValue::is_object)) else {
        return work.await;
    };
    let Ok(request) = get(&locks, "request").dyn_into::<Function>() else {
        return work.await;
    };
    let (granted, grant) = deferred();
    let (held, release) = deferred();
    let _release = Release(release);
    let callback = Closure::once(move |_lock: JsValue| -> JsValue {
        let _ = grant.call0(&JsValue::UNDEFINED);
        held.into()
    });
    let done = match request.call2(&locks, &JsValue::from_str(name), callback.as_ref()) {
        Ok(p) => Promise::resolve(&p),
        Err(_) => return work.await,
    };
    // Wait for the grant. `done` settles only after the release, so if it settles first the
    // request failed; then the work runs without the lock rather than never.
    let mut granted = JsFuture::from(granted);
    let mut done = JsFuture::from(done);
    std::future::poll_fn(|cx| {
        if std::pin::Pin::new(&mut granted).poll(cx).is_ready()
            || std::pin::Pin::new(&mut done).poll(cx).is_ready()
        {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    let out = work.await;
    drop(_release);
    // Called by now (or never, if the request failed); either way it may go.
    drop(callback);
    out
}
