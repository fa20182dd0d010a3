//! The session manager: when to use the session in memory, when to refresh it through the
//! backend's cookie, and when to ask the user to log in. It follows Backstage's
//! `RefreshingAuthSessionManager` (newest, with network failures kept apart from "no
//! session"); transport, popup and clock come in through [`Connector`].

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::error::{AuthError, RefreshError};
use super::scope::ScopeSet;
use super::session::{Instant, Session};

/// After a network failure, refreshes wait this long, doubling with each further failure up to
/// [`MAX_BACKOFF_MS`]; calls in between fail at once with the last error instead of piling
/// requests onto a backend that is down.
const FIRST_BACKOFF_MS: f64 = 1_000.0;
const MAX_BACKOFF_MS: f64 = 30_000.0;

/// A refreshed session that lacks scopes makes the call refresh again with the union; this
/// bounds how often, so a backend that never grants a scope cannot cause a refresh loop.
const MAX_REFRESH_ROUNDS: u32 = 3;

/// What the manager needs from the outside world.
pub trait Connector {
    /// Now, on the wall clock and the monotonic clock.
    fn now(&self) -> Instant;
    /// Asks the backend for a session covering `scopes`, using its refresh cookie.
    fn refresh(&self, scopes: ScopeSet) -> impl Future<Output = Result<Session, RefreshError>>;
    /// Logs the user in for `scopes`: through the login requester, or at once in a popup.
    fn create(
        &self,
        scopes: ScopeSet,
        instant_popup: bool,
    ) -> impl Future<Output = Result<Session, AuthError>>;
    /// Ends the session on the backend.
    fn logout(&self) -> impl Future<Output = Result<(), AuthError>>;
    /// Called when the signed-in state changes, and only then.
    fn state_changed(&self, signed_in: bool);
    /// Called whenever the session in memory is replaced or dropped, so a cache of it can
    /// follow.
    fn session_changed(&self, _session: Option<&Rc<Session>>) {}
}

/// A session request, as `getIdToken` and friends make it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionRequest {
    /// The scopes the session must hold.
    pub scopes: ScopeSet,
    /// Never ask the user to log in; give no session instead.
    pub optional: bool,
    /// Log in through a popup at once rather than through the login requester.
    pub instant_popup: bool,
}

type RefreshResult = Result<Rc<Session>, RefreshError>;

/// One `/refresh` in flight, shared by every caller that arrives while it runs.
#[derive(Default)]
struct Flight {
    result: Option<RefreshResult>,
    waiters: Vec<Waker>,
}

struct FlightWait(Rc<RefCell<Flight>>);

impl Future for FlightWait {
    type Output = RefreshResult;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<RefreshResult> {
        let mut flight = self.0.borrow_mut();
        match &flight.result {
            Some(result) => Poll::Ready(result.clone()),
            None => {
                flight.waiters.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[derive(Default)]
struct State {
    current: Option<Rc<Session>>,
    flight: Option<Rc<RefCell<Flight>>>,
    signed_in: bool,
    backoff: Option<Backoff>,
}

/// Network failures in a row, and when the next refresh may go out.
struct Backoff {
    failures: u32,
    retry_at_mono_ms: f64,
    error: RefreshError,
}

/// Settles a flight when its refresh ends, or when the call that started it is dropped, so
/// the callers waiting on it never hang.
struct FlightGuard<'a> {
    state: &'a RefCell<State>,
    flight: Rc<RefCell<Flight>>,
}

impl FlightGuard<'_> {
    fn settle(&self, result: RefreshResult) {
        {
            let mut state = self.state.borrow_mut();
            if state
                .flight
                .as_ref()
                .is_some_and(|f| Rc::ptr_eq(f, &self.flight))
            {
                state.flight = None;
            }
        }
        let waiters = {
            let mut flight = self.flight.borrow_mut();
            if flight.result.is_some() {
                return;
            }
            flight.result = Some(result);
            std::mem::take(&mut flight.waiters)
        };
        waiters.into_iter().for_each(Waker::wake);
    }
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        self.settle(Err(RefreshError::Connection(AuthError::connection(
            "request was cancelled",
        ))));
    }
}

/// Holds one provider's session.
pub struct SessionManager<C> {
    connector: C,
    default_scopes: ScopeSet,
    state: RefCell<State>,
}

impl<C: Connector> SessionManager<C> {
    /// A manager with no session yet.
    pub fn new(connector: C, default_scopes: ScopeSet) -> Self {
        Self {
            connector,
            default_scopes,
            state: RefCell::default(),
        }
    }

    /// The connector.
    pub fn connector(&self) -> &C {
        &self.connector
    }

    /// The session in memory, if it holds `scopes` and is outside the refresh margin. This is
    /// the hot path: no allocation, no await.
    pub fn fresh_session(&self, scopes: &ScopeSet) -> Option<Rc<Session>> {
        let state = self.state.borrow();
        let current = state.current.as_ref()?;
        (current.covers(scopes) && !current.should_refresh(self.connector.now()))
            .then(|| current.clone())
    }

