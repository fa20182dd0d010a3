//! The seven bundled provider configs and their scope transforms.

/// Prefix of Google's OAuth scopes.
const GOOGLE_SCOPE_PREFIX: &str = "https://www.googleapis.com/auth/";

/// OpenID scopes Okta and OneLogin take without a prefix.
const OIDC_STANDARD_SCOPES: [&str; 7] = [
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "groups",
    "offline_access",
];

/// A provider's built-in scope transform, applied to each requested scope list and to the
/// scopes in the backend's responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeTransform {
    /// Scopes are used as given.
    Identity,
    /// Short names become Google's `https://www.googleapis.com/auth/…` URLs.
    Google,
    /// Non-standard scopes get the given prefix (`okta.`, `onelogin.`).
    Prefixed(&'static str),
    /// `offline_access` is appended to every list, as Backstage's Microsoft wrapper does.
    Microsoft,
}

impl ScopeTransform {
    /// Applies the transform to a list of scopes.
    pub fn apply(self, scopes: Vec<String>) -> Vec<String> {
        match self {
            ScopeTransform::Identity => scopes,
            ScopeTransform::Google => scopes.into_iter().map(google_scope).collect(),
            ScopeTransform::Prefixed(prefix) => scopes
                .into_iter()
                .map(|s| {
                    if OIDC_STANDARD_SCOPES.contains(&s.as_str()) || s.starts_with(prefix) {
                        s
                    } else {
                        format!("{prefix}{s}")
                    }
                })
                .collect(),
            ScopeTransform::Microsoft => {
                let mut scopes = scopes;
                scopes.push("offline_access".to_owned());
                scopes
            }
        }
    }
}

fn google_scope(scope: String) -> String {
    match scope.as_str() {
        "openid" => scope,
        "profile" | "email" => format!("{GOOGLE_SCOPE_PREFIX}userinfo.{scope}"),
        s if s.starts_with(GOOGLE_SCOPE_PREFIX) => scope,
        _ => format!("{GOOGLE_SCOPE_PREFIX}{scope}"),
    }
}

/// One bundled provider config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    /// The key in the package's `providers` export.
    pub key: &'static str,
    /// The auth backend's provider id.
    pub id: &'static str,
    /// The title shown to the user, and used in the popup's name.
    pub title: &'static str,
    /// Scopes every session of this provider asks for.
    pub default_scopes: &'static [&'static str],
    /// The id of the Backstage API ref this provider implements.
    pub api_ref_id: &'static str,
    /// The built-in scope transform.
    pub transform: ScopeTransform,
}

const GOOGLE_DEFAULT_SCOPES: [&str; 3] = [
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
];

/// The seven bundled configs, in the order of the package's `providers` keys.
pub const PROVIDERS: [ProviderConfig; 7] = [
    ProviderConfig {
        key: "auth0",
        id: "auth0",
        title: "Auth0",
        default_scopes: &["openid", "email", "profile"],
        api_ref_id: "core.auth.auth0",
        transform: ScopeTransform::Identity,
    },
    ProviderConfig {
        key: "google",
        id: "google",
        title: "Google",
        default_scopes: &GOOGLE_DEFAULT_SCOPES,
        api_ref_id: "core.auth.google",
        transform: ScopeTransform::Google,
    },
    ProviderConfig {
        key: "microsoft",
        id: "microsoft",
        title: "Microsoft",
        default_scopes: &["openid", "offline_access", "profile", "email", "User.Read"],
        api_ref_id: "core.auth.microsoft",
        transform: ScopeTransform::Microsoft,
    },
    ProviderConfig {
        key: "oauth2",
        id: "oauth2",
        title: "Your Identity Provider",
        default_scopes: &[],
        api_ref_id: "core.auth.oauth2",
        transform: ScopeTransform::Identity,
    },
    ProviderConfig {
        key: "oidc",
        id: "oidc",
        title: "Your Identity Provider",
        default_scopes: &[],
        api_ref_id: "core.auth.oidc",
        transform: ScopeTransform::Identity,
    },
    ProviderConfig {
        key: "okta",
        id: "okta",
        title: "Okta",
        default_scopes: &["openid", "email", "profile", "offline_access"],
        api_ref_id: "core.auth.okta",
        transform: ScopeTransform::Prefixed("okta."),
    },
    ProviderConfig {
        key: "onelogin",
        id: "onelogin",
        title: "onelogin",
        default_scopes: &["openid", "email", "profile", "offline_access"],
        api_ref_id: "core.auth.onelogin",
        transform: ScopeTransform::Prefixed("onelogin."),
    },
];

