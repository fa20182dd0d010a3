export * from 'backstage-auth-wasm';
