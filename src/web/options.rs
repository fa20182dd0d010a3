//! Reading and checking what callers pass in. Bad input becomes a `TypeError` naming the
//! argument or field; `undefined` and `null` always mean "the default".

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use super::js::{get, is_nullish, type_error};
use crate::core::popup::{DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::core::provider::ProviderConfig;
use crate::core::scope::ScopeInput;

/// `AuthRequestOptions`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestOptions {
    pub optional: bool,
    pub instant_popup: bool,
}

/// Reads `{ optional?, instantPopup? }`.
pub fn request_options(v: &JsValue) -> Result<RequestOptions, JsValue> {
    if is_nullish(v) {
        return Ok(RequestOptions::default());
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(type_error(
            "options must be an object like { optional, instantPopup }",
        ));
    }
    Ok(RequestOptions {
        optional: flag(v, "optional")?,
        instant_popup: flag(v, "instantPopup")?,
    })
}

fn flag(v: &JsValue, key: &str) -> Result<bool, JsValue> {
    let value = js_sys::Reflect::get(v, &JsValue::from_str(key))
        .map_err(|_| type_error(&format!("options.{key} could not be read")))?;
    if is_nullish(&value) {
        return Ok(false);
    }
    value
        .as_bool()
        .ok_or_else(|| type_error(&format!("options.{key} must be a boolean")))
}

/// Reads `getAccessToken`'s `scope`: a string, an array of strings, or nothing.
pub fn scope_input(v: &JsValue) -> Result<ScopeInput, JsValue> {
    if is_nullish(v) {
        return Ok(ScopeInput::None);
    }
    if let Some(text) = v.as_string() {
        return Ok(ScopeInput::Text(text));
    }
    string_list(v)
        .map(ScopeInput::List)
        .ok_or_else(|| type_error("scope must be a string or an array of strings"))
}

/// An array whose items are all strings.
pub fn string_list(v: &JsValue) -> Option<Vec<String>> {
    let array = v.dyn_ref::<Array>()?;
    array.iter().map(|item| item.as_string()).collect()
}

/// Where the auth backend is.
#[derive(Clone, Debug)]
pub enum BaseUrl {
    Fixed(String),
    /// A Backstage `DiscoveryApi`, asked for `'auth'`.
    Discovery(JsValue),
}

/// Who the login is for, as shown to the user and sent to login requesters.
#[derive(Clone, Debug)]
pub struct ProviderInfo {
    pub id: String,
    pub title: String,
    /// The object handed to `OAuthRequestApi`, with `icon` if the caller gave one.
    pub js: JsValue,
}

/// `popupOptions.size`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PopupSize {
    Fixed { width: f64, height: f64 },
    Fullscreen,
}

/// `authorizationParams`.
#[derive(Clone, Debug)]
pub enum AuthParams {
    None,
    Object(JsValue),
    Function(Function),
}

/// The factory options every `create` takes.
#[derive(Clone, Debug)]
pub struct FactoryOptions {
    pub base: BaseUrl,
    pub environment: String,
    pub provider: ProviderInfo,
    pub default_scopes: Vec<String>,
    pub request_api: Option<JsValue>,
    pub popup_size: PopupSize,
    pub scope_transform: Option<Function>,
    pub auth_params: AuthParams,
    pub redirect_flow: bool,
}

fn bad(field: &str, what: &str) -> JsValue {
    type_error(&format!("options.{field} must be {what}"))
}

/// The option `field`, or `None` when it is `undefined` or `null`.
fn field(options: &JsValue, name: &str) -> Option<JsValue> {
    Some(get(options, name)).filter(|v| !is_nullish(v))
}

fn has_method(v: &JsValue, name: &str) -> bool {
    get(v, name).is_function()
}

