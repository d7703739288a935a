// What the app's router and shell use from this feature; nothing else imports the feature.
export { ApplicationPreviewsTab } from './pages/application-previews-tab';
