// Types of the backstage-auth-wasm package. They follow @backstage/core-plugin-api's auth
// types, so the auth objects fit the refs' declared types without casts.

/** One scope string (split on whitespace, `|` and `,`) or a list of scopes. */
export type OAuthScope = string | string[];

export interface AuthRequestOptions {
  /** Never ask the user to log in; resolve empty when there is no session. */
  optional?: boolean | null;
  /** Open the login popup at once instead of the "Login Required" modal. Call from a click. */
  instantPopup?: boolean | null;
}

export interface AuthProviderInfo {
  id: string;
  title: string;
  icon?: unknown;
}

export interface ProfileInfo {
  email?: string;
  displayName?: string;
  picture?: string;
}

export interface BackstageUserIdentity {
  type: 'user';
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

export interface BackstageIdentityResponse {
  token: string;
  expiresAt?: Date;
  identity: BackstageUserIdentity;
}

export type SessionState = 'SignedIn' | 'SignedOut';

export interface Observer<T> {
  next?(value: T): void;
  error?(error: Error): void;
  complete?(): void;
}

export interface Subscription {
  unsubscribe(): void;
  readonly closed: boolean;
}

declare global {
  interface SymbolConstructor {
    readonly observable: symbol;
  }
}

export interface Observable<T> {
  [Symbol.observable](): Observable<T>;
  subscribe(observer: Observer<T>): Subscription;
  subscribe(
    onNext?: (value: T) => void,
    onError?: (error: Error) => void,
    onComplete?: () => void,
  ): Subscription;
}

export interface PendingOAuthRequest<P extends AuthProviderInfo = AuthProviderInfo> {
  /** The provider object its requester was created with. */
  provider: P;
  reject(): void;
  trigger(): Promise<void>;
}

export interface OAuthRequesterOptions<T> {
  provider: AuthProviderInfo;
  onAuthRequest(scopes: Set<string>): Promise<T>;
}

export type OAuthRequester<T> = (scopes: Set<string>) => Promise<T>;

/** Compatible with Backstage's `OAuthRequestApi`. */
export interface OAuthRequestApi {
  createAuthRequester<T>(options: OAuthRequesterOptions<T>): OAuthRequester<T>;
  authRequest$(): Observable<PendingOAuthRequest[]>;
}

/** Backstage's `DiscoveryApi`; asked for `'auth'`. */
export interface DiscoveryApi {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** The part of Backstage's `ConfigApi` that is read. */
export interface ConfigApi {
  getOptionalBoolean(key: string): boolean | undefined;
}

export type PopupOptions = {
  size?: { width: number; height: number } | { fullscreen: true };
};

export type AuthorizationParams = Record<string, string>;

export interface AuthFactoryOptions {
  /** Where the auth backend is; give this or `baseUrl`. */
  discoveryApi?: DiscoveryApi;
  /** The auth plugin's base URL, e.g. `http://127.0.0.1:7007/api/auth`. */
  baseUrl?: string;
  /** Sent as `env`; default `'development'`. */
  environment?: string;
  provider?: AuthProviderInfo;
  defaultScopes?: string[];
  /** The app's login request API; the built-in modal is used when left out. */
  oauthRequestApi?: OAuthRequestApi;
  popupOptions?: PopupOptions;
  scopeTransform?: (scopes: string[]) => string[];
  authorizationParams?: AuthorizationParams | (() => AuthorizationParams);
  configApi?: ConfigApi;
}

/** What every factory's `create` returns: Backstage's OAuth2 surface. */
export interface AuthApi {
  getIdToken(options?: AuthRequestOptions | null): Promise<string>;
  getAccessToken(scope?: OAuthScope | null, options?: AuthRequestOptions | null): Promise<string>;
  getProfile(options?: AuthRequestOptions | null): Promise<ProfileInfo | undefined>;
  getBackstageIdentity(options?: AuthRequestOptions | null): Promise<BackstageIdentityResponse | undefined>;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  sessionState$(): Observable<SessionState>;
}

export interface AuthFactory {
  create(options: AuthFactoryOptions): AuthApi;
}

export declare const GoogleAuth: AuthFactory;
export declare const MicrosoftAuth: AuthFactory;
export declare const OktaAuth: AuthFactory;
export declare const OneLoginAuth: AuthFactory;
export declare const Auth0Auth: AuthFactory;
export declare const OAuth2: AuthFactory;
export declare const OidcAuth: AuthFactory;

export type ProviderKey = 'auth0' | 'google' | 'microsoft' | 'oauth2' | 'oidc' | 'okta' | 'onelogin';

export interface BundledProvider {
  readonly id: string;
  readonly title: string;
  readonly defaultScopes: readonly string[];
  readonly apiRefId: string;
}

export declare const providers: { readonly [K in ProviderKey]: BundledProvider };

/**
 * The built-in request manager. Its requests carry whatever provider objects their requesters
 * were created with, so `authRequest$` takes that type, and the manager fits Backstage's
 * `OAuthRequestApi`, whose providers carry a React icon.
 */
export interface BuiltinOAuthRequestApi {
  createAuthRequester<T>(options: OAuthRequesterOptions<T>): OAuthRequester<T>;
  authRequest$<P extends AuthProviderInfo = AuthProviderInfo>(): Observable<PendingOAuthRequest<P>[]>;
}

/** The built-in login request manager; the built-in modal renders its requests. */
export declare const oauthRequestApi: BuiltinOAuthRequestApi;

export interface ConfigureOptions extends Omit<AuthFactoryOptions, 'provider'> {
  provider: ProviderKey | AuthProviderInfo;
}

/** Sets the auth object the module-level `getIdToken` uses. */
export declare function configure(options: ConfigureOptions): void;

/** `getIdToken` of the auth object set by `configure`. */
export declare function getIdToken(options?: AuthRequestOptions | null): Promise<string>;

/** Words of the built-in modal, named after Backstage's `oauthRequestDialog` translation keys. */
export interface ModalStrings {
  title?: string | null;
  authRedirectTitle?: string | null;
  login?: string | null;
  rejectAll?: string | null;
  unspecifiedError?: string | null;
}

/**
 * Replaces some of the built-in modal's words. Keys left out keep their current words; `null`
 * restores the default. The modal shows them from its next render.
 */
export declare function setModalStrings(strings: ModalStrings): void;

/** Bytes of the WebAssembly module's memory; a diagnostic for benchmarks. */
export declare function wasmMemoryBytes(): number;