/// Reads factory options for the bundled `config`.
pub fn factory_options(
    options: &JsValue,
    config: &ProviderConfig,
) -> Result<FactoryOptions, JsValue> {
    if !options.is_object() || Array::is_array(options) {
        return Err(type_error(
            "options must be an object with discoveryApi or baseUrl",
        ));
    }
    let base = match (field(options, "discoveryApi"), field(options, "baseUrl")) {
        (Some(d), _) if has_method(&d, "getBaseUrl") => BaseUrl::Discovery(d),
        (Some(_), _) => return Err(bad("discoveryApi", "an object with a getBaseUrl method")),
        (None, Some(url)) => match url.as_string() {
            Some(url) if !url.is_empty() => BaseUrl::Fixed(url),
            _ => return Err(bad("baseUrl", "a non-empty string")),
        },
        (None, None) => {
            return Err(type_error(
                "options need discoveryApi or baseUrl to find the auth backend",
            ))
        }
    };
    let environment = match field(options, "environment") {
        None => "development".to_owned(),
        Some(env) => env
            .as_string()
            .ok_or_else(|| bad("environment", "a string"))?,
    };
    let provider = match field(options, "provider") {
        None => bundled_info(config),
        Some(p) => provider_info(&p)?,
    };
    let default_scopes = match field(options, "defaultScopes") {
        None => config
            .default_scopes
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        Some(list) => {
            string_list(&list).ok_or_else(|| bad("defaultScopes", "an array of strings"))?
        }
    };
    let request_api = match field(options, "oauthRequestApi") {
        Some(api) if has_method(&api, "createAuthRequester") => Some(api),
        Some(_) => {
            return Err(bad(
                "oauthRequestApi",
                "an object with a createAuthRequester method",
            ))
        }
        None => None,
    };
    let popup_size = match field(options, "popupOptions") {
        None => PopupSize::Fixed {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
        },
        Some(p) => popup_size(&p)?,
    };
    let scope_transform = match field(options, "scopeTransform") {
        None => None,
        Some(f) => Some(
            f.dyn_into::<Function>()
                .map_err(|_| bad("scopeTransform", "a function"))?,
        ),
    };
    let auth_params = match field(options, "authorizationParams") {
        None => AuthParams::None,
        Some(p) if p.is_function() => AuthParams::Function(p.unchecked_into()),
        Some(p) if p.is_object() && !Array::is_array(&p) => AuthParams::Object(p),
        Some(_) => {
            return Err(bad(
                "authorizationParams",
                "an object or a function returning one",
            ))
        }
    };
    let redirect_flow = match field(options, "configApi") {
        None => false,
        Some(config) => redirect_flow_enabled(&config)?,
    };
    Ok(FactoryOptions {
        base,
        environment,
        provider,
        default_scopes,
        request_api,
        popup_size,
        scope_transform,
        auth_params,
        redirect_flow,
    })
}

/// The `{ id, title }` object of a bundled config.
pub fn bundled_info(config: &ProviderConfig) -> ProviderInfo {
    let js = super::js::object();
    super::js::set(&js, "id", &JsValue::from_str(config.id));
    super::js::set(&js, "title", &JsValue::from_str(config.title));
    ProviderInfo {
        id: config.id.to_owned(),
        title: config.title.to_owned(),
        js,
    }
}

fn provider_info(p: &JsValue) -> Result<ProviderInfo, JsValue> {
    let text = |key: &str| get(p, key).as_string().filter(|s| !s.is_empty());
    match (text("id"), text("title")) {
        (Some(id), Some(title)) => Ok(ProviderInfo {
            id,
            title,
            js: p.clone(),
        }),
        _ => Err(bad(
            "provider",
            "an object with non-empty string id and title",
        )),
    }
}

fn popup_size(p: &JsValue) -> Result<PopupSize, JsValue> {
    let size = get(p, "size");
    if is_nullish(&size) {
        return Ok(PopupSize::Fixed {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
        });
    }
    if get(&size, "fullscreen").as_bool() == Some(true) {
        return Ok(PopupSize::Fullscreen);
    }
    let dim = |key: &str| {
        get(&size, key)
            .as_f64()
            .filter(|n| n.is_finite() && *n > 0.0)
    };
    match (dim("width"), dim("height")) {
        (Some(width), Some(height)) => Ok(PopupSize::Fixed { width, height }),
        _ => Err(bad(
            "popupOptions.size",
            "{ width, height } with positive numbers, or { fullscreen: true }",
        )),
    }
}

/// Reads `enableExperimentalRedirectFlow` through a Backstage `ConfigApi`.
fn redirect_flow_enabled(config: &JsValue) -> Result<bool, JsValue> {
    let getter = get(config, "getOptionalBoolean");
    let getter = getter
        .dyn_ref::<Function>()
        .ok_or_else(|| bad("configApi", "a ConfigApi with getOptionalBoolean"))?;
    let value = getter.call1(config, &JsValue::from_str("enableExperimentalRedirectFlow"))?;
    Ok(value.as_bool() == Some(true))
}