/// The bundled config under `key`, if there is one.
pub fn bundled(key: &str) -> Option<&'static ProviderConfig> {
    PROVIDERS.iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = GOOGLE_SCOPE_PREFIX;

    fn run(t: ScopeTransform, scopes: &[&str]) -> Vec<String> {
        t.apply(scopes.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn google_maps_short_names() {
        let t = ScopeTransform::Google;
        assert_eq!(run(t, &["email"]), [format!("{G}userinfo.email")]);
        assert_eq!(run(t, &["profile"]), [format!("{G}userinfo.profile")]);
        assert_eq!(run(t, &["openid"]), ["openid"]);
        assert_eq!(run(t, &["userinfo.email"]), [format!("{G}userinfo.email")]);
        assert_eq!(run(t, &["a"]), [format!("{G}a")]);
        let already = format!("{G}userinfo.profile");
        assert_eq!(run(t, &[&already]), [already]);
    }

    #[test]
    fn google_leaves_prefixed_oddities_alone() {
        for odd in ["email", "profile", "openid"] {
            let s = format!("{G}{odd}");
            assert_eq!(run(ScopeTransform::Google, &[&s]), [s]);
        }
    }

    #[test]
    fn okta_and_onelogin_prefix_non_standard_scopes() {
        let okta = ScopeTransform::Prefixed("okta.");
        assert_eq!(
            run(okta, &["openid", "profile", "email"]),
            ["openid", "profile", "email"]
        );
        assert_eq!(run(okta, &["okta.groups.manage"]), ["okta.groups.manage"]);
        assert_eq!(run(okta, &["groups.read"]), ["okta.groups.read"]);
        assert_eq!(
            run(okta, &["okta.email", "okta.openid"]),
            ["okta.email", "okta.openid"]
        );
        let onelogin = bundled("onelogin").unwrap().transform;
        assert_eq!(run(onelogin, &["groups", "x"]), ["groups", "onelogin.x"]);
        assert_eq!(run(onelogin, &["okta.x"]), ["onelogin.okta.x"]);
    }

    #[test]
    fn microsoft_appends_offline_access() {
        assert_eq!(
            run(ScopeTransform::Microsoft, &["azure-resource/scope"]),
            ["azure-resource/scope", "offline_access"]
        );
    }

    /// `getAccessToken(scope)` as Backstage's GoogleAuth and OktaAuth tests call it (§6, 60–67).
    fn normalized(t: ScopeTransform, scope: &str) -> Vec<String> {
        use crate::core::scope::{normalize_scopes, ScopeInput};
        let set = normalize_scopes(&ScopeInput::Text(scope.into()), |v| t.apply(v));
        set.iter().map(str::to_owned).collect()
    }

    #[test]
    fn google_examples_from_backstage_tests() {
        let g = |s: &str| format!("{G}{s}");
        let t = ScopeTransform::Google;
        assert_eq!(normalized(t, "email"), [g("userinfo.email")]);
        assert_eq!(normalized(t, "profile"), [g("userinfo.profile")]);
        assert_eq!(normalized(t, "openid"), ["openid"]);
        assert_eq!(normalized(t, "userinfo.email"), [g("userinfo.email")]);
        assert_eq!(
            normalized(t, "userinfo.profile email"),
            [g("userinfo.profile"), g("userinfo.email")]
        );
        let eight_spaces = format!("profile        {}", g("userinfo.email"));
        assert_eq!(
            normalized(t, &eight_spaces),
            [g("userinfo.profile"), g("userinfo.email")]
        );
        assert_eq!(
            normalized(t, &g("userinfo.profile")),
            [g("userinfo.profile")]
        );
        assert_eq!(normalized(t, "a"), [g("a")]);
        assert_eq!(normalized(t, "a b\tc"), [g("a"), g("b"), g("c")]);
        assert_eq!(normalized(t, &format!("{G}a b")), [g("a"), g("b")]);
        assert_eq!(normalized(t, &g("a")), [g("a")]);
        for odd in ["email", "profile", "openid"] {
            assert_eq!(normalized(t, &g(odd)), [g(odd)]);
        }
    }

    #[test]
    fn okta_examples_from_backstage_tests() {
        let t = ScopeTransform::Prefixed("okta.");
        assert_eq!(normalized(t, "openid"), ["openid"]);
        assert_eq!(normalized(t, "profile email"), ["profile", "email"]);
        assert_eq!(normalized(t, "okta.groups.manage"), ["okta.groups.manage"]);
        assert_eq!(normalized(t, "groups.read"), ["okta.groups.read"]);
        assert_eq!(
            normalized(t, "okta.groups.manage groups.read, openid"),
            ["okta.groups.manage", "okta.groups.read", "openid"]
        );
        assert_eq!(
            normalized(t, "email\t okta.groups.read"),
            ["email", "okta.groups.read"]
        );
        for s in ["okta.email", "okta.profile", "okta.openid"] {
            assert_eq!(normalized(t, s), [s]);
        }
    }

    #[test]
    fn bundled_configs_match_backstage_defaults() {
        let keys: Vec<_> = PROVIDERS.iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            [
                "auth0",
                "google",
                "microsoft",
                "oauth2",
                "oidc",
                "okta",
                "onelogin"
            ]
        );
        for p in PROVIDERS {
            assert_eq!(p.id, p.key);
            assert_eq!(p.api_ref_id, format!("core.auth.{}", p.id));
        }
        assert_eq!(
            bundled("google").unwrap().default_scopes,
            GOOGLE_DEFAULT_SCOPES
        );
        assert_eq!(bundled("onelogin").unwrap().title, "onelogin");
        assert_eq!(bundled("oauth2").unwrap().title, "Your Identity Provider");
        assert!(bundled("oidc").unwrap().default_scopes.is_empty());
        assert!(bundled("github").is_none());
        assert!(bundled("").is_none());
    }
}
