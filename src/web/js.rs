//! Small conversions between JS values and the core's types.

use js_sys::{Array, Function, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::core::error::AuthError;

/// The JS `Error` a caller sees: `name` and `message` from the core, `status` when known.
pub fn to_js_error(error: &AuthError) -> JsValue {
    let e = js_sys::Error::new(&error.message);
    e.set_name(&error.name);
    if let Some(status) = error.status {
        set(&e, "status", &JsValue::from(status));
    }
    e.into()
}

/// A `TypeError` for a bad argument.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// `obj[key]`; `undefined` when `obj` is not an object or the getter throws.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() && !obj.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key] = value` on an object this module made, where it cannot fail.
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// A fresh plain object.
pub fn object() -> JsValue {
    Object::new().into()
}

/// Whether a value is `undefined` or `null`, which every option treats as "not given".
pub fn is_nullish(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// Reads a JS value as JSON. Values JSON cannot hold (cycles, BigInt, functions) give `None`.
pub fn to_json(v: &JsValue) -> Option<Value> {
    let text = js_sys::JSON::stringify(v).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// The string items of an iterable of scopes (a `Set` or an array); anything else is empty.
/// `Array.from` would throw on `undefined`, so it only sees objects.
pub fn scope_items(v: &JsValue) -> crate::core::scope::ScopeSet {
    if !v.is_object() {
        return crate::core::scope::ScopeSet::new();
    }
    Array::from(v)
        .iter()
        .filter_map(|s| s.as_string())
        .collect()
}

/// A JS array of strings.
pub fn string_array<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    items.into_iter().map(JsValue::from_str).collect()
}

/// Calls `f` with one argument, turning a throw into an error value.
pub fn call1(f: &Function, arg: &JsValue) -> Result<JsValue, JsValue> {
    f.call1(&JsValue::UNDEFINED, arg)
}

/// The text of a thrown JS value, as `String(e)` would give it.
pub fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        None => e.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}
