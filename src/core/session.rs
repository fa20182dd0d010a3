//! The session model: the backend's session JSON parsed into typed values, and the
//! freshness rule.

use std::fmt;

use serde_json::{Map, Value};

use super::scope::{split_scope_string, ScopeSet};

/// How long before expiry a session is refreshed (Backstage's `OAuth2`, since PR #27776).
/// Tokens that live less than twice this use half their lifetime instead, so a short-lived
/// token is not refreshed on every call.
pub const REFRESH_MARGIN_MS: f64 = 3.0 * 60.0 * 1000.0;

/// A session this young is fresh whatever its expiry says, so a backend that keeps handing
/// out tokens that are (nearly) expired cannot drive a refresh loop.
pub const MIN_REFRESH_INTERVAL_MS: f64 = 5_000.0;

/// When the wall clock and the monotonic clock disagree by more than this about the time
/// since a session was obtained, the wall clock jumped (or the machine slept), and the
/// session is refreshed rather than trusted.
pub const CLOCK_JUMP_MS: f64 = 60_000.0;

/// One moment on both clocks: the wall clock (`Date.now()`, which expiries are stated in)
/// and a monotonic one (`performance.now()`, which cannot jump).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Instant {
    /// Milliseconds since the epoch.
    pub wall_ms: f64,
    /// Milliseconds on a clock that only moves forward.
    pub mono_ms: f64,
}

/// A token. Its `Debug` form is `[redacted]`, so it cannot leak through logs or `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The token itself.
    ///
    /// # Security warning
    /// Hand it only to the caller who asked for it; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The user's profile as the backend reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// `email`.
    pub email: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `picture`.
    pub picture: Option<String>,
}

/// The Backstage identity that comes with a session when the backend signed the user in.
#[derive(Clone, Debug, PartialEq)]
pub struct BackstageIdentity {
    /// The Backstage token.
    pub token: Secret,
    /// When the token expires, in ms since the epoch; `None` for never.
    pub expires_at: Option<f64>,
    /// `identity.userEntityRef`.
    pub user_entity_ref: String,
    /// `identity.ownershipEntityRefs`.
    pub ownership_entity_refs: Vec<String>,
}

/// One login session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The OpenID Connect ID token, if the provider issued one.
    pub id_token: Option<Secret>,
    /// The provider's access token.
    pub access_token: Secret,
    /// The granted scopes, after the provider's transform.
    pub scopes: ScopeSet,
    /// When the provider's tokens expire, in ms since the epoch; `None` for never.
    pub expires_at: Option<f64>,
    /// The user's profile.
    pub profile: Profile,
    /// The Backstage identity, when the backend issued one.
    pub backstage_identity: Option<BackstageIdentity>,
    /// When the request that brought the session started.
    pub obtained: Instant,
}

impl Session {
    /// Whether the session holds every scope of `requested`.
    pub fn covers(&self, requested: &ScopeSet) -> bool {
        self.scopes.is_superset(requested)
    }

    /// Whether the session should be refreshed before use: it is within the refresh margin
    /// of its earliest expiry, or the clocks say time cannot be trusted. Checked on every
    /// read, never left to a timer, so a machine that slept is noticed on the next call.
    pub fn should_refresh(&self, now: Instant) -> bool {
        let wall = now.wall_ms - self.obtained.wall_ms;
        let mono = now.mono_ms - self.obtained.mono_ms;
        if (wall - mono).abs() > CLOCK_JUMP_MS {
            return true;
        }
        let elapsed = wall.max(mono);
        if elapsed < MIN_REFRESH_INTERVAL_MS {
            return false;
        }
        let identity_expiry = self.backstage_identity.as_ref().and_then(|b| b.expires_at);
        [self.expires_at, identity_expiry]
            .into_iter()
            .flatten()
            .any(|at| {
                let lifetime = at - self.obtained.wall_ms;
                let margin = REFRESH_MARGIN_MS.min(lifetime / 2.0);
                lifetime - elapsed < margin
            })
    }
}

