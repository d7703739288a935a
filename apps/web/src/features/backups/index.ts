// What the app's router uses from this feature; nothing else imports the feature.
export { DestinationsPage } from './pages/destinations-page';
