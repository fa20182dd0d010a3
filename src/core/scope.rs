//! Scope sets and the arithmetic Backstage does on them.
//!
//! Backstage keeps scopes in a JS `Set`, whose iteration order is insertion order, and joins
//! them with single spaces for the wire. [`ScopeSet`] keeps that order so URLs match
//! Backstage's byte for byte.

/// An insertion-ordered set of scope strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeSet(Vec<String>);

impl ScopeSet {
    /// An empty set.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Adds `scope` unless it is already present. Empty strings are kept out.
    pub fn insert(&mut self, scope: &str) {
        if !scope.is_empty() && !self.contains(scope) {
            self.0.push(scope.to_owned());
        }
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// Whether every scope of `other` is in this set.
    pub fn is_superset(&self, other: &ScopeSet) -> bool {
        other.iter().all(|s| self.contains(s))
    }

    /// Adds every scope of `other`, keeping this set's order first.
    pub fn extend(&mut self, other: &ScopeSet) {
        for s in other.iter() {
            self.insert(s);
        }
    }

    /// This set followed by the scopes of `other` that it lacks.
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        let mut out = self.clone();
        out.extend(other);
        out
    }

    /// The scopes in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The wire form: the scopes joined by single spaces.
    pub fn join(&self) -> String {
        self.0.join(" ")
    }
}

impl<S: AsRef<str>> FromIterator<S> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut set = ScopeSet::new();
        for s in iter {
            set.insert(s.as_ref());
        }
        set
    }
}

/// Splits a scope string the way Backstage's `OAuth2` does: on any run of whitespace, `|` or
/// `,`, dropping empty parts.
pub fn split_scope_string(scope: &str) -> Vec<String> {
    scope
        .split(|c: char| c.is_whitespace() || c == '|' || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A caller's `scope` argument, before normalisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeInput {
    /// No scope given.
    None,
    /// One provider-formatted string, split on whitespace, `|` and `,`.
    Text(String),
    /// Scopes given one by one; used as they are, not split.
    List(Vec<String>),
}

/// Normalises a caller's scope into a set, applying `transform` to the list first.
///
/// As in Backstage, nothing (or an empty string) gives an empty set without running the
/// transform, so a transform that adds scopes does not make "no scope" mean something.
pub fn normalize_scopes(
    input: &ScopeInput,
    transform: impl FnOnce(Vec<String>) -> Vec<String>,
) -> ScopeSet {
    let list = match input {
        ScopeInput::None => return ScopeSet::new(),
        ScopeInput::Text(text) => split_scope_string(text),
        ScopeInput::List(list) => list.clone(),
    };
    if list.is_empty() {
        return ScopeSet::new();
    }
    transform(list).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> ScopeSet {
        items.iter().collect()
    }

    #[test]
    fn insert_dedupes_and_keeps_order() {
        let s = set(&["b", "a", "b", "", "c", "a"]);
        assert_eq!(s.iter().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(s.join(), "b a c");
    }

    #[test]
    fn union_keeps_left_order_then_new_right_items() {
        let u = set(&["x", "a"]).union(&set(&["a", "b", "x", "c"]));
        assert_eq!(u.join(), "x a b c");
    }

    #[test]
    fn superset_rules() {
        assert!(set(&["a", "b"]).is_superset(&set(&["b"])));
        assert!(set(&["a"]).is_superset(&ScopeSet::new()));
        assert!(ScopeSet::new().is_superset(&ScopeSet::new()));
        assert!(!set(&["a"]).is_superset(&set(&["a", "b"])));
    }

    #[test]
    fn split_on_whitespace_pipes_and_commas() {
        assert_eq!(split_scope_string("a b\tc\nd"), ["a", "b", "c", "d"]);
        assert_eq!(split_scope_string("a|b,c"), ["a", "b", "c"]);
        assert_eq!(split_scope_string("  a ,, |b  "), ["a", "b"]);
        assert_eq!(
            split_scope_string("profile        email"),
            ["profile", "email"]
        );
        assert!(split_scope_string("").is_empty());
        assert!(split_scope_string(" \t|,").is_empty());
    }

    #[test]
    fn empty_input_skips_the_transform() {
        let adds = |mut v: Vec<String>| {
            v.push("extra".into());
            v
        };
        assert!(normalize_scopes(&ScopeInput::None, adds).is_empty());
        assert!(normalize_scopes(&ScopeInput::Text(String::new()), adds).is_empty());
        assert!(normalize_scopes(&ScopeInput::Text("  , ".into()), adds).is_empty());
        assert!(normalize_scopes(&ScopeInput::List(vec![]), adds).is_empty());
        assert_eq!(
            normalize_scopes(&ScopeInput::Text("a".into()), adds).join(),
            "a extra"
        );
    }

    #[test]
    fn lists_are_not_split() {
        let s = normalize_scopes(&ScopeInput::List(vec!["a b".into(), "c".into()]), |v| v);
        assert_eq!(s.iter().collect::<Vec<_>>(), ["a b", "c"]);
    }

    #[test]
    fn transform_output_is_deduped() {
        let s = normalize_scopes(&ScopeInput::Text("a b".into()), |_| {
            vec!["x".into(), "x".into(), "y".into()]
        });
        assert_eq!(s.join(), "x y");
    }
}
