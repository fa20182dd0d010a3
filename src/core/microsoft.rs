//! Microsoft's per-audience sessions: a token is issued for one resource (audience), so
//! Backstage's `MicrosoftAuth` keeps one session per audience and picks it from the scopes.

/// Microsoft Graph's application id, the audience of the default scopes.
pub const GRAPH_AUDIENCE: &str = "00000003-0000-0000-c000-000000000000";

/// Scopes that say nothing about the audience.
const NEUTRAL_SCOPES: [&str; 4] = ["email", "openid", "offline_access", "profile"];

/// The audience a `getAccessToken` scope string asks for: the resource of the first scope
/// shaped `resource/permission` (without a leading `api://`), or Graph when the first scope
/// that is not neutral is a bare Graph permission, or when there is none. Like Backstage, the
/// string is split on single spaces only.
pub fn audience_of(scope: &str) -> &str {
    for part in scope.split(' ').filter(|s| !s.is_empty()) {
        if NEUTRAL_SCOPES.contains(&part) {
            continue;
        }
        return match part.rsplit_once('/') {
            Some((resource, permission)) if !resource.is_empty() && !permission.is_empty() => {
                resource.strip_prefix("api://").unwrap_or(resource)
            }
            _ => GRAPH_AUDIENCE,
        };
    }
    GRAPH_AUDIENCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_scope_or_neutral_scopes_mean_graph() {
        assert_eq!(audience_of(""), GRAPH_AUDIENCE);
        assert_eq!(
            audience_of("openid profile email offline_access"),
            GRAPH_AUDIENCE
        );
    }

    #[test]
    fn bare_permissions_mean_graph() {
        assert_eq!(audience_of("User.Read"), GRAPH_AUDIENCE);
        assert_eq!(
            audience_of("openid User.Read azure-resource/scope"),
            GRAPH_AUDIENCE,
            "first non-neutral wins"
        );
    }

    #[test]
    fn resource_scopes_name_their_audience() {
        assert_eq!(audience_of("azure-resource/scope"), "azure-resource");
        assert_eq!(
            audience_of("api://customApiClientId/some.scope"),
            "customApiClientId"
        );
        assert_eq!(
            audience_of("openid https://storage.azure.com/user_impersonation"),
            "https://storage.azure.com"
        );
        assert_eq!(audience_of("email a/b/c"), "a/b");
    }

    #[test]
    fn odd_shapes_fall_back_to_graph() {
        assert_eq!(audience_of("/scope"), GRAPH_AUDIENCE);
        assert_eq!(audience_of("resource/"), GRAPH_AUDIENCE);
        assert_eq!(audience_of("  "), GRAPH_AUDIENCE);
        // Only single spaces split: a tab stays inside the scope.
        assert_eq!(audience_of("openid\tres/x"), "openid\tres");
    }
}
