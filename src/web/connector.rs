//! The browser side of the session manager: `/refresh` and `/logout` over `fetch`, and
//! logins through the login requester or a popup opened at once.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::Window;

use super::js::{call1, describe, get, to_js_error};
use super::observable::Subject;
use super::options::{AuthParams, BaseUrl, FactoryOptions, PopupSize, ProviderInfo};
use super::tabs::Tabs;
use super::{popup, transport};
use crate::core::error::{AuthError, RefreshError};
use crate::core::http::{logout_outcome, refresh_outcome, Answer};
use crate::core::manager::Connector;
use crate::core::provider::ScopeTransform;
use crate::core::scope::ScopeSet;
use crate::core::session::{parse_session, Instant, ParseContext, Session};
use crate::core::url::{Endpoints, Flow};

/// A scope transform: a bundled one, or the caller's `scopeTransform`.
#[derive(Clone)]
pub enum Transform {
    Builtin(ScopeTransform),
    Js(Function),
}

impl Transform {
    /// Applies the transform. A caller's transform that throws or returns something other
    /// than an array of strings is reported as a `TypeError` naming `scopeTransform`.
    pub fn apply(&self, scopes: Vec<String>) -> Result<Vec<String>, JsValue> {
        match self {
            Transform::Builtin(t) => Ok(t.apply(scopes)),
            Transform::Js(f) => {
                let input: Array = scopes.iter().map(|s| JsValue::from_str(s)).collect();
                let out = call1(f, &input)?;
                super::options::string_list(&out).ok_or_else(|| {
                    super::js::type_error("scopeTransform must return an array of strings")
                })
            }
        }
    }

    /// Applies the transform to granted scopes, keeping them as they are if it fails.
    fn apply_lenient(&self, scopes: Vec<String>) -> Vec<String> {
        self.apply(scopes.clone()).unwrap_or(scopes)
    }
}

/// Now, on the wall clock and on the page's monotonic clock.
pub fn now() -> Instant {
    let mono_ms = web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now());
    Instant {
        wall_ms: js_sys::Date::now(),
        mono_ms,
    }
}

/// What a login needs; shared with the `onAuthRequest` callback.
pub struct LoginContext {
    provider: ProviderInfo,
    environment: String,
    base: BaseUrl,
    resolved_base: RefCell<Option<String>>,
    popup_size: PopupSize,
    auth_params: AuthParams,
    redirect_flow: bool,
    transform: Transform,
    /// Sessions from logins, handed through the login requester by number. The newest few
    /// are kept, since one login may settle several requests.
    results: RefCell<Vec<(u32, Rc<Session>)>>,
    next_result: Cell<u32>,
    /// The app's other tabs, where the browser lets us reach them.
    tabs: Option<Tabs>,
}

const KEPT_RESULTS: usize = 8;

/// A refresh that waited longer than this for the cross-tab lock waited on another tab.
const LOCK_CONTENDED_MS: f64 = 3.0;
/// How long, in polls, such a refresh listens for the other tab's answer before asking itself.
const SHARED_ANSWER_POLLS: u32 = 20;
const SHARED_ANSWER_POLL_MS: u32 = 5;

impl LoginContext {
    /// The auth plugin's base URL, asking `discoveryApi` the first time.
    async fn base_url(&self) -> Result<String, AuthError> {
        if let Some(base) = self.resolved_base.borrow().clone() {
            return Ok(base);
        }
        let base = match &self.base {
            BaseUrl::Fixed(url) => url.clone(),
            BaseUrl::Discovery(api) => {
                let call = || -> Result<Promise, JsValue> {
                    let getter: Function = get(api, "getBaseUrl").dyn_into()?;
                    Ok(Promise::resolve(
                        &getter.call1(api, &JsValue::from_str("auth"))?,
                    ))
                };
                let found = match call() {
                    Ok(promise) => JsFuture::from(promise).await,
                    Err(e) => Err(e),
                };
                match found.map(|v| v.as_string()) {
                    Ok(Some(url)) if !url.is_empty() => url,
                    Ok(_) => {
                        return Err(AuthError::connection(
                            "discoveryApi.getBaseUrl('auth') gave no URL",
                        ))
                    }
                    Err(e) => return Err(AuthError::connection(&describe(&e))),
                }
            }
        };
        *self.resolved_base.borrow_mut() = Some(base.clone());
        Ok(base)
    }

