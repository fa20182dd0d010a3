//! The backend's `/start`, `/refresh` and `/logout` URLs, built as Backstage's
//! `DefaultAuthConnector` builds them.

use super::scope::ScopeSet;

/// Keys the library sets on `/start` itself; `authorizationParams` cannot override them.
const RESERVED_START_KEYS: [&str; 5] = ["scope", "origin", "flow", "redirectUrl", "env"];

/// Percent-encodes like JS `encodeURIComponent`: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )`.
pub fn encode_uri_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(byte as char),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 15)] as char);
            }
        }
    }
    out
}

/// A query string in insertion order; `env` always goes last.
struct Query(String);

impl Query {
    fn new() -> Self {
        Self(String::new())
    }

    fn sep(&mut self) {
        self.0.push(if self.0.is_empty() { '?' } else { '&' });
    }

    /// A key with no value, as Backstage writes a `true` flag.
    fn flag(mut self, key: &str) -> Self {
        self.sep();
        self.0.push_str(key);
        self
    }

    fn pair(mut self, key: &str, value: &str) -> Self {
        self.sep();
        self.0.push_str(&encode_uri_component(key));
        self.0.push('=');
        self.0.push_str(&encode_uri_component(value));
        self
    }

    fn finish(self, env: &str) -> String {
        self.pair("env", env).0
    }
}

/// How the login result comes back to the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flow<'a> {
    /// In a popup that posts a message to this window.
    Popup,
    /// By navigating this window away and back to the given URL.
    Redirect(&'a str),
}

/// Where one provider of the auth backend lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    provider_base: String,
    env: String,
}

impl Endpoints {
    /// Endpoints for `provider_id` under the auth plugin's base URL.
    pub fn new(auth_base_url: &str, provider_id: &str, env: &str) -> Self {
        let base = auth_base_url.strip_suffix('/').unwrap_or(auth_base_url);
        Self {
            provider_base: format!("{base}/{provider_id}"),
            env: env.to_owned(),
        }
    }

    /// The `/start` URL: extra parameters first, then scope, origin, flow and env.
    pub fn start(
        &self,
        extra_params: &[(String, String)],
        scopes: &str,
        app_origin: &str,
        flow: &Flow<'_>,
    ) -> String {
        let mut q = Query::new();
        for (k, v) in extra_params {
            if !RESERVED_START_KEYS.contains(&k.as_str()) {
                q = q.pair(k, v);
            }
        }
        q = q.pair("scope", scopes).pair("origin", app_origin);
        q = match flow {
            Flow::Popup => q.pair("flow", "popup"),
            Flow::Redirect(url) => q.pair("redirectUrl", url).pair("flow", "redirect"),
        };
        format!("{}/start{}", self.provider_base, q.finish(&self.env))
    }

    /// The `/refresh` URL; `scope` only when scopes are asked for.
    pub fn refresh(&self, scopes: &ScopeSet) -> String {
        let mut q = Query::new().flag("optional");
        if !scopes.is_empty() {
            q = q.pair("scope", &scopes.join());
        }
        format!("{}/refresh{}", self.provider_base, q.finish(&self.env))
    }

    /// The `/logout` URL.
    pub fn logout(&self) -> String {
        format!(
            "{}/logout{}",
            self.provider_base,
            Query::new().finish(&self.env)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends() -> Endpoints {
        Endpoints::new("http://my-host/api/auth", "my-provider", "production")
    }

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(encode_uri_component("a b"), "a%20b");
        assert_eq!(
            encode_uri_component("http://localhost"),
            "http%3A%2F%2Flocalhost"
        );
        assert_eq!(encode_uri_component("a'ö'b"), "a'%C3%B6'b");
        assert_eq!(encode_uri_component("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_uri_component("&=+?#%"), "%26%3D%2B%3F%23%25");
        assert_eq!(encode_uri_component(""), "");
    }

    #[test]
    fn start_url_matches_backstage_tests() {
        let url = ends().start(&[], "a b", "http://localhost", &Flow::Popup);
        assert_eq!(
            url,
            "http://my-host/api/auth/my-provider/start?scope=a%20b&origin=http%3A%2F%2Flocalhost&flow=popup&env=production"
        );
        let empty = ends().start(&[], "", "http://localhost", &Flow::Popup);
        assert_eq!(
            empty,
            "http://my-host/api/auth/my-provider/start?scope=&origin=http%3A%2F%2Flocalhost&flow=popup&env=production"
        );
    }

    #[test]
    fn extra_params_go_first_and_cannot_override() {
        let extra: Vec<(String, String)> = [
            ("prompt", "consent"),
            ("scope", "evil"),
            ("env", "evil"),
            ("origin", "evil"),
            ("flow", "evil"),
            ("redirectUrl", "evil"),
            ("login hint", "a&b"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let url = ends().start(&extra, "s", "http://o", &Flow::Redirect("http://o/p?x=1"));
        assert_eq!(
            url,
            "http://my-host/api/auth/my-provider/start?prompt=consent&login%20hint=a%26b&scope=s&origin=http%3A%2F%2Fo&redirectUrl=http%3A%2F%2Fo%2Fp%3Fx%3D1&flow=redirect&env=production"
        );
        assert!(!url.contains("evil"));
    }

    #[test]
    fn refresh_and_logout_urls() {
        let scopes: ScopeSet = ["openid", "email"].iter().collect();
        assert_eq!(
            ends().refresh(&scopes),
            "http://my-host/api/auth/my-provider/refresh?optional&scope=openid%20email&env=production"
        );
        assert_eq!(
            ends().refresh(&ScopeSet::new()),
            "http://my-host/api/auth/my-provider/refresh?optional&env=production"
        );
        assert_eq!(
            ends().logout(),
            "http://my-host/api/auth/my-provider/logout?env=production"
        );
    }

    #[test]
    fn env_is_encoded_and_trailing_slash_dropped() {
        let e = Endpoints::new("http://h/api/auth/", "p", "a b");
        assert_eq!(e.logout(), "http://h/api/auth/p/logout?env=a%20b");
    }
}
