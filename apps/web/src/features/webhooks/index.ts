// What the app's router and shell use from this feature; nothing else imports the feature.
export { ApplicationWebhooksTab } from './pages/application-webhooks-tab';