    /// Asks the backend for a session through its refresh cookie: one tab at a time, and a
    /// tab that waited takes the answer another tab got meanwhile instead of asking again.
    async fn refresh(&self, scopes: &ScopeSet) -> Result<Session, RefreshError> {
        let base = self.base_url().await.map_err(RefreshError::Connection)?;
        let started = now();
        let work = async {
            if let Some(session) = self.adopt_shared(scopes, started) {
                return Ok(session);
            }
            // Waiting for the lock means another tab was refreshing. Its answer travels on the
            // channel, which may arrive a moment after the lock does: give it that moment.
            if self.tabs.is_some() && now().mono_ms - started.mono_ms > LOCK_CONTENDED_MS {
                for _ in 0..SHARED_ANSWER_POLLS {
                    gloo_timers::future::TimeoutFuture::new(SHARED_ANSWER_POLL_MS).await;
                    if let Some(session) = self.adopt_shared(scopes, started) {
                        return Ok(session);
                    }
                }
            }
            let answer = transport::send("GET", &self.endpoints(&base).refresh(scopes)).await;
            let parse = ParseContext {
                requested: scopes,
                started,
                transform: &|v| self.transform.apply_lenient(v),
            };
            let outcome = refresh_outcome(&answer, &parse);
            if let (Ok(_), Answer::Answered { body, .. }, Some(tabs)) =
                (&outcome, &answer, &self.tabs)
            {
                tabs.share_answer(body, scopes, started.wall_ms);
            }
            outcome
        };
        match &self.tabs {
            Some(tabs) => tabs.exclusive(work).await,
            None => work.await,
        }
    }

    /// The session another tab got while this one waited for the lock, if it covers `scopes`.
    fn adopt_shared(&self, scopes: &ScopeSet, started: Instant) -> Option<Session> {
        let shared = self.tabs.as_ref()?.answer_since(started.wall_ms)?;
        // Expiry counts from the earlier of the two requests' starts.
        let earlier_by = (started.wall_ms - shared.started_wall_ms).max(0.0);
        let parse = ParseContext {
            requested: &shared.scopes,
            started: Instant {
                wall_ms: started.wall_ms - earlier_by,
                mono_ms: started.mono_ms - earlier_by,
            },
            transform: &|v| self.transform.apply_lenient(v),
        };
        let answer = Answer::Answered {
            status: 200,
            status_text: String::new(),
            body: shared.body,
        };
        refresh_outcome(&answer, &parse)
            .ok()
            .filter(|s| s.covers(scopes))
    }

    /// Ends the session on the backend (under the same lock as refreshes, so no tab refreshes
    /// with the cookie being cleared), then tells the other tabs.
    async fn logout(&self) -> Result<(), AuthError> {
        let base = self
            .base_url()
            .await
            .map_err(|e| AuthError::logout_unreachable(&e.message))?;
        let work = async {
            logout_outcome(&transport::send("POST", &self.endpoints(&base).logout()).await)
        };
        let result = match &self.tabs {
            Some(tabs) => tabs.exclusive(work).await,
            None => work.await,
        };
        if let (Ok(()), Some(tabs)) = (&result, &self.tabs) {
            tabs.share_signed_out();
        }
        result
    }

    fn endpoints(&self, base: &str) -> Endpoints {
        Endpoints::new(base, &self.provider.id, &self.environment)
    }

