//! The JS surface: auth objects, the factories' `create`, `configure`, the module-level
//! `getIdToken` and the bundled `providers`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::connector::{Transform, WebConnector};
use super::js::{get, object, set, string_array, to_js_error, type_error};
use super::observable::{Observable, Subject};
use super::options::{
    factory_options, request_options, scope_input, FactoryOptions, RequestOptions,
};
use crate::core::manager::{SessionManager, SessionRequest};
use crate::core::microsoft::{audience_of, GRAPH_AUDIENCE};
use crate::core::provider::{bundled, PROVIDERS};
use crate::core::scope::{normalize_scopes, ScopeInput, ScopeSet};
use crate::core::session::Session;

struct Client {
    manager: SessionManager<WebConnector>,
    state: Rc<Subject>,
    /// `getIdToken` asks for `openid`, untransformed.
    openid: ScopeSet,
}

impl Client {
    fn new(
        options: FactoryOptions,
        transform: Transform,
        default_scopes: ScopeSet,
    ) -> Result<Rc<Self>, JsValue> {
        let state = Subject::new(JsValue::from_str("SignedOut"));
        let request_api = options.request_api.clone();
        let connector = WebConnector::new(options, transform, request_api.as_ref(), state.clone())?;
        let client = Rc::new(Client {
            manager: SessionManager::new(connector, default_scopes),
            state,
            openid: ["openid"].iter().collect(),
        });
        let weak = Rc::downgrade(&client);
        client.manager.connector().on_other_tab_signed_out(move || {
            if let Some(client) = weak.upgrade() {
                client.manager.sign_out_locally();
            }
        });
        Ok(client)
    }

    /// Runs a session request, opening an `instantPopup` call's popup first.
    fn session(
        self: &Rc<Self>,
        scopes: ScopeSet,
        options: RequestOptions,
    ) -> impl std::future::Future<Output = Result<Option<Rc<Session>>, JsValue>> {
        let connector = self.manager.connector();
        if options.instant_popup {
            connector.open_early_popup();
        }
        let client = self.clone();
        async move {
            let req = SessionRequest {
                scopes,
                optional: options.optional,
                instant_popup: options.instant_popup,
            };
            let result = client.manager.get_session(&req).await;
            client.manager.connector().close_unused_early_popup();
            result.map_err(|e| to_js_error(&e))
        }
    }

    /// Answers from the session in memory when it is fresh, else through `get_session`.
    fn answer(
        self: &Rc<Self>,
        scopes: ScopeSet,
        options: &JsValue,
        pick: fn(Option<&Session>) -> JsValue,
    ) -> Promise {
        let options = match request_options(options) {
            Ok(o) => o,
            Err(e) => return Promise::reject(&e),
        };
        if let Some(session) = self.manager.fresh_session(&scopes) {
            self.manager.connector().confirm_fresh(js_sys::Date::now());
            return Promise::resolve(&pick(Some(&session)));
        }
        let pending = self.session(scopes, options);
        future_to_promise(async move { Ok(pick(pending.await?.as_deref())) })
    }
}

/// An auth object: what Backstage's `OAuth2` and its provider wrappers give.
#[wasm_bindgen]
pub struct AuthApi {
    /// The session every method but `getAccessToken` uses (Microsoft: Graph's).
    client: Rc<Client>,
    /// Microsoft only: one more session per other audience, made when first asked for.
    audiences: Option<Audiences>,
}

struct Audiences {
    options: FactoryOptions,
    transform: Transform,
    others: RefCell<Vec<(String, Rc<Client>)>>,
}

impl Audiences {
    /// The session for `audience`. Like Backstage, sessions of other audiences than Graph ask
    /// for no default scopes.
    fn client(&self, audience: &str, graph: &Rc<Client>) -> Result<Rc<Client>, JsValue> {
        if audience == GRAPH_AUDIENCE {
            return Ok(graph.clone());
        }
        if let Some((_, c)) = self.others.borrow().iter().find(|(a, _)| a == audience) {
            return Ok(c.clone());
        }
        let client = Client::new(
            self.options.clone(),
            self.transform.clone(),
            ScopeSet::new(),
        )?;
        self.others
            .borrow_mut()
            .push((audience.to_owned(), client.clone()));
        Ok(client)
    }
}

