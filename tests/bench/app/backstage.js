export { OAuth2, OAuthRequestManager } from '@backstage/core-app-api';