    /// `authorizationParams` as string pairs; anything that is not a string is left out.
    fn extra_params(&self) -> Vec<(String, String)> {
        let params = match &self.auth_params {
            AuthParams::None => return Vec::new(),
            AuthParams::Object(o) => o.clone(),
            AuthParams::Function(f) => match f.call0(&JsValue::UNDEFINED) {
                Ok(v) if v.is_object() => v,
                _ => return Vec::new(),
            },
        };
        Object::entries(params.unchecked_ref())
            .iter()
            .filter_map(|pair| {
                let pair: Array = pair.unchecked_into();
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect()
    }

    fn start_url(&self, base: &str, scopes: &ScopeSet, flow: &Flow<'_>) -> String {
        self.endpoints(base)
            .start(&self.extra_params(), &scopes.join(), &app_origin(), flow)
    }

    fn popup_name(&self) -> String {
        format!("{} Login", self.provider.title)
    }

    /// Opens a blank popup now, to be sent to `/start` once the call knows it needs a login.
    pub fn open_blank_popup(&self) -> Result<Window, AuthError> {
        popup::open("about:blank", &self.popup_name(), self.popup_size)
    }

    /// Starts a login for `scopes`. The popup (if any) opens before this returns, so call it
    /// inside the user's click; `early` is a popup opened even earlier for this call.
    pub fn begin_login(
        self: &Rc<Self>,
        scopes: ScopeSet,
        early: Option<Result<Window, AuthError>>,
    ) -> Result<impl Future<Output = Result<Rc<Session>, AuthError>>, AuthError> {
        let cached_base = self.resolved_base.borrow().clone();
        let popup = if self.redirect_flow {
            if let Some(Ok(unused)) = early {
                let _ = unused.close();
            }
            None
        } else {
            Some(match (early, &cached_base) {
                (Some(early), _) => (early?, true),
                (None, Some(base)) => {
                    let url = self.start_url(base, &scopes, &Flow::Popup);
                    (
                        popup::open(&url, &self.popup_name(), self.popup_size)?,
                        false,
                    )
                }
                (None, None) => (self.open_blank_popup()?, true),
            })
        };
        let ctx = self.clone();
        Ok(async move {
            let Some((popup, blank)) = popup else {
                let base = ctx.base_url().await?;
                return ctx.redirect(&base, &scopes).await;
            };
            // Until the popup is waiting for its result, a failure must not leave it open.
            let prepared = async {
                let base = ctx.base_url().await?;
                let url = ctx.start_url(&base, &scopes, &Flow::Popup);
                if blank && popup.location().set_href(&url).is_err() {
                    return Err(AuthError::popup_closed());
                }
                web_sys::Url::new_with_base(&url, &app_href())
                    .map(|u| u.origin())
                    .map_err(|_| AuthError::plain("The auth backend URL is not valid"))
            };
            let backend_origin = match prepared.await {
                Ok(origin) => origin,
                Err(e) => {
                    let _ = popup.close();
                    return Err(e);
                }
            };
            let response = match popup::wait_for_result(popup, backend_origin, app_origin()).await {
                Ok(response) => response,
                // The login may have finished in a popup that closed as its result was sent,
                // or whose link to us was cut: the backend's cookie knows. Ask once before
                // giving up, so the result is not lost.
                Err(closed) if closed.name == crate::core::error::POPUP_CLOSED => {
                    return match ctx.refresh(&scopes).await {
                        Ok(session) if session.covers(&scopes) => Ok(Rc::new(session)),
                        _ => Err(closed),
                    };
                }
                Err(other) => return Err(other),
            };
            let ctx_parse = ParseContext {
                requested: &scopes,
                started: now(),
                transform: &|v| ctx.transform.apply_lenient(v),
            };
            let session = parse_session(&response, &ctx_parse)
                .map_err(|e| AuthError::plain(e.to_string()))?;
            Ok(Rc::new(session))
        })
    }

    /// Leaves the page for the backend's `/start`; the page comes back signed in, and the
    /// session is then picked up through `/refresh`. The returned future never settles.
    async fn redirect(&self, base: &str, scopes: &ScopeSet) -> Result<Rc<Session>, AuthError> {
        let href = app_href();
        let url = self.start_url(base, scopes, &Flow::Redirect(&href));
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(&url);
        }
        std::future::pending().await
    }

    fn store_result(&self, session: Rc<Session>) -> u32 {
        let id = self.next_result.get();
        self.next_result.set(id.wrapping_add(1));
        let mut results = self.results.borrow_mut();
        if results.len() >= KEPT_RESULTS {
            results.remove(0);
        }
        results.push((id, session));
        id
    }

    fn result(&self, id: u32) -> Option<Rc<Session>> {
        self.results
            .borrow()
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, s)| s.clone())
    }
}