    /// A session holding `req.scopes`: from memory, through a refresh, or through a login.
    /// `Ok(None)` only for optional requests.
    pub async fn get_session(
        &self,
        req: &SessionRequest,
    ) -> Result<Option<Rc<Session>>, AuthError> {
        let mut refresh_tried = false;
        let mut rounds = 0;
        loop {
            let current = self.state.borrow().current.clone();
            if let Some(current) = current.filter(|c| c.covers(&req.scopes)) {
                if !current.should_refresh(self.connector.now()) {
                    return Ok(Some(current));
                }
                match self.collapsed_refresh(&req.scopes).await {
                    Ok(session) => {
                        self.adopt(&session);
                        return Ok(Some(session));
                    }
                    Err(RefreshError::Connection(e)) => return self.offline(req, e),
                    Err(RefreshError::NoSession(_)) => {
                        self.clear_local();
                        break;
                    }
                }
            }
            if refresh_tried {
                break;
            }
            refresh_tried = true;
            match self.collapsed_refresh(&req.scopes).await {
                Ok(session) => {
                    self.adopt(&session);
                    rounds += 1;
                    if rounds < MAX_REFRESH_ROUNDS {
                        // Start over as a new call would: the session may still lack scopes
                        // that a refresh with the union would bring.
                        refresh_tried = false;
                    }
                }
                Err(RefreshError::Connection(e)) => return self.offline(req, e),
                Err(RefreshError::NoSession(_)) => self.clear_local(),
            }
        }
        if req.optional {
            return Ok(None);
        }
        let mut scopes = self.default_scopes.clone();
        if let Some(current) = &self.state.borrow().current {
            scopes.extend(&current.scopes);
        }
        scopes.extend(&req.scopes);
        let session = Rc::new(self.connector.create(scopes, req.instant_popup).await?);
        self.state.borrow_mut().current = Some(session.clone());
        self.connector.session_changed(Some(&session));
        self.set_signed_in(true);
        Ok(Some(session))
    }

    /// Forgets the session and logs out on the backend. As in Backstage, the signed-out state
    /// is announced only once the backend agreed.
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        self.state.borrow_mut().current = None;
        self.connector.session_changed(None);
        self.connector.logout().await?;
        self.set_signed_in(false);
        Ok(())
    }

    /// Forgets the session in memory without asking the backend: another tab signed out.
    pub fn sign_out_locally(&self) {
        self.clear_local();
    }

    /// A network failure keeps the session: optional calls get none, others the error.
    fn offline(
        &self,
        req: &SessionRequest,
        error: AuthError,
    ) -> Result<Option<Rc<Session>>, AuthError> {
        if req.optional {
            Ok(None)
        } else {
            Err(error)
        }
    }

    /// Takes a refreshed session unless it would narrow the scopes of the one in memory.
    fn adopt(&self, session: &Rc<Session>) {
        let wider = {
            let mut state = self.state.borrow_mut();
            let wider = state
                .current
                .as_ref()
                .is_none_or(|c| session.scopes.is_superset(&c.scopes));
            if wider {
                state.current = Some(session.clone());
            }
            wider
        };
        if wider {
            self.connector.session_changed(Some(session));
        }
    }

    /// Backs off after a network failure; any answer from the backend ends the back-off.
    fn note_outcome(&self, result: &RefreshResult) {
        let backoff = match result {
            Err(error @ RefreshError::Connection(_)) => {
                let failures = self
                    .state
                    .borrow()
                    .backoff
                    .as_ref()
                    .map_or(0, |b| b.failures)
                    + 1;
                let doublings = failures.min(16) as i32 - 1;
                let wait = (FIRST_BACKOFF_MS * 2f64.powi(doublings)).min(MAX_BACKOFF_MS);
                Some(Backoff {
                    failures,
                    retry_at_mono_ms: self.connector.now().mono_ms + wait,
                    error: error.clone(),
                })
            }
            _ => None,
        };
        self.state.borrow_mut().backoff = backoff;
    }

    fn clear_local(&self) {
        self.state.borrow_mut().current = None;
        self.connector.session_changed(None);
        self.set_signed_in(false);
    }

    fn set_signed_in(&self, signed_in: bool) {
        let changed = {
            let mut state = self.state.borrow_mut();
            std::mem::replace(&mut state.signed_in, signed_in) != signed_in
        };
        if changed {
            self.connector.state_changed(signed_in);
        }
    }

    /// One `/refresh` at a time: a caller arriving while one runs shares its result. The
    /// caller that started it also checks that its own scopes were granted.
    async fn collapsed_refresh(&self, requested: &ScopeSet) -> RefreshResult {
        let running = self.state.borrow().flight.clone();
        if let Some(flight) = running {
            return FlightWait(flight).await;
        }
        if let Some(b) = &self.state.borrow().backoff {
            if self.connector.now().mono_ms < b.retry_at_mono_ms {
                return Err(b.error.clone());
            }
        }
        let flight = Rc::new(RefCell::new(Flight::default()));
        let scopes = {
            let mut state = self.state.borrow_mut();
            state.flight = Some(flight.clone());
            let mut scopes = self.default_scopes.clone();
            if let Some(current) = &state.current {
                scopes.extend(&current.scopes);
            }
            scopes.extend(requested);
            scopes
        };
        let guard = FlightGuard {
            state: &self.state,
            flight,
        };
        let result = self.connector.refresh(scopes).await.map(Rc::new);
        self.note_outcome(&result);
        guard.settle(result.clone());
        let session = result?;
        if !session.covers(requested) {
            return Err(RefreshError::NoSession(AuthError::plain(
                "Refreshed session did not receive the required scopes",
            )));
        }
        self.set_signed_in(true);
        Ok(session)
    }
}

// Native only: they run on the `futures` executor, a host dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
