//! A value observable in the zen-observable style Backstage uses: a new subscriber gets the
//! current value on the next microtask, then every change as it happens.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::js::get;

struct Entry {
    id: u32,
    next: Option<Function>,
    this: JsValue,
    /// Set once the current value was delivered; changes before that are covered by it.
    primed: bool,
}

/// Holds the current value and the subscribers.
pub struct Subject {
    value: RefCell<JsValue>,
    entries: RefCell<Vec<Entry>>,
    next_id: Cell<u32>,
}

impl Subject {
    /// A subject starting at `value`.
    pub fn new(value: JsValue) -> Rc<Self> {
        Rc::new(Self {
            value: RefCell::new(value),
            entries: RefCell::default(),
            next_id: Cell::new(0),
        })
    }

    /// Sets the value and tells every subscriber.
    pub fn next(&self, value: JsValue) {
        *self.value.borrow_mut() = value.clone();
        // Collect first: a subscriber may subscribe or unsubscribe while being told.
        let targets: Vec<_> = self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.primed)
            .filter_map(|e| e.next.clone().map(|f| (f, e.this.clone())))
            .collect();
        for (f, this) in targets {
            // A throwing subscriber must not keep the others from hearing of the change.
            let _ = f.call1(&this, &value);
        }
    }

    fn deliver_current(&self, id: u32) {
        let target = {
            let mut entries = self.entries.borrow_mut();
            let Some(entry) = entries.iter_mut().find(|e| e.id == id) else {
                return;
            };
            entry.primed = true;
            entry.next.clone().map(|f| (f, entry.this.clone()))
        };
        if let Some((f, this)) = target {
            let value = self.value.borrow().clone();
            let _ = f.call1(&this, &value);
        }
    }

    fn unsubscribe(&self, id: u32) {
        self.entries.borrow_mut().retain(|e| e.id != id);
    }
}

/// An observable of one changing value.
#[wasm_bindgen]
pub struct Observable {
    subject: Rc<Subject>,
}

impl Observable {
    /// An observable of `subject`.
    pub fn of(subject: &Rc<Subject>) -> Self {
        Self {
            subject: subject.clone(),
        }
    }
}

#[wasm_bindgen]
impl Observable {
    /// `subscribe(observer)` or `subscribe(next, error?, complete?)`. The value never errors or
    /// completes, so only `next` is ever called.
    pub fn subscribe(&self, observer: JsValue) -> Subscription {
        let (next, this) = if let Some(f) = observer.dyn_ref::<Function>() {
            (Some(f.clone()), JsValue::UNDEFINED)
        } else {
            (get(&observer, "next").dyn_into::<Function>().ok(), observer)
        };
        let id = self.subject.next_id.get();
        self.subject.next_id.set(id.wrapping_add(1));
        self.subject.entries.borrow_mut().push(Entry {
            id,
            next,
            this,
            primed: false,
        });
        let weak = Rc::downgrade(&self.subject);
        let deliver = weak.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(subject) = deliver.upgrade() {
                subject.deliver_current(id);
            }
        });
        Subscription {
            subject: weak,
            id,
            closed: Cell::new(false),
        }
    }
}

/// A subscription; `unsubscribe()` stops the deliveries.
#[wasm_bindgen]
pub struct Subscription {
    subject: Weak<Subject>,
    id: u32,
    closed: Cell<bool>,
}

#[wasm_bindgen]
impl Subscription {
    /// Stops the deliveries. Calling it again does nothing.
    pub fn unsubscribe(&self) {
        if !self.closed.replace(true) {
            if let Some(subject) = self.subject.upgrade() {
                subject.unsubscribe(self.id);
            }
        }
    }

    /// Whether `unsubscribe()` was called.
    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.closed.get()
    }
}