impl Session {
    /// The wall-clock time until which the session is fresh while the two clocks agree: up to
    /// then, with no jump, [`Session::should_refresh`] is false (at the exact edge this errs
    /// towards stale). The package entry answers `getIdToken()` from this alone; whatever
    /// falls outside it, a wall clock that moved back included, comes to `should_refresh`.
    pub fn fresh_until_wall_ms(&self) -> f64 {
        let identity_expiry = self.backstage_identity.as_ref().and_then(|b| b.expires_at);
        // The latest elapsed time at which every expiry is still outside its margin.
        let allowed = [self.expires_at, identity_expiry]
            .into_iter()
            .flatten()
            .map(|at| {
                let lifetime = at - self.obtained.wall_ms;
                lifetime - REFRESH_MARGIN_MS.min(lifetime / 2.0)
            })
            .fold(f64::INFINITY, f64::min);
        self.obtained.wall_ms + allowed.max(MIN_REFRESH_INTERVAL_MS)
    }
}

/// Why a session response could not be used. The text names the field, never a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidSession(pub String);

impl fmt::Display for InvalidSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid auth response: {}", self.0)
    }
}

fn invalid(msg: impl Into<String>) -> InvalidSession {
    InvalidSession(msg.into())
}

/// What a session response is parsed against.
pub struct ParseContext<'a> {
    /// The scopes asked for; a response without `scope` counts as granting them.
    pub requested: &'a ScopeSet,
    /// When the request that got the response started. Expiry counts from here, so time
    /// spent on the wire shortens the session rather than lengthening it.
    pub started: Instant,
    /// The provider's scope transform, applied to the granted scopes.
    pub transform: &'a dyn Fn(Vec<String>) -> Vec<String>,
}

/// Parses a `/refresh` body or a popup's `response` object.
pub fn parse_session(value: &Value, ctx: &ParseContext<'_>) -> Result<Session, InvalidSession> {
    let root = value
        .as_object()
        .ok_or_else(|| invalid("the response is not an object"))?;
    let info = match root.get("providerInfo") {
        Some(Value::Object(info)) => info,
        _ => return Err(invalid("providerInfo is missing or not an object")),
    };
    let access_token = required_string(info, "accessToken", "providerInfo.accessToken")?;
    let id_token = optional_string(info, "idToken", "providerInfo.idToken")?;
    let scopes = match optional_string(info, "scope", "providerInfo.scope")? {
        None => ctx.requested.clone(),
        Some(scope) => {
            let parts = split_scope_string(&scope);
            if parts.is_empty() {
                ScopeSet::new()
            } else {
                (ctx.transform)(parts).into_iter().collect()
            }
        }
    };
    let expires_at = expiry(info.get("expiresInSeconds"), ctx.started.wall_ms)
        .map_err(|()| invalid("providerInfo.expiresInSeconds is not a number"))?;
    let profile = match root.get("profile") {
        None | Some(Value::Null) => Profile::default(),
        Some(Value::Object(p)) => Profile {
            email: optional_string(p, "email", "profile.email")?,
            display_name: optional_string(p, "displayName", "profile.displayName")?,
            picture: optional_string(p, "picture", "profile.picture")?,
        },
        Some(_) => return Err(invalid("profile is not an object")),
    };
    let backstage_identity = match root.get("backstageIdentity") {
        None | Some(Value::Null) => None,
        Some(Value::Object(b)) => Some(parse_identity(b, ctx.started.wall_ms)?),
        Some(_) => return Err(invalid("backstageIdentity is not an object")),
    };
    Ok(Session {
        id_token: id_token.map(Secret::new),
        access_token: Secret::new(access_token),
        scopes,
        expires_at,
        profile,
        backstage_identity,
        obtained: ctx.started,
    })
}

fn parse_identity(
    b: &Map<String, Value>,
    started_ms: f64,
) -> Result<BackstageIdentity, InvalidSession> {
    let token = required_string(b, "token", "backstageIdentity.token")?;
    let expires_at = expiry(b.get("expiresInSeconds"), started_ms)
        .map_err(|()| invalid("backstageIdentity.expiresInSeconds is not a number"))?;
    let identity = match b.get("identity") {
        Some(Value::Object(i)) => i,
        _ => {
            return Err(invalid(
                "backstageIdentity.identity is missing or not an object",
            ))
        }
    };
    let user_entity_ref = required_string(
        identity,
        "userEntityRef",
        "backstageIdentity.identity.userEntityRef",
    )?;
    let ownership_entity_refs = match identity.get("ownershipEntityRefs") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                invalid("backstageIdentity.identity.ownershipEntityRefs holds a non-string")
            })?,
        Some(_) => {
            return Err(invalid(
                "backstageIdentity.identity.ownershipEntityRefs is not an array",
            ))
        }
    };
    Ok(BackstageIdentity {
        token: Secret::new(token),
        expires_at,
        user_entity_ref,
        ownership_entity_refs,
    })
}

