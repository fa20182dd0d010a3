//! Backstage's `RefreshingAuthSessionManager` tests (spec §6, items 20–35), against a
//! scripted connector and a settable clock.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;

use super::*;
use crate::core::session::{Instant, Profile, Secret};

/// What the scripted `/refresh` does next.
#[derive(Clone, Copy)]
enum Refresh {
    /// Grants exactly what was asked.
    Grant,
    /// Grants these scopes whatever was asked.
    GrantOnly(&'static str),
    /// Grants what was asked, expiring this many ms from now.
    GrantExpiring(f64),
    NoSession,
    Offline,
}

#[derive(Default)]
struct Script {
    now: Cell<f64>,
    /// How far the wall clock has jumped away from the monotonic one.
    jump: Cell<f64>,
    refreshes: RefCell<VecDeque<Refresh>>,
    refresh_calls: RefCell<Vec<String>>,
    create_calls: RefCell<Vec<(String, bool)>>,
    create_result: RefCell<Option<Result<&'static str, AuthError>>>,
    logout_calls: Cell<u32>,
    states: RefCell<Vec<bool>>,
}

#[derive(Clone, Default)]
struct Mock(Rc<Script>);

fn set(s: &str) -> ScopeSet {
    s.split(' ').filter(|x| !x.is_empty()).collect()
}

fn session(scopes: ScopeSet, expires_at: Option<f64>, obtained: Instant) -> Session {
    Session {
        id_token: Some(Secret::new(format!("id:{}", scopes.join()))),
        access_token: Secret::new("access".into()),
        scopes,
        expires_at,
        profile: Profile::default(),
        backstage_identity: None,
        obtained,
    }
}

/// Lets other tasks run, as an await on the network would.
async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

impl Connector for Mock {
    fn now(&self) -> Instant {
        let ms = self.0.now.get();
        Instant {
            wall_ms: ms + self.0.jump.get(),
            mono_ms: ms - 1_000_000.0,
        }
    }

    async fn refresh(&self, scopes: ScopeSet) -> Result<Session, RefreshError> {
        self.0.refresh_calls.borrow_mut().push(scopes.join());
        yield_now().await;
        let step = self
            .0
            .refreshes
            .borrow_mut()
            .pop_front()
            .unwrap_or(Refresh::NoSession);
        let now = self.now();
        let later = Some(now.wall_ms + 3_600_000.0);
        match step {
            Refresh::Grant => Ok(session(scopes, later, now)),
            Refresh::GrantOnly(s) => Ok(session(set(s), later, now)),
            Refresh::GrantExpiring(ms) => Ok(session(scopes, Some(now.wall_ms + ms), now)),
            Refresh::NoSession => Err(RefreshError::NoSession(AuthError::plain("no cookie"))),
            Refresh::Offline => Err(RefreshError::Connection(AuthError::connection("offline"))),
        }
    }

    async fn create(&self, scopes: ScopeSet, instant_popup: bool) -> Result<Session, AuthError> {
        self.0
            .create_calls
            .borrow_mut()
            .push((scopes.join(), instant_popup));
        yield_now().await;
        let now = self.now();
        match self.0.create_result.borrow().clone().unwrap_or(Ok("")) {
            Ok("") => Ok(session(scopes, Some(now.wall_ms + 3_600_000.0), now)),
            Ok(fixed) => Ok(session(set(fixed), None, now)),
            Err(e) => Err(e),
        }
    }

    async fn logout(&self) -> Result<(), AuthError> {
        self.0.logout_calls.set(self.0.logout_calls.get() + 1);
        Ok(())
    }

    fn state_changed(&self, signed_in: bool) {
        self.0.states.borrow_mut().push(signed_in);
    }
}

struct Harness {
    mock: Mock,
    manager: Rc<SessionManager<Mock>>,
}

impl Harness {
    fn new(defaults: &str) -> Self {
        let mock = Mock::default();
        mock.0.now.set(1_000_000.0);
        Self {
            manager: Rc::new(SessionManager::new(mock.clone(), set(defaults))),
            mock,
        }
    }

    fn script(&self, steps: &[Refresh]) {
        self.mock
            .0
            .refreshes
            .borrow_mut()
            .extend(steps.iter().cloned());
    }

    fn get(&self, scopes: &str, optional: bool) -> Result<Option<String>, AuthError> {
        self.get_all(&[(scopes, optional)]).pop().unwrap()
    }

