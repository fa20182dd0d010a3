//! The session manager under any sequence of calls, clock moves and backend answers: it never
//! panics, never hands out a session that lacks the asked scopes, and optional calls never log
//! in.
#![no_main]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use backstage_auth_wasm::core::error::{AuthError, RefreshError};
use backstage_auth_wasm::core::manager::{Connector, SessionManager, SessionRequest};
use backstage_auth_wasm::core::scope::ScopeSet;
use backstage_auth_wasm::core::session::{Instant, Profile, Secret, Session};
use libfuzzer_sys::fuzz_target;

#[derive(Default)]
struct Script {
    wall: Cell<f64>,
    mono: Cell<f64>,
    answers: RefCell<Vec<u8>>,
    creates: Cell<u32>,
}

#[derive(Clone, Default)]
struct Fuzzed(Rc<Script>);

impl Fuzzed {
    fn next(&self) -> u8 {
        self.0.answers.borrow_mut().pop().unwrap_or(0)
    }

    fn session(&self, scopes: ScopeSet, byte: u8) -> Session {
        let now = self.now();
        let lifetime = match byte % 4 {
            0 => None,
            1 => Some(3_600_000.0),
            2 => Some(f64::from(byte) * 10.0),
            _ => Some(-1000.0),
        };
        Session {
            id_token: Some(Secret::new("id".into())),
            access_token: Secret::new("at".into()),
            scopes,
            expires_at: lifetime.map(|l| now.wall_ms + l),
            profile: Profile::default(),
            backstage_identity: None,
            obtained: now,
        }
    }
}

impl Connector for Fuzzed {
    fn now(&self) -> Instant {
        Instant {
            wall_ms: self.0.wall.get(),
            mono_ms: self.0.mono.get(),
        }
    }

    async fn refresh(&self, scopes: ScopeSet) -> Result<Session, RefreshError> {
        let byte = self.next();
        match byte % 4 {
            0 => Err(RefreshError::NoSession(AuthError::plain("no"))),
            1 => Err(RefreshError::Connection(AuthError::connection("down"))),
            2 => Ok(self.session(scopes, byte)),
            _ => Ok(self.session(["a"].iter().collect(), byte)),
        }
    }

    async fn create(&self, scopes: ScopeSet, _instant: bool) -> Result<Session, AuthError> {
        self.0.creates.set(self.0.creates.get() + 1);
        let byte = self.next();
        if byte % 3 == 0 {
            Err(AuthError::rejected())
        } else {
            Ok(self.session(scopes, byte))
        }
    }

    async fn logout(&self) -> Result<(), AuthError> {
        Ok(())
    }

    fn state_changed(&self, _signed_in: bool) {}
}

fuzz_target!(|data: &[u8]| {
    let fuzzed = Fuzzed::default();
    *fuzzed.0.answers.borrow_mut() = data.iter().rev().copied().collect();
    let manager = SessionManager::new(fuzzed.clone(), ["openid"].iter().collect());
    let all = ["a", "b", "openid"];
    for op in data.chunks(2) {
        let (kind, arg) = (op[0], op.get(1).copied().unwrap_or(0));
        match kind % 5 {
            0 | 1 => {
                let scopes: ScopeSet = all
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| arg & (1 << i) != 0)
                    .map(|(_, s)| *s)
                    .collect();
                let req = SessionRequest {
                    scopes: scopes.clone(),
                    optional: kind % 5 == 1,
                    instant_popup: arg & 8 != 0,
                };
                let creates = fuzzed.0.creates.get();
                if let Ok(Some(session)) = futures::executor::block_on(manager.get_session(&req)) {
                    assert!(session.covers(&scopes) || fuzzed.0.creates.get() > creates);
                }
                if req.optional {
                    assert_eq!(
                        fuzzed.0.creates.get(),
                        creates,
                        "optional calls never log in"
                    );
                }
            }
            2 => fuzzed
                .0
                .wall
                .set(fuzzed.0.wall.get() + f64::from(arg) * 60_000.0),
            3 => {
                fuzzed
                    .0
                    .mono
                    .set(fuzzed.0.mono.get() + f64::from(arg) * 1_000.0);
                fuzzed
                    .0
                    .wall
                    .set(fuzzed.0.wall.get() + f64::from(arg) * 1_000.0);
            }
            _ => {
                let _ = futures::executor::block_on(manager.sign_out());
            }
        }
        let _ = manager.fresh_session(&all.iter().collect());
    }
});