fn app_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn app_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The session manager's connector in the browser.
pub struct WebConnector {
    ctx: Rc<LoginContext>,
    requester: Function,
    /// Owns the `onAuthRequest` callback handed to the request API.
    _on_auth_request: Closure<dyn FnMut(JsValue) -> Promise>,
    /// A popup opened inside an `instantPopup` call, before it knew whether it needs it.
    early_popup: RefCell<Option<Result<Window, AuthError>>>,
    state: Rc<Subject>,
    /// What JS needs to answer `getIdToken()` without calling in here: the resolved promise
    /// of the current ID token, the wall-clock end of its freshness (`fresh_until_wall_ms`), and the last wall
    /// time at which it was confirmed fresh (a wall clock below that has moved back).
    hot: JsValue,
}

impl WebConnector {
    /// A connector for `options`, registering a login requester with the request API.
    pub fn new(
        options: FactoryOptions,
        transform: Transform,
        request_api: Option<&JsValue>,
        state: Rc<Subject>,
    ) -> Result<Self, JsValue> {
        let backend = match &options.base {
            BaseUrl::Fixed(url) => url.clone(),
            BaseUrl::Discovery(_) => "discovery".to_owned(),
        };
        let tabs = Tabs::new(&format!(
            "{}:{}:{backend}",
            options.provider.id, options.environment
        ));
        let ctx = Rc::new(LoginContext {
            provider: options.provider,
            environment: options.environment,
            base: options.base,
            resolved_base: RefCell::default(),
            popup_size: options.popup_size,
            auth_params: options.auth_params,
            redirect_flow: options.redirect_flow,
            transform,
            results: RefCell::default(),
            next_result: Cell::new(0),
            tabs,
        });
        let on_auth_request = {
            let ctx = ctx.clone();
            Closure::<dyn FnMut(JsValue) -> Promise>::new(move |scopes: JsValue| {
                let scopes = super::js::scope_items(&scopes);
                match ctx.begin_login(scopes, None) {
                    Ok(login) => {
                        let ctx = ctx.clone();
                        future_to_promise(async move {
                            let session = login.await.map_err(|e| to_js_error(&e))?;
                            Ok(JsValue::from(ctx.store_result(session)))
                        })
                    }
                    Err(e) => Promise::reject(&to_js_error(&e)),
                }
            })
        };
        let requester_options = super::js::object();
        super::js::set(&requester_options, "provider", &ctx.provider.js);
        if ctx.redirect_flow {
            super::js::set(&requester_options, "redirectFlow", &JsValue::TRUE);
        }
        super::js::set(
            &requester_options,
            "onAuthRequest",
            on_auth_request.as_ref(),
        );
        let requester = match request_api {
            None => super::requests::OAuthRequestManager::shared()
                .create_requester(&requester_options)?,
            Some(api) => {
                let create: Function = get(api, "createAuthRequester").dyn_into()?;
                create
                    .call1(api, &requester_options)?
                    .dyn_into()
                    .map_err(|_| {
                        super::js::type_error(
                            "oauthRequestApi.createAuthRequester must return a function",
                        )
                    })?
            }
        };
        let hot = super::js::object();
        Ok(Self {
            hot,
            ctx,
            requester,
            _on_auth_request: on_auth_request,
            early_popup: RefCell::default(),
            state,
        })
    }