fn required_string(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<String, InvalidSession> {
    optional_string(obj, key, path)?.ok_or_else(|| invalid(format!("{path} is missing")))
}

/// A string field; absent and `null` both mean "not given", any other type is an error.
fn optional_string(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<String>, InvalidSession> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(format!("{path} is not a string"))),
    }
}

/// Backstage's rule: a truthy `expiresInSeconds` (a number, or a string holding one) sets the
/// expiry; absent, `null`, `0` and `""` mean the session does not expire.
fn expiry(value: Option<&Value>, started_ms: f64) -> Result<Option<f64>, ()> {
    let seconds = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64().ok_or(())?,
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<f64>().map_err(|_| ())?,
        Some(_) => return Err(()),
    };
    if !seconds.is_finite() {
        return Err(());
    }
    Ok((seconds != 0.0).then_some(started_ms + seconds * 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx<'a>(
        requested: &'a ScopeSet,
        transform: &'a dyn Fn(Vec<String>) -> Vec<String>,
    ) -> ParseContext<'a> {
        ParseContext {
            requested,
            started: Instant {
                wall_ms: 1_000_000.0,
                mono_ms: 0.0,
            },
            transform,
        }
    }

    fn id(v: Vec<String>) -> Vec<String> {
        v
    }

    fn parse(v: Value) -> Result<Session, InvalidSession> {
        parse_session(&v, &ctx(&ScopeSet::new(), &id))
    }

    fn full() -> Value {
        json!({
            "profile": {"email": "alice@example.test", "displayName": "User alice"},
            "providerInfo": {
                "idToken": "id.token.sig", "accessToken": "at", "scope": "openid profile email",
                "expiresInSeconds": 3600
            },
            "backstageIdentity": {
                "token": "bs.token.sig", "expiresInSeconds": 600,
                "identity": {"type": "user", "userEntityRef": "user:default/alice",
                             "ownershipEntityRefs": ["user:default/alice"]}
            }
        })
    }

    #[test]
    fn parses_the_real_backend_shape() {
        let s = parse(full()).unwrap();
        assert_eq!(s.id_token.as_ref().unwrap().expose(), "id.token.sig");
        assert_eq!(s.access_token.expose(), "at");
        assert_eq!(s.scopes.join(), "openid profile email");
        assert_eq!(s.expires_at, Some(1_000_000.0 + 3_600_000.0));
        assert_eq!(s.profile.email.as_deref(), Some("alice@example.test"));
        assert_eq!(s.profile.picture, None);
        let b = s.backstage_identity.unwrap();
        assert_eq!(b.user_entity_ref, "user:default/alice");
        assert_eq!(b.ownership_entity_refs, ["user:default/alice"]);
        assert_eq!(b.expires_at, Some(1_600_000.0));
    }

    #[test]
    fn debug_output_never_holds_a_token() {
        let printed = format!("{:?}", parse(full()).unwrap());
        assert!(!printed.contains("id.token.sig"));
        assert!(!printed.contains("bs.token.sig"));
        assert!(!printed.contains("\"at\""));
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn minimal_response_is_enough() {
        let s = parse(json!({"providerInfo": {"accessToken": "at"}})).unwrap();
        assert!(s.id_token.is_none());
        assert_eq!(s.expires_at, None);
        assert_eq!(s.profile, Profile::default());
        assert!(s.backstage_identity.is_none());
    }

    #[test]
    fn missing_scope_grants_what_was_asked() {
        let asked: ScopeSet = ["openid", "email"].iter().collect();
        let s = parse_session(
            &json!({"providerInfo": {"accessToken": "at"}}),
            &ctx(&asked, &id),
        )
        .unwrap();
        assert_eq!(s.scopes, asked);
        let empty = parse_session(
            &json!({"providerInfo": {"accessToken": "at", "scope": " "}}),
            &ctx(&asked, &id),
        )
        .unwrap();
        assert!(
            empty.scopes.is_empty(),
            "an empty scope string grants nothing"
        );
    }

    #[test]
    fn the_transform_applies_to_granted_scopes() {
        let t = |v: Vec<String>| v.into_iter().map(|s| format!("p/{s}")).collect();
        let s = parse_session(
            &json!({"providerInfo": {"accessToken": "at", "scope": "a,b|c"}}),
            &ctx(&ScopeSet::new(), &t),
        )
        .unwrap();
        assert_eq!(s.scopes.join(), "p/a p/b p/c");
    }

    #[test]
    fn expires_in_seconds_variants() {
        let at = |v: Value| {
            parse(json!({"providerInfo": {"accessToken": "a", "expiresInSeconds": v}}))
                .map(|s| s.expires_at)
        };
        assert_eq!(at(json!(60)).unwrap(), Some(1_060_000.0));
        assert_eq!(at(json!("60")).unwrap(), Some(1_060_000.0));
        assert_eq!(at(json!(0.5)).unwrap(), Some(1_000_500.0));
        assert_eq!(at(json!(0)).unwrap(), None);
        assert_eq!(at(json!("")).unwrap(), None);
        assert_eq!(at(Value::Null).unwrap(), None);
        assert_eq!(at(json!(-5)).unwrap(), Some(995_000.0));
        assert!(at(json!("soon")).is_err());
        assert!(at(json!(true)).is_err());
        assert!(at(json!({})).is_err());
    }

    #[test]
    fn wrong_types_are_named_errors() {
        let cases = [
            (json!([]), "the response is not an object"),
            (json!({}), "providerInfo is missing or not an object"),
            (
                json!({"providerInfo": "x"}),
                "providerInfo is missing or not an object",
            ),
            (
                json!({"providerInfo": {}}),
                "providerInfo.accessToken is missing",
            ),
            (
                json!({"providerInfo": {"accessToken": 5}}),
                "providerInfo.accessToken is not a string",
            ),
            (
                json!({"providerInfo": {"accessToken": "a", "idToken": {}}}),
                "providerInfo.idToken is not a string",
            ),
            (
                json!({"providerInfo": {"accessToken": "a", "scope": ["a"]}}),
                "providerInfo.scope is not a string",
            ),
            (
                json!({"providerInfo": {"accessToken": "a"}, "profile": 1}),
                "profile is not an object",
            ),
            (
                json!({"providerInfo": {"accessToken": "a"}, "profile": {"email": 1}}),
                "profile.email is not a string",
            ),
            (
                json!({"providerInfo": {"accessToken": "a"}, "backstageIdentity": "t"}),
                "backstageIdentity is not an object",
            ),
            (
                json!({"providerInfo": {"accessToken": "a"}, "backstageIdentity": {"identity": {}}}),
                "backstageIdentity.token is missing",
            ),
            (
                json!({"providerInfo": {"accessToken": "a"}, "backstageIdentity": {"token": "t"}}),
                "backstageIdentity.identity is missing or not an object",
            ),
            (
                json!({"providerInfo": {"accessToken": "a"}, "backstageIdentity": {"token": "t", "identity": {"userEntityRef": "u", "ownershipEntityRefs": [1]}}}),
                "backstageIdentity.identity.ownershipEntityRefs holds a non-string",
            ),
        ];
        for (value, message) in cases {
            assert_eq!(parse(value.clone()).unwrap_err().0, message, "for {value}");
        }
    }

    #[test]
    fn errors_never_quote_values() {
        let e = parse(
            json!({"providerInfo": {"accessToken": "a", "expiresInSeconds": "secret-token"}}),
        )
        .unwrap_err();
        assert!(!e.to_string().contains("secret-token"));
    }

    fn at(wall_ms: f64, mono_ms: f64) -> Instant {
        Instant { wall_ms, mono_ms }
    }

    /// A session obtained at wall 1 000 000 ms, mono 0, living `seconds`.
    fn living(seconds: f64) -> Session {
        parse(json!({"providerInfo": {"accessToken": "a", "expiresInSeconds": seconds}})).unwrap()
    }

    /// `ms` after the session was obtained, on both clocks.
    fn after(ms: f64) -> Instant {
        at(1_000_000.0 + ms, ms)
    }

    #[test]
    fn refresh_margin_is_exactly_three_minutes() {
        let s = parse(json!({"providerInfo": {"accessToken": "a"}})).unwrap();
        assert!(!s.should_refresh(after(1e12)), "no expiry never refreshes");
        let s = living(3600.0);
        let edge = 3_600_000.0 - REFRESH_MARGIN_MS;
        assert!(
            !s.should_refresh(after(edge)),
            "exactly at the margin is still fresh"
        );
        assert!(s.should_refresh(after(edge + 0.5)));
    }

    #[test]
    fn the_backstage_tokens_expiry_counts_too() {
        let mut s = living(3600.0);
        s.expires_at = None;
        s.backstage_identity = Some(BackstageIdentity {
            token: Secret::new("t".into()),
            expires_at: Some(1_000_000.0 + 600_000.0),
            user_entity_ref: "u".into(),
            ownership_entity_refs: vec![],
        });
        assert!(!s.should_refresh(after(600_000.0 - REFRESH_MARGIN_MS)));
        assert!(s.should_refresh(after(600_000.0 - REFRESH_MARGIN_MS + 1.0)));
    }

    #[test]
    fn short_lifetimes_use_half_their_lifetime_as_margin() {
        let s = living(60.0);
        assert!(
            !s.should_refresh(after(30_000.0)),
            "half-way is still fresh"
        );
        assert!(s.should_refresh(after(30_001.0)));
        let s = living(360.0);
        assert!(
            !s.should_refresh(after(180_000.0)),
            "six minutes: the full margin again"
        );
        assert!(s.should_refresh(after(180_001.0)));
    }

    #[test]
    fn a_just_refreshed_session_is_fresh_even_if_nearly_expired() {
        for seconds in [0.001, 1.0, -30.0] {
            let s = living(seconds);
            assert!(
                !s.should_refresh(after(MIN_REFRESH_INTERVAL_MS - 1.0)),
                "{seconds}"
            );
            assert!(
                s.should_refresh(after(MIN_REFRESH_INTERVAL_MS)),
                "{seconds}"
            );
        }
    }

    #[test]
    fn fresh_until_never_says_fresh_when_a_refresh_is_due() {
        let mut sessions: Vec<Session> = [
            None,
            Some(0.001),
            Some(1.0),
            Some(-30.0),
            Some(60.0),
            Some(359.0),
            Some(3600.0),
        ]
        .into_iter()
        .map(|s| match s {
            None => parse(json!({"providerInfo": {"accessToken": "a"}})).unwrap(),
            Some(seconds) => living(seconds),
        })
        .collect();
        let mut with_identity = living(3600.0);
        with_identity.backstage_identity = Some(BackstageIdentity {
            token: Secret::new("t".into()),
            expires_at: Some(1_000_000.0 + 600_000.0),
            user_entity_ref: "u".into(),
            ownership_entity_refs: vec![],
        });
        sessions.push(with_identity);
        for s in &sessions {
            let until = s.fresh_until_wall_ms();
            for ms in (0..8_000_000).step_by(997).map(f64::from) {
                let now = after(ms);
                if now.wall_ms < until {
                    assert!(!s.should_refresh(now), "{:?} at {now:?}", s.expires_at);
                }
            }
            // Not needlessly early either: just before it, the rule agrees the session is fresh.
            if until.is_finite() {
                assert!(!s.should_refresh(after(until - 1_000_000.0 - 1.0)));
            }
        }
    }

    #[test]
    fn a_jump_of_the_wall_clock_is_noticed() {
        let s = living(3600.0);
        // The machine slept for two hours: the wall clock moved, the monotonic one did not.
        assert!(s.should_refresh(at(1_000_000.0 + 7_200_000.0, 10.0)));
        // The wall clock was set back an hour: expiry cannot be trusted either.
        assert!(s.should_refresh(at(1_000_000.0 - 3_600_000.0, 1_000.0)));
        // Small drift between the clocks is not a jump.
        assert!(!s.should_refresh(at(1_000_000.0 + 70_000.0, 20_000.0)));
        // The monotonic clock alone still expires the session if the wall clock stalls.
        assert!(s.should_refresh(at(1_000_000.0, 3_600_000.0)));
    }
}
