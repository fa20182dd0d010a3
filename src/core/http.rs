//! What the backend's answers to `/refresh` and `/logout` mean.

use serde_json::Value;

use super::error::{AuthError, RefreshError};
use super::popup::backend_error;
use super::session::{parse_session, ParseContext, Session};

/// How one HTTP request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The backend answered.
    Answered {
        /// HTTP status.
        status: u16,
        /// HTTP status text.
        status_text: String,
        /// The body, as text.
        body: String,
    },
    /// It could not be reached or did not answer in time; the text says why.
    Unreachable(String),
}

/// The session a `/refresh` answer holds, or why there is none. Only a failure to reach the
/// backend is a [`RefreshError::Connection`]; every answer that is not a usable session
/// means "no session".
pub fn refresh_outcome(answer: &Answer, ctx: &ParseContext<'_>) -> Result<Session, RefreshError> {
    let (status, status_text, body) = match answer {
        Answer::Unreachable(why) => {
            return Err(RefreshError::Connection(AuthError::connection(why)))
        }
        Answer::Answered {
            status,
            status_text,
            body,
        } => (*status, status_text, body),
    };
    let no_session = |e: AuthError| Err(RefreshError::NoSession(e));
    // A server error or rate limit says nothing about the session: keep it and try again
    // later. Any other error status (401 above all) means there is none.
    if status >= 500 || status == 429 {
        let mut e = AuthError::connection(&format!("{status} {status_text}"));
        e.status = Some(status);
        return Err(RefreshError::Connection(e));
    }
    if !(200..300).contains(&status) {
        let mut e = AuthError::plain(format!("Auth refresh request failed, {status_text}"));
        e.status = Some(status);
        return no_session(e);
    }
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        return no_session(AuthError::plain(
            "Auth refresh request failed, the response is not JSON",
        ));
    };
    if let Some(error) = json.get("error").filter(|e| !e.is_null()) {
        return no_session(backend_error(error));
    }
    parse_session(&json, ctx).map_err(|e| RefreshError::NoSession(AuthError::plain(e.to_string())))
}

/// Whether a `/logout` answer means the session ended.
pub fn logout_outcome(answer: &Answer) -> Result<(), AuthError> {
    match answer {
        Answer::Unreachable(why) => Err(AuthError::logout_unreachable(why)),
        Answer::Answered { status, .. } if (200..300).contains(status) => Ok(()),
        Answer::Answered {
            status,
            status_text,
            ..
        } => Err(AuthError::logout_status(*status, status_text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scope::ScopeSet;

    fn answer(status: u16, status_text: &str, body: &str) -> Answer {
        Answer::Answered {
            status,
            status_text: status_text.into(),
            body: body.into(),
        }
    }

    fn refresh(a: &Answer) -> Result<Session, RefreshError> {
        let requested = ScopeSet::new();
        refresh_outcome(
            a,
            &ParseContext {
                requested: &requested,
                started: Default::default(),
                transform: &|v| v,
            },
        )
    }

    fn no_session(a: &Answer) -> AuthError {
        match refresh(a) {
            Err(RefreshError::NoSession(e)) => e,
            other => panic!("expected NoSession, got {other:?}"),
        }
    }

    #[test]
    fn a_good_answer_is_a_session() {
        let s = refresh(&answer(
            200,
            "OK",
            r#"{"providerInfo":{"accessToken":"a","expiresInSeconds":"60"}}"#,
        ))
        .unwrap();
        assert_eq!(s.expires_at, Some(60_000.0));
    }

    fn transient(a: &Answer) -> AuthError {
        match refresh(a) {
            Err(RefreshError::Connection(e)) => e,
            other => panic!("expected Connection, got {other:?}"),
        }
    }

    #[test]
    fn server_errors_and_rate_limits_are_passing_failures() {
        let e = transient(&answer(500, "Error: Network NOPE", "{}"));
        assert_eq!(e.name, "AuthConnectionError");
        assert_eq!(
            e.message,
            "Auth refresh request failed, 500 Error: Network NOPE"
        );
        for status in [500, 502, 503, 504, 599, 429] {
            assert_eq!(
                transient(&answer(status, "x", "<html>")).status,
                Some(status)
            );
        }
    }

    #[test]
    fn client_errors_mean_no_session_with_the_status_text() {
        for status in [400, 403, 404, 499, 302] {
            assert_eq!(no_session(&answer(status, "x", "")).status, Some(status));
        }
        let body = r#"{"error":{"name":"AuthenticationError","message":"Refresh failed; caused by InputError: Missing session cookie"}}"#;
        let e = no_session(&answer(401, "NOPE", body));
        assert_eq!(
            e.message, "Auth refresh request failed, NOPE",
            "the body of an HTTP error is not read"
        );
    }

    #[test]
    fn unreachable_is_a_connection_error() {
        match refresh(&Answer::Unreachable("TypeError: Failed to fetch".into())) {
            Err(RefreshError::Connection(e)) => {
                assert_eq!(e.name, "AuthConnectionError");
                assert_eq!(
                    e.message,
                    "Auth refresh request failed, TypeError: Failed to fetch"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn odd_bodies_mean_no_session() {
        assert_eq!(
            no_session(&answer(200, "OK", "<html>")).message,
            "Auth refresh request failed, the response is not JSON"
        );
        assert_eq!(no_session(&answer(200, "OK", "")).name, "Error");
        let e = no_session(&answer(
            200,
            "OK",
            r#"{"error":{"name":"NopeError","message":"NOPE"}}"#,
        ));
        assert_eq!((e.name.as_str(), e.message.as_str()), ("NopeError", "NOPE"));
        let e = no_session(&answer(200, "OK", r#"{"providerInfo":{"accessToken":7}}"#));
        assert_eq!(
            e.message,
            "Invalid auth response: providerInfo.accessToken is not a string"
        );
        assert!(refresh(&answer(
            200,
            "OK",
            r#"{"error":null,"providerInfo":{"accessToken":"a"}}"#
        ))
        .is_ok());
    }

    #[test]
    fn logout_answers() {
        assert_eq!(logout_outcome(&answer(200, "OK", "")), Ok(()));
        assert_eq!(
            logout_outcome(&answer(200, "OK", r#"{"logoutUrl":"https://x"}"#)),
            Ok(())
        );
        let e = logout_outcome(&answer(403, "Forbidden", "")).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.status),
            ("Logout request failed, Forbidden", Some(403))
        );
        let e = logout_outcome(&Answer::Unreachable("offline".into())).unwrap_err();
        assert_eq!(e.message, "Logout request failed, offline");
    }
}
