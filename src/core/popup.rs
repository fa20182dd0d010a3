//! The popup's geometry and the messages the backend's result page posts to us.

use serde_json::Value;

use super::error::AuthError;

/// Default popup size, as Backstage's connector uses it.
pub const DEFAULT_WIDTH: f64 = 450.0;
/// Default popup height.
pub const DEFAULT_HEIGHT: f64 = 730.0;

/// The `features` argument of `window.open`, centring a `width`×`height` popup on a screen of
/// `screen_width`×`screen_height`. Like Backstage, the offsets are neither rounded nor clamped.
pub fn popup_features(width: f64, height: f64, screen_width: f64, screen_height: f64) -> String {
    let left = screen_width / 2.0 - width / 2.0;
    let top = screen_height / 2.0 - height / 2.0;
    let mut out = String::from("menubar=no,location=no,resizable=no,scrollbars=no,status=no");
    for (key, value) in [
        ("width", width),
        ("height", height),
        ("top", top),
        ("left", left),
    ] {
        out.push(',');
        out.push_str(key);
        out.push('=');
        push_number(&mut out, value);
    }
    out
}

/// Writes `x` as JS prints it for the numbers a popup's geometry gives (whole numbers and
/// halves, where JS and this agree), with at most six decimals. Rust's float formatting
/// would pull some 15 KB of code into the module for this one string.
fn push_number(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push('0');
        return;
    }
    let micros = (x.abs() * 1_000_000.0).round() as u64;
    if x < 0.0 && micros != 0 {
        out.push('-');
    }
    out.push_str(&(micros / 1_000_000).to_string());
    let mut fraction = micros % 1_000_000;
    if fraction != 0 {
        out.push('.');
        let mut digits = 6;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        let text = fraction.to_string();
        for _ in text.len()..digits {
            out.push('0');
        }
        out.push_str(&text);
    }
}

/// What one message from the popup means.
#[derive(Debug, PartialEq)]
pub enum PopupMessage {
    /// Not a message of the login protocol; ignored.
    Ignored,
    /// The backend tells which origin its result is posted to.
    ConfigInfo {
        /// The app origin the backend will post the result to.
        target_origin: String,
    },
    /// The login succeeded; the value is the session response.
    Response(Value),
    /// The login failed on the backend.
    Failed(AuthError),
}

/// Classifies the `data` of a message that came from the popup and the backend's origin.
pub fn classify_message(data: &Value) -> PopupMessage {
    let Some(obj) = data.as_object() else {
        return PopupMessage::Ignored;
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("config_info") => match obj.get("targetOrigin") {
            Some(Value::String(origin)) => PopupMessage::ConfigInfo {
                target_origin: origin.clone(),
            },
            _ => PopupMessage::Ignored,
        },
        Some("authorization_response") => match obj.get("error") {
            Some(error) if !error.is_null() => PopupMessage::Failed(backend_error(error)),
            _ => PopupMessage::Response(obj.get("response").cloned().unwrap_or(Value::Null)),
        },
        _ => PopupMessage::Ignored,
    }
}

