//! The queue behind one login requester: pending requests merge into one login whose scopes
//! are the union of theirs, and one successful login settles every request it covers.

use super::scope::ScopeSet;

/// Pending login requests of one requester, each with the handle that settles it.
#[derive(Debug)]
pub struct PendingQueue<H> {
    entries: Vec<(ScopeSet, H)>,
}

impl<H> Default for PendingQueue<H> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<H> PendingQueue<H> {
    /// Queues a request for `scopes`.
    pub fn push(&mut self, scopes: ScopeSet, handle: H) {
        self.entries.push((scopes, handle));
    }

    /// The union of every queued request's scopes, or `None` when nothing is queued.
    pub fn union(&self) -> Option<ScopeSet> {
        let (first, rest) = self.entries.split_first()?;
        let mut all = first.0.clone();
        for (scopes, _) in rest {
            all.extend(scopes);
        }
        Some(all)
    }

    /// Removes and returns the requests a login with `granted` scopes settles. Requests that
    /// ask for more stay queued.
    pub fn take_covered(&mut self, granted: &ScopeSet) -> Vec<H> {
        let (covered, rest) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|(s, _)| granted.is_superset(s));
        self.entries = rest;
        covered.into_iter().map(|(_, h)| h).collect()
    }

    /// Removes and returns every queued request.
    pub fn take_all(&mut self) -> Vec<H> {
        std::mem::take(&mut self.entries)
            .into_iter()
            .map(|(_, h)| h)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> ScopeSet {
        s.split(' ').filter(|x| !x.is_empty()).collect()
    }

    #[test]
    fn union_merges_in_arrival_order() {
        let mut q = PendingQueue::default();
        assert_eq!(q.union(), None);
        q.push(set("a b"), 1);
        q.push(set("b c"), 2);
        q.push(set("c a"), 3);
        assert_eq!(q.union().unwrap().join(), "a b c");
    }

    #[test]
    fn a_login_settles_what_it_covers_and_keeps_later_wider_requests() {
        let mut q = PendingQueue::default();
        q.push(set("a"), 1);
        q.push(set("b"), 2);
        let granted = q.union().unwrap();
        q.push(set("c"), 3);
        q.push(set(""), 4);
        assert_eq!(q.take_covered(&granted), [1, 2, 4]);
        assert_eq!(q.union().unwrap().join(), "c");
        assert!(q.take_covered(&granted).is_empty());
        assert_eq!(q.take_all(), [3]);
        assert_eq!(q.union(), None);
        assert!(q.take_all().is_empty());
    }
}
