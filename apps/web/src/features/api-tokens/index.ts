// What the app's router and shell use from this feature; nothing else imports the feature.
export { ApiTokensPage } from './pages/api-tokens-page';