/// The error a backend posted (or put in a 2xx body), keeping its `name` and `message`.
pub fn backend_error(error: &Value) -> AuthError {
    let field = |k: &str| {
        error
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    match (field("name"), field("message")) {
        (name, Some(message)) => AuthError::new(name.unwrap_or("Error"), message),
        (name, None) => AuthError::new(name.unwrap_or("Error"), "An unspecified error occurred"),
    }
}

/// A popup that reads as closed this soon after it opened, before the backend said anything,
/// was not closed by a person: its link to this page was cut, which a
/// `Cross-Origin-Opener-Policy` header on a login page does.
pub const CUT_LINK_MS: f64 = 1_500.0;

/// The error for a popup that reads as closed before posting a result, `open_for_ms` after it
/// opened. When the backend announced another app origin, the result went there; when it
/// "closed" too soon for a person, the link was cut. Each says so.
pub fn closed_error(target_origin: Option<&str>, app_origin: &str, open_for_ms: f64) -> AuthError {
    match target_origin {
        Some(t) if !t.is_empty() && t != app_origin => AuthError::incorrect_origin(t),
        None if open_for_ms < CUT_LINK_MS => AuthError::popup_link_cut(),
        _ => AuthError::popup_closed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_features_centre_the_popup() {
        assert_eq!(
            popup_features(DEFAULT_WIDTH, DEFAULT_HEIGHT, 1000.0, 1000.0),
            "menubar=no,location=no,resizable=no,scrollbars=no,status=no,width=450,height=730,top=135,left=275"
        );
        let mut n = String::new();
        for (x, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (450.0, "450"),
            (274.5, "274.5"),
            (-315.0, "-315"),
            (0.25, "0.25"),
            (-0.5, "-0.5"),
            (1e-7, "0"),
            (12.000001, "12.000001"),
            (f64::NAN, "0"),
        ] {
            n.clear();
            push_number(&mut n, x);
            assert_eq!(n, text, "for {x}");
        }
        let odd = popup_features(451.0, 730.0, 1000.0, 100.0);
        assert!(odd.ends_with("top=-315,left=274.5"), "{odd}");
    }

    #[test]
    fn ignores_what_is_not_the_protocol() {
        for data in [
            json!(null),
            json!("authorization_response"),
            json!({}),
            json!({"type": "not-auth-result"}),
            json!({"type": 5}),
            json!({"type": "config_info"}),
            json!({"type": "config_info", "targetOrigin": 3}),
            json!([{"type": "authorization_response"}]),
        ] {
            assert_eq!(classify_message(&data), PopupMessage::Ignored, "for {data}");
        }
    }

    #[test]
    fn config_info_and_results() {
        assert_eq!(
            classify_message(&json!({"type": "config_info", "targetOrigin": "http://a"})),
            PopupMessage::ConfigInfo {
                target_origin: "http://a".into()
            }
        );
        let ok = classify_message(&json!({"type": "authorization_response", "response": {"x": 1}}));
        assert_eq!(ok, PopupMessage::Response(json!({"x": 1})));
        let missing = classify_message(&json!({"type": "authorization_response"}));
        assert_eq!(missing, PopupMessage::Response(Value::Null));
        let null_error = classify_message(
            &json!({"type": "authorization_response", "error": null, "response": 1}),
        );
        assert_eq!(null_error, PopupMessage::Response(json!(1)));
    }

    #[test]
    fn backend_errors_keep_name_and_message() {
        let m = classify_message(
            &json!({"type": "authorization_response", "error": {"name": "NopeError", "message": "NOPE"}}),
        );
        assert_eq!(m, PopupMessage::Failed(AuthError::new("NopeError", "NOPE")));
        assert_eq!(
            backend_error(&json!("boom")),
            AuthError::new("Error", "An unspecified error occurred")
        );
        assert_eq!(
            backend_error(&json!({"message": "m", "name": 7})),
            AuthError::new("Error", "m")
        );
    }

    #[test]
    fn closed_error_depends_on_the_announced_origin() {
        let late = CUT_LINK_MS;
        assert_eq!(
            closed_error(None, "http://localhost", late),
            AuthError::popup_closed()
        );
        assert_eq!(
            closed_error(Some(""), "http://localhost", late),
            AuthError::popup_closed()
        );
        let same = Some("http://localhost");
        assert_eq!(
            closed_error(same, "http://localhost", late),
            AuthError::popup_closed()
        );
        assert_eq!(
            closed_error(same, "http://localhost", 1.0),
            AuthError::popup_closed(),
            "the backend spoke: a person closed it"
        );
        assert_eq!(
            closed_error(Some("http://differenthost"), "http://localhost", 1.0).message,
            "Login failed, Incorrect app origin, expected http://differenthost"
        );
        let cut = closed_error(None, "http://localhost", late - 1.0);
        assert_eq!(cut.name, "PopupClosedError");
        assert!(
            cut.message.contains("link to this page was cut"),
            "{}",
            cut.message
        );
    }
}
