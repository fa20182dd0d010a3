// The page the fault tests drive, against the scriptable backend on 127.0.0.1:7020.
import * as pkg from '/pkg/index.js';

window.pkg = pkg;
window.api = pkg.OAuth2.create({ baseUrl: 'http://127.0.0.1:7020/api/auth' });
window.states = [];
window.api.sessionState$().subscribe((s) => window.states.push(s));
window.unhandled = [];
window.addEventListener('unhandledrejection', (e) => window.unhandled.push(String(e.reason)));

/** Settles `promise` into `{ value }` or `{ name, message }`. */
window.outcome = (promise) => promise.then(
  (value) => ({ value }),
  (e) => ({ name: e.name, message: e.message }),
);

document.getElementById('instant').addEventListener('click', () => {
  window.instant = window.outcome(window.api.getIdToken({ instantPopup: true }));
});
// Records whether each window.open ran with the user's activation still live: without it a
// browser's popup blocker stops the popup (headless Chromium does not block, so the tests
// check the activation itself).
window.openActivations = [];
const open = window.open.bind(window);
window.open = (...args) => {
  window.openActivations.push(navigator.userActivation.isActive);
  return open(...args);
};
// The control: after a long await the activation is gone.
document.getElementById('late').addEventListener('click', async () => {
  await new Promise((r) => setTimeout(r, 6000));
  window.lateActive = navigator.userActivation.isActive;
});
document.getElementById('ready').textContent = 'ready';
