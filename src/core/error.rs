//! Errors as callers see them: a JS `name`, a message, and an HTTP status where one applies.

use std::fmt;

/// `name` of the error a login rejected by the user gives.
pub const REJECTED: &str = "RejectedError";
/// `name` of the error a blocked popup gives.
pub const POPUP_REJECTED: &str = "PopupRejectedError";
/// `name` of the error a popup closed before a result gives.
pub const POPUP_CLOSED: &str = "PopupClosedError";
/// `name` of the error an unreachable `/refresh` gives.
pub const CONNECTION: &str = "AuthConnectionError";

/// An error on its way to a caller. Its text never holds a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    /// The JS `name` callers branch on.
    pub name: String,
    /// The JS `message`.
    pub message: String,
    /// The HTTP status, for errors that came from one.
    pub status: Option<u16>,
}

impl AuthError {
    /// An error with this `name` and `message`.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            message: message.into(),
            status: None,
        }
    }

    /// A plain `Error`.
    pub fn plain(message: impl Into<String>) -> Self {
        Self::new("Error", message)
    }

    /// The user rejected the login request.
    pub fn rejected() -> Self {
        Self::new(REJECTED, "Login failed, rejected by user")
    }

    /// The browser did not open the popup.
    pub fn popup_rejected() -> Self {
        Self::new(POPUP_REJECTED, "Failed to open auth popup.")
    }

    /// The popup closed without a result.
    pub fn popup_closed() -> Self {
        Self::new(POPUP_CLOSED, "Login failed, popup was closed")
    }

    /// The popup reads as closed, but too soon for a person: its link to us was cut.
    pub fn popup_link_cut() -> Self {
        Self::new(
            POPUP_CLOSED,
            "Login failed, the popup's link to this page was cut, likely by a Cross-Origin-Opener-Policy header on the login pages",
        )
    }

    /// The popup closed after the backend said it would post its result to another origin.
    pub fn incorrect_origin(expected: &str) -> Self {
        Self::new(
            POPUP_CLOSED,
            format!("Login failed, Incorrect app origin, expected {expected}"),
        )
    }

    /// `/refresh` could not be reached (network failure or time-out).
    pub fn connection(detail: &str) -> Self {
        Self::new(CONNECTION, format!("Auth refresh request failed, {detail}"))
    }

    /// `/logout` answered with an HTTP error.
    pub fn logout_status(status: u16, status_text: &str) -> Self {
        Self {
            status: Some(status),
            ..Self::plain(format!("Logout request failed, {status_text}"))
        }
    }

    /// `/logout` could not be reached.
    pub fn logout_unreachable(detail: &str) -> Self {
        Self::plain(format!("Logout request failed, {detail}"))
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for AuthError {}

/// Why a `/refresh` gave no session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshError {
    /// The backend could not be reached; the session in memory stays.
    Connection(AuthError),
    /// The backend said there is no session, or answered with something unusable.
    NoSession(AuthError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_messages_match_backstage() {
        assert_eq!(AuthError::rejected().name, "RejectedError");
        assert_eq!(
            AuthError::rejected().message,
            "Login failed, rejected by user"
        );
        assert_eq!(
            AuthError::popup_rejected().message,
            "Failed to open auth popup."
        );
        assert_eq!(AuthError::popup_closed().name, "PopupClosedError");
        assert_eq!(
            AuthError::incorrect_origin("http://differenthost").message,
            "Login failed, Incorrect app origin, expected http://differenthost"
        );
        let c = AuthError::connection("TypeError: Failed to fetch");
        assert_eq!(c.name, "AuthConnectionError");
        assert!(c.message.starts_with("Auth refresh request failed"));
        let l = AuthError::logout_status(500, "Internal Server Error");
        assert_eq!((l.status, l.name.as_str()), (Some(500), "Error"));
        assert_eq!(
            l.to_string(),
            "Error: Logout request failed, Internal Server Error"
        );
    }
}
