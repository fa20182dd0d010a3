// A minimal app importing the package by name, as users do; built by Vite and by webpack 5
// with their default settings, then loaded by the end-to-end tests.
import { OidcAuth, providers } from 'backstage-auth-wasm';

const api = OidcAuth.create({ baseUrl: 'http://127.0.0.1:7007/api/auth' });
api.getIdToken({ optional: true }).then(
  (token) => { window.result = { token, title: providers.google.title }; },
  (error) => { window.result = { error: `${error.name}: ${error.message}` }; },
);