    /// Runs the requests concurrently; each result is the granted scopes.
    fn get_all(&self, reqs: &[(&str, bool)]) -> Vec<Result<Option<String>, AuthError>> {
        let mut pool = LocalPool::new();
        let results: Rc<RefCell<Vec<Option<_>>>> = Rc::new(RefCell::new(vec![None; reqs.len()]));
        for (i, (scopes, optional)) in reqs.iter().enumerate() {
            let req = SessionRequest {
                scopes: set(scopes),
                optional: *optional,
                instant_popup: false,
            };
            let (manager, results) = (self.manager.clone(), results.clone());
            pool.spawner()
                .spawn_local(async move {
                    let r = manager
                        .get_session(&req)
                        .await
                        .map(|s| s.map(|s| s.scopes.join()));
                    results.borrow_mut()[i] = Some(r);
                })
                .unwrap();
        }
        pool.run();
        Rc::try_unwrap(results)
            .unwrap()
            .into_inner()
            .into_iter()
            .map(Option::unwrap)
            .collect()
    }

    fn refreshes(&self) -> Vec<String> {
        self.mock.0.refresh_calls.borrow().clone()
    }

    fn creates(&self) -> usize {
        self.mock.0.create_calls.borrow().len()
    }

    fn states(&self) -> Vec<bool> {
        self.mock.0.states.borrow().clone()
    }