fn id_token(s: Option<&Session>) -> JsValue {
    JsValue::from_str(
        s.and_then(|s| s.id_token.as_ref())
            .map_or("", |t| t.expose()),
    )
}

fn access_token(s: Option<&Session>) -> JsValue {
    JsValue::from_str(s.map_or("", |s| s.access_token.expose()))
}

fn profile(s: Option<&Session>) -> JsValue {
    let Some(s) = s else {
        return JsValue::UNDEFINED;
    };
    let out = object();
    for (key, value) in [
        ("email", &s.profile.email),
        ("displayName", &s.profile.display_name),
        ("picture", &s.profile.picture),
    ] {
        if let Some(v) = value {
            set(&out, key, &JsValue::from_str(v));
        }
    }
    out
}

fn backstage_identity(s: Option<&Session>) -> JsValue {
    let Some(b) = s.and_then(|s| s.backstage_identity.as_ref()) else {
        return JsValue::UNDEFINED;
    };
    let identity = object();
    set(&identity, "type", &JsValue::from_str("user"));
    set(
        &identity,
        "userEntityRef",
        &JsValue::from_str(&b.user_entity_ref),
    );
    set(
        &identity,
        "ownershipEntityRefs",
        &string_array(b.ownership_entity_refs.iter().map(String::as_str)),
    );
    let out = object();
    set(&out, "token", &JsValue::from_str(b.token.expose()));
    set(&out, "identity", &identity);
    if let Some(at) = b.expires_at {
        set(
            &out,
            "expiresAt",
            &js_sys::Date::new(&JsValue::from_f64(at)),
        );
    }
    out
}

impl AuthApi {
    /// The session `scope` is for, and the scopes it must hold after the transform.
    fn scoped_client(&self, scope: &JsValue) -> Result<(Rc<Client>, ScopeSet), JsValue> {
        let input = scope_input(scope)?;
        let client = match &self.audiences {
            None => self.client.clone(),
            Some(a) => a.client(audience_of(&joined(&input)), &self.client)?,
        };
        let transform = client.manager.connector().transform();
        let mut failure = None;
        let scopes = normalize_scopes(&input, |list| {
            transform.apply(list).unwrap_or_else(|e| {
                failure = Some(e);
                Vec::new()
            })
        });
        match failure {
            Some(e) => Err(e),
            None => Ok((client, scopes)),
        }
    }
}

#[wasm_bindgen]
impl AuthApi {
    /// The OpenID Connect ID token of a session; `''` when optional and there is none.
    #[wasm_bindgen(js_name = getIdToken)]
    pub fn get_id_token(&self, options: JsValue) -> Promise {
        let scopes = self.client.openid.clone();
        self.client.answer(scopes, &options, id_token)
    }

    /// The access token of a session holding `scope` (a string or an array of strings).
    #[wasm_bindgen(js_name = getAccessToken)]
    pub fn get_access_token(&self, scope: JsValue, options: JsValue) -> Promise {
        match self.scoped_client(&scope) {
            Ok((client, scopes)) => client.answer(scopes, &options, access_token),
            Err(e) => Promise::reject(&e),
        }
    }

    /// The user's profile, or `undefined`.
    #[wasm_bindgen(js_name = getProfile)]
    pub fn get_profile(&self, options: JsValue) -> Promise {
        self.client.answer(ScopeSet::new(), &options, profile)
    }

    /// `{ token, identity, expiresAt? }`, or `undefined`.
    #[wasm_bindgen(js_name = getBackstageIdentity)]
    pub fn get_backstage_identity(&self, options: JsValue) -> Promise {
        self.client
            .answer(ScopeSet::new(), &options, backstage_identity)
    }