    /// Runs `hook` when another tab of the app signs out of this provider.
    pub fn on_other_tab_signed_out(&self, hook: impl Fn() + 'static) {
        if let Some(tabs) = &self.ctx.tabs {
            tabs.on_signed_out(hook);
        }
    }

    /// The object JS reads for the `getIdToken()` fast path.
    pub fn hot(&self) -> &JsValue {
        &self.hot
    }

    /// Records that the session was found fresh at `wall_ms`, so the fast path takes over
    /// again after a wall clock that moved back a little.
    pub fn confirm_fresh(&self, wall_ms: f64) {
        super::js::set(&self.hot, "lastWall", &JsValue::from_f64(wall_ms));
    }

    /// The transform for scopes asked for by callers.
    pub fn transform(&self) -> &Transform {
        &self.ctx.transform
    }

    /// Opens the popup of an `instantPopup` call now, inside the caller's click.
    pub fn open_early_popup(&self) {
        if !self.ctx.redirect_flow {
            *self.early_popup.borrow_mut() = Some(self.ctx.open_blank_popup());
        }
    }

    /// Closes an early popup the call did not need: a refresh brought the session.
    pub fn close_unused_early_popup(&self) {
        if let Some(Ok(popup)) = self.early_popup.borrow_mut().take() {
            let _ = popup.close();
        }
    }

    async fn login_through_requester(&self, scopes: ScopeSet) -> Result<Rc<Session>, AuthError> {
        let set = js_sys::Set::new(&super::js::string_array(scopes.iter()));
        let result = match call1(&self.requester, &set) {
            Ok(promise) => JsFuture::from(Promise::resolve(&promise)).await,
            Err(e) => Err(e),
        };
        let id = result.map_err(|e| from_js_error(&e))?;
        id.as_f64()
            .and_then(|id| self.ctx.result(id as u32))
            .ok_or_else(|| AuthError::plain("The login request resolved without a session"))
    }
}

/// A JS error from a login requester, keeping its `name` and `message`.
pub fn from_js_error(e: &JsValue) -> AuthError {
    let text = |k: &str| get(e, k).as_string().filter(|s| !s.is_empty());
    match text("message") {
        Some(message) => AuthError::new(text("name").unwrap_or_else(|| "Error".into()), message),
        None => AuthError::plain(describe(e)),
    }
}

impl Connector for WebConnector {
    fn now(&self) -> Instant {
        now()
    }

    async fn refresh(&self, scopes: ScopeSet) -> Result<Session, RefreshError> {
        self.ctx.refresh(&scopes).await
    }

    async fn create(&self, scopes: ScopeSet, instant_popup: bool) -> Result<Session, AuthError> {
        let session = if instant_popup {
            let early = self.early_popup.borrow_mut().take();
            self.ctx.begin_login(scopes, early)?.await?
        } else {
            self.login_through_requester(scopes).await?
        };
        Ok(Session::clone(&session))
    }

    async fn logout(&self) -> Result<(), AuthError> {
        self.ctx.logout().await
    }

    fn session_changed(&self, session: Option<&Rc<Session>>) {
        let token = session
            .filter(|s| s.scopes.contains("openid"))
            .and_then(|s| Some((s, s.id_token.as_ref()?)));
        match token {
            Some((s, token)) => {
                let until = s.fresh_until_wall_ms();
                super::js::set(&self.hot, "wallUntil", &JsValue::from_f64(until));
                super::js::set(
                    &self.hot,
                    "lastWall",
                    &JsValue::from_f64(s.obtained.wall_ms),
                );
                super::js::set(
                    &self.hot,
                    "promise",
                    &Promise::resolve(&JsValue::from_str(token.expose())),
                );
            }
            None => super::js::set(&self.hot, "promise", &JsValue::UNDEFINED),
        }
    }

    fn state_changed(&self, signed_in: bool) {
        self.state.next(JsValue::from_str(if signed_in {
            "SignedIn"
        } else {
            "SignedOut"
        }));
    }
}