    fn advance(&self, ms: f64) {
        self.mock.0.now.set(self.mock.0.now.get() + ms);
    }
}

#[test]
fn first_call_refreshes_then_logs_in_once() {
    let h = Harness::new("");
    assert_eq!(h.get("", false).unwrap().as_deref(), Some(""));
    assert_eq!(h.refreshes(), [""]);
    assert_eq!(h.creates(), 1);
    assert_eq!(h.states(), [true]);
    h.get("", false).unwrap();
    assert_eq!(h.creates(), 1, "the session in memory is reused");
}

#[test]
fn login_only_for_new_scopes() {
    let h = Harness::new("");
    h.get("a", false).unwrap();
    h.get("a", false).unwrap();
    assert_eq!(h.creates(), 1);
    // The refresh for {a, b} failed and cleared {a}, so the login asks for {b} alone.
    assert_eq!(h.get("b", false).unwrap().as_deref(), Some("b"));
    assert_eq!(h.creates(), 2);
}

#[test]
fn expired_session_is_refreshed_not_logged_in_again() {
    let h = Harness::new("");
    h.script(&[Refresh::NoSession]);
    h.get("a", false).unwrap();
    h.advance(3_600_000.0);
    h.script(&[Refresh::Grant]);
    assert_eq!(h.get("a", false).unwrap().as_deref(), Some("a"));
    assert_eq!(h.refreshes(), ["a", "a"]);
    assert_eq!(h.creates(), 1);
}

#[test]
fn login_errors_propagate_and_leave_state_alone() {
    let h = Harness::new("");
    *h.mock.0.create_result.borrow_mut() = Some(Err(AuthError::rejected()));
    assert_eq!(h.get("a", false).unwrap_err(), AuthError::rejected());
    assert!(h.states().is_empty());
    assert_eq!(h.get("a", true).unwrap(), None);
}

#[test]
fn optional_without_session_neither_logs_in_nor_signs_in() {
    let h = Harness::new("");
    assert_eq!(h.get("", true).unwrap(), None);
    assert_eq!(h.refreshes(), [""]);
    assert_eq!(h.creates(), 0);
}

#[test]
fn instant_popup_refreshes_once_then_logs_in_at_once() {
    let h = Harness::new("");
    let req = SessionRequest {
        scopes: ScopeSet::new(),
        optional: false,
        instant_popup: true,
    };
    futures::executor::block_on(h.manager.get_session(&req)).unwrap();
    assert_eq!(h.refreshes(), [""]);
    assert_eq!(*h.mock.0.create_calls.borrow(), [(String::new(), true)]);
}

#[test]
fn sign_out_logs_out_and_forgets() {
    let h = Harness::new("");
    h.get("a", false).unwrap();
    futures::executor::block_on(h.manager.sign_out()).unwrap();
    assert_eq!(h.mock.0.logout_calls.get(), 1);
    assert_eq!(h.states(), [true, false]);
    assert_eq!(h.get("a", true).unwrap(), None);
}

#[test]
fn concurrent_same_scopes_share_one_refresh() {
    let h = Harness::new("");
    h.script(&[Refresh::Grant]);
    let r = h.get_all(&[("a", false), ("a", false)]);
    assert_eq!(h.refreshes(), ["a"]);
    assert!(r
        .iter()
        .all(|x| x.as_ref().unwrap().as_deref() == Some("a")));
    assert_eq!(h.creates(), 0);
}

#[test]
fn concurrent_different_scopes_refresh_with_the_union() {
    let h = Harness::new("");
    h.script(&[Refresh::Grant, Refresh::Grant]);
    let r = h.get_all(&[("a", false), ("b", false)]);
    assert_eq!(h.refreshes(), ["a", "a b"]);
    assert_eq!(r[0].as_ref().unwrap().as_deref(), Some("a"));
    assert_eq!(r[1].as_ref().unwrap().as_deref(), Some("a b"));
}

#[test]
fn four_concurrent_requests_make_three_refreshes() {
    let h = Harness::new("");
    h.script(&[Refresh::Grant, Refresh::Grant, Refresh::Grant]);
    let r = h.get_all(&[("a", false), ("a b", false), ("b c", false), ("a c", false)]);
    let got: Vec<_> = r.into_iter().map(|x| x.unwrap().unwrap()).collect();
    assert_eq!(got, ["a", "a b", "a b c", "a b c"]);
    assert_eq!(h.refreshes().len(), 3);
}

#[test]
fn refresh_with_wrong_scopes_falls_back_to_login() {
    let h = Harness::new("");
    h.script(&[Refresh::GrantOnly("b")]);
    *h.mock.0.create_result.borrow_mut() = Some(Ok("c"));
    assert_eq!(h.get("a", false).unwrap().as_deref(), Some("c"));
    assert_eq!((h.refreshes().len(), h.creates()), (1, 1));
}

#[test]
fn failed_refresh_of_expired_session_logs_in_without_a_second_refresh() {
    let h = Harness::new("");
    h.script(&[Refresh::NoSession]);
    h.get("a", false).unwrap();
    h.advance(3_600_000.0);
    h.script(&[Refresh::NoSession]);
    h.get("a", false).unwrap();
    assert_eq!((h.refreshes().len(), h.creates()), (2, 2));
    assert_eq!(h.states(), [true, false, true]);
}

#[test]
fn offline_refresh_rejects_without_login() {
    let h = Harness::new("");
    h.script(&[Refresh::Offline]);
    assert_eq!(h.get("a", false).unwrap_err().name, "AuthConnectionError");
    h.script(&[Refresh::Offline]);
    assert_eq!(h.get("a", true).unwrap(), None);
    assert_eq!(h.creates(), 0);
}

#[test]
fn offline_refresh_keeps_an_expired_session_and_recovers() {
    let h = Harness::new("");
    h.script(&[Refresh::NoSession]);
    h.get("a", false).unwrap();
    h.advance(3_600_000.0);
    h.script(&[Refresh::Offline]);
    assert_eq!(
        h.get("a", false).unwrap_err().message,
        "Auth refresh request failed, offline"
    );
    assert_eq!(h.states(), [true], "still signed in");
    h.advance(FIRST_BACKOFF_MS);
    h.script(&[Refresh::Grant]);
    assert_eq!(h.get("a", false).unwrap().as_deref(), Some("a"));
    assert_eq!(h.creates(), 1);
}

#[test]
fn network_failures_back_off_instead_of_storming() {
    let h = Harness::new("");
    h.script(&[Refresh::Offline]);
    h.get("a", true).unwrap();
    // A hundred calls during the back-off: no request, the same answer.
    for _ in 0..100 {
        assert_eq!(h.get("a", true).unwrap(), None);
        assert_eq!(h.get("a", false).unwrap_err().name, "AuthConnectionError");
    }
    assert_eq!(h.refreshes().len(), 1);
    // The waits double: 1 s, 2 s, 4 s …
    h.advance(FIRST_BACKOFF_MS);
    h.script(&[Refresh::Offline]);
    h.get("a", true).unwrap();
    assert_eq!(h.refreshes().len(), 2);
    h.advance(FIRST_BACKOFF_MS * 2.0 - 1.0);
    h.get("a", true).unwrap();
    assert_eq!(h.refreshes().len(), 2, "still waiting");
    h.advance(1.0);
    h.script(&[Refresh::Grant]);
    assert_eq!(h.get("a", true).unwrap().as_deref(), Some("a"));
    assert_eq!(h.refreshes().len(), 3);
    // An answer ends the back-off.
    h.advance(3_600_000.0);
    h.script(&[Refresh::Grant]);
    h.get("a", true).unwrap();
    assert_eq!(h.refreshes().len(), 4);
}

#[test]
fn the_back_off_is_capped() {
    let h = Harness::new("");
    for _ in 0..20 {
        h.script(&[Refresh::Offline]);
        h.get("a", true).unwrap();
        h.advance(MAX_BACKOFF_MS);
    }
    assert_eq!(
        h.refreshes().len(),
        20,
        "never more than 30 s between tries"
    );
}

#[test]
fn a_clock_jump_refreshes_the_session() {
    let h = Harness::new("");
    h.script(&[Refresh::Grant]);
    h.get("a", false).unwrap();
    // The wall clock alone moves an hour (the machine slept, or the clock was set).
    h.mock.0.jump.set(3_600_000.0);
    h.script(&[Refresh::Grant]);
    h.get("a", false).unwrap();
    assert_eq!(h.refreshes().len(), 2);
}

#[test]
fn offline_optional_request_for_new_scope_keeps_the_session() {
    let h = Harness::new("");
    h.script(&[Refresh::NoSession]);
    h.get("a", false).unwrap();
    h.script(&[Refresh::Offline]);
    assert_eq!(h.get("b", true).unwrap(), None);
    assert_eq!(h.get("a", true).unwrap().as_deref(), Some("a"));
    assert_eq!(h.states(), [true]);
}

#[test]
fn narrower_refresh_never_replaces_a_wider_session() {
    let h = Harness::new("");
    h.script(&[Refresh::NoSession]);
    h.get("a b", false).unwrap();
    h.advance(3_600_000.0);
    h.script(&[Refresh::GrantOnly("a")]);
    assert_eq!(
        h.get("a", false).unwrap().as_deref(),
        Some("a"),
        "the caller gets the refreshed one"
    );
    let kept = h.manager.state.borrow().current.clone().unwrap();
    assert_eq!(kept.scopes.join(), "a b");
}

#[test]
fn default_scopes_join_every_refresh_and_login() {
    let h = Harness::new("openid email");
    h.script(&[Refresh::NoSession]);
    assert_eq!(
        h.get("x", false).unwrap().as_deref(),
        Some("openid email x")
    );
    assert_eq!(h.refreshes(), ["openid email x"]);
}

#[test]
fn short_lived_tokens_cannot_cause_a_refresh_loop() {
    let h = Harness::new("");
    // Every refresh returns a session already inside the margin.
    h.script(&[Refresh::GrantExpiring(1000.0); 10]);
    assert_eq!(h.get("a", false).unwrap().as_deref(), Some("a"));
    assert!(h.refreshes().len() <= 2, "{:?}", h.refreshes());
}

#[test]
fn a_scope_the_backend_never_grants_ends_in_a_login() {
    let h = Harness::new("");
    h.script(&[Refresh::GrantOnly("a"); 10]);
    let r = h.get_all(&[("a", false), ("b", false)]);
    assert!(r.iter().all(Result::is_ok));
    assert!(h.refreshes().len() <= 1 + MAX_REFRESH_ROUNDS as usize);
    assert_eq!(h.creates(), 1, "only the call for b logs in");
}

#[test]
fn fresh_session_is_the_hot_path() {
    let h = Harness::new("");
    assert!(h.manager.fresh_session(&ScopeSet::new()).is_none());
    h.get("a", false).unwrap();
    assert!(h.manager.fresh_session(&set("a")).is_some());
    assert!(h.manager.fresh_session(&set("b")).is_none());
    h.advance(3_600_000.0 - REFRESH_MARGIN_MS);
    assert!(
        h.manager.fresh_session(&set("a")).is_some(),
        "exactly at the margin"
    );
    h.advance(1.0);
    assert!(h.manager.fresh_session(&set("a")).is_none());
}

use super::{FIRST_BACKOFF_MS, MAX_BACKOFF_MS};
use crate::core::session::REFRESH_MARGIN_MS;