    /// Signs in with the default scopes, asking the user to log in if needed.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self) -> Promise {
        self.client
            .answer(ScopeSet::new(), &JsValue::UNDEFINED, |_| JsValue::UNDEFINED)
    }

    /// Forgets the session and logs out on the backend.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            client
                .manager
                .sign_out()
                .await
                .map_err(|e| to_js_error(&e))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The object the package entry reads to answer `getIdToken()` without entering wasm:
    /// `{ promise, wallUntil, lastWall }`, kept current by the session manager.
    #[wasm_bindgen(js_name = hotCache)]
    pub fn hot_cache(&self) -> JsValue {
        self.client.manager.connector().hot().clone()
    }

    /// The observable of `'SignedIn'` / `'SignedOut'`; exported as `sessionState$`.
    #[wasm_bindgen(js_name = sessionState)]
    pub fn session_state(&self) -> Observable {
        Observable::of(&self.client.state)
    }
}

/// Builds the auth object for the bundled provider `key`. Throws a `TypeError` on bad options.
#[wasm_bindgen(js_name = createAuth)]
pub fn create_auth(key: &str, options: JsValue) -> Result<AuthApi, JsValue> {
    let config = bundled(key).ok_or_else(|| type_error(&format!("unknown provider {key}")))?;
    let options = factory_options(&options, config)?;
    let transform = match &options.scope_transform {
        Some(f) => Transform::Js(f.clone()),
        None => Transform::Builtin(config.transform),
    };
    let default_scopes: ScopeSet = options.default_scopes.iter().collect();
    let audiences = (key == "microsoft").then(|| Audiences {
        options: options.clone(),
        transform: transform.clone(),
        others: RefCell::default(),
    });
    let client = Client::new(options, transform, default_scopes)?;
    Ok(AuthApi { client, audiences })
}

/// A scope argument as one string, as Microsoft's audience rule reads it.
fn joined(input: &ScopeInput) -> String {
    match input {
        ScopeInput::None => String::new(),
        ScopeInput::Text(text) => text.clone(),
        ScopeInput::List(list) => list.join(" "),
    }
}

/// Builds the auth object `configure` sets as the default: `options.provider` may be a
/// bundled key (`'google'`) or a provider object, whose `id` picks the factory. The package
/// entry keeps it for the module-level `getIdToken`.
#[wasm_bindgen(js_name = configureAuth)]
pub fn configure_auth(options: JsValue) -> Result<AuthApi, JsValue> {
    if !options.is_object() || js_sys::Array::is_array(&options) {
        return Err(type_error(
            "options must be an object with provider and discoveryApi or baseUrl",
        ));
    }
    let provider = get(&options, "provider");
    let (key, options) = match provider.as_string() {
        Some(key) => {
            bundled(&key).ok_or_else(|| {
                type_error(&format!(
                    "options.provider '{key}' is not a bundled provider"
                ))
            })?;
            // The key names the bundled config; the factory must not read it as an object.
            let copy: JsValue = Object::assign(&Object::new(), options.unchecked_ref()).into();
            set(&copy, "provider", &JsValue::UNDEFINED);
            (key, copy)
        }
        None => {
            let id = get(&provider, "id").as_string().unwrap_or_default();
            (
                if bundled(&id).is_some() {
                    id
                } else {
                    "oauth2".to_owned()
                },
                options,
            )
        }
    };
    create_auth(&key, options)
}

/// The bundled provider configs, deeply frozen.
#[wasm_bindgen(js_name = bundledProviders)]
pub fn bundled_providers() -> JsValue {
    let all = object();
    for p in PROVIDERS {
        let entry = object();
        set(&entry, "id", &JsValue::from_str(p.id));
        set(&entry, "title", &JsValue::from_str(p.title));
        let scopes = string_array(p.default_scopes.iter().copied());
        Object::freeze(&scopes);
        set(&entry, "defaultScopes", &scopes);
        set(&entry, "apiRefId", &JsValue::from_str(p.api_ref_id));
        set(
            &all,
            p.key,
            &Object::freeze(entry.unchecked_ref::<Object>()),
        );
    }
    Object::freeze(all.unchecked_ref::<Object>()).into()
}

/// Bytes of the module's linear memory, for the benchmark's memory figures.
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length())
}
